import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Matcher, Scenario, Series } from "../../src/model/index.js";
import { replayLoaded, projectMemory } from "../../src/eval/replay.js";
import { combineTelemetry } from "../../src/telemetry/combine.js";
import { prometheusTelemetry, stepSeconds } from "../../src/telemetry/prometheus.js";
import { findScenarioDirs, loadScenario } from "../../src/telemetry/replay/load.js";
import { replayTelemetry, seriesPoints } from "../../src/telemetry/replay/telemetry.js";
import { REPO_ROOT } from "../support/runner.js";
import { shiftTime } from "../support/perturb.js";
import { BACKFILL_BLOCK_MS, openMetrics, prometheusAvailable, startPrometheus } from "../support/prometheus.js";
import { requireService } from "../support/service.js";
import { anyNumber } from "../support/match.js";

const live = requireService("Prometheus", prometheusAvailable(), "apt-get install prometheus");

describe("the backfill file", () => {
  it("is OpenMetrics: one contiguous family per name, seconds, gaps left out, its own escapes, # EOF", () => {
    const text = openMetrics([
      {
        labels: { __name__: "lag", p: "0" },
        points: [
          [1773450060000, 2],
          [1773450000000, 1],
          [1773450120000, null],
        ],
      },
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

/** A day: slots move scenarios by whole days, so every time of day (and a query's step alignment) stays what it was. */
const DAY = 86_400_000;
/** One scenario per slot: an empty block span its checks' look-back windows may read, then a block span holding its samples. */
const SLOT_MS = 2 * BACKFILL_BLOCK_MS;
/** Slots start at a block boundary after any scenario's own time, so no slot meets unshifted data. */
const FIRST_SLOT = Math.ceil(Date.parse("2030-01-01T00:00:00Z") / BACKFILL_BLOCK_MS) * BACKFILL_BLOCK_MS;

/**
 * The scenario moved into slot `k` (`shiftTime` moves every timestamp: alerts, telemetry, clock):
 * its clock a day before the slot ends, its samples in the slot's second block span. Slots never
 * overlap, and a chunk never crosses a block boundary, so no query of one scenario can see another's
 * samples, or a series of another's through a chunk that spans its window.
 */
function inSlot(s: Scenario, k: number): Scenario {
  const slot = FIRST_SLOT + k * SLOT_MS;
  const moved = shiftTime(s, Math.round((slot + SLOT_MS - DAY - Date.parse(s.meta.now)) / DAY) * DAY);
  for (const series of moved.telemetry.metrics.series) {
    for (const [t] of seriesPoints(series)) {
      if (t < slot + BACKFILL_BLOCK_MS || t >= slot + SLOT_MS) {
        throw new Error(
          `${s.meta.id}: a sample ${((Date.parse(moved.meta.now) - t) / DAY).toFixed(1)} days before its clock does not fit the ${BACKFILL_BLOCK_MS / DAY}-day block span of its slot; widen the slots`,
        );
      }
    }
  }
  return moved;
}

describe.runIf(live)("live Prometheus (Debian package) against replay", () => {
  // One server for the whole golden suite, each scenario in its own time slot. The cost on a 2-core
  // machine: ~93 scenarios moved and written as OpenMetrics (~350 MB), one promtool run per scenario
  // into one TSDB (one run over all of them re-reads the whole input once per block span between its
  // first and last sample: over 100 s), one server start, then two replays per scenario, one through the
  // server's HTTP API: ~45 s on a quiet machine, ~100 s beside other test files. The 600 s timeout
  // leaves room for a busy machine; a hang still fails.
  it("gives every metric check of the golden suite the same verdict as replay, and discovery the same subjects", { timeout: 600_000 }, async () => {
    const memory = await projectMemory(REPO_ROOT);
    const scenarios: Scenario[] = [];
    for (const dir of await findScenarioDirs(join(REPO_ROOT, "action", "scenarios"))) {
      const loaded = await loadScenario(dir);
      if (loaded.telemetry.metrics.series.length) scenarios.push(inSlot(loaded, scenarios.length));
    }
    const prom = await startPrometheus({
      batches: scenarios.map((s) => s.telemetry.metrics.series.map((x) => ({ labels: x.labels, points: seriesPoints(x) }))),
    });
    let compared = 0;
    let discovered = 0;
    try {
      for (const scenario of scenarios) {
        const replayed = await replayLoaded(scenario, { projectRoot: REPO_ROOT, memory });
        const viaProm = await replayLoaded(scenario, {
          projectRoot: REPO_ROOT,
          memory,
          telemetry: (s) => combineTelemetry([prometheusTelemetry({ url: prom.url }), replayTelemetry(s.telemetry)]),
        });
        const id = scenario.meta.id;
        // Discovery (the subjects' series lookups through /api/v1/series) finds the same subjects, in the same order.
        const subjects = (run: typeof replayed) => run.result.outcomes.map((o) => o.problem?.subjects ?? null);
        expect(subjects(viaProm), `${id}: subjects live vs replay`).toEqual(subjects(replayed));
        discovered += replayed.result.outcomes
          .flatMap((o) => Object.values(o.problem?.subjects ?? {}).flat())
          .filter((v) => v.origin === "discovery" || v.origin === "mention").length;
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
          expect(b[key]?.verdict, `${id} ${key}: live "${b[key]?.finding}" vs replay "${a[key]?.finding}"`).toBe(a[key]?.verdict);
        }
        compared += metricKeys.length;
        expect(viaProm.result.outcomes[0]?.investigation?.rca.rootCause, id).toBe(replayed.result.outcomes[0]?.investigation?.rca.rootCause);
      }
    } finally {
      await prom.stop();
    }
    expect(scenarios.length).toBeGreaterThan(50);
    expect(compared).toBeGreaterThan(50);
    expect(discovered).toBeGreaterThan(0);
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
        expect(
          got.map((g) => g.labels.job),
          job,
        ).toEqual([job]);
        expect(got[0]!.points[0]![1]).toBe(i);
      }
      // Characters no exporter stores still parse as one literal that matches nothing.
      const odd = await telemetry.metrics(
        { name: "up", matchers: [{ label: "job", op: "=", value: "nul\u0000\ttab\rcr" }], ...range },
        AbortSignal.timeout(10_000),
      );
      expect(odd).toEqual([]);
    } finally {
      await prom.stop();
    }
  });

  it("serves old backfilled data over a long window with the step widened to the server's limit, and reports its own errors", async () => {
    const day = 86_400_000;
    const t0 = Date.parse("2026-01-01T00:00:00Z");
    // Two TSDB blocks: two hours of five-minute samples at the start, one sample 40 days later.
    const points: Array<[number, number]> = [
      ...Array.from({ length: 24 }, (_, i) => [t0 + i * 300_000, i] as [number, number]),
      [t0 + 40 * day - 3_600_000, 99],
    ];
    const prom = await startPrometheus([{ labels: { __name__: "rows_loaded", table: "raw.orders" }, points }]);
    try {
      const telemetry = prometheusTelemetry({ url: prom.url });
      // 40 days at a requested 1 s step would be 3.4 million points: the adapter widens the step instead of being refused.
      const q = {
        name: "rows_loaded",
        matchers: [{ label: "table", op: "=", value: "raw.orders" }] satisfies Matcher[],
        start: t0,
        end: t0 + 40 * day,
        stepMs: 1_000,
      };
      const got = await telemetry.metrics(q, AbortSignal.timeout(20_000));
      expect(got).toHaveLength(1);
      const ts = got[0]!.points.map(([t]) => t);
      const gaps = new Set(ts.slice(1).map((t, i) => t - ts[i]!));
      expect(Math.min(...gaps)).toBe(stepSeconds(q) * 1000);
      expect((q.end - q.start) / (stepSeconds(q) * 1000)).toBeLessThanOrEqual(11_000);
      expect(got[0]!.points[0]).toEqual([t0, 0]);
      expect(got[0]!.points.at(-1)).toEqual([anyNumber(), 99]);
      await expect(
        telemetry.metrics(
          { name: "rows_loaded", matchers: [{ label: "table", op: "=~", value: "(" }], start: t0, end: t0 + day, stepMs: 60_000 },
          AbortSignal.timeout(20_000),
        ),
      ).rejects.toThrow(/^prometheus GET \/api\/v1\/query_range: HTTP 400 bad_data: .*missing closing \)/);
    } finally {
      await prom.stop();
    }
  });
});
