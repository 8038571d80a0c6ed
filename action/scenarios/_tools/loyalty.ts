/**
 * The loyalty-accrual consumer group (points-accrual on loyalty.points.v2, 8 partitions, 4 members)
 * and what surrounds it, shared by the loyalty-* scenarios. A scenario says how producers, the
 * group and rewards-db behave; this file turns that into kafka_exporter series, the consumer's log
 * lines and the rewards-db probe.
 */
import { backgroundChanges, backgroundKafka, noiseLogs, probes } from "./common.js";
import { firesAt, simulateGroup } from "./kafka.js";
import { HOUR, Logs, MIN, Rand, axis, gauge, iso, note, times, type Telemetry } from "./lib.js";

export const REWARDS_DB = "tcp://rewards-db.loyalty.svc.cluster.local:5432";

export interface LoyaltyStory {
  id: string;
  seed: number;
  now: number;
  produce: (t: number, p: number) => number;
  capacity: (t: number) => number;
  stall?: (t: number) => number;
  membersAt?: (t: number) => number;
  dbLatency?: (t: number) => number;
  /** Extra consumer log lines per minute and pod. */
  podLog?: (t: number, pod: string, rand: Rand, logs: Logs, labels: Record<string, string>) => void;
  /** Leave the group's own series out (the exporter for that cluster was not scraped). */
  dropGroupSeries?: boolean;
}

export function loyaltyTelemetry(s: LoyaltyStory): { telemetry: Telemetry; rand: Rand } {
  const rand = new Rand(s.seed);
  const ax = axis(s.now - 2.5 * HOUR, s.now);
  const group = simulateGroup(
    {
      topic: "loyalty.points.v2",
      group: "points-accrual",
      partitions: 8,
      members: 4,
      produce: s.produce,
      capacity: s.capacity,
      stall: s.stall,
      membersAt: s.membersAt,
      initialOffset: 9_310_000,
    },
    ax,
    rand,
  );
  note(s.id, `lag sum > 20000 for 5m first at ${iso(firesAt(group, 20_000, 5 * MIN) ?? 0)}`);
  const series = [
    ...(s.dropGroupSeries ? [] : group.series),
    ...backgroundKafka(ax, rand),
    ...probes(ax, rand),
    gauge(
      { __name__: "probe_duration_seconds", instance: REWARDS_DB, job: "blackbox-tcp" },
      ax,
      (t) => Math.max(0.0005, rand.jitter(s.dbLatency?.(t) ?? 0.0018, 0.12)),
      4,
    ),
    gauge({ __name__: "probe_success", instance: REWARDS_DB, job: "blackbox-tcp" }, ax, () => 1, 0),
  ];
  const logs = new Logs();
  noiseLogs(ax, rand, logs);
  const pods = ["points-accrual-5c8f7d-2kq9x", "points-accrual-5c8f7d-7vn4m", "points-accrual-5c8f7d-b1t6r", "points-accrual-5c8f7d-p3z8w"];
  for (const t of times(ax)) {
    pods.forEach((pod, r) => {
      const labels = { service: "points-accrual", namespace: "loyalty", pod, level: "info" };
      if (rand.chance(0.3))
        logs.add(t + rand.uniform(0, MIN), labels, `accrued batch events=${rand.int(200, 500)} partitions=${r},${r + 4} tx_ms=${rand.int(40, 160)}`);
      s.podLog?.(t, pod, rand, logs, labels);
    });
  }
  return {
    telemetry: {
      series,
      logs,
      changes: backgroundChanges(s.now, rand),
      events: [
        {
          at: iso(s.now - 95 * MIN),
          kind: "k8s.pod.started",
          labels: { namespace: "storefront", pod: "recommendations-api-7b9d5-x2c4v" },
          message: "Started container recommendations-api",
        },
      ],
    },
    rand,
  };
}
