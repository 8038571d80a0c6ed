/**
 * Month-end settlement: at 00:05 on the 1st the PSP settlement import publishes settlement events
 * that carry hundreds of line items each. ledger-writer polls up to 500 records at a time, and a
 * batch of settlement events now takes longer than max.poll.interval.ms (5 min). The member is
 * evicted, its partitions revoked, the batch redone elsewhere, and the cycle repeats: a rebalance
 * storm. ledger-db is healthy (its probe is flat) and message volume barely moves.
 */
import { backgroundChanges, backgroundKafka, noiseLogs, probes } from "../common.js";
import { firesAt, simulateGroup } from "../kafka.js";
import { HOUR, Logs, MIN, Rand, SEC, at, axis, diurnal, iso, note, times, type Telemetry } from "../lib.js";

export const id = "ledger-rebalance-storm";

export function build(): Telemetry {
  const rand = new Rand(3303);
  const now = at("2026-03-01T00:34:00Z");
  const ax = axis(now - 2.5 * HOUR, now);
  const from = at("2026-03-01T00:05:00Z");
  // One rebalance cycle every 4-6 minutes once settlement batches arrive: an eviction, then a re-join.
  const cycle = new Map<number, "evict" | "rejoin">();
  for (let t = from + 6 * MIN; t <= now;) {
    cycle.set(t, "evict");
    cycle.set(t + MIN, "rejoin");
    t += rand.int(4, 6) * MIN;
  }
  const phase = (t: number) => cycle.get(t - (t % MIN));
  const group = simulateGroup(
    {
      topic: "payments.events.v2",
      group: "ledger-writer",
      partitions: 6,
      members: 3,
      produce: (t) => (130 * diurnal(t, 20, 0.25) * (t >= from ? 1.12 : 1)) / 6,
      // Heavier records: the same replicas get through fewer messages per second.
      capacity: (t) => (t >= from ? 140 : 650),
      stall: (t) => (phase(t) === "evict" ? 0.6 : phase(t) === "rejoin" ? 0.9 : 0),
      membersAt: (t) => (phase(t) === "evict" ? rand.pick([1, 2, 2]) : phase(t) === "rejoin" ? rand.pick([2, 3]) : 3),
      initialOffset: 96_800_000,
    },
    ax,
    rand,
  );
  note(id, `lag sum > 10000 for 5m first at ${new Date(firesAt(group, 10_000, 5 * MIN) ?? 0).toISOString()}`);
  const series = [...group.series, ...backgroundKafka(ax, rand), ...probes(ax, rand)];

  const logs = new Logs();
  noiseLogs(ax, rand, logs);
  const pods = ["ledger-writer-7c9f5d8b4-2kq7w", "ledger-writer-7c9f5d8b4-9xhtl", "ledger-writer-7c9f5d8b4-vm4rz"];
  const log = (t: number, r: number, level: string, logger: string, text: string) =>
    logs.add(
      t,
      { service: "ledger-writer", namespace: "payments", pod: pods[r]!, level },
      `${level.toUpperCase().padEnd(5)} [ledger-writer] ${logger} : ${text}`,
    );
  const consumer = (r: number) => `[Consumer clientId=consumer-ledger-writer-${r + 1}, groupId=ledger-writer]`;
  let generation = 811;
  for (const t of times(ax)) {
    for (let r = 0; r < 3; r++) {
      if (rand.chance(0.3)) {
        const heavy = t >= from;
        log(
          t + rand.uniform(0, MIN),
          r,
          "info",
          "c.s.ledger.BatchWriter",
          `wrote batch records=${heavy ? rand.int(40, 500) : rand.int(180, 500)} ledger_rows=${heavy ? rand.int(9000, 60000) : rand.int(180, 520)} took_ms=${heavy ? rand.int(90000, 340000) : rand.int(300, 900)}`,
        );
      }
    }
    const p = phase(t);
    if (p === "evict") {
      const r = rand.int(0, 2);
      log(
        t + 5 * SEC,
        r,
        "warn",
        "o.a.k.c.c.internals.ConsumerCoordinator",
        `${consumer(r)} consumer poll timeout has expired. This means the time between subsequent calls to poll() was longer than the configured max.poll.interval.ms, which typically implies that the poll loop is spending too much time processing messages. You can address this either by increasing max.poll.interval.ms or by reducing the maximum size of batches returned in poll() with max.poll.records.`,
      );
      log(
        t + 6 * SEC,
        r,
        "info",
        "o.a.k.c.c.internals.ConsumerCoordinator",
        `${consumer(r)} Member consumer-ledger-writer-${r + 1}-${rand.hex(8)}-${rand.hex(4)} sending LeaveGroup request to coordinator kafka-1.kafka-headless.kafka.svc:9092 (id: 2147483646 rack: null) due to consumer poll timeout has expired.`,
      );
      log(
        t + 40 * SEC,
        r,
        "error",
        "c.s.ledger.OffsetCommitter",
        `org.apache.kafka.clients.consumer.CommitFailedException: Offset commit cannot be completed since the consumer is not part of an active group for auto partition assignment; it is likely that the consumer was kicked out of the group.`,
      );
      for (let o = 0; o < 3; o++)
        if (o !== r)
          log(
            t + rand.uniform(8, 20) * SEC,
            o,
            "info",
            "o.a.k.c.c.internals.ConsumerCoordinator",
            `${consumer(o)} Request joining group due to: group is already rebalancing`,
          );
    }
    if (p === "rejoin") {
      generation++;
      for (let o = 0; o < 3; o++) {
        log(
          t + rand.uniform(0, 10) * SEC,
          o,
          "info",
          "o.a.k.c.c.internals.ConsumerCoordinator",
          `${consumer(o)} Revoke previously assigned partitions payments.events.v2-${o}, payments.events.v2-${o + 3}`,
        );
        log(t + rand.uniform(10, 20) * SEC, o, "info", "o.a.k.c.c.internals.ConsumerCoordinator", `${consumer(o)} (Re-)joining group`);
        log(
          t + rand.uniform(30, 50) * SEC,
          o,
          "info",
          "o.a.k.c.c.internals.ConsumerCoordinator",
          `${consumer(o)} Successfully joined group with generation Generation{generationId=${generation}, memberId='consumer-ledger-writer-${o + 1}-${rand.hex(8)}', protocol='range'}`,
        );
        log(
          t + rand.uniform(50, 59) * SEC,
          o,
          "info",
          "o.a.k.c.c.internals.ConsumerCoordinator",
          `${consumer(o)} Adding newly assigned partitions: payments.events.v2-${o}, payments.events.v2-${o + 3}`,
        );
      }
    }
  }
  const events = [...cycle.entries()]
    .filter(([, p]) => p === "rejoin")
    .map(([t]) => ({
      at: iso(t + 50 * SEC),
      kind: "kafka.group.rebalanced",
      labels: { consumergroup: "ledger-writer", cluster: "kafka-prod" },
      message: "group ledger-writer completed a rebalance (range assignor, 3 members)",
    }));
  return { series, logs, events, changes: backgroundChanges(now, rand) };
}
