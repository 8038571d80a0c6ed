/**
 * kafka-rides-euw1 has six KRaft brokers (Strimzi, StatefulSet-like pods kafka-rides-kafka-0..5,
 * EBS volumes). At 10:41:20 the EC2 instance under kafka-rides-kafka-4 (node
 * ip-10-42-37-118.eu-west-1.compute.internal, eu-west-1b) is retired by AWS after a scheduled-event
 * notice nobody acted on. The node goes NotReady, the pod is deleted five minutes later and its
 * replacement stays Pending: the only nodes with room are in eu-west-1a/c and the broker's EBS
 * volume lives in 1b ("volume node affinity conflict"). Broker 4 is gone; the 18 partitions that
 * had a replica on it are under-replicated (RF 3, min ISR 2, so producers keep working).
 *
 * Decisive: kafka_brokers 6 -> 5 from 10:42 and staying there; URP exactly on partitions whose
 * replicas include broker 4; the controller fences broker 4; node and pod events. Every broker
 * volume has plenty of room (kubelet_volume_stats_available_bytes ~55% free) and no log dir is
 * offline, so it is not a full disk.
 * Red herrings: a platform-config commit at 09:55 (log.cleaner.threads) rolled all brokers between
 * 10:00 and 10:12, producing short URP blips and one-broker dips that healed (the operator waits
 * for ISR before rolling the next); consumers lag briefly during leader elections at 10:41.
 */
import { HOUR, Logs, MIN, Rand, SEC, at, axis, counter, gauge, iso, times, type Telemetry } from "../../lib.js";
import { KAFKA, backgroundChanges, clusterHealth, commute, k8sLog, noiseLogs, rf3, simulateTopic } from "../../brightline/lib.js";

export const id = "brightline-rides-broker-retired";
const GiB = 1024 ** 3;

