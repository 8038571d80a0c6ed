/**
 * Harrowgate Energy's telemetry conventions (action/scenarios/harrowgate/README.md), as its
 * exporters and log shippers produce them. A UK electricity and gas supplier: smart-meter reads
 * stream through a Strimzi Kafka cluster (`meterstream`) whose ServiceMonitors add `kafka_cluster`;
 * one Airflow deployment (`hge-airflow`) whose statsd-exporter series carry `airflow_deployment`
 * and name pools `pool`; DAG ids are dotted (`settlement.d0010_ingest`); Loki streams carry
 * `k8s_cluster`, `namespace`, `app`, `container` and `level` (Java and Go services lower case,
 * Airflow Python's upper case).
 */
import { simulateGroup, type GroupModel, type GroupRun } from "../kafka.js";
import { type Axis, type Labels, Logs, HOUR, MIN, type Rand, type Series, counter, gauge, iso, times } from "../lib.js";

export const K8S = "hge-prd-lon1";
export const KAFKA = "meterstream";
export const AIRFLOW = "hge-airflow";
export const GiB = 1024 ** 3;

// ---------------------------------------------------------------- Kafka

/** Labels the kafka-exporter ServiceMonitor adds to every series. */
export const kafkaLabels: Labels = { job: "kafka-exporter", namespace: "kafka", kafka_cluster: KAFKA };

/** One consumer group on `meterstream`, through the shared group model. */
export function group(m: Omit<GroupModel, "extra">, ax: Axis, rand: Rand): GroupRun {
  return simulateGroup({ ...m, extra: kafkaLabels }, ax, rand);
}

/** The groups that are healthy in every scenario unless one is skipped (by group name). */
export function backgroundGroups(ax: Axis, rand: Rand, skip: string[] = []): Series[] {
  const groups: Array<[string, string, number, number, number, number]> = [
    ["smets.device-alerts.v1", "tamper-detector", 12, 3, 40, 91_400_000],
    ["billing.events.v2", "billing-event-sink", 12, 4, 110, 612_000_000],
    ["market.prices.v1", "price-cache-loader", 3, 1, 4, 2_210_000],
    ["smets.hh-reads.v3", "usage-rollup", 24, 6, 2_600, 9_804_000_000],
  ];
  return groups
    .filter(([, g]) => !skip.includes(g))
    .flatMap(
      ([topic, g, partitions, members, rate, initialOffset]) =>
        group({ topic, group: g, partitions, members, produce: () => rate / partitions, capacity: () => rate * 2.4, initialOffset }, ax, rand).series,
    );
}

/** Topics of `meterstream` and their partition counts (RF 3 over brokers 0..5). */
export const TOPICS: Array<[string, number]> = [
  ["smets.hh-reads.raw.v1", 24],
  ["smets.hh-reads.v3", 24],
  ["smets.device-alerts.v1", 12],
  ["billing.events.v2", 12],
  ["market.prices.v1", 3],
];

/** Replicas of partition `p` of the `i`-th topic: three consecutive brokers, the first one leads. */
const replicas = (i: number, p: number) => [0, 1, 2].map((k) => (p + i * 5 + k) % 6);

/**
 * kafka_exporter's broker count and per-partition under-replication, and each broker's JMX gauge of
 * the under-replicated partitions it leads; `down(t, broker)` says which brokers are gone.
 */
