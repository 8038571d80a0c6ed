/**
 * fare-receipts-mailer consumes billing.fare-captures.v1 (kafka-billing-euw1, retention 24 h) and
 * emails riders their receipts. On 2026-10-18 at 07:40 the payments team scaled it to zero for the
 * SMTP -> SES migration (ticket PAY-2291), expecting it to work through the backlog when it came
 * back. It came back on 2026-10-19 at 10:04 with v2.0.0, 26.4 hours later. By then its committed
 * offsets were older than the log start offset (segments past retention had been deleted since
 * ~07:40), and with auto.offset.reset=latest the consumer jumped to the end of every partition:
 * ~26 hours of fare captures were skipped, never mailed. The 10:30 reconciliation finds 41% of
 * yesterday's trips with a receipt.
 *
 * Decisive: kafka_consumergroup_current_offset of fare-receipts-mailer below
 * kafka_topic_partition_oldest_offset from ~07:40 on; at 10:04 the committed offsets jump to the log
 * end and the lag collapses from ~5M to ~0 within a minute while receipts_sent_total only grows at
 * the normal live rate; "Fetch position ... is out of range for partition ..., resetting offset"
 * for all 12 partitions.
 * Red herrings: the alert is a volume drop on a reconciliation table; the mailer was deployed (v2.0.0,
 * SES) at 10:04, the very minute of the reset, but it changed the mail transport, not the consumer;
 * brokers delete segments for retention all the time (normal log lines).
 */
import { HOUR, Logs, MIN, Rand, SEC, at, axis, gauge, iso, times, type Telemetry } from "../../lib.js";
import { KAFKA, backgroundChanges, commute, k8sLog, kafkaBase, noiseLogs, simulateTopic, springLine } from "../../brightline/lib.js";

export const id = "brightline-receipts-offset-reset";

