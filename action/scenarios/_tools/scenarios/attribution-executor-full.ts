/**
 * The Redis password of Airflow's Celery broker was rotated at 02:10; KEDA's scaler for the
 * workers kept the old secret, failed every poll from then on and left the workers at their
 * minimum of 2 (32 task slots). Usually KEDA scales to 6 workers for the 04:00 fan-out of
 * marketing_attribution_daily (about 40 tasks). Tonight every slot is busy from 04:01, tasks pile
 * up in the executor's queue, and the run is still going at 04:45. Pools have plenty of room.
 */
import { backgroundChanges, noiseLogs, probes } from "../common.js";
import { executorSeries, poolSeries, schedulerSeries, taskInstance } from "../airflow.js";
import { HOUR, Logs, MIN, Rand, SEC, at, axis, iso, ramp, times, type Telemetry } from "../lib.js";

export const id = "attribution-executor-full";

export function build(): Telemetry {
  const rand = new Rand(6606);
  const now = at("2026-02-05T04:57:00Z");
  const ax = axis(now - 2.5 * HOUR, now);
  const fanout = at("2026-02-05T04:00:00Z");
  const rotated = at("2026-02-05T02:10:00Z");
  // Tasks the night's DAGs want to run at once; two workers run 32 of them.
  const demand = (t: number) => (t < fanout ? rand.int(2, 7) : 30 + 40 * ramp(t, fanout, fanout + 12 * MIN) + rand.int(0, 4));
  const slots = 32;
  const running = (t: number) => Math.min(slots, demand(t));
  const queued = (t: number) => Math.max(0, demand(t) - slots);
  const series = [
    ...poolSeries(ax, [
      { name: "default_pool", slots: 128, running: (t) => Math.max(0, running(t) - (t >= fanout && t < fanout + 40 * MIN ? 3 : 0)), queued },
      { name: "erp_api", slots: 4, running: (t) => ((t % HOUR) / MIN >= 5 && (t % HOUR) / MIN < 17 ? rand.int(2, 4) : 0) },
      { name: "dbt", slots: 4, running: (t) => (t >= fanout && t < fanout + 40 * MIN ? 3 : 0) },
      { name: "spark_submit", slots: 8, running: () => rand.int(0, 1) },
    ]),
    ...executorSeries(ax, { slots: () => slots, running, queued }),
    ...schedulerSeries(ax, rand),
    ...probes(ax, rand),
  ];

  const logs = new Logs();
  noiseLogs(ax, rand, logs);
  for (const t of times(ax)) {
    if (t >= rotated && (t / MIN) % 2 === 0) {
      logs.add(
        t + 11 * SEC,
        { service: "keda-operator", namespace: "keda", level: "error" },
        `ERROR\tscale_handler\terror getting scale decision\t{"scaledObject.Namespace": "airflow", "scaledObject.Name": "airflow-worker", "scaler": "redisScaler", "error": "WRONGPASS invalid username-password pair or user is disabled."}`,
      );
    }
    if (t >= fanout && rand.chance(0.5)) {
      logs.add(
        t + rand.uniform(0, MIN),
        { service: "airflow", tier: "airflow", component: "worker", namespace: "airflow", level: "info" },
        `Task marketing_attribution_daily.touchpoints_${rand.pick(["google_ads", "meta", "tiktok", "email", "affiliate", "organic"])}[${rand.int(0, 6)}] running on airflow-worker-${rand.int(0, 1)}`,
      );
    }
  }

  const runId = "scheduled__2026-02-04T04:00:00+00:00";
  const channels = ["google_ads", "meta", "tiktok", "email", "affiliate", "organic"];
  const taskInstances = channels.flatMap((ch, c) =>
    Array.from({ length: 7 }, (_, k) => {
      const i = c * 7 + k;
      const started = i < 24;
      return taskInstance({
        dag_id: "marketing_attribution_daily",
        run_id: runId,
        task_id: `touchpoints_${ch}`,
        map_index: k,
        state: started ? (i < 10 ? "success" : "running") : "queued",
        pool: "default_pool",
        queued: iso(fanout + (5 + i) * SEC),
        start: started ? iso(fanout + (8 + i * 50) * SEC) : null,
        end: i < 10 ? iso(fanout + (8 + i * 50 + 1500) * SEC) : null,
        hostname: started ? `airflow-worker-${i % 2}.airflow-worker.airflow.svc` : "",
      });
    }),
  );
  return {
    changes: backgroundChanges(now, rand),
    series,
    logs,
    events: [
      {
        at: iso(rotated),
        kind: "secret.rotated",
        labels: { namespace: "airflow", secret: "airflow-redis-password" },
        message: "Vault rotated the Redis password used by Airflow's Celery broker",
      },
    ],
    orchestrator: {
      dag_runs: [
        {
          dag_id: "marketing_attribution_daily",
          dag_run_id: "scheduled__2026-02-03T04:00:00+00:00",
          run_type: "scheduled",
          logical_date: "2026-02-03T04:00:00Z",
          state: "success",
          start_date: "2026-02-04T04:00:03Z",
          end_date: "2026-02-04T04:27:51Z",
        },
        {
          dag_id: "marketing_attribution_daily",
          dag_run_id: runId,
          run_type: "scheduled",
          logical_date: "2026-02-04T04:00:00Z",
          state: "running",
          start_date: "2026-02-05T04:00:02Z",
          end_date: null,
        },
        {
          dag_id: "dbt_finance_daily",
          dag_run_id: runId,
          run_type: "scheduled",
          logical_date: "2026-02-04T04:00:00Z",
          state: "success",
          start_date: "2026-02-05T04:00:04Z",
          end_date: "2026-02-05T04:39:12Z",
        },
      ],
      task_instances: taskInstances,
      import_errors: [],
      pools: [
        { name: "default_pool", slots: 128, occupied_slots: 76, running_slots: 29, queued_slots: 47, scheduled_slots: 0, deferred_slots: 0, open_slots: 52 },
        { name: "erp_api", slots: 4, occupied_slots: 0, running_slots: 0, queued_slots: 0, scheduled_slots: 0, deferred_slots: 0, open_slots: 4 },
        { name: "dbt", slots: 4, occupied_slots: 0, running_slots: 0, queued_slots: 0, scheduled_slots: 0, deferred_slots: 0, open_slots: 4 },
        { name: "spark_submit", slots: 8, occupied_slots: 0, running_slots: 0, queued_slots: 0, scheduled_slots: 0, deferred_slots: 0, open_slots: 8 },
      ],
    },
  };
}
