/**
 * Fernhill Health's telemetry conventions (action/scenarios/fernhill/README.md), as its exporters
 * and log shippers really produce them. Nothing here is Shopfront's: two Airflow deployments
 * (`airflow-claims`, `airflow-analytics`) whose statsd-exporter series carry `airflow_instance`
 * and name pools `pool_name`; claims Celery workers are EC2 hosts whose node_exporter series are
 * relabelled to `host`; blackbox probes carry the probed address in `target` (and the exporter in
 * `instance`); Loki streams carry `cluster`, `namespace`, `app`, `component` and a Python-style
 * `level` (INFO, WARNING, ERROR).
 */
import { type Axis, type Labels, Logs, HOUR, MIN, type Rand, type Series, counter, gauge, iso, times } from "../lib.js";

export const CLUSTER = "fh-prod-use2";
export type Inst = "airflow-claims" | "airflow-analytics";

/** Labels Fernhill's ServiceMonitor puts on every statsd-exporter series of a deployment. */
export const statsd = (inst: Inst): Labels => ({ job: "airflow-statsd", namespace: inst, airflow_instance: inst });

/** Replaces every value after `from` by the last value before it: what statsd_exporter serves once nobody sends a gauge any more. */
export function holdAfter(s: Series, from: number): Series {
  const start = Date.parse(s.start);
  const step = Number.parseInt(s.step, 10) * 1000;
  let last: number | null = null;
  return {
    ...s,
    values: s.values.map((v, i) => {
      const t = start + i * step;
      if (t < from) {
        last = v;
        return v;
      }
      return last;
    }),
  };
}

/** Drops samples (null) in [from, to): a scrape gap. */
export function gap(s: Series, from: number, to: number): Series {
  const start = Date.parse(s.start);
  const step = Number.parseInt(s.step, 10) * 1000;
  return { ...s, values: s.values.map((v, i) => (start + i * step >= from && start + i * step < to ? null : v)) };
}

// ---------------------------------------------------------------- Airflow metrics

export interface PoolLoad {
  name: string;
  slots: number;
  running(t: number): number;
  queued?(t: number): number;
  scheduled?(t: number): number;
  starving?(t: number): number;
  deferred?(t: number): number;
}

/** `airflow_pool_*{pool_name}` gauges of one deployment. */
export function poolSeries(ax: Axis, inst: Inst, pools: PoolLoad[]): Series[] {
  return pools.flatMap((p) => {
    const l = (name: string) => ({ __name__: name, ...statsd(inst), pool_name: p.name });
    const run = (t: number) => Math.min(p.slots, Math.max(0, Math.round(p.running(t))));
    const q = (t: number) => Math.max(0, Math.round(p.queued?.(t) ?? 0));
    return [
      gauge(l("airflow_pool_open_slots"), ax, (t) => Math.max(0, p.slots - run(t) - q(t)), 0),
      gauge(l("airflow_pool_running_slots"), ax, run, 0),
      gauge(l("airflow_pool_queued_slots"), ax, q, 0),
      gauge(l("airflow_pool_scheduled_slots"), ax, (t) => Math.round(p.scheduled?.(t) ?? 0), 0),
      gauge(l("airflow_pool_starving_tasks"), ax, (t) => Math.round(p.starving?.(t) ?? 0), 0),
      gauge(l("airflow_pool_deferred_slots"), ax, (t) => Math.round(p.deferred?.(t) ?? 0), 0),
    ];
  });
}

export interface ExecutorLoad {
  slots: number;
  running(t: number): number;
  queued(t: number): number;
}

/** `airflow_executor_*` gauges (CeleryExecutor; the Helm chart's names, no executor label). */
export function executorSeries(ax: Axis, inst: Inst, e: ExecutorLoad): Series[] {
  const run = (t: number) => Math.min(e.slots, Math.max(0, Math.round(e.running(t))));
  return [
    gauge({ __name__: "airflow_executor_open_slots", ...statsd(inst) }, ax, (t) => e.slots - run(t), 0),
    gauge({ __name__: "airflow_executor_running_tasks", ...statsd(inst) }, ax, run, 0),
    gauge({ __name__: "airflow_executor_queued_tasks", ...statsd(inst) }, ax, (t) => Math.max(0, Math.round(e.queued(t))), 0),
  ];
}

