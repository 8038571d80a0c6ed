import type { Alert, AlertStatus, Severity } from "../../model/index.js";
import { knownSeverity } from "../severity.js";
import { buildAlert } from "./build.js";
import { at, isRecord, optText, record, tagLabels, text, type Obj } from "./fields.js";
import { link } from "./link.js";
import { time } from "./time.js";
import { ParseError, type ParseContext, type SourceAdapter } from "./types.js";

/**
 * Datadog has no fixed schema: the customer writes the payload template. Keys are matched
 * case-insensitively without punctuation, so `alert_transition`, `ALERT_TRANSITION` and
 * `alertTransition` all read $ALERT_TRANSITION. Every value may arrive as a string.
 */
const norm = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, "");

/** A value left as `$VARIABLE`: the template was posted, not a rendered notification. */
const UNRENDERED = /^\$[A-Z][A-Z0-9_]*(\[[^\]]*\])?$/;

/** `[Triggered on {host:a,env:b}] Name`, `[Recovered] Name`, `[P1] [Warn] Name`. */
const TITLE_PREFIX =
  /^\s*(?:\[(?:P[0-5])\]\s*)?\[(Triggered|Re-Triggered|Recovered|Warn|Re-Warn|No Data|Re-No Data|Renotify|Alert|Warning|OK)(?: on \{([^}]*)\})?\]\s*/i;

/** Reads Datadog's variables from a rendered payload, whatever the template named them. */
class Fields {
  private readonly byKey = new Map<string, [string, unknown]>();
  constructor(body: Obj) {
    for (const [k, v] of Object.entries(body)) this.byKey.set(norm(k), [at("", k), v]);
    const org = body.org;
    if (isRecord(org)) for (const [k, v] of Object.entries(org)) this.byKey.set(`org${norm(k)}`, [at("org", k), v]);
  }
  has(...names: string[]): boolean {
    return names.some((n) => this.byKey.has(n));
  }
  /** The first of the names that holds a non-empty, rendered value. */
  get(...names: string[]): string | undefined {
    for (const n of names) {
      const entry = this.byKey.get(n);
      if (!entry) continue;
      const [field, raw] = entry;
      if (Array.isArray(raw)) continue;
      const v = optText(raw, field);
      if (v !== undefined && !UNRENDERED.test(v)) return v;
    }
    return undefined;
  }
  /** Tags as a comma-separated string or a list, whichever the template produced. */
  tags(...names: string[]): string[] {
    for (const n of names) {
      const entry = this.byKey.get(n);
      if (!entry) continue;
      const [field, raw] = entry;
      const list = Array.isArray(raw) ? raw.map((t, i) => text(t, at(field, i))) : (optText(raw, field)?.split(",") ?? []);
      const tags = list.map((t) => t.trim()).filter((t) => t && !UNRENDERED.test(t));
      if (tags.length) return tags;
    }
    return [];
  }
  /** The name a value was read from, for a rejection. */
  field(name: string): string {
    return this.byKey.get(name)?.[0] ?? name;
  }
}

function statusOf(transition: string | undefined, alertType: string | undefined): AlertStatus {
  const t = transition?.toLowerCase();
  if (t) return t === "recovered" || t === "ok" ? "resolved" : "firing";
  return alertType?.toLowerCase() === "success" ? "resolved" : "firing";
}

/** $ALERT_PRIORITY when set, else $ALERT_TYPE, else the transition; never $PRIORITY (the event's normal/low). */
function severityOf(priority: string | undefined, alertType: string | undefined, transition: string | undefined, status: AlertStatus): Severity {
  if (status === "resolved") return "info";
  const fromPriority = knownSeverity(priority);
  if (fromPriority) return fromPriority;
  const fromType = knownSeverity(alertType);
  if (fromType) return fromType;
  const t = transition?.toLowerCase() ?? "";
  return t.includes("warn") || t.includes("no data") ? "medium" : "high";
}

