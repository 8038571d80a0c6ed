/**
 * The subject vocabulary: which label names mean which entity, per ecosystem. Exporters and teams
 * spell the same thing differently (kafka_exporter's `consumergroup`, Burrow's `group`, kminion's
 * `group_id`, other exporters' `consumer_group`); a runbook names one spelling and Pipemedic finds
 * the one a stack actually uses. The tables name exporters' and vendors' conventions only, never a
 * particular company's services or topics (docs/subjects.md lists them for users).
 */

/** A subject key and the label names that carry it, the conventional spelling first. */
export interface SubjectKind {
  key: string;
  labels: readonly string[];
  /** The component kind a subject of this key shows is involved (runbooks' `applies_to.components`). */
  component?: string;
  /** Labels that only split one problem into replicas or partitions (never a scope, never a grouping key). */
  volatile?: boolean;
  /** A key that narrows a query to the alert's slice of a shared system (a cluster, a namespace, an environment). */
  scope?: boolean;
}

export const SUBJECT_KINDS: readonly SubjectKind[] = [
  // Kafka: kafka_exporter (danielqsj), Burrow, kminion, Strimzi/Confluent exporters, Datadog's kafka integration
  {
    key: "kafka.consumer_group",
    labels: ["consumergroup", "consumer_group", "group", "group_id", "groupid", "consumer_group_id", "kafka_consumer_group", "consumer"],
    component: "kafka",
  },
  { key: "kafka.topic", labels: ["topic", "kafka_topic", "topic_name"], component: "kafka" },
  { key: "kafka.partition", labels: ["partition", "kafka_partition", "partition_id"], volatile: true },
  { key: "kafka.broker", labels: ["broker", "broker_id", "brokerid", "kafka_broker"], component: "kafka" },
  { key: "cluster", labels: ["cluster", "kafka_cluster", "cluster_name", "kafka_cluster_name", "k8s_cluster"], scope: true },
  // Airflow: the Helm chart's statsd-exporter mapping, Astronomer, MWAA, callbacks
  { key: "airflow.dag_id", labels: ["dag_id", "dag", "dagid", "airflow_dag", "dag_name"], component: "airflow" },
  { key: "airflow.task_id", labels: ["task_id", "airflow_task"], component: "airflow" },
  { key: "airflow.pool", labels: ["pool", "pool_name", "airflow_pool"], component: "airflow" },
  // not `release`: Helm puts its release name on every series of many stacks
  { key: "airflow.deployment", labels: ["airflow_instance", "airflow_deployment", "airflow_env", "airflow_cluster", "deployment"], scope: true },
  { key: "airflow.run_id", labels: ["run_id", "dag_run_id"], volatile: true },
  // Stream and batch engines
  { key: "flink.job", labels: ["job_name", "flink_job", "flink_job_name"], component: "flink" },
  { key: "spark.app", labels: ["application_name", "app_name", "spark_app", "spark_app_name", "spark_application"], component: "spark" },
  // dbt and warehouses
  // dbt Cloud's `job` is read from its payload (resolve.ts): the bare label `job` is Prometheus' scrape job
  { key: "dbt.job", labels: ["dbt_job", "dbt_job_name", "dbt_job_id"], component: "dbt" },
  // not `node`: Kubernetes' node label is on many series
  { key: "dbt.model", labels: ["model", "dbt_model", "model_name"], component: "dbt" },
  { key: "dbt.user", labels: ["user", "db_user", "warehouse_user", "principal", "service_account", "username", "user_name"] },
  { key: "warehouse.table", labels: ["table", "table_name", "relation", "source_table", "fq_table", "dataset_table"], component: "warehouse" },
  { key: "warehouse.name", labels: ["warehouse", "warehouse_name", "snowflake_warehouse", "virtual_warehouse"], component: "warehouse" },
  // Hosts (node_exporter, Datadog's host tags, CloudWatch dimensions)
  { key: "host.instance", labels: ["instance", "host", "hostname", "nodename", "host_name", "server", "instanceid", "instance_id"], volatile: true },
  { key: "host.mountpoint", labels: ["mountpoint", "mount_point", "mount", "mount_path"], component: "host" },
  { key: "host.device", labels: ["device", "disk", "volume_device"] },
  // Services and Kubernetes (kube-state-metrics, Loki/Promtail, OpenTelemetry resource attributes)
  { key: "service", labels: ["service", "service_name", "app", "app_kubernetes_io_name", "k8s_app", "svc"] },
  { key: "k8s.namespace", labels: ["namespace", "kubernetes_namespace", "k8s_namespace", "kube_namespace", "exported_namespace"], scope: true },
  { key: "k8s.pod", labels: ["pod", "pod_name", "kubernetes_pod_name", "k8s_pod", "exported_pod"], volatile: true },
  { key: "k8s.container", labels: ["container", "container_name", "kubernetes_container_name"], volatile: true },
  // Probes (blackbox_exporter, synthetic checks)
  // not `endpoint`: the Prometheus Operator puts its scrape endpoint on every series
  { key: "probe.target", labels: ["target", "probe_target"] },
  { key: "env", labels: ["env", "environment", "stage"], scope: true },
];

