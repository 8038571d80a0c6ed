/**
 * 13:05: a partner airline starts a bulk import of a year of miles conversions. Its events are
 * keyed by the partner's id, so all of them land in partition 3 at ~300 msg/s while the other seven
 * partitions carry the usual member traffic. The member that owns partition 3 falls behind; the
 * others keep up. Twelve minutes earlier, checkout deployed a new version (a red herring).
 */
import { at, iso, ramp, MIN } from "../lib.js";
import { loyaltyTelemetry } from "../loyalty.js";

export const id = "loyalty-lag-partner-import";

export function build() {
  const bulk = at("2026-11-24T13:05:00Z");
  const { telemetry, rand } = loyaltyTelemetry({
    id,
    seed: 8303,
    now: at("2026-11-24T13:36:00Z"),
    produce: (t, p) => (p === 3 ? 14 + 290 * ramp(t, bulk, bulk + 2 * MIN) : 14),
    capacity: () => 410,
  });
  telemetry.changes!.deployments.push({
    repo: "shopfront/checkout",
    service: "checkout",
    environment: "production",
    ref: "v58.3.0",
    sha: rand.hex(40),
    at: iso(bulk - 12 * MIN),
    status: "success",
  });
  return telemetry;
}
