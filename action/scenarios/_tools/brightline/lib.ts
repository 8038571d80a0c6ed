/**
 * Brightline Mobility's telemetry conventions (see action/scenarios/brightline/README.md), as
 * building blocks for the stories under ../scenarios/brightline/.
 *
 * - Three Kafka clusters. kafka-rides-euw1 and kafka-fleet-euw1 are Strimzi clusters on EKS;
 *   kafka-billing-euw1 runs on plain EC2. Every Kafka series carries the cluster's name.
 * - kafka-rides and kafka-billing are scraped by Grafana Alloy, whose relabel rules follow the
 *   company's label style guide (Datadog's tag names): kafka_exporter's `consumergroup` becomes
 *   `consumer_group`, and the cluster is `kafka_cluster`.
 * - kafka-fleet came from the IoT team with its own Prometheus: its kafka_exporter series use
 *   `group` and `cluster` instead.
 * - Logs go to Loki with the Kubernetes labels `namespace`, `app`, `pod`, `container`, plus
 *   `level` parsed by Alloy. EC2 hosts ship journald with `host` and `unit`.
 *
 * Everything here is deterministic given the seeded Rand.
 */
import { HOUR, MIN, Rand, type Axis, type Labels, Logs, type Series, counter, gauge, iso, times } from "../lib.js";

export type ClusterKey = "rides" | "fleet" | "billing";

export interface KafkaConvention {
  /** Cluster name, as the label value. */
  name: string;
  /** Label that carries the cluster name on every Kafka series. */
  clusterLabel: string;
  /** Label that carries the consumer group name. */
  groupLabel: string;
  /** Labels the scrape adds to every kafka_exporter series. */
  scrape: Labels;
}

export const KAFKA: Record<ClusterKey, KafkaConvention> = {
  rides: {
    name: "kafka-rides-euw1",
    clusterLabel: "kafka_cluster",
    groupLabel: "consumer_group",
    scrape: { job: "kafka-exporter", instance: "kafka-rides-kafka-exporter.kafka-rides.svc:9404" },
  },
  fleet: {
    name: "kafka-fleet-euw1",
    clusterLabel: "cluster",
    groupLabel: "group",
    scrape: { job: "fleet-kafka-exporter", instance: "10.44.18.7:9308" },
  },
  billing: {
    name: "kafka-billing-euw1",
    clusterLabel: "kafka_cluster",
    groupLabel: "consumer_group",
    scrape: { job: "kafka-exporter", instance: "kafka-billing-exporter.brightline.internal:9308" },
  },
};

/** The labels every kafka_exporter series of a cluster carries. */
export const kafkaBase = (c: ClusterKey): Labels => ({ ...KAFKA[c].scrape, [KAFKA[c].clusterLabel]: KAFKA[c].name });

export interface ConsumerModel {
  group: string;
  /** Nominal member count. */
  members: number;
  /** Messages per second one member can process at `t` with stable membership. */
  memberCapacity(t: number, member: number): number;
  /** Fraction of the step lost to rebalancing (0 = none). */
  stall?(t: number): number;
  /** Members the exporter reports at `t` (default `members`). */
  membersAt?(t: number): number;
  /** Seconds of in-flight messages that show as lag even when caught up. */
  inflightSeconds?: number;
}

export interface TopicModel {
  cluster: ClusterKey;
  topic: string;
  partitions: number;
  /** Messages per second produced to partition `p` at `t` (before noise). */
  produce(t: number, p: number): number;
  initialOffset: number;
  /** Optional: write `kafka_topic_partition_oldest_offset` for this retention. */
  retentionSeconds?: number;
  /** Exporter scrape gap: true where every series of the cluster's exporter is missing. */
  gap?(t: number): boolean;
}

export type GroupModel = TopicModel & ConsumerModel;

export interface GroupRun {
  series: Series[];
  times: number[];
  lagSum: number[];
  lagByPartition: number[][];
  produced: number[];
  consumed: number[];
}

/**
 * A minute-by-minute model of one topic and the consumer groups reading it, written as
 * kafka_exporter series with the cluster's label convention. Members own partitions round-robin
 * (p % members). Within a member, capacity is shared max-min fairly between its partitions (a
 * Kafka consumer rotates fetches across partitions, so a quiet partition is never starved by a
 * busy one). Returns one run per group; the topic-level series are in the first run.
 */
