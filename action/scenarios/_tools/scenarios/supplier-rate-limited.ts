/**
 * Supplier Acme lowered its catalogue API limit from 20 to 5 requests per second per key on
 * 7 April (announced by e-mail to a shared inbox nobody reads). The 02:00 download of the Acme
 * catalogue now gets `429 Too Many Requests` with `Retry-After: 60` on most pages; the task's
 * client retries a few times, then gives up. The other suppliers download normally.
 */
import { backgroundChanges, noiseLogs, probes } from "../common.js";
import { airflowLog, healthyAirflow, taskLog } from "../airflow.js";
import { HOUR, Logs, MIN, Rand, SEC, at, axis, times, type Telemetry } from "../lib.js";

export const id = "supplier-rate-limited";

export function build(): Telemetry {
  const rand = new Rand(1919);
  const now = at("2026-04-08T02:58:00Z");
  const ax = axis(now - 2.5 * HOUR, now);
  const logs = new Logs();
  noiseLogs(ax, rand, logs);
  const hosts: Record<string, string> = {
    acme: "api.acme-wholesale.example",
    nordwind: "api.nordwind-supply.example",
    polaris: "catalog.polaris-trade.example",
    vela: "feeds.vela.example",
  };
  for (const [s, host] of Object.entries(hosts)) {
    if (s === "acme") continue;
    const start = at("2026-04-08T02:00:06Z") + rand.int(0, 20) * SEC;
    const task = { dag_id: "supplier_feeds_daily", task_id: `fetch_supplier_catalog_${s}` };
    taskLog(logs, start, task, "info", "taskinstance.py:2866", "Starting attempt 1 of 3");
    for (let p = 1; p <= 12; p++)
      taskLog(logs, start + p * 70 * SEC, task, "info", "supplier_feeds.py:63", `GET https://${host}/v2/catalog?page=${p} 200 (${rand.int(480, 520)} items)`);
  }
  const acme = { dag_id: "supplier_feeds_daily", task_id: "fetch_supplier_catalog_acme" };
  for (let attempt = 1; attempt <= 3; attempt++) {
    const task = { ...acme, try_number: attempt };
    let t = at("2026-04-08T02:00:08Z") + (attempt - 1) * 17 * MIN;
    taskLog(logs, t, task, "info", "taskinstance.py:2866", `Starting attempt ${attempt} of 3`);
    let page = 1;
    for (let r = 0; r < 9; r++) {
      t += rand.int(20, 70) * SEC;
      if (rand.chance(0.3)) {
        taskLog(logs, t, task, "info", "supplier_feeds.py:63", `GET https://api.acme-wholesale.example/v3/products?page=${page} 200 (500 items)`);
        page++;
      } else {
        taskLog(
          logs,
          t,
          task,
          "warn",
          "supplier_feeds.py:71",
          `GET https://api.acme-wholesale.example/v3/products?page=${page} 429 Too Many Requests (Retry-After: 60, X-RateLimit-Limit: 5, X-RateLimit-Remaining: 0); backing off`,
        );
      }
    }
    taskLog(
      logs,
      t + 2 * SEC,
      task,
      "error",
      "taskinstance.py:3311",
      `Task failed with exception\nTraceback (most recent call last):\n  File "/opt/airflow/dags/repo/airflow/dags/supplier_feeds.py", line 74, in fetch_page\n    resp.raise_for_status()\nrequests.exceptions.HTTPError: 429 Client Error: Too Many Requests for url: https://api.acme-wholesale.example/v3/products?page=${page}`,
    );
    taskLog(
      logs,
      t + 3 * SEC,
      task,
      "info",
      "taskinstance.py:1225",
      `Marking task as ${attempt === 3 ? "FAILED" : "UP_FOR_RETRY"}. dag_id=supplier_feeds_daily, task_id=fetch_supplier_catalog_acme, run_id=scheduled__2026-04-07T02:00:00+00:00`,
    );
  }
  for (const t of times(ax)) {
    if (rand.chance(0.3))
      airflowLog(logs, t + rand.uniform(0, MIN), "scheduler", "info", `Sending Stats for ${rand.int(58, 66)} DAGs; ${rand.int(0, 3)} tasks queued`);
  }
  return { series: [...healthyAirflow(ax, rand), ...probes(ax, rand)], logs, changes: backgroundChanges(now, rand) };
}
