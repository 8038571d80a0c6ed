/**
 * At 14:52 the platform team changed CoreDNS's upstream forwarders (a typo in the new resolver
 * address, in their own infrastructure repository). Cluster-internal names still resolve, every
 * external name fails from 14:55: the 15:05 inventory sync cannot reach the ERP gateway
 * (`Temporary failure in name resolution`), and checkout, the recommendations service and the
 * clickstream sink log the same kind of error. Nothing of the inventory pipeline changed.
 */
import { noiseLogs, probes } from "../common.js";
import { airflowLog, healthyAirflow, taskLog } from "../airflow.js";
import { HOUR, Logs, MIN, Rand, SEC, at, axis, gauge, times, type Telemetry } from "../lib.js";

export const id = "inventory-dns-outage";

export function build(): Telemetry {
  const rand = new Rand(1818);
  const now = at("2026-04-08T15:27:00Z");
  const ax = axis(now - 2.5 * HOUR, now);
  const broken = at("2026-04-08T14:55:00Z");
  const logs = new Logs();
  noiseLogs(ax, rand, logs);
  const fcs = ["ber1", "ham2", "muc1", "waw1", "ams1", "mad1"];
  for (const h of ["13", "14"]) {
    fcs.forEach((fc, k) => {
      const start = at(`2026-04-08T${h}:05:08Z`) + k * 2 * SEC;
      const task = { dag_id: "inventory_sync_hourly", task_id: `sync_fc_${fc}` };
      taskLog(logs, start + 4 * MIN, task, "info", "inventory_sync.py:94", `merged ${rand.int(9000, 9900)} rows into raw.inventory_levels for ${fc}`);
      taskLog(logs, start + 4 * MIN + 2 * SEC, task, "info", "local_task_job_runner.py:266", "Task exited with return code 0");
    });
  }
  fcs.forEach((fc, k) => {
    for (let attempt = 1; attempt <= 2; attempt++) {
      const start = at("2026-04-08T15:05:08Z") + (attempt - 1) * 5 * MIN + k * 2 * SEC;
      const task = { dag_id: "inventory_sync_hourly", task_id: `sync_fc_${fc}`, try_number: attempt };
      taskLog(logs, start, task, "info", "taskinstance.py:2866", `Starting attempt ${attempt} of 2`);
      taskLog(
        logs,
        start + 21 * SEC,
        task,
        "error",
        "taskinstance.py:3311",
        `Task failed with exception\nTraceback (most recent call last):\n  File "/home/airflow/.local/lib/python3.12/site-packages/urllib3/connection.py", line 198, in _new_conn\n    sock = connection.create_connection(\nsocket.gaierror: [Errno -3] Temporary failure in name resolution\n\nrequests.exceptions.ConnectionError: HTTPSConnectionPool(host='erp-gateway.shopfront.example', port=443): Max retries exceeded with url: /oauth/token (Caused by NameResolutionError("<urllib3.connection.HTTPSConnection object at 0x7f2b1c3d4e50>: Failed to resolve 'erp-gateway.shopfront.example' ([Errno -3] Temporary failure in name resolution)"))`,
      );
      taskLog(
        logs,
        start + 22 * SEC,
        task,
        "info",
        "taskinstance.py:1225",
        `Marking task as ${attempt === 2 ? "FAILED" : "UP_FOR_RETRY"}. dag_id=inventory_sync_hourly, task_id=sync_fc_${fc}, run_id=scheduled__2026-04-08T14:00:00+00:00`,
      );
    }
  });
  for (const t of times(ax)) {
    if (rand.chance(0.3))
      airflowLog(logs, t + rand.uniform(0, MIN), "scheduler", "info", `Sending Stats for ${rand.int(58, 66)} DAGs; ${rand.int(0, 3)} tasks queued`);
    if (t < broken) continue;
    // Everyone who talks to the outside world fails to resolve it.
    for (let j = 0; j < 2; j++) {
      logs.add(
        t + rand.uniform(0, MIN),
        { service: "checkout", namespace: "storefront", level: "error" },
        `payment authorisation failed: Post "https://checkout-live.adyen.example/v71/payments": dial tcp: lookup checkout-live.adyen.example on 10.96.0.10:53: server misbehaving`,
      );
      logs.add(
        t + rand.uniform(0, MIN),
        { service: "recommendations-api", namespace: "storefront", level: "error" },
        `feature fetch failed: dial tcp: lookup featurestore.eu.vendor.example on 10.96.0.10:53: server misbehaving`,
      );
    }
    if (rand.chance(0.5))
      logs.add(
        t + rand.uniform(0, MIN),
        { service: "clickstream-sink", namespace: "streaming", level: "error" },
        `level=error msg="upload failed, will retry" err="RequestError: send request failed\\ncaused by: Put \\"https://shopfront-raw.s3.eu-west-1.amazonaws.com/page_views/...\\": dial tcp: lookup shopfront-raw.s3.eu-west-1.amazonaws.com: i/o timeout"`,
      );
    logs.add(
      t + rand.uniform(0, 10) * SEC,
      { service: "coredns", namespace: "kube-system", level: "error" },
      `[ERROR] plugin/errors: 2 ${rand.pick(["erp-gateway.shopfront.example", "checkout-live.adyen.example", "featurestore.eu.vendor.example"])}. A: read udp 10.42.0.17:${rand.int(30000, 60000)}->10.0.0.253:53: i/o timeout`,
    );
  }
  const servfail = gauge(
    { __name__: "coredns_dns_responses_rate_servfail", job: "coredns" },
    ax,
    (t) => (t >= broken ? rand.jitter(38, 0.1) : rand.jitter(0.05, 0.5)),
    2,
  );
  return {
    series: [...healthyAirflow(ax, rand), ...probes(ax, rand), servfail],
    logs,
    changes: {
      commits: [
        {
          repo: "shopfront/platform-infra",
          sha: "c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0",
          at: "2026-04-08T14:52:19Z",
          author: "kwojcik",
          message: "coredns: forward to the new VPC resolvers",
          files: [
            {
              path: "clusters/prod/kube-system/coredns-configmap.yaml",
              status: "modified",
              patch:
                "@@ -14,7 +14,7 @@ data:\n         prometheus :9153\n-        forward . /etc/resolv.conf\n+        forward . 10.0.0.253 10.0.1.253\n         cache 30\n",
            },
          ],
        },
      ],
      deployments: [],
    },
  };
}