export interface SchedulerOpts {
  /** Whether the scheduler loop runs at `t` (heartbeats and every gauge the scheduler sends). */
  alive?: (t: number) => boolean;
  dags?: (t: number) => number;
  importErrors?: (t: number) => number;
  starving?: (t: number) => number;
  /** Task failures per second at `t`. */
  failures?: (t: number) => number;
  successes?: (t: number) => number;
  replicas?: number;
}

/** Scheduler and DAG-processor series: heartbeat counter, DAG bag, import errors, task outcome counters. */
export function schedulerSeries(ax: Axis, rand: Rand, inst: Inst, o: SchedulerOpts = {}): Series[] {
  const alive = o.alive ?? (() => true);
  const base = statsd(inst);
  const replicas = o.replicas ?? 1;
  return [
    counter({ __name__: "airflow_scheduler_heartbeat", ...base }, ax, inst === "airflow-claims" ? 3_911_204 : 1_207_551, (t) =>
      alive(t) ? replicas * rand.jitter(0.2, 0.02) : 0,
    ),
    gauge({ __name__: "airflow_dagbag_size", ...base }, ax, (t) => o.dags?.(t) ?? (inst === "airflow-claims" ? 37 : 52), 0),
    gauge({ __name__: "airflow_dag_processing_import_errors", ...base }, ax, (t) => o.importErrors?.(t) ?? 0, 0),
    gauge({ __name__: "airflow_scheduler_tasks_starving", ...base }, ax, (t) => Math.round(o.starving?.(t) ?? 0), 0),
    gauge({ __name__: "airflow_scheduler_tasks_executable", ...base }, ax, () => rand.int(0, 2), 0),
    counter({ __name__: "airflow_ti_failures", ...base }, ax, inst === "airflow-claims" ? 18_433 : 9_120, (t) =>
      alive(t) ? (o.failures?.(t) ?? (rand.chance(0.01) ? 1 / 60 : 0)) : 0,
    ),
    counter({ __name__: "airflow_ti_successes", ...base }, ax, inst === "airflow-claims" ? 2_904_118 : 1_118_090, (t) =>
      alive(t) ? (o.successes?.(t) ?? rand.uniform(0.05, 0.3)) : 0,
    ),
  ];
}

export interface RunObservation {
  /** When the run ended (the timer is sent then). */
  end: number;
  seconds: number;
  state: "success" | "failed";
}

/**
 * `airflow_dagrun_duration_success{dag_id}` and `_failed` as Fernhill's statsd-exporter serves them:
 * summaries in seconds with `max_age: 36h` (so a daily DAG's last runs stay visible), quantiles 0.5
 * and 0.99, and `_sum`/`_count` counters.
 */
export function dagrunDurationSeries(ax: Axis, inst: Inst, dagId: string, runs: RunObservation[]): Series[] {
  const out: Series[] = [];
  for (const state of ["success", "failed"] as const) {
    const obs = runs.filter((r) => r.state === state).sort((a, b) => a.end - b.end);
    if (!obs.length) continue;
    const name = `airflow_dagrun_duration_${state}`;
    const base = { ...statsd(inst), dag_id: dagId };
    const inWindow = (t: number) =>
      obs
        .filter((r) => r.end <= t && r.end > t - 36 * HOUR)
        .map((r) => r.seconds)
        .sort((a, b) => a - b);
    const q = (t: number, p: number) => {
      const xs = inWindow(t);
      return xs.length ? xs[Math.min(xs.length - 1, Math.floor(p * xs.length))]! : null;
    };
    out.push(gauge({ __name__: name, ...base, quantile: "0.5" }, ax, (t) => q(t, 0.5), 1));
    out.push(gauge({ __name__: name, ...base, quantile: "0.99" }, ax, (t) => q(t, 0.99), 1));
    const before = obs.filter((r) => r.end <= ax.start);
    const sum0 = 1_000_000 + before.reduce((a, r) => a + r.seconds, 0);
    out.push(
      gauge({ __name__: `${name}_sum`, ...base }, ax, (t) => sum0 + obs.filter((r) => r.end > ax.start && r.end <= t).reduce((a, r) => a + r.seconds, 0), 1),
    );
    out.push(gauge({ __name__: `${name}_count`, ...base }, ax, (t) => 400 + before.length + obs.filter((r) => r.end > ax.start && r.end <= t).length, 0));
  }
  return out;
}

