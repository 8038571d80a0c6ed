/**
 * kafka-billing-euw1 runs on three EC2 brokers. Last month the data volumes of brokers 0 and 1 were
 * grown to 2 TiB; broker 2's change failed and nobody noticed, so it still has 1 TiB. With RF 3 on
 * three brokers every broker holds the same data (~880 GiB). On the last night of the month
 * payout-batch-exporter runs the monthly driver payouts from 01:00 and writes large payout
 * instructions (each carries the driver's statement lines): the log directories grow ~60 GiB/h.
 * Broker 2's /data/kafka reaches 0 bytes at 03:12:40; its only log dir fails, the broker shuts
 * itself down and systemd's restarts fail on the full disk. Every partition loses one replica.
 *
 * Decisive: node_filesystem_avail_bytes{instance="kafka-billing-2...",mountpoint="/data/kafka"}
 * falls steadily to 0 at 03:12; brokers 0 and 1 keep >1 TiB free; "No space left on device",
 * "Shutdown broker because all log dirs in /data/kafka have failed"; offline log dir count 1;
 * then kafka_brokers 3 -> 2 and all partitions under-replicated.
 * Red herrings: the under-replicated alert names no cause; consumer lag blips during leader
 * moves (a consequence); fare-settlement-svc deployed at 02:47; a docs commit at 02:31; the usual
 * ReplicaFetcher disconnect warnings appear all night.
 */
import { HOUR, Logs, MIN, Rand, SEC, at, axis, gauge, iso, times, type Telemetry } from "../../lib.js";
import { KAFKA, backgroundChanges, clusterHealth, commute, healthyGroup, noiseLogs, rf3, simulateTopic } from "../../brightline/lib.js";

export const id = "brightline-billing-broker-volume";

const GiB = 1024 ** 3;
const TiB = 1024 * GiB;

