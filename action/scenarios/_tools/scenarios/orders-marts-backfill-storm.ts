/**
 * 09:10: an analytics engineer starts `airflow dags backfill dbt_finance_daily -s 2026-01-01
 * -e 2026-04-30` for a Q1 restatement. 120 backfill runs are created; eight run at a time and each
 * run's dbt build holds one of the four slots of the shared `dbt` pool for about 25 minutes. From
 * 09:12 the pool is never free, and the hourly orders marts (same pool) stop running: their 10:05
 * build waits in `scheduled` and the DAG goes overdue.
 */
import { backgroundChanges, noiseLogs, probes } from "../common.js";
import { airflowLog, executorSeries, poolSeries, schedulerSeries, taskInstance } from "../airflow.js";
import { HOUR, Logs, MIN, Rand, SEC, at, axis, iso, times, type Telemetry } from "../lib.js";

export const id = "orders-marts-backfill-storm";

export function build(): Telemetry {
  const rand = new Rand(2626);
  const now = at("2026-05-04T10:58:00Z");
  const ax = axis(now - 3 * HOUR, now);
  const backfill = at("2026-05-04T09:10:41Z");
  const minuteOfHour = (t: number) => (t % HOUR) / MIN;
  const backfilling = (t: number) => t >= backfill + 90 * SEC;
  const series = [
    ...poolSeries(ax, [
      { name: "default_pool", slots: 128, running: () => rand.int(2, 9) },
      { name: "erp_api", slots: 4, running: (t) => (minuteOfHour(t) >= 5 && minuteOfHour(t) < 17 ? rand.int(2, 4) : 0) },
      {
        name: "dbt",
        slots: 4,
        running: (t) => (backfilling(t) ? 4 : minuteOfHour(t) >= 5 && minuteOfHour(t) < 12 ? 1 : 0),
        starving: (t) => (backfilling(t) ? (minuteOfHour(t) >= 5 ? 5 : 4) : 0),
      },
      { name: "supplier_apis", slots: 4, running: () => 0 },
    ]),
    ...executorSeries(ax, { slots: () => 32, running: (t) => (backfilling(t) ? 4 : 0) + rand.int(3, 9), queued: () => rand.int(0, 1) }),
    ...schedulerSeries(ax, rand, { starving: (t) => (backfilling(t) ? 5 : 0) }),
    ...probes(ax, rand),
  ];
  const logs = new Logs();
  noiseLogs(ax, rand, logs);
  for (const t of times(ax)) {
    if (rand.chance(0.3))
      airflowLog(logs, t + rand.uniform(0, MIN), "scheduler", "info", `Sending Stats for ${rand.int(58, 66)} DAGs; ${rand.int(0, 3)} tasks queued`);
    if (backfilling(t) && minuteOfHour(t) >= 5 && (t / MIN) % 5 === 0) {
      airflowLog(
        logs,
        t + 3 * SEC,
        "scheduler",
        "info",
        "Not executing <TaskInstance: dbt_orders_hourly.dbt_build scheduled__2026-05-04T09:00:00+00:00 [scheduled]> since the pool 'dbt' is full (4 of 4 slots used)",
      );
    }
  }
  // The backfill: one run per day from 1 January to 30 April, eight active at a time.
  const days = Array.from({ length: 120 }, (_, i) => new Date(Date.UTC(2026, 0, 1 + i)));
  const done = Math.floor((now - backfill) / (25 * MIN)) * 4;
  const runs = days.map((d, i) => {
    const logical = d.toISOString().replace(".000Z", "Z");
    const id = `backfill__${logical.replace("Z", "+00:00")}`;
    const state = i < done ? "success" : i < done + 8 ? "running" : "queued";
    const start = i < done + 8 ? backfill + Math.floor(i / 4) * 25 * MIN + (i % 4) * 5 * SEC : null;
    return {
      dag_id: "dbt_finance_daily",
      dag_run_id: id,
      run_type: "backfill",
      logical_date: logical,
      state,
      start_date: start === null ? null : iso(start),
      end_date: state === "success" && start !== null ? iso(start + 24 * MIN) : null,
      conf: {},
      note: "Q1 restatement",
    };
  });
  const orders = [
    ...["08", "09"].map((h) => ({
      dag_id: "dbt_orders_hourly",
      dag_run_id: `scheduled__2026-05-04T${String(Number(h) - 1).padStart(2, "0")}:00:00+00:00`,
      run_type: "scheduled",
      logical_date: `2026-05-04T${String(Number(h) - 1).padStart(2, "0")}:00:00Z`,
      state: "success",
      start_date: `2026-05-04T${h}:05:02Z`,
      end_date: `2026-05-04T${h}:11:40Z`,
    })),
    {
      dag_id: "dbt_orders_hourly",
      dag_run_id: "scheduled__2026-05-04T09:00:00+00:00",
      run_type: "scheduled",
      logical_date: "2026-05-04T09:00:00Z",
      state: "running",
      start_date: "2026-05-04T10:05:01Z",
      end_date: null,
    },
  ];
  return {
    series,
    logs,
    orchestrator: {
      dag_runs: [...runs, ...orders],
      task_instances: [
        taskInstance({ dag_id: "dbt_orders_hourly", run_id: "scheduled__2026-05-04T09:00:00+00:00", task_id: "dbt_build", state: "scheduled", pool: "dbt" }),
      ],
      import_errors: [],
      pools: [{ name: "dbt", slots: 4, occupied_slots: 4, running_slots: 4, queued_slots: 0, scheduled_slots: 5, deferred_slots: 0, open_slots: 0 }],
    },
    changes: backgroundChanges(now, rand),
  };
}
