/**
 * Fernhill, airflow-claims, Wednesday 2026-07-01 (first of the month).
 *
 * `claims__adjudication_daily` starts at 04:00. Its `build_adjudication_snapshot` task
 * (PythonOperator, pandas) loads every claim line adjudicated the day before into memory. On the
 * first of the month the input also holds the month-end re-adjudication batch, 3.1 times the
 * usual rows. On `fh-afc-wkr-02` (64 GiB) memory runs out at 04:31; the kernel OOM killer kills
 * the task process and Airflow logs `Task exited with return code Negsignal.SIGKILL`. The retry on
 * `fh-afc-wkr-04` dies the same way at 05:03 and the task fails; the failure callback fires.
 * Yesterday's run peaked at about 21 GiB and took 19 minutes.
 *
 * At 06:00 the dbt Cloud job "claims_mart daily" runs `dbt source freshness` first and errors on
 * `claims_stage.adjudication_snapshot` (a consequence). Distractors: an unrelated OOMKilled pod of
 * member-portal-api at 02:10, a commit to the 835 remittance DAG at 03:12, a claims-status-api
 * deploy at 04:20, the worker staying healthy (no zombie), duration far below the 2 h
 * execution_timeout.
 */
import { HOUR, Logs, MIN, Rand, SEC, at, axis, iso, type Telemetry } from "../../lib.js";
import {
  CLAIMS_WORKERS,
  GiB,
  backgroundChanges,
  backgroundLogs,
  claimsFqdn,
  claimsHostSeries,
  commit,
  dagRun,
  dagrunDurationSeries,
  deployment,
  healthyAirflow,
  hostLog,
  pool,
  probeSeries,
  runIdOf,
  taskInstance,
  taskLog,
} from "../../fernhill/lib.js";

export const id = "fernhill-task-oom";

