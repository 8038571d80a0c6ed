import { describe, expect, it } from "vitest";
import { cli } from "../../src/cli/index.js";
import { printResult } from "../../src/cli/result.js";
import type { CliIo } from "../../src/cli/io.js";
import { frame } from "../../src/frame/problem.js";
import { decide } from "../../src/ingest/policy.js";
import { ConfigSchema, type IncidentOutcome, type Investigation, type PipelineResult } from "../../src/model/index.js";
import { proposeFix } from "../../src/remediate/propose.js";
import { buildIncidentFiles, type ReportInput } from "../../src/report/artifacts.js";
import { liveProgress } from "../../src/report/progress.js";
import { renderJobSummary } from "../../src/report/summary.js";
import { renderCliReport } from "../../src/report/terminal.js";
import { combineTelemetry } from "../../src/telemetry/combine.js";
import { alert as alertOf } from "../support/alert.js";
import { confirmedInvestigation } from "../support/investigation.js";
import { problemOf } from "../support/problem.js";
import { fixture, NOW } from "./fixture.js";

// Issue #17, item 9: each wrong wording, at its source, with the right one.

const config = ConfigSchema.parse({});

function outcomeOf(input: ReportInput, over: Partial<IncidentOutcome> = {}): IncidentOutcome {
  return {
    incident: input.incident,
    investigated: input.investigation !== null,
    reason: "investigate.auto[0] matched",
    problem: input.problem,
    investigation: input.investigation,
    fix: input.fix,
    proposal: null,
    reportPath: `${input.incident.path}/README.md`,
    narrative: null,
    llm: null,
    ...over,
  };
}

function resultOf(outcomes: IncidentOutcome[], over: Partial<PipelineResult> = {}): PipelineResult {
  return { outcomes, unparsed: [], alerts: [], duplicates: 0, commit: { sha: null, attempts: 1 }, memoryErrors: [], runbooks: [], ...over };
}

/** The fixture as an incident no runbook applied to: nothing ranked, nothing checked. */
function noRunbookApplied(): ReportInput {
  const base = fixture();
  const inv: Investigation = {
    ...base.investigation!,
    hypotheses: [],
    evidence: [],
    rca: { ...base.investigation!.rca, conclusion: "inconclusive", rootCause: "unknown", confidence: 0, ranked: [], chain: [], gaps: [], checksRun: 0 },
  };
  return { ...base, investigation: inv, fix: null };
}

describe("changes in the window", () => {
  it("says 'not checked' when no change source is configured, and 'none' only when one was read", async () => {
    const alerts = [alertOf({ startsAt: new Date(NOW - 600_000).toISOString() })];
    const base = fixture();
    const framed = await frame({
      incident: base.incident,
      alerts,
      pipelinesOf: () => [],
      neighbours: () => ({ upstream: [], downstream: [] }),
      similar: [],
      telemetry: combineTelemetry([]),
      now: NOW,
    });
    expect(framed.changesRead).toBe("no-source");
    const empty = { commits: [], deployments: [] };
    const problemMd = (changesRead: "read" | "no-source" | "unreachable") =>
      buildIncidentFiles({ ...base, problem: { ...base.problem, changes: empty, changesRead } })["problem.md"]!;
    expect(problemMd("no-source")).toContain("Not checked: no change source is configured, so commits and deployments are unknown, not absent.");
    expect(problemMd("no-source")).not.toContain("No commits or deployments");
    expect(problemMd("unreachable")).toContain("Not checked: the change source could not be read");
    expect(problemMd("read")).toContain("No commits or deployments in the window.");
  });
});

