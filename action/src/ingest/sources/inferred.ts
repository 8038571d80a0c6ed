import type { Alert, AlertStatus, Severity } from "../../model/index.js";
import { knownSeverity } from "../severity.js";
import { meaning as airflowMeaning } from "./airflow.js";
import { buildAlert, type AlertParts } from "./build.js";
import { at, fill, isRecord, MAX_ITEMS, optText, stringMap, tagLabels, type Obj } from "./fields.js";
import { link } from "./link.js";
import { time, type Timestamp } from "./time.js";
import { ParseError, type ParseContext } from "./types.js";

/**
 * Best-effort reading of a body no source recognizes and no `generic:` mapping matches: a team's own
 * JSON (an Airflow on_failure_callback, a cron script, a CI job's notification, a chat message). It
 * is read by its field names, compared case-insensitively without punctuation (`dag_id` = `dagId`),
 * in the entry itself first and then one level down in a holder object (`context`, `alert`, `build`,
 * …). Minimum evidence, so that a configuration file or a list of numbers is never mistaken for an
 * alert (docs/sources.md, "Your own JSON (inferred)"):
 *
 * - an orchestrator callback: a DAG (`dag_id`, `dag`) and a task, a run id, an exception or a
 *   failure or recovery state; or
 * - a title-like text (`title`, `summary`, `subject`, `message`, `text`, …) and at least one other
 *   sign of an alert: a known severity, a failure or recovery status, an exception, a time, or a
 *   second text field; `name` counts as a title only beside a severity, a status or an exception;
 *   a chat message (`text` or `message` with only Slack-style keys beside it) needs nothing more.
 *
 * A title that is an unrendered template (`{{alert_summary}}`, `$TITLE`, `${title}`) is no evidence,
 * and a state that reports progress (`running`, `queued`, `skipped`, …) is not an alert. Every
 * alert is `generic`, carries `inferred.fields` (the paths read), and is otherwise built like any
 * adapter's (buildAlert); no field that fails the text checks is used.
 */

/** Alerts inferred from a body, and what they were read from. */
export interface Inference {
  alerts: Alert[];
  /** The fields read, relative to each entry, in reading order, each once. */
  fields: string[];
  /** The list the entries came from (`alerts`, `data`, `$` for a body that is an array), or null for a body that is one alert. */
  list: string | null;
}

/** Keys compared without case and punctuation: `dag_id`, `dagId` and `DAG-ID` are one key. */
const norm = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, "");
const names = (...keys: string[]): readonly string[] => keys.map(norm);

/** Keys under which a body holds a list of alerts. */
const LIST_KEYS = names(
  "alerts",
  "events",
  "items",
  "data",
  "results",
  "records",
  "entries",
  "messages",
  "notifications",
  "incidents",
  "checks",
  "failures",
  "attachments",
);
/** Objects one level down whose fields count as the entry's (an Airflow `context`, a Jenkins `build`). */
const HOLDERS = names("context", "alert", "event", "build", "details", "data", "attributes", "object_attributes");

