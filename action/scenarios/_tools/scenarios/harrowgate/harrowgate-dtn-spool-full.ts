/**
 * Harrowgate, DTN gateway, Monday 2027-03-22.
 *
 * Industry data flows (D0010 meter reads, D0036 settlement data, change-of-supplier flows) leave and
 * enter Harrowgate through its Data Transfer Network gateway: an active/passive pair of EC2 hosts,
 * `gw1.dtn.hge.internal` (active) and `gw2.dtn.hge.internal`, behind `dtn.hge.internal`. Outbound
 * flows wait in `/var/spool/dtn` (a 200 GiB EBS volume) until the DTN acknowledges them. Since
 * Friday evening the acknowledgements of one recipient (an MPID whose certificate rolled over at
 * the DTN) are rejected, so its flows are retried and never purged; the spool grows ~3 GiB an hour
 * and fills at 08:41:50.
 *
 * From then the gateway cannot write a flow, and its health endpoint answers 503 ("spool not
 * writable"); keepalived only fails over on a dead process, so the VIP stays on gw1. CloudWatch's
 * CWAgent alarm on gw1's spool fires at 08:46 (5-minute period); the blackbox probe of
 * `https://dtn.hge.internal:8443/health` has failed since 08:42 and fires at 08:47; the 08:45 run of
 * `settlement.d0010_submit` fails at 09:02 with 503s from the gateway and its callback posts.
 *
 * Distractors: the DTN's certificate rollover notice in the gateway log (the cause of the growth, not
 * of the failure); a gateway config commit last Thursday (log rotation); gw2 healthy.
 */
import { HOUR, Logs, MIN, Rand, SEC, at, axis, gauge, type Telemetry } from "../../lib.js";
import {
  GiB,
  airflowSeries,
  backgroundChanges,
  backgroundGroups,
  backgroundLogs,
  commit,
  dagRun,
  probeSeries,
  taskInstance,
  taskLog,
} from "../../harrowgate/lib.js";

export const id = "harrowgate-dtn-spool-full";