export function build(): Telemetry {
  const rand = new Rand(64014);
  const now = at("2026-10-19T10:50:00Z");
  const ax = axis(now - 6 * HOUR, now);
  const stopped = at("2026-10-18T07:40:00Z");
  const restart = at("2026-10-19T10:04:30Z");
  const rate = (t: number) => 60 * commute(t, 0.2); // fare captures per second
  const P = 12;
  const [caps] = simulateTopic(
    { cluster: "billing", topic: "billing.fare-captures.v1", partitions: P, produce: (t) => rate(t) / P, initialOffset: 41_200_000 },
    [{ group: "fare-settlement-svc", members: 4, memberCapacity: () => 60 }],
    ax,
    rand,
  );
  const series = caps!.series.filter((s) => s.labels.__name__ !== "kafka_topic_partition_oldest_offset");
  const leo = caps!.series.filter((s) => s.labels.__name__ === "kafka_topic_partition_current_offset").map((s) => s.values as number[]);
  // Messages per partition per day ~ 60 * mean(commute) * 86400 / 12.
  const perDay = (60 * 0.52 * 86_400) / P;
  const leoAt = (p: number, t: number) => {
    // Log-end offset at any time, extrapolating before the window with the daily average rate.
    if (t >= ax.start) return leo[p]![Math.min(ax.n - 1, Math.floor((t - ax.start) / MIN))]!;
    return Math.round(leo[p]![0]! - ((ax.start - t) / 86_400_000) * perDay);
  };
  const segment = 20 * MIN; // segment.ms: the log start moves in 20-minute steps
  const oldest = (p: number, t: number) => leoAt(p, t - 24 * HOUR - ((t - 24 * HOUR) % segment));
  const base = kafkaBase("billing");
  const g = KAFKA.billing.groupLabel;
  const committedStop = (p: number) => leoAt(p, stopped);
  const committed = (p: number, t: number, i: number) => (t < restart ? committedStop(p) : leo[p]![i]! - Math.round(rand.uniform(0, 6)));
  for (let p = 0; p < P; p++)
    series.push(
      gauge({ __name__: "kafka_topic_partition_oldest_offset", ...base, topic: "billing.fare-captures.v1", partition: String(p) }, ax, (t) => oldest(p, t), 0),
    );
  for (let p = 0; p < P; p++)
    series.push(
      gauge(
        { __name__: "kafka_consumergroup_current_offset", ...base, [g]: "fare-receipts-mailer", topic: "billing.fare-captures.v1", partition: String(p) },
        ax,
        (t, i) => committed(p, t, i),
        0,
      ),
    );
  for (let p = 0; p < P; p++)
    series.push(
      gauge(
        { __name__: "kafka_consumergroup_lag", ...base, [g]: "fare-receipts-mailer", topic: "billing.fare-captures.v1", partition: String(p) },
        ax,
        (t, i) => leo[p]![i]! - committed(p, t, i),
        0,
      ),
    );
  series.push(
    gauge(
      { __name__: "kafka_consumergroup_lag_sum", ...base, [g]: "fare-receipts-mailer", topic: "billing.fare-captures.v1" },
      ax,
      (t, i) => leo.reduce((a, l, p) => a + l[i]! - committed(p, t, i), 0),
      0,
    ),
  );
  series.push(
    gauge(
      { __name__: "kafka_consumergroup_current_offset_sum", ...base, [g]: "fare-receipts-mailer", topic: "billing.fare-captures.v1" },
      ax,
      (t, i) => leo.reduce((a, _l, p) => a + committed(p, t, i), 0),
      0,
    ),
  );
  series.push(gauge({ __name__: "kafka_consumergroup_members", ...base, [g]: "fare-receipts-mailer" }, ax, (t) => (t < restart ? 0 : 3), 0));
  // The mailer's own counter: only live traffic after the restart.
  const app = { job: "fare-receipts-mailer", namespace: "payments-prod", app: "fare-receipts-mailer" };
  series.push(
    gauge(
      { __name__: "receipts_sent_total", ...app, transport: "ses" },
      ax,
      (() => {
        let total = 0;
        return (t: number) => {
          if (t < restart) return null;
          total += rate(t) * 60 * rand.uniform(0.97, 1.0);
          return Math.round(total);
        };
      })(),
      0,
    ),
  );
  // Reconciliation (runs at :30 every hour, for the previous business day).
  series.push(
    gauge(
      { __name__: "fare_receipts_reconciliation_ratio", job: "finance-reconciliation", namespace: "payments-prod", business_date: "2026-10-17" },
      ax,
      () => 0.998,
      3,
    ),
  );
  series.push(
    gauge(
      { __name__: "fare_receipts_reconciliation_ratio", job: "finance-reconciliation", namespace: "payments-prod", business_date: "2026-10-18" },
      ax,
      (t) => (t < at("2026-10-19T10:30:00Z") ? null : 0.412),
      3,
    ),
  );

  const logs = new Logs();
  noiseLogs(ax, rand, logs, 0.4);
  const pods = ["fare-receipts-mailer-8b6d4f9c7-5mxqt", "fare-receipts-mailer-8b6d4f9c7-gk2wn", "fare-receipts-mailer-8b6d4f9c7-vz8rd"];
  const m = (t: number, r: number, level: string, thread: string, logger: string, msg: string) =>
    k8sLog(logs, t, "payments-prod", "fare-receipts-mailer", pods[r]!, level, springLine(t, level, thread, logger, msg));
  for (let r = 0; r < 3; r++) {
    m(restart + r * 2 * SEC, r, "info", "main", "o.s.b.StartupInfoLogger", "Starting FareReceiptsMailerApplication v2.0.0 using Java 21.0.4 with PID 1");
    m(restart + r * 2 * SEC + 6 * SEC, r, "info", "main", "c.b.receipts.mail.SesTransport", "using SES (eu-west-1) configuration set receipts-prod");
  }
  for (let p = 0; p < P; p++) {
    const r = p % 3;
    const t = restart + 11 * SEC + p * 150;
    const pos = (o: number) =>
      `FetchPosition{offset=${o}, offsetEpoch=Optional[14], currentLeader=LeaderAndEpoch{leader=Optional[kafka-billing-${p % 3}.brightline.internal:9092 (id: ${p % 3} rack: euw1-az${(p % 3) + 1})], epoch=14}}`;
    m(
      t,
      r,
      "info",
      "org.springframework.kafka.KafkaListenerEndpointContainer#0-0-C-1",
      "o.a.k.c.c.internals.SubscriptionState",
      `[Consumer clientId=consumer-fare-receipts-mailer-${r + 1}, groupId=fare-receipts-mailer] Fetch position ${pos(committedStop(p))} is out of range for partition billing.fare-captures.v1-${p}, resetting offset`,
    );
    m(
      t + 60,
      r,
      "info",
      "org.springframework.kafka.KafkaListenerEndpointContainer#0-0-C-1",
      "o.a.k.c.c.internals.SubscriptionState",
      `[Consumer clientId=consumer-fare-receipts-mailer-${r + 1}, groupId=fare-receipts-mailer] Resetting offset for partition billing.fare-captures.v1-${p} to position ${pos(leo[p]![Math.floor((restart - ax.start) / MIN)]!)}.`,
    );
  }
  for (const t of times(ax)) {
    if (t >= restart + MIN)
      for (let r = 0; r < 3; r++)
        if (rand.chance(0.35))
          m(
            t + rand.uniform(0, MIN),
            r,
            "info",
            "org.springframework.kafka.KafkaListenerEndpointContainer#0-0-C-1",
            "c.b.receipts.ReceiptSender",
            `sent receipt trip=trp_${rand.hex(10)} rider=rdr_${rand.hex(8)} transport=ses message_id=0102019${rand.hex(12)}-${rand.hex(8)}`,
          );
    if ((t - ax.start) % segment === 0) {
      for (let p = 0; p < P; p += rand.int(1, 3)) {
        const b = p % 3;
        logs.add(
          t + rand.uniform(0, 50) * SEC,
          { host: `kafka-billing-${b}`, unit: "kafka.service", kafka_cluster: KAFKA.billing.name, level: "info" },
          `[${new Date(t).toISOString().replace("T", " ").replace("Z", "").replace(".", ",")}] INFO [UnifiedLog partition=billing.fare-captures.v1-${p}, dir=/data/kafka] Deleting segment LogSegment(baseOffset=${oldest(p, t - segment)}, size=${rand.int(20, 60) * 1024 * 1024}, lastModifiedTime=${t - 24 * HOUR - segment}, largestRecordTimestamp=${t - 24 * HOUR - segment + rand.int(0, 1000)}) due to retention time 86400000ms breach based on the largest record timestamp in the segment (kafka.log.UnifiedLog)`,
        );
      }
    }
  }
  const events = [
    {
      at: iso(stopped),
      kind: "k8s.deployment.scaled",
      labels: { namespace: "payments-prod", deployment: "fare-receipts-mailer" },
      message: "Scaled deployment fare-receipts-mailer from 3 to 0 replicas (SMTP -> SES migration, PAY-2291)",
    },
    {
      at: iso(restart - 20 * SEC),
      kind: "k8s.deployment.scaled",
      labels: { namespace: "payments-prod", deployment: "fare-receipts-mailer" },
      message: "Scaled deployment fare-receipts-mailer from 0 to 3 replicas",
    },
  ];
  const changes = backgroundChanges(now, rand);
  changes.deployments.push({
    repo: "brightline/fare-receipts-mailer",
    service: "fare-receipts-mailer",
    environment: "production",
    ref: "v2.0.0",
    sha: "9d1f3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f",
    at: iso(restart - 25 * SEC),
    status: "success",
  });
  changes.commits.push({
    repo: "brightline/fare-receipts-mailer",
    sha: "9d1f3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f",
    at: "2026-10-19T09:31:12Z",
    author: "carla.nunes",
    message: "mail: send receipts through SES instead of the SMTP relay (PAY-2291)",
    files: [
      {
        path: "src/main/java/com/brightline/receipts/mail/SesTransport.java",
        status: "added",
        patch: "@@ -0,0 +1,58 @@\n+public final class SesTransport implements MailTransport {\n",
      },
      {
        path: "src/main/java/com/brightline/receipts/mail/SmtpTransport.java",
        status: "removed",
        patch: "@@ -1,44 +0,0 @@\n-public final class SmtpTransport implements MailTransport {\n",
      },
      {
        path: "src/main/resources/application-prod.yaml",
        status: "modified",
        patch: "@@ -3,4 +3,6 @@ receipts:\n-  transport: smtp\n+  transport: ses\n+  ses:\n+    configuration-set: receipts-prod\n",
      },
    ],
  });
  return { series, logs, events, changes };
}
