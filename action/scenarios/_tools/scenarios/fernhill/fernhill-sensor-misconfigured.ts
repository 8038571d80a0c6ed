/**
 * Fernhill, Thursday 2026-10-22. The sibling of fernhill-upstream-dag-late: the same SLA alert on
 * `actuarial__loss_ratio_daily` and the same Opsgenie freshness rule, but the upstream was on time.
 *
 * On 2026-10-21 at 16:40 Actuarial Analytics moved the DAG from 05:00 to 04:30 (to land before
 * their 07:00 stand-up) and, to "wait for today's claims", changed the watermark sensor's SQL from
 * `ds = '{{ ds }}'` to `ds = '{{ data_interval_end | ds }}'` and its timeout from 6 h to 2 h. The
 * claims DAG writes its watermark with its own logical date (yesterday's), so from today's first
 * run the sensor waits for a row that will only appear tomorrow.
 *
 * `claims__adjudication_daily` completes at 04:39:50 as usual and writes
 * `('claims__adjudication_daily', '2026-10-21', 'complete')`. The sensor keeps poking for
 * `ds = '2026-10-22'` and fails at 06:30:09 with `AirflowSensorTimeout` (7,200 s); the SLA (2 h after
 * the 04:30 interval end) is missed at 06:30; the dashboard's freshness rule follows at 07:01.
 *
 * Distractors: everything that made the upstream-late day look the way it did (an SLA miss, a
 * waiting sensor); the DAG change is the only change touching the pipeline and it landed the
 * afternoon before.
 */
import { HOUR, Logs, MIN, Rand, SEC, at, axis, iso, type Telemetry } from "../../lib.js";
import {
  ANALYTICS_WORKERS,
  CLAIMS_WORKERS,
  backgroundChanges,
  backgroundLogs,
  claimsFqdn,
  claimsHostSeries,
  commit,
  componentLog,
  dagRun,
  dagrunDurationSeries,
  healthyAirflow,
  pool,
  probeSeries,
  pyLine,
  runIdOf,
  taskInstance,
  taskLog,
} from "../../fernhill/lib.js";

export const id = "fernhill-sensor-misconfigured";

const SQL_OLD = (ds: string) => `SELECT 1 FROM ops.pipeline_watermarks WHERE pipeline = 'claims__adjudication_daily' AND ds = '${ds}' AND status = 'complete'`;