export function simulateTopic(tm: TopicModel, groups: ConsumerModel[], ax: Axis, rand: Rand): GroupRun[] {
  const ts = times(ax);
  const dt = ax.step / 1000;
  const P = tm.partitions;
  const leo = Array.from({ length: P }, (_, p) => Math.round(tm.initialOffset * rand.uniform(0.97, 1.03) + p * 1_000));
  const leoOut = Array.from({ length: P }, () => [] as number[]);
  const produced: number[] = [];
  const state = groups.map(() => ({
    backlog: new Array<number>(P).fill(0),
    off: Array.from({ length: P }, () => [] as number[]),
    lag: Array.from({ length: P }, () => [] as number[]),
    lagSum: [] as number[],
    consumed: [] as number[],
  }));
  ts.forEach((t, i) => {
    const rates = Array.from({ length: P }, (_, p) => Math.max(0, rand.jitter(tm.produce(t, p), 0.05)));
    let prod = 0;
    const arrived = rates.map((r) => (i > 0 ? Math.round(r * dt) : 0));
    for (let p = 0; p < P; p++) {
      leo[p]! += arrived[p]!;
      prod += arrived[p]!;
    }
    produced.push(prod / dt);
    groups.forEach((m, gi) => {
      const st = state[gi]!;
      let cons = 0;
      if (i > 0) {
        const stall = Math.min(1, Math.max(0, m.stall?.(t) ?? 0));
        for (let member = 0; member < m.members; member++) {
          const owned = [...Array(P).keys()].filter((p) => p % m.members === member);
          let budget = Math.max(0, rand.jitter(m.memberCapacity(t, member), 0.03)) * dt * (1 - stall);
          // Max-min fair share of the member's budget.
          const order = owned.map((p) => ({ p, d: st.backlog[p]! + arrived[p]! })).sort((a, b) => a.d - b.d);
          let left = order.length;
          for (const { p, d } of order) {
            const done = Math.floor(Math.min(d, budget / left));
            budget -= done;
            left--;
            st.backlog[p] = Math.max(0, d - done);
            cons += done;
          }
        }
      }
      st.consumed.push(cons / dt);
      let sum = 0;
      const inflight = m.inflightSeconds ?? 2;
      for (let p = 0; p < P; p++) {
        const lag = Math.round(st.backlog[p]! + rates[p]! * inflight * rand.uniform(0.5, 1.5));
        st.off[p]!.push(leo[p]! - lag);
        st.lag[p]!.push(lag);
        sum += lag;
      }
      st.lagSum.push(sum);
    });
    for (let p = 0; p < P; p++) leoOut[p]!.push(leo[p]!);
  });
  const base = kafkaBase(tm.cluster);
  const g = KAFKA[tm.cluster].groupLabel;
  const gap = (t: number) => tm.gap?.(t) ?? false;
  const s = (name: string, labels: Labels, values: number[]) => gauge({ __name__: name, ...base, ...labels }, ax, (t, i) => (gap(t) ? null : values[i]!), 0);
  const topicSeries: Series[] = [];
  for (let p = 0; p < P; p++) topicSeries.push(s("kafka_topic_partition_current_offset", { topic: tm.topic, partition: String(p) }, leoOut[p]!));
  if (tm.retentionSeconds) {
    const keep = Math.round(tm.retentionSeconds / dt);
    for (let p = 0; p < P; p++) {
      const l = leoOut[p]!;
      const perStep = (l[l.length - 1]! - l[0]!) / Math.max(1, l.length - 1);
      topicSeries.push(
        s(
          "kafka_topic_partition_oldest_offset",
          { topic: tm.topic, partition: String(p) },
          l.map((_, i) => (i >= keep ? l[i - keep]! : Math.round(l[0]! - (keep - i) * perStep))),
        ),
      );
    }
  }
  topicSeries.push(gauge({ __name__: "kafka_topic_partitions", ...base, topic: tm.topic }, ax, (t) => (gap(t) ? null : P), 0));
  return groups.map((m, gi) => {
    const st = state[gi]!;
    const series: Series[] = gi === 0 ? [...topicSeries] : [];
    for (let p = 0; p < P; p++) series.push(s("kafka_consumergroup_current_offset", { [g]: m.group, topic: tm.topic, partition: String(p) }, st.off[p]!));
    for (let p = 0; p < P; p++) series.push(s("kafka_consumergroup_lag", { [g]: m.group, topic: tm.topic, partition: String(p) }, st.lag[p]!));
    series.push(
      s(
        "kafka_consumergroup_current_offset_sum",
        { [g]: m.group, topic: tm.topic },
        ts.map((_, i) => st.off.reduce((a, o) => a + o[i]!, 0)),
      ),
    );
    series.push(s("kafka_consumergroup_lag_sum", { [g]: m.group, topic: tm.topic }, st.lagSum));
    series.push(
      gauge({ __name__: "kafka_consumergroup_members", ...base, [g]: m.group }, ax, (t) => (gap(t) ? null : Math.round(m.membersAt?.(t) ?? m.members)), 0),
    );
    return { series, times: ts, lagSum: st.lagSum, lagByPartition: st.lag, produced, consumed: st.consumed };
  });
}

