import { z } from "zod";
import type { Capability, LogLine, LogQuery, MetricQuery, Series, Telemetry } from "../model/index.js";
import { getJson } from "./http.js";

export interface DatadogOptions {
  /** The site's API host, e.g. https://api.datadoghq.eu. */
  url: string;
  apiKey: string;
  appKey: string;
  /** Tags to split series by (for per-partition primitives such as skew), e.g. ["partition"]. */
  groupBy?: string[];
}

const TAG_VALUE = /^[A-Za-z0-9_\-./:]+$/;
const NAME = /^[A-Za-z0-9_.]+$/;

const MetricsResponse = z.object({
  status: z.string(),
  error: z.string().optional(),
  series: z.array(z.object({ metric: z.string(), tag_set: z.array(z.string()).default([]), pointlist: z.array(z.tuple([z.number(), z.number().nullable()])) })).default([]),
});
const LogsResponse = z.object({
  data: z.array(z.object({ attributes: z.object({ timestamp: z.string(), message: z.string().default(""), service: z.string().optional(), status: z.string().optional(), host: z.string().optional(), tags: z.array(z.string()).default([]) }) })),
});

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

/** Metrics (v1 query, seconds in, milliseconds out) and logs (v2 search) from Datadog. */
export function datadogTelemetry(opts: DatadogOptions): Telemetry {
  const base = opts.url.replace(/\/+$/, "");
  const headers = { "DD-API-KEY": opts.apiKey, "DD-APPLICATION-KEY": opts.appKey };
  const unsupported = (kind: string) => () => Promise.reject(new Error(`Datadog does not answer ${kind} queries here`));
  return {
    capabilities: new Set<Capability>(["metrics", "logs"]),
    describe: (kind, q) => (kind === "metrics" ? datadogQuery(q as MetricQuery, opts.groupBy) : `logs ${JSON.stringify((q as LogQuery).selector)}`),
    async metrics(q, signal): Promise<Series[]> {
      const url = new URL(`${base}/api/v1/query`);
      url.searchParams.set("from", String(Math.floor(q.start / 1000)));
      url.searchParams.set("to", String(Math.ceil(q.end / 1000)));
      url.searchParams.set("query", datadogQuery(q, opts.groupBy));
      const { status, body } = await getJson(url, { signal, backend: "datadog", headers });
      const parsed = MetricsResponse.safeParse(body);
      if (status !== 200 || !parsed.success || parsed.data.status === "error") throw new Error(`datadog query: HTTP ${status}${parsed.success && parsed.data.error ? `: ${parsed.data.error}` : ""}`);
      return parsed.data.series.map((s) => ({
        labels: { __name__: s.metric, ...Object.fromEntries(s.tag_set.map((t) => [t.slice(0, t.indexOf(":")), t.slice(t.indexOf(":") + 1)])) },
        points: s.pointlist.map(([t, v]) => [t, v] as [number, number | null]),
      }));
    },
    async logs(q, signal): Promise<LogLine[]> {
      for (const [k, v] of Object.entries(q.selector)) {
        if (!NAME.test(k) || !TAG_VALUE.test(v)) throw new Error(`datadog: ${k}:${v} has characters a Datadog log query cannot quote`);
      }
      const query = Object.entries(q.selector).map(([k, v]) => `${k}:${v}`).join(" ");
      const res = await fetch(`${base}/api/v2/logs/events/search`, {
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body: JSON.stringify({ filter: { query, from: new Date(q.start).toISOString(), to: new Date(q.end).toISOString() }, sort: "timestamp", page: { limit: Math.min(q.limit, 1000) } }),
        signal,
      });
      const parsed = LogsResponse.safeParse(await res.json().catch(() => null));
      if (!res.ok || !parsed.success) throw new Error(`datadog logs search: HTTP ${res.status}`);
      const re = q.pattern ? new RegExp(q.pattern, "i") : null;
      return parsed.data.data
        .map((d) => ({ ts: new Date(d.attributes.timestamp).toISOString(), labels: { ...(d.attributes.service ? { service: d.attributes.service } : {}), ...(d.attributes.status ? { level: d.attributes.status.toLowerCase() } : {}) }, line: d.attributes.message }))
        .filter((l) => !re || re.test(l.line));
    },
    changes: unsupported("change"),
    events: unsupported("event"),
    orchestrator: unsupported("orchestrator"),
    warehouse: unsupported("warehouse"),
  };
}