export function build(): Telemetry {
  const rand = new Rand(270322);
  const now = at("2027-03-22T09:15:00Z");
  const ax = axis(now - 6 * HOUR, now);
  const full = at("2027-03-22T08:41:50Z");
  const size = 200 * GiB;
  const free = (t: number) => (t >= full ? rand.uniform(0, 0.05) * GiB : Math.max(0.06 * GiB, ((full - t) / HOUR) * 3.05 * GiB + rand.normal(0, 0.05) * GiB));
  const dag = "settlement.d0010_submit";

  const hostSeries = (host: string, ip: string, avail: (t: number) => number) => {
    const base = { job: "node-exporter-ec2", instance: `${host}:9100`, host_ip: ip };
    const spool = { ...base, mountpoint: "/var/spool/dtn", device: "/dev/nvme1n1", fstype: "xfs" };
    return [
      gauge({ __name__: "node_filesystem_avail_bytes", ...spool }, ax, (t) => Math.round(avail(t)), 0),
      gauge({ __name__: "node_filesystem_size_bytes", ...spool }, ax, () => size, 0),
      gauge(
        { __name__: "node_filesystem_avail_bytes", ...base, mountpoint: "/", device: "/dev/nvme0n1p1", fstype: "xfs" },
        ax,
        () => rand.jitter(22 * GiB, 0.002),
        0,
      ),
      gauge({ __name__: "node_load1", ...base }, ax, () => rand.uniform(0.2, 1.1), 2),
    ];
  };
  const series = [
    ...hostSeries("gw1.dtn.hge.internal", "10.40.5.12", free),
    ...hostSeries("gw2.dtn.hge.internal", "10.40.6.12", () => rand.jitter(188 * GiB, 0.001)),
    gauge(
      {
        __name__: "probe_success",
        job: "blackbox",
        instance: "blackbox-exporter.monitoring:9115",
        module: "http_2xx",
        target: "https://dtn.hge.internal:8443/health",
      },
      ax,
      (t) => (t >= full + 10 * SEC ? 0 : 1),
      0,
    ),
    gauge(
      {
        __name__: "probe_http_status_code",
        job: "blackbox",
        instance: "blackbox-exporter.monitoring:9115",
        module: "http_2xx",
        target: "https://dtn.hge.internal:8443/health",
      },
      ax,
      (t) => (t >= full + 10 * SEC ? 503 : 200),
      0,
    ),
    gauge(
      {
        __name__: "probe_ssl_earliest_cert_expiry",
        job: "blackbox",
        instance: "blackbox-exporter.monitoring:9115",
        module: "http_2xx",
        target: "https://dtn.hge.internal:8443/health",
      },
      ax,
      () => at("2027-09-30T12:00:00Z") / 1000,
      0,
    ),
    ...probeSeries(ax, rand),
    ...airflowSeries(ax, rand, { failures: (t) => (t >= at("2027-03-22T08:57:00Z") && t < at("2027-03-22T09:03:00Z") ? 1 / 180 : 0) }),
    ...backgroundGroups(ax, rand),
  ];

  const logs = new Logs();
  backgroundLogs(ax, rand, logs);
  const gw = (t: number, level: string, line: string) =>
    logs.add(t, { job: "journal", host: "gw1.dtn.hge.internal", unit: "dtn-gateway.service", level }, line);
  for (let t = ax.start; t < full; t += 10 * MIN) {
    gw(
      t + rand.int(0, 200) * SEC,
      "warning",
      `ack rejected for flow to MPID NPGN (recipient certificate unknown), flow D0010 ${rand.hex(8).toUpperCase()} stays in spool (retry ${rand.int(40, 90)})`,
    );
    gw(
      t + rand.int(200, 500) * SEC,
      "info",
      `outbound flows sent=${rand.int(120, 180)} acked=${rand.int(100, 150)} spool_used=${((size - free(t)) / GiB).toFixed(1)}GiB`,
    );
  }
  gw(at("2027-03-19T18:02:11Z"), "info", "DTN notice: recipient MPID NPGN certificate rollover completed (new serial 4A:1F:...)");
  for (let t = full; t < now; t += 2 * MIN)
    gw(t + rand.int(0, 60) * SEC, "error", `cannot write flow to /var/spool/dtn/out/${rand.hex(12)}.dtn: No space left on device`);
  gw(full + 8 * SEC, "error", "health: spool not writable (ENOSPC); reporting 503");
  logs.add(
    full + 2 * SEC,
    { job: "journal", host: "gw1.dtn.hge.internal", unit: "kernel", level: "warning" },
    "XFS (nvme1n1): ENOSPC reserving per-AG metadata pool, log recovery may fail.",
  );

  // The DAG: every 15 minutes, uploads the D0010 files of the period to the gateway.
  const dagRuns = [];
  const tis = [];
  for (let l = at("2027-03-22T07:00:00Z"); l <= at("2027-03-22T08:30:00Z"); l += 15 * MIN) {
    const start = l + 15 * MIN + 2 * SEC;
    const failed = start > full;
    const end = failed ? at("2027-03-22T09:02:14Z") : start + rand.int(40, 90) * SEC;
    if (l === at("2027-03-22T08:30:00Z") || !failed) {
      dagRuns.push(dagRun({ dag_id: dag, logical: l, state: failed ? "failed" : "success", start, end, interval: 15 * MIN }));
      tis.push(
        taskInstance({
          dag_id: dag,
          logical: l,
          task_id: "upload_flows",
          state: failed ? "failed" : "success",
          try_number: failed ? 3 : 1,
          pool: "sftp_industry",
          start: failed ? end - 10 * SEC : start,
          end,
          worker: "hge-airflow-worker-1",
          operator: "HttpOperator",
        }),
      );
    } else dagRuns.push(dagRun({ dag_id: dag, logical: l, state: "failed", start, end: start + 17 * MIN, interval: 15 * MIN }));
  }
  for (const [n, t] of [
    [1, at("2027-03-22T08:45:03Z")],
    [2, at("2027-03-22T08:53:40Z")],
    [3, at("2027-03-22T09:02:04Z")],
  ] as const)
    taskLog(
      logs,
      t + 8 * SEC,
      { dag_id: dag, task_id: "upload_flows", try_number: n, worker: "hge-airflow-worker-1" },
      "ERROR",
      "taskinstance.py:3311",
      "Task failed with exception\nrequests.exceptions.HTTPError: 503 Server Error: Service Unavailable for url: https://dtn.hge.internal:8443/flows/outbound (spool not writable)",
    );

  const changes = backgroundChanges(now, rand);
  changes.commits.push(
    commit(rand, {
      repo: "harrowgate/dtn-gateway-config",
      at: at("2027-03-18T15:40:00Z"),
      author: "pwhitfield",
      message: "gateway: rotate audit log daily, keep 14",
      files: [{ path: "ansible/roles/dtn-gateway/templates/logrotate.j2", patch: "@@ -1,4 +1,4 @@\n-  weekly\n-  rotate 8\n+  daily\n+  rotate 14\n" }],
    }),
  );
  return {
    series,
    logs,
    changes,
    orchestrator: { dag_runs: dagRuns, task_instances: tis, import_errors: [], pools: [] },
  };
}
