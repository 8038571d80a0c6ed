import { fieldText, type Alert, type AlertStatus, type Severity } from "../../model/index.js";
import { knownSeverity } from "../severity.js";
import { buildAlert } from "./build.js";
import { array, at, fill, isRecord, optArray, optRecord, optText, quote, record, type Obj } from "./fields.js";
import { link } from "./link.js";
import { time, type Timestamp } from "./time.js";
import { ParseError, type ParseContext, type SourceAdapter } from "./types.js";

/** The incident's own status: triggered and acknowledged are still firing. */
function statusOf(status: string | undefined, field: string): AlertStatus {
  if (status === undefined || status === "triggered" || status === "acknowledged") return "firing";
  if (status === "resolved") return "resolved";
  throw new ParseError(field, `expected triggered, acknowledged or resolved, got ${quote(status)}`);
}

/** Priority (P1…, may be null) decides when set; urgency (high/low) otherwise. */
function severityOf(priority: string | undefined, urgency: string | undefined): Severity {
  return knownSeverity(priority) ?? knownSeverity(urgency) ?? "medium";
}

/**
 * One incident object (V3 `event.data`, V2 `messages[].incident`, V1 `messages[].data.incident`).
 * The start is the incident's `created_at` (V1: `created_on`), else `triggeredAt`: the time of the
 * event that triggered it, when the event is a trigger.
 */
function incidentAlert(
  inc: Obj,
  field: string,
  status: AlertStatus,
  times: { endsAt: Timestamp | null; triggeredAt: Timestamp | null },
  ctx: ParseContext,
  index: number,
): Alert {
  const id = optText(inc.id, at(field, "id"), false);
  const summary = optRecord(inc.trigger_summary_data, at(field, "trigger_summary_data"));
  const title =
    optText(inc.title, at(field, "title")) ??
    optText(inc.summary, at(field, "summary")) ??
    optText(summary?.subject, at(field, "trigger_summary_data.subject")) ??
    optText(inc.description, at(field, "description")) ??
    "PagerDuty incident";
  const service = optRecord(inc.service, at(field, "service"));
  const priority = optRecord(inc.priority, at(field, "priority"));
  const teams = optArray(inc.teams, at(field, "teams"));
  const team = teams.length ? optRecord(teams[0], at(at(field, "teams"), 0)) : undefined;
  const labels: Record<string, string> = {};
  fill(labels, "service", optText(service?.summary ?? service?.name, at(field, "service.summary"), false));
  fill(labels, "service_id", optText(service?.id, at(field, "service.id"), false));
  fill(labels, "team", optText(team?.summary, at(field, "teams[0].summary"), false));
  fill(labels, "urgency", optText(inc.urgency, at(field, "urgency"), false));
  fill(labels, "priority", optText(priority?.summary, at(field, "priority.summary"), false));
  fill(labels, "incident_key", optText(inc.incident_key, at(field, "incident_key"), false));
  fill(labels, "incident_number", optText(inc.number ?? inc.incident_number, at(field, "number"), false));
  fill(labels, "incident_type", optText(optRecord(inc.incident_type, at(field, "incident_type"))?.name, at(field, "incident_type.name"), false));
  const annotations: Record<string, string> = {};
  fill(annotations, "description", optText(inc.description, at(field, "description")));
  return buildAlert(
    "pagerduty",
    {
      title,
      severity: severityOf(labels.priority, labels.urgency),
      status,
      fingerprint: id ?? labels.incident_key ?? null,
      identity: ["service_id", "alertname"],
      labels,
      annotations,
      startsAt: time(inc.created_at, at(field, "created_at")) ?? time(inc.created_on, at(field, "created_on")) ?? times.triggeredAt,
      endsAt: times.endsAt,
      links: link("pagerduty", inc.html_url),
    },
    ctx,
    index,
  );
}

