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

/** Made-up words: every alert of a flood names a check of its own, so no grouping rule joins two of them. */
const SYLLABLES = ["ka", "lo", "mi", "nu", "pe", "ra", "si", "tu", "vo", "ze", "bo", "da", "fi", "gu", "ha", "je"];
function word(n: number, len: number): string {
  let s = "";
  for (let i = 0; i < len; i++, n = Math.floor(n / SYLLABLES.length)) s += SYLLABLES[n % SYLLABLES.length];
  return s;
}

/**
 * One Alertmanager notification carrying `count` distinct critical alerts in a shuffled order, the
 * n-th starting n seconds after `t0`: a flood whose every alert opens an incident of its own. Alerts
 * carry what a v4 body needs and no more (status and fingerprint come from the group and the labels),
 * so 600 of them fit the 64 KB a body may have.
 */
export function alertmanagerFlood(count: number, t0: number): string {
  const alerts = Array.from({ length: count }, (_, k) => {
    const n = (k * 7919) % count;
    const name = word(n, 3);
    return {
      labels: { alertname: `${name[0]!.toUpperCase()}${name.slice(1)}Down`, severity: "critical" },
      startsAt: new Date(t0 + n * 1000).toISOString().replace(".000Z", "Z"),
    };
  });
  return JSON.stringify({ version: "4", groupKey: "{}:{}", status: "firing", receiver: "pipemedic", alerts });
}
