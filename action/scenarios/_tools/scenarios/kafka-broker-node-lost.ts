/**
 * 03:12: the EC2 instance behind kafka-2 failed its system status check and stopped answering
 * (a hardware fault; AWS retired it later). The broker disappears from the cluster, every
 * partition loses its replica on kafka-2, and the cluster-wide under-replication alert fires. The
 * log directories of all brokers have plenty of room.
 */
import { backgroundChanges, noiseLogs } from "../common.js";
import { brokerDisks, brokerLog, clusterSeries, TOPICS } from "../brokers.js";
import { HOUR, Logs, MIN, Rand, SEC, at, axis, iso, times, type Telemetry } from "../lib.js";

export const id = "kafka-broker-node-lost";

export function build(): Telemetry {
  const rand = new Rand(2222);
  const now = at("2026-04-16T03:24:00Z");
  const ax = axis(now - 6.5 * HOUR, now);
  const lost = at("2026-04-16T03:12:20Z");
  const GiB = 1024 ** 3;
  const series = [
    ...clusterSeries(ax, (t) => (t >= lost ? 2 : null)),
    ...brokerDisks(ax, rand, (b, t) => (b === 2 && t >= lost ? null : (412 - b * 9) * GiB - ((t - ax.start) / HOUR) * 0.4 * GiB + rand.normal(0, 0.05) * GiB)),
  ];
  const logs = new Logs();
  noiseLogs(axis(now - 2 * HOUR, now), rand, logs);
  for (const t of times(axis(now - 2 * HOUR, now))) {
    for (const b of [0, 1, 2]) {
      if (b === 2 && t >= lost) continue;
      if (rand.chance(0.2))
        brokerLog(
          logs,
          t + rand.uniform(0, MIN),
          b,
          "info",
          `[LocalLog partition=${rand.pick(TOPICS)[0]}-${rand.int(0, 5)}, dir=/var/lib/kafka/data-0] Rolled new log segment at offset ${rand.int(1e7, 9e7)} in ${rand.int(1, 4)} ms. (kafka.log.LocalLog)`,
        );
    }
  }
  for (const b of [0, 1]) {
    for (const [topic, parts] of TOPICS.slice(0, 3)) {
      for (let p = 0; p < Math.min(parts, 4); p++) {
        brokerLog(
          logs,
          lost + rand.uniform(28, 40) * SEC,
          b,
          "info",
          `[Partition ${topic}-${p} broker=${b}] Shrinking ISR from ${b},2,${1 - b} to ${b},${1 - b}. Leader: (highWatermark: ${rand.int(1e6, 9e6)}, endOffset: ${rand.int(1e6, 9e6)}). Out of sync replicas: (brokerId: 2, endOffset: ${rand.int(1e6, 9e6)}, lastCaughtUpTimeMs: ${lost}) (kafka.cluster.Partition)`,
        );
      }
    }
    brokerLog(
      logs,
      lost + 31 * SEC,
      b,
      "warn",
      `[ReplicaFetcher replicaId=${b}, leaderId=2, fetcherId=0] Error in response for fetch request (type=FetchRequest, replicaId=${b}, maxWait=500, minBytes=1, maxBytes=10485760). java.io.IOException: Connection to 2 was disconnected before the response was read (kafka.server.ReplicaFetcherThread)`,
    );
  }
  return {
    series,
    logs,
    events: [
      {
        at: iso(lost),
        kind: "aws.ec2.status_check_failed",
        labels: { instance: "i-07c1d9e3f5a2b4c68", node: "ip-10-42-5-33.eu-west-1.compute.internal" },
        message: "System status check failed (hardware)",
      },
      {
        at: iso(lost + 40 * SEC),
        kind: "k8s.node.notready",
        labels: { node: "ip-10-42-5-33.eu-west-1.compute.internal" },
        message: "Node became NotReady: kubelet stopped posting node status",
      },
    ],
    changes: backgroundChanges(now, rand),
  };
}