/** Reads one rendered notification. */
function parse(body: unknown, ctx: ParseContext): Alert[] {
  const b = record(body, "body");
  const f = new Fields(b);
  const rawTitle = f.get("alerttitle", "eventtitle", "title");
  if (!rawTitle) {
    const field = ["alerttitle", "eventtitle", "title"].find((n) => f.has(n));
    if (field) throw new ParseError(f.field(field), "holds an unrendered template variable or nothing; this is Datadog's payload template, not a notification");
    throw new ParseError("title", "expected the alert title ($EVENT_TITLE or $ALERT_TITLE) in the payload template");
  }
  const prefix = TITLE_PREFIX.exec(rawTitle);
  const name = prefix ? rawTitle.slice(prefix[0].length).trim() : rawTitle;
  const transition = f.get("alerttransition") ?? prefix?.[1];
  const alertType = f.get("alerttype");
  const status = statusOf(transition, alertType);
  const scope = f.get("alertscope") ?? prefix?.[2]?.trim();
  const message = f.get("eventmsg", "body", "textonlymsg", "message");
  const linkUrl = f.get("link", "url");
  const monitorId = f.get("alertid", "monitorid") ?? /monitors[#/](\d+)/.exec(`${linkUrl ?? ""} ${message ?? ""}`)?.[1];

  const labels: Record<string, string> = { ...tagLabels(f.tags("tags", "eventtags", "alerttags")), ...tagLabels(scope ? scope.split(",") : []) };
  const set = (k: string, v: string | undefined) => {
    if (v !== undefined && v !== "") labels[k] = v;
  };
  set("alertname", f.get("alertname", "monitorname") ?? name);
  set("monitor_id", monitorId);
  set("scope", scope);
  set("event_type", f.get("eventtype"));
  set("metric", f.get("alertmetric"));
  set("host", labels.host ?? f.get("hostname"));
  set("org", f.get("orgname"));

  const annotations: Record<string, string> = {};
  const note = (k: string, v: string | undefined) => {
    if (v !== undefined && v !== "") annotations[k] = v;
  };
  note("description", message?.replace(/^\s*%%%\s*/, "").replace(/\s*%%%\s*$/, ""));
  note("query", f.get("alertquery"));
  note("status", f.get("alertstatus"));
  note("transition", transition);
  note("priority", f.get("alertpriority"));

  const date = f.get("date", "lastupdated");
  const at0 = time(date, f.field(f.has("date") ? "date" : "lastupdated"));
  return [
    buildAlert(
      "datadog",
      {
        title: name,
        severity: severityOf(f.get("alertpriority"), alertType, transition, status),
        status,
        fingerprint: f.get("alertcyclekey", "aggregkey") ?? null,
        identity: monitorId ? ["monitor_id", "scope"] : ["alertname", "scope"],
        labels,
        annotations,
        startsAt: status === "firing" ? at0 : null,
        endsAt: status === "resolved" ? at0 : null,
        links: [...link("datadog", linkUrl), ...link("snapshot", f.get("snapshot"))],
      },
      ctx,
      0,
    ),
  ];
}

/**
 * Datadog Webhooks integration, default template or a custom one. Dedup key: $ALERT_CYCLE_KEY, else
 * $AGGREG_KEY, else computed from the monitor id (from $ALERT_ID or the monitor link) and the scope.
 */
export const datadog: SourceAdapter = {
  source: "datadog",
  detect(body) {
    if (!isRecord(body) || "client_payload" in body || isRecord(body.event)) return false;
    const f = new Fields(body);
    if (f.has("alerttransition", "alertcyclekey", "aggregkey", "alertpriority", "alertscope")) return true;
    if (f.has("alertid") && f.has("alerttype", "alerttitle")) return true;
    const msg = body.body ?? body.eventmsg ?? body.event_msg;
    if (typeof msg === "string" && msg.trimStart().startsWith("%%%") && f.has("title", "eventtitle", "alerttitle")) return true;
    return f.has("eventtype") && f.has("title", "eventtitle") && f.has("date", "lastupdated") && typeof body.event_type === "string";
  },
  parse,
};
