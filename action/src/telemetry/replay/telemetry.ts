import { fieldText, parseDuration } from "../../model/index.js";
import type {
  Capability,
  Changes,
  Labels,
  LogLine,
  OrchestratorKind,
  OrchestratorRecord,
  ScenarioSeries,
  ScenarioTelemetry,
  Series,
  Telemetry,
  TelemetryEvent,
  TimeRange,
  WarehouseKind,
} from "../../model/index.js";
import { compilePattern } from "../../patterns.js";
import { describeQuery } from "./describe.js";
import { kindMatches, labelPredicate, timeOf } from "./select.js";

/**
 * The replay adapter: answers the telemetry port from a scenario's recorded files. It filters and
 * reshapes raw data exactly as a live backend would and computes nothing (no rates): primitives do.
 */

const CAPABILITIES: readonly Capability[] = ["metrics", "logs", "changes", "events", "orchestrator", "warehouse"];

// Which files a loaded scenario had: a missing file makes its kind unavailable (checks inconclusive),
// which an empty default cannot express once the schema has filled it in.
const present = new WeakMap<ScenarioTelemetry, ReadonlySet<Capability>>();

/** Records which telemetry kinds a scenario has files for; loadScenario calls it. */
export function markAvailable(telemetry: ScenarioTelemetry, kinds: Iterable<Capability>): void {
  const given = new Set(kinds);
  present.set(telemetry, new Set(CAPABILITIES.filter((c) => given.has(c))));
}

/** The kinds with data when nothing says which files existed: any non-empty collection. */
function inferred(t: ScenarioTelemetry): Set<Capability> {
  const has: Record<Capability, boolean> = {
    metrics: t.metrics.series.length > 0,
    logs: t.logs.length > 0,
    changes: t.changes.commits.length + t.changes.deployments.length > 0,
    events: t.events.events.length > 0,
    orchestrator: Object.values(t.orchestrator).some((v) => Array.isArray(v) && v.length > 0),
    warehouse: t.warehouse.schemas.length + t.warehouse.query_errors.length + t.warehouse.tables.length > 0,
    // a recording holds no alerts: the pipeline answers them from the incident
    alerts: false,
  };
  return new Set(CAPABILITIES.filter((c) => has[c]));
}

/** Converts either series encoding into sorted points (epoch ms; null kept as a missing sample). */
export function seriesPoints(s: ScenarioSeries): Array<[number, number | null]> {
  // Both encodings are loose objects, so `in` cannot narrow the union: read the fields that are there.
  const enc = s as { samples?: Array<[string, number | null]>; start?: string; step?: string; values?: Array<number | null> };
  if (enc.start !== undefined && enc.step !== undefined && enc.values !== undefined) {
    const start = Date.parse(enc.start);
    const step = parseDuration(enc.step);
    return enc.values.map((v, i) => [start + i * step, v]);
  }
  return (enc.samples ?? []).map(([t, v]) => [Date.parse(t), v] as [number, number | null]).sort((a, b) => a[0] - b[0]);
}

const within = (t: number, r: TimeRange) => t >= r.start && t <= r.end;

/** Prometheus' default lookback: an instant takes the latest sample of the five minutes before it. */
const LOOKBACK_MS = 5 * 60_000;
/** Prometheus refuses range queries over 11,000 points; the live adapter widens the step the same way. */
const MAX_POINTS = 11_000;

/**
 * Evaluates a series the way Prometheus' `query_range` does: at start, start + step, … end, each
 * instant taking the latest recorded sample within the lookback, and no point where there is none.
 * So replay and a live Prometheus hand the primitives the same grid, and give the same verdicts.
 */
export function rangeQuery(samples: Array<[number, number | null]>, q: TimeRange & { stepMs: number }): Array<[number, number | null]> {
  const step = Math.max(q.stepMs, Math.ceil((q.end - q.start) / MAX_POINTS / 1000) * 1000);
  const known = samples.filter((p): p is [number, number] => p[1] !== null).sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number | null]> = [];
  let i = 0;
  for (let t = q.start; t <= q.end; t += step) {
    while (i < known.length && known[i]![0] <= t) i++;
    const last = known[i - 1];
    if (last && last[0] > t - LOOKBACK_MS) out.push([t, last[1]]);
  }
  return out;
}

function abortIfNeeded(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error("the query was aborted");
}

