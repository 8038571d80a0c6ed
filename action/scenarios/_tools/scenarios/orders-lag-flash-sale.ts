/**
 * A flash sale announced by push notification at 19:03 triples checkout traffic on orders.v1.
 * orders-enricher runs at full speed (its ceiling is ~900 msg/s) but producers write ~1300 msg/s,
 * so lag grows evenly on every partition. customer-profile-api answers as fast as ever.
 */
import { backgroundChanges, backgroundKafka, noiseLogs, probes } from "../common.js";
import { firesAt, simulateGroup } from "../kafka.js";
import { HOUR, Logs, MIN, Rand, at, axis, diurnal, note, ramp, times, type Telemetry } from "../lib.js";

export const id = "orders-lag-flash-sale";

export function build(): Telemetry {
  const rand = new Rand(2202);
  const now = at("2026-02-10T19:24:00Z");
  const ax = axis(now - 2.5 * HOUR, now);
  const saleFrom = at("2026-02-10T19:06:00Z");
  const produce = (t: number) => 430 * diurnal(t, 19, 0.3) * (1 + 2.1 * ramp(t, saleFrom, saleFrom + 3 * MIN));
  const group = simulateGroup(
    {
      topic: "orders.v1",
      group: "orders-enricher",
      partitions: 12,
      members: 6,
      produce: (t) => produce(t) / 12,
      capacity: () => 900,
      initialOffset: 71_400_000,
    },
    ax,
    rand,
  );
  note(id, `lag sum > 50000 for 5m first at ${new Date(firesAt(group, 50_000, 5 * MIN) ?? 0).toISOString()}`);
  const series = [...group.series, ...backgroundKafka(ax, rand), ...probes(ax, rand)];

  const logs = new Logs();
  noiseLogs(ax, rand, logs);
  for (const t of times(ax)) {
    for (let r = 0; r < 6; r++) {
      if (rand.next() > 0.34) continue; // each pod logs a commit summary every few minutes
      const pod = `orders-enricher-6f7d9c${"bcdfgh"[r]}-${["x2k4p", "m8q1z", "t5v7n", "c3j9w", "r6d2s", "h4b8l"][r]}`;
      const labels = { service: "orders-enricher", namespace: "streaming", pod, level: "info" };
      logs.add(t + rand.uniform(0, MIN), labels, `committed offsets batch_size=500 partitions=${r},${r + 6} took_ms=${rand.int(2100, 4200)}`);
    }
  }
  // The sale also shows in checkout's own (sampled, 1 in 20000) order log: three times the lines.
  for (const t of times(ax)) {
    const expected = (produce(t) * 60) / 20_000;
    const n = Math.floor(expected) + (rand.chance(expected % 1) ? 1 : 0);
    for (let j = 0; j < n; j++) {
      logs.add(
        t + rand.uniform(0, MIN),
        { service: "checkout", namespace: "storefront", level: "info" },
        `order placed order_id=${rand.int(70000000, 79999999)} items=${rand.int(1, 4)} promo=FLASH40`,
      );
    }
  }
  return { series, logs, changes: backgroundChanges(now, rand) };
}
