import { z } from "zod";
import type { Capability, LogLine, LogQuery, Telemetry } from "../model/index.js";
import { renderLogSelector } from "./escape.js";
import { getJson } from "./http.js";

const Response = z.object({
  status: z.string(),
  error: z.string().optional(),
  data: z
    .object({
      resultType: z.literal("streams"),
      result: z.array(z.object({ stream: z.record(z.string(), z.string()), values: z.array(z.tuple([z.string(), z.string()])) })),
    })
    .optional(),
});

export interface LokiOptions {
  url: string;
  headers?: Record<string, string>;
  /** X-Scope-OrgID for multi-tenant Loki. */
  tenant?: string;
  maxBytes?: number;
}

/** The LogQL a log check runs: the stream selector and a case-insensitive line filter, both escaped. */
export function logql(q: LogQuery): string {
  return renderLogSelector(q.selector, q.pattern);
}

const ns = (ms: number) => `${BigInt(Math.round(ms)) * 1_000_000n}`;

/** Telemetry from Loki's `query_range`: streams forward in time, nanosecond timestamps turned into RFC 3339. */
export function lokiTelemetry(opts: LokiOptions): Telemetry {
  const base = opts.url.replace(/\/+$/, "");
  const unsupported = (kind: string) => () => Promise.reject(new Error(`Loki does not answer ${kind} queries`));
  return {
    capabilities: new Set<Capability>(["logs"]),
    describe: (_kind, q) => logql(q as LogQuery),
    async logs(q, signal): Promise<LogLine[]> {
      const url = new URL(`${base}/loki/api/v1/query_range`);
      url.searchParams.set("query", logql(q));
      url.searchParams.set("start", ns(q.start));
      url.searchParams.set("end", ns(q.end));
      url.searchParams.set("limit", String(q.limit));
      url.searchParams.set("direction", "forward");
      const headers = { ...opts.headers, ...(opts.tenant ? { "X-Scope-OrgID": opts.tenant } : {}) };
      const { status, body } = await getJson(url, { signal, backend: "loki", headers, ...(opts.maxBytes ? { maxBytes: opts.maxBytes } : {}) });
      const parsed = Response.safeParse(body);
      if (status !== 200 || !parsed.success || parsed.data.status !== "success" || !parsed.data.data) {
        throw new Error(`loki query_range: HTTP ${status}${parsed.success && parsed.data.error ? `: ${parsed.data.error}` : ""}`);
      }
      return parsed.data.data.result
        .flatMap((s) => s.values.map(([t, line]) => ({ t: BigInt(t), ts: new Date(Number(BigInt(t) / 1_000_000n)).toISOString(), labels: s.stream, line })))
        .sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0))
        .map(({ ts, labels, line }) => ({ ts, labels, line }));
    },
    metrics: unsupported("metric"),
    changes: unsupported("change"),
    events: unsupported("event"),
    orchestrator: unsupported("orchestrator"),
    warehouse: unsupported("warehouse"),
  };
}