export function build(): Telemetry {
  const rand = new Rand(56006);
  const now = at("2026-08-18T11:05:00Z");
  const ax = axis(now - 6 * HOUR, now);
  const rollFrom = at("2026-08-18T10:00:30Z");
  const lost = at("2026-08-18T10:41:20Z");
  // Rolling restart: broker b is down for ~70 s starting at rollFrom + b * 2 min (operator order 0..5).
  const rolling = (t: number) => {
    const k = Math.floor((t - rollFrom) / (2 * MIN));
    if (t < rollFrom || k > 5) return null;
    return t - (rollFrom + k * 2 * MIN) < 70 * SEC ? k : null;
  };
  const down = (t: number) => {
    const s = new Set<number>();
    const r = rolling(t);
    if (r !== null) s.add(r);
    if (t >= lost) s.add(4);
    return s;
  };
  const topics = [
    { topic: "rides.trip-events.v3", partitions: 12 },
    { topic: "rides.ride-requests.v2", partitions: 12 },
    { topic: "pricing.fare-quotes.v2", partitions: 6 },
    { topic: "matching.driver-offers.v1", partitions: 6 },
  ];
  const placement = rf3(6, { "rides.trip-events.v3": 0, "rides.ride-requests.v2": 2, "pricing.fare-quotes.v2": 4, "matching.driver-offers.v1": 1 });
  // Exporters scrape a little behind the facts: shift by 40 s so the 10:41:20 loss shows at 10:42.
  const seen = (t: number) => down(t - 40 * SEC);
  const series = clusterHealth("rides", ax, 6, topics, placement, seen, { podPrefix: "kafka-rides-kafka-" });
  for (let b = 0; b < 6; b++) {
    const l = { job: "kafka-jmx", kafka_cluster: KAFKA.rides.name, pod: `kafka-rides-kafka-${b}`, broker_id: String(b) };
    series.push(gauge({ __name__: "kafka_server_replicamanager_underminisrpartitioncount", ...l }, ax, (t) => (seen(t).has(b) ? null : 0), 0));
    series.push(
      counter({ __name__: "kafka_server_replicamanager_isrshrinks_total", ...l }, ax, rand.int(200, 400), (t) => {
        const d = seen(t);
        if (d.has(b)) return 0;
        const justLost = [...d].some((x) => !seen(t - MIN).has(x));
        return justLost ? 3 / 60 : 0;
      }),
    );
    series.push(
      gauge(
        { __name__: "kubelet_volume_stats_available_bytes", job: "kubelet", namespace: "kafka-rides", persistentvolumeclaim: `data-0-kafka-rides-kafka-${b}` },
        ax,
        (t) => (b === 4 && t >= lost ? null : (905 - ((t - ax.start) / HOUR) * 1.1 + b * 7) * GiB + rand.normal(0, 0.02 * GiB)),
        0,
      ),
    );
    series.push(
      gauge(
        { __name__: "kubelet_volume_stats_capacity_bytes", job: "kubelet", namespace: "kafka-rides", persistentvolumeclaim: `data-0-kafka-rides-kafka-${b}` },
        ax,
        (t) => (b === 4 && t >= lost ? null : 2000 * GiB),
        0,
      ),
    );
  }
  // Consumers pause for a few seconds around each leader election.
  const election = (t: number) => (seen(t).size !== seen(t - MIN).size ? 0.35 : 0);
  const [trips] = simulateTopic(
    { cluster: "rides", topic: "rides.trip-events.v3", partitions: 12, produce: (t) => (300 * commute(t)) / 12, initialOffset: 402_000_000 },
    [{ group: "trip-history-writer", members: 4, memberCapacity: () => 240, stall: election }],
    ax,
    rand,
  );
  series.push(...trips!.series);

  const logs = new Logs();
  noiseLogs(ax, rand, logs, 0.4);
  const kts = (t: number) => new Date(t).toISOString().replace("T", " ").replace("Z", "").replace(".", ",");
  const broker = (t: number, b: number, level: string, msg: string) =>
    k8sLog(logs, t, "kafka-rides", "kafka", `kafka-rides-kafka-${b}`, level.toLowerCase(), `${kts(t)} ${level} ${msg}`);
  const operator = (t: number, level: string, msg: string) =>
    k8sLog(
      logs,
      t,
      "strimzi",
      "strimzi-cluster-operator",
      "strimzi-cluster-operator-6c9b7d8f5-tn4xq",
      level.toLowerCase(),
      `${kts(t).slice(0, 19)} ${level.padEnd(5)} ${msg}`,
    );
  let rec = 4790;
  for (const t of times(ax)) {
    if ((t - ax.start) % (2 * MIN) === 0)
      operator(
        t + 3 * SEC,
        "INFO",
        `AbstractOperator:511 - Reconciliation #${rec++}(timer) Kafka(kafka-rides/kafka-rides): Kafka kafka-rides will be checked for creation or modification`,
      );
    for (let b = 0; b < 6; b++) {
      if (down(t).has(b)) continue;
      if (rand.chance(0.12))
        broker(
          t + rand.uniform(0, MIN),
          b,
          "INFO",
          `[LocalLog partition=rides.trip-events.v3-${rand.int(0, 11)}, dir=/var/lib/kafka/data-0/kafka-log${b}] Rolled new log segment at offset ${rand.int(400_000_000, 410_000_000)} in ${rand.int(1, 5)} ms. (kafka.log.LocalLog)`,
        );
      if (rand.chance(0.008)) {
        const leader = (b + rand.int(1, 5)) % 6;
        broker(
          t + rand.uniform(0, MIN),
          b,
          "WARN",
          `[ReplicaFetcher replicaId=${b}, leaderId=${leader}, fetcherId=0] Error in response for fetch request (type=FetchRequest, replicaId=${b}, maxWait=500, minBytes=1, maxBytes=10485760) (kafka.server.ReplicaFetcherThread)\njava.io.IOException: Connection to ${leader} was disconnected before the response was read`,
        );
      }
    }
  }
  // The 10:00 rolling restart.
  operator(
    rollFrom - 25 * SEC,
    "INFO",
    `KafkaReconciler:394 - Reconciliation #${rec}(watch) Kafka(kafka-rides/kafka-rides): Kafka configuration of broker kafka-rides-kafka-0..5 changed (log.cleaner.threads); rolling update required`,
  );
  for (let b = 0; b < 6; b++) {
    const t = rollFrom + b * 2 * MIN;
    operator(
      t,
      "INFO",
      `KafkaRoller:562 - Reconciliation #${rec}(watch) Kafka(kafka-rides/kafka-rides): Rolling Pod kafka-rides-kafka-${b} due to [Pod has old revision, server configuration changed]`,
    );
    broker(t + 2 * SEC, b, "INFO", `[BrokerServer id=${b}] Transition from STARTED to SHUTTING_DOWN (kafka.server.BrokerServer)`);
    broker(t + 55 * SEC, b, "INFO", `[BrokerServer id=${b}] Transition from STARTING to STARTED (kafka.server.BrokerServer)`);
    operator(
      t + 105 * SEC,
      "INFO",
      `KafkaRoller:811 - Reconciliation #${rec}(watch) Kafka(kafka-rides/kafka-rides): Pod kafka-rides-kafka-${b} is ready and all its partitions are in sync, continuing`,
    );
  }
  // 10:41: broker 4 disappears.
  for (const b of [0, 1, 2, 3, 5]) {
    broker(
      lost + rand.uniform(2, 8) * SEC,
      b,
      "WARN",
      `[ReplicaFetcher replicaId=${b}, leaderId=4, fetcherId=0] Error sending fetch request (sessionId=${rand.int(1e8, 9e8)}, epoch=${rand.int(1e4, 9e4)}) to node 4: (org.apache.kafka.clients.FetchSessionHandler)\njava.net.SocketTimeoutException: Failed to connect within 30000 ms`,
    );
    for (const { topic, partitions } of topics) {
      for (let p = 0; p < partitions; p++) {
        const r = placement(topic, p);
        if (r.includes(4) && r[0] === b)
          broker(
            lost + rand.uniform(18, 30) * SEC,
            b,
            "INFO",
            `[Partition ${topic}-${p} broker=${b}] Shrinking ISR from ${r.join(",")} to ${r.filter((x) => x !== 4).join(",")}. Leader: (highWatermark: ${rand.int(1e8, 4e8)}, endOffset: ${rand.int(1e8, 4e8)}). Out of sync replicas: (brokerId: 4, endOffset: ${rand.int(1e8, 4e8)}, lastCaughtUpTimeMs: ${lost}). (kafka.cluster.Partition)`,
          );
      }
    }
  }
  k8sLog(
    logs,
    lost + 18 * SEC,
    "kafka-rides",
    "kafka-controller",
    "kafka-rides-controller-3",
    "info",
    `${kts(lost + 18 * SEC)} INFO [QuorumController id=3] Fencing broker 4 because its session has timed out. (org.apache.kafka.controller.ReplicationControlManager)`,
  );
  for (let t = lost + 6 * MIN; t <= now; t += 2 * MIN) {
    operator(
      t,
      "WARN",
      `KafkaRoller:736 - Reconciliation #${rec++}(timer) Kafka(kafka-rides/kafka-rides): Pod kafka-rides-kafka-4 is not ready yet (Pending: 0/14 nodes are available: 1 Insufficient memory, 3 node(s) had volume node affinity conflict, 10 node(s) didn't match Pod's node affinity/selector)`,
    );
  }

  const events = [
    {
      at: "2026-08-04T09:12:00Z",
      kind: "aws.ec2.scheduled_event",
      labels: { instance_id: "i-07b3e9d2c1a4f5e86", node: "ip-10-42-37-118.eu-west-1.compute.internal", zone: "eu-west-1b" },
      message: "instance-retirement scheduled: not before 2026-08-18T10:40:00Z (instance on degraded hardware)",
    },
    {
      at: iso(lost),
      kind: "aws.ec2.instance.stopped",
      labels: { instance_id: "i-07b3e9d2c1a4f5e86", node: "ip-10-42-37-118.eu-west-1.compute.internal", zone: "eu-west-1b" },
      message: "Instance retired by AWS (scheduled event instance-retirement)",
    },
    {
      at: iso(lost + 40 * SEC),
      kind: "k8s.node.notready",
      labels: { node: "ip-10-42-37-118.eu-west-1.compute.internal" },
      message: "Node ip-10-42-37-118.eu-west-1.compute.internal status is now: NodeNotReady",
    },
    {
      at: iso(lost + 5 * MIN + 40 * SEC),
      kind: "k8s.pod.deleted",
      labels: { namespace: "kafka-rides", pod: "kafka-rides-kafka-4" },
      message: "Marking for deletion Pod kafka-rides/kafka-rides-kafka-4 (taint node.kubernetes.io/unreachable)",
    },
    {
      at: iso(lost + 5 * MIN + 52 * SEC),
      kind: "k8s.pod.failedscheduling",
      labels: { namespace: "kafka-rides", pod: "kafka-rides-kafka-4" },
      message:
        "0/14 nodes are available: 1 Insufficient memory, 3 node(s) had volume node affinity conflict, 10 node(s) didn't match Pod's node affinity/selector. preemption: 0/14 nodes are available: 14 Preemption is not helpful for scheduling.",
    },
  ];
  const changes = backgroundChanges(now, rand);
  changes.commits.push({
    repo: "brightline/platform-config",
    sha: "f1a3c5e7b9d0f2a4c6e8b0d2f4a6c8e0b2d4f6a8",
    at: "2026-08-18T09:55:12Z",
    author: "jlindqvist",
    message: "kafka-rides: two log cleaner threads (compaction of rides.trip-state is falling behind)",
    files: [
      {
        path: "kafka/kafka-rides/kafka.yaml",
        status: "modified",
        patch: "@@ -41,6 +41,7 @@ spec:\n     config:\n       auto.create.topics.enable: false\n+      log.cleaner.threads: 2\n       min.insync.replicas: 2\n",
      },
    ],
  });
  return { series, logs, events, changes };
}
