/**
 * orders-enricher falls behind on orders.v1 at the evening peak because customer-profile-api,
 * which it calls synchronously for every order, became ~30x slower after its database failed
 * over at 19:02. Producers write as usual; the group stays at 6 members.
 */
import { backgroundChanges, backgroundKafka, noiseLogs, PROBES, probes } from "../common.js";
import { firesAt, simulateGroup } from "../kafka.js";
import { HOUR, Logs, MIN, Rand, at, axis, diurnal, note, ramp, times, type Telemetry } from "../lib.js";

export const id = "orders-lag-slow-dependency";

export function build(): Telemetry {
  const rand = new Rand(1101);
  const now = at("2026-02-10T19:24:00Z");
  const ax = axis(now - 2.5 * HOUR, now);
  const slowFrom = at("2026-02-10T19:02:00Z");
  const group = simulateGroup(
    {
      topic: "orders.v1",
      group: "orders-enricher",
      partitions: 12,
      members: 6,
      produce: (t) => (430 * diurnal(t, 19, 0.3)) / 12,
      // 6 replicas handle ~900 msg/s; each lookup waiting on the API caps them near 230 msg/s.
      capacity: (t) => 900 - 670 * ramp(t, slowFrom, slowFrom + 4 * MIN),
      initialOffset: 71_400_000,
    },
    ax,
    rand,
  );
  note(id, `lag sum > 50000 for 5m first at ${new Date(firesAt(group, 50_000, 5 * MIN) ?? 0).toISOString()}`);
  const apiLatency = (t: number) => 0.034 + 1.1 * ramp(t, slowFrom - 1 * MIN, slowFrom + 2 * MIN);
  const series = [...group.series, ...backgroundKafka(ax, rand), ...probes(ax, rand, { [PROBES.customerProfile]: apiLatency })];

  const logs = new Logs();
  noiseLogs(ax, rand, logs);
  for (const t of times(ax)) {
    for (let r = 0; r < 6; r++) {
      if (rand.next() > 0.34) continue; // each pod logs a commit summary every few minutes
      const pod = `orders-enricher-6f7d9c${"bcdfgh"[r]}-${["x2k4p", "m8q1z", "t5v7n", "c3j9w", "r6d2s", "h4b8l"][r]}`;
      const labels = { service: "orders-enricher", namespace: "streaming", pod, level: "info" };
      const slow = t >= slowFrom;
      const batch = slow ? rand.int(60, 140) : 500;
      logs.add(
        t + rand.uniform(0, MIN),
        labels,
        `committed offsets batch_size=${batch} partitions=${r},${r + 6} took_ms=${slow ? rand.int(24000, 41000) : rand.int(2100, 4200)}`,
      );
      if (slow && rand.chance(0.9)) {
        logs.add(
          t + rand.uniform(0, MIN),
          { ...labels, level: "warn" },
          `slow lookup GET /v1/customers/${rand.int(1000000, 9999999)} took ${rand.int(900, 2600)}ms`,
        );
      }
      if (slow && rand.chance(0.3)) {
        logs.add(t + rand.uniform(0, MIN), { ...labels, level: "warn" }, `httpx.ReadTimeout: customer-profile-api read timed out after 3.0s, retry 1/3`);
      }
    }
  }
  return { series, logs, changes: backgroundChanges(now, rand) };
}
