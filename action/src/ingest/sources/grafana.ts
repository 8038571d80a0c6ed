import type { Alert } from "../../model/index.js";
import { firstSeverity, severityOf } from "../severity.js";
import { amStatus, notificationGroup } from "./alertmanager.js";
import { buildAlert } from "./build.js";
import { array, at, fill, isRecord, optArray, optText, quote, record, stringMap, stringMapInto, type Obj } from "./fields.js";
import { link } from "./link.js";
import { time } from "./time.js";
import { ParseError, type ParseContext, type SourceAdapter } from "./types.js";

/** `values` (refId → number, may be null) as one readable annotation: `B=44.24, C=1`. */
function valuesText(value: unknown, field: string): string | undefined {
  if (!isRecord(value)) return undefined;
  const parts: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === "number") parts.push(`${k}=${Number.isInteger(v) ? v : v.toPrecision(6)}`);
    else if (v !== null) throw new ParseError(at(field, k), `expected a number, got ${typeof v}`);
  }
  return parts.length ? parts.join(", ") : undefined;
}

/** Unified alerting (Grafana 8+): Alertmanager-shaped, `version: "1"`, with Grafana's extra URLs and values. */
function unified(b: Obj, ctx: ParseContext): Alert[] {
  const alerts = array(b.alerts, "alerts");
  if (!alerts.length) throw new ParseError("alerts", "the notification holds no alerts");
  const common = stringMap(b.commonLabels, "commonLabels");
  const groupStatus = amStatus(b.status, "status", "firing");
  const group = notificationGroup(b.groupKey, b.groupLabels);
  return alerts.map((raw, i) => {
    const f = at("alerts", i);
    const a = record(raw, f);
    const labels = stringMapInto({ ...common }, a.labels, at(f, "labels"));
    const annotations = Object.assign(stringMap(a.annotations, at(f, "annotations")), group);
    fill(labels, "rule_uid", optText(a.ruleUID, at(f, "ruleUID"), false));
    fill(annotations, "values", valuesText(a.values, at(f, "values")));
    fill(annotations, "value_string", optText(a.valueString, at(f, "valueString")));
    const base = b.externalURL;
    return buildAlert(
      "grafana",
      {
        title: annotations.summary ?? labels.alertname ?? "",
        alertname: labels.alertname,
        severity: severityOf(labels.severity),
        status: amStatus(a.status, at(f, "status"), groupStatus),
        fingerprint: optText(a.fingerprint, at(f, "fingerprint"), false) ?? null,
        labels,
        annotations,
        startsAt: time(a.startsAt, at(f, "startsAt")),
        endsAt: time(a.endsAt, at(f, "endsAt")),
        links: [
          ...link("rule", a.generatorURL, base),
          ...link("dashboard", a.dashboardURL, base),
          ...link("panel", a.panelURL, base),
          ...link("silence", a.silenceURL, base),
        ],
      },
      ctx,
      i,
    );
  });
}

/** Legacy alerting (before Grafana 8): one rule per POST, `state` instead of a status, no times. */
function legacy(b: Obj, ctx: ParseContext): Alert {
  const ruleName = optText(b.ruleName, "ruleName", false);
  if (!ruleName) throw new ParseError("ruleName", "expected the alert rule's name");
  const state = optText(b.state, "state", false)?.toLowerCase() ?? "alerting";
  if (state !== "alerting" && state !== "ok" && state !== "no_data") {
    throw new ParseError("state", `${quote(state)} is not an alert notification (only alerting, no_data and ok are)`);
  }
  const tags = stringMap(b.tags, "tags");
  const labels: Record<string, string> = { ...tags, alertname: ruleName };
  for (const [key, label] of [
    ["ruleId", "rule_id"],
    ["orgId", "org_id"],
    ["dashboardId", "dashboard_id"],
    ["panelId", "panel_id"],
  ] as const) {
    fill(labels, label, optText(b[key], key, false));
  }
  const matches = optArray(b.evalMatches, "evalMatches").flatMap((m, i) => {
    const r = record(m, at("evalMatches", i));
    const metric = optText(r.metric, at(at("evalMatches", i), "metric"), false) ?? "value";
    return typeof r.value === "number" ? [`${metric}=${r.value}`] : [];
  });
  const annotations: Record<string, string> = {};
  fill(annotations, "description", optText(b.message, "message"));
  fill(annotations, "values", matches.join(", ") || undefined);
  return buildAlert(
    "grafana",
    {
      title: optText(b.title, "title") ?? ruleName,
      alertname: ruleName,
      severity: state === "ok" ? "info" : firstSeverity(tags.severity, state === "no_data" ? "medium" : "high"),
      status: state === "ok" ? "resolved" : "firing",
      identity: ["org_id", "rule_id", "alertname"],
      labels,
      annotations,
      startsAt: null,
      links: [...link("rule", b.ruleUrl), ...link("image", b.imageUrl)],
    },
    ctx,
    0,
  );
}

/**
 * Grafana: unified alerting (`version: "1"`, Alertmanager-shaped, `values` may be null,
 * `generatorURL` may be relative) and the legacy format (`ruleName`, `evalMatches`, `state`).
 */
export const grafana: SourceAdapter = {
  source: "grafana",
  detect(body) {
    if (!isRecord(body)) return false;
    if (Array.isArray(body.alerts)) return "orgId" in body || body.version === "1";
    return typeof body.ruleName === "string" && "state" in body;
  },
  parse(body, ctx) {
    const b = record(body, "body");
    if (b.alerts !== undefined) return unified(b, ctx);
    if (b.ruleName !== undefined) return [legacy(b, ctx)];
    throw new ParseError("alerts", "expected the unified alerting `alerts` array or the legacy `ruleName`");
  },
};
