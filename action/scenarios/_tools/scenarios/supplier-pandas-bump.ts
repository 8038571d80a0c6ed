/**
 * 16:42 yesterday Dependabot's bump of pandas 2.2.3 → 3.0.1 in the Airflow image was merged; the
 * image was rebuilt and rolled out at 17:05. pandas 3 removed DataFrame.applymap, which the
 * supplier feeds use to normalise catalogue fields. The hourly DAGs do not use it and keep running;
 * at 02:00 all four supplier downloads fail in their normalise step with the same AttributeError.
 */
import { backgroundChanges, noiseLogs, probes } from "../common.js";
import { airflowLog, healthyAirflow, taskLog } from "../airflow.js";
import { HOUR, Logs, MIN, Rand, SEC, at, axis, times, type Telemetry } from "../lib.js";

export const id = "supplier-pandas-bump";

export const REQUIREMENTS_PATCH = `@@ -4,7 +4,7 @@ apache-airflow-providers-snowflake==6.1.1
 apache-airflow-providers-http==5.2.2
 requests==2.32.3
 erp-client==1.9.4
-pandas==2.2.3
+pandas==3.0.1
 pyarrow==19.0.1
 snowflake-connector-python[pandas]==3.14.0
 tenacity==9.0.0
`;

export function build(): Telemetry {
  const rand = new Rand(2828);
  const now = at("2026-05-12T02:24:00Z");
  const ax = axis(now - 2.5 * HOUR, now);
  const logs = new Logs();
  noiseLogs(ax, rand, logs);
  const suppliers: Record<string, string> = {
    acme: "api.acme-wholesale.example",
    nordwind: "api.nordwind-supply.example",
    polaris: "catalog.polaris-trade.example",
    vela: "feeds.vela.example",
  };
  Object.entries(suppliers).forEach(([s, host], k) => {
    for (let attempt = 1; attempt <= 2; attempt++) {
      const task = { dag_id: "supplier_feeds_daily", task_id: `fetch_supplier_catalog_${s}`, try_number: attempt };
      const start = at("2026-05-12T02:00:05Z") + k * 4 * SEC + (attempt - 1) * 6 * MIN;
      taskLog(logs, start, task, "info", "taskinstance.py:2866", `Starting attempt ${attempt} of 2`);
      for (let p = 1; p <= 3; p++)
        taskLog(logs, start + p * 50 * SEC, task, "info", "supplier_feeds.py:63", `GET https://${host}/v2/catalog?page=${p} 200 (${rand.int(480, 520)} items)`);
      taskLog(
        logs,
        start + 170 * SEC,
        task,
        "error",
        "taskinstance.py:3311",
        `Task failed with exception\nTraceback (most recent call last):\n  File "/opt/airflow/dags/repo/airflow/dags/supplier_feeds.py", line 88, in normalise\n    frame = frame.applymap(_clean_cell)\n            ^^^^^^^^^^^^^^\n  File "/home/airflow/.local/lib/python3.12/site-packages/pandas/core/generic.py", line 6321, in __getattr__\n    return object.__getattribute__(self, name)\nAttributeError: 'DataFrame' object has no attribute 'applymap'`,
      );
      taskLog(
        logs,
        start + 171 * SEC,
        task,
        "info",
        "taskinstance.py:1225",
        `Marking task as ${attempt === 2 ? "FAILED" : "UP_FOR_RETRY"}. dag_id=supplier_feeds_daily, task_id=fetch_supplier_catalog_${s}, run_id=scheduled__2026-05-11T02:00:00+00:00`,
      );
    }
  });
  for (const t of times(ax)) {
    if (rand.chance(0.3))
      airflowLog(logs, t + rand.uniform(0, MIN), "scheduler", "info", `Sending Stats for ${rand.int(58, 66)} DAGs; ${rand.int(0, 3)} tasks queued`);
    if ((t % HOUR) / MIN === 17)
      taskLog(
        logs,
        t + 2 * SEC,
        { dag_id: "inventory_sync_hourly", task_id: "sync_fc_mad1" },
        "info",
        "local_task_job_runner.py:266",
        "Task exited with return code 0",
      );
  }
  const bg = backgroundChanges(now, rand);
  return {
    series: [...healthyAirflow(ax, rand), ...probes(ax, rand)],
    logs,
    changes: {
      commits: [
        ...bg.commits,
        {
          repo: "shopfront/data-platform",
          sha: "d0c1b2a3f4e5d6c7b8a9f0e1d2c3b4a5f6e7d8c9",
          at: "2026-05-11T16:42:18Z",
          author: "dependabot[bot]",
          message: "build(deps): bump pandas from 2.2.3 to 3.0.1 in /airflow (#1571)",
          files: [{ path: "airflow/requirements.txt", status: "modified", patch: REQUIREMENTS_PATCH }],
        },
      ],
      deployments: [
        ...bg.deployments,
        {
          repo: "shopfront/data-platform",
          service: "airflow",
          environment: "production",
          ref: "airflow-image-2026.05.11-3",
          sha: "d0c1b2a3f4e5d6c7b8a9f0e1d2c3b4a5f6e7d8c9",
          at: "2026-05-11T17:05:44Z",
          status: "success",
        },
      ],
    },
  };
}
