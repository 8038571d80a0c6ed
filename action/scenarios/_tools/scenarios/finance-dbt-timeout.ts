/**
 * On 1 April the finance marts recognise revenue for the whole of Q1 (a quarter-end rebuild of
 * fct_revenue_recognition). The dbt build, which usually takes 50 minutes, is still running when
 * the task's execution_timeout of 2 hours stops it: `AirflowTaskTimeout: Timeout, PID: 3187`.
 * No error from the warehouse, no change to the models, Airflow itself healthy.
 */
import { backgroundChanges, noiseLogs, probes } from "../common.js";
import { airflowLog, healthyAirflow, taskLog } from "../airflow.js";
import { HOUR, Logs, MIN, Rand, SEC, at, axis, iso, times, type Telemetry } from "../lib.js";
import { RAW_PAYMENTS, queryError, snapshots } from "../warehouse.js";

export const id = "finance-dbt-timeout";

export function build(): Telemetry {
  const rand = new Rand(1414);
  const now = at("2026-04-01T06:12:00Z");
  const ax = axis(now - 2.5 * HOUR, now);
  const started = at("2026-04-01T04:00:04Z");
  const killed = started + 2 * HOUR + SEC;
  const logs = new Logs();
  noiseLogs(ax, rand, logs);
  const task = { dag_id: "dbt_finance_daily", task_id: "dbt_build", try_number: 1 };
  taskLog(logs, started, task, "info", "taskinstance.py:2866", "Starting attempt 1 of 1");
  taskLog(logs, started + SEC, task, "info", "taskinstance.py:2889", "Executing <Task(BashOperator): dbt_build> on 2026-03-31 04:00:00+00:00");
  taskLog(
    logs,
    started + 2 * SEC,
    task,
    "info",
    "subprocess.py:75",
    "Running command: ['/usr/bin/bash', '-c', 'dbt build --select +fct_revenue_recognition --target prod']",
  );
  const models = ["stg_payments", "stg_refunds", "int_payment_events", "fct_payments", "int_recognition_schedule", "fct_revenue_recognition"];
  let t = started + 40 * SEC;
  models.forEach((m, i) => {
    const took = m === "fct_revenue_recognition" ? null : m === "int_recognition_schedule" ? 71 * MIN : rand.int(40, 400) * SEC;
    taskLog(
      logs,
      t,
      task,
      "info",
      "subprocess.py:93",
      `${i + 1} of 6 START sql ${m.startsWith("fct") ? "incremental" : "view"} model ${m.startsWith("stg") ? "staging" : "analytics"}.${m} .... [RUN]`,
    );
    if (took !== null) {
      t += took;
      taskLog(logs, t, task, "info", "subprocess.py:93", `${i + 1} of 6 OK created sql model ${m} .... [SUCCESS in ${(took / 1000).toFixed(2)}s]`);
    }
  });
  taskLog(logs, killed, task, "error", "timeout.py:68", "Process timed out, PID: 3187");
  taskLog(
    logs,
    killed + 200,
    task,
    "error",
    "taskinstance.py:3311",
    'Task failed with exception\nTraceback (most recent call last):\n  File "/home/airflow/.local/lib/python3.12/site-packages/airflow/models/taskinstance.py", line 767, in _execute_task\n    result = _execute_callable(context=context, **execute_callable_kwargs)\n  File "/home/airflow/.local/lib/python3.12/site-packages/airflow/utils/timeout.py", line 69, in handle_timeout\n    raise AirflowTaskTimeout(self.error_message)\nairflow.exceptions.AirflowTaskTimeout: Timeout, PID: 3187',
  );
  taskLog(
    logs,
    killed + 400,
    task,
    "info",
    "taskinstance.py:1225",
    "Marking task as FAILED. dag_id=dbt_finance_daily, task_id=dbt_build, run_id=scheduled__2026-03-31T04:00:00+00:00, execution_date=20260331T040000, start_date=20260401T040004, end_date=20260401T060005",
  );
  taskLog(logs, killed + 900, task, "info", "local_task_job_runner.py:266", "Task exited with return code 1");
  for (const x of times(ax)) {
    if (rand.chance(0.3))
      airflowLog(logs, x + rand.uniform(0, MIN), "scheduler", "info", `Sending Stats for ${rand.int(58, 66)} DAGs; ${rand.int(0, 3)} tasks queued`);
  }
  const top = now - (now % HOUR);
  return {
    changes: backgroundChanges(now, rand),
    series: [...healthyAirflow(ax, rand), ...probes(ax, rand)],
    logs,
    warehouse: {
      schemas: snapshots("raw.payments", now - 30 * HOUR, top, () => RAW_PAYMENTS),
      query_errors: [
        queryError(
          at("2026-04-01T05:20:44Z"),
          "ANALYST_PKIM",
          "ADHOC_WH",
          "000904",
          "SQL compilation error: error line 2 at position 9\ninvalid identifier 'NET_REVENUE'",
        ),
      ],
      tables: [
        { table: "analytics.fct_revenue_recognition", at: iso(now - MIN), row_count: 311_884_120, max_loaded_at: "2026-03-31T04:58:10Z" },
        { table: "analytics.int_recognition_schedule", at: iso(now - MIN), row_count: 1_206_431_877, max_loaded_at: iso(at("2026-04-01T05:13:02Z")) },
      ],
    },
  };
}
