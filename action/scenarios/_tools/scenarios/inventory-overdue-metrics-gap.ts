/**
 * The honest answer is "unknown". At 09:58 the node running Airflow's statsd-exporter was drained
 * for a kernel upgrade; the exporter's pod was evicted and stayed Pending (its node selector
 * matched no other node), so every airflow_* series ends there. At 11:40 the hourly inventory sync
 * is overdue (the alert comes from a separate exporter on the metadata database). Why it is late
 * cannot be told from the data that exists: no pool, executor or scheduler metric covers the
 * incident, the Airflow API was not reachable for the record, and nothing changed in the window.
 */
import { executorSeries, poolSeries, schedulerSeries } from "../airflow.js";
import { noiseLogs, probes } from "../common.js";
import { HOUR, Logs, MIN, Rand, SEC, at, axis, iso, times, type Series, type Telemetry } from "../lib.js";

export const id = "inventory-overdue-metrics-gap";

/** Drops every sample at or after `until` (the exporter is gone). */
function cut(series: Series[], until: number): Series[] {
  return series.map((s) => {
    const start = Date.parse(s.start);
    const step = Number(s.step.replace("s", "")) * SEC;
    return { ...s, values: s.values.filter((_, i) => start + i * step < until) };
  });
}

export function build(): Telemetry {
  const rand = new Rand(1212);
  const now = at("2026-03-12T11:51:00Z");
  const ax = axis(now - 2.5 * HOUR, now);
  const gone = at("2026-03-12T09:58:00Z");
  const hourly = (t: number) => ((t % HOUR) / MIN >= 5 && (t % HOUR) / MIN < 17 ? rand.int(2, 4) : 0);
  const airflow = cut(
    [
      ...poolSeries(ax, [
        { name: "erp_api", slots: 4, running: hourly },
        { name: "default_pool", slots: 128, running: () => rand.int(3, 10) },
        { name: "dbt", slots: 4, running: (t) => ((t % HOUR) / MIN >= 5 && (t % HOUR) / MIN < 12 ? 1 : 0) },
      ]),
      ...executorSeries(ax, { slots: () => 32, running: () => rand.int(4, 12), queued: () => rand.int(0, 1) }),
      ...schedulerSeries(ax, rand),
    ],
    gone,
  );
  const logs = new Logs();
  noiseLogs(ax, rand, logs);
  for (const t of times(ax)) {
    if (rand.chance(0.5)) {
      logs.add(
        t + rand.uniform(0, MIN),
        { service: "airflow", tier: "airflow", component: "webserver", namespace: "airflow", level: "info" },
        `10.42.${rand.int(0, 9)}.${rand.int(2, 250)} - - "GET /api/v1/dags?limit=100 HTTP/1.1" 200 ${rand.int(8000, 9000)} "-" "python-requests/2.32.3"`,
      );
    }
  }
  return {
    series: [...airflow, ...probes(ax, rand)],
    logs,
    events: [
      {
        at: "2026-03-12T09:55:30Z",
        kind: "k8s.node.drained",
        labels: { node: "ip-10-42-7-19.eu-west-1.compute.internal", reason: "kernel-upgrade" },
        message: "node cordoned and drained by the upgrade controller",
      },
      { at: iso(gone), kind: "k8s.pod.evicted", labels: { namespace: "airflow", pod: "airflow-statsd-6c9d8f7b5-q2w8e" }, message: "Pod evicted: node drain" },
      {
        at: iso(gone + 40 * SEC),
        kind: "k8s.pod.pending",
        labels: { namespace: "airflow", pod: "airflow-statsd-6c9d8f7b5-z7k3m" },
        message: "0/11 nodes are available: 11 node(s) didn't match Pod's node affinity/selector",
      },
    ],
    changes: {
      commits: [
        {
          repo: "shopfront/data-platform",
          sha: "6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e",
          at: "2026-03-12T06:14:03Z",
          author: "rnair",
          message: "inventory: log the ERP request id on retries",
          files: [
            {
              path: "airflow/dags/inventory_sync.py",
              status: "modified",
              patch:
                '@@ -58,6 +58,7 @@ def sync_fc(fc: str) -> None:\n     resp = erp.get(f"/stock/{fc}")\n     if resp.status_code >= 500:\n+        log.warning("ERP %s for %s, request id %s", resp.status_code, fc, resp.headers.get("x-request-id"))\n         raise AirflowException("ERP unavailable")\n',
            },
          ],
        },
      ],
      deployments: [],
    },
  };
}
