import type { Alert } from "../../model/index.js";
import { severityOf } from "../severity.js";
import { buildAlert } from "./build.js";
import { at, fill, isRecord, optArray, optRecord, optText, quote, record, text, type Obj } from "./fields.js";
import { link } from "./link.js";
import { time } from "./time.js";
import { ParseError, type ParseContext, type SourceAdapter } from "./types.js";

/** Tags that hold personal data (the user's IP or email; `sentry:user` in older events) and are never copied into labels. */
const PRIVATE_TAGS = new Set(["user", "user.email", "user.ip", "client_ip", "sentry:user"]);

/** Event tags are `[key, value]` pairs (newer payloads may send `{key, value}`). */
function tagPairs(value: unknown, field: string): Record<string, string> {
  const out: Record<string, string> = {};
  optArray(value, field).forEach((raw, i) => {
    const f = at(field, i);
    let k: unknown;
    let v: unknown;
    if (Array.isArray(raw) && raw.length === 2) [k, v] = raw as [unknown, unknown];
    else if (isRecord(raw)) ({ key: k, value: v } = raw);
    else throw new ParseError(f, "expected a [key, value] pair");
    const key = text(k, at(f, 0), false);
    if (v === null || PRIVATE_TAGS.has(key) || key === "__proto__") return;
    out[key] = text(v, at(f, 1));
  });
  return out;
}

