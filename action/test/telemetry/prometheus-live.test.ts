import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Matcher, Series } from "../../src/model/index.js";
import { replayScenario, projectMemory } from "../../src/eval/replay.js";
import { combineTelemetry } from "../../src/telemetry/combine.js";
import { prometheusTelemetry, stepSeconds } from "../../src/telemetry/prometheus.js";
import { findScenarioDirs, loadScenario } from "../../src/telemetry/replay/load.js";
import { replayTelemetry, seriesPoints } from "../../src/telemetry/replay/telemetry.js";
import { renderSelector } from "../../src/telemetry/escape.js";
import { REPO_ROOT } from "../support/runner.js";
import { openMetrics, prometheusAvailable, startPrometheus } from "../support/prometheus.js";
import { requireService } from "../support/service.js";

const live = requireService("Prometheus", prometheusAvailable(), "apt-get install prometheus");

describe("the backfill file", () => {
  it("is OpenMetrics: one contiguous family per name, seconds, gaps left out, its own escapes, # EOF", () => {
    const text = openMetrics([
      { labels: { __name__: "lag", p: "0" }, points: [[1773450060000, 2], [1773450000000, 1], [1773450120000, null]] },
      { labels: { __name__: "members", g: 'a"b\\c\nd\te' }, points: [[1773450000500, Infinity]] },
      { labels: { __name__: "lag", p: "1" }, points: [[1773450000000, 3]] },
    ]);
    expect(text).toBe(
      [
        "# TYPE lag gauge",
        'lag{p="0"} 1 1773450000.000',
        'lag{p="0"} 2 1773450060.000',
        'lag{p="1"} 3 1773450000.000',
        "# TYPE members gauge",
        'members{g="a\\"b\\\\c\\nd\te"} +Inf 1773450000.500',
        "# EOF",
        "",
      ].join("\n"),
    );
    expect(() => openMetrics([{ labels: { job: "x" }, points: [] }])).toThrow(/needs a valid __name__/);
  });
});

describe.runIf(live)("live Prometheus (Debian package) against replay", () => {
  it("gives every metric check of the golden suite the same verdict as replay", { timeout: 600_000 }, async () => {
    const memory = await projectMemory(REPO_ROOT);
    const dirs = await findScenarioDirs(join(REPO_ROOT, "action", "scenarios"));
    let compared = 0;
    for (const dir of dirs) {
      const scenario = await loadScenario(dir);
      if (!scenario.telemetry.metrics.series.length) continue;
      const series: Series[] = scenario.telemetry.metrics.series.map((s) => ({ labels: s.labels, points: seriesPoints(s) }));
      const prom = await startPrometheus(series);
      try {
        const replayed = await replayScenario(dir, { projectRoot: REPO_ROOT, memory });
        const viaProm = await replayScenario(dir, {
          projectRoot: REPO_ROOT,
          memory,
          telemetry: (s) => combineTelemetry([prometheusTelemetry({ url: prom.url }), replayTelemetry(s.telemetry)]),
        });
        const verdicts = (run: typeof replayed) =>
          Object.fromEntries(run.result.outcomes.flatMap((o) => o.investigation?.evidence ?? []).map((e) => [e.key, e]));
        const a = verdicts(replayed);
        const b = verdicts(viaProm);
        const metricKeys = replayed.result.outcomes
          .flatMap((o) => o.investigation?.hypotheses ?? [])
          .flatMap((h) => h.checks)
          .filter((c) => c.capability === "metrics" && !c.unresolved)
          .map((c) => c.key);
        // Values may differ in the last digits (Prometheus evaluates at step boundaries); verdicts may not.
        for (const key of metricKeys) {
          expect(b[key]?.verdict, `${scenario.meta.id} ${key}: live "${b[key]?.finding}" vs replay "${a[key]?.finding}"`).toBe(a[key]?.verdict);
        }
        compared += metricKeys.length;
        expect(viaProm.result.outcomes[0]?.investigation?.rca.rootCause).toBe(replayed.result.outcomes[0]?.investigation?.rca.rootCause);
      } finally {
        await prom.stop();
      }
    }
    expect(compared).toBeGreaterThan(50);
  });

  it("keeps hostile label values inside their string literal: each query selects exactly its own series", async () => {
    const at = Date.parse("2026-03-14T00:00:00Z");
    const hostile = ['"} or vector(1) #', '|~ ".*"', "a\\", "line\nbreak", "ünïcødé 🚒", "{{alert.labels.x}}", '\\"}', "x' or '1'='1"];
    const series: Series[] = hostile.map((job, i) => ({ labels: { __name__: "up", job }, points: [[at, i]] }));
    series.push({ labels: { __name__: "up", job: "other" }, points: [[at, 99]] });
    const prom = await startPrometheus(series);
    try {
      const telemetry = prometheusTelemetry({ url: prom.url });
      const range = { start: at, end: at + 60_000, stepMs: 60_000 };
      for (const [i, job] of hostile.entries()) {
        const got = await telemetry.metrics({ name: "up", matchers: [{ label: "job", op: "=", value: job }], ...range }, AbortSignal.timeout(10_000));
        expect(got.map((g) => g.labels.job), job).toEqual([job]);
        expect(got[0]!.points[0]![1]).toBe(i);
      }
      // Characters no exporter stores still parse as one literal that matches nothing.
      const odd = await telemetry.metrics({ name: "up", matchers: [{ label: "job", op: "=", value: "nul\u0000\ttab\rcr" }], ...range }, AbortSignal.timeout(10_000));
      expect(odd).toEqual([]);
    } finally {
      await prom.stop();
    }
  });

  it("serves old backfilled data over a long window with the step widened to the server's limit, and reports its own errors", async () => {
    const day = 86_400_000;
    const t0 = Date.parse("2026-01-01T00:00:00Z");
    // Two TSDB blocks: two hours of five-minute samples at the start, one sample 40 days later.
    const points: Array<[number, number]> = [...Array.from({ length: 24 }, (_, i) => [t0 + i * 300_000, i] as [number, number]), [t0 + 40 * day - 3_600_000, 99]];
    const prom = await startPrometheus([{ labels: { __name__: "rows_loaded", table: "raw.orders" }, points }]);
    try {
      const telemetry = prometheusTelemetry({ url: prom.url });
      // 40 days at a requested 1 s step would be 3.4 million points: the adapter widens the step instead of being refused.
      const q = { name: "rows_loaded", matchers: [{ label: "table", op: "=", value: "raw.orders" }] satisfies Matcher[], start: t0, end: t0 + 40 * day, stepMs: 1_000 };
      const got = await telemetry.metrics(q, AbortSignal.timeout(20_000));
      expect(got).toHaveLength(1);
      const ts = got[0]!.points.map(([t]) => t);
      const gaps = new Set(ts.slice(1).map((t, i) => t - ts[i]!));
      expect(Math.min(...gaps)).toBe(stepSeconds(q) * 1000);
      expect((q.end - q.start) / (stepSeconds(q) * 1000)).toBeLessThanOrEqual(11_000);
      expect(got[0]!.points[0]).toEqual([t0, 0]);
      expect(got[0]!.points.at(-1)).toEqual([expect.any(Number), 99]);
      await expect(
        telemetry.metrics({ name: "rows_loaded", matchers: [{ label: "table", op: "=~", value: "(" }], start: t0, end: t0 + day, stepMs: 60_000 }, AbortSignal.timeout(20_000)),
      ).rejects.toThrow(/^prometheus GET \/api\/v1\/query_range: HTTP 400 bad_data: .*missing closing \)/);
    } finally {
      await prom.stop();
    }
  });
});