/** One topic read by one group. */
export function simulateGroup(m: GroupModel, ax: Axis, rand: Rand): GroupRun {
  return simulateTopic(m, [m], ax, rand)[0]!;
}

/** The first time the summed lag stays above `threshold` for `forMs`, or null. */
export function firesAt(run: GroupRun, threshold: number, forMs: number, values: number[] = run.lagSum): number | null {
  let since: number | null = null;
  for (let i = 0; i < run.times.length; i++) {
    if (values[i]! > threshold) {
      since ??= run.times[i]!;
      if (run.times[i]! - since >= forMs) return run.times[i]!;
    } else since = null;
  }
  return null;
}

/** A healthy group: consumers with plenty of headroom, produce following the day. */
export function healthyGroup(
  cluster: ClusterKey,
  topic: string,
  group: string,
  partitions: number,
  members: number,
  rate: (t: number) => number,
  ax: Axis,
  rand: Rand,
  initialOffset: number,
  extra: Partial<GroupModel> = {},
): GroupRun {
  return simulateGroup(
    {
      cluster,
      topic,
      group,
      partitions,
      members,
      produce: (t) => rate(t) / partitions,
      memberCapacity: (t) => (rate(t) * 3) / members + 20,
      initialOffset,
      ...extra,
    },
    ax,
    rand,
  );
}

/** Daily traffic shape of a ride-hailing city: morning and evening commute peaks (UTC+1). */
export function commute(t: number, floor = 0.25): number {
  const h = (t % (24 * HOUR)) / HOUR;
  const bump = (c: number, w: number) => Math.exp(-((h - c) ** 2) / (2 * w * w));
  return floor + (1 - floor) * Math.min(1, 0.85 * bump(7.5, 1.6) + 1.0 * bump(17.5, 2.0) + 0.45 * bump(12.5, 2.5) + 0.35 * bump(22, 1.5));
}

// ---------------------------------------------------------------------------------------------
// Brokers

export interface BrokerTopic {
  topic: string;
  partitions: number;
}

/**
 * kafka_exporter's broker count and per-partition under-replication for a cluster, plus the
 * Strimzi JMX exporter's broker gauges. `replicas(topic, p)` lists the broker ids holding the
 * partition; `down(t)` is the set of broker ids that are gone at `t`.
 */
