import type { AlertStatus, Severity } from "../../model/index.js";
import { buildAlert } from "./build.js";
import { fill, isRecord, optText, quote, record, stringMap } from "./fields.js";
import { link } from "./link.js";
import { time, type Timestamp } from "./time.js";
import { ParseError, type SourceAdapter } from "./types.js";

/** The callback's `event` (docs/sources.md) as the task or run state it reports. */
const EVENT_STATE: Readonly<Record<string, string>> = {
  task_failure: "failed",
  task_retry: "up_for_retry",
  task_success: "success",
  dag_failure: "failed",
  dag_success: "success",
  sla_miss: "sla_miss",
};

export interface Meaning {
  status: AlertStatus;
  severity: Severity;
  /** The alert rule name runbooks match (`Airflow*Task*Fail*`); a recovery keeps its failure's name. */
  alertname: string;
  verb: string;
}

/** What a state means for a task (with `task_id`) or a DAG run; null for states that are neither a failure nor a recovery. */
export function meaning(state: string, task: boolean): Meaning | null {
  const failed = task ? "AirflowTaskFailed" : "AirflowDagRunFailed";
  switch (state) {
    case "failed":
      return { status: "firing", severity: "high", alertname: failed, verb: task ? "failed" : "run failed" };
    case "upstream_failed":
      return { status: "firing", severity: "medium", alertname: "AirflowTaskUpstreamFailed", verb: "did not run: upstream failed" };
    case "up_for_retry":
      return { status: "firing", severity: "low", alertname: "AirflowTaskUpForRetry", verb: "failed and will be retried" };
    case "sla_miss":
      return { status: "firing", severity: "medium", alertname: "AirflowSlaMiss", verb: "missed its SLA" };
    case "success":
      return { status: "resolved", severity: "info", alertname: failed, verb: task ? "succeeded" : "run succeeded" };
    default:
      return null;
  }
}

/**
 * When an SLA was missed: `sla_missed_at` (the documented callback), else `timestamp` (Airflow's
 * SlaMiss record), else the callback's own `time`. Never the logical date: that is the start of the
 * run's data interval, an hour or a day before the miss; it stays an annotation. Without any of
 * them the alert has no start and correlation places it at the time it was received.
 */
function slaMissTime(b: Record<string, unknown>): Timestamp | null {
  return time(b.sla_missed_at, "sla_missed_at") ?? time(b.timestamp, "timestamp") ?? time(b.time, "time");
}

/**
 * Airflow has no wire format of its own. Two shapes are read: the JSON the on_failure_callback in
 * docs/sources.md posts (`event`, `dag_id`, `task_id`, …, `labels`), and Airflow's REST task-instance
 * or DAG-run object (v1 and v2 field names) as a callback or a relay may post it. The fingerprint is
 * computed from `dag_id` and `task_id`, so a later success resolves the failure.
 */
export const airflow: SourceAdapter = {
  source: "airflow",
  detect(body) {
    if (!isRecord(body) || typeof body.dag_id !== "string") return false;
    return ("task_id" in body || "dag_run_id" in body || "run_id" in body) && ("state" in body || "event" in body);
  },
  parse(body, ctx) {
    const b = record(body, "body");
    const dag = optText(b.dag_id, "dag_id", false);
    if (!dag) throw new ParseError("dag_id", "expected the DAG id");
    const task = optText(b.task_id, "task_id", false);
    const event = optText(b.event, "event", false)?.toLowerCase();
    if (event !== undefined && !Object.hasOwn(EVENT_STATE, event)) {
      throw new ParseError("event", `unknown event ${quote(event)}; expected one of ${Object.keys(EVENT_STATE).join(", ")}`);
    }
    const state = (event ? EVENT_STATE[event] : optText(b.state, "state", false)?.toLowerCase()) ?? "";
    const m = meaning(state, task !== undefined);
    if (!m) {
      throw new ParseError(
        event ? "event" : "state",
        `${quote(state || "nothing")} is neither a failure nor a recovery, so it is not an alert (failed, upstream_failed, up_for_retry, sla_miss and success are)`,
      );
    }
    const labels = stringMap(b.labels, "labels");
    fill(labels, "dag_id", dag);
    fill(labels, "task_id", task);
    fill(labels, "run_id", optText(b.dag_run_id ?? b.run_id, b.dag_run_id !== undefined ? "dag_run_id" : "run_id", false));
    fill(labels, "try_number", optText(b.try_number, "try_number", false));
    fill(labels, "pool", optText(b.pool, "pool", false));
    fill(labels, "hostname", optText(b.hostname, "hostname", false));
    fill(labels, "operator", optText(b.operator_name ?? b.operator, b.operator_name !== undefined ? "operator_name" : "operator", false));
    fill(labels, "state", state);
    const mapIndex = typeof b.map_index === "number" && b.map_index >= 0 ? String(b.map_index) : undefined;
    fill(labels, "map_index", mapIndex);
    const alertname = optText(b.alertname, "alertname", false) ?? m.alertname;
    const annotations: Record<string, string> = {};
    fill(annotations, "exception", optText(b.exception, "exception"));
    fill(annotations, "logical_date", time(b.logical_date ?? b.execution_date, b.logical_date !== undefined ? "logical_date" : "execution_date") ?? undefined);
    // An SLA miss says how late it is: the run was due `sla` after it started.
    if (state === "sla_miss") fill(annotations, "sla", optText(b.sla, "sla", false));
    const subject = task ? `${dag}.${task}${mapIndex ? `[${mapIndex}]` : ""}` : dag;
    return [
      buildAlert(
        "airflow",
        {
          title: `${subject} ${m.verb}`,
          alertname,
          severity: m.severity,
          status: m.status,
          identity: ["dag_id", "task_id"],
          labels: { ...labels, alertname },
          annotations,
          startsAt: state === "sla_miss" ? slaMissTime(b) : (time(b.start_date, "start_date") ?? time(b.logical_date ?? b.execution_date, "logical_date")),
          endsAt: time(b.end_date, "end_date"),
          links: link("log", b.log_url),
        },
        ctx,
        0,
      ),
    ];
  },
};
