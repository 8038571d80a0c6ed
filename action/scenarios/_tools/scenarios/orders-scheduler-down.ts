/**
 * 02:38: Airflow's metadata database (RDS Postgres) ran out of connection slots: a PgBouncer pod
 * was evicted during node maintenance and the webserver's workers opened direct connections until
 * `max_connections` was reached. Both schedulers crash on their next database call and go into
 * CrashLoopBackOff; nothing is scheduled from then on. The 03:05 run of dbt_orders_hourly never
 * starts, like every other DAG's. Pool and executor gauges freeze at their last values.
 */
import { backgroundChanges, noiseLogs, probes } from "../common.js";
import { airflowLog, executorSeries, poolSeries, schedulerSeries } from "../airflow.js";
import { HOUR, Logs, MIN, Rand, SEC, at, axis, iso, times, type Telemetry } from "../lib.js";

export const id = "orders-scheduler-down";

export function build(): Telemetry {
  const rand = new Rand(2424);
  const now = at("2026-04-23T03:37:00Z");
  const ax = axis(now - 2.5 * HOUR, now);
  const down = at("2026-04-23T02:38:30Z");
  const minuteOfHour = (t: number) => (t % HOUR) / MIN;
  // statsd-exporter keeps the last value of a gauge nobody updates: the gauges freeze at `down`.
  const frozen = (f: (t: number) => number) => {
    let last = 0;
    return (t: number) => (t < down ? (last = f(t)) : last);
  };
  const series = [
    ...poolSeries(ax, [
      { name: "default_pool", slots: 128, running: frozen(() => rand.int(2, 9)) },
      { name: "erp_api", slots: 4, running: frozen((t) => (minuteOfHour(t) >= 5 && minuteOfHour(t) < 17 ? rand.int(2, 4) : 0)) },
      { name: "dbt", slots: 4, running: frozen((t) => (minuteOfHour(t) >= 5 && minuteOfHour(t) < 12 ? 1 : 0)) },
      { name: "supplier_apis", slots: 4, running: frozen((t) => (t >= at("2026-04-23T02:00:00Z") ? rand.int(2, 4) : 0)) },
    ]),
    ...executorSeries(ax, { slots: () => 32, running: frozen(() => rand.int(4, 11)), queued: frozen(() => rand.int(0, 1)) }),
    ...schedulerSeries(ax, rand, { alive: (t) => t < down }),
    ...probes(ax, rand),
  ];
  const logs = new Logs();
  noiseLogs(ax, rand, logs);
  for (const t of times(ax)) {
    if (t < down) {
      if (rand.chance(0.3))
        airflowLog(logs, t + rand.uniform(0, MIN), "scheduler", "info", `Sending Stats for ${rand.int(58, 66)} DAGs; ${rand.int(0, 3)} tasks queued`);
    } else if ((t - down) % (5 * MIN) < MIN) {
      airflowLog(logs, t + 12 * SEC, "scheduler", "info", "Starting the scheduler");
      airflowLog(
        logs,
        t + 19 * SEC,
        "scheduler",
        "error",
        `Exception when executing SchedulerJob._run_scheduler_loop\nTraceback (most recent call last):\n  File "/home/airflow/.local/lib/python3.12/site-packages/sqlalchemy/engine/base.py", line 145, in __init__\n    self._dbapi_connection = engine.raw_connection()\nsqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at "airflow-metadata.c9x2kq.eu-west-1.rds.amazonaws.com" (10.42.12.7), port 5432 failed: FATAL:  remaining connection slots are reserved for non-replication superuser connections`,
      );
    }
  }
  const events = [
    {
      at: iso(down - 6 * MIN),
      kind: "k8s.pod.evicted",
      labels: { namespace: "airflow", pod: "airflow-pgbouncer-7d8c9b6f5-x4k2p" },
      message: "Pod evicted: node maintenance",
    },
    ...[0, 1].map((i) => ({
      at: iso(down + (4 + i) * MIN),
      kind: "k8s.pod.backoff",
      labels: { namespace: "airflow", pod: `airflow-scheduler-${i}` },
      message: `Back-off restarting failed container scheduler in pod airflow-scheduler-${i} (CrashLoopBackOff)`,
    })),
  ];
  return { series, logs, events, changes: backgroundChanges(now, rand) };
}
