import { describe, expect, it } from "vitest";
import type { Check, LogLine, Series, Telemetry } from "../../src/model/index.js";
import { CheckSpecSchema, silentProgress } from "../../src/model/index.js";
import { CheckRunner, DEFAULT_BUDGET } from "../../src/checks/runtime.js";
import { resolveChecks } from "../../src/checks/template.js";
import { NO_KNOWLEDGE, problemOf } from "../support/problem.js";

const NOW = Date.parse("2026-03-14T02:00:00Z");
const problem = problemOf({ now: NOW, onset: NOW - 1_800_000 });
const knowledge = NO_KNOWLEDGE;

function checks(n: number, extra: Record<string, unknown> = {}): Check[] {
  const specs = Array.from({ length: n }, (_, i) =>
    CheckSpecSchema.parse({ id: `c${i}`, metric: `m${i}`, primitive: "threshold", pass_if: { value: ">= 0" }, ...extra }),
  );
  return resolveChecks({ id: "h", checks: specs }, problem, knowledge);
}

function telemetry(metrics: Telemetry["metrics"]): Telemetry {
  const none = () => Promise.reject(new Error("unused"));
  return { capabilities: new Set(["metrics"]), describe: () => "q", metrics, logs: none, changes: none, events: none, orchestrator: none, warehouse: none };
}

describe("check runtime faults", () => {
  it("a backend slower than the per-check timeout makes the check inconclusive, never pass", async () => {
    const hang = telemetry(() => new Promise(() => {}));
    const runner = new CheckRunner(hang, { ...DEFAULT_BUDGET, checkTimeoutMs: 50 }, silentProgress);
    const [e] = await runner.run(checks(1), 1);
    expect(e!.verdict).toBe("inconclusive");
    expect(e!.reason).toMatch(/timed out after 50 ms/);
  });

  it("errors, malformed data and missing data are inconclusive with the reason", async () => {
    const failing = new CheckRunner(
      telemetry(() => Promise.reject(new Error("HTTP 503 service unavailable"))),
      DEFAULT_BUDGET,
      silentProgress,
    );
    expect((await failing.run(checks(1), 1))[0]).toMatchObject({ verdict: "inconclusive", reason: "backend error: HTTP 503 service unavailable" });
    const empty = new CheckRunner(
      telemetry(() => Promise.resolve([])),
      DEFAULT_BUDGET,
      silentProgress,
    );
    expect((await empty.run(checks(1), 1))[0]).toMatchObject({ verdict: "inconclusive", reason: "no samples in the window" });
    const nulls = new CheckRunner(
      telemetry(() => Promise.resolve([{ labels: {}, points: [[NOW, null]] }])),
      DEFAULT_BUDGET,
      silentProgress,
    );
    expect((await nulls.run(checks(1), 1))[0]!.verdict).toBe("inconclusive");
  });

  it("a kind of telemetry nobody configured is inconclusive, named", async () => {
    const runner = new CheckRunner(
      telemetry(() => Promise.resolve([])),
      DEFAULT_BUDGET,
      silentProgress,
    );
    const logs = resolveChecks(
      { id: "h", checks: [CheckSpecSchema.parse({ id: "l", logs: { app: "x" }, match: "boom", primitive: "count", pass_if: { count: ">= 1" } })] },
      problem,
      knowledge,
    );
    expect((await runner.run(logs, 1))[0]).toMatchObject({ verdict: "inconclusive", reason: "no logs source is configured" });
  });

  it("finishes inside its total budget: checks not started in time are inconclusive", async () => {
    const slow = telemetry(() => new Promise((r) => setTimeout(() => r([{ labels: {}, points: [[NOW - 1000, 1]] }]), 40)));
    // a passing check reads three windows (its own and two baselines): 120 ms of a 300 ms budget
    const runner = new CheckRunner(slow, { ...DEFAULT_BUDGET, concurrency: 1, totalMs: 300 }, silentProgress);
    const out = await runner.run(checks(10), 1);
    expect(out.filter((e) => e.verdict === "pass").length).toBeGreaterThan(0);
    expect(out.some((e) => /budget was spent|timed out/.test(e.reason ?? ""))).toBe(true);
    expect(out.every((e) => e.verdict !== "fail")).toBe(true);
  });

  it("shares one fetch between checks that ask the same question", async () => {
    let calls = 0;
    const counted = telemetry(() => {
      calls++;
      return Promise.resolve([{ labels: {}, points: [[NOW - 1000, 1]] }]);
    });
    const same = resolveChecks(
      { id: "h", checks: ["a", "b", "c"].map((id) => CheckSpecSchema.parse({ id, metric: "m", primitive: "threshold", pass_if: { value: ">= 0" } })) },
      problem,
      knowledge,
    );
    await new CheckRunner(counted, DEFAULT_BUDGET, silentProgress).run(same.slice(0, 1), 1);
    const windows = calls;
    calls = 0;
    await new CheckRunner(counted, DEFAULT_BUDGET, silentProgress).run(same, 1);
    // one fetch per window (the incident's, and the baselines before the onset), shared by all three checks
    expect(windows).toBeGreaterThanOrEqual(3);
    expect(calls).toBe(windows);
  });
});