/**
 * Answers a query from the recording as a live backend would: asynchronously, and with a rejection,
 * never a synchronous throw, when the signal has aborted or the query cannot run (a bad pattern).
 */
function answer<T>(signal: AbortSignal, read: () => T): Promise<T> {
  return new Promise((resolve) => {
    abortIfNeeded(signal);
    resolve(read());
  });
}

const TERMINAL = new Set(["success", "failed", "skipped", "upstream_failed", "removed"]);
const RUN_TIMES = ["queued_when", "start_date", "end_date", "logical_date", "execution_date"];

/** Whether a DAG run or task instance overlaps the range; records without any time are kept. */
function runOverlaps(r: OrchestratorRecord, range: TimeRange): boolean {
  const times = RUN_TIMES.map((k) => timeOf(r[k])).filter((t): t is number => t !== null);
  if (!times.length) return true;
  const from = Math.min(...times);
  const end = timeOf(r.end_date);
  // Without an end a record that is not finished is still queued or running: open-ended.
  const to = end ?? (TERMINAL.has(fieldText(r.state)) ? Math.max(...times) : Infinity);
  return from <= range.end && to >= range.start;
}

/** Keeps records whose `field` time lies in the range; records without it are kept. */
function byTime(records: OrchestratorRecord[], field: string, range: TimeRange): OrchestratorRecord[] {
  return records.filter((r) => {
    const t = timeOf(r[field]);
    return t === null || within(t, range);
  });
}

/** String order as Go compares label text (bytewise); UTF-16 order equals it except between astral and U+E000–U+FFFF characters. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A label set's pairs sorted by name, the way Prometheus holds them. */
function sortedPairs(l: Labels): Array<[string, string]> {
  return Object.entries(l).sort(([a], [b]) => compareText(a, b));
}

/** One key per distinct label set. */
function labelSetKey(l: Labels): string {
  return JSON.stringify(sortedPairs(l));
}

/** Prometheus' `labels.Compare`: pair by pair, name then value, bytewise; a prefix sorts first. */
export function compareLabelSets(a: Labels, b: Labels): number {
  const x = sortedPairs(a);
  const y = sortedPairs(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const byName = compareText(x[i]![0], y[i]![0]);
    if (byName) return byName;
    const byValue = compareText(x[i]![1], y[i]![1]);
    if (byValue) return byValue;
  }
  return x.length - y.length;
}

