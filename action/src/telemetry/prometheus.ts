import { z } from "zod";
import type { Capability, MetricQuery, Series, Telemetry } from "../model/index.js";
import { renderSelector } from "./escape.js";
import { getJson } from "./http.js";

const Envelope = z.object({
  status: z.enum(["success", "error"]),
  data: z.unknown().optional(),
  errorType: z.string().optional(),
  error: z.string().optional(),
});
const Matrix = z.object({
  resultType: z.literal("matrix"),
  result: z.array(z.object({ metric: z.record(z.string(), z.string()), values: z.array(z.tuple([z.number(), z.string()])) })),
});

/** Prometheus refuses a range query over 11,000 points per series. */
const MAX_POINTS = 11_000;

export interface PrometheusOptions {
  url: string;
  headers?: Record<string, string>;
  maxBytes?: number;
}

/** The PromQL a metric check runs: a plain selector; primitives compute rates and aggregates themselves. */
export function promql(q: MetricQuery): string {
  return renderSelector(q.name, q.matchers);
}

/** Telemetry from Prometheus' HTTP API: `query_range` of a selector, raw samples, no server-side functions. */
export function prometheusTelemetry(opts: PrometheusOptions): Telemetry {
  const base = opts.url.replace(/\/+$/, "");
  const unsupported = (kind: string) => () => Promise.reject(new Error(`Prometheus does not answer ${kind} queries`));
  return {
    capabilities: new Set<Capability>(["metrics"]),
    describe: (_kind, q) => `${promql(q as MetricQuery)} over [${new Date((q as MetricQuery).start).toISOString()}, ${new Date((q as MetricQuery).end).toISOString()}]`,
    async metrics(q, signal): Promise<Series[]> {
      const stepS = Math.max(q.stepMs / 1000, Math.ceil((q.end - q.start) / 1000 / MAX_POINTS));
      const url = new URL(`${base}/api/v1/query_range`);
      url.searchParams.set("query", promql(q));
      url.searchParams.set("start", String(q.start / 1000));
      url.searchParams.set("end", String(q.end / 1000));
      url.searchParams.set("step", String(stepS));
      const { status, body } = await getJson(url, { signal, backend: "prometheus", ...(opts.headers ? { headers: opts.headers } : {}), ...(opts.maxBytes ? { maxBytes: opts.maxBytes } : {}) });
      const env = Envelope.safeParse(body);
      if (!env.success) throw new Error(`prometheus query_range: HTTP ${status}, unexpected body`);
      if (env.data.status === "error") throw new Error(`prometheus query_range: HTTP ${status} ${env.data.errorType ?? "error"}: ${env.data.error ?? "no message"}`);
      const matrix = Matrix.safeParse(env.data.data);
      if (!matrix.success) throw new Error(`prometheus query_range: expected a matrix result`);
      return matrix.data.result.map((r) => ({
        labels: r.metric,
        points: r.values.map(([t, v]) => {
          const n = Number(v);
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