export function brokerSeries(ax: Axis, rand: Rand, down: (t: number, broker: number) => boolean = () => false): Series[] {
  const ids = [0, 1, 2, 3, 4, 5];
  const up = (t: number) => ids.filter((b) => !down(t, b)).length;
  const out: Series[] = [gauge({ __name__: "kafka_brokers", ...kafkaLabels }, ax, up, 0)];
  const urp = (t: number, i: number, p: number) => replicas(i, p).some((b) => down(t, b));
  // After a leader is lost the controller elects the next in-sync replica.
  const leader = (t: number, i: number, p: number) => replicas(i, p).find((b) => !down(t, b)) ?? -1;
  TOPICS.forEach(([topic, parts], i) => {
    for (let p = 0; p < parts; p++)
      out.push(
        gauge(
          { __name__: "kafka_topic_partition_under_replicated_partition", ...kafkaLabels, topic, partition: String(p) },
          ax,
          (t) => (urp(t, i, p) ? 1 : 0),
          0,
        ),
      );
  });
  for (const b of ids) {
    const l = { namespace: "kafka", kafka_cluster: KAFKA, job: "kafka-jmx", pod: `${KAFKA}-kafka-${b}` };
    const led = (t: number) =>
      TOPICS.reduce((n, [, parts], i) => n + Array.from({ length: parts }, (_, p) => p).filter((p) => urp(t, i, p) && leader(t, i, p) === b).length, 0);
    out.push(gauge({ __name__: "kafka_server_replicamanager_underreplicatedpartitions", ...l }, ax, (t) => (down(t, b) ? null : led(t)), 0));
    out.push(gauge({ __name__: "up", ...l }, ax, (t) => (down(t, b) ? 0 : 1), 0));
  }
  void rand;
  return out;
}

/** A broker's log line (Strimzi pod, log4j layout). */
export function brokerLog(logs: Logs, t: number, broker: number, level: string, line: string): void {
  logs.add(t, { k8s_cluster: K8S, namespace: "kafka", app: "kafka", pod: `${KAFKA}-kafka-${broker}`, container: "kafka", level }, line);
}

// ---------------------------------------------------------------- services

/** A line of one of Harrowgate's services in Kubernetes. */
export function serviceLog(logs: Logs, t: number, namespace: string, app: string, level: string, line: string): void {
  logs.add(t, { k8s_cluster: K8S, namespace, app, container: app, level }, line);
}

/** Java services log with logback's default layout. */
export const javaLine = (t: number, level: string, logger: string, msg: string) =>
  `${new Date(t).toISOString().replace("T", " ").replace("Z", "")} ${level.toUpperCase().padEnd(5)} [${logger.split(".").pop()}] ${logger} - ${msg}`;

/** Lines every minute of Loki holds that belong to no incident. */
export function backgroundLogs(ax: Axis, rand: Rand, logs: Logs): void {
  for (const t of times(ax)) {
    const s = t + rand.uniform(0, MIN);
    if (rand.chance(0.5))
      serviceLog(
        logs,
        s,
        "customer",
        "account-api",
        "info",
        `method=GET path=/v3/accounts/A${rand.int(1000000, 9999999)}/balance status=200 duration_ms=${rand.int(11, 70)}`,
      );
    if (rand.chance(0.3))
      serviceLog(
        logs,
        s + 300,
        "customer",
        "quote-api",
        "info",
        `quote issued postcode_area=${rand.pick(["LS", "M", "B", "BS", "NE", "G"])} tariff=HGE-FIX-24M kwh=${rand.int(1800, 4200)}`,
      );
    if (rand.chance(0.03))
      serviceLog(
        logs,
        s + 700,
        "customer",
        "account-api",
        "warning",
        `smart meter top-up callback from paypoint timed out after 3000ms, will retry ref=${rand.hex(10)}`,
      );
    if (rand.chance(0.02))
      serviceLog(
        logs,
        s + 900,
        "metering",
        "dcc-adapter",
        "warning",
        `DCC service response SR_4.8.1 for device ${rand.hex(16).toUpperCase()} took ${rand.int(30, 55)}s (slow)`,
      );
    if ((t / MIN) % 15 === 4)
      serviceLog(
        logs,
        s,
        "web",
        "marketing-site",
        "error",
        `GET /tariffs/legacy-green-2019 404 referer=https://www.google.com/ (known dead link, ticket MKT-311)`,
      );
  }
}

// ---------------------------------------------------------------- Airflow