// ---------------------------------------------------------------- Airflow REST objects

/** A DAG run as Airflow 2.10's `/api/v1/dags/{dag_id}/dagRuns` returns it. */
export function dagRun(f: {
  dag_id: string;
  logical: number;
  state: string;
  start?: number | null;
  end?: number | null;
  run_type?: "scheduled" | "manual" | "backfill" | "dataset_triggered";
  interval?: number;
  note?: string | null;
  conf?: Record<string, unknown>;
  queued?: number | null;
}) {
  const type = f.run_type ?? "scheduled";
  const ld = iso(f.logical);
  const runId = `${type}__${ld.replace("Z", "+00:00")}`;
  return {
    dag_id: f.dag_id,
    dag_run_id: runId,
    run_type: type,
    logical_date: ld,
    execution_date: ld,
    data_interval_start: ld,
    data_interval_end: iso(f.logical + (f.interval ?? 24 * HOUR)),
    queued_at: f.queued !== undefined && f.queued !== null ? iso(f.queued) : f.start ? iso(f.start - 2_000) : null,
    start_date: f.start ? iso(f.start) : null,
    end_date: f.end ? iso(f.end) : null,
    state: f.state,
    external_trigger: type === "manual",
    conf: f.conf ?? {},
    note: f.note ?? null,
    last_scheduling_decision: f.end ? iso(f.end) : f.start ? iso(f.start + 30_000) : null,
  };
}

export const runIdOf = (logical: number, type = "scheduled") => `${type}__${iso(logical).replace("Z", "+00:00")}`;

/** A task instance as `/api/v1/dags/~/dagRuns/~/taskInstances/list` returns it (Airflow 2.10 field names). */
export function taskInstance(f: {
  dag_id: string;
  run_id: string;
  task_id: string;
  state: string | null;
  pool: string;
  logical?: number;
  start?: number | null;
  end?: number | null;
  queued?: number | null;
  try_number?: number;
  max_tries?: number;
  hostname?: string;
  operator?: string;
  queue?: string;
  priority_weight?: number;
  pid?: number | null;
  rendered_fields?: Record<string, unknown>;
  map_index?: number;
  executor_config?: string;
  note?: string | null;
}) {
  const duration = f.start && f.end ? Math.round((f.end - f.start) / 10) / 100 : null;
  return {
    dag_id: f.dag_id,
    dag_run_id: f.run_id,
    task_id: f.task_id,
    map_index: f.map_index ?? -1,
    execution_date: f.logical !== undefined ? iso(f.logical) : null,
    start_date: f.start ? iso(f.start) : null,
    end_date: f.end ? iso(f.end) : null,
    duration,
    state: f.state,
    try_number: f.try_number ?? 1,
    max_tries: f.max_tries ?? 2,
    hostname: f.hostname ?? "",
    unixname: "airflow",
    pool: f.pool,
    pool_slots: 1,
    queue: f.queue ?? "default",
    priority_weight: f.priority_weight ?? 1,
    operator: f.operator ?? "PythonOperator",
    queued_when: f.queued ? iso(f.queued) : null,
    pid: f.pid ?? null,
    executor_config: f.executor_config ?? "{}",
    sla_miss: null,
    rendered_fields: f.rendered_fields ?? {},
    note: f.note ?? null,
  };
}

/** A pool as `/api/v1/pools` returns it. */
export function pool(name: string, slots: number, occupied: number, queued = 0, scheduled = 0, description = "") {
  return {
    name,
    slots,
    occupied_slots: occupied,
    running_slots: occupied - queued,
    queued_slots: queued,
    scheduled_slots: scheduled,
    deferred_slots: 0,
    open_slots: Math.max(0, slots - occupied),
    description: description || null,
    include_deferred: false,
  };
}

// ---------------------------------------------------------------- logs

/** Airflow 2.10's default log prefix: `[2026-05-11T06:02:13.123+0000] {file.py:123} INFO - `. */
export const stamp = (t: number) => new Date(Math.round(t)).toISOString().replace("Z", "+0000");
export const pyLine = (t: number, src: string, level: string, text: string) => `[${stamp(t)}] {${src}} ${level} - ${text}`;

