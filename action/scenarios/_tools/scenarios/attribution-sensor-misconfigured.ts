/**
 * Yesterday at 16:10 a commit moved marketing_attribution_daily from 04:00 to 04:30 "to let the
 * marts settle", but left its sensor's execution_delta at one hour. Since then the sensor waits for
 * a 03:30 run of dbt_orders_hourly, which is scheduled on the hour and never has one; every real
 * upstream run succeeded on time. After 45 minutes the sensor times out.
 */
import { backgroundChanges, noiseLogs, probes } from "../common.js";
import { airflowLog, healthyAirflow, taskLog } from "../airflow.js";
import { HOUR, Logs, MIN, Rand, SEC, at, axis, times, type Telemetry } from "../lib.js";

export const id = "attribution-sensor-misconfigured";

export const DAG_PATCH = `@@ -14,7 +14,7 @@ CHANNELS = [
 
 
 @dag(
-    schedule="0 4 * * *",
+    schedule="30 4 * * *",
     start_date=pendulum.datetime(2025, 9, 1, tz="UTC"),
     catchup=False,
     max_active_runs=1,
`;

export function build(): Telemetry {
  const rand = new Rand(4343);
  const now = at("2026-07-21T05:27:00Z");
  const ax = axis(now - 2.5 * HOUR, now);
  const sensorStart = at("2026-07-21T04:30:04Z");
  const logs = new Logs();
  noiseLogs(ax, rand, logs);
  const sensor = { dag_id: "marketing_attribution_daily", task_id: "wait_for_orders_marts", try_number: 1 };
  taskLog(logs, sensorStart, sensor, "info", "taskinstance.py:2866", "Starting attempt 1 of 1");
  for (let t = sensorStart + 5 * SEC; t < sensorStart + 45 * MIN; t += 5 * MIN) {
    taskLog(logs, t, sensor, "info", "external_task.py:274", "Poking for tasks ['dbt_build'] in dag dbt_orders_hourly on 2026-07-21T03:30:00+00:00 ... ");
  }
  taskLog(
    logs,
    sensorStart + 45 * MIN + SEC,
    sensor,
    "error",
    "taskinstance.py:3311",
    'Task failed with exception\nTraceback (most recent call last):\n  File "/home/airflow/.local/lib/python3.12/site-packages/airflow/sensors/base.py", line 297, in execute\n    raise AirflowSensorTimeout(message)\nairflow.exceptions.AirflowSensorTimeout: Sensor has timed out; run duration of 2701.44 seconds exceeds the specified timeout of 2700.0.',
  );
  for (const t of times(ax))
    if (rand.chance(0.3))
      airflowLog(logs, t + rand.uniform(0, MIN), "scheduler", "info", `Sending Stats for ${rand.int(58, 66)} DAGs; ${rand.int(0, 3)} tasks queued`);
  const run = (h: string) => ({
    dag_id: "dbt_orders_hourly",
    dag_run_id: `scheduled__2026-07-21T${h}:00:00+00:00`,
    run_type: "scheduled",
    logical_date: `2026-07-21T${h}:00:00Z`,
    state: "success",
    start_date: `2026-07-21T${String(Number(h) + 1).padStart(2, "0")}:05:02Z`,
    end_date: `2026-07-21T${String(Number(h) + 1).padStart(2, "0")}:11:5${h.at(-1)}Z`,
  });
  const bg = backgroundChanges(now, rand);
  return {
    series: [...healthyAirflow(ax, rand), ...probes(ax, rand)],
    logs,
    orchestrator: {
      dag_runs: [
        run("01"),
        run("02"),
        run("03"),
        {
          dag_id: "marketing_attribution_daily",
          dag_run_id: "scheduled__2026-07-20T04:30:00+00:00",
          run_type: "scheduled",
          logical_date: "2026-07-20T04:30:00Z",
          state: "failed",
          start_date: "2026-07-21T04:30:02Z",
          end_date: "2026-07-21T05:15:06Z",
        },
      ],
      task_instances: [],
      import_errors: [],
      pools: [],
    },
    changes: {
      commits: [
        ...bg.commits,
        {
          repo: "shopfront/data-platform",
          sha: "9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c",
          at: "2026-07-20T16:10:44Z",
          author: "tbergstrom",
          message: "attribution: start at 04:30 so the orders marts can settle (#1640)",
          files: [{ path: "airflow/dags/marketing_attribution.py", status: "modified", patch: DAG_PATCH }],
        },
      ],
      deployments: bg.deployments,
    },
  };
}
