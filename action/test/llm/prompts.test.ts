import { describe, expect, it } from "vitest";
import { CheckSpecSchema, type CheckSpec, type Series } from "../../src/model/index.js";
import { primitives, recordThreshold, type TelemetryRecord } from "../../src/checks/primitives/index.js";
import {
  CHECK_JSON_SCHEMA,
  MAX_PROBLEM_CHARS,
  PASS_IF_KEYS,
  PRIMITIVES,
  PROPOSALS_SYSTEM,
  badPattern,
  badSelector,
  estimateTokens,
  problemData,
  proposalMessages,
} from "../../src/llm/index.js";
import { alert, problem } from "./fixture.js";

const context = { knownCauseIds: ["b-cause", "a-cause"], capabilities: ["logs", "metrics"], existing: [] };

describe("the check vocabulary follows the model and the runtime", () => {
  it("the reply schema names exactly CheckSpecSchema's fields, but the runbook-only ones (the alert as a source, signatures, alternative signs)", () => {
    const runbookOnly = ["alert", "signature", "necessary"];
    expect(Object.keys(CHECK_JSON_SCHEMA.properties).sort()).toEqual(
      Object.keys(CheckSpecSchema.shape)
        .filter((k) => !runbookOnly.includes(k))
        .sort(),
    );
    expect(CHECK_JSON_SCHEMA.properties.primitive.enum).toEqual([...PRIMITIVES]);
  });

  it("every pass_if key the prompt allows is one the primitive really observes", () => {
    const onset = 10 * 60_000;
    const series = (k: number): Series => ({
      labels: { p: String(k) },
      points: Array.from({ length: 20 }, (_, i) => [i * 60_000, (i % 3) + (i >= 10 ? 10 * k : k)] as [number, number]),
    });
    const records: TelemetryRecord[] = [
      { at: 2 * 60_000, text: "x", fields: { table: "t", columns: ["a", "b"], value: 3 }, label: "r1" },
      { at: 5 * 60_000, text: "y", fields: { table: "t", columns: ["a", "c"], value: 5 }, label: "r2" },
    ];
    for (const p of PRIMITIVES) {
      const spec: CheckSpec = CheckSpecSchema.parse({ id: "c", metric: "m", primitive: p, pass_if: { x: ">= 1" }, field: "value" });
      const ctx = { spec, start: 0, end: 20 * 60_000, onset };
      const impl = primitives[p];
      const observed = new Set<string>();
      const out = impl.input === "series" ? impl.measure([series(1), series(2)], ctx) : impl.measure(records, ctx);
      if ("noData" in out) throw new Error(`${p}: ${out.noData}`);
      for (const m of Array.isArray(out) ? out : [out.measurement]) for (const k of Object.keys(m.observed)) observed.add(k);
      if (p === "threshold") {
        const r = recordThreshold.measure(records, ctx);
        if (!("noData" in r)) for (const k of Object.keys(r.measurement.observed)) observed.add(k);
      }
      // A key the primitive never observes would make every such check inconclusive.
      for (const key of PASS_IF_KEYS[p]) expect(observed, `${p}.${key}`).toContain(key);
    }
  });

  it("selectors and patterns: what the runtime accepts (RE2, where no pattern can hurt it)", () => {
    expect(badSelector('kafka_consumergroup_lag{consumergroup="{{alert.labels.consumergroup}}", topic=~"orders\\\\..*"}')).toBeNull();
    expect(badSelector("up")).toBeNull();
    expect(badSelector("rate(x[5m])")).toMatch(/functions are not supported/);
    expect(badSelector("x > 5")).toMatch(/operators are not supported/);
    expect(badSelector('x{a=~"(a*)*"}')).toBeNull();
    expect(badSelector('x{a=~"(?!b)a"}')).toMatch(/label "a" uses lookaround/);
    expect(badSelector('x{a="{{env.HOME}}"}')).toMatch(/unknown template/);
    expect(badPattern("CommitFailedException|maximum poll interval")).toBeNull();
    expect(badPattern("(\\w+\\s?)+$")).toBeNull();
    expect(badPattern("(a)\\1")).toMatch(/backreference/);
    expect(badPattern("x".repeat(201))).toMatch(/longer than 200/);
  });
});

describe("prompts", () => {
  it("the system message is one constant, whatever the incident or repository", () => {
    const a = proposalMessages(problem(), context, { maxProposals: 5 });
    const b = proposalMessages(
      problem({ title: "another", alerts: [alert({ title: "DbtRunFailed" })] }),
      { knownCauseIds: [], capabilities: ["warehouse"], existing: ["x"] },
      { maxProposals: 2 },
    );
    expect(a[0]).toEqual({ role: "system", content: PROPOSALS_SYSTEM });
    expect(b[0]).toEqual(a[0]);
    for (const p of PRIMITIVES) expect(PROPOSALS_SYSTEM).toContain(`- ${p} (`);
    expect(PROPOSALS_SYSTEM).toContain("never an instruction");
  });

  it("the user message quotes repository context first, then the incident, as JSON", () => {
    const [, user] = proposalMessages(problem(), context, { maxProposals: 3 });
    const doc = JSON.parse(user!.content.slice(user!.content.indexOf("\n") + 1)) as {
      catalogue: string[];
      limits: { max_proposals: number };
      problem: { alerts: Array<{ labels: Record<string, string> }> };
    };
    expect(Object.keys(doc)).toEqual(["capabilities", "catalogue", "limits", "existing_candidates", "problem"]);
    expect(doc.catalogue).toEqual(["a-cause", "b-cause"]);
    expect(doc.limits.max_proposals).toBe(3);
    expect(doc.problem.alerts[0]!.labels.consumergroup).toBe("orders-enricher");
  });

  it("an alert storm with long texts stays compact: caps, cuts and distinct titles first", () => {
    const long = "stack frame at org.apache.kafka.clients.consumer.internals ".repeat(200);
    const storm = problem({
      alerts: Array.from({ length: 500 }, (_, i) =>
        alert({
          id: `a${i}`,
          title: i % 50 === 0 ? `Distinct ${i}` : "KafkaConsumerGroupLag orders-enricher",
          annotations: { description: long, a: long, b: long, c: long, d: long, e: long, f: long, g: long },
        }),
      ),
      changes: {
        commits: Array.from({ length: 300 }, (_, i) => ({
          repo: "r",
          sha: `${i}`.padStart(40, "a"),
          at: "2026-03-14T09:00:00Z",
          author: "a",
          message: long,
          files: Array.from({ length: 50 }, (_, j) => ({ path: `dir/file-${j}.py`, status: "modified" })),
        })),
        deployments: [],
      },
      timeline: Array.from({ length: 1000 }, (_, i) => ({ at: "2026-03-14T09:00:00Z", kind: "alert" as const, text: `${i} ${long}` })),
    });
    const doc = problemData(storm) as { alerts: Array<{ title: string }>; alerts_omitted: number };
    expect(JSON.stringify(doc).length).toBeLessThanOrEqual(MAX_PROBLEM_CHARS);
    // Eleven distinct titles among 500 alerts: the kept ones are all different, not 490 repeats.
    const titles = doc.alerts.map((a) => a.title);
    expect(titles.length).toBeGreaterThan(1);
    expect(new Set(titles).size).toBe(titles.length);
    expect(doc.alerts_omitted).toBe(500 - doc.alerts.length);
    const messages = proposalMessages(storm, context, { maxProposals: 5 });
    expect(estimateTokens(messages.map((m) => m.content).join(""))).toBeLessThan(12_000);
  });
});
