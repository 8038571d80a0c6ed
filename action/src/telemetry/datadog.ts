import { z } from "zod";
import type { Capability, LogLine, LogQuery, MetricQuery, Series, Telemetry } from "../model/index.js";
import { requestJson } from "./http.js";
import { compilePattern } from "../patterns.js";

export interface DatadogOptions {
  /** The site's API base URL, e.g. https://api.datadoghq.eu (the caller reads it from configuration). */
  url: string;
  /** DD-API-KEY; the caller reads it from the environment. */
  apiKey: string;
  /** DD-APPLICATION-KEY; the caller reads it from the environment. */
  appKey: string;
  /** Tags to split series by (for per-partition primitives such as skew), e.g. ["partition"]. */
  groupBy?: string[];
  /** Per-request deadline; default 30 s. */
  timeoutMs?: number;
  maxBytes?: number;
}

/** Tag values we can put into a Datadog query without quoting (its query syntax has no reliable escape). */
const TAG_VALUE = /^[A-Za-z0-9_\-./:]+$/;
const NAME = /^[A-Za-z0-9_.]+$/;
/** The search API's largest page. */
const LOG_PAGE = 1000;

const MetricsResponseSchema = z.object({
  status: z.string(),
  error: z.string().optional(),
  series: z
    .array(
      z.looseObject({
        metric: z.string(),
        tag_set: z.array(z.string()).default([]),
        pointlist: z.array(z.tuple([z.number(), z.number().nullable()])),
      }),
    )
    .default([]),
});

const LogsResponseSchema = z.object({
  data: z.array(
    z.looseObject({
      attributes: z.looseObject({
        timestamp: z.string(),
        message: z.string().default(""),
        service: z.string().optional(),
        status: z.string().optional(),
        host: z.string().optional(),
        tags: z.array(z.string()).default([]),
      }),
    }),
  ),
  meta: z.looseObject({ status: z.string().optional(), page: z.object({ after: z.string().optional() }).optional() }).optional(),
});

/** Datadog's error bodies: `{"errors": ["…"]}`. */
const ErrorsSchema = z.object({ errors: z.array(z.unknown()) });

const errorsOf = (body: unknown) => {
  const e = ErrorsSchema.safeParse(body);
  return e.success
    ? `: ${e.data.errors
        .map((x) => (typeof x === "string" ? x : JSON.stringify(x)))
        .join("; ")
        .slice(0, 200)}`
    : "";
};

/** A Datadog metric query from a selector: equality matchers only, as tags; anything Datadog cannot express safely is refused. */
export function datadogQuery(q: MetricQuery, groupBy: string[] = []): string {
  if (!NAME.test(q.name)) throw new Error(`datadog: "${q.name}" is not a metric name Datadog accepts`);
  const tags = q.matchers.map((m) => {
    if (m.op !== "=") throw new Error(`datadog: the ${m.op} matcher on ${m.label} has no safe Datadog form`);
    if (!NAME.test(m.label) || !TAG_VALUE.test(m.value)) throw new Error(`datadog: tag ${m.label}:${m.value} has characters a Datadog query cannot quote`);
    return `${m.label}:${m.value}`;
  });
  const by = groupBy.filter((g) => NAME.test(g));
  return `avg:${q.name}{${tags.length ? tags.join(",") : "*"}}${by.length ? ` by {${by.join(",")}}` : ""}`;
}

/** A Datadog log search query from a stream selector, with the same refusal rules as metrics. */
export function datadogLogQuery(selector: Record<string, string>): string {
  return Object.entries(selector)
    .map(([k, v]) => {
      if (!NAME.test(k) || !TAG_VALUE.test(v)) throw new Error(`datadog: ${k}:${v} has characters a Datadog log query cannot quote`);
      return `${k}:${v}`;
    })
    .join(" ");
}

