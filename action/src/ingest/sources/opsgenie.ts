import type { AlertStatus } from "../../model/index.js";
import { severityOf } from "../severity.js";
import { buildAlert } from "./build.js";
import { at, fill, isRecord, optArray, optText, quote, record, stringMap, text } from "./fields.js";
import { time } from "./time.js";
import { ParseError, type SourceAdapter } from "./types.js";

/** Actions that close an alert; `Create` opens one; every other known action is an update of an open alert. */
const CLOSING = new Set(["close", "delete"]);
const UPDATES = new Set([
  "acknowledge",
  "unacknowledge",
  "addnote",
  "addtags",
  "removetags",
  "adddetails",
  "removedetails",
  "escalate",
  "escalatetonext",
  "assignownership",
  "takeownership",
  "addresponder",
  "addteam",
  "addrecipient",
  "updatepriority",
  "updatemessage",
  "updatedescription",
  "snooze",
  "snoozeended",
  "customaction",
]);

function statusOf(action: string): AlertStatus {
  const a = action.toLowerCase();
  if (a === "create") return "firing";
  if (CLOSING.has(a)) return "resolved";
  if (UPDATES.has(a)) return "firing";
  throw new ParseError("action", `unknown action ${quote(action)}; expected Create, Close, Delete or an update such as Acknowledge`);
}

/** `env:prod` and `env=prod` tags become labels; bare tags are kept together in the `tags` label. */
function tagLabels(tags: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const bare: string[] = [];
  for (const t of tags) {
    const m = /^([A-Za-z_][\w.\-/]*)[:=](.*)$/.exec(t);
    if (m && m[1] !== "__proto__") out[m[1]!] = m[2]!.trim();
    else if (t.trim()) bare.push(t.trim());
  }
  if (bare.length) out.tags = bare.join(",");
  return out;
}

/**
 * Opsgenie (Jira Service Management Operations) webhook / alert action data: `action` plus the
 * `alert`. `createdAt` is epoch milliseconds and `updatedAt` epoch nanoseconds; both are read by
 * magnitude. The alias (Opsgenie's dedup key) is the fingerprint, else the alert id, so an
 * acknowledgement repeats its Create's id and changes nothing.
 */
export const opsgenie: SourceAdapter = {
  source: "opsgenie",
  detect(body) {
    if (!isRecord(body) || typeof body.action !== "string" || !isRecord(body.alert)) return false;
    const a = body.alert;
    return "alertId" in a || "alias" in a || "tinyId" in a || ("message" in a && ("integrationId" in body || "integrationName" in body));
  },
  parse(body, ctx) {
    const b = record(body, "body");
    const action = optText(b.action, "action", false);
    if (!action) throw new ParseError("action", "expected the alert action (Create, Close, …)");
    const status = statusOf(action);
    const a = record(b.alert, "alert");
    const message = optText(a.message, "alert.message");
    if (!message) throw new ParseError("alert.message", "expected the alert's message (its title)");
    const tags = optArray(a.tags, "alert.tags").map((t, i) => text(t, at("alert.tags", i)));
    const details = stringMap(a.details, "alert.details");
    const labels: Record<string, string> = { ...tagLabels(tags), ...details };
    fill(labels, "entity", optText(a.entity, "alert.entity", false));
    fill(labels, "origin", optText(a.source, "alert.source", false));
    const teams = optArray(a.teams, "alert.teams");
    const team = teams.length ? (isRecord(teams[0]) ? teams[0].name : teams[0]) : a.team;
    fill(labels, "team", optText(team, "alert.teams[0]", false));
    const priority = optText(a.priority, "alert.priority", false);
    fill(labels, "priority", priority);
    fill(labels, "integration", optText(b.integrationName, "integrationName", false));
    fill(labels, "alias", optText(a.alias, "alert.alias", false));
    const annotations: Record<string, string> = {};
    fill(annotations, "description", optText(a.description, "alert.description"));
    fill(annotations, "action", action);
    return [
      buildAlert(
        "opsgenie",
        {
          title: message,
          alertname: details.alertname ?? message,
          // Opsgenie's default priority is P3.
          severity: severityOf(priority ?? "P3"),
          status,
          fingerprint: optText(a.alias, "alert.alias", false) ?? optText(a.alertId, "alert.alertId", false) ?? null,
          identity: ["alertname", "entity"],
          labels,
          annotations,
          startsAt: time(a.createdAt, "alert.createdAt"),
          endsAt: status === "resolved" ? time(a.updatedAt, "alert.updatedAt") : null,
        },
        ctx,
        0,
      ),
    ];
  },
};
