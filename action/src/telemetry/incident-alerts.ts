import type { Alert, Capability, Telemetry } from "../model/index.js";

/**
 * The telemetry port with the incident's own alerts as one more source: what an alert says (an
 * Airflow callback's exception, a dbt Cloud run's error, a Sentry exception type) is evidence too,
 * read by runbook checks with `alert: {}` and a `match` like any log line.
 */
export function withIncidentAlerts(telemetry: Telemetry, alerts: Alert[]): Telemetry {
  const capabilities = new Set<Capability>([...telemetry.capabilities, "alerts"]);
  return {
    ...telemetry,
    capabilities,
    describe: (kind, query) => (kind === "alerts" ? "the incident's own alerts (titles, annotations, labels)" : telemetry.describe(kind, query)),
    alerts: () => Promise.resolve(alerts),
  };
}