describe("an incident no runbook applied to", () => {
  const input = noRunbookApplied();
  const readme = buildIncidentFiles(input)["README.md"]!;

  it("says that none applied and what would, instead of 'the evidence cannot decide' over an empty table", () => {
    expect(readme).not.toContain("cannot decide between the candidates");
    expect(readme).toContain("No runbook applied to these alerts, so no cause was checked");
    expect(readme).toMatch(/A runbook applies when its `applies_to` names one of the alerts \(`[^`]+`/);
    const ranked = readme.slice(readme.indexOf("## Ranked causes"));
    expect(ranked.split("\n").slice(0, 4).join("\n")).toContain("None: no runbook applied to these alerts");
    expect(ranked.split("\n## ")[0]).not.toContain("| # |");
  });

  it("says so in the terminal too", () => {
    const text = renderCliReport(resultOf([outcomeOf(input)]));
    expect(text).toContain("Root cause: unknown — no runbook applied to these alerts, so no cause was checked");
    expect(text).not.toContain("best candidate none");
  });
});

describe("an incident investigated before, resolved now", () => {
  const base = fixture();
  const incident = { ...base.incident, status: "resolved" as const, investigation: "done" as const };

  it("is not 'resolved before investigation'", () => {
    expect(decide(incident, [], config).reason).toBe("resolved; it was investigated earlier, and that report stands");
    expect(decide({ ...incident, investigation: "pending" }, [], config).reason).toBe("resolved before investigation");
  });

  it("reads 'not investigated again' in the terminal and 'investigated earlier' in the job summary", () => {
    const input = { ...base, incident, investigation: null, fix: null };
    const reason = decide(incident, [], config).reason;
    const text = renderCliReport(resultOf([outcomeOf(input, { reason, investigated: false })]));
    expect(text).toContain("Not investigated again: resolved; it was investigated earlier, and that report stands");
    const md = renderJobSummary({ ...input, reportPath: "r/README.md" });
    expect(md).toContain("**Investigated earlier:** this run recorded its alerts; the report holds the investigation.");
    expect(md).not.toContain("awaiting a manual trigger");
  });
});

describe("a configuration fix's summary", () => {
  it("is plain text, without backticks that every renderer would show literally", async () => {
    const files: Record<string, string> = { "pipelines/orders/consumer.yaml": "max_poll_records: 500\n" };
    const head = { read: async (p: string) => files[p] ?? null, list: async () => Object.keys(files) };
    const hypothesis = {
      id: "kafka-lag-slow-consumer",
      title: "Slow consumer",
      remediation: { kind: "config-patch" as const, path: "pipelines/orders/consumer.yaml", set: { max_poll_records: 100 }, reversible: true },
    };
    const investigation = confirmedInvestigation(hypothesis);
    const out = await proposeFix({ problem: problemOf({ now: NOW, incidentId: "2026-03-14-lag" }), investigation, head, config });
    expect(out.proposal?.description).toBe("Sets max_poll_records: 500 → 100 in pipelines/orders/consumer.yaml. (max_poll_records: 500 → 100)");
    expect(out.proposal?.rollback).toBe("Revert this pull request's commit, or set max_poll_records back to 500 in pipelines/orders/consumer.yaml.");
  });
});

describe("the terminal", () => {
  it("clears the live progress line before printing the result", () => {
    const writes: Array<["out" | "err", string]> = [];
    const io: CliIo = {
      out: (t) => void writes.push(["out", t]),
      err: (t) => void writes.push(["err", t]),
      env: {},
      tty: true,
      stopped: () => new Promise(() => undefined),
    };
    const progress = liveProgress((t) => io.err(t));
    progress.phase("investigate x");
    progress.check({ key: "a/b", verdict: "fail", finding: "no", ms: 1 });
    printResult(io, resultOf([]), false);
    const first = writes.findIndex(([s]) => s === "out");
    expect(writes[first - 1]).toEqual(["err", "\r\x1b[2K"]);
    expect(writes.filter(([s, t]) => s === "err" && t.includes("investigate x")).at(-1)![1]).toBe("\r\x1b[2Kinvestigate x · 1 check done");
  });

  it("starts an error on a clean line too", async () => {
    let err = "";
    const io: CliIo = { out: () => undefined, err: (t) => void (err += t), env: {}, tty: true, stopped: () => new Promise(() => undefined) };
    expect(await cli(["lint", "/no/such/dir"], io)).toBe(2);
    expect(err.startsWith("\r\x1b[2Kpipemedic lint: lint /no/such/dir: no such directory")).toBe(true);
  });

  it("counts in words: 1 duplicate, 1 check, 1 round", () => {
    const base = fixture();
    const inv = { ...base.investigation!, rca: { ...base.investigation!.rca, rounds: 1, gaps: ["x/y: no data"] } };
    const text = renderCliReport(resultOf([outcomeOf({ ...base, investigation: inv })], { duplicates: 1 }));
    expect(text).toContain("0 normalized, 1 duplicate, 0 unparsed");
    expect(text).toContain("Could not check: 1 check, e.g. x/y: no data");
    expect(text).toMatch(/Checks: \d+ in 1 round, /);
    expect(text).not.toMatch(/\(s\)/);
  });
});
