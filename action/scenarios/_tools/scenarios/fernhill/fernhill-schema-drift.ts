/**
 * Fernhill, night of 2026-12-07 to 12-08.
 *
 * Enrollment Engineering (another team) owns `member_raw.enrollment_834_members`, which their
 * Snowpipe fills from the state exchanges' 834 files. At 02:10:22 their scheduled Flyway job
 * (user SVC_ENROLLMENT_FLYWAY) applies `V2026_12_07_1__rename_subscriber_id.sql`:
 * `ALTER TABLE member_raw.enrollment_834_members RENAME COLUMN subscriber_id TO subscriber_member_id`.
 * Nobody told Analytics Engineering.
 *
 * At 03:00 airflow-analytics' `member_mart__build_nightly` triggers the dbt Cloud job
 * "member_mart nightly". Its model `stg_enrollment__members` fails at 03:04:40 with
 * `000904 (42000): SQL compilation error: error line 14 at position 8 invalid identifier
 * 'SUBSCRIBER_ID'`; 23 downstream models are skipped; dbt Cloud sends job.run.errored and the
 * Datadog monitor on failed queries of the dbt service user triggers. The Airflow trigger task
 * fails with the operator's generic "Job run ... has failed" (a consequence).
 *
 * Distractors: analysts' own invalid-identifier and does-not-exist errors on FH_BI_WH before the
 * onset; a dbt project commit at 01:41 to `models/claims_mart/fct_claim_lines.sql` (another mart);
 * FH_DBT_WH running normally; grants unchanged.
 */
import { HOUR, Logs, MIN, Rand, SEC, at, axis, iso, type Telemetry } from "../../lib.js";
import { backgroundChanges, backgroundLogs, commit, dagRun, healthyAirflow, pool, probeSeries, runIdOf, taskInstance, taskLog } from "../../fernhill/lib.js";

export const id = "fernhill-schema-drift";

const MEMBERS_BEFORE: Record<string, string> = {
  SUBSCRIBER_ID: "VARCHAR(20)",
  MEMBER_ID: "VARCHAR(20)",
  RELATIONSHIP_CODE: "VARCHAR(2)",
  BENEFIT_STATUS_CODE: "VARCHAR(1)",
  MAINTENANCE_TYPE_CODE: "VARCHAR(3)",
  COVERAGE_START_DATE: "DATE",
  COVERAGE_END_DATE: "DATE",
  PLAN_ID: "VARCHAR(14)",
  EXCHANGE_ID: "VARCHAR(8)",
  FILE_NAME: "VARCHAR(256)",
  _LOADED_AT: "TIMESTAMP_TZ(9)",
};

