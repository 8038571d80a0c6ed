/**
 * Since 02:40 the nightly points-expiry job holds row locks on rewards-db's ledger table for a few
 * minutes at a time. Batches that hit a locked row block past max.poll.interval.ms (5 minutes):
 * the member is thrown out of the group, its partitions are revoked, the group rebalances, and the
 * uncommitted batch is processed again. Membership keeps flapping between 2 and 4, consumption
 * saw-tooths, lag grows. The probe of rewards-db (a TCP connect) stays fast; producers are steady.
 */
import { at, MIN } from "../lib.js";
import { loyaltyTelemetry } from "../loyalty.js";

export const id = "loyalty-lag-poll-timeouts";

export function build() {
  const from = at("2026-12-02T02:40:00Z");
  const storm = (t: number) => t >= from;
  const phase = (t: number) => Math.floor((t - from) / MIN) % 4;
  return loyaltyTelemetry({
    id,
    seed: 8404,
    now: at("2026-12-02T03:18:00Z"),
    produce: () => 38,
    capacity: () => 410,
    stall: (t) => (storm(t) ? [0.95, 0.9, 0.7, 0.85][phase(t)]! : 0),
    membersAt: (t) => (storm(t) ? [4, 3, 2, 3][phase(t)]! : 4),
    podLog: (t, pod, rand, logs, labels) => {
      if (!storm(t) || !rand.chance(0.7)) return;
      const at2 = t + rand.uniform(0, MIN);
      logs.add(
        at2,
        { ...labels, level: "warn" },
        `[Consumer clientId=${pod}, groupId=points-accrual] consumer poll timeout has expired. This means the time between subsequent calls to poll() was longer than the configured max.poll.interval.ms, which typically implies that the poll loop is spending too much time processing messages.`,
      );
      logs.add(
        at2 + 2_000,
        { ...labels, level: "error" },
        "org.apache.kafka.clients.consumer.CommitFailedException: Offset commit cannot be completed since the consumer is not part of an active group for auto partition assignment; it is likely that the consumer was kicked out of the group.",
      );
      logs.add(
        at2 + 4_000,
        labels,
        `[Consumer clientId=${pod}, groupId=points-accrual] Revoke previously assigned partitions loyalty.points.v2-${rand.int(0, 7)}`,
      );
      logs.add(at2 + 5_000, labels, `[Consumer clientId=${pod}, groupId=points-accrual] (Re-)joining group`);
    },
  }).telemetry;
}