export function clusterHealth(
  c: ClusterKey,
  ax: Axis,
  brokers: number,
  topics: BrokerTopic[],
  replicas: (topic: string, p: number) => number[],
  down: (t: number) => Set<number>,
  opts: { podPrefix: string; offlineLogDirs?: (t: number, broker: number) => number } = { podPrefix: "" },
): Series[] {
  const base = kafkaBase(c);
  const out: Series[] = [gauge({ __name__: "kafka_brokers", ...base }, ax, (t) => brokers - down(t).size, 0)];
  const urpPerBroker = (t: number, b: number) => {
    // Partitions led by broker b (first live replica) whose replica set includes a dead broker.
    let n = 0;
    const dead = down(t);
    for (const { topic, partitions } of topics) {
      for (let p = 0; p < partitions; p++) {
        const r = replicas(topic, p);
        const leader = r.find((x) => !dead.has(x));
        if (leader === b && r.some((x) => dead.has(x))) n++;
      }
    }
    return n;
  };
  for (const { topic, partitions } of topics) {
    for (let p = 0; p < partitions; p++) {
      const r = replicas(topic, p);
      out.push(
        gauge(
          { __name__: "kafka_topic_partition_under_replicated_partition", ...base, topic, partition: String(p) },
          ax,
          (t) => (r.some((x) => down(t).has(x)) ? 1 : 0),
          0,
        ),
      );
    }
  }
  for (let b = 0; b < brokers; b++) {
    const jmx: Labels = { job: "kafka-jmx", [KAFKA[c].clusterLabel]: KAFKA[c].name, pod: `${opts.podPrefix}${b}`, broker_id: String(b) };
    out.push(gauge({ __name__: "kafka_server_replicamanager_underreplicatedpartitions", ...jmx }, ax, (t) => (down(t).has(b) ? null : urpPerBroker(t, b)), 0));
    out.push(
      gauge({ __name__: "kafka_log_logmanager_offlinelogdirectorycount", ...jmx }, ax, (t) => (down(t).has(b) ? null : (opts.offlineLogDirs?.(t, b) ?? 0)), 0),
    );
  }
  return out;
}

/** RF-3 replica placement over `brokers` brokers (Kafka's round-robin start with a per-topic shift). */
export function rf3(brokers: number, shift: Record<string, number>): (topic: string, p: number) => number[] {
  return (topic, p) => {
    const s = (shift[topic] ?? 0) + p;
    return [s % brokers, (s + 1) % brokers, (s + 2) % brokers];
  };
}

// ---------------------------------------------------------------------------------------------
// Probes, noise, changes

export const PROBE = {
  zoneCatalog: "http://zone-catalog.geo-prod.svc.cluster.local:8080/healthz",
  schemaRegistryRides: "http://schema-registry.kafka-rides.svc.cluster.local:8081/subjects",
  riderApi: "https://api.brightline.io/v3/health",
  timescale: "tcp://geo-timescale.fleet-prod.svc.cluster.local:5432",
  payoutsBank: "https://sepa-gateway.partner-bank.example/health",
  clickhouse: "http://clickhouse-analytics.analytics-prod.svc.cluster.local:8123/ping",
} as const;

/** blackbox_exporter probes: duration and success per target; `override` replaces one target's behaviour. */
export function probes(
  ax: Axis,
  rand: Rand,
  targets: string[],
  override: Record<string, { dur?: (t: number) => number; ok?: (t: number) => number }> = {},
): Series[] {
  const usual: Record<string, number> = {
    [PROBE.zoneCatalog]: 0.012,
    [PROBE.schemaRegistryRides]: 0.019,
    [PROBE.riderApi]: 0.084,
    [PROBE.timescale]: 0.0018,
    [PROBE.payoutsBank]: 0.21,
    [PROBE.clickhouse]: 0.004,
  };
  return targets.flatMap((target) => {
    const module = target.startsWith("tcp") ? "tcp_connect" : "http_2xx";
    const labels = { job: "blackbox", module, instance: target };
    const o = override[target] ?? {};
    return [
      gauge({ __name__: "probe_duration_seconds", ...labels }, ax, (t) => Math.max(0.0005, rand.jitter(o.dur?.(t) ?? usual[target] ?? 0.05, 0.1)), 4),
      gauge({ __name__: "probe_success", ...labels }, ax, (t) => o.ok?.(t) ?? 1, 0),
    ];
  });
}

/** A Kubernetes log line with Brightline's Loki labels. */
export function k8sLog(logs: Logs, t: number, namespace: string, app: string, pod: string, level: string, line: string, container = app): void {
  logs.add(t, { namespace, app, pod, container, level }, line);
}

/** A Spring Boot style line (the format of Brightline's JVM services). */
export function springLine(t: number, level: string, thread: string, logger: string, msg: string): string {
  return `${new Date(t).toISOString().replace("Z", "+00:00")} ${level.toUpperCase().padStart(5)} 1 --- [${thread.padStart(15).slice(-15)}] ${logger.padEnd(40).slice(0, 40)} : ${msg}`;
}

