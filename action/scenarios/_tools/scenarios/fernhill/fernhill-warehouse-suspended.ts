/**
 * Fernhill, Friday 2027-02-26.
 *
 * The resource monitor `RM_ELT_MONTHLY` (1,800 credits a month, notify at 80/90 %, SUSPEND at
 * 100 %, SUSPEND_IMMEDIATE at 110 %) covers `FH_ELT_WH`, the warehouse airflow-claims loads with.
 * An actuarial backfill between the 17th and the 20th burned 610 extra credits; at 11:37:20 the
 * monitor reaches 100 % and suspends FH_ELT_WH once its running statements finish (11:38:02).
 * From then on every statement of SVC_AIRFLOW_CLAIMS fails with `Warehouse 'FH_ELT_WH' cannot be
 * resumed because resource monitor 'RM_ELT_MONTHLY' has exceeded its quota`:
 * `member_eligibility_sync.load_834_to_snowflake` (12:00 run) and
 * `claims__edi837_ingest_hourly.load_to_snowflake` (11:02 run's load at 12:16) fail after their
 * retries. dbt Cloud on FH_DBT_WH and BI on FH_BI_WH are unaffected; the Snowflake login works.
 *
 * Distractors: a commit at 10:31 to the 837 DAG (adds a column to its COPY), an airflow-claims Helm
 * values change synced at 11:52 (after the onset); the 80 % and 90 % notifications days earlier; a
 * BI statement timeout before the onset.
 */
import { HOUR, Logs, MIN, Rand, SEC, at, axis, iso, type Telemetry } from "../../lib.js";
import {
  CLAIMS_WORKERS,
  backgroundChanges,
  backgroundLogs,
  claimsFqdn,
  claimsHostSeries,
  commit,
  dagRun,
  deployment,
  healthyAirflow,
  pool,
  probeSeries,
  runIdOf,
  taskInstance,
  taskLog,
} from "../../fernhill/lib.js";

export const id = "fernhill-warehouse-suspended";

const SUSPENDED = "000606 (57P03): Warehouse 'FH_ELT_WH' cannot be resumed because resource monitor 'RM_ELT_MONTHLY' has exceeded its quota.";

