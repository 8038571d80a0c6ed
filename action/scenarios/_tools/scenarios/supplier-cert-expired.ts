/**
 * The TLS certificate of supplier Nordwind's catalogue API reached its notAfter at 00:00 UTC on
 * 20 March (blackbox saw it and raised a cert.expired event). The 02:00 run of
 * supplier_feeds_daily downloads the other three catalogues as usual, but every request of
 * fetch_supplier_catalog_nordwind fails the TLS handshake, three attempts in a row.
 */
import { backgroundChanges, noiseLogs, probes } from "../common.js";
import { airflowLog, healthyAirflow, taskLog } from "../airflow.js";
import { HOUR, Logs, MIN, Rand, SEC, at, axis, gauge, iso, times, type Telemetry } from "../lib.js";

export const id = "supplier-cert-expired";

export function build(): Telemetry {
  const rand = new Rand(1717);
  const now = at("2026-03-20T02:22:00Z");
  const ax = axis(now - 2.5 * HOUR, now);
  const notAfter = at("2026-03-20T00:00:00Z");
  const logs = new Logs();
  noiseLogs(ax, rand, logs);
  const hosts: Record<string, string> = {
    acme: "api.acme-wholesale.example",
    nordwind: "api.nordwind-supply.example",
    polaris: "catalog.polaris-trade.example",
    vela: "feeds.vela.example",
  };
  for (const [s, host] of Object.entries(hosts)) {
    if (s === "nordwind") continue;
    const start = at("2026-03-20T02:00:06Z") + rand.int(0, 20) * SEC;
    const task = { dag_id: "supplier_feeds_daily", task_id: `fetch_supplier_catalog_${s}` };
    taskLog(logs, start, task, "info", "taskinstance.py:2866", "Starting attempt 1 of 3");
    for (let p = 1; p <= 12; p++)
      taskLog(logs, start + p * 70 * SEC, task, "info", "supplier_feeds.py:63", `GET https://${host}/v2/catalog?page=${p} 200 (${rand.int(480, 520)} items)`);
  }
  for (let attempt = 1; attempt <= 3; attempt++) {
    const start = at("2026-03-20T02:00:09Z") + (attempt - 1) * 4 * MIN;
    const task = { dag_id: "supplier_feeds_daily", task_id: "fetch_supplier_catalog_nordwind", try_number: attempt };
    taskLog(logs, start, task, "info", "taskinstance.py:2866", `Starting attempt ${attempt} of 3`);
    taskLog(
      logs,
      start + 3 * SEC,
      task,
      "error",
      "taskinstance.py:3311",
      `Task failed with exception\nTraceback (most recent call last):\n  File "/home/airflow/.local/lib/python3.12/site-packages/urllib3/connectionpool.py", line 464, in _make_request\n    self._validate_conn(conn)\nssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired (_ssl.c:1006)\n\nrequests.exceptions.SSLError: HTTPSConnectionPool(host='api.nordwind-supply.example', port=443): Max retries exceeded with url: /v2/catalog?page=1 (Caused by SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired (_ssl.c:1006)')))`,
    );
    taskLog(
      logs,
      start + 4 * SEC,
      task,
      "info",
      "taskinstance.py:1225",
      `Marking task as ${attempt === 3 ? "FAILED" : "UP_FOR_RETRY"}. dag_id=supplier_feeds_daily, task_id=fetch_supplier_catalog_nordwind, run_id=scheduled__2026-03-19T02:00:00+00:00`,
    );
  }
  for (const t of times(ax)) {
    if (rand.chance(0.3))
      airflowLog(logs, t + rand.uniform(0, MIN), "scheduler", "info", `Sending Stats for ${rand.int(58, 66)} DAGs; ${rand.int(0, 3)} tasks queued`);
  }
  const certSeries = Object.entries(hosts).map(([s, host]) =>
    gauge(
      { __name__: "probe_ssl_earliest_cert_expiry", instance: `https://${host}/health`, job: "blackbox-suppliers" },
      ax,
      () => (s === "nordwind" ? notAfter : at("2026-09-01T00:00:00Z") + rand.int(0, 90) * 24 * HOUR) / 1000,
      0,
    ),
  );
  return {
    changes: backgroundChanges(now, rand),
    series: [...healthyAirflow(ax, rand), ...probes(ax, rand), ...certSeries],
    logs,
    events: [
      {
        at: iso(notAfter),
        kind: "cert.expired",
        labels: { instance: "https://api.nordwind-supply.example/health", issuer: "R11" },
        message: "certificate for api.nordwind-supply.example reached notAfter (2026-03-20T00:00:00Z)",
      },
    ],
  };
}
