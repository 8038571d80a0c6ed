/**
 * The 03:00 run of dbt_orders_hourly (it starts at 04:05 and usually takes 7 minutes) hangs on a
 * statement queued behind a heavy ad-hoc query on TRANSFORM_WH, and fails at 04:48 on the
 * warehouse's statement timeout. marketing_attribution_daily starts at 04:00 and its
 * ExternalTaskSensor waits for exactly that run; after 45 minutes (04:45) it times out and fails.
 * The attribution DAG itself did not change.
 */
import { backgroundChanges, noiseLogs, probes } from "../common.js";
import { airflowLog, healthyAirflow, taskLog } from "../airflow.js";
import { HOUR, Logs, MIN, Rand, SEC, at, axis, times, type Telemetry } from "../lib.js";

export const id = "attribution-upstream-late";

export function build(): Telemetry {
  const rand = new Rand(4242);
  const now = at("2026-07-14T04:57:00Z");
  const ax = axis(now - 2.5 * HOUR, now);
  const sensorStart = at("2026-07-14T04:00:04Z");
  const logs = new Logs();
  noiseLogs(ax, rand, logs);
  const sensor = { dag_id: "marketing_attribution_daily", task_id: "wait_for_orders_marts", try_number: 1 };
  taskLog(logs, sensorStart, sensor, "info", "taskinstance.py:2866", "Starting attempt 1 of 1");
  for (let t = sensorStart + 5 * SEC; t < sensorStart + 45 * MIN; t += 5 * MIN) {
    taskLog(logs, t, sensor, "info", "external_task.py:274", "Poking for tasks ['dbt_build'] in dag dbt_orders_hourly on 2026-07-14T03:00:00+00:00 ... ");
  }
  taskLog(
    logs,
    sensorStart + 45 * MIN + SEC,
    sensor,
    "error",
    "taskinstance.py:3311",
    'Task failed with exception\nTraceback (most recent call last):\n  File "/home/airflow/.local/lib/python3.12/site-packages/airflow/sensors/base.py", line 297, in execute\n    raise AirflowSensorTimeout(message)\nairflow.exceptions.AirflowSensorTimeout: Sensor has timed out; run duration of 2701.03 seconds exceeds the specified timeout of 2700.0.',
  );
  const dbt = { dag_id: "dbt_orders_hourly", task_id: "dbt_build", try_number: 2 };
  taskLog(
    logs,
    at("2026-07-14T04:48:12Z"),
    dbt,
    "error",
    "taskinstance.py:3311",
    "Task failed with exception\nairflow.exceptions.AirflowException: Bash command failed. The command returned a non-zero exit code 1.\n  000630 (57014): Statement reached its statement or warehouse timeout of 2,400 second(s) and was canceled.",
  );
  for (const t of times(ax))
    if (rand.chance(0.3))
      airflowLog(logs, t + rand.uniform(0, MIN), "scheduler", "info", `Sending Stats for ${rand.int(58, 66)} DAGs; ${rand.int(0, 3)} tasks queued`);
  const run = (h: string, state: string, start: string, end: string | null) => ({
    dag_id: "dbt_orders_hourly",
    dag_run_id: `scheduled__2026-07-14T${h}:00:00+00:00`,
    run_type: "scheduled",
    logical_date: `2026-07-14T${h}:00:00Z`,
    state,
    start_date: start,
    end_date: end,
  });
  return {
    series: [...healthyAirflow(ax, rand), ...probes(ax, rand)],
    logs,
    orchestrator: {
      dag_runs: [
        run("01", "success", "2026-07-14T02:05:02Z", "2026-07-14T02:11:49Z"),
        run("02", "success", "2026-07-14T03:05:03Z", "2026-07-14T03:11:40Z"),
        run("03", "failed", "2026-07-14T04:05:02Z", "2026-07-14T04:48:13Z"),
        {
          dag_id: "marketing_attribution_daily",
          dag_run_id: "scheduled__2026-07-13T04:00:00+00:00",
          run_type: "scheduled",
          logical_date: "2026-07-13T04:00:00Z",
          state: "failed",
          start_date: "2026-07-14T04:00:02Z",
          end_date: "2026-07-14T04:45:06Z",
        },
      ],
      task_instances: [],
      import_errors: [],
      pools: [],
    },
    changes: backgroundChanges(now, rand),
  };
}
