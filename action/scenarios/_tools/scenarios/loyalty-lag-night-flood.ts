/**
 * 21:10: a partner re-sends a day of purchase events after its own outage: loyalty.points.v2
 * gets 3.5 times its evening rate, evenly keyed by member. points-accrual consumes at its
 * ceiling; rewards-db is fine and the group is stable. Loud but unrelated: the points-accrual pods
 * log a deprecation warning on every batch since their deploy five hours earlier (a red herring),
 * and recommendations-api errors as usual.
 */
import { at, iso, ramp, MIN, HOUR } from "../lib.js";
import { loyaltyTelemetry } from "../loyalty.js";

export const id = "loyalty-lag-night-flood";

export function build() {
  const flood = at("2027-01-14T21:10:00Z");
  const { telemetry, rand } = loyaltyTelemetry({
    id,
    seed: 8606,
    now: at("2027-01-14T21:41:00Z"),
    produce: (t) => 17 + 43 * ramp(t, flood, flood + 3 * MIN),
    capacity: () => 415,
    podLog: (t, _pod, r, logs, labels) => {
      if (r.chance(0.8))
        logs.add(
          t + r.uniform(0, MIN),
          { ...labels, level: "warn" },
          "DeprecationWarning: datetime.datetime.utcnow() is deprecated and scheduled for removal in a future version. Use timezone-aware objects.",
        );
    },
  });
  telemetry.changes!.deployments.push({
    repo: "shopfront/points-accrual",
    service: "points-accrual",
    environment: "production",
    ref: "v2.14.0",
    sha: rand.hex(40),
    at: iso(flood - 5 * HOUR),
    status: "success",
  });
  return telemetry;
}
