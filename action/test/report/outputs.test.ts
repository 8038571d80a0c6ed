import { describe, expect, it } from "vitest";
import { IncidentsOutputSchema, type IncidentOutcome, type PipelineResult } from "../../src/model/index.js";
import { forgeLinks, incidentOutput, runOutputs } from "../../src/report/outputs.js";
import { renderJobSummary } from "../../src/report/summary.js";
import { awaitingFixture, fixture } from "./fixture.js";
import { parsed } from "./mdast-helpers.js";

const REPORT = "incidents/2026/03/2026-03-14-orders-consumer-lag-7f3a/README.md";

function outcome(input = fixture(), pr: number | null = 42): IncidentOutcome {
  return {
    incident: input.incident,
    investigated: input.investigation !== null,
    reason: "",
    problem: input.problem,
    investigation: input.investigation,
    fix: input.fix ? { ...input.fix, pr } : null,
    proposal: null,
    reportPath: REPORT,
    narrative: null,
    llm: null,
  };
}

const result = (outcomes: IncidentOutcome[], unparsed: PipelineResult["unparsed"] = []): PipelineResult => ({
  outcomes,
  unparsed,
  alerts: [],
  duplicates: 0,
  commit: { sha: null, attempts: 1 },
  memoryErrors: [],
  runbooks: [],
});

describe("forgeLinks", () => {
  it("links files on the branch and pull requests on the server, encoding each path segment", () => {
    const links = forgeLinks({ serverUrl: "https://ghe.example.com/", repository: "acme/data-ops", branch: "ops/main" });
    expect(links.file("incidents/a b/README.md")).toBe("https://ghe.example.com/acme/data-ops/blob/ops/main/incidents/a%20b/README.md");
    expect(links.pull(7)).toBe("https://ghe.example.com/acme/data-ops/pull/7");
  });

  it("gives the path itself and no pull request link without a repository (a local run)", () => {
    const links = forgeLinks({ repository: undefined, branch: "main" });
    expect(links.file(REPORT)).toBe(REPORT);
    expect(links.pull(7)).toBeNull();
  });
});

describe("the incidents output", () => {
  const links = forgeLinks({ repository: "acme/data-ops", branch: "main" });

  it("carries the cause, conclusion, confidence, report and fix pull request of an investigated incident", () => {
    const out = incidentOutput(outcome(), links);
    expect(out).toEqual({
      id: "2026-03-14-orders-consumer-lag-7f3a",
      title: fixture().incident.title,
      status: "open",
      root_cause: "kafka-lag-slow-consumer",
      conclusion: "confirmed",
      confidence: 0.87,
      report_url: `https://github.com/acme/data-ops/blob/main/${REPORT}`,
      fix_pr_url: "https://github.com/acme/data-ops/pull/42",
    });
    expect(IncidentsOutputSchema.parse([out])).toEqual([out]);
  });

  it("says not-investigated, with no cause and no confidence, for an incident awaiting a trigger", () => {
    const out = incidentOutput(outcome(awaitingFixture()), links);
    expect(out).toMatchObject({ root_cause: null, conclusion: "not-investigated", confidence: null, fix_pr_url: null });
    expect(IncidentsOutputSchema.safeParse([out]).success).toBe(true);
  });

  it("carries the title as one line of visible text, cut to 200 characters", () => {
    const base = fixture();
    const long = { ...base, incident: { ...base.incident, title: `Lag\u0007 on\n orders ${"x".repeat(300)}` } };
    const title = incidentOutput(outcome(long), links).title;
    expect(title.startsWith("Lag on orders x")).toBe(true);
    expect(title).toHaveLength(200);
    expect(title.endsWith("…")).toBe(true);
  });

  it("has no fix link when the fix has no pull request yet", () => {
    expect(incidentOutput(outcome(fixture(), null), links).fix_pr_url).toBeNull();
  });

  it("counts the bodies no source could read, not those read by inference", () => {
    const unparsed = [
      { delivery: "d1", reason: "no source", receivedAt: "2026-03-14T10:00:00Z", body: "{}" },
      { delivery: "d2", reason: "inferred", receivedAt: "2026-03-14T10:00:00Z", body: "{}", inferred: { alerts: 1, fields: [], list: null } },
    ] satisfies PipelineResult["unparsed"];
    expect(runOutputs(result([outcome()], unparsed), links)).toMatchObject({ unparsedCount: 1, incidents: [{ id: "2026-03-14-orders-consumer-lag-7f3a" }] });
  });
});

describe("the job summary of a run", () => {
  it("links each report (a link whose text is the path, not code) when the run knows its forge", () => {
    const links = forgeLinks({ repository: "acme/data-ops", branch: "main" });
    const md = renderJobSummary(result([outcome()]), { link: links.file });
    const nodes = parsed(md).nodes.filter((n) => n.type === "link") as Array<{ url: string; children: Array<{ type: string }> }>;
    expect(nodes.map((n) => n.url)).toEqual([`https://github.com/acme/data-ops/blob/main/${REPORT}`]);
    expect(nodes[0]!.children.map((c) => c.type)).toEqual(["text"]);
  });

  it("shows the bare path as code when there is nothing to link to", () => {
    const md = renderJobSummary(result([outcome()]));
    expect(parsed(md).nodes.some((n) => n.type === "link")).toBe(false);
    expect(md).toContain(`\`${REPORT}\``);
  });
});