const DAG = names("dag_id", "dag", "dag_name");
const TASK = names("task_id", "task", "task_name");
const RUN = names("run_id", "dag_run_id");
const TRY = names("try_number");
const STATE = names("state", "status", "result", "conclusion", "trigger_status", "event_status");
const EXCEPTION = names("exception", "error", "error_message", "traceback");
/** Title-like fields, the most title-like first. */
const TITLES = names(
  "title",
  "summary",
  "subject",
  "alert_title",
  "alertname",
  "alert_name",
  "trigger_name",
  "event_name",
  "name",
  "message",
  "msg",
  "text",
  "description",
);
/** A name alone is as likely a configuration's or a record's as an alert's. */
const WEAK_TITLES = names("name");
/** An orchestrator callback's title when it gives one; otherwise `<dag>.<task> failed`. */
const ORCHESTRATOR_TITLES = names("title", "summary", "subject", "alert_title");
const ALERTNAMES = names("alertname", "alert_name", "rule", "rule_name", "check", "check_name", "trigger_name", "name");
const SEVERITY = names("severity", "priority", "level", "urgency", "sev", "alert_severity", "event_severity", "trigger_severity");
/** When the alert started, said explicitly. */
const START = names("starts_at", "started_at", "start_time", "start_date", "fired_at", "triggered_at", "activated_at");
/** When the notification happened: the start of a firing alert, the end of a resolved one. */
const MOMENT = names("timestamp", "time", "date", "datetime", "event_time", "occurred_at", "created_at", "ts");
const LOGICAL = names("logical_date", "execution_date");
/** Airflow's context `ts` is the logical date, not the time of the failure: a callback's `ts` is read as one. */
const ORCHESTRATOR_MOMENT = MOMENT.filter((k) => k !== "ts");
const ORCHESTRATOR_LOGICAL = [...LOGICAL, "ts"];
const END = names("ends_at", "ended_at", "end_time", "end_date", "resolved_at", "finished_at", "recovered_at");
const TAGS = names("labels", "tags");
const URL = names("url", "link", "href", "web_url", "html_url", "full_url", "alert_url", "run_url", "build_url", "dashboard_url");
const LOG_URL = names("log_url", "logs_url");
const FINGERPRINT = names("fingerprint", "dedup_key", "incident_key", "alert_key", "idempotency_key", "aggregation_key");
/** Texts kept as annotations (under these names) when they are not the title. */
const TEXTS = ["description", "message", "msg", "text", "summary", "details", "output"] as const;
/** Labels read from plain fields, so subjects and services resolve (subjects/vocabulary.ts). */
const LABELS: ReadonlyArray<[string, readonly string[]]> = [
  ["host", names("host", "host_name", "server")],
  ["hostname", names("hostname")],
  ["instance", names("instance")],
  ["service", names("service", "service_name", "app")],
  ["env", names("env", "environment")],
  ["pipeline", names("pipeline")],
  ["job", names("job", "job_name")],
  ["project", names("project")],
  ["cluster", names("cluster")],
  ["namespace", names("namespace")],
  ["pool", names("pool")],
  ["operator", names("operator", "operator_name")],
];
/** The keys a chat webhook message may carry beside its text (Slack, Mattermost, Rocket.Chat). */
const CHAT_KEYS = new Set(
  names(
    "text",
    "message",
    "msg",
    "channel",
    "username",
    "icon_emoji",
    "icon_url",
    "attachments",
    "blocks",
    "mrkdwn",
    "link_names",
    "unfurl_links",
    "unfurl_media",
    "parse",
    "thread_ts",
    "as_user",
  ),
);
const CHAT_TITLES = new Set(names("text", "message", "msg"));
/** Texts that, beside a title, make an alert (a title and a message); a description is not one: schemas and manifests carry both. */
const SECOND_TEXTS = names("title", "summary", "subject", "alert_title", "message", "msg", "text", "details");

/** Status words, compared lower-case without spaces, `-` and `_`. */
const FIRING = new Set(
  [
    "failed",
    "failure",
    "fail",
    "failing",
    "error",
    "errored",
    "firing",
    "fired",
    "alerting",
    "alert",
    "alarm",
    "triggered",
    "problem",
    "critical",
    "down",
    "unstable",
    "open",
    "active",
    "breached",
    "timeout",
    "timedout",
    "upforretry",
    "upstreamfailed",
    "slamiss",
    "crashed",
    "killed",
    "unhealthy",
    "degraded",
    "warning",
    "warn",
  ].map(norm),
);
const RESOLVED = new Set(
  [
    "resolved",
    "ok",
    "success",
    "succeeded",
    "successful",
    "recovered",
    "closed",
    "normal",
    "inactive",
    "passed",
    "pass",
    "fixed",
    "healthy",
    "up",
    "backtonormal",
    "cleared",
  ].map(norm),
);
/**
 * Status words that are no evidence on their own: records of every kind are `active`, `open`,
 * `closed` or `ok` (an API's `{"status": "ok", "message": …}`). They still set the status of a body
 * that is an alert by other signs.
 */
const AMBIGUOUS = new Set(
  [
    "ok",
    "success",
    "succeeded",
    "successful",
    "closed",
    "normal",
    "inactive",
    "passed",
    "pass",
    "healthy",
    "up",
    "open",
    "active",
    "down",
    "warning",
    "warn",
  ].map(norm),
);
const PROGRESS = new Set(
  [
    "running",
    "queued",
    "scheduled",
    "started",
    "starting",
    "inprogress",
    "pending",
    "created",
    "deferred",
    "skipped",
    "manual",
    "waiting",
    "upforreschedule",
    "restarting",
    "removed",
    "preparing",
    "none",
    "notbuilt",
  ].map(norm),
);
/** Orchestrator states the Airflow adapter names (airflow.ts `meaning`), by their compact spelling. */
const AIRFLOW_STATES: Readonly<Record<string, string>> = {
  failed: "failed",
  failure: "failed",
  upstreamfailed: "upstream_failed",
  upforretry: "up_for_retry",
  slamiss: "sla_miss",
  success: "success",
};

/** A value left as a template placeholder: the sender posted its template, not a notification. */
const UNRENDERED = /\{\{[^}]*\}\}|\$\{[^}]*\}|^\$[A-Z][A-Z0-9_]*$/;
const LETTER = /\p{L}/u;