/** Lines of services with nothing to do with any incident, a few per minute, with their usual warnings. */
export function noiseLogs(ax: Axis, rand: Rand, logs: Logs, rate = 0.5): void {
  const src: Array<{ ns: string; app: string; pod: string; level: string; p: number; line: () => string }> = [
    {
      ns: "rides-prod",
      app: "rider-api",
      pod: "rider-api-6d8f7c9b5-k2x4p",
      level: "info",
      p: 0.5,
      line: () => `method=GET path=/v3/rides/${rand.hex(12)} status=200 dur_ms=${rand.int(8, 60)}`,
    },
    {
      ns: "rides-prod",
      app: "rider-api",
      pod: "rider-api-6d8f7c9b5-w9q7m",
      level: "info",
      p: 0.5,
      line: () => `method=POST path=/v3/rides status=201 dur_ms=${rand.int(40, 160)} city=${rand.pick(["lis", "opo", "mad", "par", "ber"])}`,
    },
    {
      ns: "promo-prod",
      app: "rider-promo-svc",
      pod: "rider-promo-svc-5b7d9f6c8-tq2lz",
      level: "info",
      p: 0.3,
      line: () => `voucher evaluated campaign=${rand.pick(["SUMMER26", "WELCOME5", "NIGHTOWL"])} eligible=${rand.pick(["true", "false"])}`,
    },
    {
      ns: "matching-prod",
      app: "matching-engine",
      pod: "matching-engine-0",
      level: "info",
      p: 0.4,
      line: () => `matched request=${rand.hex(10)} candidates=${rand.int(3, 18)} eta_s=${rand.int(90, 600)} took_ms=${rand.int(4, 30)}`,
    },
    {
      ns: "rides-prod",
      app: "rider-api",
      pod: "rider-api-6d8f7c9b5-k2x4p",
      level: "warn",
      p: 0.03,
      line: () => `upstream maps-geocoder slow dur_ms=${rand.int(900, 1900)} fallback=cached`,
    },
    {
      ns: "promo-prod",
      app: "rider-promo-svc",
      pod: "rider-promo-svc-5b7d9f6c8-tq2lz",
      level: "error",
      p: 0.015,
      line: () => `redis: connection pool timeout (pool_size=50) cmd=GET key=promo:eligibility:${rand.hex(8)}`,
    },
  ];
  for (const t of times(ax)) {
    for (const s of src) {
      if (rand.chance(Math.min(1, s.p * rate))) k8sLog(logs, t + rand.uniform(0, MIN), s.ns, s.app, s.pod, s.level, s.line());
    }
  }
}

export interface Commit {
  repo: string;
  sha: string;
  at: string;
  author: string;
  message: string;
  files: Array<{ path: string; status: string; patch?: string }>;
}
export interface Deployment {
  repo: string;
  service: string;
  environment: string;
  ref: string;
  sha: string;
  at: string;
  status: string;
}

/** The day's unrelated changes: app deploys and platform-config commits, spread over the last 20 hours. */
export function backgroundChanges(now: number, rand: Rand): { commits: Commit[]; deployments: Deployment[] } {
  const at = (h: number) => iso(Math.floor((now - h * HOUR) / 1000) * 1000);
  const commits: Commit[] = [
    { path: "docs/oncall/escalation.md", message: "docs: weekend escalation for the payments bridge", author: "mfaria", h: 19.2 },
    { path: "terraform/eks/nodegroups.tf", message: "eks: add c7i.2xlarge to the batch node group", author: "jlindqvist", h: 14.6 },
    { path: "grafana/dashboards/rider-api.json", message: "dashboards: rider-api p99 by city", author: "acosta", h: 9.8 },
  ].map((c) => ({
    repo: "brightline/platform-config",
    sha: rand.hex(40),
    at: at(c.h + rand.uniform(0, 0.5)),
    author: c.author,
    message: c.message,
    files: [{ path: c.path, status: "modified", patch: "@@ -12,6 +12,7 @@\n \n+\n" }],
  }));
  const deployments: Deployment[] = [
    { repo: "brightline/rider-api", service: "rider-api", h: 17.5 },
    { repo: "brightline/driver-onboarding", service: "driver-onboarding-svc", h: 11.3 },
    { repo: "brightline/rider-api", service: "rider-api", h: 7.9 },
  ].map((d) => ({
    repo: d.repo,
    service: d.service,
    environment: "production",
    ref: `v${rand.int(3, 9)}.${rand.int(0, 40)}.${rand.int(0, 9)}`,
    sha: rand.hex(40),
    at: at(d.h + rand.uniform(0, 0.5)),
    status: "success",
  }));
  return { commits, deployments };
}

