import { fieldText, type Capability, type Labels, type OrchestratorRecord, type Telemetry } from "../model/index.js";
import type { TelemetryRecording } from "../model/recording.js";

/**
 * A telemetry port that remembers every answer the one it wraps gave: what an investigation read,
 * so the incident folder can keep it (`evidence/telemetry.json`) and the incident can be replayed.
 * It computes nothing and changes no answer.
 */
export interface TelemetryRecorder {
  telemetry: Telemetry;
  /** Everything read so far, as the recording file holds it (sorted, so equal reads give equal files). */
  recording(now: number): TelemetryRecording;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** One key per label set, whatever the order of its pairs. */
function labelKey(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Keeps each distinct value once (by its JSON), in first-seen order. */
class Distinct<T> {
  private readonly seen = new Map<string, T>();
  add(values: Iterable<T>, key: (v: T) => string = (v) => JSON.stringify(v)): void {
    for (const v of values) {
      const k = key(v);
      if (!this.seen.has(k)) this.seen.set(k, v);
    }
  }
  get values(): T[] {
    return [...this.seen.values()];
  }
}

/** Label sets discovery returned, each with the windows it was found in. */
class Discovered {
  private readonly found = new Map<string, { labels: Labels; ranges: Distinct<[number, number]> }>();
  add(labels: Labels[], start: number, end: number): void {
    for (const l of labels) {
      const k = labelKey(l);
      const entry = this.found.get(k) ?? { labels: { ...l }, ranges: new Distinct<[number, number]>() };
      entry.ranges.add([[start, end]]);
      this.found.set(k, entry);
    }
  }
  list(): Array<{ labels: Labels; ranges: Array<[string, string]> }> {
    return [...this.found.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, e]) => ({ labels: e.labels, ranges: e.ranges.values.sort((x, y) => x[0] - y[0] || x[1] - y[1]).map(([s, t]) => [iso(s), iso(t)]) }));
  }
}

const byTime = (field: string) => (a: Record<string, unknown>, b: Record<string, unknown>) => fieldText(a[field]).localeCompare(fieldText(b[field]));

/** Wraps a telemetry port so that every answer it gives is remembered. */
export function recordTelemetry(inner: Telemetry): TelemetryRecorder {
  const series = new Map<string, { labels: Labels; points: Map<number, number | null> }>();
  const logs = new Distinct<{ ts: string; labels: Labels; line: string }>();
  const commits = new Distinct<Record<string, unknown> & { at: string }>();
  const deployments = new Distinct<Record<string, unknown> & { at: string }>();
  const events = new Distinct<Record<string, unknown> & { at: string }>();
  const orchestrator: Record<string, Distinct<OrchestratorRecord>> = {};
  const warehouse: Record<string, Distinct<OrchestratorRecord>> = {};
  const seriesFound = new Discovered();
  const streamsFound = new Discovered();
  const seriesQueries = new Distinct<{
    selectors: Array<Array<{ label: string; op: "=" | "!=" | "=~" | "!~"; value: string }>>;
    range: [string, string];
    cut: boolean;
  }>();
  const streamQueries = new Distinct<{ selector: Labels; range: [string, string]; cut: boolean }>();
  const records = (into: Record<string, Distinct<OrchestratorRecord>>, kind: string, got: OrchestratorRecord[]) => {
    (into[kind] ??= new Distinct<OrchestratorRecord>()).add(got);
  };

  const telemetry: Telemetry = {
    ...inner,
    capabilities: inner.capabilities,
    describe: (kind, query) => inner.describe(kind, query),
    async metrics(query, signal) {
      const got = await inner.metrics(query, signal);
      for (const s of got) {
        const k = labelKey(s.labels);
        const entry = series.get(k) ?? { labels: { ...s.labels }, points: new Map<number, number | null>() };
        for (const [t, v] of s.points) if (!entry.points.has(t) || entry.points.get(t) === null) entry.points.set(t, v);
        series.set(k, entry);
      }
      return got;
    },
    async logs(query, signal) {
      const got = await inner.logs(query, signal);
      logs.add(got.map((l) => ({ ts: l.ts, labels: { ...l.labels }, line: l.line })));
      return got;
    },
    async changes(query, signal) {
      const got = await inner.changes(query, signal);
      commits.add(got.commits);
      deployments.add(got.deployments);
      return got;
    },
    async events(query, signal) {
      const got = await inner.events(query, signal);
      events.add(got);
      return got;
    },
    async orchestrator(query, signal) {
      const got = await inner.orchestrator(query, signal);
      records(orchestrator, query.kind, got);
      return got;
    },
    async warehouse(query, signal) {
      const got = await inner.warehouse(query, signal);
      records(warehouse, query.kind, got);
      return got;
    },
  };
  if (inner.series) {
    const read = inner.series.bind(inner);
    telemetry.series = async (query, signal) => {
      const got = await read(query, signal);
      seriesFound.add(got, query.start, query.end);
      const selectors = query.selectors.map((sel) => sel.map((m) => ({ label: m.label, op: m.op, value: m.value })));
      seriesQueries.add([{ selectors, range: [iso(query.start), iso(query.end)], cut: got.length >= query.limit }]);
      return got;
    };
  }
  if (inner.streams) {
    const read = inner.streams.bind(inner);
    telemetry.streams = async (query, signal) => {
      const got = await read(query, signal);
      streamsFound.add(got, query.start, query.end);
      streamQueries.add([{ selector: { ...query.selector }, range: [iso(query.start), iso(query.end)], cut: got.length >= query.limit }]);
      return got;
    };
  }

  return {
    telemetry,
    recording(now) {
      const kinds = (from: Record<string, Distinct<OrchestratorRecord>>, names: string[]) => Object.fromEntries(names.map((n) => [n, from[n]?.values ?? []]));
      return {
        version: 1,
        now: iso(now),
        capabilities: [...inner.capabilities].filter((c: Capability) => c !== "alerts").sort(),
        metrics: {
          series: [...series.entries()]
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
            .map(([, s]) => ({
              labels: s.labels,
              samples: [...s.points.entries()].sort((a, b) => a[0] - b[0]).map(([t, v]) => [iso(t), v] as [string, number | null]),
            })),
        },
        logs: logs.values.sort((a, b) => a.ts.localeCompare(b.ts)),
        changes: { commits: commits.values.sort(byTime("at")) as never, deployments: deployments.values.sort(byTime("at")) as never },
        events: { events: events.values.sort(byTime("at")) as never },
        orchestrator: kinds(orchestrator, ["dag_runs", "task_instances", "import_errors", "pools"]) as TelemetryRecording["orchestrator"],
        warehouse: kinds(warehouse, ["schemas", "query_errors", "tables"]) as TelemetryRecording["warehouse"],
        discovered: { series: seriesFound.list(), streams: streamsFound.list(), queries: { series: seriesQueries.values, streams: streamQueries.values } },
      };
    },
  };
}