/** Labels the statsd-exporter ServiceMonitor puts on every Airflow series. */
export const statsd: Labels = { job: "airflow-statsd-exporter", namespace: "airflow", airflow_deployment: AIRFLOW };

export const POOLS: Array<[string, number]> = [
  ["default_pool", 96],
  ["snowflake", 12],
  ["elexon_api", 4],
  ["pricing_engine", 2],
  ["sftp_industry", 3],
];

export interface AirflowOpts {
  /** Whether the scheduler loop runs at `t`. */
  alive?: (t: number) => boolean;
  /** Running tasks of a pool at `t` (default: light, noisy use). */
  running?: Partial<Record<string, (t: number) => number>>;
  queued?: Partial<Record<string, (t: number) => number>>;
  /** Task failures per second at `t`. */
  failures?: (t: number) => number;
}

/** Pools, executor and scheduler series of `hge-airflow` (CeleryExecutor, 3 workers × 16). */
export function airflowSeries(ax: Axis, rand: Rand, o: AirflowOpts = {}): Series[] {
  const alive = o.alive ?? (() => true);
  const out: Series[] = [];
  for (const [name, slots] of POOLS) {
    const l = (n: string) => ({ __name__: n, ...statsd, pool: name });
    const run = (t: number) => Math.min(slots, Math.max(0, Math.round(o.running?.[name]?.(t) ?? (name === "default_pool" ? rand.int(4, 14) : rand.int(0, 1)))));
    const q = (t: number) => Math.max(0, Math.round(o.queued?.[name]?.(t) ?? 0));
    out.push(gauge(l("airflow_pool_open_slots"), ax, (t) => Math.max(0, slots - run(t) - q(t)), 0));
    out.push(gauge(l("airflow_pool_running_slots"), ax, run, 0));
    out.push(gauge(l("airflow_pool_queued_slots"), ax, q, 0));
    out.push(gauge(l("airflow_pool_starving_tasks"), ax, () => 0, 0));
  }
  out.push(gauge({ __name__: "airflow_executor_open_slots", ...statsd }, ax, (t) => (alive(t) ? 48 - rand.int(4, 15) : 48), 0));
  out.push(gauge({ __name__: "airflow_executor_queued_tasks", ...statsd }, ax, () => rand.int(0, 1), 0));
  out.push(counter({ __name__: "airflow_scheduler_heartbeat", ...statsd }, ax, 2_480_117, (t) => (alive(t) ? rand.jitter(0.2, 0.02) : 0)));
  out.push(gauge({ __name__: "airflow_dagbag_size", ...statsd }, ax, () => 71, 0));
  out.push(gauge({ __name__: "airflow_dag_processing_import_errors", ...statsd }, ax, () => 0, 0));
  out.push(counter({ __name__: "airflow_ti_failures", ...statsd }, ax, 30_412, (t) => (alive(t) ? (o.failures?.(t) ?? 0) : 0)));
  out.push(counter({ __name__: "airflow_ti_successes", ...statsd }, ax, 4_102_355, (t) => (alive(t) ? rand.uniform(0.1, 0.4) : 0)));
  return out;
}

const pyStamp = (t: number) => new Date(t).toISOString().replace("T", " ").replace("Z", "").replace(".", ",").slice(0, 23);

/** A task log line as the worker pods ship it to Loki. */
export function taskLog(
  logs: Logs,
  t: number,
  ti: { dag_id: string; task_id: string; try_number?: number; worker?: string },
  level: string,
  src: string,
  text: string,
): void {
  logs.add(
    t,
    {
      k8s_cluster: K8S,
      namespace: "airflow",
      app: "airflow",
      component: "task",
      pod: ti.worker ?? "hge-airflow-worker-0",
      dag_id: ti.dag_id,
      task_id: ti.task_id,
      try_number: String(ti.try_number ?? 1),
      level,
    },
    `[${pyStamp(t)}] {${src}} ${level} - ${text}`,
  );
}

