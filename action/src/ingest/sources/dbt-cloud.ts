import type { AlertStatus, Severity } from "../../model/index.js";
import { buildAlert } from "./build.js";
import { fill, isRecord, optText, quote, record } from "./fields.js";
import { time } from "./time.js";
import { ParseError, type SourceAdapter } from "./types.js";

interface Outcome {
  status: AlertStatus;
  severity: Severity;
  verb: string;
}

/** A finished run's outcome from `runStatus`, or `runStatusCode` (10 Success, 20 Error, 30 Cancelled). */
function outcome(runStatus: string | undefined, code: string | undefined): Outcome | null {
  const s = runStatus?.toLowerCase();
  if (s === "success" || code === "10") return { status: "resolved", severity: "info", verb: "succeeded" };
  if (s === "errored" || s === "error" || code === "20") return { status: "firing", severity: "high", verb: "errored" };
  if (s === "cancelled" || s === "canceled" || code === "30") return { status: "firing", severity: "low", verb: "was cancelled" };
  return null;
}

/**
 * dbt Cloud job webhooks: `job.run.errored` fires, `job.run.completed` fires or resolves by the
 * run's status, `job.run.started` is progress and not an alert. A failed run sends both errored and
 * completed: they share the run's start and so the same alert id. The fingerprint is computed from
 * the account and job ids, so the next successful run resolves the failure.
 */
export const dbtCloud: SourceAdapter = {
  source: "dbt-cloud",
  detect(body) {
    return isRecord(body) && typeof body.eventType === "string" && body.eventType.startsWith("job.run.") && isRecord(body.data);
  },
  parse(body, ctx) {
    const b = record(body, "body");
    const eventType = optText(b.eventType, "eventType", false) ?? "";
    if (eventType === "job.run.started")
      throw new ParseError("eventType", "job.run.started reports progress, not an alert; subscribe Pipemedic to job.run.errored and job.run.completed");
    if (eventType !== "job.run.errored" && eventType !== "job.run.completed") {
      throw new ParseError("eventType", `unknown event ${quote(eventType)}; expected job.run.errored or job.run.completed`);
    }
    const d = record(b.data, "data");
    const runStatus = optText(d.runStatus, "data.runStatus", false);
    const code = optText(d.runStatusCode, "data.runStatusCode", false);
    const o = eventType === "job.run.errored" ? { status: "firing" as const, severity: "high" as const, verb: "errored" } : outcome(runStatus, code);
    if (!o) throw new ParseError("data.runStatus", `${quote(runStatus ?? code ?? "nothing")} is not a finished run's status (Success, Error, Cancelled)`);
    const jobName = optText(d.jobName, "data.jobName");
    const jobId = optText(d.jobId, "data.jobId", false);
    if (!jobName && !jobId) throw new ParseError("data.jobId", "expected the job's id or name");
    const runId = optText(d.runId, "data.runId", false);
    const labels: Record<string, string> = { alertname: "DbtCloudJobRunFailed" };
    fill(labels, "account_id", optText(b.accountId, "accountId", false));
    fill(labels, "job_id", jobId);
    fill(labels, "job", jobName);
    fill(labels, "run_id", runId);
    fill(labels, "project", optText(d.projectName, "data.projectName", false));
    fill(labels, "project_id", optText(d.projectId, "data.projectId", false));
    fill(labels, "environment", optText(d.environmentName, "data.environmentName", false));
    fill(labels, "environment_id", optText(d.environmentId, "data.environmentId", false));
    fill(labels, "dbt_version", optText(d.dbtVersion, "data.dbtVersion", false));
    fill(labels, "run_status", runStatus);
    const annotations: Record<string, string> = {};
    const message = optText(d.runStatusMessage, "data.runStatusMessage");
    // dbt Cloud writes Python's None as the string "None" when there is no message.
    if (message && message !== "None") annotations.message = message;
    fill(annotations, "run_reason", optText(d.runReason, "data.runReason"));
    fill(annotations, "errored_at", time(d.runErroredAt, "data.runErroredAt") ?? undefined);
    return [
      buildAlert(
        "dbt-cloud",
        {
          title: `dbt Cloud job "${jobName ?? jobId}"${runId ? ` run ${runId}` : ""} ${o.verb}`,
          severity: o.severity,
          status: o.status,
          identity: ["account_id", "job_id"],
          labels,
          annotations,
          startsAt: time(d.runStartedAt, "data.runStartedAt"),
          endsAt: o.status === "resolved" ? time(d.runFinishedAt, "data.runFinishedAt") : null,
        },
        ctx,
        0,
      ),
    ];
  },
};
