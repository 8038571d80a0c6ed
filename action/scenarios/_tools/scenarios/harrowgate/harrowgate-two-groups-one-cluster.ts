/**
 * Harrowgate, meterstream, Tuesday 2027-02-16, evening peak. Two unrelated problems on one cluster.
 *
 * 1. `usage-rollup` (24 partitions of `smets.hh-reads.v3`, 6 replicas) writes half-hourly usage
 *    aggregates to `usage-tsdb`, an RDS PostgreSQL/TimescaleDB instance. At 18:38 RDS storage
 *    autoscaling grows its volume (free space under 10 %); the storage optimisation that follows
 *    makes writes slow from 18:41 (WriteLatency 2 ms → 60-90 ms). Each batch upsert takes seconds;
 *    usage-rollup processes ~1,000 msg/s instead of ~8,000 while 3,400 msg/s arrive. Members stable,
 *    produce flat. Datadog's APM monitor on usage-rollup's database spans triggers at 18:49;
 *    Alertmanager's KafkaPartitionLagHigh (threshold 100k per partition, for 5m, grouped by
 *    consumergroup) brings 22 partitions at 19:02 and the group's 24 at its next interval, 19:07.
 * 2. `tamper-detector` (device alerts, 12 partitions) is deployed at 18:47 with max.poll.records
 *    raised to 5,000 for a faster catch-up; a poll loop now outlasts max.poll.interval.ms (300 s)
 *    whenever a batch contains a firmware-burst; members leave and rejoin. Sentry reports its
 *    CommitFailedException at 18:52; the Kafka platform's rebalancing rule fires at 19:01.
 *
 * `expect` is the first problem's (the incident with more alerts).
 */
import { HOUR, Logs, MIN, Rand, SEC, at, axis, gauge, iso, type Telemetry } from "../../lib.js";
import { backgroundChanges, backgroundGroups, backgroundLogs, commit, deployment, group, javaLine, serviceLog } from "../../harrowgate/lib.js";

export const id = "harrowgate-two-groups-one-cluster";

