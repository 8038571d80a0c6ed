/**
 * Fernhill, Thursday 2026-10-01 (first day after the quarter close).
 *
 * Actuarial Analytics' `actuarial__loss_ratio_daily` (airflow-analytics, 05:00) starts with a
 * Snowflake `SqlSensor` (reschedule mode, poke every 5 min, timeout 6 h) that waits for the row
 * Claims Data Engineering's `claims__adjudication_daily` (airflow-claims, 04:00) writes to
 * `ops.pipeline_watermarks` when it completes: the two teams' DAGs live in different Airflow
 * deployments, so no ExternalTaskSensor. The claims DAG usually completes by 04:45.
 *
 * Today the claims DAG runs 3 h 21 min: the quarter-end re-adjudication batch makes its extract
 * 2.3 times longer and its snapshot build process 14 M lines instead of 6 M (chunked since July,
 * so no memory trouble). It completes at 07:21:12; the sensor sees the watermark at 07:23 and the
 * loss-ratio tasks run from 07:23. The downstream task-level SLA (2 h after the 05:00 interval
 * end) is missed at 07:00; the actuarial dashboard's Opsgenie freshness alert follows at 07:31.
 * The sensor did not time out and its target is right; pools, executor and schedulers are fine.
 *
 * Distractor: a commit to the downstream DAG file at 06:12 that only changes its doc_md and owner
 * e-mail; a Snowflake warning about a slow BI query; the downstream's own history of green runs.
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
  dagRun,
  dagrunDurationSeries,
  healthyAirflow,
  pool,
  probeSeries,
  runIdOf,
  serviceLog,
  taskInstance,
  taskLog,
} from "../../fernhill/lib.js";

export const id = "fernhill-upstream-dag-late";

export function build(): Telemetry {
  const rand = new Rand(261001);
  const now = at("2026-10-01T07:40:00Z");
  const ax = axis(now - 7 * HOUR, now);
  const up = "claims__adjudication_daily";
  const down = "actuarial__loss_ratio_daily";
  const upStart = at("2026-10-01T04:00:05Z");
  const extractEnd = at("2026-10-01T04:47:31Z");
  const buildEnd = at("2026-10-01T07:14:40Z");
  const upEnd = at("2026-10-01T07:21:12Z");
  const sensorStart = at("2026-10-01T05:00:06Z");
  const sensorOk = at("2026-10-01T07:23:09Z");

  // History: the claims DAG completes 04:36–04:46, the actuarial sensor passes right after.
  const upHist = Array.from({ length: 7 }, (_, k) => {
    const day = at("2026-09-24T04:00:05Z") + k * 24 * HOUR;
    return { start: day, end: day + rand.int(2180, 2760) * SEC };
  });
  const downHist = upHist.map((u) => {
    const start = u.start + HOUR + SEC; // 05:00:06
    const sensor = Math.max(start + 2 * SEC, u.end + rand.int(30, 280) * SEC);
    return { start, sensor, end: sensor + rand.int(2100, 2500) * SEC };
  });

  const series = [
    ...healthyAirflow(ax, rand, "airflow-claims"),
    ...healthyAirflow(ax, rand, "airflow-analytics"),
    ...dagrunDurationSeries(ax, "airflow-claims", up, [
      ...upHist.slice(-2).map((u) => ({ end: u.end, seconds: Math.round((u.end - u.start) / 1000), state: "success" as const })),
      { end: upEnd, seconds: Math.round((upEnd - upStart) / 1000), state: "success" },
    ]),
    ...dagrunDurationSeries(
      ax,
      "airflow-analytics",
      down,
      downHist.slice(-2).map((d) => ({ end: d.end, seconds: Math.round((d.end - d.start) / 1000), state: "success" as const })),
    ),
    ...CLAIMS_WORKERS.flatMap((h) => claimsHostSeries(ax, rand, h)),
    ...probeSeries(ax, rand),
  ];

  const logs = new Logs();
  backgroundLogs(ax, rand, logs);
  const ci = "airflow-claims" as const;
  const ai = "airflow-analytics" as const;
  // Upstream: the extract and the chunked snapshot build, both longer than usual.
  const ex = { dag_id: up, task_id: "extract_adjudicated_lines", host: "fh-afc-wkr-01" };
  taskLog(
    logs,
    upStart + 5 * SEC,
    ci,
    ex,
    "INFO",
    "taskinstance.py:2890",
    "Executing <Task(SnowflakeOperator): extract_adjudicated_lines> on 2026-09-30 04:00:00+00:00",
  );
  taskLog(
    logs,
    upStart + 6 * SEC,
    ci,
    ex,
    "INFO",
    "snowflake.py:398",
    "Running statement: INSERT OVERWRITE INTO claims_stage.adjudicated_claim_lines SELECT ... FROM claims_raw.claim_lines l JOIN claims_raw.adjudication_events e ..., parameters: {'ds': '2026-09-30'}",
  );
  taskLog(logs, extractEnd - SEC, ci, ex, "INFO", "snowflake.py:412", "Rows affected: 14188032");
  taskLog(
    logs,
    extractEnd,
    ci,
    ex,
    "INFO",
    "taskinstance.py:1206",
    "Marking task as SUCCESS. dag_id=claims__adjudication_daily, task_id=extract_adjudicated_lines, run_id=scheduled__2026-09-30T04:00:00+00:00",
  );
  const bs = { dag_id: up, task_id: "build_adjudication_snapshot", host: "fh-afc-wkr-03" };
  taskLog(
    logs,
    extractEnd + 9 * SEC,
    ci,
    bs,
    "INFO",
    "adjudication.py:118",
    "reading claims_stage.adjudicated_claim_lines for 2026-09-30 (incl. re-adjudication batch RA-2026-Q3) in chunks of 500000",
  );
  for (let k = 1, t = extractEnd + 5 * MIN; t < buildEnd; k++, t += 5 * MIN)
    taskLog(
      logs,
      t,
      ci,
      bs,
      "INFO",
      "adjudication.py:141",
      `chunk ${k}/29 written (${(k * 0.49).toFixed(2)}M lines, peak rss ${rand.int(9, 12)}.${rand.int(0, 9)} GiB)`,
    );
  taskLog(
    logs,
    buildEnd,
    ci,
    bs,
    "INFO",
    "taskinstance.py:1206",
    "Marking task as SUCCESS. dag_id=claims__adjudication_daily, task_id=build_adjudication_snapshot, run_id=scheduled__2026-09-30T04:00:00+00:00",
  );
  const pw = { dag_id: up, task_id: "publish_snapshot", host: "fh-afc-wkr-02" };
  taskLog(
    logs,
    upEnd - 12 * SEC,
    ci,
    pw,
    "INFO",
    "snowflake.py:398",
    "Running statement: INSERT INTO ops.pipeline_watermarks (pipeline, ds, status, completed_at) VALUES ('claims__adjudication_daily', '2026-09-30', 'complete', CURRENT_TIMESTAMP())",
  );
  taskLog(
    logs,
    upEnd - 2 * SEC,
    ci,
    pw,
    "INFO",
    "taskinstance.py:1206",
    "Marking task as SUCCESS. dag_id=claims__adjudication_daily, task_id=publish_snapshot, run_id=scheduled__2026-09-30T04:00:00+00:00",
  );
  // Downstream sensor pokes.
  const sensorSql = "SELECT 1 FROM ops.pipeline_watermarks WHERE pipeline = 'claims__adjudication_daily' AND ds = '2026-09-30' AND status = 'complete'";
  for (let t = sensorStart, k = 0; t <= sensorOk; t += 5 * MIN + 1 * SEC, k++) {
    const w = ANALYTICS_WORKERS[k % 3]!;
    const ref = { dag_id: down, task_id: "wait_for_adjudication_snapshot", host: w };
    taskLog(logs, t, ai, ref, "INFO", "sql.py:108", `Poking: ${sensorSql} (with parameters None)`);
    if (t + 5 * MIN + SEC <= sensorOk) taskLog(logs, t + 900, ai, ref, "INFO", "taskinstance.py:2475", "Rescheduling task, marking task as UP_FOR_RESCHEDULE");
    else taskLog(logs, t + 900, ai, ref, "INFO", "base.py:293", "Success criteria met. Exiting.");
  }
  for (const [task, s] of [
    ["load_claims_cost", sensorOk + 30 * SEC],
    ["load_premium_earned", sensorOk + 31 * SEC],
  ] as const) {
    taskLog(
      logs,
      s,
      ai,
      { dag_id: down, task_id: task, host: "airflow-analytics-worker-1" },
      "INFO",
      "taskinstance.py:2890",
      `Executing <Task(SnowflakeOperator): ${task}> on 2026-09-30 05:00:00+00:00`,
    );
  }
  componentLog07(logs);
  for (let t = ax.start + 20 * MIN; t < now; t += rand.int(40, 80) * MIN)
    serviceLog(
      logs,
      t,
      "bi",
      "tableau-bridge",
      "warning",
      `query on FH_BI_WH exceeded 120s (${rand.int(121, 300)}s) workbook="Executive KPIs" user=svc_tableau`,
    );

  // Orchestrator.
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
        rendered_fields: {
          conn_id: "snowflake_analytics",
          sql: sensorSql.replace("2026-09-30", iso(dl).slice(0, 10)),
          mode: "reschedule",
          poke_interval: 300,
          timeout: 21600,
        },
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
  const ul = at("2026-09-30T04:00:00Z");
  const urid = runIdOf(ul);
  dagRuns.push(dagRun({ dag_id: up, logical: ul, state: "success", start: upStart, end: upEnd }));
  tis.push(
    taskInstance({
      dag_id: up,
      run_id: urid,
      logical: ul,
      task_id: "extract_adjudicated_lines",
      state: "success",
      pool: "snowflake_load",
      operator: "SnowflakeOperator",
      start: upStart + 3 * SEC,
      end: extractEnd,
      queued: upStart + SEC,
      hostname: claimsFqdn("fh-afc-wkr-01"),
    }),
  );
  tis.push(
    taskInstance({
      dag_id: up,
      run_id: urid,
      logical: ul,
      task_id: "build_adjudication_snapshot",
      state: "success",
      pool: "default_pool",
      start: extractEnd + 6 * SEC,
      end: buildEnd,
      queued: extractEnd + 3 * SEC,
      hostname: claimsFqdn("fh-afc-wkr-03"),
    }),
  );
  tis.push(
    taskInstance({
      dag_id: up,
      run_id: urid,
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
  const dl = at("2026-09-30T05:00:00Z");
  const drid = runIdOf(dl);
  dagRuns.push(dagRun({ dag_id: down, logical: dl, state: "running", start: sensorStart - 2 * SEC }));
  tis.push(
    taskInstance({
      dag_id: down,
      run_id: drid,
      logical: dl,
      task_id: "wait_for_adjudication_snapshot",
      state: "success",
      pool: "default_pool",
      operator: "SqlSensor",
      start: sensorStart,
      end: sensorOk + SEC,
      queued: sensorStart - 2 * SEC,
      hostname: "airflow-analytics-worker-1",
      rendered_fields: { conn_id: "snowflake_analytics", sql: sensorSql, mode: "reschedule", poke_interval: 300, timeout: 21600 },
    }),
  );
  for (const task of ["load_claims_cost", "load_premium_earned"])
    tis.push(
      taskInstance({
        dag_id: down,
        run_id: drid,
        logical: dl,
        task_id: task,
        state: "running",
        pool: "snowflake_transform",
        operator: "SnowflakeOperator",
        start: sensorOk + 30 * SEC,
        queued: sensorOk + 27 * SEC,
        hostname: "airflow-analytics-worker-1",
      }),
    );
  tis.push(taskInstance({ dag_id: down, run_id: drid, logical: dl, task_id: "publish_loss_ratio", state: null, pool: "default_pool" }));

  const changes = backgroundChanges(now, rand);
  changes.commits.push(
    commit(rand, {
      repo: "fernhill-health/airflow-analytics-dags",
      at: at("2026-10-01T06:12:27Z"),
      author: "hsuzuki",
      message: "loss ratio: doc_md for the Q4 methodology note, new owner address",
      files: [
        {
          path: "dags/actuarial/loss_ratio_daily.py",
          patch:
            '@@ -12,8 +12,9 @@ default_args = {\n-    "owner": "actuarial-analytics@fernhillhealth.example",\n+    "owner": "act-analytics@fernhillhealth.example",\n@@ -40,6 +41,9 @@ with DAG(\n+    doc_md="""Loss ratio by line of business. Q4 2026: IBNR factors from the September study.""",\n',
        },
      ],
    }),
  );
  return {
    series,
    logs,
    orchestrator: {
      dag_runs: dagRuns,
      task_instances: tis,
      import_errors: [],
      pools: [pool("default_pool", 48, 4), pool("snowflake_transform", 10, 3), pool("dbt_cloud_trigger", 4, 0), pool("sas_grid", 2, 1)],
    },
    events: [
      {
        at: "2026-10-01T02:31:40Z",
        kind: "k8s.hpa.rescaled",
        labels: { cluster: "fh-prod-use2", namespace: "digital", hpa: "member-portal-api" },
        message: "New size: 4; reason: cpu resource utilization (percentage of request) above target",
      },
      {
        at: "2026-10-01T06:05:12Z",
        kind: "k8s.hpa.rescaled",
        labels: { cluster: "fh-prod-use2", namespace: "digital", hpa: "member-portal-api" },
        message: "New size: 6; reason: cpu resource utilization (percentage of request) above target",
      },
    ],
    warehouse: {
      tables: [
        ...upHist
          .map((u) => ({ table: "ops.pipeline_watermarks", at: iso(u.end + 10 * MIN), row_count: 0, max_loaded_at: iso(u.end - 3 * SEC) }))
          .map((x, i) => ({ ...x, row_count: 18211 + i * 9 })),
        { table: "ops.pipeline_watermarks", at: "2026-10-01T07:30:00Z", row_count: 18285, max_loaded_at: iso(upEnd - 3 * SEC) },
        { table: "claims_stage.adjudicated_claim_lines", at: "2026-10-01T05:00:00Z", row_count: 14188032, max_loaded_at: iso(extractEnd - 2 * SEC) },
        { table: "claims_stage.adjudicated_claim_lines", at: "2026-09-30T05:00:00Z", row_count: 6090417, max_loaded_at: "2026-09-30T04:19:58Z" },
      ],
      query_errors: [],
    },
    changes,
  };
}

/** Airflow's dag-processor notes the SLA miss at 07:00. */
function componentLog07(logs: Logs): void {
  const t = at("2026-10-01T07:00:41Z");
  logs.add(
    t,
    {
      cluster: "fh-prod-use2",
      namespace: "airflow-analytics",
      app: "airflow",
      component: "dag-processor",
      pod: "airflow-analytics-scheduler-5b7d94f6c8-m9wzt",
      level: "INFO",
    },
    `[${new Date(t).toISOString().replace("Z", "+0000")}] {processor.py:567} INFO - Calling SLA miss callback for DAG actuarial__loss_ratio_daily`,
  );
}
