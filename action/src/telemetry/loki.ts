import pLimit from "p-limit";
import { z } from "zod";
import type { Capability, Labels, LogLine, LogQuery, StreamQuery, Telemetry, TimeRange } from "../model/index.js";
import { isLabelName, logqlLineFilter, renderLogSelector } from "./escape.js";
import { requestJson } from "./http.js";

/** A stream entry is [ns timestamp string, line], optionally followed by structured metadata (Loki 3). */
const EntrySchema = z.tuple([z.string().regex(/^\d+$/, "a nanosecond epoch string"), z.string()], z.unknown());

const ResponseSchema = z.object({
  status: z.string(),
  error: z.string().optional(),
  data: z
    .object({
      resultType: z.string(),
      result: z.array(z.looseObject({ stream: z.record(z.string(), z.string()).default({}), values: z.array(EntrySchema).default([]) })),
    })
    .optional(),
});

export interface LokiOptions {
  url: string;
  headers?: Record<string, string>;
  /** X-Scope-OrgID for multi-tenant Loki. */
  tenant?: string;
  /** Per-request deadline (retries included); default 30 s. */
  timeoutMs?: number;
  maxBytes?: number;
}

/** The LogQL a log check runs: the stream selector and a case-insensitive line filter, both escaped; one per stream discovery named. */
export function logql(q: LogQuery): string {
  if (!q.streams?.length && !Object.keys(q.selector).length)
    return `every stream of the window (found by /loki/api/v1/series)${q.pattern ? ` ${logqlLineFilter(q.pattern)}` : ""}`;
  if (!q.streams?.length) return renderLogSelector(q.selector, q.pattern);
  return q.streams.map((s) => renderLogSelector({ ...s, ...q.selector }, q.pattern)).join(" or ");
}

/** `{name=~".+"}`: every stream that carries the label (LogQL has no selector for all streams). */
function anyValueOf(name: string, pattern?: string): string {
  if (!isLabelName(name)) throw new Error(`LogQL selector: ${JSON.stringify(name)} is not a valid label name`);
  return `{${name}=~".+"}${pattern ? ` ${logqlLineFilter(pattern)}` : ""}`;
}

/**
 * Named streams in a few groups, each read with one selector: the label pairs every stream of the
 * group shares (greedy: the pair most streams carry first; a stream that shares none is its own group).
 */
export function groupStreams(streams: Labels[]): Array<{ selector: Labels; streams: Labels[] }> {
  let left = streams.filter((s) => Object.keys(s).length);
  const groups: Array<{ selector: Labels; streams: Labels[] }> = [];
  while (left.length) {
    const counts = new Map<string, number>();
    for (const s of left) for (const pair of Object.entries(s)) counts.set(JSON.stringify(pair), (counts.get(JSON.stringify(pair)) ?? 0) + 1);
    const [best, n] = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]!;
    if (n < 2) {
      groups.push(...left.map((s) => ({ selector: s, streams: [s] })));
      break;
    }
    const [k, v] = JSON.parse(best) as [string, string];
    const group = left.filter((s) => s[k] === v);
    groups.push({ selector: Object.fromEntries(Object.entries(group[0]!).filter(([gk, gv]) => group.every((s) => s[gk] === gv))), streams: group });
    left = left.filter((s) => s[k] !== v);
  }
  return groups;
}

/** Whether a line's labels hold every pair of one of the streams (a selector of a stream's labels matches it, as replay reads them). */
function inStreams(labels: Labels, streams: Labels[]): boolean {
  return streams.some((s) => Object.entries(s).every(([k, v]) => labels[k] === v));
}

/** Label names few enough that every stream carries one of them (greedy: the label most uncovered streams carry first). */
export function coveringLabels(streams: Labels[]): string[] {
  let left = streams.filter((s) => Object.keys(s).length);
  const names: string[] = [];
  while (left.length) {
    const counts = new Map<string, number>();
    for (const s of left) for (const k of Object.keys(s)) counts.set(k, (counts.get(k) ?? 0) + 1);
    const best = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];
    names.push(best);
    left = left.filter((s) => !(best in s));
  }
  return names;
}

/**
 * Streams one log query may name. Every named stream is read: dropping some would make a live check
 * see fewer lines than replay of the same streams; more than this is refused instead.
 */
const MAX_STREAMS = 50;
/** Stream requests of one log query in flight at once. */
const STREAM_CONCURRENCY = 4;