export function build(): Telemetry {
  const rand = new Rand(270216);
  const now = at("2027-02-16T19:15:00Z");
  const ax = axis(now - 4 * HOUR, now);
  const slow = at("2027-02-16T18:41:00Z");
  const deploy = at("2027-02-16T18:47:20Z");
  const evening = (t: number) => 2_600 + 800 * Math.min(1, Math.max(0, (t - at("2027-02-16T16:30:00Z")) / (90 * MIN)));

  const rollup = group(
    {
      topic: "smets.hh-reads.v3",
      group: "usage-rollup",
      partitions: 24,
      members: 6,
      produce: (t) => evening(t) / 24,
      capacity: (t) => (t >= slow ? 1_000 : 8_000),
      initialOffset: 9_911_000_000,
    },
    ax,
    rand,
  );
  // tamper-detector: from the deploy, a member misses the poll interval every few minutes and the group rebalances.
  const storm = (t: number) => t >= deploy + 4 * MIN;
  const phase = (t: number) => Math.floor((t - deploy) / MIN) % 5;
  const tamper = group(
    {
      topic: "smets.device-alerts.v1",
      group: "tamper-detector",
      partitions: 12,
      members: 3,
      produce: () => 40 / 12,
      capacity: () => 96,
      stall: (t) => (storm(t) ? [0.9, 0.7, 0.2, 0.8, 0.5][phase(t)]! : 0),
      membersAt: (t) => (storm(t) ? [2, 3, 1, 2, 3][phase(t)]! : 3),
      initialOffset: 91_400_000,
    },
    ax,
    rand,
  );

  const rds = { job: "cloudwatch-exporter", dbinstance_identifier: "usage-tsdb" };
  const series = [
    ...rollup.series,
    ...tamper.series,
    ...backgroundGroups(ax, rand, ["usage-rollup", "tamper-detector"]),
    gauge({ __name__: "aws_rds_write_latency_average", ...rds }, ax, (t) => (t >= slow ? rand.uniform(0.06, 0.09) : rand.uniform(0.0015, 0.0025)), 4),
    gauge(
      { __name__: "aws_rds_free_storage_space_average", ...rds },
      ax,
      (t) => (t >= at("2027-02-16T18:38:00Z") ? 410 : 88 - (t - ax.start) / HOUR) * 1024 ** 3,
      0,
    ),
    gauge(
      { __name__: "usage_rollup_sink_write_seconds", job: "usage-rollup", namespace: "metering", service: "usage-rollup", quantile: "0.99" },
      ax,
      (t) => (t >= slow ? rand.uniform(3.1, 4.6) : rand.uniform(0.18, 0.3)),
      3,
    ),
  ];

  const logs = new Logs();
  backgroundLogs(ax, rand, logs);
  for (let t = ax.start; t < now; t += 2 * MIN) {
    const s = t + rand.int(0, 60) * SEC;
    const w = t >= slow ? rand.uniform(3.0, 4.8) : rand.uniform(0.15, 0.3);
    serviceLog(
      logs,
      s,
      "metering",
      "usage-rollup",
      t >= slow ? "warn" : "info",
      javaLine(
        s,
        t >= slow ? "WARN" : "INFO",
        "uk.harrowgate.usage.TsdbSink",
        `upsert batch of 2000 rows into hh_usage took ${w.toFixed(2)}s${t >= slow ? " (slow)" : ""}`,
      ),
    );
  }
  for (let t = slow + 30 * SEC; t < now; t += 7 * MIN)
    logs.add(
      t,
      { job: "rds", dbinstance: "usage-tsdb", level: "warning" },
      `LOG:  duration: ${rand.int(2900, 4700)}.${rand.int(100, 999)} ms  execute S_3: INSERT INTO hh_usage (mpan, period_start, kwh, updated_at) VALUES ... ON CONFLICT (mpan, period_start) DO UPDATE SET kwh = EXCLUDED.kwh`,
    );
  for (let t = deploy + 4 * MIN; t < now; t += 5 * MIN) {
    const id = rand.hex(8);
    serviceLog(
      logs,
      t,
      "metering",
      "tamper-detector",
      "warn",
      javaLine(
        t,
        "WARN",
        "org.apache.kafka.clients.consumer.internals.ConsumerCoordinator",
        `[Consumer clientId=tamper-detector-${id}, groupId=tamper-detector] consumer poll timeout has expired. This means the time between subsequent calls to poll() was longer than the configured max.poll.interval.ms, which typically implies that the poll loop is spending too much time processing messages.`,
      ),
    );
    serviceLog(
      logs,
      t + 2 * SEC,
      "metering",
      "tamper-detector",
      "info",
      javaLine(
        t + 2 * SEC,
        "INFO",
        "org.apache.kafka.clients.consumer.internals.ConsumerCoordinator",
        `[Consumer clientId=tamper-detector-${id}, groupId=tamper-detector] Revoking previously assigned partitions [smets.device-alerts.v1-${rand.int(0, 11)}, smets.device-alerts.v1-${rand.int(0, 11)}]`,
      ),
    );
    serviceLog(
      logs,
      t + 40 * SEC,
      "metering",
      "tamper-detector",
      "error",
      javaLine(
        t + 40 * SEC,
        "ERROR",
        "uk.harrowgate.tamper.AlertLoop",
        "org.apache.kafka.clients.consumer.CommitFailedException: Offset commit cannot be completed since the consumer is not part of an active group for auto partition assignment; it is likely that the consumer was kicked out of the group.",
      ),
    );
    serviceLog(
      logs,
      t + 45 * SEC,
      "metering",
      "tamper-detector",
      "info",
      javaLine(
        t + 45 * SEC,
        "INFO",
        "org.apache.kafka.clients.consumer.internals.ConsumerCoordinator",
        `[Consumer clientId=tamper-detector-${id}, groupId=tamper-detector] (Re-)joining group`,
      ),
    );
  }

  const changes = backgroundChanges(now, rand);
  changes.commits.push(
    commit(rand, {
      repo: "harrowgate/tamper-detector",
      at: at("2027-02-16T18:21:09Z"),
      author: "lchidozie",
      message: "consumer: max.poll.records 500 -> 5000 to catch up faster after firmware bursts",
      files: [{ path: "deploy/values-prod.yaml", patch: "@@ -18,3 +18,3 @@ kafka:\n-  maxPollRecords: 500\n+  maxPollRecords: 5000\n" }],
    }),
  );
  changes.deployments.push(deployment(rand, { repo: "harrowgate/tamper-detector", service: "tamper-detector", at: deploy, ref: "v1.19.0" }));
  return {
    series,
    logs,
    changes,
    events: [
      {
        at: "2027-02-16T18:38:12Z",
        kind: "aws.rds.event",
        labels: { dbinstance: "usage-tsdb" },
        message: "Applying autoscaling-initiated modification to allocated storage (1000 GiB -> 1400 GiB)",
      },
      {
        at: "2027-02-16T18:40:47Z",
        kind: "aws.rds.event",
        labels: { dbinstance: "usage-tsdb" },
        message: "The storage for your DB instance usage-tsdb is being optimized. Performance may be degraded until optimization completes.",
      },
      ...[0, 5, 10, 15, 20, 25]
        .map((m) => ({
          at: iso(deploy + (4 + m) * MIN),
          kind: "kafka.group.rebalanced",
          labels: { consumergroup: "tamper-detector", kafka_cluster: "meterstream" },
          message: "Group tamper-detector rebalanced (generation bumped)",
        }))
        .filter((e) => e.at < iso(now)),
    ],
  };
}