describe("evidence counts only where it discriminates", () => {
  const ONSET = NOW - 1_800_000;
  const threshold = (): Check[] =>
    resolveChecks(
      {
        id: "h",
        checks: [CheckSpecSchema.parse({ id: "high", metric: "m", primitive: "threshold", pass_if: { value: ">= 3" }, anchor: "onset", window: "10m" })],
      },
      problem,
      knowledge,
    );
  /** A gauge at `before` until the onset, `after` from it on; each query gets the points of its own range. */
  const gauge = (before: number, after: number) =>
    telemetry((q) => Promise.resolve<Series[]>([{ labels: {}, points: [[q.end - 1000, q.end - 1000 < ONSET ? before : after]] }]));

  it("a signal that holds only since the onset is specific", async () => {
    const [e] = await new CheckRunner(gauge(0, 5), DEFAULT_BUDGET, silentProgress).run(threshold(), 1);
    expect(e).toMatchObject({ verdict: "pass", specific: true });
  });

  it("a signal that held in both windows before the onset is background: it passes, says so, and is marked not specific", async () => {
    const [e] = await new CheckRunner(gauge(5, 5), DEFAULT_BUDGET, silentProgress).run(threshold(), 1);
    expect(e).toMatchObject({ verdict: "pass", specific: false });
    expect(e!.finding).toMatch(/but also before the onset .*not specific to this incident/);
  });

  it("a signal that began hours before the onset (a late-data alert fires after its cause) is specific, and dated", async () => {
    const began = ONSET - 3 * 3_600_000;
    const since = telemetry((q) => Promise.resolve<Series[]>([{ labels: {}, points: [[q.end - 1000, q.end - 1000 < began ? 0 : 5]] }]));
    const [e] = await new CheckRunner(since, DEFAULT_BUDGET, silentProgress).run(threshold(), 1);
    expect(e).toMatchObject({ verdict: "pass", specific: true });
    // The check reads 40 minutes (10 before the onset, 30 after); windows 4 and 8 lengths back: it held 2.8 h before the onset, not 4.8 h before.
    expect(e!.finding).toMatch(/it began before the alert, between 4\.8 h and 2\.8 h before the onset, and did not hold earlier$/);
  });

  it("a signal that held as far back as the data reaches, or for a whole day, stays background", async () => {
    // The data ends between the second baseline window and the next one back.
    const reach = ONSET - 100 * 60_000;
    const short = telemetry((q) => Promise.resolve<Series[]>(q.end < reach ? [] : [{ labels: {}, points: [[q.end - 1000, 5]] }]));
    const [e] = await new CheckRunner(short, DEFAULT_BUDGET, silentProgress).run(threshold(), 1);
    expect(e).toMatchObject({ verdict: "pass", specific: false });
    const [day] = await new CheckRunner(gauge(5, 5), DEFAULT_BUDGET, silentProgress).run(threshold(), 1);
    expect(day).toMatchObject({ verdict: "pass", specific: false });
  });

  it("a count several times its baseline is specific even though the baseline also meets the threshold", async () => {
    const lines = (from: number, to: number, n: number) =>
      Array.from({ length: n }, (_, i) => ({ ts: new Date(from + ((i + 0.5) * (to - from)) / n).toISOString(), labels: { app: "x" }, line: "boom" }));
    const none = () => Promise.reject(new Error("unused"));
    const logs: Telemetry = {
      capabilities: new Set(["logs"]),
      describe: () => "q",
      metrics: none,
      changes: none,
      events: none,
      orchestrator: none,
      warehouse: none,
      logs: (q) => Promise.resolve<LogLine[]>(q.end <= ONSET - 600_000 ? lines(q.start, q.end, 2) : lines(q.start, q.end, 12)),
    };
    const check = resolveChecks(
      {
        id: "h",
        checks: [
          CheckSpecSchema.parse({
            id: "boom",
            logs: { app: "x" },
            match: "boom",
            primitive: "count",
            anchor: "onset",
            window: "10m",
            pass_if: { count: ">= 1" },
          }),
        ],
      },
      problem,
      knowledge,
    );
    const [e] = await new CheckRunner(logs, DEFAULT_BUDGET, silentProgress).run(check, 1);
    expect(e).toMatchObject({ verdict: "pass", specific: true });
  });
});
