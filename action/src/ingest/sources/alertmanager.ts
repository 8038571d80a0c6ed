import { buildAlert, record, stringMap, time } from "./build.js";
import { ParseError, type SourceAdapter } from "./types.js";

/**
 * Prometheus Alertmanager webhook v4: one POST carries many alerts, firing and resolved mixed.
 * Status is per alert (older payloads lack it: the group status stands in); `endsAt` of
 * 0001-01-01 means unset; `fingerprint` exists since v0.19 and is computed (and flagged) before.
 */
export const alertmanager: SourceAdapter = {
  source: "alertmanager",
  detect(body) {
    if (!body || typeof body !== "object") return false;
    const b = body as Record<string, unknown>;
    return Array.isArray(b.alerts) && ("groupKey" in b || "receiver" in b) && !("orgId" in b) && !("ruleName" in b);
  },
  parse(body, ctx) {
    const b = record(body, "body");
    if (!Array.isArray(b.alerts)) throw new ParseError("alerts", "expected an array");
    const common = stringMap(b.commonLabels, "commonLabels");
    const groupStatus = b.status === "resolved" ? "resolved" : "firing";
    return b.alerts.map((raw, i) => {
      const a = record(raw, `alerts[${i}]`);
      const labels = { ...common, ...stringMap(a.labels, `alerts[${i}].labels`) };
      const annotations = stringMap(a.annotations, `alerts[${i}].annotations`);
      const status = a.status === "resolved" || a.status === "firing" ? a.status : groupStatus;
      const url = typeof a.generatorURL === "string" ? a.generatorURL : "";
      return buildAlert(
        "alertmanager",
        {
          title: annotations.summary ?? labels.alertname ?? "alert",
          severity: labels.severity,
          status,
          fingerprint: typeof a.fingerprint === "string" ? a.fingerprint : null,
          labels,
          annotations,
          startsAt: time(a.startsAt),
          endsAt: time(a.endsAt),
          links: url ? [{ title: "source", url }] : [],
        },
        ctx,
        i,
      );
    });
  },
};