/** Implements the telemetry port over a scenario's recorded telemetry. */
export function replayTelemetry(telemetry: ScenarioTelemetry, available?: Iterable<Capability>): Telemetry {
  const capabilities: ReadonlySet<Capability> = new Set(available ?? present.get(telemetry) ?? inferred(telemetry));
  const series = telemetry.metrics.series.map((s) => ({ labels: s.labels, points: seriesPoints(s) }));
  // Indexes a live TSDB keeps too: series by metric name, and by label value for discovery's equality selectors.
  const byName = new Map<string, typeof series>();
  for (const s of series) {
    const name = s.labels.__name__ ?? "";
    const list = byName.get(name) ?? [];
    list.push(s);
    byName.set(name, list);
  }
  const byLabelValue = new Map<string, typeof series>();
  for (const s of series) {
    for (const [k, v] of Object.entries(s.labels)) {
      const key = `${k}\u0000${v}`;
      const list = byLabelValue.get(key) ?? [];
      list.push(s);
      byLabelValue.set(key, list);
    }
  }
  const logs = telemetry.logs.map((l) => ({ t: Date.parse(l.ts), line: l })).sort((a, b) => a.t - b.t);

  return {
    capabilities,
    describe: describeQuery,

    metrics(query, signal): Promise<Series[]> {
      return answer(signal, () => {
        const match = labelPredicate(query.matchers);
        const out: Series[] = [];
        for (const s of byName.get(query.name) ?? []) {
          if (!match(s.labels)) continue;
          const points = rangeQuery(s.points, query);
          if (points.length) out.push({ labels: { ...s.labels }, points });
        }
        return out;
      });
    },

    logs(query, signal): Promise<LogLine[]> {
      return answer(signal, () => {
        const re = query.pattern !== undefined ? compilePattern(query.pattern, "log pattern", { ignoreCase: true }) : null;
        const selector = Object.entries(query.selector);
        const streams = query.streams?.map((s) => Object.entries(s));
        const inStreams = (labels: Labels) => !streams || streams.some((s) => s.every(([k, v]) => labels[k] === v));
        const hits = logs.filter(
          ({ t, line }) => within(t, query) && selector.every(([k, v]) => line.labels[k] === v) && inStreams(line.labels) && (!re || re.test(line.line)),
        );
        // A log store returns the newest lines first when it must cut; keep time order in what we hand back.
        return hits.slice(Math.max(0, hits.length - Math.max(0, query.limit))).map((h) => h.line);
      });
    },

    series(query, signal): Promise<Labels[]> {
      return answer(signal, () => {
        // As /api/v1/series: every series with a sample in the range that any selector matches, in
        // Prometheus' order (label sets sorted, as its TSDB merges them), cut at the limit after sorting.
        // Candidates come from the indexes: a selector's first equality matcher narrows it to few series.
        const seen = new Set<(typeof series)[number]>();
        const out = new Map<string, Labels>();
        for (const sel of query.selectors) {
          const eq = sel.find((m) => m.op === "=");
          const pool = eq ? ((eq.label === "__name__" ? byName.get(eq.value) : byLabelValue.get(`${eq.label}\u0000${eq.value}`)) ?? []) : series;
          const test = labelPredicate(sel);
          for (const s of pool) {
            if (seen.has(s) || !test(s.labels)) continue;
            seen.add(s);
            if (s.points.some(([t, v]) => v !== null && within(t, query))) out.set(labelSetKey(s.labels), { ...s.labels });
          }
        }
        return [...out.values()].sort(compareLabelSets).slice(0, Math.max(0, query.limit));
      });
    },

    streams(query, signal): Promise<Labels[]> {
      return answer(signal, () => {
        // As Loki's /series: the distinct label sets of the streams with an entry in the range.
        const seen = new Map<string, Labels>();
        const selector = Object.entries(query.selector);
        for (const { t, line } of logs) {
          if (seen.size >= query.limit) break;
          if (!within(t, query) || !selector.every(([k, v]) => line.labels[k] === v)) continue;
          const key = JSON.stringify(Object.entries(line.labels).sort(([a], [b]) => a.localeCompare(b)));
          if (!seen.has(key)) seen.set(key, { ...line.labels });
        }
        return [...seen.values()];
      });
    },

    changes(query, signal): Promise<Changes> {
      return answer(signal, () => {
        const inRepos = (repo: string) => !query.repos?.length || query.repos.includes(repo);
        return {
          commits: telemetry.changes.commits.filter((c) => within(Date.parse(c.at), query) && inRepos(c.repo)),
          deployments: telemetry.changes.deployments.filter((d) => within(Date.parse(d.at), query) && inRepos(d.repo)),
        };
      });
    },

    events(query, signal): Promise<TelemetryEvent[]> {
      return answer(signal, () => {
        return telemetry.events.events.filter(
          (e) => within(Date.parse(e.at), query) && (!query.kinds?.length || query.kinds.some((k) => kindMatches(e.kind, k))),
        );
      });
    },

    orchestrator(query, signal): Promise<OrchestratorRecord[]> {
      return answer(signal, () => {
        const o = telemetry.orchestrator;
        const kind: OrchestratorKind = query.kind;
        switch (kind) {
          case "dag_runs":
            return o.dag_runs.filter((r) => runOverlaps(r, query));
          case "task_instances":
            return o.task_instances.filter((r) => runOverlaps(r, query));
          case "import_errors":
            return byTime(o.import_errors, "timestamp", query);
          case "pools":
            // Pools are current state, not history: the recording is the state at `now`.
            return [...o.pools];
        }
      });
    },

    warehouse(query, signal): Promise<OrchestratorRecord[]> {
      return answer(signal, () => {
        const w = telemetry.warehouse;
        const kind: WarehouseKind = query.kind;
        switch (kind) {
          case "schemas": {
            const sorted = [...w.schemas].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
            // The latest snapshot before the range is the baseline a diff needs.
            const baseline = new Map<string, (typeof sorted)[number]>();
            for (const s of sorted) if (Date.parse(s.at) < query.start) baseline.set(s.table, s);
            const inRange = sorted.filter((s) => within(Date.parse(s.at), query));
            return [...baseline.values(), ...inRange].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
          }
          case "query_errors":
            return byTime(w.query_errors, "at", query);
          case "tables":
            return byTime(w.tables, "at", query);
        }
      });
    },
  };
}