const SeriesSchema = z.object({ status: z.string(), data: z.array(z.record(z.string(), z.string())).optional(), error: z.string().optional() });
const LabelsSchema = z.object({ status: z.string(), data: z.array(z.string()).optional(), error: z.string().optional() });

const NS_PER_MS = 1_000_000n;
const ns = (ms: number) => `${BigInt(Math.round(ms)) * NS_PER_MS}`;

/** A nanosecond epoch as RFC 3339, keeping the sub-millisecond digits Loki gave. */
export function nsToRfc3339(value: string): string {
  const t = BigInt(value);
  const ms = t / NS_PER_MS;
  const base = new Date(Number(ms)).toISOString();
  const sub = t % 1_000_000_000n;
  const frac = sub.toString().padStart(9, "0").replace(/0+$/, "");
  // Date keeps milliseconds; replace its fraction with the full nanosecond one.
  return `${base.slice(0, 19)}${frac ? `.${frac}` : ""}Z`;
}

/** Telemetry from Loki's `query_range`: streams forward in time, nanosecond timestamps turned into RFC 3339. */
export function lokiTelemetry(opts: LokiOptions): Telemetry {
  const base = opts.url.replace(/\/+$/, "");
  const unsupported = (kind: string) => () => Promise.reject(new Error(`loki: this backend does not answer ${kind} queries`));
  const headers = { ...opts.headers, ...(opts.tenant ? { "X-Scope-OrgID": opts.tenant } : {}) };
  const get = (url: URL, signal: AbortSignal) =>
    requestJson(url, {
      backend: "loki",
      signal,
      headers,
      ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
      ...(opts.maxBytes ? { maxBytes: opts.maxBytes } : {}),
    });
  const listLabels = async (q: TimeRange, signal: AbortSignal): Promise<string[]> => {
    const url = new URL(`${base}/loki/api/v1/labels`);
    url.searchParams.set("start", ns(q.start));
    url.searchParams.set("end", ns(q.end));
    const { status, body } = await get(url, signal);
    const parsed = LabelsSchema.safeParse(body);
    if (!parsed.success || status !== 200 || parsed.data.status !== "success") throw new Error(`loki GET /loki/api/v1/labels: HTTP ${status}`);
    return (parsed.data.data ?? []).filter((l) => !l.startsWith("__"));
  };
  /** The distinct label sets of the streams any of the selectors match in the window (`match[]` repeated is a union). */
  const series = async (selectors: string[], q: TimeRange, signal: AbortSignal): Promise<Labels[]> => {
    if (!selectors.length) return [];
    const url = new URL(`${base}/loki/api/v1/series`);
    for (const sel of selectors) url.searchParams.append("match[]", sel);
    url.searchParams.set("start", ns(q.start));
    url.searchParams.set("end", ns(q.end));
    const { status, body } = await get(url, signal);
    const parsed = SeriesSchema.safeParse(body);
    if (!parsed.success || status !== 200 || parsed.data.status !== "success")
      throw new Error(`loki GET /loki/api/v1/series: HTTP ${status}${parsed.success && parsed.data.error ? `: ${parsed.data.error}` : ""}`);
    const seen = new Map<string, Labels>();
    for (const labels of parsed.data.data ?? []) {
      const key = JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
      if (!seen.has(key)) seen.set(key, labels);
    }
    return [...seen.values()];
  };
  /** Every stream of the window: Loki has no selector for all streams, but each stream carries some label with a value. */
  const allStreams = async (q: TimeRange, signal: AbortSignal): Promise<Labels[]> =>
    series(
      (await listLabels(q, signal)).map((name) => anyValueOf(name)),
      q,
      signal,
    );
  /** One query_range of one LogQL selector: entries with their nanosecond time, refused when outside the window (other units). */
  const queryRange = async (query: string, q: LogQuery, signal: AbortSignal): Promise<Array<{ at: bigint; line: LogLine }>> => {
    const url = new URL(`${base}/loki/api/v1/query_range`);
    url.searchParams.set("query", query);
    url.searchParams.set("start", ns(q.start));
    url.searchParams.set("end", ns(q.end));
    url.searchParams.set("limit", String(Math.max(1, Math.floor(q.limit))));
    url.searchParams.set("direction", "forward");
    const { status, body } = await get(url, signal);
    const parsed = ResponseSchema.safeParse(body);
    if (!parsed.success)
      throw new Error(
        `loki GET /loki/api/v1/query_range: HTTP ${status}, the body is not a Loki response (${parsed.error.issues[0]?.message ?? "unreadable"})`,
      );
    if (status !== 200 || parsed.data.status !== "success" || !parsed.data.data) {
      throw new Error(`loki GET /loki/api/v1/query_range: HTTP ${status} ${parsed.data.status}${parsed.data.error ? `: ${parsed.data.error}` : ""}`);
    }
    if (parsed.data.data.resultType !== "streams") throw new Error(`loki GET /loki/api/v1/query_range: expected streams, got ${parsed.data.data.resultType}`);
    const lo = BigInt(ns(q.start));
    const hi = BigInt(ns(q.end));
    return parsed.data.data.result.flatMap((s) =>
      s.values.map(([t, line]) => {
        const at = BigInt(t);
        // Outside the window means other units (ms or s instead of ns): refuse rather than misplace lines.
        if (at < lo || at > hi)
          throw new Error(`loki GET /loki/api/v1/query_range: an entry at ${t} lies outside the requested window; timestamps are not nanoseconds`);
        return { at, line: { ts: nsToRfc3339(t), labels: s.stream, line } satisfies LogLine };
      }),
    );
  };
  return {
    capabilities: new Set<Capability>(["logs"]),
    describe(_kind, query) {
      const q = query as LogQuery;
      try {
        return `${logql(q)} over [${new Date(q.start).toISOString()}, ${new Date(q.end).toISOString()}] limit ${q.limit}`;
      } catch (e) {
        return `(not sent: ${(e as Error).message})`;
      }
    },
    async logs(q, signal): Promise<LogLine[]> {
      if (!(Number.isFinite(q.start) && Number.isFinite(q.end)) || q.end < q.start) {
        throw new Error(`loki query_range: the window [${q.start}, ${q.end}] is not a time range (epoch ms, start <= end)`);
      }
      if ((q.streams?.length ?? 0) > MAX_STREAMS)
        throw new Error(`loki query_range: ${q.streams!.length} streams named, at most ${MAX_STREAMS} are read per query`);
      const cap = Math.max(1, Math.floor(q.limit));
      const limit = pLimit(STREAM_CONCURRENCY);
      let parts: Array<Array<{ at: bigint; line: LogLine }>>;
      if (q.streams?.length) {
        // The named streams, a few at a time: one selector per group (the pairs its streams share),
        // keeping only the group's streams. Where the limit may have cut a group, each of its streams
        // is read alone, so a stream outside the group never takes another's place under the limit.
        const groups = groupStreams(q.streams.map((s) => ({ ...s, ...q.selector })));
        parts = await Promise.all(
          groups.map(async (g) => {
            const read = (selector: Labels) => limit(() => queryRange(renderLogSelector(selector, q.pattern), q, signal));
            const got = await read(g.selector);
            if (g.streams.length === 1 || got.length < cap) return got.filter((e) => inStreams(e.line.labels, g.streams));
            return (await Promise.all(g.streams.map(read))).flat();
          }),
        );
      } else if (Object.keys(q.selector).length) parts = [await queryRange(renderLogSelector(q.selector, q.pattern), q, signal)];
      else {
        // Every stream, as replay reads an empty selector: a LogQL selector needs a label, so read the
        // streams of the window through a few labels that together cover them all.
        const queries = coveringLabels(await allStreams(q, signal)).map((name) => anyValueOf(name, q.pattern));
        parts = await Promise.all(queries.map((query) => limit(() => queryRange(query, q, signal))));
      }
      // A stream carrying two of the covering labels comes back twice: one entry is one stream, time and line.
      const unique = new Map<string, { at: bigint; line: LogLine }>();
      for (const e of parts.flat()) unique.set(JSON.stringify([Object.entries(e.line.labels).sort(), `${e.at}`, e.line.line]), e);
      return [...unique.values()]
        .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
        .slice(-cap)
        .map((e) => e.line);
    },
    async streams(q: StreamQuery, signal): Promise<Labels[]> {
      const found = Object.keys(q.selector).length ? await series([renderLogSelector(q.selector)], q, signal) : await allStreams(q, signal);
      return found.slice(0, Math.max(0, q.limit));
    },
    metrics: unsupported("metric"),
    changes: unsupported("change"),
    events: unsupported("event"),
    orchestrator: unsupported("orchestrator"),
    warehouse: unsupported("warehouse"),
  };
}
