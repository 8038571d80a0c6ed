/**
 * Fernhill, airflow-analytics, Tuesday 2026-11-03.
 *
 * airflow-analytics reads its DAGs from `fernhill-health/airflow-analytics-dags` through git-sync
 * (60 s). At 09:04:12 a risk-adjustment engineer merges "switch HCC crosswalk to CMS-HCC V28",
 * which makes `dags/risk/hcc_scoring_daily.py` import `fernhill_common.hcc.v28`. That module
 * ships with fernhill-common 3.5; the worker and scheduler image still has 3.4 (the image bump is a
 * separate, undeployed commit). git-sync pulls at 09:05:00, the DAG processor fails to import the
 * file at 09:05:31: `airflow_dag_processing_import_errors` 0 → 1, `airflow_dagbag_size` 52 → 51,
 * `/importErrors` lists the ModuleNotFoundError. `risk__hcc_scoring_daily` (daily, 10:00) gets no
 * run; the Grafana freshness rule on `risk_stage.member_hcc_scores` fires at 10:47 and the dbt Cloud
 * job "risk_mart daily" errors on source freshness at 11:02.
 *
 * Distractors: a requirements.txt bump of snowflake-connector-python in the image repo at 08:20
 * that was never deployed (ModuleNotFoundError looks like a dependency problem); the scheduler
 * beats and every other analytics DAG runs (the 10:00 and 11:00 reporting runs succeed); the dbt
 * freshness error is a consequence; a member-portal deploy at 10:12.
 */
import { HOUR, Logs, MIN, Rand, SEC, at, axis, iso, type Telemetry } from "../../lib.js";
import {
  backgroundChanges,
  backgroundLogs,
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
} from "../../fernhill/lib.js";

export const id = "fernhill-dag-import-error";

const STACK = `Traceback (most recent call last):
  File "<frozen importlib._bootstrap>", line 241, in _call_with_frames_removed
  File "/opt/airflow/dags/repo/dags/risk/hcc_scoring_daily.py", line 14, in <module>
    from fernhill_common.hcc.v28 import CROSSWALK_V28, score_member
ModuleNotFoundError: No module named 'fernhill_common.hcc.v28'
`;

