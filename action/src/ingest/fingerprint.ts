import { hash } from "node:crypto";

/** Labels that vary per notification and never identify the alerting condition. */
const VOLATILE = new Set(["value", "values", "timestamp", "ts", "now", "date", "event_id", "delivery"]);

/** Longest source fingerprint kept verbatim; longer or odd ones are hashed (still the source's identity). */
const MAX_GIVEN = 128;

// One-shot hashing: a tenth of createHash's cost for texts this short (the ingest benchmark hashes every alert).
const hex16 = (text: string) => hash("sha256", text, "hex").slice(0, 16);

/**
 * A computed fingerprint, used only when the source gives none: a hash of the identifying labels
 * (`identity`, each source documents its list) sorted by name, or of every non-volatile label when
 * the source names none or none of them is present.
 */
export function computedFingerprint(source: string, labels: Record<string, string>, identity?: readonly string[]): string {
  const chosen = identity?.filter((k) => labels[k] !== undefined) ?? [];
  const keys = chosen.length ? chosen : Object.keys(labels).filter((k) => !VOLATILE.has(k.toLowerCase()));
  const stable = [...new Set(keys)]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((k) => `${k}=${labels[k]}`)
    .join("\u0000");
  return `${source}:${hex16(stable)}`;
}

/** The source's own fingerprint, trimmed; one that is long or holds characters outside printable ASCII is hashed. */
export function givenFingerprint(source: string, value: string): string {
  const v = value.trim();
  return v.length <= MAX_GIVEN && /^[\x21-\x7E]+$/.test(v) ? v : `${source}:${hex16(v)}`;
}

/**
 * The fingerprint of one alert: the source's own when it gives one, otherwise computed from the
 * identifying labels and flagged, so nobody mistakes a computed identity for the source's.
 */
export function fingerprintOf(
  source: string,
  given: string | null | undefined,
  labels: Record<string, string>,
  identity?: readonly string[],
): { fingerprint: string; computed: boolean } {
  if (typeof given === "string" && given.trim()) return { fingerprint: givenFingerprint(source, given), computed: false };
  return { fingerprint: computedFingerprint(source, labels, identity), computed: true };
}

/**
 * A stable alert id: the same source, fingerprint, start and status always give the same 16 hex
 * characters. Without a start time the delivery id stands in, so a re-delivery keeps its ids while a
 * later notification of a source that sends no time (legacy Grafana) is not mistaken for an old one.
 */
export function alertId(source: string, fingerprint: string, startsAt: string | null, status: string, delivery = ""): string {
  return hex16(`${source}\u0000${fingerprint}\u0000${startsAt ?? `delivery:${delivery}`}\u0000${status}`);
}