/** Webhooks V3: one `{event}` per POST; only incident events with an incident in `data` are alerts. */
function v3(b: Obj, ctx: ParseContext): Alert[] {
  const ev = record(b.event, "event");
  const type = optText(ev.event_type, "event.event_type", false) ?? "";
  if (!type.startsWith("incident.")) throw new ParseError("event.event_type", `${quote(type)} is not about an incident, so it is not an alert`);
  const data = record(ev.data, "event.data");
  if (data.type !== undefined && data.type !== "incident") {
    throw new ParseError("event.data.type", `${quote(fieldText(data.type))}: a ${type} event carries no incident, so it is not an alert`);
  }
  const byType: AlertStatus | null =
    type === "incident.triggered" || type === "incident.reopened" ? "firing" : type === "incident.resolved" ? "resolved" : null;
  const status = byType ?? statusOf(optText(data.status, "event.data.status", false), "event.data.status");
  // `occurred_at` is when this event happened: the end of a resolve, the start of a trigger or reopen.
  const occurredAt = time(ev.occurred_at, "event.occurred_at");
  return [
    incidentAlert(
      data,
      "event.data",
      status,
      { endsAt: status === "resolved" ? occurredAt : null, triggeredAt: byType === "firing" ? occurredAt : null },
      ctx,
      0,
    ),
  ];
}

/** Legacy V2 (`messages[].event` + `incident`) and V1 (`messages[].type` + `data.incident`), batched. */
function v2(b: Obj, ctx: ParseContext): Alert[] {
  const messages = array(b.messages, "messages");
  const alerts: Alert[] = [];
  messages.forEach((raw, i) => {
    const f = at("messages", i);
    const m = record(raw, f);
    const event = optText(m.event ?? m.type, at(f, "event"), false) ?? "";
    if (!event.startsWith("incident.")) return;
    const field = m.incident !== undefined ? at(f, "incident") : at(at(f, "data"), "incident");
    const inc = record(m.incident !== undefined ? m.incident : optRecord(m.data, at(f, "data"))?.incident, field);
    const verb = event.slice("incident.".length);
    const status =
      verb === "trigger" ? "firing" : verb === "resolve" ? "resolved" : statusOf(optText(inc.status, at(field, "status"), false), at(field, "status"));
    // The message's `created_on` is when this event happened: the end of a resolve, the start of a trigger.
    const createdOn = time(m.created_on, at(f, "created_on"));
    alerts.push(
      incidentAlert(inc, field, status, { endsAt: status === "resolved" ? createdOn : null, triggeredAt: verb === "trigger" ? createdOn : null }, ctx, i),
    );
  });
  if (!alerts.length) throw new ParseError("messages", "no incident message in the batch, so no alert");
  return alerts;
}

const isBareIncident = (b: Obj) => b.type === "incident" && "status" in b && "id" in b && ("html_url" in b || "number" in b || "incident_number" in b);

/**
 * PagerDuty: webhooks V3 (`{event: {event_type, data}}`), legacy V2/V1 (`{messages: […]}`), and a
 * bare V3 incident object as a relay or an Incident Workflow may post it. The incident id is the
 * fingerprint, so every event about one incident lands on one Pipemedic incident.
 */
export const pagerduty: SourceAdapter = {
  source: "pagerduty",
  detect(body) {
    if (!isRecord(body)) return false;
    const ev = body.event;
    if (isRecord(ev)) return typeof ev.event_type === "string" && /^(incident|service)\./.test(ev.event_type) && ("data" in ev || "resource_type" in ev);
    if (Array.isArray(body.messages)) return body.messages.some((m) => isRecord(m) && /^incident\./.test(fieldText(m.event ?? m.type)));
    return isBareIncident(body);
  },
  parse(body, ctx) {
    const b = record(body, "body");
    if (b.event !== undefined) return v3(b, ctx);
    if (b.messages !== undefined) return v2(b, ctx);
    if (b.type === "incident") {
      return [incidentAlert(b, "body", statusOf(optText(b.status, "status", false), "status"), { endsAt: null, triggeredAt: null }, ctx, 0)];
    }
    throw new ParseError("event", "expected a V3 `event`, V2 `messages` or an incident object");
  },
};
