import type { AlertStatus } from "../../model/index.js";
import { severityOf } from "../severity.js";
import { buildAlert } from "./build.js";
import { array, at, isRecord, kind, optText, quote, record, stringMap } from "./fields.js";
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
    return alerts.map((raw, i) => {
      const f = at("alerts", i);
      const a = record(raw, f);
      // commonLabels are by definition in every alert; merging keeps older, trimmed payloads whole.
      const labels = { ...common, ...stringMap(a.labels, at(f, "labels")) };
      const annotations = { ...commonAnnotations, ...stringMap(a.annotations, at(f, "annotations")) };
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
