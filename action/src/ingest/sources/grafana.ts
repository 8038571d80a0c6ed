import { buildAlert, record, stringMap, time } from "./build.js";
import { ParseError, type SourceAdapter } from "./types.js";

/**
 * Grafana: unified alerting (`version: "1"`, Alertmanager-shaped, `values` may be null,
 * `generatorURL` may be relative) and the legacy format (`ruleName`, `evalMatches`, `state`).
 */
export const grafana: SourceAdapter = {
  source: "grafana",
  detect(body) {
    if (!body || typeof body !== "object") return false;
    const b = body as Record<string, unknown>;
    return (Array.isArray(b.alerts) && ("orgId" in b || b.version === "1")) || (typeof b.ruleName === "string" && "state" in b);
  },
  parse(body, ctx) {
    const b = record(body, "body");
    if (!Array.isArray(b.alerts)) return [legacy(b, ctx)];
    const common = stringMap(b.commonLabels, "commonLabels");
    return b.alerts.map((raw, i) => {
      const a = record(raw, `alerts[${i}]`);
      const labels = { ...common, ...stringMap(a.labels, `alerts[${i}].labels`) };
      const annotations = stringMap(a.annotations, `alerts[${i}].annotations`);
      const links = ["generatorURL", "silenceURL", "dashboardURL", "panelURL"].flatMap((k) =>
        typeof a[k] === "string" && a[k] ? [{ title: k.replace(/URL$/, ""), url: a[k] as string }] : [],
      );
      return buildAlert(
        "grafana",
        {
          title: annotations.summary ?? labels.alertname ?? "alert",
          severity: labels.severity,
          status: a.status === "resolved" ? "resolved" : "firing",
          fingerprint: typeof a.fingerprint === "string" ? a.fingerprint : null,
          labels,
          annotations,
          startsAt: time(a.startsAt),
          endsAt: time(a.endsAt),
          links,
        },
        ctx,
        i,
      );
    });
  },
};

function legacy(b: Record<string, unknown>, ctx: Parameters<SourceAdapter["parse"]>[1]) {
  if (typeof b.ruleName !== "string") throw new ParseError("ruleName", "expected a string");
  const tags = stringMap(b.tags, "tags");
  const labels: Record<string, string> = { alertname: b.ruleName, ...tags };
  if (b.ruleId !== undefined) labels.rule_id = String(b.ruleId);
  const state = String(b.state ?? "alerting");
  return buildAlert(
    "grafana",
    {
      title: typeof b.title === "string" ? b.title : b.ruleName,
      severity: tags.severity ?? (state === "alerting" ? "high" : "info"),
      status: state === "ok" ? "resolved" : "firing",
      fingerprint: b.ruleId !== undefined ? `grafana-legacy:${String(b.ruleId)}` : null,
      labels,
      annotations: typeof b.message === "string" ? { description: b.message } : {},
      startsAt: null,
      links: typeof b.ruleUrl === "string" ? [{ title: "rule", url: b.ruleUrl }] : [],
    },
    ctx,
    0,
  );
}
