import { describe, expect, it } from "vitest";
import { accepted, ingest, rejected } from "./helpers.js";

const run = (eventType: string, data: Record<string, unknown>) => ({
  accountId: 51798,
  webhooksID: "wsu_2bZ0pk8TnQFx",
  eventId: `wev_${eventType.length}${String(data.runStatusCode)}Lm5BggBw9uPNuSmtg4MUiW4Re`,
  timestamp: "2026-03-14T01:52:20.419714619Z",
  eventType,
  webhookName: "pipemedic",
  data: {
    jobId: "70403",
    jobName: "Finance marts (dbt build)",
    runId: "311829",
    environmentId: "8811",
    environmentName: "Production",
    dbtVersion: "1.9.0",
    projectName: "finance",
    projectId: "1804",
    runStatusMessage: "None",
    runReason: "Triggered by schedule",
    runStartedAt: "2026-03-14T01:40:07Z",
    ...data,
  },
});

const errored = run("job.run.errored", { runStatus: "Errored", runStatusCode: 20, runErroredAt: "2026-03-14T01:52:20Z" });

describe("dbt-cloud", () => {
  it('reads job.run.errored: labels to find the pipeline, the literal "None" message dropped', () => {
    const [a] = accepted(ingest(errored), "dbt-cloud");
    expect(a).toMatchObject({
      title: 'dbt Cloud job "Finance marts (dbt build)" run 311829 errored',
      severity: "high",
      status: "firing",
      environment: "Production",
      service: "Finance marts (dbt build)",
      startsAt: "2026-03-14T01:40:07.000Z",
      fingerprintComputed: true,
    });
    expect(a!.labels).toMatchObject({ alertname: "DbtCloudJobRunFailed", account_id: "51798", job_id: "70403", project: "finance", run_id: "311829" });
    expect(a!.annotations.message).toBeUndefined();
    expect(a!.annotations.errored_at).toBe("2026-03-14T01:52:20.000Z");
  });

  it("gives the errored and the completed(Error) notification of one run the same id", () => {
    const [first] = accepted(ingest(errored));
    const [second] = accepted(
      ingest(
        run("job.run.completed", {
          runStatus: "Error",
          runStatusCode: 20,
          runFinishedAt: "2026-03-14T01:53:00Z",
          runStatusMessage: "Database Error in model fct_revenue",
        }),
      ),
    );
    expect(second!.id).toBe(first!.id);
    expect(second!.annotations.message).toBe("Database Error in model fct_revenue");
  });

  it("resolves on the job's next successful run, and reads a cancelled run as a low firing alert", () => {
    const [failed] = accepted(ingest(errored));
    const [ok] = accepted(
      ingest(
        run("job.run.completed", {
          runId: "311901",
          runStatus: "Success",
          runStatusCode: 10,
          runStartedAt: "2026-03-14T02:40:00Z",
          runFinishedAt: "2026-03-14T02:50:00Z",
        }),
      ),
    );
    expect(ok).toMatchObject({ status: "resolved", severity: "info", fingerprint: failed!.fingerprint, endsAt: "2026-03-14T02:50:00.000Z" });
    expect(accepted(ingest(run("job.run.completed", { runStatusCode: 30 })))[0]).toMatchObject({ status: "firing", severity: "low" });
  });

  it("rejects job.run.started as progress and an unknown status, naming the field", () => {
    expect(rejected(ingest(run("job.run.started", { runStatus: "Running", runStatusCode: 3 })))).toBe(
      "dbt-cloud: eventType: job.run.started reports progress, not an alert; subscribe Pipemedic to job.run.errored and job.run.completed",
    );
    expect(rejected(ingest(run("job.run.completed", { runStatus: "Running", runStatusCode: 3 })))).toBe(
      'dbt-cloud: data.runStatus: "Running" is not a finished run\'s status (Success, Error, Cancelled)',
    );
    expect(rejected(ingest(run("job.run.errored", { jobId: { id: 1 } })))).toBe("dbt-cloud: data.jobId: expected a string, got an object");
  });
});
