import type { Alert, AutoRule, Config, Incident } from "../model/index.js";

/** Whether an incident is investigated now, and why (the reason is written to the report). */
export function decide(incident: Incident, alerts: Alert[], config: Config): { now: boolean; reason: string } {
  if (incident.status === "resolved")
    return {
      now: false,
      reason: incident.investigation === "done" ? "resolved; it was investigated earlier, and that report stands" : "resolved before investigation",
    };
  const firing = alerts.filter((a) => a.status === "firing");
  for (const [i, rule] of config.investigate.auto.entries()) {
    if (firing.some((a) => matches(rule, a, incident))) return { now: true, reason: `investigate.auto[${i}] matched` };
  }
  return { now: false, reason: "no investigate.auto rule matched; awaiting a manual trigger" };
}

function matches(rule: AutoRule, alert: Alert, incident: Incident): boolean {
  if (rule.severity && !rule.severity.includes(alert.severity)) return false;
  if (rule.source && !rule.source.includes(alert.source)) return false;
  if (rule.labels && !Object.entries(rule.labels).every(([k, v]) => alert.labels[k] === v)) return false;
  if (rule.pipelines && !rule.pipelines.some((p) => incident.pipelines.includes(p))) return false;
  return true;
}
