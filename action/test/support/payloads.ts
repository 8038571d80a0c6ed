/** Webhook bodies for tests and benchmarks, built the way the senders build them. */

/** An Alertmanager webhook v4 notification carrying one alert. */
export function alertmanagerNotification(alert: {
  status: "firing" | "resolved";
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt: string;
  endsAt?: string;
  fingerprint: string;
}): Record<string, unknown> {
  return {
    version: "4",
    groupKey: `{}:{alertname="${alert.labels.alertname ?? ""}"}`,
    status: alert.status,
    receiver: "pipemedic",
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: "http://alertmanager.example",
    alerts: [{ annotations: {}, endsAt: "0001-01-01T00:00:00Z", ...alert }],
  };
}

/** The same alerting condition, a new occurrence: every `startsAt` in a body moved by `ms`. */
export function shiftStartsAt(body: string, ms: number): string {
  return JSON.stringify(JSON.parse(body), (key, value: unknown) =>
    key === "startsAt" && typeof value === "string" ? new Date(Date.parse(value) + ms).toISOString() : value,
  );
}