export function build(): Telemetry {
  const rand = new Rand(260701);
  const now = at("2026-07-01T06:20:00Z");
  const ax = axis(now - 6 * HOUR, now);
  // Hosts at 5-minute resolution over 30 hours, so yesterday's run of the same task is visible.
  const hostAx = axis(now - 30 * HOUR, now, 5 * MIN);
  const inst = "airflow-claims" as const;
  const dag = "claims__adjudication_daily";
  const task = "build_adjudication_snapshot";

  const y0 = at("2026-06-30T04:03:10Z"); // yesterday's build: 19 min, peak ~21 GiB used
  const y1 = y0 + 19 * MIN;
  const a0 = at("2026-07-01T04:03:22Z"); // try 1 on wkr-02
  const kill1 = at("2026-07-01T04:31:07Z");
  const b0 = at("2026-07-01T04:36:31Z"); // try 2 on wkr-04 (retry_delay 5 min)
  const kill2 = at("2026-07-01T05:03:02Z");
  const base = 38 * GiB;
  const climb = (t: number, from: number, to: number, peakUsed: number) =>
    t >= from && t < to ? base - peakUsed * Math.min(1, ((t - from) / (to - from)) ** 1.3) : null;
  const mem = (host: string) => (t: number) => {
    const j = rand.jitter(1, 0.015);
    if (host === "fh-afc-wkr-02") {
      const v = climb(t, y0, y1, 19 * GiB) ?? climb(t, a0, kill1, base - 0.35 * GiB);
      return (v ?? base) * j;
    }
    if (host === "fh-afc-wkr-04") return (climb(t, b0, kill2, base - 0.3 * GiB) ?? base) * j;
    return base * j;
  };
  const series = [
    ...healthyAirflow(ax, rand, inst, {}, undefined, { failures: (t) => (t >= kill2 && t < kill2 + MIN ? 1 / 60 : 0) }),
    ...healthyAirflow(ax, rand, "airflow-analytics"),
    ...dagrunDurationSeries(ax, inst, dag, [
      { end: at("2026-06-30T04:41:49Z"), seconds: 2505, state: "success" },
      { end: kill2 + 40 * SEC, seconds: Math.round((kill2 + 40 * SEC - at("2026-07-01T04:00:04Z")) / 1000), state: "failed" },
    ]),
    ...CLAIMS_WORKERS.flatMap((h) =>
      claimsHostSeries(hostAx, rand, h, {
        memAvail: mem(h),
        oomKills: (t) => (h === "fh-afc-wkr-02" ? 3 + (t >= kill1 ? 1 : 0) : h === "fh-afc-wkr-04" ? 1 + (t >= kill2 ? 1 : 0) : 0),
        load: (t) =>
          (h === "fh-afc-wkr-02" && t >= a0 && t < kill1) || (h === "fh-afc-wkr-04" && t >= b0 && t < kill2) ? rand.uniform(7, 11) : rand.uniform(1.5, 6),
      }),
    ),
    ...probeSeries(ax, rand),
  ];

  const logs = new Logs();
  backgroundLogs(ax, rand, logs);
  const run = (try_number: number, host: string, start: number, kill: number) => {
    const ref = { dag_id: dag, task_id: task, try_number, host };
    taskLog(
      logs,
      start - 3 * SEC,
      inst,
      ref,
      "INFO",
      "taskinstance.py:2614",
      `Dependencies all met for dep_context=requeueable deps ti=<TaskInstance: ${dag}.${task} scheduled__2026-06-30T04:00:00+00:00 [queued]>`,
    );
    taskLog(logs, start, inst, ref, "INFO", "taskinstance.py:2867", `Starting attempt ${try_number} of 2`);
    taskLog(logs, start + SEC, inst, ref, "INFO", "taskinstance.py:2890", `Executing <Task(PythonOperator): ${task}> on 2026-06-30 04:00:00+00:00`);
    taskLog(logs, start + 2 * SEC, inst, ref, "INFO", "standard_task_runner.py:72", `Started process ${try_number === 1 ? 214873 : 98211} to run task`);
    taskLog(
      logs,
      start + 40 * SEC,
      inst,
      ref,
      "INFO",
      "adjudication.py:118",
      "reading claims_stage.adjudicated_claim_lines for 2026-06-30 (incl. re-adjudication batch RA-2026-06)",
    );
    for (let k = 1; k * 3 * MIN < kill - start; k++)
      taskLog(logs, start + 40 * SEC + k * 3 * MIN, inst, ref, "INFO", "adjudication.py:131", `fetched chunk ${k}: ${(k * 2.05).toFixed(2)}M rows so far`);
    taskLog(
      logs,
      kill + 1200,
      inst,
      ref,
      "ERROR",
      "local_task_job_runner.py:312",
      `Job ${try_number === 1 ? 8812345 : 8812391} was killed before it finished (likely due to running out of memory)`,
    );
    taskLog(logs, kill + 1400, inst, ref, "INFO", "local_task_job_runner.py:243", "Task exited with return code Negsignal.SIGKILL");
    if (try_number === 1)
      taskLog(
        logs,
        kill + 1600,
        inst,
        ref,
        "INFO",
        "taskinstance.py:1206",
        `Marking task as UP_FOR_RETRY. dag_id=${dag}, task_id=${task}, run_id=scheduled__2026-06-30T04:00:00+00:00, execution_date=20260630T040000, start_date=${iso(start).replace(/[-:]/g, "").replace("Z", "")}, end_date=${iso(kill).replace(/[-:]/g, "").replace("Z", "")}`,
      );
    else
      taskLog(
        logs,
        kill + 1600,
        inst,
        ref,
        "ERROR",
        "taskinstance.py:1206",
        `Marking task as FAILED. dag_id=${dag}, task_id=${task}, run_id=scheduled__2026-06-30T04:00:00+00:00, execution_date=20260630T040000, start_date=${iso(start).replace(/[-:]/g, "").replace("Z", "")}, end_date=${iso(kill).replace(/[-:]/g, "").replace("Z", "")}`,
      );
    const pid = try_number === 1 ? 214873 : 98211;
    hostLog(
      logs,
      kill - 200,
      host,
      "kernel",
      "err",
      `airflow task ru invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0`,
    );
    hostLog(
      logs,
      kill,
      host,
      "kernel",
      "err",
      `Out of memory: Killed process ${pid} (airflow task ru) total-vm:${rand.int(64500000, 65200000)}kB, anon-rss:${rand.int(62100000, 62900000)}kB, file-rss:1152kB, shmem-rss:0kB, UID:50000 pgtables:121384kB oom_score_adj:0`,
    );
    hostLog(
      logs,
      kill + 300,
      host,
      "airflow-celery-worker.service",
      "INFO",
      `[${iso(kill + 300)
        .replace("T", " ")
        .replace(
          "Z",
          ",300",
        )}: INFO/ForkPoolWorker-3] Task airflow.providers.celery.executors.celery_executor_utils.execute_command[${rand.hex(8)}-${rand.hex(4)}-${rand.hex(4)}-${rand.hex(4)}-${rand.hex(12)}] succeeded in ${((kill - start) / 1000 + 4).toFixed(3)}s: None`,
    );
  };
  run(1, "fh-afc-wkr-02", a0, kill1);
  run(2, "fh-afc-wkr-04", b0, kill2);
  taskLog(
    logs,
    at("2026-07-01T04:00:40Z"),
    inst,
    { dag_id: dag, task_id: "extract_adjudicated_lines", host: "fh-afc-wkr-01" },
    "INFO",
    "snowflake.py:412",
    "Rows affected: 6412877",
  );
  // The unrelated pod OOM of the night (member-portal-api), before the onset.
  const events = [
    {
      at: "2026-07-01T02:10:44Z",
      kind: "k8s.pod.oomkilled",
      labels: { cluster: "fh-prod-use2", namespace: "digital", pod: "member-portal-api-6c9d7b8f4-7tq2w" },
      message: "Container member-portal-api OOMKilled (exit 137); restarted",
    },
    {
      at: "2026-07-01T00:00:00Z",
      kind: "snowflake.resource_monitor.reset",
      labels: { monitor: "RM_ELT_MONTHLY" },
      message: "monthly credit quota reset (1800 credits)",
    },
  ];

  const dagRuns = [];
  const tis = [];
  for (let d = 7; d >= 1; d--) {
    const logical = at("2026-06-30T04:00:00Z") - d * 24 * HOUR;
    const start = logical + 24 * HOUR + 4 * SEC;
    const dur = (d === 1 ? 2505 : rand.int(2300, 2700)) * SEC;
    dagRuns.push(dagRun({ dag_id: dag, logical, state: "success", start, end: start + dur }));
    const rid = runIdOf(logical);
    const host = d === 1 ? "fh-afc-wkr-02" : rand.pick(CLAIMS_WORKERS);
    const bs = d === 1 ? y0 : start + 190 * SEC;
    tis.push(
      taskInstance({
        dag_id: dag,
        run_id: rid,
        logical,
        task_id: task,
        state: "success",
        pool: "default_pool",
        start: bs,
        end: d === 1 ? y1 : bs + rand.int(1080, 1260) * SEC,
        queued: bs - 4 * SEC,
        hostname: claimsFqdn(host),
        max_tries: 1,
        executor_config: "{}",
      }),
    );
  }
  const L = at("2026-06-30T04:00:00Z");
  const rid = runIdOf(L);
  dagRuns.push(dagRun({ dag_id: dag, logical: L, state: "failed", start: at("2026-07-01T04:00:04Z"), end: kill2 + 40 * SEC }));
  tis.push(
    taskInstance({
      dag_id: dag,
      run_id: rid,
      logical: L,
      task_id: "extract_adjudicated_lines",
      state: "success",
      pool: "snowflake_load",
      operator: "SnowflakeOperator",
      start: at("2026-07-01T04:00:08Z"),
      end: at("2026-07-01T04:03:12Z"),
      queued: at("2026-07-01T04:00:06Z"),
      hostname: claimsFqdn("fh-afc-wkr-01"),
      max_tries: 1,
    }),
  );
  tis.push(
    taskInstance({
      dag_id: dag,
      run_id: rid,
      logical: L,
      task_id: task,
      state: "failed",
      try_number: 2,
      max_tries: 1,
      pool: "default_pool",
      start: b0,
      end: kill2 + SEC,
      queued: b0 - 3 * SEC,
      hostname: claimsFqdn("fh-afc-wkr-04"),
      pid: 98211,
      executor_config: "{}",
    }),
  );
  tis.push(
    taskInstance({
      dag_id: dag,
      run_id: rid,
      logical: L,
      task_id: "publish_snapshot",
      state: "upstream_failed",
      pool: "snowflake_load",
      operator: "SnowflakeOperator",
      max_tries: 1,
    }),
  );
  tis.push(taskInstance({ dag_id: dag, run_id: rid, logical: L, task_id: "notify_finance_ops", state: "upstream_failed", pool: "default_pool", max_tries: 1 }));

  const changes = backgroundChanges(now, rand);
  changes.commits.push(
    commit(rand, {
      repo: "fernhill-health/airflow-claims-dags",
      at: at("2026-07-01T03:12:40Z"),
      author: "lnguyen-fh",
      message: "835 remittance: tolerate trailing SE segment whitespace",
      files: [
        {
          path: "dags/claims/remittance_835_daily.py",
          patch: '@@ -140,7 +140,7 @@ def parse_835(path):\n-    segments = raw.split("~")\n+    segments = [s.strip() for s in raw.split("~")]\n',
        },
      ],
    }),
  );
  changes.deployments.push(
    deployment(rand, { repo: "fernhill-health/claims-status", service: "claims-status-api", at: at("2026-07-01T04:20:33Z"), ref: "v14.3.1" }),
  );
  return {
    series,
    logs,
    events,
    orchestrator: {
      dag_runs: dagRuns,
      task_instances: tis,
      import_errors: [],
      pools: [
        pool("default_pool", 64, 6),
        pool("edi_sftp", 6, 0),
        pool("clearpath_api", 4, 0),
        pool("snowflake_load", 8, 1),
        pool("statehix_sftp", 2, 0),
        pool("credentialstream_api", 4, 0),
      ],
    },
    warehouse: {
      tables: [
        { table: "claims_stage.adjudication_snapshot", at: "2026-07-01T06:00:00Z", row_count: 6188402, max_loaded_at: "2026-06-30T04:41:31Z" },
        { table: "claims_stage.adjudicated_claim_lines", at: "2026-07-01T06:00:00Z", row_count: 19876120, max_loaded_at: "2026-07-01T04:03:09Z" },
        { table: "claims_stage.adjudicated_claim_lines", at: "2026-06-30T06:00:00Z", row_count: 6412655, max_loaded_at: "2026-06-30T04:02:58Z" },
      ],
      query_errors: [],
    },
    changes,
  };
}
