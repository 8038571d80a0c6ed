/**
 * The ERP gateway's OAuth client secret for Airflow (connection `erp_api`) was issued with a
 * one-year lifetime and expired at 00:00 UTC on 25 March. From the 00:05 run on, every
 * inventory_sync_hourly task fails at the token request with 401 `invalid_client`, retries twice
 * and fails. All six tasks (one alert each) share the connection; other DAGs are fine.
 */
import { backgroundChanges, noiseLogs, probes } from "../common.js";
import { airflowLog, healthyAirflow, taskLog } from "../airflow.js";
import { HOUR, Logs, MIN, Rand, SEC, at, axis, iso, times, type Telemetry } from "../lib.js";

export const id = "inventory-erp-auth-expired";
export const FCS = ["ber1", "ham2", "muc1", "waw1", "ams1", "mad1"];

export function build(): Telemetry {
  const rand = new Rand(1616);
  const now = at("2026-03-25T00:31:00Z");
  const ax = axis(now - 2.5 * HOUR, now);
  const logs = new Logs();
  noiseLogs(ax, rand, logs);
  for (const h of ["22", "23"]) {
    FCS.forEach((fc, k) => {
      const start = at(`2026-03-24T${h}:05:08Z`) + k * 2 * SEC;
      const task = { dag_id: "inventory_sync_hourly", task_id: `sync_fc_${fc}` };
      taskLog(logs, start, task, "info", "inventory_sync.py:48", "requesting ERP access token (connection erp_api)");
      taskLog(logs, start + 4 * MIN, task, "info", "inventory_sync.py:94", `merged ${rand.int(9000, 9900)} rows into raw.inventory_levels for ${fc}`);
      taskLog(logs, start + 4 * MIN + 2 * SEC, task, "info", "local_task_job_runner.py:266", "Task exited with return code 0");
    });
  }
  FCS.forEach((fc, k) => {
    for (let attempt = 1; attempt <= 3; attempt++) {
      const start = at("2026-03-25T00:05:08Z") + (attempt - 1) * 5 * MIN + k * 2 * SEC;
      const task = { dag_id: "inventory_sync_hourly", task_id: `sync_fc_${fc}`, try_number: attempt };
      taskLog(logs, start, task, "info", "taskinstance.py:2866", `Starting attempt ${attempt} of 3`);
      taskLog(logs, start + SEC, task, "info", "inventory_sync.py:48", "requesting ERP access token (connection erp_api)");
      taskLog(
        logs,
        start + 2 * SEC,
        task,
        "error",
        "taskinstance.py:3311",
        `Task failed with exception\nTraceback (most recent call last):\n  File "/opt/airflow/dags/repo/airflow/dags/inventory_sync.py", line 51, in erp_session\n    resp.raise_for_status()\nrequests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: https://erp-gateway.shopfront.example/oauth/token\nresponse body: {"error":"invalid_client","error_description":"client secret has expired"}`,
      );
      taskLog(
        logs,
        start + 3 * SEC,
        task,
        "info",
        "taskinstance.py:1225",
        `Marking task as ${attempt === 3 ? "FAILED" : "UP_FOR_RETRY"}. dag_id=inventory_sync_hourly, task_id=sync_fc_${fc}, run_id=scheduled__2026-03-24T23:00:00+00:00`,
      );
    }
  });
  for (const t of times(ax)) {
    if (rand.chance(0.3))
      airflowLog(logs, t + rand.uniform(0, MIN), "scheduler", "info", `Sending Stats for ${rand.int(58, 66)} DAGs; ${rand.int(0, 3)} tasks queued`);
    if (rand.chance(0.15))
      taskLog(
        logs,
        t + rand.uniform(0, MIN),
        { dag_id: "dbt_orders_hourly", task_id: "dbt_build" },
        "info",
        "subprocess.py:93",
        `${rand.int(1, 14)} of 14 OK created sql model analytics.${rand.pick(["fct_orders", "stg_orders", "fct_daily_revenue"])} [SUCCESS in ${rand.int(2, 40)}.${rand.int(10, 99)}s]`,
      );
  }
  return {
    changes: backgroundChanges(now, rand),
    series: [...healthyAirflow(ax, rand), ...probes(ax, rand)],
    logs,
    events: [
      {
        at: iso(at("2026-03-25T00:00:00Z")),
        kind: "secret.expired",
        labels: { provider: "erp-gateway", client: "airflow-prod", conn_id: "erp_api" },
        message: "OAuth client secret of client airflow-prod expired (issued 2025-03-25)",
      },
    ],
  };
}
