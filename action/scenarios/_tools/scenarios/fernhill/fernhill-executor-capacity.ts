/**
 * Fernhill, airflow-claims, Tuesday 2026-12-15. The sibling of fernhill-pool-starvation: the same
 * SLA-miss callback on `claims__edi837_ingest_hourly`, a different cause.
 *
 * At 12:30 the monthly patch instance refresh of the claims workers' auto-scaling group starts
 * (MinHealthyPercentage 50): `fh-afc-wkr-01` and `fh-afc-wkr-02` are drained and terminated at
 * 12:31, and their replacements never launch: `InsufficientInstanceCapacity` for i4i.4xlarge in
 * us-east-2a and 2b, retried every ten minutes. Two workers (32 Celery slots) are left.
 *
 * December is attachment season: `claims__attachments_ocr_hourly` sends 40 OCR tasks of ~25 min at
 * :55 every hour. With half the workers, 32 run and the rest wait in the Celery queue; the 837
 * downloads sent at :03 wait behind them for ~17 minutes (task state `queued`, not `scheduled`).
 * `airflow_executor_running_tasks` is capped at 32 where it reached 46 before, and
 * `airflow_executor_queued_tasks` goes to 9–16 every hour while `default_pool` keeps 20+ open slots;
 * the pool `edi_sftp` shows its six slots taken by queued tasks, with no starving task. The 12:02
 * and 13:02 runs both miss their 30-minute SLA (13:32, 14:32): two callbacks of one incident.
 *
 * Distractors: pool `edi_sftp` at 0 open slots (queued, not starving); the instance refresh is a
 * routine, successful AMI change (the AMI works on wkr-03/04, replaced last month); an AWS health
 * notice about EC2 capacity is not an outage.
 */
import { HOUR, Logs, MIN, Rand, SEC, at, axis, gauge, iso, times, type Telemetry } from "../../lib.js";
import {
  CLAIMS_WORKERS,
  backgroundChanges,
  backgroundLogs,
  claimsFqdn,
  claimsHostSeries,
  componentLog,
  dagRun,
  dagrunDurationSeries,
  gap,
  healthyAirflow,
  hostLog,
  pool,
  probeSeries,
  pyLine,
  runIdOf,
  taskInstance,
} from "../../fernhill/lib.js";

export const id = "fernhill-executor-capacity";

