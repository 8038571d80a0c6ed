import { z } from "zod";
import type { Capability, Labels, MetricQuery, Series, SeriesQuery, Telemetry } from "../model/index.js";
import { renderSelector, renderSeriesSelector } from "./escape.js";
import { requestJson } from "./http.js";

/** The Prometheus API envelope; `data` stays unknown until the status says success. */
const EnvelopeSchema = z.object({
  status: z.enum(["success", "error"]),
  data: z.unknown().optional(),
  errorType: z.string().optional(),
  error: z.string().optional(),
  warnings: z.array(z.string()).optional(),
});

/** A range query's matrix: sample values are strings, timestamps float seconds; native histograms are not read. */
const MatrixSchema = z.object({
  resultType: z.literal("matrix"),
  result: z.array(
    z.looseObject({
      metric: z.record(z.string(), z.string()),
      values: z.array(z.tuple([z.number(), z.string()])).default([]),
    }),
  ),
});

/** Prometheus refuses a range query whose (end - start) / step exceeds 11,000. */
export const MAX_POINTS = 11_000;

export interface PrometheusOptions {
  /** Base URL of the server (a path prefix such as /prometheus is kept). */
  url: string;
  headers?: Record<string, string>;
  /** Per-request deadline (retries included); default 30 s. */
  timeoutMs?: number;
  /** Cap on the response body; default 32 MiB. */
  maxBytes?: number;
}

/** The PromQL a metric check runs: a plain selector; primitives compute rates and aggregates themselves. */
export function promql(q: MetricQuery): string {
  return renderSelector(q.name, q.matchers);
}

/** The step in seconds: at least the requested one, coarse enough to stay within Prometheus' 11,000 points. */
export function stepSeconds(q: Pick<MetricQuery, "start" | "end" | "stepMs">): number {
  const rangeS = Math.max(0, q.end - q.start) / 1000;
  const wanted = q.stepMs > 0 ? q.stepMs / 1000 : 1;
  // Millisecond precision is all Prometheus keeps; round up so the point count never exceeds the limit.
  const floor = Math.ceil((rangeS / MAX_POINTS) * 1000) / 1000;
  return Math.max(wanted, floor, 0.001);
}

const iso = (ms: number) => new Date(ms).toISOString();

const SeriesListSchema = z.array(z.record(z.string(), z.string()));

/** Telemetry from Prometheus' HTTP API: `query_range` of a selector, raw samples, no server-side functions. */
export function prometheusTelemetry(opts: PrometheusOptions): Telemetry {
  const base = opts.url.replace(/\/+$/, "");
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const unsupported = (kind: string) => () => Promise.reject(new Error(`prometheus: this backend does not answer ${kind} queries`));
  /** GET an API path; the `data` of a success envelope, or an error naming the path, the status and Prometheus' own words. */
  const get = async (url: URL, path: string, signal: AbortSignal): Promise<unknown> => {
    const { status, body } = await requestJson(url, {
      backend: "prometheus",
      signal,
      timeoutMs,
      ...(opts.headers ? { headers: opts.headers } : {}),
      ...(opts.maxBytes ? { maxBytes: opts.maxBytes } : {}),
    });
    const env = EnvelopeSchema.safeParse(body);
    if (!env.success) throw new Error(`prometheus GET ${path}: HTTP ${status}, the body is not a Prometheus API response`);
    if (env.data.status === "error" || status !== 200) {
      throw new Error(`prometheus GET ${path}: HTTP ${status} ${env.data.errorType ?? "error"}: ${env.data.error ?? "no message"}`);
    }
    return env.data.data;
  };
  return {
    capabilities: new Set<Capability>(["metrics"]),
    describe(_kind, query) {
      const q = query as MetricQuery;
      let expr: string;
      try {
        expr = promql(q);
      } catch (e) {
        return `(not sent: ${(e as Error).message})`;
      }
      return `${expr} over [${iso(q.start)}, ${iso(q.end)}] step ${stepSeconds(q)}s`;
    },
    async series(q: SeriesQuery, signal): Promise<Labels[]> {
      const url = new URL(`${base}/api/v1/series`);
      for (const sel of q.selectors) url.searchParams.append("match[]", renderSeriesSelector(sel));
      url.searchParams.set("start", (q.start / 1000).toFixed(3));
      url.searchParams.set("end", (q.end / 1000).toFixed(3));
      url.searchParams.set("limit", String(q.limit));
      const data = await get(url, "/api/v1/series", signal);
      const list = SeriesListSchema.safeParse(data);
      if (!list.success) throw new Error(`prometheus GET /api/v1/series: expected a list of label sets (${list.error.issues[0]?.message ?? "unreadable"})`);
      return list.data.slice(0, q.limit);
    },
    async metrics(q, signal): Promise<Series[]> {
      if (!(Number.isFinite(q.start) && Number.isFinite(q.end)) || q.end < q.start) {
        throw new Error(`prometheus query_range: the window [${q.start}, ${q.end}] is not a time range (epoch ms, start <= end)`);
      }
      const step = stepSeconds(q);
      const url = new URL(`${base}/api/v1/query_range`);
      url.searchParams.set("query", promql(q));
      url.searchParams.set("start", (q.start / 1000).toFixed(3));
      url.searchParams.set("end", (q.end / 1000).toFixed(3));
      url.searchParams.set("step", String(step));
      // Prometheus stops evaluating once the client has given up.
      url.searchParams.set("timeout", `${Math.max(1, Math.floor(timeoutMs / 1000))}s`);
      const matrix = MatrixSchema.safeParse(await get(url, "/api/v1/query_range", signal));
      if (!matrix.success) throw new Error(`prometheus GET /api/v1/query_range: expected a matrix result (${matrix.error.issues[0]?.message ?? "unreadable"})`);
      // A sample outside the window means the server (or a proxy) speaks other units: refuse rather than misplace it.
      const lo = q.start / 1000 - step;
      const hi = q.end / 1000 + step;
      return matrix.data.result.map((r) => ({
        labels: r.metric,
        points: r.values.map(([t, v]) => {
          if (t < lo || t > hi) {
            throw new Error(
              `prometheus GET /api/v1/query_range: a sample at ${t} lies outside the requested window [${q.start / 1000}, ${q.end / 1000}] s; the timestamps are not in seconds`,
            );
          }
          const n = Number(v);
          // NaN and ±Inf have no JSON form in evidence; they count as missing samples.
          return [Math.round(t * 1000), Number.isFinite(n) ? n : null] as [number, number | null];
        }),
      }));
    },
    logs: unsupported("log"),
    changes: unsupported("change"),
    events: unsupported("event"),
    orchestrator: unsupported("orchestrator"),
    warehouse: unsupported("warehouse"),
  };
}