export function build(): Telemetry {
  const rand = new Rand(261103);
  const now = at("2026-11-03T11:20:00Z");
  const ax = axis(now - 5 * HOUR, now);
  const inst = "airflow-analytics" as const;
  const sync = at("2026-11-03T09:05:00Z");
  const parsed = at("2026-11-03T09:05:31Z");
  const dagFile = "/opt/airflow/dags/repo/dags/risk/hcc_scoring_daily.py";

  const series = [
    ...healthyAirflow(ax, rand, inst, {}, undefined, { importErrors: (t) => (t >= parsed ? 1 : 0), dags: (t) => (t >= parsed ? 51 : 52) }),
    ...healthyAirflow(ax, rand, "airflow-claims"),
    ...dagrunDurationSeries(
      ax,
      inst,
      "reporting__exec_kpis_hourly",
      Array.from({ length: 12 }, (_, k) => ({
        end: at("2026-11-03T00:09:00Z") + k * HOUR + rand.int(-60, 60) * SEC,
        seconds: rand.int(480, 560),
        state: "success" as const,
      })),
    ),
    ...dagrunDurationSeries(ax, inst, "risk__hcc_scoring_daily", [{ end: at("2026-11-02T10:31:02Z"), seconds: 1858, state: "success" }]),
    ...probeSeries(ax, rand),
  ];

  const logs = new Logs();
  backgroundLogs(ax, rand, logs);
  const proc = "airflow-analytics-dag-processor-7b6c5d9f8-w2xkz";
  for (let t = ax.start; t < now; t += 30 * SEC) {
    // The DAG processor's routine lines, and one harmless warning of another file that is always there.
    if (Math.floor(t / (30 * SEC)) % 10 === 0)
      componentLog(
        logs,
        t + 1200,
        inst,
        "dag-processor",
        proc,
        "INFO",
        pyLine(t + 1200, "manager.py:1025", "INFO", `DAG File Processing Stats: ${t >= parsed ? 51 : 52} DAGs parsed, ${t >= parsed ? 1 : 0} import errors`),
      );
    if (Math.floor(t / (30 * SEC)) % 20 === 3)
      componentLog(
        logs,
        t + 800,
        inst,
        "dag-processor",
        proc,
        "WARNING",
        pyLine(
          t + 800,
          "warnings.py:112",
          "WARNING",
          "/opt/airflow/dags/repo/dags/reporting/star_ratings_monthly.py:9: RemovedInAirflow3Warning: The `airflow.operators.python_operator.PythonOperator` class is deprecated. Please use `'airflow.operators.python.PythonOperator'`.",
        ),
      );
    if ((t - ax.start) % MIN === 0)
      componentLog(
        logs,
        t + 300,
        inst,
        "git-sync",
        proc,
        "INFO",
        `I${new Date(t + 300).toISOString().slice(5, 10).replace("-", "")} ${new Date(t + 300).toISOString().slice(11, 23)}       1 main.go:1250] "level"=1 "msg"="no update required" "rev"="HEAD" "local"="${t < sync ? "3e7a91c40b" : "b71f5d2e98"}" "remote"="${t < sync ? "3e7a91c40b" : "b71f5d2e98"}"`,
      );
  }
  componentLog(
    logs,
    sync,
    inst,
    "git-sync",
    proc,
    "INFO",
    `I1103 09:05:00.318012       1 main.go:1238] "level"=0 "msg"="update required" "ref"="main" "local"="3e7a91c40b" "remote"="b71f5d2e98" "syncCount"=88412`,
  );
  componentLog(
    logs,
    sync + 2400,
    inst,
    "git-sync",
    proc,
    "INFO",
    `I1103 09:05:02.718410       1 main.go:1042] "level"=0 "msg"="updated successfully" "ref"="main" "remote"="b71f5d2e98" "syncCount"=88413`,
  );
  for (let t = parsed, k = 0; t < now; t += 5 * MIN, k++) {
    componentLog(logs, t, inst, "dag-processor", proc, "ERROR", pyLine(t, "dagbag.py:387", "ERROR", `Failed to import: ${dagFile}\n${STACK}`));
  }
  componentLog(
    logs,
    parsed + 900,
    inst,
    "dag-processor",
    proc,
    "INFO",
    pyLine(parsed + 900, "dag.py:3234", "INFO", "Setting next_dagrun for risk__hcc_scoring_daily to None, run_after=None"),
  );
  componentLog(
    logs,
    parsed + 950,
    inst,
    "scheduler",
    "airflow-analytics-scheduler-5b7d94f6c8-m9wzt",
    "INFO",
    pyLine(parsed + 950, "scheduler_job_runner.py:1837", "INFO", "DAG risk__hcc_scoring_daily is missing and will be deactivated."),
  );

  // Orchestrator: the risk DAG's history, the reporting runs that keep working, the import error.
  const dagRuns = [];
  const tis = [];
  for (let d = 6; d >= 1; d--) {
    const logical = at("2026-11-02T10:00:00Z") - d * 24 * HOUR;
    const start = logical + 24 * HOUR + 3 * SEC;
    dagRuns.push(dagRun({ dag_id: "risk__hcc_scoring_daily", logical, state: "success", start, end: start + rand.int(1700, 1950) * SEC }));
  }
  for (let l = at("2026-11-03T05:00:00Z"); l <= at("2026-11-03T10:00:00Z"); l += HOUR) {
    const start = l + HOUR + 3 * SEC;
    if (start >= now) break;
    dagRuns.push(
      dagRun({
        dag_id: "reporting__exec_kpis_hourly",
        logical: l,
        state: start + 9 * MIN < now ? "success" : "running",
        start,
        end: start + 9 * MIN < now ? start + rand.int(480, 560) * SEC : null,
        interval: HOUR,
      }),
    );
    tis.push(
      taskInstance({
        dag_id: "reporting__exec_kpis_hourly",
        run_id: runIdOf(l),
        logical: l,
        task_id: "kpi_claims_cost",
        state: "success",
        pool: "snowflake_transform",
        operator: "SnowflakeOperator",
        start: start + 20 * SEC,
        end: start + 3 * MIN,
        queued: start + 17 * SEC,
        hostname: "airflow-analytics-worker-1",
      }),
    );
  }
  dagRuns.push(
    dagRun({
      dag_id: "care_mgmt__gaps_in_care_daily",
      logical: at("2026-11-02T03:00:00Z"),
      state: "success",
      start: at("2026-11-03T03:00:04Z"),
      end: at("2026-11-03T03:26:40Z"),
    }),
  );
  dagRuns.push(
    dagRun({
      dag_id: "actuarial__loss_ratio_daily",
      logical: at("2026-11-02T05:00:00Z"),
      state: "success",
      start: at("2026-11-03T05:00:06Z"),
      end: at("2026-11-03T05:39:12Z"),
    }),
  );

  const changes = backgroundChanges(now, rand);
  changes.commits.push(
    commit(rand, {
      repo: "fernhill-health/airflow-analytics-image",
      at: at("2026-11-03T08:20:45Z"),
      author: "renovate[bot]",
      message: "chore(deps): update snowflake-connector-python to 3.12.3",
      files: [
        {
          path: "requirements.txt",
          patch: "@@ -22,7 +22,7 @@ fernhill-common==3.4.2\n-snowflake-connector-python==3.12.1\n+snowflake-connector-python==3.12.3\n",
        },
      ],
    }),
    commit(rand, {
      repo: "fernhill-health/airflow-analytics-dags",
      at: at("2026-11-03T09:04:12Z"),
      author: "agarcia-risk",
      message: "risk: switch HCC crosswalk to CMS-HCC V28 (PY2027)",
      files: [
        {
          path: "dags/risk/hcc_scoring_daily.py",
          patch:
            "@@ -11,7 +11,7 @@ from airflow.providers.snowflake.operators.snowflake import SnowflakeOperator\n \n-from fernhill_common.hcc.v24 import CROSSWALK_V24, score_member\n+from fernhill_common.hcc.v28 import CROSSWALK_V28, score_member\n \n@@ -52,7 +52,7 @@ def score(**context):\n-    crosswalk = CROSSWALK_V24\n+    crosswalk = CROSSWALK_V28\n",
        },
      ],
    }),
  );
  changes.deployments.push(
    deployment(rand, { repo: "fernhill-health/member-portal", service: "member-portal-api", at: at("2026-11-03T10:12:40Z"), ref: "v18.4.0" }),
  );
  return {
    series,
    logs,
    events: [
      {
        at: iso(sync + 3 * SEC),
        kind: "gitsync.updated",
        labels: { airflow_instance: inst, repo: "fernhill-health/airflow-analytics-dags" },
        message: "DAG bundle synced to b71f5d2e98 (main)",
      },
    ],
    orchestrator: {
      dag_runs: dagRuns,
      task_instances: tis,
      import_errors: [{ import_error_id: 211, timestamp: iso(parsed), filename: dagFile, stack_trace: STACK }],
      pools: [pool("default_pool", 48, 3), pool("snowflake_transform", 10, 1), pool("dbt_cloud_trigger", 4, 0), pool("sas_grid", 2, 0)],
    },
    warehouse: {
      tables: [
        { table: "risk_stage.member_hcc_scores", at: "2026-11-03T11:00:00Z", row_count: 412877, max_loaded_at: "2026-11-02T10:30:44Z" },
        { table: "risk_stage.member_hcc_scores", at: "2026-11-02T11:00:00Z", row_count: 412031, max_loaded_at: "2026-11-02T10:30:44Z" },
        { table: "risk_stage.member_hcc_scores", at: "2026-11-01T11:00:00Z", row_count: 411560, max_loaded_at: "2026-11-01T10:29:58Z" },
      ],
      query_errors: [],
    },
    changes,
  };
}