export function build(): Telemetry {
  const rand = new Rand(261215);
  const now = at("2026-12-15T14:41:00Z");
  const ax = axis(now - 4 * HOUR, now);
  const lost = at("2026-12-15T12:31:20Z");
  const inst = "airflow-claims" as const;
  const m = (t: number) => (t % HOUR) / MIN;
  const capacity = (t: number) => (t < lost ? 64 : 32);

  // Minute-by-minute Celery simulation: OCR batches at :55 (40 × 25 min), 837 downloads at :03 (6 × 4 min), a little other work.
  type Job = { kind: "ocr" | "dl" | "other"; sent: number; dur: number; start?: number };
  const jobs: Job[] = [];
  for (let h = ax.start - (ax.start % HOUR) - HOUR; h < now; h += HOUR) {
    for (let k = 0; k < 40; k++) jobs.push({ kind: "ocr", sent: h + 55 * MIN + k * 2 * SEC, dur: (23 + (k % 5)) * MIN });
    for (let k = 0; k < 6; k++) jobs.push({ kind: "dl", sent: h + HOUR + 3 * MIN + k * 3 * SEC, dur: (3 + (k % 3)) * MIN });
    for (let k = 0; k < 6; k++) jobs.push({ kind: "other", sent: h + k * 10 * MIN + 30 * SEC, dur: 2 * MIN });
  }
  // Only what is sent inside the window: the hour before it was quiet (the 09:55 batch had finished).
  jobs.splice(0, jobs.length, ...jobs.filter((j) => j.sent >= ax.start));
  jobs.sort((a, b) => a.sent - b.sent);
  const stepAx = times(ax);
  const running: number[] = [];
  const queued: number[] = [];
  const queuedDl: number[] = [];
  const runningDl: number[] = [];
  for (const t of stepAx) {
    // start queued jobs FIFO while capacity allows
    let busy = jobs.filter((j) => j.start !== undefined && j.start <= t && j.start + j.dur > t).length;
    for (const j of jobs) {
      if (j.start !== undefined || j.sent > t) continue;
      if (busy >= capacity(t)) break;
      j.start = Math.max(j.sent, t);
      busy++;
    }
    const run = jobs.filter((j) => j.start !== undefined && j.start <= t && j.start + j.dur > t);
    const wait = jobs.filter((j) => j.sent <= t && (j.start === undefined || j.start > t));
    running.push(run.length);
    queued.push(wait.length);
    runningDl.push(run.filter((j) => j.kind === "dl").length);
    queuedDl.push(wait.filter((j) => j.kind === "dl").length);
  }
  const idx = (t: number) => Math.min(stepAx.length - 1, Math.max(0, Math.round((t - ax.start) / MIN)));

  const claims = healthyAirflow(
    ax,
    rand,
    inst,
    {
      edi_sftp: {
        name: "edi_sftp",
        slots: 6,
        running: (t) => runningDl[idx(t)]!,
        queued: (t) => Math.min(6 - runningDl[idx(t)]!, queuedDl[idx(t)]!),
        starving: () => 0,
      },
      default_pool: {
        name: "default_pool",
        slots: 64,
        running: (t) => running[idx(t)]! - runningDl[idx(t)]!,
        queued: (t) => queued[idx(t)]! - queuedDl[idx(t)]!,
      },
    },
    { slots: 64, running: (t) => running[idx(t)]!, queued: (t) => queued[idx(t)]! },
  );
  // executorSeries computes open = slots - running; Celery counts queued-in-broker tasks as occupying the executor.
  const fixed = claims.map((s) =>
    s.labels.__name__ === "airflow_executor_open_slots" ? gauge(s.labels, ax, (t) => Math.max(0, 64 - running[idx(t)]! - queued[idx(t)]!), 0) : s,
  );
  const gone = (h: string) => h === "fh-afc-wkr-01" || h === "fh-afc-wkr-02";
  const series = [
    ...fixed,
    ...healthyAirflow(ax, rand, "airflow-analytics"),
    ...CLAIMS_WORKERS.flatMap((h) =>
      gone(h) ? claimsHostSeries(ax, rand, h).map((s) => gap(s, lost, now + MIN)) : claimsHostSeries(ax, rand, h, { load: () => rand.uniform(13, 16) }),
    ),
    ...CLAIMS_WORKERS.map((h) =>
      gauge({ __name__: "up", job: "node", host: h, instance: `10.61.4.${20 + CLAIMS_WORKERS.indexOf(h)}:9100` }, ax, (t) => (gone(h) && t >= lost ? 0 : 1), 0),
    ),
    gauge(
      { __name__: "aws_autoscaling_group_in_service_instances", job: "cloudwatch-exporter", auto_scaling_group_name: "fh-airflow-claims-workers" },
      ax,
      (t) => (t < lost ? 4 : 2),
      0,
    ),
    gauge(
      { __name__: "aws_autoscaling_group_desired_capacity", job: "cloudwatch-exporter", auto_scaling_group_name: "fh-airflow-claims-workers" },
      ax,
      () => 4,
      0,
    ),
    ...dagrunDurationSeries(
      ax,
      inst,
      "claims__edi837_ingest_hourly",
      Array.from({ length: 4 }, (_, k) => ({
        end: at("2026-12-15T09:19:00Z") + k * HOUR + rand.int(-90, 90) * SEC,
        seconds: rand.int(960, 1140),
        state: "success" as const,
      })),
    ),
    ...probeSeries(ax, rand),
  ];

  const logs = new Logs();
  backgroundLogs(ax, rand, logs);
  const sched = "airflow-claims-scheduler-6d8f7c9b54-qk2vx";
  for (const t of stepAx) {
    const q = queued[idx(t)]!;
    if (64 - running[idx(t)]! - q <= 0)
      componentLog(
        logs,
        t + 11 * SEC,
        inst,
        "scheduler",
        sched,
        "INFO",
        pyLine(t + 11 * SEC, "base_executor.py:246", "INFO", "Executor parallelism limit reached. 0 open slots."),
      );
    if (m(t) === 3)
      componentLog(
        logs,
        t + 32 * SEC,
        inst,
        "scheduler",
        sched,
        "INFO",
        pyLine(
          t + 32 * SEC,
          "scheduler_job_runner.py:689",
          "INFO",
          "Sending TaskInstanceKey(dag_id='claims__edi837_ingest_hourly', task_id='download_837_batch', run_id='scheduled__" +
            iso(t - (t % HOUR) - HOUR + 2 * MIN).replace("Z", "+00:00") +
            "', try_number=1, map_index=0) to CeleryExecutor with priority 3 and queue default",
        ),
      );
  }
  for (const w of ["fh-afc-wkr-01", "fh-afc-wkr-02"]) {
    hostLog(logs, lost - 40 * SEC, w, "airflow-celery-worker.service", "WARNING", "worker: Warm shutdown (MainProcess)");
    hostLog(logs, lost - 5 * SEC, w, "systemd", "INFO", "Stopped Airflow Celery worker.");
  }
  for (const w of ["fh-afc-wkr-03", "fh-afc-wkr-04"])
    for (let t = lost + 5 * MIN; t < now; t += 17 * MIN)
      hostLog(
        logs,
        t,
        w,
        "airflow-celery-worker.service",
        "INFO",
        `[${iso(t).replace("T", " ").replace("Z", ",000")}: INFO/MainProcess] Task airflow.providers.celery.executors.celery_executor_utils.execute_command[${rand.hex(8)}-${rand.hex(4)}-${rand.hex(4)}-${rand.hex(4)}-${rand.hex(12)}] received`,
      );

  // Orchestrator.
  const dagRuns = [];
  const tis: Array<ReturnType<typeof taskInstance>> = [];
  const dl = jobs.filter((j) => j.kind === "dl");
  for (let l = at("2026-12-15T08:02:00Z"); l <= at("2026-12-15T13:02:00Z"); l += HOUR) {
    const start = l + HOUR + 3 * SEC;
    const mine = dl.filter((j) => j.sent >= start && j.sent < start + 10 * MIN);
    const doneAll = mine.every((j) => j.start !== undefined && j.start + j.dur + 12 * MIN <= now);
    const end = !mine.length ? start + rand.int(960, 1140) * SEC : doneAll ? Math.max(...mine.map((j) => j.start! + j.dur)) + 12 * MIN : null;
    dagRuns.push(dagRun({ dag_id: "claims__edi837_ingest_hourly", logical: l, state: end ? "success" : "running", start, end, interval: HOUR }));
    if (l >= at("2026-12-15T11:02:00Z"))
      mine.forEach((j, k) => {
        const started = j.start !== undefined && j.start <= now;
        const finished = started && j.start! + j.dur <= now;
        tis.push(
          taskInstance({
            dag_id: "claims__edi837_ingest_hourly",
            run_id: runIdOf(l),
            logical: l,
            task_id: "download_837_batch",
            map_index: k,
            state: finished ? "success" : started ? "running" : "queued",
            pool: "edi_sftp",
            operator: "SFTPOperator",
            start: started ? j.start : null,
            end: finished ? j.start! + j.dur : null,
            queued: j.sent,
            hostname: started ? claimsFqdn(k % 2 ? "fh-afc-wkr-03" : "fh-afc-wkr-04") : "",
            priority_weight: 3,
          }),
        );
      });
  }
  const ocrL = at("2026-12-15T13:55:00Z");
  dagRuns.push(dagRun({ dag_id: "claims__attachments_ocr_hourly", logical: ocrL - HOUR, state: "running", start: ocrL + 2 * SEC, interval: HOUR }));

  const changes = backgroundChanges(now, rand);
  changes.deployments.push({
    repo: "fernhill-health/airflow-claims-ami",
    service: "fh-airflow-claims-workers",
    environment: "production",
    ref: "ami-fh-airflow-worker-2026.12.08",
    sha: rand.hex(40),
    at: "2026-12-15T12:30:02Z",
    status: "in_progress",
  });
  const events = [
    {
      at: "2026-11-17T12:30:00Z",
      kind: "aws.autoscaling.instance_refresh",
      labels: { asg: "fh-airflow-claims-workers" },
      message: "Instance refresh completed: fh-afc-wkr-03, fh-afc-wkr-04 on ami-fh-airflow-worker-2026.11.10",
    },
    {
      at: "2026-12-15T12:30:02Z",
      kind: "aws.autoscaling.instance_refresh",
      labels: { asg: "fh-airflow-claims-workers" },
      message: "Instance refresh started (MinHealthyPercentage 50, ami-fh-airflow-worker-2026.12.08)",
    },
    {
      at: iso(lost),
      kind: "aws.autoscaling.instance_terminated",
      labels: { asg: "fh-airflow-claims-workers", host: "fh-afc-wkr-01" },
      message: "Terminating EC2 instance i-0a1b2c3d4e5f60718 (instance refresh)",
    },
    {
      at: iso(lost + 2 * SEC),
      kind: "aws.autoscaling.instance_terminated",
      labels: { asg: "fh-airflow-claims-workers", host: "fh-afc-wkr-02" },
      message: "Terminating EC2 instance i-0b2c3d4e5f6071829 (instance refresh)",
    },
    ...Array.from({ length: 13 }, (_, k) => ({
      at: iso(lost + (40 + k * 600) * SEC),
      kind: "aws.autoscaling.launch_failed",
      labels: { asg: "fh-airflow-claims-workers", instance_type: "i4i.4xlarge" },
      message:
        "Launching a new EC2 instance. Status Reason: We currently do not have sufficient i4i.4xlarge capacity in the Availability Zones you requested (us-east-2a, us-east-2b). Our system will be working on provisioning additional capacity. Launching EC2 instance failed.",
    })).filter((e) => Date.parse(e.at) < now),
    {
      at: "2026-12-15T13:10:00Z",
      kind: "aws.health",
      labels: { region: "us-east-2", service: "EC2", event_type: "AWS_EC2_INSUFFICIENT_CAPACITY_NOTIFICATION" },
      message: "Some instance types may have limited capacity in us-east-2a; consider alternative instance types or zones",
    },
  ];
  return {
    series,
    logs,
    events,
    orchestrator: {
      dag_runs: dagRuns,
      task_instances: tis,
      import_errors: [],
      pools: [
        pool("default_pool", 64, running[idx(now)]! + queued[idx(now)]! - runningDl[idx(now)]! - queuedDl[idx(now)]!, queued[idx(now)]! - queuedDl[idx(now)]!),
        pool("edi_sftp", 6, runningDl[idx(now)]! + Math.min(6, queuedDl[idx(now)]!), Math.min(6, queuedDl[idx(now)]!)),
        pool("clearpath_api", 4, 0),
        pool("snowflake_load", 8, 0),
        pool("statehix_sftp", 2, 0),
        pool("credentialstream_api", 4, 0),
      ],
    },
    changes,
  };
}
