import type { Alert, AlertStatus, Severity, Source } from "../../model/index.js";
import { alertId, fingerprintOf } from "../fingerprint.js";
import { at, cleanText, labelKey, plainText } from "./fields.js";
import type { Link } from "./link.js";
import type { Timestamp } from "./time.js";
import type { ParseContext } from "./types.js";

/** Longest title kept; the rest of the text stays in the annotations. */
const MAX_TITLE = 500;

/** The fields an adapter maps; id, fingerprint fallback, pipeline, service and environment are derived the same way for every source. */
export interface AlertParts {
  title: string;
  /** The alert rule's name; becomes `labels.alertname` unless the labels already carry one. */
  alertname?: string;
  severity: Severity;
  status: AlertStatus;
  /** The source's own fingerprint or dedup key, when it gives one. */
  fingerprint?: string | null;
  /** Label names that identify the condition, for the computed fingerprint (documented per source). */
  identity?: readonly string[];
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  /** Times as `time()` reads them (RFC 3339 UTC with milliseconds), so AlertSchema's format holds by type. */
  startsAt: Timestamp | null;
  endsAt?: Timestamp | null;
  links?: Link[];
  /** Set only by inference (inferred.ts): the fields the alert was read from. */
  inferred?: { fields: string[] };
}

/** White space that `oneLine` changes: any but a space, two in a row, or a space at either end. */
const SPACING = /[^\S ]| {2}|^ | $/;

/** A title on one line, cut on a character boundary. */
function oneLine(text: string): string {
  // Most titles are one line already (no white space but single spaces inside): kept as they are, without a copy.
  const flat = SPACING.test(text) ? text.replace(/\s+/g, " ").trim() : text;
  if (flat.length <= MAX_TITLE) return flat;
  const chars = Array.from(flat);
  return chars.length > MAX_TITLE ? `${chars.slice(0, MAX_TITLE - 1).join("")}…` : flat;
}

/**
 * A copy of labels or annotations whose names and values pass the text checks. Adapters read most
 * of them through `stringMap`, which checks already; values they derive (tags, dimensions) are
 * checked here. The field path is only built when something is wrong.
 */
function checkedCopy(map: Record<string, string>, index: number, what: string): Record<string, string> {
  const copy = { ...map };
  for (const k in copy) {
    const v = copy[k]!;
    if (k === "__proto__" || !plainText(k)) labelKey(k, at(`alert ${index} ${what}`, k));
    if (!plainText(v)) cleanText(v, at(`alert ${index} ${what}`, k));
  }
  return copy;
}

/**
 * Builds an Alert; a missing source fingerprint is computed from the identifying labels and flagged.
 * The parts' types already give what AlertSchema asks of each field (times come from `time()`,
 * links from `link()`, ids and fingerprints are never empty), so the alert is built as the type
 * and not parsed again; the ingest tests check every alert they produce against AlertSchema.
 */
export function buildAlert(source: Source, parts: AlertParts, ctx: ParseContext, index: number): Alert {
  // Copies: alertname may be added, the adapter's maps stay as they were, and no two alerts share one.
  const labels = checkedCopy(parts.labels, index, "labels");
  const annotations = parts.annotations ? checkedCopy(parts.annotations, index, "annotations") : {};
  const title = oneLine(plainText(parts.title) ? parts.title : cleanText(parts.title, `alert ${index} title`));
  if (!labels.alertname) labels.alertname = oneLine(parts.alertname ?? "") || title || `${source} alert`;
  const { fingerprint, computed } = fingerprintOf(source, parts.fingerprint, labels, parts.identity);
  const alert: Alert = {
    id: alertId(source, fingerprint, parts.startsAt, parts.status, ctx.delivery),
    source,
    title: title || labels.alertname,
    severity: parts.severity,
    status: parts.status,
    environment: labels.environment || labels.env || null,
    fingerprint,
    fingerprintComputed: computed,
    labels,
    annotations,
    startsAt: parts.startsAt,
    endsAt: parts.endsAt ?? null,
    links: parts.links ?? [],
    pipeline: labels.pipeline || null,
    service: labels.service || labels.job || null,
    raw: { delivery: ctx.delivery, index },
  };
  if (parts.inferred) alert.inferred = parts.inferred;
  return alert;
}