// ---------------------------------------------------------------------------------------------
// Flink (Prometheus reporter, Flink Kubernetes Operator deployments in streaming-prod)

export interface FlinkJob {
  name: string;
  id: string;
  /** JobManager pod (the reporter's host label). */
  jm: string;
  namespace?: string;
}

export interface JobState {
  failedCheckpoints(t: number): number;
  completedCheckpoints(t: number): number;
  /** Duration of the last completed checkpoint (ms). */
  lastDuration(t: number): number;
  fullSize(t: number): number;
  restarts(t: number): number;
  /** ms since the job (re)started running; 0 while restarting. */
  uptime(t: number): number;
}

/** JobManager job-scope series. */
export function flinkJobSeries(ax: Axis, rand: Rand, job: FlinkJob, s: JobState): Series[] {
  const l: Labels = { job: "flink-jobmanager", namespace: job.namespace ?? "streaming-prod", host: job.jm, job_name: job.name, job_id: job.id };
  return [
    gauge({ __name__: "flink_jobmanager_job_numberOfFailedCheckpoints", ...l }, ax, (t) => Math.round(s.failedCheckpoints(t)), 0),
    gauge({ __name__: "flink_jobmanager_job_numberOfCompletedCheckpoints", ...l }, ax, (t) => Math.round(s.completedCheckpoints(t)), 0),
    gauge({ __name__: "flink_jobmanager_job_lastCheckpointDuration", ...l }, ax, (t) => Math.round(s.lastDuration(t)), 0),
    gauge({ __name__: "flink_jobmanager_job_lastCheckpointFullSize", ...l }, ax, (t) => Math.round(rand.jitter(s.fullSize(t), 0.004)), 0),
    gauge({ __name__: "flink_jobmanager_job_lastCheckpointSize", ...l }, ax, (t) => Math.round(rand.jitter(s.fullSize(t) * 0.07, 0.15)), 0),
    gauge({ __name__: "flink_jobmanager_job_numRestarts", ...l }, ax, (t) => Math.round(s.restarts(t)), 0),
    gauge({ __name__: "flink_jobmanager_job_uptime", ...l }, ax, (t) => Math.round(s.uptime(t)), 0),
  ];
}

export interface FlinkOperator {
  name: string;
  parallelism: number;
  busy(t: number, i: number): number;
  backpressured(t: number, i: number): number;
  recordsIn(t: number, i: number): number;
  startDelayMs(t: number, i: number): number;
}

/** TaskManager task-scope series of every subtask. */
export function flinkTaskSeries(ax: Axis, rand: Rand, job: FlinkJob, ops: FlinkOperator[], taskManagers: number): Series[] {
  const out: Series[] = [];
  for (const op of ops) {
    for (let i = 0; i < op.parallelism; i++) {
      const l: Labels = {
        job: "flink-taskmanager",
        namespace: job.namespace ?? "streaming-prod",
        job_name: job.name,
        job_id: job.id,
        task_name: op.name,
        subtask_index: String(i),
        tm_id: `${job.name}-taskmanager-1-${1 + (i % taskManagers)}`,
      };
      const ms = (v: number) => Math.max(0, Math.min(1000, v));
      out.push(gauge({ __name__: "flink_taskmanager_job_task_busyTimeMsPerSecond", ...l }, ax, (t) => ms(rand.jitter(op.busy(t, i), 0.05)), 0));
      out.push(
        gauge({ __name__: "flink_taskmanager_job_task_backPressuredTimeMsPerSecond", ...l }, ax, (t) => ms(rand.jitter(op.backpressured(t, i), 0.08)), 0),
      );
      out.push(gauge({ __name__: "flink_taskmanager_job_task_numRecordsInPerSecond", ...l }, ax, (t) => Math.max(0, rand.jitter(op.recordsIn(t, i), 0.05)), 1));
      out.push(
        gauge(
          { __name__: "flink_taskmanager_job_task_checkpointStartDelayNanos", ...l },
          ax,
          (t) => Math.round(Math.max(0, rand.jitter(op.startDelayMs(t, i), 0.2)) * 1e6),
          0,
        ),
      );
    }
  }
  return out;
}

