/**
 * Acme's API started throttling at 5 requests per second again (see supplier-rate-limited), but
 * since the fix in June the client no longer fails on 429: a bug makes it treat an exhausted retry
 * budget as the last page. The 02:00 run "succeeds" with 31,500 of Acme's ~96,000 products, and
 * the volume test at the end of supplier_feeds_daily fails on raw.supplier_catalog.
 */
import { backgroundChanges, noiseLogs, probes } from "../common.js";
import { airflowLog, healthyAirflow, taskLog } from "../airflow.js";
import { HOUR, Logs, MIN, Rand, SEC, at, axis, times, type Telemetry } from "../lib.js";

export const id = "supplier-partial-extract";

export function build(): Telemetry {
  const rand = new Rand(4444);
  const now = at("2026-08-04T03:09:00Z");
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
    const task = { dag_id: "supplier_feeds_daily", task_id: `fetch_supplier_catalog_${s}` };
    let t = at("2026-08-04T02:00:06Z") + rand.int(0, 20) * SEC;
    taskLog(logs, t, task, "info", "taskinstance.py:2866", "Starting attempt 1 of 3");
    const pages = s === "acme" ? 63 : 24;
    for (let p = 1; p <= pages; p++) {
      t += rand.int(20, 40) * SEC;
      if (s === "acme" && p > 40 && rand.chance(0.5))
        taskLog(
          logs,
          t,
          task,
          "warn",
          "supplier_feeds.py:71",
          `GET https://${host}/v3/products?page=${p} 429 Too Many Requests (Retry-After: 60, X-RateLimit-Remaining: 0); backing off`,
        );
      else if (s !== "acme" || p <= 63)
        taskLog(
          logs,
          t,
          task,
          "info",
          "supplier_feeds.py:63",
          `GET https://${host}/v${s === "acme" ? 3 : 2}/${s === "acme" ? "products" : "catalog"}?page=${p} 200 (500 items)`,
        );
    }
    if (s === "acme") taskLog(logs, t + 2 * SEC, task, "warn", "supplier_feeds.py:79", "retry budget exhausted on page 64; treating as end of catalogue");
    taskLog(
      logs,
      t + 5 * SEC,
      task,
      "info",
      "supplier_feeds.py:102",
      `merged ${s === "acme" ? "31,500" : rand.int(11900, 12100)} products into raw.supplier_catalog for ${s}`,
    );
    taskLog(logs, t + 6 * SEC, task, "info", "local_task_job_runner.py:266", "Task exited with return code 0");
  }
  const test = { dag_id: "supplier_feeds_daily", task_id: "test_supplier_catalog" };
  const tt = at("2026-08-04T02:51:10Z");
  taskLog(logs, tt, test, "info", "subprocess.py:93", "Running with dbt=1.9.4");
  taskLog(
    logs,
    tt + 20 * SEC,
    test,
    "error",
    "subprocess.py:93",
    "3 of 5 FAIL 1 elementary_volume_anomalies_raw_supplier_catalog_ ......... [FAIL 1 in 4.12s]",
  );
  taskLog(
    logs,
    tt + 25 * SEC,
    test,
    "error",
    "subprocess.py:93",
    "Failure in test elementary_volume_anomalies_raw_supplier_catalog_ (models/suppliers/sources.yml)\n  Got 1 result, configured to fail if != 0\n  row count 67,412 is below the expected range [128,900 – 141,300] for 2026-08-04",
  );
  for (const t of times(ax))
    if (rand.chance(0.3))
      airflowLog(logs, t + rand.uniform(0, MIN), "scheduler", "info", `Sending Stats for ${rand.int(58, 66)} DAGs; ${rand.int(0, 3)} tasks queued`);
  return { series: [...healthyAirflow(ax, rand), ...probes(ax, rand)], logs, changes: backgroundChanges(now, rand) };
}