/** A line of an Airflow component pod (scheduler, dag-processor, worker, triggerer). */
export function airflowLog(logs: Logs, t: number, component: string, pod: string, level: string, text: string, src = "scheduler_job_runner.py:428"): void {
  logs.add(t, { k8s_cluster: K8S, namespace: "airflow", app: "airflow", component, pod, level }, `[${pyStamp(t)}] {${src}} ${level} - ${text}`);
}

/** A DAG run as Airflow 2.9's REST API returns it. */
export function dagRun(f: {
  dag_id: string;
  logical: number;
  state: string;
  start?: number | null;
  end?: number | null;
  interval?: number;
  run_type?: string;
}) {
  const type = f.run_type ?? "scheduled";
  const ld = iso(f.logical);
  return {
    dag_id: f.dag_id,
    dag_run_id: `${type}__${ld.replace("Z", "+00:00")}`,
    run_type: type,
    logical_date: ld,
    data_interval_start: ld,
    data_interval_end: iso(f.logical + (f.interval ?? 24 * HOUR)),
    start_date: f.start ? iso(f.start) : null,
    end_date: f.end ? iso(f.end) : null,
    state: f.state,
    external_trigger: type === "manual",
    conf: {},
  };
}

/** A task instance (Airflow 2.9 field names). */
export function taskInstance(f: {
  dag_id: string;
  logical: number;
  task_id: string;
  state: string;
  try_number?: number;
  pool?: string;
  start?: number | null;
  end?: number | null;
  worker?: string;
  operator?: string;
  run_type?: string;
}) {
  return {
    dag_id: f.dag_id,
    dag_run_id: `${f.run_type ?? "scheduled"}__${iso(f.logical).replace("Z", "+00:00")}`,
    task_id: f.task_id,
    map_index: -1,
    state: f.state,
    try_number: f.try_number ?? 1,
    start_date: f.start ? iso(f.start) : null,
    end_date: f.end ? iso(f.end) : null,
    duration: f.start && f.end ? (f.end - f.start) / 1000 : null,
    pool: f.pool ?? "default_pool",
    pool_slots: 1,
    queue: "default",
    queued_when: f.start ? iso(f.start - 3_000) : null,
    hostname: f.worker ? `${f.worker}.${f.worker.replace(/-\d+$/, "")}.airflow.svc.cluster.local` : "",
    operator: f.operator ?? "PythonOperator",
  };
}

export const pool = (name: string, occupied = 0, queued = 0) => {
  const slots = POOLS.find(([n]) => n === name)?.[1] ?? 0;
  return { name, slots, occupied_slots: occupied, running_slots: occupied, queued_slots: queued, open_slots: Math.max(0, slots - occupied - queued) };
};

// ---------------------------------------------------------------- node_exporter, blackbox

/** node_exporter series of an EKS node (relabelled to `node`; `instance` stays IP:port). */
export function nodeSeries(
  ax: Axis,
  rand: Rand,
  node: string,
  ip: string,
  o: { up?: (t: number) => boolean; memAvail?: (t: number) => number } = {},
): Series[] {
  const base = { job: "node-exporter", node, instance: `${ip}:9100` };
  const up = o.up ?? (() => true);
  return [
    gauge({ __name__: "up", ...base }, ax, (t) => (up(t) ? 1 : 0), 0),
    gauge({ __name__: "node_memory_MemAvailable_bytes", ...base }, ax, (t) => (up(t) ? Math.round(o.memAvail?.(t) ?? rand.jitter(19 * GiB, 0.04)) : null), 0),
    gauge({ __name__: "node_load1", ...base }, ax, (t) => (up(t) ? rand.uniform(0.8, 3.5) : null), 2),
  ];
}

export const TARGETS = {
  mdrGateway: "https://mdr-gw.metering.hge.internal:8443/health",
  elexon: "https://data.elexon.example/bmrs/api/v1/health",
  pricing: "https://hge.pricing-engine.example/api/health",
  accountApi: "http://account-api.customer.svc.cluster.local:8080/healthz",
  paypoint: "https://api.paypoint.example/v2/status",
} as const;