export const CLAIMS_WORKERS = ["fh-afc-wkr-01", "fh-afc-wkr-02", "fh-afc-wkr-03", "fh-afc-wkr-04"] as const;
export const claimsFqdn = (host: string) => `${host}.claims.fernhill.internal`;
export const ANALYTICS_WORKERS = ["airflow-analytics-worker-0", "airflow-analytics-worker-1", "airflow-analytics-worker-2"] as const;

export interface TaskRef {
  dag_id: string;
  task_id: string;
  try_number?: number;
  run_id?: string;
  /** Short host name (claims workers) or pod name (analytics workers). */
  host?: string;
}

/**
 * A task log line. Claims workers ship task logs with promtail from the EC2 host (labels `host`,
 * `job`); analytics workers are pods (labels `namespace`, `pod`).
 */
export function taskLog(logs: Logs, t: number, inst: Inst, ti: TaskRef, level: string, src: string, text: string): void {
  const common = { airflow_instance: inst, component: "task", dag_id: ti.dag_id, task_id: ti.task_id, try_number: String(ti.try_number ?? 1), level };
  const labels: Labels =
    inst === "airflow-claims"
      ? { job: "airflow-task-logs", host: ti.host ?? "fh-afc-wkr-01", ...common }
      : { cluster: CLUSTER, namespace: inst, app: "airflow", pod: ti.host ?? "airflow-analytics-worker-0", ...common };
  logs.add(t, labels, pyLine(t, src, level, text));
}

/** A line of an Airflow component running in Kubernetes (scheduler, dag-processor, webserver, triggerer, analytics workers, pgbouncer). */
export function componentLog(logs: Logs, t: number, inst: Inst, component: string, pod: string, level: string, line: string): void {
  logs.add(t, { cluster: CLUSTER, namespace: inst, app: "airflow", component, pod, level }, line);
}

/** A journald line of an EC2 host (claims Celery workers): unit `airflow-celery-worker.service`, `kernel`, `scratch-janitor.service`, … */
export function hostLog(logs: Logs, t: number, host: string, unit: string, level: string, line: string): void {
  logs.add(t, { job: "journal", host, unit, level }, line);
}

/** A line of one of Fernhill's own services in Kubernetes. */
export function serviceLog(logs: Logs, t: number, namespace: string, app: string, level: string, line: string): void {
  logs.add(t, { cluster: CLUSTER, namespace, app, level }, line);
}

/**
 * What Loki holds every minute that has nothing to do with any incident: member-facing APIs,
 * both schedulers' routine lines, a Slack notifier that has been failing for weeks, Celery
 * heartbeat warnings and a prior-auth gateway that times out now and then.
 */
