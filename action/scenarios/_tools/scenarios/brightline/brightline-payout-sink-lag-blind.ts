/**
 * An honest "cannot decide". At 21:41 the payments team's Datadog monitor reports that
 * payout-events-sink (kafka-billing-euw1, billing.payout-instructions.v1) is ~48k messages behind.
 * Prometheus cannot say why: the kafka-billing exporter's scrapes have been timing out since 21:14,
 * so from 21:14 there are no offsets, lag, produce rates or member counts for the cluster, and until
 * then everything was normal (lag ~150, produce ~38 msg/s, 2 members at a third of their capacity). payout-events-sink logs almost
 * nothing (a periodic "committed offsets" line without counts, no errors, no rebalance lines);
 * instant-payout-svc, the producer, logs nothing at INFO. The brokers' own JMX (URP, offline log
 * dirs) and disks are fine. Nothing relevant changed.
 *
 * A competent SRE cannot tell a traffic spike from a slower sink or a hot partition here: the
 * right answer is low confidence, naming the gap (no kafka-billing exporter data since 21:14), and
 * no fix.
 * Background: rider-api deployed at 20:58; a Grafana dashboard commit at 21:20.
 */
import { HOUR, Logs, MIN, Rand, SEC, at, axis, gauge, times, type Telemetry } from "../../lib.js";
import { KAFKA, backgroundChanges, clusterHealth, healthyGroup, k8sLog, noiseLogs, rf3, simulateTopic } from "../../brightline/lib.js";

export const id = "brightline-payout-sink-lag-blind";
const GiB = 1024 ** 3;

export function build(): Telemetry {
  const rand = new Rand(62012);
  const now = at("2026-10-06T21:55:00Z");
  const ax = axis(now - 6 * HOUR, now);
  const gapFrom = at("2026-10-06T21:14:00Z");
  const gap = (t: number) => t >= gapFrom;
  const [payout] = simulateTopic(
    { cluster: "billing", topic: "billing.payout-instructions.v1", partitions: 6, produce: () => 38 / 6, initialOffset: 461_000_000, gap },
    [{ group: "payout-events-sink", members: 2, memberCapacity: () => 60, inflightSeconds: 4 }],
    ax,
    rand,
  );
  const series = [...payout!.series];
  series.push(...healthyGroup("billing", "billing.fare-captures.v1", "fare-settlement-svc", 12, 4, () => 48, ax, rand, 311_000_000, { gap }).series);
  series.push(
    gauge(
      { __name__: "up", job: "kafka-exporter", instance: KAFKA.billing.scrape.instance!, kafka_cluster: KAFKA.billing.name },
      ax,
      (t) => (gap(t) ? 0 : 1),
      0,
    ),
  );
  series.push(
    gauge(
      { __name__: "scrape_duration_seconds", job: "kafka-exporter", instance: KAFKA.billing.scrape.instance!, kafka_cluster: KAFKA.billing.name },
      ax,
      (t) => (gap(t) ? 10 : rand.uniform(0.6, 1.4)),
      3,
    ),
  );
  // Broker JMX and node_exporter keep working (different exporters); they only show a healthy cluster.
  const topics = [
    { topic: "billing.fare-captures.v1", partitions: 12 },
    { topic: "billing.fare-adjustments.v1", partitions: 6 },
    { topic: "billing.payout-instructions.v1", partitions: 6 },
  ];
  const health = clusterHealth("billing", ax, 3, topics, rf3(3, {}), () => new Set(), { podPrefix: "kafka-billing-" });
  for (const s of health) {
    if (s.labels.job === "kafka-jmx") {
      s.labels.instance = `${s.labels.pod}.brightline.internal:7071`;
      delete s.labels.pod;
      series.push(s);
    } else {
      // kafka_exporter series (broker count, URP per partition): missing during the gap like the rest.
      s.values = s.values.map((v, i) => (gap(ax.start + i * ax.step) ? null : v));
      series.push(s);
    }
  }
  for (let b = 0; b < 3; b++) {
    const host = { job: "node", instance: `kafka-billing-${b}.brightline.internal:9100`, kafka_cluster: KAFKA.billing.name };
    series.push(
      gauge(
        { __name__: "node_filesystem_avail_bytes", ...host, mountpoint: "/data/kafka", device: "/dev/nvme1n1", fstype: "xfs" },
        ax,
        (t) => (1110 - ((t - ax.start) / HOUR) * 3.4) * GiB,
        0,
      ),
    );
    series.push(
      gauge({ __name__: "node_filesystem_size_bytes", ...host, mountpoint: "/data/kafka", device: "/dev/nvme1n1", fstype: "xfs" }, ax, () => 2048 * GiB, 0),
    );
  }

  const logs = new Logs();
  noiseLogs(ax, rand, logs, 0.5);
  for (const t of times(ax)) {
    if ((t - ax.start) % (5 * MIN) === 0) {
      for (const pod of ["payout-events-sink-6d7f8b9c5-4tqzx", "payout-events-sink-6d7f8b9c5-kh2wp"]) {
        k8sLog(
          logs,
          t + rand.uniform(0, 50) * SEC,
          "payments-prod",
          "payout-events-sink",
          pod,
          "info",
          `level=info msg="committed offsets" group=payout-events-sink partitions=3`,
        );
      }
    }
    if (gap(t)) {
      logs.add(
        t + rand.uniform(5, 15) * SEC,
        { namespace: "monitoring", app: "alloy", pod: "alloy-prod-0", container: "alloy", level: "warn" },
        `ts=${new Date(t).toISOString()} level=warn msg="Scrape failed" component_path=/ component_id=prometheus.scrape.kafka_billing scrape_pool=prometheus.scrape.kafka_billing target=http://kafka-billing-exporter.brightline.internal:9308/metrics err="Get \\"http://kafka-billing-exporter.brightline.internal:9308/metrics\\": context deadline exceeded"`,
      );
    }
  }
  const changes = backgroundChanges(now, rand);
  changes.deployments.push({
    repo: "brightline/rider-api",
    service: "rider-api",
    environment: "production",
    ref: "v8.31.2",
    sha: "2e4a6c8b0d2f4e6a8c0b2d4f6e8a0c2b4d6f8e0a",
    at: "2026-10-06T20:58:33Z",
    status: "success",
  });
  changes.commits.push({
    repo: "brightline/platform-config",
    sha: "a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a6c8",
    at: "2026-10-06T21:20:07Z",
    author: "acosta",
    message: "dashboards: payments overview, add refunds panel",
    files: [{ path: "grafana/dashboards/payments-overview.json", status: "modified", patch: '@@ -210,6 +210,30 @@\n+      "title": "Refunds per minute",\n' }],
  });
  return { series, logs, changes };
}
