import { describe, expect, it } from "vitest";
import { TelemetryRecordingSchema } from "../../src/model/recording.js";
import type { ScenarioTelemetry } from "../../src/model/index.js";
import { recordTelemetry } from "../../src/telemetry/recording.js";
import { replayTelemetry } from "../../src/telemetry/replay/telemetry.js";

const t0 = Date.parse("2026-03-14T01:00:00Z");
const min = 60_000;
const signal = new AbortController().signal;

function telemetry(): ScenarioTelemetry {
  return {
    metrics: {
      series: [
        { labels: { __name__: "lag", group: "a" }, start: "2026-03-14T01:00:00Z", step: "60s", values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] },
        { labels: { __name__: "lag", group: "b" }, start: "2026-03-14T01:00:00Z", step: "60s", values: [5, 5, 5, 5, 5, 5, 5, 5, 5, 5] },
      ],
    },
    logs: [
      { ts: "2026-03-14T01:02:00Z", labels: { service: "a" }, line: "CommitFailedException one" },
      { ts: "2026-03-14T01:03:00Z", labels: { service: "a" }, line: "all good" },
      { ts: "2026-03-14T01:04:00Z", labels: { service: "b" }, line: "CommitFailedException two" },
    ],
    changes: { commits: [{ repo: "acme/p", sha: "abc", at: "2026-03-14T01:01:00Z", author: "d", message: "m", files: [] }], deployments: [] },
    events: { events: [] },
    orchestrator: { dag_runs: [], task_instances: [], import_errors: [], pools: [{ name: "default_pool", slots: 4 }] },
    warehouse: { schemas: [], query_errors: [], tables: [] },
  };
}

describe("recordTelemetry", () => {
  it("keeps each answer once, raw, and leaves the answers unchanged", async () => {
    const inner = replayTelemetry(telemetry());
    const recorder = recordTelemetry(inner);
    const t = recorder.telemetry;
    const recording = (now: number) => recorder.recording(now);
    const q = { name: "lag", matchers: [{ label: "group", op: "=" as const, value: "a" }], start: t0, end: t0 + 4 * min, stepMs: min };
    const first = await t.metrics(q, signal);
    expect(first).toEqual(await inner.metrics(q, signal));
    // An overlapping window adds its new points and repeats none.
    await t.metrics({ ...q, start: t0 + 2 * min, end: t0 + 6 * min }, signal);
    await t.logs({ selector: {}, pattern: "CommitFailed", start: t0, end: t0 + 9 * min, limit: 100 }, signal);
    await t.logs({ selector: { service: "a" }, start: t0, end: t0 + 9 * min, limit: 100 }, signal);
    await t.changes({ start: t0, end: t0 + 9 * min }, signal);
    await t.changes({ start: t0, end: t0 + 9 * min }, signal);
    await t.orchestrator({ kind: "pools", start: t0, end: t0 + 9 * min }, signal);
    const found = await t.series!({ selectors: [[{ label: "__name__", op: "=", value: "lag" }]], start: t0, end: t0 + 9 * min, limit: 10 }, signal);
    expect(found).toHaveLength(2);

    const r = TelemetryRecordingSchema.parse(JSON.parse(JSON.stringify(recording(t0 + 10 * min))));
    expect(r.now).toBe("2026-03-14T01:10:00.000Z");
    // Kinds with no data in the recording are not sources at all (their checks were inconclusive).
    expect(r.capabilities).toEqual(["changes", "logs", "metrics", "orchestrator"]);
    expect(r.metrics.series).toHaveLength(1);
    expect(r.metrics.series[0]!.samples.map(([, v]) => v)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(r.logs.map((l) => l.line)).toEqual(["CommitFailedException one", "all good", "CommitFailedException two"]);
    expect(r.changes.commits.map((c) => c.sha)).toEqual(["abc"]);
    expect(r.orchestrator.pools).toEqual([{ name: "default_pool", slots: 4 }]);
    expect(r.discovered.series.map((d) => d.labels.group)).toEqual(["a", "b"]);
    expect(r.discovered.series[1]!.ranges).toEqual([["2026-03-14T01:00:00.000Z", "2026-03-14T01:09:00.000Z"]]);
    expect(r.discovered.queries.series).toHaveLength(1);
  });

  it("records nothing for a query that failed, and lets the failure through", async () => {
    const inner = replayTelemetry(telemetry());
    const recorder = recordTelemetry(inner);
    const t = recorder.telemetry;
    const recording = (now: number) => recorder.recording(now);
    await expect(t.logs({ selector: {}, pattern: "(", start: t0, end: t0 + min, limit: 10 }, signal)).rejects.toThrow();
    expect(recording(t0).logs).toEqual([]);
  });
});