type StateKind = "firing" | "resolved" | "progress" | "unknown";

function stateKind(word: string): StateKind {
  const w = norm(word);
  if (FIRING.has(w)) return "firing";
  if (RESOLVED.has(w)) return "resolved";
  return PROGRESS.has(w) ? "progress" : "unknown";
}

/** Text that passes the checks every adapter applies, or undefined (a broken or odd value is no evidence). */
function textOf(value: unknown, field: string, multiline = true): string | undefined {
  if (typeof value !== "string" && typeof value !== "number") return undefined;
  try {
    return optText(value, field, multiline);
  } catch (err) {
    if (err instanceof ParseError) return undefined;
    throw err;
  }
}

const idOf = (value: unknown, field: string) => textOf(value, field, false);
const stringOf = (value: unknown, field: string) => (typeof value === "string" ? textOf(value, field) : undefined);

/** A DAG's or a task's id: one line, not a template placeholder. */
function idNameOf(value: unknown, field: string): string | undefined {
  const id = idOf(value, field);
  return id !== undefined && !UNRENDERED.test(id) ? id : undefined;
}

/** A title: a string with a letter in it, not a template placeholder. */
function titleOf(value: unknown, field: string): string | undefined {
  const t = typeof value === "string" ? textOf(value, field) : undefined;
  return t !== undefined && LETTER.test(t) && !UNRENDERED.test(t) ? t : undefined;
}

function severityOf(value: unknown): Severity | undefined {
  return typeof value === "string" || typeof value === "number" ? (knownSeverity(value) ?? undefined) : undefined;
}

/** A URL a link can be made of (absolute http or https); a relative one is skipped, so a later field may give one. */
function urlOf(value: unknown, field: string): string | undefined {
  const url = stringOf(value, field);
  return url !== undefined && link("", url).length ? url : undefined;
}

function timeOf(value: unknown, field: string): Timestamp | undefined {
  try {
    return time(value, field) ?? undefined;
  } catch (err) {
    if (err instanceof ParseError) return undefined;
    throw err;
  }
}

/** Labels from a `labels`/`tags` object, or a list of `key:value` tags; undefined when neither. */
function labelsOf(value: unknown, field: string): Record<string, string> | undefined {
  try {
    if (isRecord(value)) return stringMap(value, field);
    if (Array.isArray(value) && value.length <= MAX_ITEMS) {
      const tags = tagLabels(value.filter((t): t is string => typeof t === "string"));
      return Object.keys(tags).length ? tags : undefined;
    }
  } catch (err) {
    if (err instanceof ParseError) return undefined;
    throw err;
  }
  return undefined;
}

/** A field found in an entry: its path relative to the entry, its key as normalized, and its value as read. */
interface Found<T> {
  field: string;
  key: string;
  value: T;
  /** True for the entry's own field, false for a holder's. */
  top: boolean;
}

/** One object of the body, with its holders, read by normalized key. Records the fields it was asked to use. */
class Entry {
  private readonly scopes: Array<{ path: string; keys: Map<string, [string, unknown]> }> = [];
  readonly used: string[] = [];

  constructor(readonly obj: Obj) {
    this.scopes.push({ path: "", keys: keyed(obj) });
    const own = this.scopes[0]!.keys;
    for (const h of HOLDERS) {
      const entry = own.get(h);
      if (entry && isRecord(entry[1])) this.scopes.push({ path: at("", entry[0]), keys: keyed(entry[1]) });
    }
  }

  /** The first of the keys (the entry's own fields before its holders') whose value the reader accepts. */
  find<T>(keys: readonly string[], read: (value: unknown, field: string) => T | undefined): Found<T> | undefined {
    for (const [n, scope] of this.scopes.entries()) {
      for (const key of keys) {
        const entry = scope.keys.get(key);
        if (!entry) continue;
        const field = at(scope.path, entry[0]);
        const value = read(entry[1], field);
        if (value !== undefined) return { field, key, value, top: n === 0 };
      }
    }
    return undefined;
  }

  /** Like `find`, and records the field as used. */
  use<T>(keys: readonly string[], read: (value: unknown, field: string) => T | undefined): T | undefined {
    const found = this.find(keys, read);
    return found && this.mark(found).value;
  }

  mark<T>(found: Found<T>): Found<T> {
    if (!this.used.includes(found.field)) this.used.push(found.field);
    return found;
  }

  /** True when every top-level key is one a chat message carries. */
  chatOnly(): boolean {
    return Object.keys(this.obj).every((k) => CHAT_KEYS.has(norm(k)));
  }
}