const BY_KEY = new Map(SUBJECT_KINDS.map((k) => [k.key, k]));
const BY_LABEL = new Map<string, SubjectKind>();
for (const kind of SUBJECT_KINDS) for (const l of kind.labels) if (!BY_LABEL.has(l)) BY_LABEL.set(l, kind);

/** Keys that are spelled differently in templates than in the vocabulary (`pipeline.dependency.probe` is a probe target). */
const KEY_ALIASES: Readonly<Record<string, string>> = {
  "dependency.probe": "probe.target",
  "warehouse.user": "dbt.user",
};

/** A narrower key and the wider one that stands in when nobody named it (a Kafka consumer's service, else the service). */
export const KEY_FALLBACKS: Readonly<Record<string, string>> = {
  "kafka.service": "service",
};

/** The canonical subject key of a template path (`pipeline.` prefix dropped, aliases applied). */
export function canonicalKey(path: string): string {
  const key = path.startsWith("pipeline.") ? path.slice("pipeline.".length) : path;
  return KEY_ALIASES[key] ?? key;
}

/**
 * A label name as the vocabulary spells it: lower snake case, so CloudWatch's `ConsumerGroup`,
 * Sentry's `kafka.topic` and a tag's `consumer-group` read as `consumer_group`, `kafka_topic`, … .
 */
export function normalizeLabel(label: string): string {
  return label
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[.\-\s/]+/g, "_")
    .toLowerCase();
}

/** Label names already looked up (ingest asks for every label of every alert); bounded, as names come from alerts. */
const KIND_OF_LABEL = new Map<string, SubjectKind | null>();

/** The subject kind a label name carries, if the vocabulary knows it. */
export function kindOfLabel(label: string): SubjectKind | undefined {
  let kind = KIND_OF_LABEL.get(label);
  if (kind === undefined) {
    kind = BY_LABEL.get(label.toLowerCase()) ?? BY_LABEL.get(normalizeLabel(label)) ?? null;
    if (KIND_OF_LABEL.size >= 4_096) KIND_OF_LABEL.clear();
    KIND_OF_LABEL.set(label, kind);
  }
  return kind ?? undefined;
}

/** Whether a value can be a subject of this key (a Kubernetes namespace is a DNS label, never `AWS/S3`). */
export function plausibleValue(key: string, value: string): boolean {
  if (key === "k8s.namespace" || key === "k8s.pod" || key === "k8s.container") return /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(value);
  // a service a log stream or a metric can carry has no spaces (a pager's "Claims Data Platform" is a display name)
  if (key === "service") return value.length <= 253 && !/\s/.test(value);
  return value.length <= 253;
}

/** The subject kind of a key. */
export function kindOfKey(key: string): SubjectKind | undefined {
  return BY_KEY.get(canonicalKey(key));
}

/** Every spelling of the label a runbook names, the runbook's own first. */
export function labelSynonyms(label: string): string[] {
  const kind = kindOfLabel(label);
  return kind ? [label, ...kind.labels.filter((l) => l !== label)] : [label];
}

/**
 * Other exporters' names for the standard metrics runbooks read (kafka_exporter's and
 * node_exporter's), for stacks that run another exporter: Lightbend's kafka-lag-exporter, Redpanda's
 * KMinion, Burrow's exporter, Datadog's integrations, the kubelet. A name that is only the standard
 * one with a qualifier inside (kafka_consumergroup_group_lag) needs no entry: the runner finds it.
 */
export const METRIC_SYNONYMS: Readonly<Record<string, readonly string[]>> = {
  kafka_consumergroup_lag: ["kminion_kafka_consumer_group_topic_partition_lag", "kafka_burrow_partition_lag", "kafka.consumer_lag"],
  kafka_consumergroup_current_offset: ["kafka_consumergroup_group_offset", "kafka_burrow_partition_current_offset", "kafka.consumer_offset"],
  kafka_topic_partition_current_offset: ["kafka_partition_latest_offset", "kminion_kafka_topic_partition_high_water_mark", "kafka.broker_offset"],
  kafka_topic_partition_oldest_offset: ["kafka_partition_earliest_offset", "kminion_kafka_topic_partition_low_water_mark"],
  kafka_consumergroup_members: ["kminion_kafka_consumer_group_members"],
  node_filesystem_avail_bytes: ["kubelet_volume_stats_available_bytes", "system.disk.free"],
};