/** Metrics (v1 query: seconds in, milliseconds out) and logs (v2 search, paged by cursor) from Datadog. */
export function datadogTelemetry(opts: DatadogOptions): Telemetry {
  const base = opts.url.replace(/\/+$/, "");
  const headers = { "DD-API-KEY": opts.apiKey, "DD-APPLICATION-KEY": opts.appKey };
  const http = { backend: "datadog", headers, ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}), ...(opts.maxBytes ? { maxBytes: opts.maxBytes } : {}) };
  const unsupported = (kind: string) => () => Promise.reject(new Error(`datadog: this adapter does not answer ${kind} queries`));
  return {
    capabilities: new Set<Capability>(["metrics", "logs"]),
    describe(kind, query) {
      try {
        return kind === "metrics"
          ? datadogQuery(query as MetricQuery, opts.groupBy)
          : `logs ${datadogLogQuery((query as LogQuery).selector)}${(query as LogQuery).pattern ? ` matching /${(query as LogQuery).pattern}/i` : ""}`;
      } catch (e) {
        return `(not sent: ${(e as Error).message})`;
      }
    },
    async metrics(q, signal): Promise<Series[]> {
      const from = Math.floor(q.start / 1000);
      const to = Math.ceil(q.end / 1000);
      const url = new URL(`${base}/api/v1/query`);
      url.searchParams.set("from", String(from));
      url.searchParams.set("to", String(to));
      url.searchParams.set("query", datadogQuery(q, opts.groupBy));
      const { status, body } = await requestJson(url, { ...http, signal });
      if (status !== 200) throw new Error(`datadog GET /api/v1/query: HTTP ${status}${errorsOf(body)}`);
      const parsed = MetricsResponseSchema.safeParse(body);
      if (!parsed.success)
        throw new Error(`datadog GET /api/v1/query: HTTP ${status}, not a timeseries response (${parsed.error.issues[0]?.message ?? "unreadable"})`);
      if (parsed.data.status === "error") throw new Error(`datadog GET /api/v1/query: ${parsed.data.error ?? "status error"}`);
      // The response is in milliseconds; a point outside the window (e.g. seconds) means the units are not.
      const slack = Math.max(q.stepMs, 3_600_000);
      return parsed.data.series.map((s) => ({
        labels: { __name__: s.metric, ...Object.fromEntries(s.tag_set.map((t) => [t.slice(0, t.indexOf(":")), t.slice(t.indexOf(":") + 1)])) },
        points: s.pointlist.map(([t, v]) => {
          if (t < from * 1000 - slack || t > to * 1000 + slack) {
            throw new Error(
              `datadog GET /api/v1/query: a point at ${t} lies outside the requested window [${from * 1000}, ${to * 1000}] ms; the response is not in milliseconds`,
            );
          }
          return [t, v] as [number, number | null];
        }),
      }));
    },
    async logs(q, signal): Promise<LogLine[]> {
      const query = datadogLogQuery(q.selector);
      const re = q.pattern ? compilePattern(q.pattern, "log pattern", { ignoreCase: true }) : null;
      const out: LogLine[] = [];
      const url = new URL(`${base}/api/v2/logs/events/search`);
      let cursor: string | undefined;
      // The pattern is filtered here (Datadog's search syntax is not a regex), so read until `limit` lines match.
      for (let page = 0; page < 20; page++) {
        const { status, body } = await requestJson(url, {
          ...http,
          signal,
          json: {
            filter: { query, from: new Date(q.start).toISOString(), to: new Date(q.end).toISOString() },
            sort: "timestamp",
            page: { limit: Math.min(Math.max(q.limit, 1), LOG_PAGE), ...(cursor ? { cursor } : {}) },
          },
        });
        if (status !== 200) throw new Error(`datadog POST /api/v2/logs/events/search: HTTP ${status}${errorsOf(body)}`);
        const parsed = LogsResponseSchema.safeParse(body);
        if (!parsed.success)
          throw new Error(`datadog POST /api/v2/logs/events/search: not a logs response (${parsed.error.issues[0]?.message ?? "unreadable"})`);
        if (parsed.data.meta?.status === "timeout")
          throw new Error("datadog POST /api/v2/logs/events/search: the search timed out on Datadog's side; results would be incomplete");
        for (const d of parsed.data.data) {
          const at = Date.parse(d.attributes.timestamp);
          if (!Number.isFinite(at)) throw new Error(`datadog POST /api/v2/logs/events/search: unreadable timestamp ${JSON.stringify(d.attributes.timestamp)}`);
          if (re && !re.test(d.attributes.message)) continue;
          out.push({
            ts: new Date(at).toISOString(),
            labels: {
              ...(d.attributes.service ? { service: d.attributes.service } : {}),
              ...(d.attributes.status ? { level: d.attributes.status.toLowerCase() } : {}),
            },
            line: d.attributes.message,
          });
          if (out.length >= q.limit) return out;
        }
        cursor = parsed.data.meta?.page?.after;
        if (!cursor || !parsed.data.data.length) return out;
      }
      return out;
    },
    changes: unsupported("change"),
    events: unsupported("event"),
    orchestrator: unsupported("orchestrator"),
    warehouse: unsupported("warehouse"),
  };
}
