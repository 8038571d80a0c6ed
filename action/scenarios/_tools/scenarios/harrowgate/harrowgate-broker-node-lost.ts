/**
 * Harrowgate, meterstream (Strimzi, 6 brokers, RF 3, min.insync.replicas 2), Wednesday 2027-03-03.
 *
 * At 16:02:05 the EC2 host under EKS node ip-10-40-31-77 (eu-west-2b) fails its system status check
 * (AWS hardware fault); the node goes NotReady and broker `meterstream-kafka-3` with it. Its EBS
 * volume cannot attach elsewhere until the node is force-detached, so the broker stays down. The
 * five other brokers shrink ISRs: 38 partitions are under-replicated. Producers with acks=all keep
 * going (two in-sync replicas remain).
 *
 * Kafka platform's Alertmanager route groups by kafka_cluster: at 16:05:40 one notification carries
 * KafkaBrokerDown and three KafkaUnderReplicatedPartitions (one per broker pod that now leads under-replicated partitions). The
 * `usage-rollup` Kafka Streams app (exactly-once) times out committing transactions to partitions
 * broker 3 led, restarts its stream threads and falls behind; the metering route's
 * KafkaConsumerGroupLagHigh for usage-rollup on meterstream arrives at 16:11 in its own delivery.
 *
 * Distractors: usage-rollup's TimeoutExceptions and thread restarts (no member churn); broker
 * disks at their usual 40-55 %; a Strimzi config commit last week.
 */
import { HOUR, Logs, MIN, Rand, SEC, at, axis, iso, type Telemetry } from "../../lib.js";
import { gauge } from "../../lib.js";
import {
  GiB,
  KAFKA,
  backgroundChanges,
  backgroundGroups,
  backgroundLogs,
  brokerLog,
  brokerSeries,
  commit,
  group,
  javaLine,
  kafkaLabels,
  nodeSeries,
  serviceLog,
} from "../../harrowgate/lib.js";

export const id = "harrowgate-broker-node-lost";