export function backgroundLogs(ax: Axis, rand: Rand, logs: Logs, opts: { quietScheduler?: Inst; quietFrom?: number } = {}): void {
  const schedPod = {
    "airflow-claims": "airflow-claims-scheduler-6d8f7c9b54-qk2vx",
    "airflow-analytics": "airflow-analytics-scheduler-5b7d94f6c8-m9wzt",
  } as const;
  for (const t of times(ax)) {
    const s = t + rand.uniform(0, MIN);
    if (rand.chance(0.5))
      serviceLog(
        logs,
        s,
        "digital",
        "member-portal-api",
        "info",
        `method=GET path=/v1/members/${rand.int(100000, 999999)}/coverage status=200 duration_ms=${rand.int(14, 80)}`,
      );
    if (rand.chance(0.35))
      serviceLog(
        logs,
        s + 400,
        "claims-svc",
        "claims-status-api",
        "info",
        `method=GET path=/v2/claims/C${rand.int(10000000, 99999999)}/status status=200 duration_ms=${rand.int(9, 60)}`,
      );
    if (rand.chance(0.04))
      serviceLog(
        logs,
        s + 900,
        "care-mgmt",
        "prior-auth-gateway",
        "warning",
        `upstream utilization-review timed out after 5000ms, retry 1/3 request_id=${rand.hex(12)}`,
      );
    if (rand.chance(0.02))
      serviceLog(
        logs,
        s + 1300,
        "digital",
        "member-portal-api",
        "error",
        `idcard render failed member=${rand.int(100000, 999999)} err="pdfgen: font cache miss, retrying"`,
      );
    for (const inst of ["airflow-claims", "airflow-analytics"] as const) {
      const quiet = opts.quietScheduler === inst && opts.quietFrom !== undefined && t >= opts.quietFrom;
      if (quiet) continue;
      if (rand.chance(0.3))
        componentLog(
          logs,
          s + 2000,
          inst,
          "scheduler",
          schedPod[inst],
          "INFO",
          pyLine(s + 2000, "scheduler_job_runner.py:428", "INFO", `${rand.int(0, 4)} tasks up for execution:`),
        );
      if ((t / MIN) % 5 === 0)
        componentLog(
          logs,
          s + 2500,
          inst,
          "scheduler",
          schedPod[inst],
          "INFO",
          pyLine(s + 2500, "scheduler_job_runner.py:1938", "INFO", "Adopting or resetting orphaned tasks for active dag runs"),
        );
    }
    if ((t / MIN) % 30 === 7)
      componentLog(
        logs,
        s,
        "airflow-analytics",
        "worker",
        "airflow-analytics-worker-1",
        "ERROR",
        pyLine(
          s,
          "slack_notifier.py:88",
          "ERROR",
          "Failed to send Slack notification for reporting__star_ratings_monthly: SlackApiError: The request to the Slack API failed. (url: https://slack.com/api/chat.postMessage) The server responded with: {'ok': False, 'error': 'channel_not_found'}",
        ),
      );
    if ((t / MIN) % 20 === 11)
      componentLog(
        logs,
        s,
        "airflow-analytics",
        "worker",
        `airflow-analytics-worker-${rand.int(0, 2)}`,
        "WARNING",
        `[${new Date(s).toISOString().replace("T", " ").replace("Z", ",000")}: WARNING/MainProcess] Substantial drift from celery@airflow-analytics-worker-${rand.int(0, 2)} may mean clocks are out of sync.  Current drift is 1 seconds.`,
      );
    if (rand.chance(0.03))
      hostLog(
        logs,
        s,
        rand.pick(CLAIMS_WORKERS),
        "airflow-celery-worker.service",
        "WARNING",
        `/home/airflow/.local/lib/python3.11/site-packages/airflow/utils/sqlalchemy.py:112 SAWarning: TypeDecorator ExtendedJSON() will not produce a cache key because the \`\`cache_ok\`\` attribute is not set to True.`,
      );
  }
}

// ---------------------------------------------------------------- node_exporter

export interface Mount {
  mountpoint: string;
  device: string;
  fstype: string;
  size: number;
  /** Free bytes at `t`. */
  avail(t: number): number;
}

const GiB = 1024 ** 3;
export { GiB };

/** node_exporter series of one claims worker (EC2), relabelled to `host`. */
export function claimsHostSeries(
  ax: Axis,
  rand: Rand,
  host: string,
  o: { mounts?: Mount[]; memAvail?(t: number): number; oomKills?(t: number): number; load?(t: number): number } = {},
): Series[] {
  const ip = `10.61.4.${20 + CLAIMS_WORKERS.indexOf(host as (typeof CLAIMS_WORKERS)[number])}`;
  const base = { job: "node", host, instance: `${ip}:9100` };
  const mounts = o.mounts ?? defaultClaimsMounts(rand);
  const memTotal = 64 * GiB;
  let ooms = 0;
  return [
    ...mounts.flatMap((m) => {
      const l = { ...base, mountpoint: m.mountpoint, device: m.device, fstype: m.fstype };
      return [
        gauge({ __name__: "node_filesystem_avail_bytes", ...l }, ax, (t) => Math.max(0, Math.round(m.avail(t))), 0),
        gauge({ __name__: "node_filesystem_size_bytes", ...l }, ax, () => m.size, 0),
      ];
    }),
    gauge({ __name__: "node_memory_MemTotal_bytes", ...base }, ax, () => memTotal, 0),
    gauge({ __name__: "node_memory_MemAvailable_bytes", ...base }, ax, (t) => Math.round(o.memAvail?.(t) ?? rand.jitter(38 * GiB, 0.05)), 0),
    gauge({ __name__: "node_vmstat_oom_kill", ...base }, ax, (t) => (ooms = Math.max(ooms, o.oomKills?.(t) ?? 0)), 0),
    gauge({ __name__: "node_load1", ...base }, ax, (t) => o.load?.(t) ?? rand.uniform(1.5, 6), 2),
  ];
}

