import { createHash } from "node:crypto";

/** Labels that vary per notification and never identify the alerting condition. */
const VOLATILE = new Set(["value", "values", "timestamp", "ts", "now"]);

/** A computed fingerprint from sorted identifying labels, used only when the source gives none. */
export function computedFingerprint(source: string, labels: Record<string, string>): string {
  const stable = Object.entries(labels)
    .filter(([k]) => !VOLATILE.has(k.toLowerCase()))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("\u0000");
  return `${source}:${createHash("sha256").update(stable).digest("hex").slice(0, 16)}`;
}

/** A stable alert id: the same source, fingerprint, start and status always give the same id. */
export function alertId(source: string, fingerprint: string, startsAt: string | null, status: string): string {
  return createHash("sha256").update([source, fingerprint, startsAt ?? "", status].join("\u0000")).digest("hex").slice(0, 16);
}