export function build(): Telemetry {
  const rand = new Rand(270226);
  const now = at("2027-02-26T12:40:00Z");
  const ax = axis(now - 5 * HOUR, now);
  const quota = at("2027-02-26T11:37:20Z");
  const suspended = at("2027-02-26T11:38:02Z");
  const inst = "airflow-claims" as const;

  type Attempt = { dag: string; task: string; logical: number; start: number; try_number: number; host: string; last: boolean; interval: number };
  const attempts: Attempt[] = [];
  for (let k = 0; k < 3; k++)
    attempts.push({
      dag: "member_eligibility_sync",
      task: "load_834_to_snowflake",
      logical: at("2027-02-26T08:00:00Z"),
      start: at("2027-02-26T12:09:44Z") + k * 5 * MIN + k * 11 * SEC,
      try_number: k + 1,
      host: CLAIMS_WORKERS[(k + 1) % 4]!,
      last: k === 2,
      interval: 4 * HOUR,
    });
  for (let k = 0; k < 3; k++)
    attempts.push({
      dag: "claims__edi837_ingest_hourly",
      task: "load_to_snowflake",
      logical: at("2027-02-26T11:02:00Z"),
      start: at("2027-02-26T12:16:05Z") + k * 5 * MIN + k * 9 * SEC,
      try_number: k + 1,
      host: CLAIMS_WORKERS[k % 4]!,
      last: k === 2,
      interval: HOUR,
    });
  attempts.sort((a, b) => a.start - b.start);
  const failAt = attempts.map((a) => a.start + rand.int(3, 6) * SEC);

  const series = [
    ...healthyAirflow(ax, rand, inst, {}, undefined, { failures: (t) => failAt.filter((f) => f >= t - MIN && f < t).length / 60 }),
    ...healthyAirflow(ax, rand, "airflow-analytics"),
    ...CLAIMS_WORKERS.flatMap((h) => claimsHostSeries(ax, rand, h)),
    ...probeSeries(ax, rand),
  ];

  const logs = new Logs();
  backgroundLogs(ax, rand, logs);
  // Hourly loads before the suspension succeed.
  for (let t = at("2027-02-26T08:16:00Z"); t < quota; t += HOUR) {
    const ref = { dag_id: "claims__edi837_ingest_hourly", task_id: "load_to_snowflake", host: "fh-afc-wkr-01" };
    taskLog(
      logs,
      t + 4 * SEC,
      inst,
      ref,
      "INFO",
      "snowflake.py:398",
      "Running statement: COPY INTO claims_raw.edi837_claim_headers FROM @claims_raw.edi837_stage/ FILE_FORMAT = (FORMAT_NAME = claims_raw.x12_json) MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE, parameters: None",
    );
    taskLog(logs, t + 41 * SEC, inst, ref, "INFO", "cursor.py:1149", `query execution done (warehouse FH_ELT_WH, ${rand.int(6, 30)} files loaded)`);
  }
  attempts.forEach((a, i) => {
    const ref = { dag_id: a.dag, task_id: a.task, try_number: a.try_number, host: a.host };
    taskLog(logs, a.start, inst, ref, "INFO", "taskinstance.py:2867", `Starting attempt ${a.try_number} of 3`);
    taskLog(
      logs,
      a.start + 2 * SEC,
      inst,
      ref,
      "INFO",
      "connection.py:414",
      "Snowflake Connector for Python Version: 3.12.3, Python Version: 3.11.9, Platform: Linux-6.1.119-129.201.amzn2023.x86_64-x86_64-with-glibc2.36",
    );
    taskLog(logs, a.start + 3 * SEC, inst, ref, "INFO", "connection.py:1254", "Connecting to GLOBAL Snowflake domain");
    taskLog(logs, failAt[i]! - 400, inst, ref, "INFO", "cursor.py:1032", "query: [USE WAREHOUSE FH_ELT_WH]");
    taskLog(
      logs,
      failAt[i]!,
      inst,
      ref,
      "ERROR",
      "taskinstance.py:3313",
      `Task failed with exception\nTraceback (most recent call last):\n  File "/home/airflow/.local/lib/python3.11/site-packages/airflow/providers/common/sql/hooks/sql.py", line 418, in run\n    self._run_command(cur, sql_statement, parameters)\n  File "/home/airflow/.local/lib/python3.11/site-packages/snowflake/connector/errors.py", line 290, in errorhandler_wrapper\n    raise error_class(\nsnowflake.connector.errors.ProgrammingError: ${SUSPENDED}`,
    );
    taskLog(
      logs,
      failAt[i]! + 300,
      inst,
      ref,
      a.last ? "ERROR" : "INFO",
      "taskinstance.py:1206",
      `Marking task as ${a.last ? "FAILED" : "UP_FOR_RETRY"}. dag_id=${a.dag}, task_id=${a.task}, run_id=${runIdOf(a.logical)}`,
    );
  });

  // Orchestrator.
  const dagRuns = [];
  const tis = [];
  for (let l = at("2027-02-26T07:02:00Z"); l <= at("2027-02-26T11:02:00Z"); l += HOUR) {
    const start = l + HOUR + 3 * SEC;
    const mine = attempts.filter((a) => a.dag === "claims__edi837_ingest_hourly" && a.logical === l);
    const last = mine[mine.length - 1];
    const fail = mine.some((a) => a.last);
    dagRuns.push(
      dagRun({
        dag_id: "claims__edi837_ingest_hourly",
        logical: l,
        state: !mine.length ? "success" : fail ? "failed" : "running",
        start,
        end: !mine.length ? start + rand.int(950, 1100) * SEC : fail ? last!.start + 9 * SEC : null,
        interval: HOUR,
      }),
    );
    tis.push(
      taskInstance({
        dag_id: "claims__edi837_ingest_hourly",
        run_id: runIdOf(l),
        logical: l,
        task_id: "load_to_snowflake",
        state: !mine.length ? "success" : last!.last ? "failed" : "up_for_retry",
        try_number: last?.try_number ?? 1,
        pool: "snowflake_load",
        operator: "SnowflakeOperator",
        start: last?.start ?? start + 14 * MIN,
        end: (last?.start ?? start + 14 * MIN) + (mine.length ? 6 : 45) * SEC,
        queued: (last?.start ?? start + 14 * MIN) - 2 * SEC,
        hostname: claimsFqdn(last?.host ?? "fh-afc-wkr-01"),
        rendered_fields: { snowflake_conn_id: "snowflake_claims_loader", warehouse: "FH_ELT_WH" },
      }),
    );
  }
  for (const l of [at("2027-02-26T00:00:00Z"), at("2027-02-26T04:00:00Z"), at("2027-02-26T08:00:00Z")]) {
    const start = l + 4 * HOUR + 4 * SEC;
    const mine = attempts.filter((a) => a.dag === "member_eligibility_sync" && a.logical === l);
    const last = mine[mine.length - 1];
    const fail = mine.some((a) => a.last);
    dagRuns.push(
      dagRun({
        dag_id: "member_eligibility_sync",
        logical: l,
        state: !mine.length ? "success" : fail ? "failed" : "running",
        start,
        end: !mine.length ? start + rand.int(1100, 1300) * SEC : fail ? last!.start + 8 * SEC : null,
        interval: 4 * HOUR,
      }),
    );
    tis.push(
      taskInstance({
        dag_id: "member_eligibility_sync",
        run_id: runIdOf(l),
        logical: l,
        task_id: "load_834_to_snowflake",
        state: !mine.length ? "success" : last!.last ? "failed" : "up_for_retry",
        try_number: last?.try_number ?? 1,
        pool: "snowflake_load",
        operator: "SnowflakeOperator",
        start: last?.start ?? start + 9 * MIN,
        end: (last?.start ?? start + 9 * MIN) + (mine.length ? 5 : 600) * SEC,
        queued: (last?.start ?? start + 9 * MIN) - 2 * SEC,
        hostname: claimsFqdn(last?.host ?? "fh-afc-wkr-04"),
        rendered_fields: { snowflake_conn_id: "snowflake_claims_loader", warehouse: "FH_ELT_WH" },
      }),
    );
  }

  const qe = (t: number, user: string, role: string, wh: string, code: string, message: string) => ({
    at: iso(t),
    user,
    role,
    warehouse: wh,
    error_code: code,
    message,
  });
  const query_errors = [
    qe(
      at("2027-02-26T09:12:31Z"),
      "SVC_TABLEAU",
      "ROLE_BI_READER",
      "FH_BI_WH",
      "000630",
      "Statement reached its statement or warehouse timeout of 300 second(s) and was canceled.",
    ),
    ...attempts.map((a, i) =>
      qe(failAt[i]! - 300, "SVC_AIRFLOW_CLAIMS", "ROLE_CLAIMS_LOADER", "FH_ELT_WH", "000606", SUSPENDED.replace("000606 (57P03): ", "")),
    ),
  ];
  const changes = backgroundChanges(now, rand);
  changes.commits.push(
    commit(rand, {
      repo: "fernhill-health/airflow-claims-dags",
      at: at("2027-02-26T10:31:50Z"),
      author: "dpatel-fh",
      message: "837 intake: load the new ambulance pickup ZIP segment",
      files: [
        {
          path: "dags/claims/edi837_ingest_hourly.py",
          patch: '@@ -118,6 +118,7 @@ COPY_COLUMNS = [\n     "service_facility_npi",\n+    "ambulance_pickup_zip",\n ]\n',
        },
      ],
    }),
    commit(rand, {
      repo: "fernhill-health/platform-helm",
      at: at("2027-02-26T11:48:02Z"),
      author: "kowalczyk-a",
      message: "airflow-claims: statsd-exporter 0.28.0",
      files: [{ path: "charts/airflow-claims/values-prod.yaml", patch: "@@ -201,7 +201,7 @@ statsd:\n-    tag: v0.27.2\n+    tag: v0.28.0\n" }],
    }),
  );
  changes.deployments.push(
    deployment(rand, {
      repo: "fernhill-health/platform-helm",
      service: "airflow-claims-statsd",
      at: at("2027-02-26T11:52:30Z"),
      ref: "argocd/airflow-claims@4d2a8e1",
    }),
  );
  return {
    series,
    logs,
    events: [
      {
        at: "2027-02-19T15:04:00Z",
        kind: "snowflake.resource_monitor.notify",
        labels: { monitor: "RM_ELT_MONTHLY", warehouse: "FH_ELT_WH" },
        message: "Resource monitor RM_ELT_MONTHLY reached 80% of its 1800 credit quota",
      },
      {
        at: "2027-02-24T07:41:00Z",
        kind: "snowflake.resource_monitor.notify",
        labels: { monitor: "RM_ELT_MONTHLY", warehouse: "FH_ELT_WH" },
        message: "Resource monitor RM_ELT_MONTHLY reached 90% of its 1800 credit quota",
      },
      {
        at: iso(quota),
        kind: "quota.exceeded",
        labels: { monitor: "RM_ELT_MONTHLY", warehouse: "FH_ELT_WH" },
        message: "Resource monitor RM_ELT_MONTHLY reached 100% of its 1800 credit quota (action SUSPEND)",
      },
      {
        at: iso(suspended),
        kind: "warehouse.suspended",
        labels: { warehouse: "FH_ELT_WH", monitor: "RM_ELT_MONTHLY" },
        message: "Warehouse FH_ELT_WH suspended by resource monitor RM_ELT_MONTHLY",
      },
      {
        at: "2027-02-26T11:52:41Z",
        kind: "argocd.app.synced",
        labels: { app: "airflow-claims" },
        message: "Sync operation to 4d2a8e1 succeeded (statsd-exporter v0.28.0)",
      },
    ],
    orchestrator: {
      dag_runs: dagRuns,
      task_instances: tis,
      import_errors: [],
      pools: [
        pool("default_pool", 64, 5),
        pool("edi_sftp", 6, 4),
        pool("clearpath_api", 4, 0),
        pool("snowflake_load", 8, 1),
        pool("statehix_sftp", 2, 0),
        pool("credentialstream_api", 4, 0),
      ],
    },
    warehouse: {
      query_errors,
      tables: [{ table: "claims_raw.edi837_claim_headers", at: "2027-02-26T12:30:00Z", row_count: 40822110, max_loaded_at: "2027-02-26T11:16:46Z" }],
      resource_monitors: [
        {
          at: "2027-02-26T08:00:00Z",
          name: "RM_ELT_MONTHLY",
          credit_quota: 1800,
          used_credits: 1771.4,
          remaining_credits: 28.6,
          frequency: "MONTHLY",
          warehouses: "FH_ELT_WH",
          notify: "80%,90%",
          suspend: "100%",
          suspend_immediate: "110%",
        },
        {
          at: "2027-02-26T11:00:00Z",
          name: "RM_ELT_MONTHLY",
          credit_quota: 1800,
          used_credits: 1793.9,
          remaining_credits: 6.1,
          frequency: "MONTHLY",
          warehouses: "FH_ELT_WH",
          notify: "80%,90%",
          suspend: "100%",
          suspend_immediate: "110%",
        },
        {
          at: "2027-02-26T12:00:00Z",
          name: "RM_ELT_MONTHLY",
          credit_quota: 1800,
          used_credits: 1800.6,
          remaining_credits: 0,
          frequency: "MONTHLY",
          warehouses: "FH_ELT_WH",
          notify: "80%,90%",
          suspend: "100%",
          suspend_immediate: "110%",
        },
        {
          at: "2027-02-26T12:00:00Z",
          name: "RM_DBT_MONTHLY",
          credit_quota: 2400,
          used_credits: 1690.2,
          remaining_credits: 709.8,
          frequency: "MONTHLY",
          warehouses: "FH_DBT_WH",
          notify: "80%,90%",
          suspend: "100%",
          suspend_immediate: "110%",
        },
      ],
      warehouses: [
        { at: "2027-02-26T11:00:00Z", name: "FH_ELT_WH", state: "STARTED", size: "Medium", resource_monitor: "RM_ELT_MONTHLY" },
        { at: "2027-02-26T12:00:00Z", name: "FH_ELT_WH", state: "SUSPENDED", size: "Medium", resource_monitor: "RM_ELT_MONTHLY" },
        { at: "2027-02-26T12:00:00Z", name: "FH_DBT_WH", state: "STARTED", size: "Large", resource_monitor: "RM_DBT_MONTHLY" },
      ],
    },
    changes,
  };
}