/** An object's own fields by normalized key, the first spelling winning. */
function keyed(obj: Obj): Map<string, [string, unknown]> {
  const out = new Map<string, [string, unknown]>();
  for (const [k, v] of Object.entries(obj)) {
    const n = norm(k);
    if (n && !out.has(n)) out.set(n, [k, v]);
  }
  return out;
}

/** How one entry reads: an alert's parts, a callback that reports progress, or nothing like an alert. */
type Reading = { kind: "alert"; parts: AlertParts; fields: string[] } | { kind: "progress" } | { kind: "none" };

/** Labels every inferred alert gets: the sender's labels or tags, then plain fields the vocabulary knows. */
function commonLabels(e: Entry): Record<string, string> {
  const labels = { ...(e.use(TAGS, labelsOf) ?? {}) };
  for (const [label, keys] of LABELS) if (labels[label] === undefined) fill(labels, label, e.use(keys, idOf));
  return labels;
}

/** Texts that are not the title, as annotations; the title's own text too when one line cannot hold it. */
function textAnnotations(e: Entry, title: Found<string> | undefined): Record<string, string> {
  const annotations: Record<string, string> = {};
  for (const name of TEXTS) {
    const found = e.find([norm(name)], stringOf);
    if (!found) continue;
    if (title && found.field === title.field && !/\n/.test(found.value) && found.value.length <= 200) continue;
    fill(annotations, name, e.mark(found).value);
  }
  return annotations;
}

/**
 * Start and end: an explicit start, else the notification's moment for a firing alert (a resolved
 * one ends then), else, for an orchestrator, the run's logical date as the Airflow adapter reads it.
 */
function timesOf(e: Entry, status: AlertStatus, orchestrator: boolean): { startsAt: Timestamp | null; endsAt: Timestamp | null } {
  const end = e.use(END, timeOf) ?? null;
  const start = e.use(START, timeOf);
  if (start) return { startsAt: start, endsAt: end };
  if (!orchestrator) {
    if (status === "resolved") return { startsAt: null, endsAt: end ?? e.use(MOMENT, timeOf) ?? null };
    return { startsAt: e.use(MOMENT, timeOf) ?? null, endsAt: end };
  }
  const moment = e.use(ORCHESTRATOR_MOMENT, timeOf) ?? e.use(ORCHESTRATOR_LOGICAL, timeOf);
  return { startsAt: moment ?? null, endsAt: end };
}

/** An orchestrator callback (Airflow's, or one shaped like it) as the Airflow adapter would name it, but as a `generic` alert. */
function orchestratorParts(e: Entry, dag: Found<string>, task: Found<string> | undefined, state: Found<string> | undefined): AlertParts {
  e.mark(dag);
  if (task) e.mark(task);
  if (state) e.mark(state);
  const word = state ? norm(state.value) : "";
  const kind = state ? stateKind(state.value) : "unknown";
  const m = airflowMeaning(AIRFLOW_STATES[word] ?? (kind === "resolved" ? "success" : "failed"), task !== undefined)!;
  const labels = commonLabels(e);
  fill(labels, "dag_id", dag.value);
  fill(labels, "task_id", task?.value);
  fill(labels, "run_id", e.use(RUN, idOf));
  fill(labels, "try_number", e.use(TRY, idOf));
  fill(labels, "state", state?.value.toLowerCase());
  const given = e.find(ORCHESTRATOR_TITLES, titleOf);
  const subject = task ? `${dag.value}.${task.value}` : dag.value;
  const annotations = textAnnotations(e, given && e.mark(given));
  fill(annotations, "exception", e.use(EXCEPTION, stringOf));
  const logical = e.find(ORCHESTRATOR_LOGICAL, timeOf);
  if (logical) fill(annotations, "logical_date", e.mark(logical).value);
  const alertname = e.use(names("alertname", "alert_name"), idOf) ?? m.alertname;
  return {
    title: given?.value ?? `${subject} ${m.verb}`,
    alertname,
    severity: e.use(SEVERITY, severityOf) ?? m.severity,
    status: m.status,
    identity: ["dag_id", "task_id"],
    labels: { ...labels, alertname },
    annotations,
    ...timesOf(e, m.status, true),
    links: [...link("log", e.use(LOG_URL, urlOf)), ...link("source", e.use(URL, urlOf))],
  };
}

