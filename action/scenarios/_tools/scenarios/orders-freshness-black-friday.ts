/**
 * Black Friday. The marketing push at 19:20 more than triples checkout traffic on orders.v1.
 * orders-enricher runs flat out at its ~900 msg/s ceiling while producers write ~1500 msg/s. For
 * the day the streaming team raised the lag alert to 1M messages, so it fires only at 19:50; at
 * 20:05 the hourly dbt run finds raw.orders (freshness on placed_at, error after 20 minutes) stale
 * and skips the marts, and a second alert, from Grafana, joins the incident.
 */
import { backgroundChanges, backgroundKafka, noiseLogs, probes } from "../common.js";
import { healthyAirflow } from "../airflow.js";
import { firesAt, simulateGroup } from "../kafka.js";
import { HOUR, Logs, MIN, Rand, at, axis, diurnal, iso, note, ramp, times, type Telemetry } from "../lib.js";
import { RAW_ORDERS, queryError, snapshots } from "../warehouse.js";

export const id = "orders-freshness-black-friday";

export function build(): Telemetry {
  const rand = new Rand(2727);
  const now = at("2026-11-27T20:15:00Z");
  const ax = axis(now - 3 * HOUR, now);
  const push = at("2026-11-27T19:20:00Z");
  const produce = (t: number) => 430 * diurnal(t, 19, 0.3) * (1 + 2.5 * ramp(t, push, push + 4 * MIN));
  const group = simulateGroup(
    {
      topic: "orders.v1",
      group: "orders-enricher",
      partitions: 12,
      members: 6,
      produce: (t) => produce(t) / 12,
      capacity: () => 900,
      initialOffset: 118_300_000,
    },
    ax,
    rand,
  );
  note(id, `lag sum > 1M for 2m first at ${new Date(firesAt(group, 1_000_000, 2 * MIN) ?? 0).toISOString()}`);
  const behind = (t: number) => {
    const i = Math.round((t - ax.start) / MIN);
    return (group.lagSum[i] ?? 0) / 900;
  };
  note(id, `seconds behind at 20:05: ${behind(at("2026-11-27T20:05:00Z")).toFixed(0)}`);
  const series = [...group.series, ...backgroundKafka(ax, rand), ...probes(ax, rand), ...healthyAirflow(ax, rand)];
  const logs = new Logs();
  noiseLogs(ax, rand, logs);
  for (const t of times(ax)) {
    for (let r = 0; r < 6; r++) {
      if (rand.next() > 0.3) continue;
      logs.add(
        t + rand.uniform(0, MIN),
        { service: "orders-enricher", namespace: "streaming", pod: `orders-enricher-6f7d9c8bd-${r}q${r}z`, level: "info" },
        `committed offsets batch_size=500 partitions=${r},${r + 6} took_ms=${rand.int(2100, 4200)}`,
      );
    }
  }
  const dbtLog = (t: number, level: string, line: string) =>
    logs.add(t, { service: "dbt-runner", namespace: "airflow", dag_id: "dbt_orders_hourly", level }, line);
  for (const [h, ok] of [
    ["18", true],
    ["19", true],
    ["20", false],
  ] as const) {
    const t = at(`2026-11-27T${h}:05:06Z`);
    dbtLog(t, "info", "Running with dbt=1.9.4");
    dbtLog(t + 8_000, "info", "Found 212 models, 538 data tests, 41 sources, 1012 macros");
    if (ok) {
      dbtLog(t + 11_000, "info", `1 of 1 PASS freshness of shop.orders ...................................... [PASS in 0.7${h === "18" ? 4 : 9}s]`);
      dbtLog(t + 120_000, "info", "Done. PASS=14 WARN=0 ERROR=0 SKIP=0 NO-OP=0 TOTAL=14");
    } else {
      dbtLog(t + 11_000, "error", "1 of 1 ERROR STALE freshness of shop.orders ............................... [ERROR STALE in 0.81s]");
      dbtLog(t + 11_500, "error", `Source shop.orders is stale: max_loaded_at_time_ago_in_s=${Math.round(behind(t))} exceeds error_after 1200s (placed_at)`);
      dbtLog(t + 12_000, "info", "Skipping dbt build: source freshness failed");
    }
  }
  const top = now - (now % HOUR);
  return {
    series,
    logs,
    changes: backgroundChanges(now, rand),
    warehouse: {
      schemas: snapshots("raw.orders", now - 30 * HOUR, top, () => RAW_ORDERS),
      query_errors: [
        queryError(
          at("2026-11-27T19:31:40Z"),
          "ANALYST_MLEE",
          "ADHOC_WH",
          "000904",
          "SQL compilation error: error line 2 at position 8\ninvalid identifier 'BASKET_SIZE'",
        ),
      ],
      tables: [{ table: "raw.orders", at: iso(now - MIN), row_count: 131_004_711, max_loaded_at: iso(now - MIN) }],
    },
  };
}
