import type { AlertStatus } from "../../model/index.js";
import { severityOf } from "../severity.js";
import { formatPairs, GROUP_KEY, GROUP_LABELS } from "../grouping.js";
import { buildAlert } from "./build.js";
import { array, at, isRecord, kind, optText, plainText, quote, record, stringMap, stringMapInto } from "./fields.js";
import { link } from "./link.js";
import { time } from "./time.js";
import { ParseError, type SourceAdapter } from "./types.js";

/** A per-alert or group status; anything else is a ParseError naming the field. */
export function amStatus(value: unknown, field: string, fallback?: AlertStatus): AlertStatus {
  if (value === "firing" || value === "resolved") return value;
  if ((value === undefined || value === null) && fallback) return fallback;
  throw new ParseError(field, `expected "firing" or "resolved", got ${typeof value === "string" ? quote(value) : kind(value)}`);
}

/**
 * The notification group an Alertmanager-shaped body belongs to (`groupKey`, and `groupLabels` as
 * `k=v, …`), kept as annotations for correlation (ingest/grouping.ts): the routing's own statement of
 * which alerts belong together. Never a label, so fingerprints stay as they were. A group key that is
 * not text, or group labels that are not a string map, are ignored rather than rejected: neither is
 * needed to record the alerts.
 */
export function notificationGroup(groupKey: unknown, groupLabels: unknown): Record<string, string> {
  if (typeof groupKey !== "string" || !groupKey.trim() || groupKey.length > 2_000 || !plainText(groupKey) || !isRecord(groupLabels)) return {};
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(groupLabels)) {
    if (typeof v !== "string" || !plainText(k) || !plainText(v) || k === "__proto__") return {};
    labels[k] = v;
  }
  return { [GROUP_KEY]: groupKey, [GROUP_LABELS]: formatPairs(labels) };
}

/**
 * Prometheus Alertmanager webhook v4: one POST carries many alerts, firing and resolved mixed.
 * Status is per alert (payloads older than v0.19 lack it, and the group status stands in);
 * `endsAt` of 0001-01-01 means unset; `fingerprint` is the label hash since v0.19 and is computed
 * from all labels (flagged) before. Status is never inferred from `endsAt`.
 */
export const alertmanager: SourceAdapter = {
  source: "alertmanager",
  detect(body) {
    if (!isRecord(body) || !Array.isArray(body.alerts)) return false;
    if ("orgId" in body || body.version === "1" || "ruleName" in body) return false;
    return "groupKey" in body || "receiver" in body || body.version === "4";
  },
  parse(body, ctx) {
    const b = record(body, "body");
    const alerts = array(b.alerts, "alerts");
    if (!alerts.length) throw new ParseError("alerts", "the notification holds no alerts");
    const common = stringMap(b.commonLabels, "commonLabels");
    const commonAnnotations = stringMap(b.commonAnnotations, "commonAnnotations");
    const groupStatus = amStatus(b.status, "status", "firing");
    const group = notificationGroup(b.groupKey, b.groupLabels);
    return alerts.map((raw, i) => {
      const f = at("alerts", i);
      const a = record(raw, f);
      // commonLabels are by definition in every alert; merging keeps older, trimmed payloads whole.
      const labels = stringMapInto({ ...common }, a.labels, at(f, "labels"));
      const annotations = Object.assign(stringMapInto({ ...commonAnnotations }, a.annotations, at(f, "annotations")), group);
      const status = amStatus(a.status, at(f, "status"), groupStatus);
      return buildAlert(
        "alertmanager",
        {
          title: annotations.summary ?? annotations.title ?? labels.alertname ?? "",
          alertname: labels.alertname,
          severity: severityOf(labels.severity),
          status,
          fingerprint: optText(a.fingerprint, at(f, "fingerprint"), false) ?? null,
          labels,
          annotations,
          startsAt: time(a.startsAt, at(f, "startsAt")),
          endsAt: time(a.endsAt, at(f, "endsAt")),
          links: link("source", a.generatorURL, b.externalURL),
        },
        ctx,
        i,
      );
    });
  },
};