export function build(): Telemetry {
  const rand = new Rand(55005);
  const now = at("2026-07-31T03:25:00Z");
  const ax = axis(now - 6 * HOUR, now);
  const batch = at("2026-07-31T01:00:00Z");
  const full = at("2026-07-31T03:12:40Z");
  const down = (t: number) => (t >= full + 50 * SEC ? new Set([2]) : new Set<number>());
  // Bytes used on each broker's log dir (same data on all three).
  const used0 = 880 * GiB;
  const growth = (t: number) => {
    const h = (Math.min(t, batch) - ax.start) / HOUR;
    const hb = Math.max(0, (t - batch) / HOUR);
    return used0 + h * 3.6 * GiB + hb * 58.2 * GiB;
  };
  const size = [2 * TiB, 2 * TiB, 1 * TiB];
  const dataAvail = (b: number, t: number) => {
    if (b === 2 && t >= full) return 0;
    const usedB = growth(t) + [0.4, -0.7, 0][b]! * GiB;
    return Math.max(0, size[b]! - usedB - (b === 2 ? size[2]! - used0 - 3.6 * GiB * ((batch - ax.start) / HOUR) - 58.2 * GiB * ((full - batch) / HOUR) : 0));
  };
  const series = [];
  for (let b = 0; b < 3; b++) {
    const host = { job: "node", instance: `kafka-billing-${b}.brightline.internal:9100`, kafka_cluster: KAFKA.billing.name };
    series.push(
      gauge(
        { __name__: "node_filesystem_avail_bytes", ...host, mountpoint: "/", device: "/dev/nvme0n1p1", fstype: "xfs" },
        ax,
        () => rand.jitter(21.4 * GiB, 0.002),
        0,
      ),
    );
    series.push(gauge({ __name__: "node_filesystem_size_bytes", ...host, mountpoint: "/", device: "/dev/nvme0n1p1", fstype: "xfs" }, ax, () => 40 * GiB, 0));
    series.push(
      gauge(
        { __name__: "node_filesystem_avail_bytes", ...host, mountpoint: "/data/kafka", device: "/dev/nvme1n1", fstype: "xfs" },
        ax,
        (t) => Math.max(0, dataAvail(b, t) + (b === 2 && t < full ? rand.normal(0, 0.05 * GiB) : 0)),
        0,
      ),
    );
    series.push(
      gauge({ __name__: "node_filesystem_size_bytes", ...host, mountpoint: "/data/kafka", device: "/dev/nvme1n1", fstype: "xfs" }, ax, () => size[b]!, 0),
    );
  }
  const topics = [
    { topic: "billing.fare-captures.v1", partitions: 12 },
    { topic: "billing.fare-adjustments.v1", partitions: 6 },
    { topic: "billing.payout-instructions.v1", partitions: 6 },
  ];
  series.push(
    ...clusterHealth(
      "billing",
      ax,
      3,
      topics,
      rf3(3, { "billing.fare-captures.v1": 0, "billing.fare-adjustments.v1": 1, "billing.payout-instructions.v1": 2 }),
      down,
      { podPrefix: "kafka-billing-", offlineLogDirs: (t, b) => (b === 2 && t >= full ? 1 : 0) },
    ),
  );
  // The JMX exporter labels on EC2 are host-based: rename the pod label to instance.
  for (const s of series) {
    if (s.labels.job === "kafka-jmx" && s.labels.pod) {
      s.labels.instance = `${s.labels.pod}.brightline.internal:7071`;
      delete s.labels.pod;
    }
  }
  // Consumers: a short stall while leadership moves off broker 2.
  const blip = (t: number) => (t >= full && t < full + 3 * MIN ? 0.6 : 0);
  series.push(
    ...healthyGroup("billing", "billing.fare-captures.v1", "fare-settlement-svc", 12, 4, (t) => 60 * commute(t, 0.2), ax, rand, 310_000_000, { stall: blip })
      .series,
  );
  const [payouts] = simulateTopic(
    { cluster: "billing", topic: "billing.payout-instructions.v1", partitions: 6, produce: (t) => (t >= batch ? 95 : 0.4) / 6, initialOffset: 4_400_000 },
    [{ group: "payout-events-sink", members: 2, memberCapacity: () => 120, stall: blip }],
    ax,
    rand,
  );
  series.push(...payouts!.series);

  const logs = new Logs();
  noiseLogs(ax, rand, logs, 0.4);
  const kts = (t: number) => `[${new Date(t).toISOString().replace("T", " ").replace("Z", "").replace(".", ",")}]`;
  const broker = (t: number, b: number, level: string, msg: string) =>
    logs.add(
      t,
      { host: `kafka-billing-${b}`, unit: "kafka.service", kafka_cluster: KAFKA.billing.name, level: level.toLowerCase() },
      `${kts(t)} ${level} ${msg}`,
    );
  const systemd = (t: number, b: number, msg: string) =>
    logs.add(t, { host: `kafka-billing-${b}`, unit: "kafka.service", kafka_cluster: KAFKA.billing.name, level: "info" }, msg);
  let off = 9_180_000;
  for (const t of times(ax)) {
    for (let b = 0; b < 3; b++) {
      if (down(t).has(b)) continue;
      const heavy = t >= batch;
      if (rand.chance(heavy ? 0.8 : 0.25)) {
        const tp = heavy && rand.chance(0.7) ? `billing.payout-instructions.v1-${rand.int(0, 5)}` : `billing.fare-captures.v1-${rand.int(0, 11)}`;
        off += rand.int(2000, 9000);
        broker(
          t + rand.uniform(0, MIN),
          b,
          "INFO",
          `[LocalLog partition=${tp}, dir=/data/kafka] Rolled new log segment at offset ${off} in ${rand.int(1, 4)} ms. (kafka.log.LocalLog)`,
        );
      }
      if (rand.chance(0.03))
        broker(
          t + rand.uniform(0, MIN),
          b,
          "INFO",
          `[UnifiedLog partition=billing.fare-captures.v1-${rand.int(0, 11)}, dir=/data/kafka] Deleting segment LogSegment(baseOffset=${rand.int(1_000_000, 2_000_000)}, size=1073741311, lastModifiedTime=${now - 7 * 24 * HOUR}, largestRecordTimestamp=${now - 7 * 24 * HOUR}) due to retention time 604800000ms breach based on the largest record timestamp in the segment (kafka.log.UnifiedLog)`,
        );
      if (rand.chance(0.012)) {
        const leader = (b + 1) % 3;
        broker(
          t + rand.uniform(0, MIN),
          b,
          "WARN",
          `[ReplicaFetcher replicaId=${b}, leaderId=${leader}, fetcherId=0] Error in response for fetch request (type=FetchRequest, replicaId=${b}, maxWait=500, minBytes=1, maxBytes=10485760, fetchData={}, isolationLevel=READ_UNCOMMITTED, removed=, replaced=, metadata=(sessionId=${rand.int(1e8, 9e8)}, epoch=${rand.int(1000, 99999)}), rackId=euw1-az${b + 1}) (kafka.server.ReplicaFetcherThread)\njava.io.IOException: Connection to ${leader} was disconnected before the response was read`,
        );
      }
    }
  }
  broker(
    full,
    2,
    "ERROR",
    `Error while appending records to billing.payout-instructions.v1-4 in dir /data/kafka (org.apache.kafka.storage.internals.log.LogDirFailureChannel)\njava.io.IOException: No space left on device\n\tat java.base/sun.nio.ch.FileDispatcherImpl.write0(Native Method)\n\tat java.base/sun.nio.ch.FileChannelImpl.write(FileChannelImpl.java:287)\n\tat org.apache.kafka.common.record.MemoryRecords.writeFullyTo(MemoryRecords.java:92)\n\tat org.apache.kafka.common.record.FileRecords.append(FileRecords.java:181)`,
  );
  broker(
    full + 30,
    2,
    "ERROR",
    `[ReplicaManager broker=2] Error processing append operation on partition billing.payout-instructions.v1-4 (kafka.server.ReplicaManager)\norg.apache.kafka.common.errors.KafkaStorageException: Error while appending records to billing.payout-instructions.v1-4 in dir /data/kafka`,
  );
  broker(full + 200, 2, "WARN", `[ReplicaManager broker=2] Stopping serving replicas in dir /data/kafka (kafka.server.ReplicaManager)`);
  broker(full + 900, 2, "ERROR", `Shutdown broker because all log dirs in /data/kafka have failed (kafka.log.LogManager)`);
  systemd(full + 4 * SEC, 2, "kafka.service: Main process exited, code=exited, status=1/FAILURE");
  systemd(full + 4 * SEC + 20, 2, "kafka.service: Failed with result 'exit-code'.");
  for (let t = full + 35 * SEC; t <= now; t += 35 * SEC + rand.int(0, 4000)) {
    systemd(t, 2, "Started Apache Kafka broker (kafka-billing-2).");
    broker(t + 9 * SEC, 2, "ERROR", `Disk error while locking directory /data/kafka (kafka.server.KafkaServer)\njava.io.IOException: No space left on device`);
    broker(t + 9 * SEC + 40, 2, "ERROR", `Exiting Kafka due to fatal exception during startup. (kafka.Kafka)`);
    systemd(t + 10 * SEC, 2, "kafka.service: Main process exited, code=exited, status=1/FAILURE");
  }
  for (const b of [0, 1]) {
    for (const { topic, partitions } of topics) {
      for (let p = 0; p < partitions; p++) {
        if ((p + b) % 2 !== 0) continue;
        broker(
          full + rand.uniform(9, 30) * SEC,
          b,
          "INFO",
          `[Partition ${topic}-${p} broker=${b}] Shrinking ISR from 2,0,1 to 0,1. Leader: (highWatermark: ${rand.int(1e6, 9e8)}, endOffset: ${rand.int(1e6, 9e8)}). Out of sync replicas: (brokerId: 2, endOffset: ${rand.int(1e6, 9e8)}, lastCaughtUpTimeMs: ${full}). (kafka.cluster.Partition)`,
        );
      }
    }
  }
  for (let k = 0; k < 6; k++) {
    logs.add(
      full + rand.uniform(1, 25) * SEC,
      { namespace: "batch-prod", app: "payout-batch-exporter", pod: "payout-batch-exporter-29192580-7qkzp", container: "payout-batch-exporter", level: "warn" },
      `WARN [Producer clientId=payout-batch-exporter, transactionalId=null] Got error produce response with correlation id ${rand.int(100000, 999999)} on topic-partition billing.payout-instructions.v1-${rand.int(0, 5)}, retrying (2147483646 attempts left). Error: NOT_LEADER_OR_FOLLOWER (org.apache.kafka.clients.producer.internals.Sender)`,
    );
  }

  const changes = backgroundChanges(now, rand);
  changes.deployments.push({
    repo: "brightline/fare-settlement-svc",
    service: "fare-settlement-svc",
    environment: "production",
    ref: "v5.3.1",
    sha: "3a5c7e9b1d2f4a6c8e0b2d4f6a8c0e2b4d6f8a0c",
    at: "2026-07-31T02:47:18Z",
    status: "success",
  });
  changes.commits.push({
    repo: "brightline/platform-config",
    sha: "c2e4a6b8d0f1e3a5c7b9d1f3e5a7c9b1d3f5e7a9",
    at: "2026-07-31T02:31:55Z",
    author: "night-shift-bot",
    message: "docs: rack ids of the kafka-billing brokers",
    files: [{ path: "docs/kafka/kafka-billing.md", status: "modified", patch: "@@ -9,3 +9,7 @@ | broker | host |\n+| 2 | kafka-billing-2 (euw1-az3) |\n" }],
  });
  const events = [
    {
      at: iso(batch),
      kind: "batch.run.started",
      labels: { namespace: "batch-prod", cronjob: "payout-batch-exporter" },
      message: "CronJob payout-batch-exporter (monthly, last day of month 01:00 UTC) created job payout-batch-exporter-29192580",
    },
  ];
  return { series, logs, changes, events };
}
