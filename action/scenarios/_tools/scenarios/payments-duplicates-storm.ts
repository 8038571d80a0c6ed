/**
 * Month-end again (1 August): at 01:20 the settlement import starts and ledger-writer's batches of
 * heavy settlement events outlive max.poll.interval.ms, so the group rebalances over and over.
 * Every redone batch is idempotent in ledger-db but appended again to the raw.payments mirror.
 * The 02:00 intraday build of the finance marts runs its source tests first, and the unique test
 * on raw.payments.payment_id fails. Nobody had looked at the lag yet.
 */
import { backgroundChanges, backgroundKafka, noiseLogs, probes } from "../common.js";
import { healthyAirflow } from "../airflow.js";
import { simulateGroup } from "../kafka.js";
import { HOUR, Logs, MIN, Rand, SEC, at, axis, diurnal, iso, times, type Telemetry } from "../lib.js";
import { RAW_PAYMENTS, snapshots } from "../warehouse.js";

export const id = "payments-duplicates-storm";

export function build(): Telemetry {
  const rand = new Rand(4141);
  const now = at("2026-08-01T02:19:00Z");
  const ax = axis(now - 2.5 * HOUR, now);
  const from = at("2026-08-01T01:20:00Z");
  const cycle = new Map<number, "evict" | "rejoin">();
  for (let t = from + 5 * MIN; t <= now;) {
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
      produce: (t) => (125 * diurnal(t, 20, 0.25) * (t >= from ? 1.1 : 1)) / 6,
      capacity: (t) => (t >= from ? 150 : 650),
      stall: (t) => (phase(t) === "evict" ? 0.6 : phase(t) === "rejoin" ? 0.9 : 0),
      membersAt: (t) => (phase(t) === "evict" ? rand.pick([1, 2, 2]) : phase(t) === "rejoin" ? rand.pick([2, 3]) : 3),
      initialOffset: 104_300_000,
    },
    ax,
    rand,
  );
  const series = [...group.series, ...backgroundKafka(ax, rand), ...probes(ax, rand), ...healthyAirflow(ax, rand)];
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
  for (const t of times(ax)) {
    const p = phase(t);
    if (p === "evict") {
      const r = rand.int(0, 2);
      log(
        t + 5 * SEC,
        r,
        "warn",
        "o.a.k.c.c.internals.ConsumerCoordinator",
        `${consumer(r)} consumer poll timeout has expired. This means the time between subsequent calls to poll() was longer than the configured max.poll.interval.ms, which typically implies that the poll loop is spending too much time processing messages.`,
      );
      log(
        t + 40 * SEC,
        r,
        "error",
        "c.s.ledger.OffsetCommitter",
        "org.apache.kafka.clients.consumer.CommitFailedException: Offset commit cannot be completed since the consumer is not part of an active group for auto partition assignment; it is likely that the consumer was kicked out of the group.",
      );
    }
    if (p === "rejoin") {
      for (let o = 0; o < 3; o++) {
        log(
          t + rand.uniform(0, 10) * SEC,
          o,
          "info",
          "o.a.k.c.c.internals.ConsumerCoordinator",
          `${consumer(o)} Revoke previously assigned partitions payments.events.v2-${o}, payments.events.v2-${o + 3}`,
        );
        log(t + rand.uniform(10, 20) * SEC, o, "info", "o.a.k.c.c.internals.ConsumerCoordinator", `${consumer(o)} (Re-)joining group`);
      }
    }
  }
  const dbtLog = (t: number, level: string, line: string) =>
    logs.add(t, { service: "dbt-runner", namespace: "airflow", dag_id: "dbt_finance_daily", level }, line);
  const run = at("2026-08-01T02:00:35Z");
  dbtLog(run, "info", "Running with dbt=1.9.4");
  dbtLog(run + 21_000, "error", "2 of 14 FAIL 1873 source_unique_payments_payments_payment_id ................ [FAIL 1873 in 2.40s]");
  dbtLog(
    run + 24_000,
    "error",
    "Failure in test source_unique_payments_payments_payment_id (models/finance/staging/sources.yml)\n  Got 1873 results, configured to fail if != 0\n\n  compiled code at target/compiled/shop_analytics/models/finance/staging/sources.yml/source_unique_payments_payments_payment_id.sql",
  );
  dbtLog(run + 25_000, "info", "Done. PASS=12 WARN=0 ERROR=0 FAIL=1 SKIP=1 NO-OP=0 TOTAL=14");
  const top = now - (now % HOUR);
  return {
    series,
    logs,
    events: [...cycle.entries()]
      .filter(([, x]) => x === "rejoin")
      .map(([t]) => ({
        at: iso(t + 50 * SEC),
        kind: "kafka.group.rebalanced",
        labels: { consumergroup: "ledger-writer", cluster: "kafka-prod" },
        message: "group ledger-writer completed a rebalance (range assignor, 3 members)",
      })),
    changes: backgroundChanges(now, rand),
    warehouse: {
      schemas: snapshots("raw.payments", now - 30 * HOUR, top, () => RAW_PAYMENTS),
      query_errors: [],
      tables: [{ table: "raw.payments", at: iso(now - MIN), row_count: 21_773_905, max_loaded_at: iso(now - 2 * MIN) }],
    },
  };
}
