import { AlertSchema, type Alert, type Source } from "../../model/index.js";
import { alertId, computedFingerprint } from "../fingerprint.js";
import { severityOf } from "../severity.js";
import { ParseError, type ParseContext } from "./types.js";

/** A plain object, or a ParseError naming the field. */
export function record(value: unknown, field: string): Record<string, unknown> {
  if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new ParseError(field, `expected an object, got ${value === null ? "null" : Array.isArray(value) ? "an array" : typeof value}`);
}

/** A map of strings (labels, annotations); numbers and booleans are stringified, anything else is an error. */
export function stringMap(value: unknown, field: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  const obj = record(value, field);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (typeof v === "string") out[k] = v;
    else if (typeof v === "number" || typeof v === "boolean") out[k] = String(v);
    else if (v !== null && v !== undefined) throw new ParseError(`${field}.${k}`, `expected a string, got ${Array.isArray(v) ? "an array" : typeof v}`);
  }
  return out;
}

/** An RFC 3339 time, or null for missing, zero (`0001-01-01…`) or unparseable values. */
export function time(value: unknown): string | null {
  if (typeof value !== "string" || !value || value.startsWith("0001-01-01")) return null;
  const t = Date.parse(value);
  return Number.isFinite(t) ? new Date(t).toISOString() : null;
}

/** The fields an adapter maps; the rest (id, fingerprint fallback, pipeline, service) is derived the same way for every source. */
export interface AlertParts {
  title: string;
  severity: unknown;
  status: "firing" | "resolved";
  fingerprint?: string | null;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt: string | null;
  endsAt?: string | null;
  links?: Array<{ title: string; url: string }>;
}

/** Builds a validated Alert; a missing source fingerprint is computed from the labels and flagged. */
export function buildAlert(source: Source, parts: AlertParts, ctx: ParseContext, index: number): Alert {
  const labels = { ...parts.labels };
  if (!labels.alertname) labels.alertname = parts.title || "alert";
  const given = typeof parts.fingerprint === "string" && parts.fingerprint.trim() ? parts.fingerprint.trim() : null;
  const fingerprint = given ?? computedFingerprint(source, labels);
  const alert = {
    id: alertId(source, fingerprint, parts.startsAt, parts.status),
    source,
    title: parts.title.slice(0, 500) || labels.alertname,
    severity: severityOf(parts.severity ?? labels.severity),
    status: parts.status,
    environment: labels.environment ?? labels.env ?? null,
    fingerprint,
    fingerprintComputed: given === null,
    labels,
    annotations: parts.annotations ?? {},
    startsAt: parts.startsAt,
    endsAt: parts.endsAt ?? null,
    links: (parts.links ?? []).filter((l) => l.url),
    pipeline: labels.pipeline ?? null,
    service: labels.service ?? labels.job ?? null,
    raw: { delivery: ctx.delivery, index },
  };
  const parsed = AlertSchema.safeParse(alert);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ParseError(`alerts[${index}].${issue.path.join(".")}`, issue.message);
  }
  return parsed.data;
}