export function build(): Telemetry {
  const rand = new Rand(270303);
  const now = at("2027-03-03T16:25:00Z");
  const ax = axis(now - 4 * HOUR, now);
  const lost = at("2027-03-03T16:02:05Z");
  const down = (t: number, b: number) => b === 3 && t >= lost;
  const hurt = (t: number) => t >= lost + 50 * SEC && t < at("2027-03-03T16:19:00Z");

  const rollup = group(
    {
      topic: "smets.hh-reads.v3",
      group: "usage-rollup",
      partitions: 24,
      members: 6,
      produce: () => 2_600 / 24,
      capacity: (t) => (hurt(t) ? 2_600 * 0.25 : 2_600 * 2.4),
      initialOffset: 9_804_000_000,
    },
    ax,
    rand,
  );

  const nodes = ["ip-10-40-11-23", "ip-10-40-21-48", "ip-10-40-31-19", "ip-10-40-31-77", "ip-10-40-11-90", "ip-10-40-21-62"];
  const series = [
    ...brokerSeries(ax, rand, down),
    ...rollup.series,
    ...backgroundGroups(ax, rand, ["usage-rollup"]),
    ...nodes.flatMap((n, b) => nodeSeries(ax, rand, `${n}.eu-west-2.compute.internal`, n.slice(3).replaceAll("-", "."), { up: (t) => !down(t, b) })),
    ...[0, 1, 2, 3, 4, 5].map((b) =>
      gauge(
        { __name__: "kubelet_volume_stats_available_bytes", namespace: "kafka", persistentvolumeclaim: `data-0-${KAFKA}-kafka-${b}`, job: "kubelet" },
        ax,
        (t) => (down(t, b) ? null : (2_000 - 900 - b * 60 - ((t - ax.start) / HOUR) * 3) * GiB),
        0,
      ),
    ),
    gauge(
      {
        __name__: "kube_node_status_condition",
        node: "ip-10-40-31-77.eu-west-2.compute.internal",
        condition: "Ready",
        status: "true",
        job: "kube-state-metrics",
      },
      ax,
      (t) => (t >= lost + 40 * SEC ? 0 : 1),
      0,
    ),
    gauge({ __name__: "kafka_server_replicamanager_partitioncount", ...kafkaLabels, job: "kafka-jmx", pod: `${KAFKA}-kafka-0` }, ax, () => 712, 0),
  ];

  const logs = new Logs();
  backgroundLogs(ax, rand, logs);
  brokerLog(logs, lost + 18 * SEC, 0, "info", "[Controller id=0] Broker 3 has been fenced (session timeout 18000 ms expired)");
  brokerLog(logs, lost + 19 * SEC, 0, "info", "[Controller id=0] Partitions led by broker 3 moved: 13 new leaders elected from ISR");
  for (const b of [1, 2, 4])
    for (let k = 0; k < 3; k++)
      brokerLog(
        logs,
        lost + (20 + k * 3) * SEC,
        b,
        "info",
        `[Partition smets.hh-reads.v3-${b * 4 + k} broker=${b}] Shrinking ISR from ${b},3,${(b + 2) % 6} to ${b},${(b + 2) % 6}. Leader: (highWatermark: ${rand.int(400_000_000, 420_000_000)}, endOffset: ${rand.int(420_000_001, 420_100_000)}). Out of sync replicas: (brokerId: 3, endOffset: ${rand.int(400_000_000, 420_000_000)}).`,
      );
  for (let t = lost + 30 * SEC; t < now; t += 90 * SEC)
    brokerLog(
      logs,
      t,
      rand.pick([0, 1, 2, 4, 5]),
      "warn",
      `[ReplicaFetcher replicaId=${rand.pick([0, 1, 2, 4, 5])}, leaderId=3, fetcherId=0] Error in response for fetch request: java.net.NoRouteToHostException: No route to host`,
    );
  for (let t = lost + 40 * SEC; t < at("2027-03-03T16:19:00Z"); t += 2 * MIN) {
    serviceLog(
      logs,
      t,
      "metering",
      "usage-rollup",
      "error",
      javaLine(
        t,
        "ERROR",
        "org.apache.kafka.streams.processor.internals.StreamThread",
        `stream-thread [usage-rollup-${rand.hex(8)}-StreamThread-${rand.int(1, 4)}] Failed to commit transaction: org.apache.kafka.common.errors.TimeoutException: Timeout expired after 60000ms while awaiting EndTxn(COMMIT)`,
      ),
    );
    serviceLog(
      logs,
      t + 3 * SEC,
      "metering",
      "usage-rollup",
      "warn",
      javaLine(
        t + 3 * SEC,
        "WARN",
        "org.apache.kafka.streams.KafkaStreams",
        "stream-thread replaced after fatal error; tasks will be re-initialised from the changelog",
      ),
    );
  }
  serviceLog(
    logs,
    lost + 25 * SEC,
    "metering",
    "dcc-adapter",
    "warn",
    javaLine(
      lost + 25 * SEC,
      "WARN",
      "org.apache.kafka.clients.NetworkClient",
      `[Producer clientId=dcc-adapter-1] Connection to node 3 (${KAFKA}-kafka-3.${KAFKA}-kafka-brokers.kafka.svc/10.40.31.77:9092) could not be established. Node may not be available.`,
    ),
  );

  const changes = backgroundChanges(now, rand);
  changes.commits.push(
    commit(rand, {
      repo: "harrowgate/kafka-platform",
      at: at("2027-02-25T10:12:00Z"),
      author: "tmorrow",
      message: "meterstream: raise num.replica.fetchers to 4",
      files: [
        { path: "clusters/meterstream/kafka.yaml", patch: "@@ -40,3 +40,3 @@ config:\n-      num.replica.fetchers: 2\n+      num.replica.fetchers: 4\n" },
      ],
    }),
  );
  return {
    series,
    logs,
    changes,
    events: [
      {
        at: iso(lost),
        kind: "aws.ec2.status_check_failed",
        labels: { instance_id: "i-07c3e9a1f5b2d4608", az: "eu-west-2b", node: "ip-10-40-31-77.eu-west-2.compute.internal" },
        message: "System status check failed (hardware fault on the underlying host); AWS scheduled instance retirement",
      },
      {
        at: iso(lost + 40 * SEC),
        kind: "k8s.node.notready",
        labels: { node: "ip-10-40-31-77.eu-west-2.compute.internal" },
        message: "Node ip-10-40-31-77.eu-west-2.compute.internal status is now: NodeNotReady",
      },
      {
        at: iso(lost + 5 * MIN + 40 * SEC),
        kind: "k8s.pod.evicted",
        labels: { namespace: "kafka", pod: `${KAFKA}-kafka-3` },
        message: "Marking for deletion Pod kafka/meterstream-kafka-3 (node NotReady for 300s)",
      },
      {
        at: iso(lost + 9 * MIN),
        kind: "k8s.volume.failedattach",
        labels: { namespace: "kafka", pod: `${KAFKA}-kafka-3`, pvc: `data-0-${KAFKA}-kafka-3` },
        message: "Multi-Attach error for volume pvc-5d0e9b72: Volume is already exclusively attached to one node and can't be attached to another",
      },
    ],
  };
}
