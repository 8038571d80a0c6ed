import type { Capability, Telemetry } from "../model/index.js";

/** Combines adapters into one port: each kind of query goes to the first part that can answer it. */
export function combineTelemetry(parts: Telemetry[]): Telemetry {
  const capabilities = new Set<Capability>(parts.flatMap((p) => [...p.capabilities]));
  const route = (kind: Capability): Telemetry => {
    const part = parts.find((p) => p.capabilities.has(kind));
    if (!part) throw new Error(`no telemetry backend answers ${kind} queries; configure a connector for it in .github/pipemedic.yml`);
    return part;
  };
  return {
    capabilities,
    describe(kind, query) {
      const part = parts.find((p) => p.capabilities.has(kind));
      return part ? part.describe(kind, query) : `${kind} query (no backend configured)`;
    },
    metrics: async (q, s) => route("metrics").metrics(q, s),
    logs: async (q, s) => route("logs").logs(q, s),
    changes: async (q, s) => route("changes").changes(q, s),
    events: async (q, s) => route("events").events(q, s),
    orchestrator: async (q, s) => route("orchestrator").orchestrator(q, s),
    warehouse: async (q, s) => route("warehouse").warehouse(q, s),
    // Discovery goes where its kind is answered: series to the metrics backend, streams to the logs one.
    ...discovery(parts),
  };
}

/** The discovery methods of the parts that answer metrics and logs, when they have them. */
function discovery(parts: Telemetry[]): Pick<Telemetry, "series" | "streams" | "alerts"> {
  const metrics = parts.find((p) => p.capabilities.has("metrics"));
  const logs = parts.find((p) => p.capabilities.has("logs"));
  const alerts = parts.find((p) => p.capabilities.has("alerts"));
  return {
    ...(metrics?.series ? { series: (q, s) => metrics.series!(q, s) } : {}),
    ...(logs?.streams ? { streams: (q, s) => logs.streams!(q, s) } : {}),
    ...(alerts?.alerts ? { alerts: (q, s) => alerts.alerts!(q, s) } : {}),
  };
}
