/**
 * 18:30: a partner's "double points" push notification goes out to all members. Purchases and
 * partner events on loyalty.points.v2 jump to four times the evening rate within minutes, evenly
 * across member ids. points-accrual's four replicas keep consuming at their usual ceiling
 * (~400 msg/s); rewards-db is healthy and the group is stable. Lag grows on every partition.
 */
import { at, ramp, MIN } from "../lib.js";
import { loyaltyTelemetry } from "../loyalty.js";

export const id = "loyalty-lag-partner-promo";

export function build() {
  const push = at("2026-09-17T18:30:00Z");
  return loyaltyTelemetry({
    id,
    seed: 8101,
    now: at("2026-09-17T18:58:00Z"),
    produce: (t) => 15 + 45 * ramp(t, push, push + 4 * MIN),
    capacity: () => 410,
  }).telemetry;
}