/** A Flink log4j line as the operator's pods print it. */
export function flinkLine(t: number, level: string, thread: string, logger: string, msg: string): string {
  const d = new Date(t).toISOString().replace("T", " ").replace("Z", "").replace(".", ",");
  return `${d} ${level.toUpperCase().padEnd(5)} ${logger} [${thread}] - ${msg}`;
}

// ---------------------------------------------------------------------------------------------
// Spark (spark-operator on EKS, PrometheusServlet executor metrics)

export interface SparkApp {
  name: string;
  id: string;
  /** SparkApplication object name (the spark_app label Alloy copies from the pod). */
  crName: string;
  namespace: string;
}

export interface ExecutorState {
  alive(t: number, e: number): boolean;
  heap(t: number, e: number): number;
  activeTasks(t: number, e: number): number;
  failRate(t: number, e: number): number;
  shuffleReadRate(t: number, e: number): number;
  completeRate(t: number, e: number): number;
}

export function executorSeries(ax: Axis, rand: Rand, app: SparkApp, executors: string[], maxHeap: number, s: ExecutorState): Series[] {
  const out: Series[] = [];
  for (const e of executors) {
    const idx = Number(e);
    const l: Labels = {
      job: "spark-executors",
      namespace: app.namespace,
      spark_app: app.crName,
      application_id: app.id,
      application_name: app.name,
      executor_id: e,
    };
    const alive = (t: number) => s.alive(t, idx);
    out.push(gauge({ __name__: "metrics_executor_activeTasks", ...l }, ax, (t) => (alive(t) ? Math.round(s.activeTasks(t, idx)) : null), 0));
    out.push(gauge({ __name__: "metrics_executor_maxMemory_bytes", ...l }, ax, (t) => (alive(t) ? Math.round(maxHeap * 0.6) : null), 0));
    out.push(
      gauge({ __name__: "metrics_executor_JVMHeapMemory_bytes", ...l }, ax, (t) => (alive(t) ? Math.min(maxHeap, rand.jitter(s.heap(t, idx), 0.03)) : null), 0),
    );
    out.push(counterOrNull({ __name__: "metrics_executor_failedTasks_total", ...l }, ax, (t) => s.failRate(t, idx), alive));
    out.push(counterOrNull({ __name__: "metrics_executor_completedTasks_total", ...l }, ax, (t) => s.completeRate(t, idx), alive, 2));
    out.push(
      counterOrNull({ __name__: "metrics_executor_shuffleTotalBytesRead_bytes_total", ...l }, ax, (t) => rand.jitter(s.shuffleReadRate(t, idx), 0.08), alive),
    );
  }
  return out;
}

/** A counter that only exists while `alive` (a new executor starts from zero). */
function counterOrNull(labels: Labels, ax: Axis, rate: (t: number) => number, alive: (t: number) => boolean, digits = 0): Series {
  const c = counter(labels, ax, 0, (t) => (alive(t) ? rate(t) : 0), digits);
  let was = false;
  let baseAt = 0;
  c.values = c.values.map((v, i) => {
    const t = ax.start + i * ax.step;
    if (!alive(t)) {
      was = false;
      return null;
    }
    if (!was) baseAt = v ?? 0;
    was = true;
    return Math.round(((v ?? 0) - baseAt) * 10 ** digits) / 10 ** digits;
  });
  return c;
}

/** log4j2 line as Spark on Kubernetes prints it. */
export function sparkLine(t: number, level: string, logger: string, msg: string): string {
  const d = new Date(t).toISOString().slice(2, 19).replace("T", " ").replace(/-/g, "/");
  return `${d} ${level.toUpperCase()} ${logger}: ${msg}`;
}

export { HOUR, MIN };
