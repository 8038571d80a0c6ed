/**
 * At 08:19 an analyst re-ran supplier_feeds_daily by hand after a supplier outage. Its four
 * stock reconciliations share the erp_api pool (4 slots) with inventory_sync_hourly and take about
 * two hours each, so the 09:05 inventory sync cannot start a single task: six tasks sit in
 * `scheduled`, the pool has no open slot, and the run misses its :40 deadline. Workers and the
 * scheduler are fine. Red herrings: a recommendations-api deploy at 09:12 and a commit to an
 * unrelated DAG at 08:55.
 */
import { PROBES, noiseLogs, probes } from "../common.js";
import { executorSeries, poolSeries, schedulerSeries, taskInstance } from "../airflow.js";
import { HOUR, Logs, MIN, Rand, SEC, at, axis, iso, times, type Telemetry } from "../lib.js";

export const id = "inventory-pool-starved";

export function build(): Telemetry {
  const rand = new Rand(5505);
  const now = at("2026-02-03T09:52:00Z");
  const ax = axis(now - 2.5 * HOUR, now);
  const manual = at("2026-02-03T08:19:44Z");
  const hourOf = (t: number) => t - (t % HOUR);
  // Normal hourly sync: 6 tasks through 4 slots between :05 and ~:17.
  const syncRunning = (t: number) => {
    const m = (t - hourOf(t)) / MIN;
    if (t >= manual + MIN) return 0; // blocked from 08:20 on
    return m >= 5 && m < 11 ? 4 : m >= 11 && m < 17 ? 2 : 0;
  };
  const supplierRunning = (t: number) => (t >= manual + MIN ? 4 : 0);
  const syncStarving = (t: number) => (t >= at("2026-02-03T09:05:00Z") ? 6 : 0);
  const dbtRunning = (t: number) => {
    const m = (t - hourOf(t)) / MIN;
    return m >= 5 && m < 13 ? rand.int(1, 2) : 0;
  };
  const defaultRunning = () => rand.int(3, 11);
  const series = [
    ...poolSeries(ax, [
      { name: "erp_api", slots: 4, running: (t) => Math.min(4, syncRunning(t) + supplierRunning(t)), starving: syncStarving },
      { name: "default_pool", slots: 128, running: defaultRunning, queued: () => rand.int(0, 2) },
      { name: "dbt", slots: 4, running: dbtRunning },
      { name: "spark_submit", slots: 8, running: () => rand.int(0, 2) },
    ]),
    ...executorSeries(ax, {
      slots: () => 32,
      running: (t) => syncRunning(t) + supplierRunning(t) + dbtRunning(t) + rand.int(2, 8),
      queued: () => rand.int(0, 2),
    }),
    ...schedulerSeries(ax, rand, { starving: syncStarving }),
    ...probes(ax, rand, { [PROBES.erp]: () => 0.34 }),
  ];

  const logs = new Logs();
  noiseLogs(ax, rand, logs);
  for (const t of times(ax)) {
    if (t >= at("2026-02-03T09:05:00Z") && (t / MIN) % 5 === 0) {
      logs.add(
        t + 2 * SEC,
        { service: "airflow", tier: "airflow", component: "scheduler", namespace: "airflow", level: "info" },
        `Not executing <TaskInstance: inventory_sync_hourly.sync_fc_${rand.pick(["ber1", "ham2", "muc1", "waw1", "ams1", "mad1"])} scheduled__2026-02-03T08:00:00+00:00 [scheduled]> since the pool 'erp_api' is full (4 of 4 slots used)`,
      );
    }
    if (rand.chance(0.2)) {
      logs.add(
        t + rand.uniform(0, MIN),
        { service: "airflow", tier: "airflow", component: "worker", namespace: "airflow", level: "info" },
        `[supplier_feeds_daily.reconcile_supplier_stock_${rand.pick(["acme", "nordwind", "polaris", "vela"])}] reconciled page ${rand.int(100, 900)} of supplier stock against the ERP (${rand.int(480, 520)} SKUs)`,
      );
    }
  }

  const sync = "inventory_sync_hourly";
  const fcs = ["ber1", "ham2", "muc1", "waw1", "ams1", "mad1"];
  const dagRuns = [
    ...["07", "08"].map((h) => ({
      dag_id: sync,
      dag_run_id: `scheduled__2026-02-03T${String(Number(h) - 1).padStart(2, "0")}:00:00+00:00`,
      run_type: "scheduled",
      logical_date: `2026-02-03T${String(Number(h) - 1).padStart(2, "0")}:00:00Z`,
      state: "success",
      start_date: `2026-02-03T${h}:05:02Z`,
      end_date: `2026-02-03T${h}:16:48Z`,
    })),
    {
      dag_id: sync,
      dag_run_id: "scheduled__2026-02-03T08:00:00+00:00",
      run_type: "scheduled",
      logical_date: "2026-02-03T08:00:00Z",
      state: "running",
      start_date: "2026-02-03T09:05:01Z",
      end_date: null,
    },
    {
      dag_id: "supplier_feeds_daily",
      dag_run_id: "manual__2026-02-03T08:19:44+00:00",
      run_type: "manual",
      logical_date: "2026-02-03T08:19:44Z",
      state: "running",
      start_date: "2026-02-03T08:19:46Z",
      end_date: null,
      note: "re-run after supplier API outage (full refresh)",
    },
    {
      dag_id: "dbt_orders_hourly",
      dag_run_id: "scheduled__2026-02-03T08:00:00+00:00",
      run_type: "scheduled",
      logical_date: "2026-02-03T08:00:00Z",
      state: "success",
      start_date: "2026-02-03T09:05:03Z",
      end_date: "2026-02-03T09:12:40Z",
    },
  ];
  const taskInstances = [
    ...fcs.map((fc) =>
      taskInstance({ dag_id: sync, run_id: "scheduled__2026-02-03T08:00:00+00:00", task_id: `sync_fc_${fc}`, state: "scheduled", pool: "erp_api" }),
    ),
    ...["acme", "nordwind", "polaris", "vela"].map((s, k) =>
      taskInstance({
        dag_id: "supplier_feeds_daily",
        run_id: "manual__2026-02-03T08:19:44+00:00",
        task_id: `reconcile_supplier_stock_${s}`,
        state: "running",
        pool: "erp_api",
        start: iso(manual + (20 + k * 7) * SEC),
        queued: iso(manual + (12 + k * 7) * SEC),
        hostname: `airflow-worker-${k % 2}.airflow-worker.airflow.svc`,
      }),
    ),
    ...fcs.map((fc, k) =>
      taskInstance({
        dag_id: sync,
        run_id: "scheduled__2026-02-03T07:00:00+00:00",
        task_id: `sync_fc_${fc}`,
        state: "success",
        pool: "erp_api",
        start: `2026-02-03T08:0${5 + Math.floor(k / 4) * 4}:1${k}Z`,
        end: `2026-02-03T08:1${Math.floor(k / 4) * 5 + 1}:0${k}Z`,
        hostname: `airflow-worker-${k % 2}.airflow-worker.airflow.svc`,
      }),
    ),
  ];
  return {
    series,
    logs,
    orchestrator: {
      dag_runs: dagRuns,
      task_instances: taskInstances,
      import_errors: [],
      pools: [
        { name: "default_pool", slots: 128, occupied_slots: 7, running_slots: 7, queued_slots: 0, scheduled_slots: 0, deferred_slots: 0, open_slots: 121 },
        {
          name: "erp_api",
          slots: 4,
          occupied_slots: 4,
          running_slots: 4,
          queued_slots: 0,
          scheduled_slots: 6,
          deferred_slots: 0,
          open_slots: 0,
          description: "ERP REST API allows 4 concurrent sessions",
        },
        { name: "dbt", slots: 4, occupied_slots: 0, running_slots: 0, queued_slots: 0, scheduled_slots: 0, deferred_slots: 0, open_slots: 4 },
        { name: "spark_submit", slots: 8, occupied_slots: 1, running_slots: 1, queued_slots: 0, scheduled_slots: 0, deferred_slots: 0, open_slots: 7 },
      ],
    },
    changes: {
      commits: [
        {
          repo: "shopfront/data-platform",
          sha: "b4e1f0a9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3",
          at: "2026-02-03T08:55:31Z",
          author: "tbergstrom",
          message: "attribution: add TikTok as a paid channel",
          files: [
            {
              path: "airflow/dags/marketing_attribution.py",
              status: "modified",
              patch: '@@ -22,6 +22,7 @@ CHANNELS = [\n     "google_ads",\n     "meta",\n+    "tiktok",\n ]\n',
            },
          ],
        },
      ],
      deployments: [
        {
          repo: "shopfront/recommendations",
          service: "recommendations-api",
          environment: "production",
          ref: "v41.4.0",
          sha: "0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e",
          at: "2026-02-03T09:12:18Z",
          status: "success",
        },
      ],
    },
  };
}
