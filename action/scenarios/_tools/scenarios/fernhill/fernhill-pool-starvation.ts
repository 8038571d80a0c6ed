/**
 * Fernhill, airflow-claims, Tuesday 2026-05-12.
 *
 * At 12:51 a claims engineer triggers the occasional `claims__edi999_ack_reprocess` DAG by hand
 * (conf: February to April) after ClearPath replayed three months of 999 acknowledgements. Its
 * 24 mapped `download_999_archive` tasks use the `edi_sftp` pool (6 slots: ClearPath allows six
 * SFTP sessions per trading partner), carry `priority_weight=10` and take 28 to 45 minutes each,
 * so from 12:52 on they hold all six slots and win every slot that frees up.
 *
 * The hourly `claims__edi837_ingest_hourly` (cron `2 * * * *`) starts its 13:02 run (logical
 * 12:02) on time, but its six `download_837_batch` tasks never leave `scheduled`: the pool has no
 * open slot, `airflow_pool_starving_tasks{pool_name="edi_sftp"}` goes to 6 at 13:03 and to 12
 * when the 14:02 run joins. The task-level SLA (30 min) is missed at 13:32; the Grafana
 * freshness rule on `claims_raw.edi837_claim_headers` pages the claims on-call through PagerDuty
 * at 14:10. The executor has plenty of open slots, the scheduler beats, other pools run.
 *
 * Distractors: a commit to `dags/member/eligibility_sync.py` and the README at 13:20, a
 * claims-status-api deploy at 13:50; the scheduler's "0 open slots in pool snowflake_load" lines
 * that appear briefly every hour, before the onset too.
 */
import { HOUR, Logs, MIN, Rand, SEC, at, axis, times, type Telemetry } from "../../lib.js";
import {
  CLAIMS_WORKERS,
  backgroundChanges,
  backgroundLogs,
  claimsFqdn,
  claimsHostSeries,
  commit,
  componentLog,
  dagRun,
  dagrunDurationSeries,
  deployment,
  healthyAirflow,
  pool,
  probeSeries,
  pyLine,
  runIdOf,
  taskInstance,
  taskLog,
} from "../../fernhill/lib.js";

export const id = "fernhill-pool-starvation";

const SCHED = "airflow-claims-scheduler-6d8f7c9b54-qk2vx";