/** The usual root and scratch volumes of a claims worker, with their usual slow breathing. */
export function defaultClaimsMounts(rand: Rand, scratchUsedGiB = 120): Mount[] {
  return [
    { mountpoint: "/", device: "/dev/nvme0n1p1", fstype: "xfs", size: 100 * GiB, avail: () => rand.jitter(61 * GiB, 0.002) },
    {
      mountpoint: "/data/scratch",
      device: "/dev/nvme1n1",
      fstype: "xfs",
      size: 900 * GiB,
      avail: (t) => (900 - scratchUsedGiB - 40 * Math.sin(t / (3 * HOUR))) * GiB,
    },
  ];
}

// ---------------------------------------------------------------- blackbox_exporter

export const TARGETS = {
  clearpathApi: "https://edi.clearpath-exchange.example/api/v2/health",
  clearpathSftp: "sftp.clearpath-exchange.example:22",
  credentialstream: "https://api.credentialstream.example/v3/status",
  statehixSftp: "sftp.statehix.example:22",
  memberPortal: "https://members.fernhillhealth.example/healthz",
  claimsReplica: "fh-claimsdb-replica.onprem.fernhill.internal:5432",
  rxbridgeSftp: "files.rxbridge.example:22",
} as const;

export interface ProbeState {
  ok?: (t: number) => boolean;
  duration?: (t: number) => number;
  dns?: (t: number) => number;
  status?: (t: number) => number;
}

/** blackbox_exporter series, target in `target`, exporter in `instance`; HTTP probes add status and certificate expiry. */
export function probeSeries(
  ax: Axis,
  rand: Rand,
  overrides: Partial<Record<keyof typeof TARGETS, ProbeState>> = {},
  only?: Array<keyof typeof TARGETS>,
): Series[] {
  const usual: Record<keyof typeof TARGETS, number> = {
    clearpathApi: 0.21,
    clearpathSftp: 0.048,
    credentialstream: 0.33,
    statehixSftp: 0.061,
    memberPortal: 0.04,
    claimsReplica: 0.009,
    rxbridgeSftp: 0.052,
  };
  const certExpiry: Record<string, number> = {
    clearpathApi: Date.parse("2026-11-02T23:59:59Z") / 1000,
    credentialstream: Date.parse("2026-09-18T12:00:00Z") / 1000,
    memberPortal: Date.parse("2026-08-30T08:14:03Z") / 1000,
  };
  return (Object.keys(TARGETS) as Array<keyof typeof TARGETS>)
    .filter((k) => !only || only.includes(k))
    .flatMap((k) => {
      const target = TARGETS[k];
      const http = target.startsWith("https://");
      const o = overrides[k] ?? {};
      const ok = o.ok ?? (() => true);
      const l = { job: "blackbox", instance: "blackbox-exporter.monitoring.svc:9115", module: http ? "http_2xx" : "tcp_connect", target };
      const out: Series[] = [
        gauge({ __name__: "probe_success", ...l }, ax, (t) => (ok(t) ? 1 : 0), 0),
        gauge({ __name__: "probe_duration_seconds", ...l }, ax, (t) => o.duration?.(t) ?? Math.max(0.001, rand.jitter(usual[k], 0.1)), 4),
        gauge({ __name__: "probe_dns_lookup_time_seconds", ...l }, ax, (t) => o.dns?.(t) ?? Math.max(0.0002, rand.jitter(0.0011, 0.3)), 5),
      ];
      if (http) {
        out.push(gauge({ __name__: "probe_http_status_code", ...l }, ax, (t) => o.status?.(t) ?? (ok(t) ? 200 : 0), 0));
        out.push(gauge({ __name__: "probe_ssl_earliest_cert_expiry", ...l }, ax, () => certExpiry[k] ?? Date.parse("2027-01-01T00:00:00Z") / 1000, 0));
      }
      return out;
    });
}

// ---------------------------------------------------------------- changes

const SHA = (rand: Rand) => rand.hex(40);

export interface Commit {
  repo: string;
  at: number;
  author: string;
  message: string;
  files: Array<{ path: string; status?: string; patch?: string }>;
}

export const commit = (rand: Rand, c: Commit) => ({
  repo: c.repo,
  sha: SHA(rand),
  at: iso(c.at - (c.at % 1000)),
  author: c.author,
  message: c.message,
  files: c.files.map((f) => ({ path: f.path, status: f.status ?? "modified", patch: f.patch ?? "@@ -1,4 +1,4 @@\n" })),
});

