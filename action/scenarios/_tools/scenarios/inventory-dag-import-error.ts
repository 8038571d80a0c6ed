/**
 * 14:48: a commit switches inventory_sync.py to the ERP client's v2 batch API
 * (`from erp_client.v2 import StockClient`), but the worker image still ships erp-client 1.x. From
 * the next DAG-processor pass the file fails to import: the DAG drops out of the DagBag, its 15:05
 * run is never created, and the hourly sync goes overdue. Every other DAG runs normally.
 */
import { backgroundChanges, noiseLogs, probes } from "../common.js";
import { airflowLog, executorSeries, poolSeries, schedulerSeries } from "../airflow.js";
import { HOUR, Logs, MIN, Rand, SEC, at, axis, iso, times, type Telemetry } from "../lib.js";

export const id = "inventory-dag-import-error";

export const DAG_PATCH = `@@ -3,8 +3,8 @@ from datetime import timedelta
 from airflow.decorators import dag, task
 from airflow.exceptions import AirflowException
 
-from erp_client import ErpClient
+from erp_client.v2 import StockClient
 
 FULFILMENT_CENTRES = [
     "ber1",
     "ham2",
@@ -30,7 +30,7 @@ def inventory_sync_hourly():
         @task(task_id=f"sync_fc_{fc}")
         def sync_fc(fc: str = fc) -> None:
-            client = ErpClient.from_connection("erp_api")
+            client = StockClient.from_connection("erp_api")
             rows = client.stock_levels(fulfilment_centre=fc)
             if not rows:
                 raise AirflowException(f"ERP returned no stock for {fc}")
`;

export function build(): Telemetry {
  const rand = new Rand(2525);
  const now = at("2026-04-28T15:58:00Z");
  const ax = axis(now - 3.5 * HOUR, now);
  const broken = at("2026-04-28T14:50:12Z");
  const minuteOfHour = (t: number) => (t % HOUR) / MIN;
  const series = [
    ...poolSeries(ax, [
      { name: "default_pool", slots: 128, running: () => rand.int(2, 9) },
      { name: "erp_api", slots: 4, running: (t) => (t < broken && minuteOfHour(t) >= 5 && minuteOfHour(t) < 17 ? rand.int(2, 4) : 0) },
      { name: "dbt", slots: 4, running: (t) => (minuteOfHour(t) >= 5 && minuteOfHour(t) < 12 ? 1 : 0) },
      { name: "supplier_apis", slots: 4, running: () => 0 },
    ]),
    ...executorSeries(ax, { slots: () => 32, running: () => rand.int(3, 10), queued: () => rand.int(0, 1) }),
    ...schedulerSeries(ax, rand, { dags: 64, importErrors: (t) => (t >= broken ? 1 : 0) }).map((s) =>
      s.labels.__name__ === "airflow_dagbag_size" ? { ...s, values: s.values.map((v, i) => (ax.start + i * MIN >= broken ? 63 : v)) } : s,
    ),
    ...probes(ax, rand),
  ];
  const logs = new Logs();
  noiseLogs(ax, rand, logs);
  for (const t of times(ax)) {
    if (rand.chance(0.3))
      airflowLog(logs, t + rand.uniform(0, MIN), "scheduler", "info", `Sending Stats for ${t >= broken ? 63 : 64} DAGs; ${rand.int(0, 3)} tasks queued`);
    if (t >= broken && (t / MIN) % 5 === 0) {
      airflowLog(
        logs,
        t + 12 * SEC,
        "scheduler",
        "error",
        `Failed to import: /opt/airflow/dags/repo/airflow/dags/inventory_sync.py\nTraceback (most recent call last):\n  File "/opt/airflow/dags/repo/airflow/dags/inventory_sync.py", line 7, in <module>\n    from erp_client.v2 import StockClient\nModuleNotFoundError: No module named 'erp_client.v2'`,
      );
    }
  }
  const bg = backgroundChanges(now, rand);
  return {
    series,
    logs,
    orchestrator: {
      dag_runs: ["12", "13", "14"].map((h) => ({
        dag_id: "inventory_sync_hourly",
        dag_run_id: `scheduled__2026-04-28T${String(Number(h) - 1).padStart(2, "0")}:00:00+00:00`,
        run_type: "scheduled",
        logical_date: `2026-04-28T${String(Number(h) - 1).padStart(2, "0")}:00:00Z`,
        state: "success",
        start_date: `2026-04-28T${h}:05:03Z`,
        end_date: `2026-04-28T${h}:16:51Z`,
      })),
      task_instances: [],
      import_errors: [
        {
          import_error_id: 212,
          timestamp: iso(broken),
          filename: "/opt/airflow/dags/repo/airflow/dags/inventory_sync.py",
          bundle_name: "dags-folder",
          stack_trace:
            "Traceback (most recent call last):\n  File \"/opt/airflow/dags/repo/airflow/dags/inventory_sync.py\", line 7, in <module>\n    from erp_client.v2 import StockClient\nModuleNotFoundError: No module named 'erp_client.v2'\n",
        },
      ],
      pools: [
        { name: "default_pool", slots: 128, occupied_slots: 6, running_slots: 6, queued_slots: 0, scheduled_slots: 0, deferred_slots: 0, open_slots: 122 },
        { name: "erp_api", slots: 4, occupied_slots: 0, running_slots: 0, queued_slots: 0, scheduled_slots: 0, deferred_slots: 0, open_slots: 4 },
      ],
    },
    changes: {
      commits: [
        ...bg.commits,
        {
          repo: "shopfront/data-platform",
          sha: "8e2b4d6f0a1c3e5b7d9f1a3c5e7b9d0f2a4c6e8b",
          at: "2026-04-28T14:48:37Z",
          author: "rnair",
          message: "inventory: use the ERP client's v2 batch stock API (#1544)",
          files: [{ path: "airflow/dags/inventory_sync.py", status: "modified", patch: DAG_PATCH }],
        },
      ],
      deployments: bg.deployments,
    },
  };
}
