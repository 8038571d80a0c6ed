import { AlertSchema, type Alert, type AlertStatus, type Severity, type Source } from "../../model/index.js";
import { alertId, fingerprintOf } from "../fingerprint.js";
import { at, cleanText, labelKey, plainText } from "./fields.js";
import type { Link } from "./link.js";
import { ParseError, type ParseContext } from "./types.js";

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
  startsAt: string | null;
  endsAt?: string | null;
  links?: Link[];
  /** Set only by inference (inferred.ts): the fields the alert was read from. */
  inferred?: { fields: string[] };
}

/** A title on one line, cut on a character boundary. */
function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= MAX_TITLE) return flat;
  const chars = Array.from(flat);
  return chars.length > MAX_TITLE ? `${chars.slice(0, MAX_TITLE - 1).join("")}…` : flat;
}

/**
 * Labels or annotations whose names and values pass the text checks. Adapters read most of them
 * through `stringMap`, which checks already; values they derive (tags, dimensions) are checked here.
 */
function checked(map: Record<string, string>, where: string): Record<string, string> {
  for (const k of Object.keys(map)) {
    if (k === "__proto__" || !plainText(k)) labelKey(k, at(where, k));
    const v = map[k]!;
    if (!plainText(v)) cleanText(v, at(where, k));
  }
  return map;
}

/** Builds a validated Alert; a missing source fingerprint is computed from the identifying labels and flagged. */
export function buildAlert(source: Source, parts: AlertParts, ctx: ParseContext, index: number): Alert {
  const where = `alert ${index}`;
  // A copy: alertname may be added, and the adapter's object stays as it was.
  const labels = { ...checked(parts.labels, `${where} labels`) };
  const annotations = checked(parts.annotations ?? {}, `${where} annotations`);
  const title = oneLine(cleanText(parts.title, `${where} title`));
  if (!labels.alertname) labels.alertname = oneLine(parts.alertname ?? "") || title || `${source} alert`;
  const { fingerprint, computed } = fingerprintOf(source, parts.fingerprint, labels, parts.identity);
  const alert = {
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
    ...(parts.inferred ? { inferred: parts.inferred } : {}),
  };
  const parsed = AlertSchema.safeParse(alert);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ParseError(`${where}${issue?.path.length ? ` ${issue.path.join(".")}` : ""}`, issue?.message ?? "is not a valid alert");
  }
  return parsed.data;
}
