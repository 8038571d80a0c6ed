/**
 * 07:12: rewards-db's storage volume starts a snapshot-induced I/O stall: every commit from
 * points-accrual takes 40x longer. Producers write the usual morning rate; the group keeps its four
 * members; the consumers simply get through far fewer events per second and lag grows on every
 * partition.
 */
import { at, ramp, MIN } from "../lib.js";
import { loyaltyTelemetry } from "../loyalty.js";

export const id = "loyalty-lag-rewards-db-slow";

export function build() {
  const slow = at("2026-10-06T07:12:00Z");
  const degraded = (t: number) => ramp(t, slow, slow + 3 * MIN);
  return loyaltyTelemetry({
    id,
    seed: 8202,
    now: at("2026-10-06T07:44:00Z"),
    produce: () => 16,
    capacity: (t) => 410 - 345 * degraded(t),
    dbLatency: (t) => 0.0018 + 0.075 * degraded(t),
    podLog: (t, _pod, rand, logs, labels) => {
      if (degraded(t) > 0.5 && rand.chance(0.5))
        logs.add(t + rand.uniform(0, MIN), { ...labels, level: "warn" }, `slow commit to rewards-db tx_ms=${rand.int(3800, 9500)} events=${rand.int(40, 90)}`);
    },
  }).telemetry;
}
