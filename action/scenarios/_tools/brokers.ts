/**
 * Broker-level series of a three-broker cluster: kafka_exporter's broker count and per-partition
 * under-replication, node_exporter's filesystems (root and the Kafka log directory per broker).
 */
import { type Axis, type Logs, type Rand, type Series, gauge } from "./lib.js";

export const TOPICS: Array<[string, number]> = [
  ["orders.v1", 12],
  ["payments.events.v2", 6],
  ["web.clickstream", 24],
  ["catalog.products", 6],
  ["crm.email_events", 6],
];

/** kafka_brokers and one under-replication series per partition; `down(t)` is the broker that is gone (or null). */
export function clusterSeries(ax: Axis, down: (t: number) => number | null): Series[] {
  const out: Series[] = [gauge({ __name__: "kafka_brokers", job: "kafka-exporter" }, ax, (t) => (down(t) === null ? 3 : 2), 0)];
  for (const [topic, parts] of TOPICS) {
    for (let p = 0; p < parts; p++) {
      // Replicas of partition p live on brokers p%3, (p+1)%3, (p+2)%3 with RF 3: every partition has one on each broker.
      out.push(
        gauge(
          { __name__: "kafka_topic_partition_under_replicated_partition", job: "kafka-exporter", topic, partition: String(p) },
          ax,
          (t) => (down(t) === null ? 0 : 1),
          0,
        ),
      );
    }
  }
  return out;
}

/** Root and log-dir filesystems of each broker node; `kafkaAvail(broker, t)` gives the log dir's free bytes. */
export function brokerDisks(ax: Axis, rand: Rand, kafkaAvail: (broker: number, t: number) => number | null): Series[] {
  const GiB = 1024 ** 3;
  return [0, 1, 2].flatMap((b) => [
    gauge(
      { __name__: "node_filesystem_avail_bytes", instance: `kafka-${b}`, mountpoint: "/", device: "/dev/nvme0n1p1", fstype: "xfs" },
      ax,
      () => rand.jitter(31 * GiB, 0.002),
      0,
    ),
    gauge(
      { __name__: "node_filesystem_avail_bytes", instance: `kafka-${b}`, mountpoint: "/var/lib/kafka/data-0", device: "/dev/nvme1n1", fstype: "ext4" },
      ax,
      (t) => {
        const v = kafkaAvail(b, t);
        return v === null ? null : Math.max(0, v);
      },
      0,
    ),
    gauge(
      { __name__: "node_filesystem_size_bytes", instance: `kafka-${b}`, mountpoint: "/var/lib/kafka/data-0", device: "/dev/nvme1n1", fstype: "ext4" },
      ax,
      () => 500 * GiB,
      0,
    ),
  ]);
}

/** A broker log line (Strimzi's pod and container labels). */
export function brokerLog(logs: Logs, t: number, broker: number, level: string, line: string): void {
  logs.add(t, { namespace: "kafka", pod: `kafka-${broker}`, container: "kafka", level }, line);
}