/** Any other alert-like object: a title and what can be read beside it. */
function plainParts(e: Entry, title: Found<string>, state: Found<string> | undefined, severity: Found<Severity> | undefined): AlertParts {
  e.mark(title);
  if (state) e.mark(state);
  if (severity) e.mark(severity);
  const status: AlertStatus = state && stateKind(state.value) === "resolved" ? "resolved" : "firing";
  const labels = commonLabels(e);
  const annotations = textAnnotations(e, title);
  fill(annotations, "exception", e.use(EXCEPTION, stringOf));
  const alertname = e.use(ALERTNAMES, idOf);
  // A name is the job's or the check's, not a sentence: the title says what the status says about it.
  const named = WEAK_TITLES.includes(title.key) && state ? `${title.value}: ${state.value}` : title.value;
  return {
    title: named,
    ...(alertname ? { alertname } : {}),
    severity: severity?.value ?? (state ? knownSeverity(state.value) : null) ?? "medium",
    status,
    fingerprint: e.use(FINGERPRINT, idOf) ?? null,
    labels,
    annotations,
    ...timesOf(e, status, false),
    links: [...link("source", e.use(URL, urlOf)), ...link("log", e.use(LOG_URL, urlOf))],
  };
}

/** Reads one object: an alert when it meets the minimum evidence (see the module comment). */
function readEntry(obj: Obj): Reading {
  const e = new Entry(obj);
  const dag = e.find(DAG, idNameOf);
  const task = e.find(TASK, idNameOf);
  const state = e.find(STATE, idOf);
  const kind = state ? stateKind(state.value) : "unknown";
  const exception = e.find(EXCEPTION, stringOf);
  const known = kind === "firing" || kind === "resolved";
  const signal = known && !AMBIGUOUS.has(norm(state!.value));
  if (dag && (task || e.find(RUN, idOf) || exception || known || kind === "progress")) {
    if (kind === "progress") return { kind: "progress" };
    return { kind: "alert", parts: orchestratorParts(e, dag, task, state), fields: e.used };
  }
  const title = e.find(TITLES, titleOf);
  if (!title) return { kind: "none" };
  const severity = e.find(SEVERITY, severityOf);
  const weak = WEAK_TITLES.includes(title.key);
  const strongSign = Boolean(severity || signal || exception);
  const otherText = SECOND_TEXTS.some((k) => k !== title.key && e.find([k], titleOf));
  const chat = CHAT_TITLES.has(title.key) && title.top && e.chatOnly();
  const enough = strongSign || (!weak && (chat || otherText || e.find([...START, ...MOMENT], timeOf) !== undefined));
  if (!enough) return { kind: "none" };
  if (kind === "progress") return { kind: "progress" };
  return { kind: "alert", parts: plainParts(e, title, state, severity), fields: e.used };
}

/** The field paths of an entry's alert, from the body's root. */
function fromRoot(list: string | null, index: number, fields: string[]): string[] {
  if (list === null) return fields;
  const entry = list === "$" ? `[${index}]` : at(list, index);
  return fields.map((f) => (f.startsWith("[") ? `${entry}${f}` : `${entry}.${f}`));
}

/** Reads a list's entries: alerts when every entry is an object that reads as an alert or as progress, and one is an alert. */
function readList(entries: unknown[], list: string | null, ctx: ParseContext): Inference | null {
  if (!entries.length || entries.length > MAX_ITEMS || !entries.every(isRecord)) return null;
  const alerts: Alert[] = [];
  const fields: string[] = [];
  for (const [i, entry] of entries.entries()) {
    const reading = readEntry(entry);
    if (reading.kind === "none") return null;
    if (reading.kind === "progress") continue;
    try {
      alerts.push(buildAlert("generic", { ...reading.parts, inferred: { fields: fromRoot(list, i, reading.fields) } }, ctx, i));
    } catch (err) {
      // A field that passed the checks on its own but not in the built alert: the entry cannot be read by inference.
      if (err instanceof ParseError) return null;
      throw err;
    }
    for (const f of reading.fields) if (!fields.includes(f)) fields.push(f);
  }
  return alerts.length ? { alerts, fields, list } : null;
}

/**
 * Alerts inferred from a body no source recognizes, or null when it does not look like one or more
 * alerts. A list of alerts (a body that is an array, or an array under `alerts`, `events`, `items`,
 * `data`, …) is tried before the body as one alert. Pure; throws nothing but a bug.
 */
export function inferAlerts(body: unknown, ctx: ParseContext): Inference | null {
  if (Array.isArray(body)) return readList(body, "$", ctx);
  if (!isRecord(body)) return null;
  for (const [key, value] of keyed(body)) {
    if (!LIST_KEYS.includes(key) || !Array.isArray(value[1])) continue;
    const found = readList(value[1], at("", value[0]), ctx);
    if (found) return found;
  }
  return readList([body], null, ctx);
}
