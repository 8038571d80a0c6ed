import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Labels, LogLine } from "../../src/model/index.js";
import { replayScenario, projectMemory } from "../../src/eval/replay.js";
import { combineTelemetry } from "../../src/telemetry/combine.js";
import { lokiTelemetry, nsToRfc3339 } from "../../src/telemetry/loki.js";
import { findScenarioDirs, loadScenario } from "../../src/telemetry/replay/load.js";
import { replayTelemetry } from "../../src/telemetry/replay/telemetry.js";
import { REPO_ROOT } from "../support/runner.js";
import { startLokiEmulator } from "../support/http-emulators/loki.js";

describe("the Loki adapter against a Loki emulator", () => {
  // Two replays of every golden scenario with logs (~93), one through the adapter and an emulator:
  // ~30 s on a quiet 2-core machine, ~90 s beside other test files; 300 s leaves room for a busy machine.
  it("gives every log check of the golden suite the same verdict as replay", { timeout: 300_000 }, async () => {
    const memory = await projectMemory(REPO_ROOT);
    let compared = 0;
    for (const dir of await findScenarioDirs(join(REPO_ROOT, "action", "scenarios"))) {
      const scenario = await loadScenario(dir);
      if (!scenario.telemetry.logs.length) continue;
      const loki = await startLokiEmulator(scenario.telemetry.logs);
      try {
        const replayed = await replayScenario(dir, { projectRoot: REPO_ROOT, memory });
        const live = await replayScenario(dir, {
          projectRoot: REPO_ROOT,
          memory,
          telemetry: (s) => combineTelemetry([lokiTelemetry({ url: loki.url }), replayTelemetry(s.telemetry)]),
        });
        // Stream discovery (through /loki/api/v1/series and /labels) resolves the same subjects as replay.
        const subjects = (run: typeof replayed) => run.result.outcomes.map((o) => o.problem?.subjects ?? null);
        expect(subjects(live), `${scenario.meta.id}: subjects live vs replay`).toEqual(subjects(replayed));
        const byKey = (run: typeof replayed) => new Map(run.result.outcomes.flatMap((o) => o.investigation?.evidence ?? []).map((e) => [e.key, e]));
        const a = byKey(replayed);
        const b = byKey(live);
        const logChecks = replayed.result.outcomes
          .flatMap((o) => o.investigation?.hypotheses ?? [])
          .flatMap((h) => h.checks)
          .filter((c) => c.capability === "logs" && !c.unresolved);
        for (const c of logChecks) expect(b.get(c.key)?.verdict, `${scenario.meta.id} ${c.key}: ${b.get(c.key)?.finding}`).toBe(a.get(c.key)?.verdict);
        compared += logChecks.length;
        expect(loki.queries.length).toBeGreaterThan(0);
      } finally {
        await loki.close();
      }
    }
    expect(compared).toBeGreaterThan(30);
  });

  it("keeps hostile values inside their LogQL strings, and reports Loki's errors", async () => {
    const hostile = ['"} |~ ".*"', "a\\", "x\ny", '{job="other"}'];
    const lines = [
      ...hostile.map((v, i) => ({ ts: `2026-03-14T01:0${i}:00Z`, labels: { app: v }, line: `line ${i}` })),
      { ts: "2026-03-14T01:05:00Z", labels: { app: "other" }, line: "other" },
    ];
    const loki = await startLokiEmulator(lines);
    try {
      const t = lokiTelemetry({ url: loki.url });
      const range = { start: Date.parse("2026-03-14T00:00:00Z"), end: Date.parse("2026-03-14T02:00:00Z"), limit: 100 };
      for (const [i, app] of hostile.entries()) {
        const got = await t.logs({ selector: { app }, ...range }, AbortSignal.timeout(5000));
        expect(got.map((l) => l.line)).toEqual([`line ${i}`]);
      }
      // No label at all means every stream, as in replay: read through `{app=~".+"}`, since LogQL needs a matcher.
      const every = await t.logs({ selector: {}, ...range }, AbortSignal.timeout(5000));
      expect(every.map((l) => l.line)).toEqual([...hostile.map((_, i) => `line ${i}`), "other"]);
      expect(loki.queries.at(-1)).toBe('{app=~".+"}');
      await expect(t.logs({ selector: { "not-a-label": "x" }, ...range }, AbortSignal.timeout(5000))).rejects.toThrow(/not a valid label name/);
    } finally {
      await loki.close();
    }
  });

  it("reads named streams in groups by the labels they share, keeps only those streams, and reads each alone where the limit may have cut", async () => {
    const at = (m: number) => `2026-03-14T01:0${m}:00Z`;
    const lines: LogLine[] = [
      { ts: at(1), labels: { app: "x", pod: "1" }, line: "a1" },
      { ts: at(2), labels: { app: "x", pod: "2" }, line: "b1" },
      { ts: at(3), labels: { app: "x", pod: "3" }, line: "c1 not named" },
      { ts: at(4), labels: { app: "x", pod: "1" }, line: "a2" },
      { ts: at(5), labels: { job: "solo" }, line: "s1" },
    ];
    const loki = await startLokiEmulator(lines);
    try {
      const t = lokiTelemetry({ url: loki.url });
      const streams: Labels[] = [{ app: "x", pod: "1" }, { app: "x", pod: "2" }, { job: "solo" }];
      const range = { start: Date.parse("2026-03-14T01:00:00Z"), end: Date.parse("2026-03-14T02:00:00Z") };
      const all = await t.logs({ selector: {}, streams, ...range, limit: 100 }, AbortSignal.timeout(5000));
      expect(all.map((l) => l.line)).toEqual(["a1", "b1", "a2", "s1"]);
      expect(loki.queries).toEqual(['{app="x"}', '{job="solo"}']);
      // Limit 2: the group's one read may have been cut (by a stream outside it, too), so its streams are read alone.
      loki.queries.length = 0;
      const newest = await t.logs({ selector: {}, streams, ...range, limit: 2 }, AbortSignal.timeout(5000));
      expect(newest.map((l) => l.line)).toEqual(["a2", "s1"]);
      expect([...loki.queries].sort()).toEqual(['{app="x", pod="1"}', '{app="x", pod="2"}', '{app="x"}', '{job="solo"}']);
    } finally {
      await loki.close();
    }
  });

  it("sends the tenant, reads entries forward in time with Loki 3 metadata, and keeps nanosecond digits", async () => {
    const lines = [
      { ts: "2026-03-14T01:00:02.000Z", labels: { app: "a", pod: "2" }, line: "second" },
      { ts: "2026-03-14T01:00:01.000Z", labels: { app: "a", pod: "1" }, line: "first" },
    ];
    const loki = await startLokiEmulator(lines, { metadata: true });
    try {
      const t = lokiTelemetry({ url: `${loki.url}/`, tenant: "team-data" });
      const got = await t.logs(
        { selector: { app: "a" }, start: Date.parse("2026-03-14T01:00:00Z"), end: Date.parse("2026-03-14T02:00:00Z"), limit: 10 },
        AbortSignal.timeout(5000),
      );
      expect(got).toEqual([
        { ts: "2026-03-14T01:00:01Z", labels: { app: "a", pod: "1" }, line: "first" },
        { ts: "2026-03-14T01:00:02Z", labels: { app: "a", pod: "2" }, line: "second" },
      ]);
      expect(loki.tenants).toEqual(["team-data"]);
      expect(t.describe("logs", { selector: { app: "a" }, pattern: "x", start: 0, end: 1, limit: 5 })).toBe(
        '{app="a"} |~ "(?i)x" over [1970-01-01T00:00:00.000Z, 1970-01-01T00:00:00.001Z] limit 5',
      );
    } finally {
      await loki.close();
    }
    expect(nsToRfc3339("1569266497240578000")).toBe("2019-09-23T19:21:37.240578Z");
    expect(nsToRfc3339("1569266497000000001")).toBe("2019-09-23T19:21:37.000000001Z");
    expect(nsToRfc3339("0")).toBe("1970-01-01T00:00:00Z");
  });

  it("reports Loki's own plain-text error", async () => {
    const loki = await startLokiEmulator([]);
    try {
      const t = lokiTelemetry({ url: loki.url });
      // A pattern with a quote is escaped, so the emulator's strict parser still accepts it: no error.
      await expect(t.logs({ selector: { app: "a" }, pattern: 'say "hi"', start: 0, end: 1, limit: 1 }, AbortSignal.timeout(5000))).resolves.toEqual([]);
      const raw = lokiTelemetry({ url: `${loki.url}/nowhere` });
      await expect(raw.logs({ selector: { app: "a" }, start: 0, end: 1, limit: 1 }, AbortSignal.timeout(5000))).rejects.toThrow(
        "loki GET /nowhere/loki/api/v1/query_range: HTTP 404: 404 page not found",
      );
    } finally {
      await loki.close();
    }
  });
});
