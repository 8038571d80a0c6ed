/**
 * The gauges and counters Airflow's statsd metrics become behind Shopfront's statsd-exporter
 * (the Helm chart's `airflow_*` names; executor gauges carry the executor class, see
 * knowledge/aliases.md). A scenario describes how many slots are occupied and queued over time;
 * this file turns that into series.
 */
import { type Axis, type Logs, type Rand, type Series, counter, gauge } from "./lib.js";

const JOB = { job: "airflow-statsd" };

export interface PoolLoad {
  name: string;
  slots: number;
  /** Slots held by running tasks at `t`. */
  running(t: number): number;
  /** Tasks queued in the executor for this pool at `t`. */
  queued?(t: number): number;
  /** Tasks that are ready but cannot get a slot of this pool at `t`. */
  starving?(t: number): number;
}

export interface ExecutorLoad {
  /** parallelism × workers: the executor's slots at `t`. */
  slots(t: number): number;
  running(t: number): number;
  queued(t: number): number;
}

/** Pool gauges for every pool. */
export function poolSeries(ax: Axis, pools: PoolLoad[]): Series[] {
  return pools.flatMap((p) => {
    const running = (t: number) => Math.min(p.slots, Math.max(0, Math.round(p.running(t))));
    const labels = (name: string) => ({ __name__: name, ...JOB, pool: p.name });
    return [
      gauge(labels("airflow_pool_open_slots"), ax, (t) => p.slots - running(t) - Math.round(p.queued?.(t) ?? 0), 0),
      gauge(labels("airflow_pool_running_slots"), ax, running, 0),
      gauge(labels("airflow_pool_queued_slots"), ax, (t) => Math.round(p.queued?.(t) ?? 0), 0),
      gauge(labels("airflow_pool_starving_tasks"), ax, (t) => Math.round(p.starving?.(t) ?? 0), 0),
      gauge(labels("airflow_pool_deferred_slots"), ax, () => 0, 0),
    ];
  });
}

/** CeleryExecutor gauges, named the way our mapping names them. */
export function executorSeries(ax: Axis, e: ExecutorLoad): Series[] {
  const running = (t: number) => Math.min(e.slots(t), Math.round(e.running(t)));
  return [
    gauge({ __name__: "airflow_celery_executor_open_slots", ...JOB }, ax, (t) => Math.max(0, e.slots(t) - running(t)), 0),
    gauge({ __name__: "airflow_celery_executor_running_tasks", ...JOB }, ax, running, 0),
    gauge({ __name__: "airflow_celery_executor_queued_tasks", ...JOB }, ax, (t) => Math.round(e.queued(t)), 0),
  ];
}

/** Scheduler health: the heartbeat counter (two HA schedulers, one beat each per 5 s while alive), DAG bag, import errors. */
export function schedulerSeries(
  ax: Axis,
  rand: Rand,
  opts: { alive?: (t: number) => boolean; dags?: number; importErrors?: (t: number) => number; starving?: (t: number) => number } = {},
): Series[] {
  const alive = opts.alive ?? (() => true);
  return [
    counter({ __name__: "airflow_scheduler_heartbeat", ...JOB }, ax, 1_482_113, (t) => (alive(t) ? rand.jitter(0.4, 0.03) : 0)),
    gauge({ __name__: "airflow_dagbag_size", ...JOB }, ax, () => opts.dags ?? 64, 0),
    gauge({ __name__: "airflow_dag_processing_import_errors", ...JOB }, ax, (t) => opts.importErrors?.(t) ?? 0, 0),
    gauge({ __name__: "airflow_scheduler_tasks_starving", ...JOB }, ax, (t) => Math.round(opts.starving?.(t) ?? 0), 0),
    gauge({ __name__: "airflow_scheduler_tasks_executable", ...JOB }, ax, () => rand.int(0, 3), 0),
  ];
}

/** A task instance as Airflow's REST API returns it. */
export function taskInstance(f: {
  dag_id: string;
  run_id: string;
  task_id: string;
  state: string;
  pool: string;
  start?: string | null;
  end?: string | null;
  queued?: string | null;
  try_number?: number;
  hostname?: string;
  map_index?: number;
}) {
  const duration = f.start && f.end ? (Date.parse(f.end) - Date.parse(f.start)) / 1000 : null;
  return {
    dag_id: f.dag_id,
    dag_run_id: f.run_id,
    task_id: f.task_id,
    map_index: f.map_index ?? -1,
    state: f.state,
    try_number: f.try_number ?? 1,
    start_date: f.start ?? null,
    end_date: f.end ?? null,
    duration,
    pool: f.pool,
    pool_slots: 1,
    queue: "default",
    queued_when: f.queued ?? null,
    hostname: f.hostname ?? "",
    operator: "PythonOperator",
  };
}

/** Airflow component logs as the Helm chart's pods ship them (pod labels tier/component). */
export function airflowLog(logs: Logs, t: number, component: "scheduler" | "worker" | "webserver" | "triggerer", level: string, line: string): void {
  logs.add(t, { service: "airflow", tier: "airflow", component, namespace: "airflow", level }, line);
}

/** A task's log line, with the dag and task ids the task-log handler attaches. */
export function taskLog(
  logs: Logs,
  t: number,
  task: { dag_id: string; task_id: string; try_number?: number },
  level: string,
  source: string,
  text: string,
): void {
  const stamp = new Date(t)
    .toISOString()
    .replace("T", ", ")
    .replace(/\.\d+Z$/, " UTC");
  logs.add(
    t,
    {
      service: "airflow",
      tier: "airflow",
      component: "worker",
      namespace: "airflow",
      dag_id: task.dag_id,
      task_id: task.task_id,
      try_number: String(task.try_number ?? 1),
      level,
    },
    `[${stamp}] {${source}} ${level.toUpperCase()} - ${text}`,
  );
}

/** A healthy Airflow: the usual pools, two Celery workers' worth of executor slots, a beating scheduler. */
export function healthyAirflow(ax: Axis, rand: Rand): Series[] {
  const minuteOfHour = (t: number) => (t % 3_600_000) / 60_000;
  const hourly = (from: number, to: number, lo: number, hi: number) => (t: number) => (minuteOfHour(t) >= from && minuteOfHour(t) < to ? rand.int(lo, hi) : 0);
  return [
    ...poolSeries(ax, [
      { name: "default_pool", slots: 128, running: () => rand.int(2, 10) },
      { name: "erp_api", slots: 4, running: hourly(5, 17, 2, 4) },
      { name: "dbt", slots: 4, running: hourly(5, 12, 1, 2) },
      { name: "spark_submit", slots: 8, running: () => rand.int(0, 2) },
      { name: "supplier_apis", slots: 4, running: (t) => (t % 86_400_000 >= 7_200_000 && t % 86_400_000 < 10_800_000 ? rand.int(2, 4) : 0) },
    ]),
    ...executorSeries(ax, { slots: () => 32, running: () => rand.int(3, 12), queued: () => rand.int(0, 1) }),
    ...schedulerSeries(ax, rand),
  ];
}