export function build(): Telemetry {
  const rand = new Rand(261022);
  const now = at("2026-10-22T07:10:00Z");
  const ax = axis(now - 7 * HOUR, now);
  const up = "claims__adjudication_daily";
  const down = "actuarial__loss_ratio_daily";
  const upStart = at("2026-10-22T04:00:05Z");
  const upEnd = at("2026-10-22T04:39:50Z");
  const sensorStart = at("2026-10-22T04:30:06Z");
  const timeout = sensorStart + 7200 * SEC + 3 * SEC;

  const upHist = Array.from({ length: 7 }, (_, k) => {
    const day = at("2026-10-15T04:00:05Z") + k * 24 * HOUR;
    return { start: day, end: day + rand.int(2180, 2760) * SEC };
  });
  const downHist = upHist.map((u) => {
    const start = u.start + HOUR + SEC; // 05:00:06 under the old schedule
    const sensor = Math.max(start + 2 * SEC, u.end + rand.int(30, 280) * SEC);
    return { start, sensor, end: sensor + rand.int(2100, 2500) * SEC };
  });

  const series = [
    ...healthyAirflow(ax, rand, "airflow-claims"),
    ...healthyAirflow(ax, rand, "airflow-analytics"),
    ...dagrunDurationSeries(
      ax,
      "airflow-claims",
      up,
      [...upHist.slice(-2), { start: upStart, end: upEnd }].map((u) => ({
        end: u.end,
        seconds: Math.round((u.end - u.start) / 1000),
        state: "success" as const,
      })),
    ),
    ...dagrunDurationSeries(ax, "airflow-analytics", down, [
      ...downHist.slice(-2).map((d) => ({ end: d.end, seconds: Math.round((d.end - d.start) / 1000), state: "success" as const })),
      { end: timeout + 5 * SEC, seconds: Math.round((timeout + 5 * SEC - sensorStart) / 1000), state: "failed" as const },
    ]),
    ...CLAIMS_WORKERS.flatMap((h) => claimsHostSeries(ax, rand, h)),
    ...probeSeries(ax, rand),
  ];

  const logs = new Logs();
  backgroundLogs(ax, rand, logs);
  const ci = "airflow-claims" as const;
  const ai = "airflow-analytics" as const;
  const pw = { dag_id: up, task_id: "publish_snapshot", host: "fh-afc-wkr-02" };
  taskLog(
    logs,
    upEnd - 12 * SEC,
    ci,
    pw,
    "INFO",
    "snowflake.py:398",
    "Running statement: INSERT INTO ops.pipeline_watermarks (pipeline, ds, status, completed_at) VALUES ('claims__adjudication_daily', '2026-10-21', 'complete', CURRENT_TIMESTAMP())",
  );
  taskLog(
    logs,
    upEnd - 2 * SEC,
    ci,
    pw,
    "INFO",
    "taskinstance.py:1206",
    "Marking task as SUCCESS. dag_id=claims__adjudication_daily, task_id=publish_snapshot, run_id=scheduled__2026-10-21T04:00:00+00:00",
  );
  const sql = SQL_OLD("2026-10-22");
  for (let t = sensorStart, k = 0; t < timeout; t += 5 * MIN + SEC, k++) {
    const ref = { dag_id: down, task_id: "wait_for_adjudication_snapshot", host: ANALYTICS_WORKERS[k % 3]! };
    taskLog(logs, t, ai, ref, "INFO", "sql.py:108", `Poking: ${sql} (with parameters None)`);
    if (t + 5 * MIN + SEC < timeout) taskLog(logs, t + 900, ai, ref, "INFO", "taskinstance.py:2475", "Rescheduling task, marking task as UP_FOR_RESCHEDULE");
  }
  const sref = { dag_id: down, task_id: "wait_for_adjudication_snapshot", host: "airflow-analytics-worker-0" };
  taskLog(
    logs,
    timeout,
    ai,
    sref,
    "ERROR",
    "taskinstance.py:3313",
    'Task failed with exception\nTraceback (most recent call last):\n  File "/home/airflow/.local/lib/python3.11/site-packages/airflow/sensors/base.py", line 291, in execute\n    raise AirflowSensorTimeout(message)\nairflow.exceptions.AirflowSensorTimeout: Sensor has timed out; run duration of 7200.41 seconds exceeds the specified timeout of 7200.0.',
  );
  taskLog(
    logs,
    timeout + 300,
    ai,
    sref,
    "ERROR",
    "taskinstance.py:1206",
    "Marking task as FAILED. dag_id=actuarial__loss_ratio_daily, task_id=wait_for_adjudication_snapshot, run_id=scheduled__2026-10-21T04:30:00+00:00",
  );
  componentLog(
    logs,
    at("2026-10-22T06:30:41Z"),
    ai,
    "dag-processor",
    "airflow-analytics-scheduler-5b7d94f6c8-m9wzt",
    "INFO",
    pyLine(at("2026-10-22T06:30:41Z"), "processor.py:567", "INFO", "Calling SLA miss callback for DAG actuarial__loss_ratio_daily"),
  );
  for (let t = ax.start + 20 * MIN; t < now; t += rand.int(40, 80) * MIN)
    logs.add(
      t,
      { cluster: "fh-prod-use2", namespace: "bi", app: "tableau-bridge", level: "warning" },
      `query on FH_BI_WH exceeded 120s (${rand.int(121, 300)}s) workbook="Executive KPIs" user=svc_tableau`,
    );

  const dagRuns = [];
  const tis = [];
  upHist.forEach((u, k) => {
    const logical = u.start - 5 * SEC - 24 * HOUR;
    dagRuns.push(dagRun({ dag_id: up, logical, state: "success", start: u.start, end: u.end }));
    const d = downHist[k]!;
    const dl = d.start - 6 * SEC - 24 * HOUR;
    dagRuns.push(dagRun({ dag_id: down, logical: dl, state: "success", start: d.start, end: d.end }));
    tis.push(
      taskInstance({
        dag_id: down,
        run_id: runIdOf(dl),
        logical: dl,
        task_id: "wait_for_adjudication_snapshot",
        state: "success",
        pool: "default_pool",
        operator: "SqlSensor",
        start: d.start + 2 * SEC,
        end: d.sensor,
        queued: d.start,
        hostname: ANALYTICS_WORKERS[k % 3],
        rendered_fields: { conn_id: "snowflake_analytics", sql: SQL_OLD(iso(dl).slice(0, 10)), mode: "reschedule", poke_interval: 300, timeout: 21600 },
      }),
    );
    tis.push(
      taskInstance({
        dag_id: up,
        run_id: runIdOf(logical),
        logical,
        task_id: "publish_snapshot",
        state: "success",
        pool: "snowflake_load",
        operator: "SnowflakeOperator",
        start: u.end - 14 * SEC,
        end: u.end - 2 * SEC,
        queued: u.end - 16 * SEC,
        hostname: claimsFqdn(CLAIMS_WORKERS[k % 4]!),
      }),
    );
  });
  const ul = at("2026-10-21T04:00:00Z");
  dagRuns.push(dagRun({ dag_id: up, logical: ul, state: "success", start: upStart, end: upEnd }));
  tis.push(
    taskInstance({
      dag_id: up,
      run_id: runIdOf(ul),
      logical: ul,
      task_id: "publish_snapshot",
      state: "success",
      pool: "snowflake_load",
      operator: "SnowflakeOperator",
      start: upEnd - 14 * SEC,
      end: upEnd - 2 * SEC,
      queued: upEnd - 16 * SEC,
      hostname: claimsFqdn("fh-afc-wkr-02"),
    }),
  );
  const dl = at("2026-10-21T04:30:00Z");
  const drid = runIdOf(dl);
  dagRuns.push(dagRun({ dag_id: down, logical: dl, state: "failed", start: sensorStart - 2 * SEC, end: timeout + 5 * SEC }));
  tis.push(
    taskInstance({
      dag_id: down,
      run_id: drid,
      logical: dl,
      task_id: "wait_for_adjudication_snapshot",
      state: "failed",
      max_tries: 0,
      pool: "default_pool",
      operator: "SqlSensor",
      start: sensorStart,
      end: timeout,
      queued: sensorStart - 2 * SEC,
      hostname: "airflow-analytics-worker-0",
      rendered_fields: { conn_id: "snowflake_analytics", sql, mode: "reschedule", poke_interval: 300, timeout: 7200 },
    }),
  );
  for (const task of ["load_claims_cost", "load_premium_earned", "publish_loss_ratio"])
    tis.push(
      taskInstance({
        dag_id: down,
        run_id: drid,
        logical: dl,
        task_id: task,
        state: "upstream_failed",
        pool: task === "publish_loss_ratio" ? "default_pool" : "snowflake_transform",
        operator: task === "publish_loss_ratio" ? "PythonOperator" : "SnowflakeOperator",
      }),
    );

  const changes = backgroundChanges(now, rand);
  changes.commits.push(
    commit(rand, {
      repo: "fernhill-health/airflow-analytics-dags",
      at: at("2026-10-21T16:40:33Z"),
      author: "hsuzuki",
      message: "loss ratio: run at 04:30 so it lands before the 07:00 stand-up; wait for today's claims snapshot",
      files: [
        {
          path: "dags/actuarial/loss_ratio_daily.py",
          patch:
            '@@ -44,7 +44,7 @@ with DAG(\n     dag_id="actuarial__loss_ratio_daily",\n-    schedule="0 5 * * *",\n+    schedule="30 4 * * *",\n@@ -58,9 +58,9 @@ with DAG(\n     wait_for_adjudication_snapshot = SqlSensor(\n         task_id="wait_for_adjudication_snapshot",\n         conn_id="snowflake_analytics",\n-        sql=WATERMARK_SQL.format(ds="{{ ds }}"),\n+        sql=WATERMARK_SQL.format(ds="{{ data_interval_end | ds }}"),\n         mode="reschedule",\n         poke_interval=300,\n-        timeout=6 * 60 * 60,\n+        timeout=2 * 60 * 60,\n         retries=0,\n',
        },
      ],
    }),
  );
  return {
    series,
    logs,
    events: [
      {
        at: "2026-10-22T02:31:40Z",
        kind: "k8s.hpa.rescaled",
        labels: { cluster: "fh-prod-use2", namespace: "digital", hpa: "member-portal-api" },
        message: "New size: 3; reason: cpu resource utilization (percentage of request) below target",
      },
    ],
    orchestrator: {
      dag_runs: dagRuns,
      task_instances: tis,
      import_errors: [],
      pools: [pool("default_pool", 48, 2), pool("snowflake_transform", 10, 1), pool("dbt_cloud_trigger", 4, 0), pool("sas_grid", 2, 0)],
    },
    warehouse: {
      tables: [
        ...upHist.map((u, i) => ({
          table: "ops.pipeline_watermarks",
          at: iso(u.end + 10 * MIN),
          row_count: 18421 + i * 9,
          max_loaded_at: iso(u.end - 3 * SEC),
        })),
        { table: "ops.pipeline_watermarks", at: "2026-10-22T05:00:00Z", row_count: 18493, max_loaded_at: iso(upEnd - 3 * SEC) },
      ],
      query_errors: [],
    },
    changes,
  };
}