export const deployment = (rand: Rand, d: { repo: string; service: string; at: number; ref: string; environment?: string; status?: string }) => ({
  repo: d.repo,
  service: d.service,
  environment: d.environment ?? "production",
  ref: d.ref,
  sha: SHA(rand),
  at: iso(d.at - (d.at % 1000)),
  status: d.status ?? "success",
});

/**
 * The day's ordinary changes outside the data pipelines: member-portal and claims-status-api
 * deploys, docs and dashboard commits, spread over the 20 hours before `now`.
 */
export function backgroundChanges(now: number, rand: Rand) {
  const commits = [
    { repo: "fernhill-health/platform-docs", path: "runbooks/member-portal.md", message: "docs: member portal on-call escalation path", author: "okafor-j" },
    {
      repo: "fernhill-health/grafana-dashboards",
      path: "dashboards/claims-status-api.json",
      message: "dashboards: p95 panel for claims status lookups",
      author: "mlindqvist",
    },
    { repo: "fernhill-health/dbt-fernhill", path: "models/care_mgmt/schema.yml", message: "care_mgmt: document gap_closure_source", author: "tbhatt" },
  ].map((c, i) =>
    commit(rand, { repo: c.repo, at: now - (3 + i * 6 + rand.uniform(0, 2)) * HOUR, author: c.author, message: c.message, files: [{ path: c.path }] }),
  );
  const deployments = [
    { repo: "fernhill-health/member-portal", service: "member-portal-api" },
    { repo: "fernhill-health/claims-status", service: "claims-status-api" },
    { repo: "fernhill-health/member-portal", service: "member-portal-web" },
  ].map((d, i) =>
    deployment(rand, { ...d, at: now - (1.2 + i * 7 + rand.uniform(0, 1.5)) * HOUR, ref: `v${rand.int(3, 19)}.${rand.int(0, 40)}.${rand.int(0, 9)}` }),
  );
  return { commits, deployments };
}

// ---------------------------------------------------------------- healthy Airflow

export const CLAIMS_POOLS = ["default_pool", "edi_sftp", "clearpath_api", "snowflake_load", "statehix_sftp", "credentialstream_api"] as const;
export const ANALYTICS_POOLS = ["default_pool", "snowflake_transform", "dbt_cloud_trigger", "sas_grid"] as const;

/** A healthy deployment: its pools lightly used, executor with room, scheduler beating. `patch` replaces any pool by name. */
export function healthyAirflow(
  ax: Axis,
  rand: Rand,
  inst: Inst,
  patch: Partial<Record<string, PoolLoad>> = {},
  exec?: ExecutorLoad,
  sched?: SchedulerOpts,
): Series[] {
  const minute = (t: number) => (t % HOUR) / MIN;
  const burst = (from: number, to: number, lo: number, hi: number) => (t: number) => (minute(t) >= from && minute(t) < to ? rand.int(lo, hi) : 0);
  const pools: PoolLoad[] =
    inst === "airflow-claims"
      ? [
          { name: "default_pool", slots: 64, running: () => rand.int(3, 12) },
          { name: "edi_sftp", slots: 6, running: burst(2, 14, 3, 6) },
          { name: "clearpath_api", slots: 4, running: burst(2, 9, 1, 3) },
          { name: "snowflake_load", slots: 8, running: burst(12, 24, 1, 5) },
          { name: "statehix_sftp", slots: 2, running: (t) => ((t / HOUR) % 4 < 0.25 ? 1 : 0) },
          { name: "credentialstream_api", slots: 4, running: () => 0 },
        ]
      : [
          { name: "default_pool", slots: 48, running: () => rand.int(1, 7) },
          { name: "snowflake_transform", slots: 10, running: burst(10, 35, 1, 4) },
          { name: "dbt_cloud_trigger", slots: 4, running: burst(0, 40, 0, 1) },
          { name: "sas_grid", slots: 2, running: () => rand.int(0, 1) },
        ];
  const merged = pools.map((p) => patch[p.name] ?? p);
  for (const [name, p] of Object.entries(patch)) if (p && !merged.some((m) => m.name === name)) merged.push(p);
  const slots = inst === "airflow-claims" ? 64 : 36;
  const e = exec ?? { slots, running: () => rand.int(4, 16), queued: () => rand.int(0, 1) };
  return [...poolSeries(ax, inst, merged), ...executorSeries(ax, inst, e), ...schedulerSeries(ax, rand, inst, sched)];
}