/** The project slug in a Sentry URL (`/projects/<org>/<slug>/…`), if any. */
function projectSlug(...urls: Array<string | undefined>): string | undefined {
  for (const u of urls) {
    const m = u ? /\/projects\/[^/]+\/([^/?#]+)/.exec(u) : null;
    if (m) return m[1];
  }
  return undefined;
}

/** An issue alert (`event_alert`): always firing, Sentry sends no resolve for it. */
function eventAlert(b: Obj, ctx: ParseContext): Alert {
  const data = record(b.data, "data");
  const ev = record(data.event, "data.event");
  const rule =
    optText(data.triggered_rule, "data.triggered_rule", false) ??
    optText(optRecord(data.issue_alert, "data.issue_alert")?.title, "data.issue_alert.title", false);
  const title = optText(ev.title, "data.event.title") ?? optText(ev.message, "data.event.message") ?? rule ?? "Sentry issue";
  const labels = tagPairs(ev.tags, "data.event.tags");
  const url = optText(ev.url, "data.event.url", false);
  const webUrl = optText(ev.web_url, "data.event.web_url", false);
  fill(labels, "project", projectSlug(url, webUrl));
  fill(labels, "project_id", optText(ev.project, "data.event.project", false));
  fill(labels, "environment", optText(ev.environment, "data.event.environment", false));
  fill(labels, "issue_id", optText(ev.issue_id, "data.event.issue_id", false));
  fill(labels, "platform", optText(ev.platform, "data.event.platform", false));
  const level = optText(ev.level, "data.event.level", false);
  fill(labels, "level", level);
  const meta = optRecord(ev.metadata, "data.event.metadata");
  const annotations: Record<string, string> = {};
  fill(annotations, "culprit", optText(ev.culprit, "data.event.culprit"));
  fill(annotations, "exception_type", optText(meta?.type, "data.event.metadata.type"));
  fill(annotations, "exception_value", optText(meta?.value, "data.event.metadata.value"));
  return buildAlert(
    "sentry",
    {
      title,
      alertname: rule ?? title,
      severity: severityOf(level),
      status: "firing",
      fingerprint: labels.issue_id ?? null,
      identity: ["project", "project_id", "alertname"],
      labels,
      annotations,
      startsAt: time(ev.datetime, "data.event.datetime") ?? time(ev.timestamp, "data.event.timestamp"),
      links: link("sentry", webUrl),
    },
    ctx,
    0,
  );
}

/** A metric alert: `action` is critical, warning or resolved; the incident id is the fingerprint. */
function metricAlert(b: Obj, ctx: ParseContext): Alert {
  const action = optText(b.action, "action", false)?.toLowerCase();
  if (action !== "critical" && action !== "warning" && action !== "resolved") {
    throw new ParseError("action", `expected critical, warning or resolved for a metric alert, got ${action ? quote(action) : "nothing"}`);
  }
  const data = record(b.data, "data");
  const ma = record(data.metric_alert, "data.metric_alert");
  const rule = optRecord(ma.alert_rule, "data.metric_alert.alert_rule");
  const name = optText(rule?.name, "data.metric_alert.alert_rule.name") ?? optText(ma.title, "data.metric_alert.title") ?? "Sentry metric alert";
  const projects = optArray(ma.projects ?? rule?.projects, "data.metric_alert.projects");
  const labels: Record<string, string> = {};
  fill(labels, "project", projects.length ? text(projects[0], "data.metric_alert.projects[0]", false) : undefined);
  fill(labels, "environment", optText(rule?.environment, "data.metric_alert.alert_rule.environment", false));
  fill(labels, "rule_id", optText(rule?.id, "data.metric_alert.alert_rule.id", false));
  fill(labels, "aggregate", optText(rule?.aggregate, "data.metric_alert.alert_rule.aggregate", false));
  fill(labels, "dataset", optText(rule?.dataset, "data.metric_alert.alert_rule.dataset", false));
  const annotations: Record<string, string> = {};
  fill(annotations, "description", optText(data.description_text, "data.description_text"));
  fill(annotations, "query", optText(rule?.query, "data.metric_alert.alert_rule.query"));
  const id = optText(ma.id, "data.metric_alert.id", false) ?? optText(ma.identifier, "data.metric_alert.identifier", false);
  return buildAlert(
    "sentry",
    {
      title: optText(data.description_title, "data.description_title") ?? name,
      alertname: name,
      severity: action === "resolved" ? "info" : severityOf(action),
      status: action === "resolved" ? "resolved" : "firing",
      fingerprint: id ? `metric-alert:${id}` : null,
      identity: ["rule_id", "alertname", "project"],
      labels,
      annotations,
      startsAt: time(ma.date_started, "data.metric_alert.date_started") ?? time(ma.date_detected, "data.metric_alert.date_detected"),
      endsAt: time(ma.date_closed, "data.metric_alert.date_closed"),
      links: link("sentry", data.web_url),
    },
    ctx,
    0,
  );
}

/** The `issue` resource: created and unresolved fire, resolved resolves; assignment and the like are not alerts. */
function issue(b: Obj, ctx: ParseContext): Alert {
  const action = optText(b.action, "action", false)?.toLowerCase() ?? "";
  if (action !== "created" && action !== "unresolved" && action !== "resolved") {
    throw new ParseError("action", `issue ${quote(action)} is not an alert (only created, unresolved and resolved are)`);
  }
  const data = record(b.data, "data");
  const is = record(data.issue, "data.issue");
  const title = optText(is.title, "data.issue.title") ?? "Sentry issue";
  const labels: Record<string, string> = {};
  fill(labels, "project", optText(optRecord(is.project, "data.issue.project")?.slug, "data.issue.project.slug", false));
  const level = optText(is.level, "data.issue.level", false);
  fill(labels, "level", level);
  fill(labels, "issue_id", optText(is.id, "data.issue.id", false));
  return buildAlert(
    "sentry",
    {
      title,
      severity: action === "resolved" ? "info" : severityOf(level),
      status: action === "resolved" ? "resolved" : "firing",
      fingerprint: labels.issue_id ?? null,
      identity: ["project", "alertname"],
      labels,
      startsAt: time(is.firstSeen, "data.issue.firstSeen"),
      links: [...link("sentry", is.web_url), ...link("sentry", is.permalink)].slice(0, 1),
    },
    ctx,
    0,
  );
}

/** The legacy WebHooks plugin: the group's fields at the top level, the event beneath. */
function plugin(b: Obj, ctx: ParseContext): Alert {
  const ev = optRecord(b.event, "event") ?? {};
  const rules = optArray(b.triggering_rules, "triggering_rules");
  const rule = rules.length ? text(rules[0], "triggering_rules[0]", false) : undefined;
  const title = optText(b.message, "message") ?? optText(ev.title, "event.title") ?? optText(b.culprit, "culprit") ?? "Sentry issue";
  const labels = tagPairs(ev.tags, "event.tags");
  fill(labels, "project", optText(b.project_slug, "project_slug", false) ?? optText(b.project, "project", false));
  fill(labels, "environment", optText(ev.environment, "event.environment", false));
  const level = optText(b.level, "level", false);
  fill(labels, "level", level);
  const annotations: Record<string, string> = {};
  fill(annotations, "culprit", optText(b.culprit, "culprit"));
  return buildAlert(
    "sentry",
    {
      title,
      alertname: rule ?? title,
      severity: severityOf(level),
      status: "firing",
      fingerprint: optText(b.id, "id", false) ?? null,
      identity: ["project", "alertname"],
      labels,
      annotations,
      // Older plugin bodies carry only `received` (epoch seconds): when Sentry got the event.
      startsAt: time(ev.datetime, "event.datetime") ?? time(ev.timestamp, "event.timestamp") ?? time(ev.received, "event.received"),
      links: link("sentry", b.url),
    },
    ctx,
    0,
  );
}

/**
 * The plugin's body: the group's `culprit` and `level` at the top level, with its project named
 * (`project_slug`, `project_name`, `triggering_rules` in newer bodies; older ones only have
 * `project` beside the `event`).
 */
const isPlugin = (b: Obj) =>
  "culprit" in b && "level" in b && ("project_slug" in b || "project_name" in b || "triggering_rules" in b || ("project" in b && isRecord(b.event)));

/** The resource a body is about: the `Sentry-Hook-Resource` header, else what the body holds. */
function resourceOf(b: Obj, headers: Record<string, string>): string {
  const header = headers["sentry-hook-resource"]?.trim().toLowerCase();
  if (header) return header;
  const data = isRecord(b.data) ? b.data : {};
  if (isRecord(data.metric_alert)) return "metric_alert";
  if (isRecord(data.event)) return "event_alert";
  if (isRecord(data.issue)) return "issue";
  if (isPlugin(b)) return "plugin";
  return "unknown";
}

/**
 * Sentry: issue alerts (`event_alert`), metric alerts (`metric_alert`), the `issue` resource and the
 * legacy WebHooks plugin. The resource comes from the `Sentry-Hook-Resource` header, and from the
 * body's shape when a relay dropped the header.
 */
export const sentry: SourceAdapter = {
  source: "sentry",
  detect(body, headers) {
    if (!isRecord(body)) return false;
    if (headers["sentry-hook-resource"] && isRecord(body.data)) return true;
    const data = body.data;
    const envelope = typeof body.action === "string" && isRecord(data) && (isRecord(body.installation) || isRecord(body.actor));
    return (envelope && (isRecord(data.event) || isRecord(data.metric_alert) || isRecord(data.issue))) || isPlugin(body);
  },
  parse(body, ctx) {
    const b = record(body, "body");
    const resource = resourceOf(b, ctx.headers);
    switch (resource) {
      case "event_alert":
        return [eventAlert(b, ctx)];
      case "metric_alert":
        return [metricAlert(b, ctx)];
      case "issue":
        return [issue(b, ctx)];
      case "plugin":
        return [plugin(b, ctx)];
      default:
        throw new ParseError("sentry-hook-resource", `resource ${quote(resource)} is not an alert; Pipemedic reads event_alert, metric_alert and issue`);
    }
  },
};