export function build(): Telemetry {
  const rand = new Rand(261208);
  const now = at("2026-12-08T03:30:00Z");
  const ax = axis(now - 5 * HOUR, now);
  const rename = at("2026-12-08T02:10:22Z");
  const fail = at("2026-12-08T03:04:40Z");
  const runId = 1043882211;

  const series = [...healthyAirflow(ax, rand, "airflow-analytics"), ...healthyAirflow(ax, rand, "airflow-claims"), ...probeSeries(ax, rand)];

  const logs = new Logs();
  backgroundLogs(ax, rand, logs);
  const inst = "airflow-analytics" as const;
  const trig = { dag_id: "member_mart__build_nightly", task_id: "trigger_member_mart_job", host: "airflow-analytics-worker-2" };
  const t0 = at("2026-12-08T03:00:05Z");
  taskLog(
    logs,
    t0,
    inst,
    trig,
    "INFO",
    "taskinstance.py:2890",
    "Executing <Task(DbtCloudRunJobOperator): trigger_member_mart_job> on 2026-12-07 03:00:00+00:00",
  );
  taskLog(
    logs,
    t0 + 2 * SEC,
    inst,
    trig,
    "INFO",
    "dbt.py:199",
    `Job run ${runId} has been triggered. View it in dbt Cloud: https://cloud.getdbt.com/deploy/48213/projects/31077/runs/${runId}/`,
  );
  for (let t = t0 + MIN; t < fail + 40 * SEC; t += MIN) taskLog(logs, t, inst, trig, "INFO", "dbt.py:486", `Current status of job run ${runId}: RUNNING`);
  taskLog(logs, fail + 61 * SEC, inst, trig, "INFO", "dbt_cloud_artifacts.py:54", `run_results.json of job run ${runId}: 1 error, 23 skipped, 41 success`);
  taskLog(
    logs,
    fail + 61 * SEC + 5,
    inst,
    trig,
    "ERROR",
    "dbt_cloud_artifacts.py:61",
    "model.fernhill_analytics.stg_enrollment__members: Database Error in model stg_enrollment__members (models/staging/enrollment/stg_enrollment__members.sql)\n  000904 (42000): SQL compilation error: error line 14 at position 8\n  invalid identifier 'SUBSCRIBER_ID'\n  compiled code at target/run/fernhill_analytics/models/staging/enrollment/stg_enrollment__members.sql",
  );
  taskLog(
    logs,
    fail + 62 * SEC,
    inst,
    trig,
    "ERROR",
    "taskinstance.py:3313",
    `Task failed with exception\nTraceback (most recent call last):\n  File "/home/airflow/.local/lib/python3.11/site-packages/airflow/providers/dbt/cloud/operators/dbt.py", line 205, in execute\n    raise DbtCloudJobRunException(f"Job run {self.run_id} has failed or has been cancelled.")\nairflow.providers.dbt.cloud.hooks.dbt.DbtCloudJobRunException: Job run ${runId} has failed or has been cancelled.`,
  );
  // Yesterday's analysts: invalid identifiers in ad-hoc queries are ordinary (logged by the BI bridge).
  for (const [t, msg] of [
    [at("2026-12-07T22:41:10Z"), "000904 (42000): SQL compilation error: error line 3 at position 7 invalid identifier 'PAID_AMT'"],
    [at("2026-12-08T00:12:55Z"), "002003 (42S02): SQL compilation error: Object 'SANDBOX.TMP_RA_MEMBERS' does not exist or not authorized."],
    [at("2026-12-08T01:30:02Z"), "000904 (42000): SQL compilation error: error line 1 at position 45 invalid identifier 'MEMBER_KEY'"],
  ] as const)
    logs.add(
      t,
      { cluster: "fh-prod-use2", namespace: "bi", app: "tableau-bridge", level: "warning" },
      `query failed user=svc_tableau workbook="Care Gaps Explorer": ${msg}`,
    );

  // Warehouse: hourly information_schema snapshots, query history errors, the rename in the DDL history.
  const schemas = [];
  for (let t = at("2026-12-07T22:00:00Z"); t <= at("2026-12-08T03:00:00Z"); t += HOUR) {
    const cols = { ...MEMBERS_BEFORE };
    if (t >= rename) {
      delete cols.SUBSCRIBER_ID;
      const ordered: Record<string, string> = { SUBSCRIBER_MEMBER_ID: "VARCHAR(20)", ...cols };
      schemas.push({ at: iso(t), table: "member_raw.enrollment_834_members", columns: ordered });
    } else schemas.push({ at: iso(t), table: "member_raw.enrollment_834_members", columns: cols });
    schemas.push({
      at: iso(t),
      table: "member_raw.enrollment_834_coverages",
      columns: {
        COVERAGE_ID: "VARCHAR(24)",
        MEMBER_ID: "VARCHAR(20)",
        PLAN_ID: "VARCHAR(14)",
        METAL_LEVEL: "VARCHAR(12)",
        APTC_AMOUNT: "NUMBER(10,2)",
        EFFECTIVE_DATE: "DATE",
        TERM_DATE: "DATE",
        _LOADED_AT: "TIMESTAMP_TZ(9)",
      },
    });
  }
  const qe = (t: number, user: string, role: string, wh: string, code: string, message: string, q?: string) => ({
    at: iso(t),
    user,
    role,
    warehouse: wh,
    error_code: code,
    message,
    ...(q ? { query_text: q } : {}),
  });
  const query_errors = [
    qe(
      at("2026-12-07T22:41:10Z"),
      "SVC_TABLEAU",
      "ROLE_BI_READER",
      "FH_BI_WH",
      "000904",
      "SQL compilation error: error line 3 at position 7\ninvalid identifier 'PAID_AMT'",
    ),
    qe(
      at("2026-12-08T00:12:55Z"),
      "SVC_TABLEAU",
      "ROLE_BI_READER",
      "FH_BI_WH",
      "002003",
      "SQL compilation error:\nObject 'SANDBOX.TMP_RA_MEMBERS' does not exist or not authorized.",
    ),
    qe(
      at("2026-12-08T01:30:02Z"),
      "SVC_TABLEAU",
      "ROLE_BI_READER",
      "FH_BI_WH",
      "000904",
      "SQL compilation error: error line 1 at position 45\ninvalid identifier 'MEMBER_KEY'",
    ),
    qe(
      fail,
      "SVC_DBT_CLOUD",
      "ROLE_DBT_TRANSFORMER",
      "FH_DBT_WH",
      "000904",
      "SQL compilation error: error line 14 at position 8\ninvalid identifier 'SUBSCRIBER_ID'",
      "create or replace view FERNHILL_PROD.MEMBER_STAGE.STG_ENROLLMENT__MEMBERS as ( with source as ( select * from FERNHILL_PROD.MEMBER_RAW.ENROLLMENT_834_MEMBERS ) select subscriber_id, member_id, relationship_code ...",
    ),
  ];
  const dagRuns = [];
  const tis = [];
  for (let d = 5; d >= 1; d--) {
    const logical = at("2026-12-07T03:00:00Z") - d * 24 * HOUR;
    const start = logical + 24 * HOUR + 4 * SEC;
    dagRuns.push(dagRun({ dag_id: "member_mart__build_nightly", logical, state: "success", start, end: start + rand.int(2700, 3100) * SEC }));
  }
  const L = at("2026-12-07T03:00:00Z");
  dagRuns.push(dagRun({ dag_id: "member_mart__build_nightly", logical: L, state: "failed", start: t0 - 2 * SEC, end: fail + 63 * SEC }));
  tis.push(
    taskInstance({
      dag_id: "member_mart__build_nightly",
      run_id: runIdOf(L),
      logical: L,
      task_id: "trigger_member_mart_job",
      state: "failed",
      try_number: 1,
      max_tries: 0,
      pool: "dbt_cloud_trigger",
      operator: "DbtCloudRunJobOperator",
      start: t0,
      end: fail + 62 * SEC,
      queued: t0 - 2 * SEC,
      hostname: "airflow-analytics-worker-2",
      rendered_fields: { dbt_cloud_conn_id: "dbt_cloud", job_id: 70398, wait_for_termination: true },
    }),
  );
  tis.push(
    taskInstance({
      dag_id: "member_mart__build_nightly",
      run_id: runIdOf(L),
      logical: L,
      task_id: "refresh_eligibility_cache",
      state: "upstream_failed",
      pool: "default_pool",
      max_tries: 0,
    }),
  );

  const changes = backgroundChanges(now, rand);
  changes.commits.push(
    commit(rand, {
      repo: "fernhill-health/dbt-fernhill",
      at: at("2026-12-08T01:41:09Z"),
      author: "tbhatt",
      message: "claims_mart: allowed_amount as NUMBER(12,2)",
      files: [
        {
          path: "models/claims_mart/fct_claim_lines.sql",
          patch: "@@ -22,7 +22,7 @@ select\n-    allowed_amount::number(10,2) as allowed_amount,\n+    allowed_amount::number(12,2) as allowed_amount,\n",
        },
      ],
    }),
  );
  return {
    series,
    logs,
    events: [
      {
        at: "2026-12-08T00:30:00Z",
        kind: "snowflake.warehouse.resized",
        labels: { warehouse: "FH_BI_WH" },
        message: "FH_BI_WH resized MEDIUM -> SMALL (nightly schedule)",
      },
      {
        at: "2026-12-08T02:55:00Z",
        kind: "snowpipe.load",
        labels: { pipe: "MEMBER_RAW.ENROLLMENT_834_PIPE" },
        message: "Loaded 3 files (41,288 rows) into MEMBER_RAW.ENROLLMENT_834_MEMBERS",
      },
    ],
    orchestrator: {
      dag_runs: dagRuns,
      task_instances: tis,
      import_errors: [],
      pools: [pool("default_pool", 48, 2), pool("snowflake_transform", 10, 0), pool("dbt_cloud_trigger", 4, 0), pool("sas_grid", 2, 0)],
    },
    warehouse: {
      schemas,
      query_errors,
      tables: [
        { table: "member_raw.enrollment_834_members", at: "2026-12-08T03:00:00Z", row_count: 1887410, max_loaded_at: "2026-12-08T02:55:03Z" },
        { table: "member_mart.dim_member_eligibility", at: "2026-12-08T03:15:00Z", row_count: 1702233, max_loaded_at: "2026-12-07T03:48:12Z" },
      ],
      ddl_history: [
        {
          at: iso(rename),
          user: "SVC_ENROLLMENT_FLYWAY",
          role: "ROLE_ENROLLMENT_OWNER",
          query_type: "ALTER_TABLE_MODIFY_COLUMN",
          query_text: "ALTER TABLE MEMBER_RAW.ENROLLMENT_834_MEMBERS RENAME COLUMN SUBSCRIBER_ID TO SUBSCRIBER_MEMBER_ID",
        },
        {
          at: "2026-12-04T10:02:11Z",
          user: "SVC_DBT_CLOUD",
          role: "ROLE_DBT_TRANSFORMER",
          query_type: "CREATE_TABLE_AS_SELECT",
          query_text: "create or replace transient table FERNHILL_PROD.MEMBER_MART.DIM_MEMBER_ELIGIBILITY__DBT_TMP as ( ... )",
        },
      ],
    },
    changes,
  };
}