/** blackbox_exporter series (target in `target`), with certificate expiry for HTTPS targets. */
export function probeSeries(
  ax: Axis,
  rand: Rand,
  o: Partial<Record<keyof typeof TARGETS, { ok?: (t: number) => boolean; certExpiry?: number }>> = {},
): Series[] {
  const expiry: Record<string, number> = {
    mdrGateway: at("2027-01-19T11:20:00Z"),
    elexon: at("2027-03-30T23:59:59Z"),
    pricing: at("2026-12-02T08:00:00Z"),
    paypoint: at("2027-02-14T12:00:00Z"),
  };
  return (Object.keys(TARGETS) as Array<keyof typeof TARGETS>).flatMap((k) => {
    const target = TARGETS[k];
    const ok = o[k]?.ok ?? (() => true);
    const l = { job: "blackbox", instance: "blackbox-exporter.monitoring:9115", module: "http_2xx", target };
    const out = [
      gauge({ __name__: "probe_success", ...l }, ax, (t) => (ok(t) ? 1 : 0), 0),
      gauge({ __name__: "probe_duration_seconds", ...l }, ax, () => Math.max(0.002, rand.jitter(0.06, 0.2)), 4),
    ];
    if (target.startsWith("https")) out.push(gauge({ __name__: "probe_ssl_earliest_cert_expiry", ...l }, ax, () => (o[k]?.certExpiry ?? expiry[k]!) / 1000, 0));
    return out;
  });
}

const at = (s: string) => Date.parse(s);

// ---------------------------------------------------------------- changes

export interface Commit {
  repo: string;
  at: number;
  author: string;
  message: string;
  files: Array<{ path: string; status?: string; patch?: string }>;
}

export const commit = (rand: Rand, c: Commit) => ({
  repo: c.repo,
  sha: rand.hex(40),
  at: iso(c.at - (c.at % 1000)),
  author: c.author,
  message: c.message,
  files: c.files.map((f) => ({ path: f.path, status: f.status ?? "modified", patch: f.patch ?? "@@ -1,4 +1,4 @@\n" })),
});

export const deployment = (rand: Rand, d: { repo: string; service: string; at: number; ref: string }) => ({
  repo: d.repo,
  service: d.service,
  environment: "production",
  ref: d.ref,
  sha: rand.hex(40),
  at: iso(d.at - (d.at % 1000)),
  status: "success",
});

/** The day's ordinary changes: customer-facing deploys and docs, spread over the 20 hours before `now`. */
export function backgroundChanges(now: number, rand: Rand) {
  const commits = [
    { repo: "harrowgate/platform-docs", path: "oncall/metering.md", message: "docs: DCC adapter escalation contacts", author: "pwhitfield" },
    { repo: "harrowgate/grafana-dashboards", path: "dashboards/account-api.json", message: "account-api: split latency by route", author: "aoyelaran" },
    { repo: "harrowgate/dbt-harrowgate", path: "models/customer/schema.yml", message: "customer_360: describe psr_flags", author: "mkowalczyk" },
  ].map((c, i) =>
    commit(rand, { repo: c.repo, at: now - (3 + i * 6 + rand.uniform(0, 2)) * HOUR, author: c.author, message: c.message, files: [{ path: c.path }] }),
  );
  const deployments = [
    { repo: "harrowgate/account-api", service: "account-api" },
    { repo: "harrowgate/quote-api", service: "quote-api" },
    { repo: "harrowgate/marketing-site", service: "marketing-site" },
  ].map((d, i) =>
    deployment(rand, { ...d, at: now - (1.5 + i * 6 + rand.uniform(0, 1.5)) * HOUR, ref: `v${rand.int(2, 14)}.${rand.int(0, 30)}.${rand.int(0, 9)}` }),
  );
  return { commits, deployments };
}
