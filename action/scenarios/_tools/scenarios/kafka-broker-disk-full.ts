/**
 * The new catalogue re-index job (search team) started at 10:30 and writes every product with all
 * its variants to `catalog.reindex`, a topic created with infinite retention and all its partitions
 * led by kafka-1 by accident of creation order. kafka-1's log directory loses ~25 GiB an hour;
 * at 16:41 it is full: `No space left on device`, the directory goes offline, and the broker shuts
 * down. Its replicas drop out of every ISR and the cluster-wide under-replication alert fires.
 */
import { backgroundChanges, noiseLogs } from "../common.js";
import { brokerDisks, brokerLog, clusterSeries, TOPICS } from "../brokers.js";
import { HOUR, Logs, MIN, Rand, SEC, at, axis, iso, times, type Telemetry } from "../lib.js";

export const id = "kafka-broker-disk-full";

export function build(): Telemetry {
  const rand = new Rand(2323);
  const now = at("2026-04-21T16:55:00Z");
  const ax = axis(now - 6.5 * HOUR, now);
  const reindex = at("2026-04-21T10:30:00Z");
  const full = at("2026-04-21T16:41:10Z");
  const GiB = 1024 ** 3;
  const avail = (b: number, t: number) => {
    const base = (158 - b * 6) * GiB - ((t - ax.start) / HOUR) * 0.4 * GiB + rand.normal(0, 0.05) * GiB;
    if (b !== 1 || t < reindex) return base;
    return base - ((Math.min(t, full) - reindex) / HOUR) * 25.1 * GiB;
  };
  const series = [...clusterSeries(ax, (t) => (t >= full + 20 * SEC ? 1 : null)), ...brokerDisks(ax, rand, avail)];
  const logs = new Logs();
  noiseLogs(axis(now - 2 * HOUR, now), rand, logs);
  for (const t of times(axis(now - 2 * HOUR, now))) {
    for (const b of [0, 1, 2]) {
      if (b === 1 && t >= full) continue;
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
  brokerLog(
    logs,
    full,
    1,
    "error",
    "Error while appending records to catalog.reindex-4 in dir /var/lib/kafka/data-0 (org.apache.kafka.storage.internals.log.LogDirFailureChannel)\njava.io.IOException: No space left on device\n\tat java.base/sun.nio.ch.FileDispatcherImpl.write0(Native Method)",
  );
  brokerLog(logs, full + 200, 1, "error", "[ReplicaManager broker=1] Stopping serving replicas in dir /var/lib/kafka/data-0 (kafka.server.ReplicaManager)");
  brokerLog(logs, full + 900, 1, "error", "Shutdown broker because all log dirs in /var/lib/kafka/data-0 have failed (kafka.log.LogManager)");
  for (const b of [0, 2]) {
    brokerLog(
      logs,
      full + rand.uniform(25, 40) * SEC,
      b,
      "info",
      `[Partition orders.v1-${b + 1} broker=${b}] Shrinking ISR from ${b},1,${2 - b} to ${b},${2 - b}. Leader: (highWatermark: ${rand.int(1e6, 9e6)}, endOffset: ${rand.int(1e6, 9e6)}). Out of sync replicas: (brokerId: 1, endOffset: ${rand.int(1e6, 9e6)}, lastCaughtUpTimeMs: ${full}) (kafka.cluster.Partition)`,
    );
  }
  return {
    series,
    logs,
    events: [
      {
        at: iso(reindex),
        kind: "k8s.job.started",
        labels: { namespace: "search", job: "catalog-reindex-full" },
        message: "Job catalog-reindex-full started (parallelism 8)",
      },
    ],
    changes: backgroundChanges(now, rand),
  };
}