export function build(): Telemetry {
  const rand = new Rand(120512);
  const now = at("2026-05-12T14:41:00Z");
  const ax = axis(now - 4 * HOUR, now);
  const trigger = at("2026-05-12T12:51:07Z");
  const firstDl = trigger + 90 * SEC;

  // The 24 reprocess downloads: six start at once, every freed slot goes to the next one (priority 10).
  const durations = [34, 41, 29, 44, 37, 31, 39, 28, 43, 35, 30, 42, 36, 33, 45, 29, 38, 40, 32, 44, 31, 37, 35, 39].map(
    (m, i) => m * MIN + ((i * 13) % 50) * SEC,
  );
  const slotFree = Array.from({ length: 6 }, () => firstDl);
  const dl = durations.map((d, i) => {
    const slot = slotFree.indexOf(Math.min(...slotFree));
    const start = slotFree[slot]! + (i < 6 ? i * 4 * SEC : 6 * SEC);
    slotFree[slot] = start + d;
    return { i, start, end: start + d, slot };
  });
  const reprocRunning = (t: number) => dl.filter((x) => x.start <= t && t < x.end).length;
  const reprocDone = (t: number) => dl.filter((x) => x.end <= t).length;

  // Normal hourly 837 downloads: six tasks between :03 and ~:09 when nothing else holds the pool.
  const m = (t: number) => (t % HOUR) / MIN;
  const run1302 = at("2026-05-12T13:02:00Z");
  const hourlyRunning = (t: number) => (t < trigger && m(t) >= 3 && m(t) < 9 ? Math.max(0, 6 - Math.floor(Math.max(0, m(t) - 6) * 2)) : 0);
  const starving = (t: number) => (t >= run1302 + 70 * SEC ? (t >= run1302 + HOUR + 70 * SEC ? 12 : 6) : 0);

  const series = [
    ...healthyAirflow(
      ax,
      rand,
      "airflow-claims",
      {
        edi_sftp: {
          name: "edi_sftp",
          slots: 6,
          running: (t) => Math.min(6, hourlyRunning(t) + reprocRunning(t)),
          scheduled: (t) => starving(t) + Math.max(0, 24 - reprocDone(t) - reprocRunning(t)) * (t >= firstDl ? 1 : 0),
          starving,
        },
      },
      undefined,
      { starving },
    ),
    ...healthyAirflow(ax, rand, "airflow-analytics"),
    ...dagrunDurationSeries(
      ax,
      "airflow-claims",
      "claims__edi837_ingest_hourly",
      Array.from({ length: 6 }, (_, k) => ({
        end: at("2026-05-12T07:19:00Z") + k * HOUR + rand.int(-120, 120) * SEC,
        seconds: rand.int(960, 1140),
        state: "success" as const,
      })),
    ),
    ...CLAIMS_WORKERS.flatMap((h) => claimsHostSeries(ax, rand, h)),
    ...probeSeries(ax, rand),
  ];

  const logs = new Logs();
  backgroundLogs(ax, rand, logs);
  const inst = "airflow-claims" as const;
  for (const t of times(ax)) {
    // Every hour snowflake_load is briefly full while the loads of several DAGs overlap (before the onset too).
    if (m(t) === 14 || m(t) === 15) {
      componentLog(
        logs,
        t + 3 * SEC,
        inst,
        "scheduler",
        SCHED,
        "INFO",
        pyLine(
          t + 3 * SEC,
          "scheduler_job_runner.py:471",
          "INFO",
          `Figuring out tasks to run in Pool(name=snowflake_load) with 0 open slots and ${rand.int(1, 3)} task instances ready to be queued`,
        ),
      );
      componentLog(
        logs,
        t + 3 * SEC + 2,
        inst,
        "scheduler",
        SCHED,
        "INFO",
        pyLine(t + 3 * SEC + 2, "scheduler_job_runner.py:499", "INFO", "Not scheduling since there are 0 open slots in pool snowflake_load"),
      );
    }
    if (starving(t) > 0 && (t / MIN) % 2 === 0) {
      componentLog(
        logs,
        t + 8 * SEC,
        inst,
        "scheduler",
        SCHED,
        "INFO",
        pyLine(
          t + 8 * SEC,
          "scheduler_job_runner.py:471",
          "INFO",
          `Figuring out tasks to run in Pool(name=edi_sftp) with 0 open slots and ${starving(t) + Math.max(0, 24 - reprocDone(t) - reprocRunning(t))} task instances ready to be queued`,
        ),
      );
      componentLog(
        logs,
        t + 8 * SEC + 3,
        inst,
        "scheduler",
        SCHED,
        "INFO",
        pyLine(t + 8 * SEC + 3, "scheduler_job_runner.py:499", "INFO", "Not scheduling since there are 0 open slots in pool edi_sftp"),
      );
    }
    // Hourly 837 runs before the trigger: their download logs.
    if (t < trigger && m(t) === 3) {
      for (let k = 0; k < 6; k++) {
        const host = CLAIMS_WORKERS[k % 4]!;
        taskLog(
          logs,
          t + (5 + k) * SEC,
          inst,
          { dag_id: "claims__edi837_ingest_hourly", task_id: "download_837_batch", host },
          "INFO",
          "sftp.py:201",
          `Starting SFTP transfer of /outbound/837P/FH00417_${k}_${rand.int(100000, 999999)}.x12 (${rand.int(4, 60)} MB)`,
        );
        taskLog(
          logs,
          t + (190 + k * 20) * SEC,
          inst,
          { dag_id: "claims__edi837_ingest_hourly", task_id: "download_837_batch", host },
          "INFO",
          "taskinstance.py:1206",
          "Marking task as SUCCESS.",
        );
      }
    }
  }
  for (const x of dl) {
    const host = CLAIMS_WORKERS[x.slot % 4]!;
    const ref = { dag_id: "claims__edi999_ack_reprocess", task_id: "download_999_archive", host };
    taskLog(
      logs,
      x.start + 2 * SEC,
      inst,
      ref,
      "INFO",
      "taskinstance.py:2612",
      `Executing <Task(SFTPOperator): download_999_archive> on 2026-05-12 12:51:07+00:00 map_index=${x.i}`,
    );
    for (let t = x.start + 5 * MIN; t < Math.min(x.end, now); t += 5 * MIN)
      taskLog(
        logs,
        t,
        inst,
        ref,
        "INFO",
        "sftp.py:214",
        `transferred ${rand.int(300, 2100)} MB of /archive/999/2026-0${2 + (x.i % 3)}/acks_${String(x.i).padStart(2, "0")}.zip`,
      );
    if (x.end <= now)
      taskLog(
        logs,
        x.end,
        inst,
        ref,
        "INFO",
        "taskinstance.py:1206",
        `Marking task as SUCCESS. dag_id=claims__edi999_ack_reprocess, task_id=download_999_archive, run_id=manual__2026-05-12T12:51:07+00:00, map_index=${x.i}`,
      );
  }
  componentLog(
    logs,
    at("2026-05-12T13:32:44Z"),
    inst,
    "dag-processor",
    "airflow-claims-scheduler-6d8f7c9b54-qk2vx",
    "INFO",
    pyLine(at("2026-05-12T13:32:44Z"), "processor.py:437", "INFO", "Running SLA Checks for claims__edi837_ingest_hourly"),
  );
  componentLog(
    logs,
    at("2026-05-12T13:32:45Z"),
    inst,
    "dag-processor",
    "airflow-claims-scheduler-6d8f7c9b54-qk2vx",
    "INFO",
    pyLine(at("2026-05-12T13:32:45Z"), "processor.py:567", "INFO", "Calling SLA miss callback for DAG claims__edi837_ingest_hourly"),
  );

  // Orchestrator objects.
  const edi = "claims__edi837_ingest_hourly";
  const dagRuns = [];
  const tis = [];
  for (let h = 2; h <= 13; h++) {
    const logical = at("2026-05-12T00:02:00Z") + (h - 2) * HOUR;
    const start = logical + HOUR + rand.int(1, 4) * SEC;
    const done = logical < at("2026-05-12T12:00:00Z");
    const end = start + rand.int(960, 1140) * SEC;
    dagRuns.push(dagRun({ dag_id: edi, logical, state: done ? "success" : "running", start, end: done ? end : null, interval: HOUR }));
    const rid = runIdOf(logical);
    for (let k = 0; k < 6; k++) {
      const s = start + 60 * SEC + k * 3 * SEC;
      tis.push(
        taskInstance({
          dag_id: edi,
          run_id: rid,
          task_id: "download_837_batch",
          map_index: k,
          logical,
          state: done ? "success" : "scheduled",
          pool: "edi_sftp",
          operator: "SFTPOperator",
          start: done ? s : null,
          end: done ? s + rand.int(150, 330) * SEC : null,
          queued: done ? s - 2 * SEC : null,
          hostname: done ? claimsFqdn(CLAIMS_WORKERS[k % 4]!) : "",
          priority_weight: 3,
        }),
      );
    }
    tis.push(
      taskInstance({
        dag_id: edi,
        run_id: rid,
        task_id: "list_inbound_batches",
        logical,
        state: "success",
        pool: "default_pool",
        start: start + 5 * SEC,
        end: start + 48 * SEC,
        queued: start + 3 * SEC,
        hostname: claimsFqdn("fh-afc-wkr-02"),
        priority_weight: 5,
      }),
    );
    tis.push(
      taskInstance({
        dag_id: edi,
        run_id: rid,
        task_id: "load_to_snowflake",
        logical,
        state: done ? "success" : null,
        pool: "snowflake_load",
        operator: "SnowflakeOperator",
        start: done ? end - 4 * MIN : null,
        end: done ? end - 20 * SEC : null,
        queued: done ? end - 4 * MIN - 2 * SEC : null,
        hostname: done ? claimsFqdn("fh-afc-wkr-01") : "",
        priority_weight: 1,
      }),
    );
  }
  const reproc = dagRun({
    dag_id: "claims__edi999_ack_reprocess",
    logical: trigger,
    state: "running",
    start: trigger + 2 * SEC,
    run_type: "manual",
    conf: { from_month: "2026-02", to_month: "2026-04", reason: "ClearPath replayed 999 acks (case CP-88213)" },
  });
  dagRuns.push(reproc);
  for (const x of dl) {
    const state = x.end <= now ? "success" : x.start <= now ? "running" : "scheduled";
    tis.push(
      taskInstance({
        dag_id: "claims__edi999_ack_reprocess",
        run_id: reproc.dag_run_id,
        task_id: "download_999_archive",
        map_index: x.i,
        logical: trigger,
        state,
        pool: "edi_sftp",
        operator: "SFTPOperator",
        start: x.start <= now ? x.start : null,
        end: x.end <= now ? x.end : null,
        queued: x.start <= now ? x.start - 2 * SEC : null,
        hostname: x.start <= now ? claimsFqdn(CLAIMS_WORKERS[x.slot % 4]!) : "",
        priority_weight: 10,
      }),
    );
  }
  // Two earlier manual runs of the reprocess DAG, weeks ago, for history.
  dagRuns.push(
    dagRun({
      dag_id: "claims__edi999_ack_reprocess",
      logical: at("2026-04-21T16:10:33Z"),
      state: "success",
      start: at("2026-04-21T16:10:35Z"),
      end: at("2026-04-21T17:02:10Z"),
      run_type: "manual",
      conf: { from_month: "2026-03", to_month: "2026-03" },
    }),
  );
  for (const dag of ["member_eligibility_sync", "provider__directory_refresh_daily"]) {
    dagRuns.push(
      dagRun({
        dag_id: dag,
        logical: dag === "member_eligibility_sync" ? at("2026-05-12T08:00:00Z") : at("2026-05-11T05:30:00Z"),
        state: "success",
        start: dag === "member_eligibility_sync" ? at("2026-05-12T12:00:04Z") : at("2026-05-12T05:30:03Z"),
        end: dag === "member_eligibility_sync" ? at("2026-05-12T12:21:40Z") : at("2026-05-12T06:14:12Z"),
        interval: dag === "member_eligibility_sync" ? 4 * HOUR : 24 * HOUR,
      }),
    );
  }
  const running = reprocRunning(now);
  const changes = backgroundChanges(now, rand);
  changes.commits.push(
    commit(rand, {
      repo: "fernhill-health/airflow-claims-dags",
      at: at("2026-05-12T13:20:41Z"),
      author: "dpatel-fh",
      message: "member eligibility: log the state exchange's file count; README: pools table",
      files: [
        {
          path: "dags/member/eligibility_sync.py",
          patch:
            '@@ -88,6 +88,7 @@ def pull_834_from_statehix(**context):\n     files = sftp.list_directory(INBOUND)\n+    log.info("state exchange offered %d files", len(files))\n     for f in files:\n',
        },
        {
          path: "README.md",
          patch:
            "@@ -40,6 +40,7 @@ | pool | slots | why |\n | edi_sftp | 6 | ClearPath: 6 SFTP sessions per trading partner |\n+| statehix_sftp | 2 | state exchange allows 2 |\n",
        },
      ],
    }),
  );
  changes.deployments.push(
    deployment(rand, { repo: "fernhill-health/claims-status", service: "claims-status-api", at: at("2026-05-12T13:50:12Z"), ref: "v14.2.0" }),
  );
  return {
    series,
    logs,
    orchestrator: {
      dag_runs: dagRuns,
      task_instances: tis,
      import_errors: [],
      pools: [
        pool("default_pool", 64, 9),
        pool("edi_sftp", 6, running, 0, 12 + (24 - reprocDone(now) - running), "ClearPath allows 6 concurrent SFTP sessions per trading partner"),
        pool("clearpath_api", 4, 1),
        pool("snowflake_load", 8, 2),
        pool("statehix_sftp", 2, 0),
        pool("credentialstream_api", 4, 0),
      ],
    },
    changes,
    events: [
      {
        at: "2026-05-12T12:51:07Z",
        kind: "airflow.dagrun.triggered",
        labels: { airflow_instance: "airflow-claims", dag_id: "claims__edi999_ack_reprocess", user: "rmoreau" },
        message: "DAG run manual__2026-05-12T12:51:07+00:00 triggered from the UI",
      },
    ],
  };
}
