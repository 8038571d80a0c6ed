/**
 * 11:31: rewards-db fails over to its replica in another zone; until the connection pool is
 * recycled every commit crosses zones and waits on synchronous replication, ~25 times slower.
 * Producers are steady, the group is stable, consumption collapses. The summed-lag page arrives
 * through Alertmanager; eight minutes later Grafana's app-side alert on the same consumer group
 * arrives as a second file. One incident.
 */
import { at, ramp, MIN } from "../lib.js";
import { loyaltyTelemetry } from "../loyalty.js";

export const id = "loyalty-lag-db-failover";

export function build() {
  const failover = at("2027-02-03T11:31:00Z");
  const d = (t: number) => ramp(t, failover, failover + 2 * MIN);
  return loyaltyTelemetry({
    id,
    seed: 8707,
    now: at("2027-02-03T12:04:00Z"),
    produce: () => 21,
    capacity: (t) => 420 - 360 * d(t),
    dbLatency: (t) => 0.0019 + 0.05 * d(t),
    podLog: (t, _pod, rand, logs, labels) => {
      if (d(t) > 0.5 && rand.chance(0.4))
        logs.add(t + rand.uniform(0, MIN), { ...labels, level: "warn" }, `slow commit to rewards-db tx_ms=${rand.int(2500, 7000)} events=${rand.int(50, 120)}`);
    },
  }).telemetry;
}
