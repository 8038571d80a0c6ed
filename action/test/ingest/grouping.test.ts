import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { correlate, type CorrelateOptions, type Correlation } from "../../src/ingest/correlate.js";
import { groupingFacts, hash } from "../../src/ingest/grouping.js";
import { IncidentIndexSchema, type Alert, type Incident } from "../../src/model/index.js";
import { accepted, ingest } from "./helpers.js";

const T0 = Date.parse("2026-03-14T01:00:00Z");
const MIN = 60_000;
const at = (minute: number) => new Date(T0 + minute * MIN).toISOString();

/** Correlation without knowledge/: no pipelines, no lineage. */
const opts = (now = T0 + 600 * MIN): CorrelateOptions => ({
  now,
  groupWindowMs: 30 * MIN,
  reopenWindowMs: 120 * MIN,
  pipelinesOf: () => [],
  neighboursOf: () => [],
});

interface AmAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  minute: number;
  status?: "firing" | "resolved";
}

/** An Alertmanager notification; without groupLabels it carries no group key. */
function amBody(alerts: AmAlert[], group?: Record<string, string>): unknown {
  return {
    version: "4",
    ...(group
      ? {
          groupKey: `{}/{team="data"}:{${Object.entries(group)
            .map(([k, v]) => `${k}="${v}"`)
            .join(", ")}}`,
          groupLabels: group,
        }
      : {}),
    status: "firing",
    receiver: "pipemedic",
    commonLabels: {},
    commonAnnotations: {},
    externalURL: "http://alertmanager.example",
    alerts: alerts.map((a) => ({
      status: a.status ?? "firing",
      labels: a.labels,
      annotations: a.annotations ?? {},
      startsAt: at(a.minute),
      endsAt: "0001-01-01T00:00:00Z",
    })),
  };
}

let deliveries = 0;
/** The alerts of one delivery of a body. */
function deliver(body: unknown, id = `delivery-${++deliveries}`): Alert[] {
  return accepted(ingest(body, {}, {}, id));
}

/** Correlates deliveries one run each, as the Action does (every run reads the index the previous one wrote). */
function runs(...batches: Alert[][]): { state: Incident[]; last: Correlation } {
  let state: Incident[] = [];
  let last: Correlation = { incidents: [], assignments: [], touched: [] };
  for (const batch of batches) {
    last = correlate(state, batch, opts());
    // Through the index file's schema, as the next run reads it.
    state = IncidentIndexSchema.parse(JSON.parse(JSON.stringify({ version: 1, incidents: last.incidents }))).incidents;
  }
  return { state, last };
}

const reasons = (c: Correlation) => c.assignments.filter((a) => !a.duplicate).map((a) => a.reason);

describe("grouping without knowledge", () => {
  it("(a) the same rule on the same labels joins across partitions and instances, and says which labels it left out", () => {
    const lag = (partition: string, instance: string, minute: number) =>
      amBody([
        {
          labels: { alertname: "KafkaPartitionLagHigh", consumergroup: "points-accrual", topic: "loyalty.points", partition, instance, severity: "page" },
          minute,
        },
      ]);
    const { state, last } = runs(deliver(lag("3", "exporter-1:9308", 0)), deliver(lag("7", "exporter-2:9308", 5)));
    expect(state).toHaveLength(1);
    expect(reasons(last)).toEqual(["same rule KafkaPartitionLagHigh on the same labels apart from instance, partition"]);
    expect(state[0]!.groupingReasons).toEqual(["KafkaPartitionLagHigh: same rule KafkaPartitionLagHigh on the same labels apart from instance, partition"]);
  });

  it("(a) the same rule on another entity is another problem", () => {
    const lag = (group: string, minute: number) => amBody([{ labels: { alertname: "KafkaConsumerGroupLagHigh", consumergroup: group, env: "prod" }, minute }]);
    const { state } = runs(deliver(lag("points-accrual", 0)), deliver(lag("search-indexer", 2)));
    expect(state).toHaveLength(2);
  });

  it("(b) one notification group joins different rules when its group labels name something", () => {
    const body = amBody(
      [
        { labels: { alertname: "KafkaPartitionsUnderReplicated", kafka_cluster: "kafka-billing" }, minute: 0 },
        { labels: { alertname: "KafkaBrokerMissing", kafka_cluster: "kafka-billing", severity: "page" }, minute: 1 },
      ],
      { kafka_cluster: "kafka-billing" },
    );
    const { state, last } = runs(deliver(body));
    expect(state).toHaveLength(1);
    expect(reasons(last)).toEqual(["new problem", "same notification group {kafka_cluster=kafka-billing}"]);
  });

  it("(b) a later notification of the same group joins, whatever it names", () => {
    const group = { alertname: "EndpointProbeFailing" };
    const probe = (target: string, minute: number) => amBody([{ labels: { alertname: "EndpointProbeFailing", target, module: "http_2xx" }, minute }], group);
    const { state, last } = runs(deliver(probe("https://a.example/health", 0)), deliver(probe("https://b.example/health", 4)));
    expect(state).toHaveLength(1);
    expect(reasons(last)).toEqual(["same notification group {alertname=EndpointProbeFailing}"]);
  });

  it("(b) a group made of routing labels only (severity, team) joins nothing", () => {
    const body = amBody(
      [
        { labels: { alertname: "KafkaConsumerGroupLagHigh", consumergroup: "points-accrual", severity: "page" }, minute: 0 },
        { labels: { alertname: "KafkaConsumerGroupLagHigh", consumergroup: "search-indexer", severity: "page" }, minute: 1 },
      ],
      { severity: "page" },
    );
    expect(runs(deliver(body)).state).toHaveLength(2);
  });

  it("(b) alerts of one notification join although one started a week before", () => {
    const body = amBody(
      [
        { labels: { alertname: "CertificateExpiringSoon", instance: "ingest.example:9094", job: "blackbox" }, minute: -7 * 24 * 60 },
        { labels: { alertname: "TLSProbeFailing", instance: "ingest.example:9094", job: "blackbox" }, minute: 0 },
      ],
      { instance: "ingest.example:9094" },
    );
    const { state, last } = runs(deliver(body));
    expect(state).toHaveLength(1);
    expect(reasons(last)[1]).toBe("same notification group {instance=ingest.example:9094}");
  });

  it("(c) a shared entity joins across sources and label spellings, and names it", () => {
    const sentry = accepted(
      ingest(
        {
          action: "triggered",
          actor: { id: "sentry", name: "Sentry", type: "application" },
          installation: { uuid: "a8e5d37a-696c-4c54-adb5-b3f28d64c7de" },
          data: {
            triggered_rule: "New issue",
            issue_alert: { title: "New issue", settings: [] },
            event: {
              title: "SerializationException: Error registering Avro schema",
              level: "error",
              datetime: at(0),
              issue_id: "5473920185",
              tags: [
                ["kafka.topic", "pricing.fare-quotes.v2"],
                ["environment", "production"],
              ],
              web_url: "https://sentry.example/issues/5473920185/events/a1/",
            },
          },
        },
        { "sentry-hook-resource": "event_alert" },
        {},
        "sentry-1",
      ),
      "sentry",
    );
    const am = deliver(amBody([{ labels: { alertname: "TopicIngressStopped", topic: "pricing.fare-quotes.v2", kafka_cluster: "kafka-rides" }, minute: 12 }]));
    const { state, last } = runs(sentry, am);
    expect(state).toHaveLength(1);
    expect(reasons(last)).toEqual(["same topic pricing.fare-quotes.v2"]);
  });

  it("(c) a consumer group, a service and a Flink job of one name are one entity", () => {
    const lag = deliver(
      amBody([{ labels: { alertname: "ConsumerBacklogGrowing", consumer_group: "trip-risk-scorer", kafka_cluster: "kafka-rides" }, minute: 0 }]),
    );
    const flink = deliver(
      amBody([{ labels: { alertname: "StreamJobCheckpointsSlow", job_name: "trip-risk-scorer", namespace: "streaming-prod" }, minute: 3 }]),
    );
    const stale = deliver(amBody([{ labels: { alertname: "PricingEventsStale", app: "trip-risk-scorer", namespace: "pricing-prod" }, minute: 6 }]));
    const { state, last } = runs(lag, flink, stale);
    expect(state).toHaveLength(1);
    expect(reasons(last)).toEqual(["same service trip-risk-scorer"]);
  });

  it("(c) a scope alone (cluster, namespace) joins nothing that names an entity", () => {
    const lag = (group: string, minute: number) =>
      amBody([{ labels: { alertname: `Lag${minute}`, consumer_group: group, kafka_cluster: "kafka-rides", namespace: "rides-prod" }, minute }]);
    expect(runs(deliver(lag("trip-pricing-svc", 0)), deliver(lag("quote-audit-sink", 2))).state).toHaveLength(2);
  });

  it("(c) a cluster is the entity of cluster-wide alerts, a host of host alerts; an Airflow worker is not the entity of a task failure", () => {
    const urp = deliver(amBody([{ labels: { alertname: "KafkaPartitionsUnderReplicated", kafka_cluster: "kafka-billing" }, minute: 0 }]));
    const missing = deliver(amBody([{ labels: { alertname: "KafkaBrokerMissing", kafka_cluster: "kafka-billing", team: "data" }, minute: 2 }]));
    const cluster = runs(urp, missing);
    expect(cluster.state).toHaveLength(1);
    expect(reasons(cluster.last)).toEqual(["same cluster kafka-billing"]);

    const task = (dag: string, minute: number) => ({
      event: "task_failure",
      dag_id: dag,
      task_id: "load",
      run_id: "r",
      start_date: at(minute),
      hostname: "worker-3.example.internal",
    });
    expect(runs(deliver(task("orders_daily", 0)), deliver(task("billing_daily", 2))).state).toHaveLength(2);
  });

  it("an alert that names an incident's entity in its text joins, and so does one an incident's text names", () => {
    const backlog = deliver(amBody([{ labels: { alertname: "PartitionBacklogHigh", group: "battery-health-svc", partition: "11" }, minute: 0 }]));
    const stale = deliver(
      amBody([
        {
          labels: { alertname: "ScooterStatusStale", city: "lis" },
          annotations: { description: "battery-health-svc has not updated the state of charge for 15 minutes." },
          minute: 17,
        },
      ]),
    );
    const forward = runs(backlog, stale);
    expect(forward.state).toHaveLength(1);
    expect(reasons(forward.last)).toEqual(["names battery-health-svc, an entity of the incident"]);

    const disk = deliver(
      amBody([
        {
          labels: { alertname: "BrokerVolumeNearlyFull", host: "kafka-billing-2" },
          annotations: { description: "/data/kafka on kafka-billing-2 (kafka-billing-euw1) is above 98.5% used." },
          minute: 0,
        },
      ]),
    );
    const urp = deliver(amBody([{ labels: { alertname: "KafkaPartitionsUnderReplicated", kafka_cluster: "kafka-billing-euw1" }, minute: 15 }]));
    const backward = runs(disk, urp);
    expect(backward.state).toHaveLength(1);
    expect(reasons(backward.last)).toEqual(["the incident names its cluster kafka-billing-euw1"]);
  });

  it("Alertmanager group titles relayed without labels (PagerDuty) join on the values they name", () => {
    const pd = (n: number, title: string, minute: number) =>
      deliver({
        event: {
          id: `evt-${n}`,
          event_type: "incident.triggered",
          resource_type: "incident",
          occurred_at: at(minute),
          data: {
            id: `Q${n}`,
            type: "incident",
            number: n,
            status: "triggered",
            incident_key: `key-${n}`,
            title,
            service: { id: "PS1", summary: "Streaming Jobs", type: "service_reference" },
            teams: [{ id: "PT1", summary: "Streaming", type: "team_reference" }],
            urgency: "high",
            html_url: `https://pd.example/incidents/Q${n}`,
          },
        },
      });
    const restart = pd(1, "[FIRING:1] StreamJobRestarting Streaming (vehicle-geofence-enricher streaming-prod page streaming)", 0);
    const lag = pd(2, "[FIRING:1] ConsumerBacklogGrowing (kafka-fleet vehicle-geofence-enricher fleet.vehicle-pings.v2 page fleet)", 12);
    const other = pd(3, "[FIRING:1] StreamJobRestarting Streaming (surge-pricing-aggregator streaming-prod page streaming)", 13);
    const { state, last } = runs(restart, lag, other);
    expect(state).toHaveLength(2);
    expect(reasons(last)).toEqual(["new problem"]);
    expect(state[0]!.groupingReasons.join("\n")).toMatch(/same value of its notification group vehicle-geofence-enricher/);
  });

  it("similar names: a DAG and the table it loads, named after the same data", () => {
    const dag = deliver({ event: "task_failure", dag_id: "provider__directory_refresh_daily", task_id: "fetch_pages", run_id: "r", start_date: at(0) });
    const volume = deliver(amBody([{ labels: { alertname: "ProviderDirectoryVolumeLow", table: "provider_raw.directory_providers" }, minute: 20 }]));
    const unrelated = deliver(amBody([{ labels: { alertname: "RiskScoresStale", table: "risk_stage.member_hcc_scores" }, minute: 21 }]));
    const { state, last } = runs(dag, volume, unrelated);
    expect(state).toHaveLength(2);
    expect(state[0]!.groupingReasons).toEqual([
      'ProviderDirectoryVolumeLow: similar names: its table provider_raw.directory_providers shares "directory" and "provider" with a name of the incident',
    ]);
    expect(reasons(last)).toEqual(["new problem"]);
  });

  it("the entity rules reach an incident that still fires for the reopen window, a resolved one for the group window", () => {
    const job = (alertname: string, minute: number, status: "firing" | "resolved" = "firing") =>
      deliver(amBody([{ labels: { alertname, job_name: "surge-pricing-aggregator" }, minute, status }]));
    expect(runs(job("StreamJobCheckpointsFailing", 0), job("StreamJobRestarted", 42)).state).toHaveLength(1);
    expect(runs(job("StreamJobCheckpointsFailing", 0), job("StreamJobRestarted", 130)).state).toHaveLength(2);
    const resolved = runs(job("StreamJobCheckpointsFailing", 0), job("StreamJobCheckpointsFailing", 5, "resolved"), job("StreamJobRestarted", 50));
    expect(resolved.state).toHaveLength(2);
  });

  it("an incident keeps its grouping keys in the index, without the text they came from", () => {
    const { state } = runs(
      deliver(
        amBody([
          {
            labels: { alertname: "KafkaConsumerGroupLagHigh", consumergroup: "points-accrual" },
            annotations: { description: "token=hunter2-secret on points-accrual" },
            minute: 0,
          },
        ]),
      ),
    );
    const keys = state[0]!.groupKeys ?? [];
    expect(keys).toContain("v:points-accrual");
    expect(JSON.stringify(keys)).not.toMatch(/hunter2/);
  });

  it("facts are the same for the same alert, whatever else was delivered", () => {
    const [a] = deliver(amBody([{ labels: { alertname: "X", consumergroup: "points-accrual", partition: "1" }, minute: 0 }]));
    expect(groupingFacts(a!)).toEqual(groupingFacts(structuredClone(a!)));
  });
});

/** Unrelated entities, each of its own kind and name (no shared words). */
describe("grouping across sources, without knowledge", () => {
  const one = (labels: Record<string, string>, minute: number) => deliver(amBody([{ labels, minute }]));
  const joined = (c: Correlation) => c.incidents.flatMap((i) => i.groupingReasons);

  it("a client's error on a broker joins the failing probe of the address the broker is under, whichever started first", () => {
    const client = one({ alertname: "ProducerSendFailing", broker: "b-2.kafka-east.example.net:9093" }, 0);
    const probe = one({ alertname: "TLSProbeFailing", instance: "kafka-east.example.net:9093", job: "blackbox" }, 2);
    // One run: the client's alert started first, so it opened an incident before the probe's existed.
    const { state, last } = runs([...client, ...probe]);
    expect(state).toHaveLength(1);
    expect(joined(last)).toEqual(["ProducerSendFailing: its host b-2.kafka-east.example.net is under kafka-east.example.net, an entity of the incident"]);
    // Two runs, the probe first.
    expect(
      runs(
        one({ alertname: "TLSProbeFailing", instance: "kafka-east.example.net:9093" }, 0),
        one({ alertname: "ProducerSendFailing", broker: "b-1.kafka-east.example.net" }, 3),
      ).state,
    ).toHaveLength(1);
  });

  it("hosts under one domain are not one entity, and an apex domain names no system", () => {
    expect(
      runs([
        ...one({ alertname: "DiskFull", instance: "a.kafka-east.example.net" }, 0),
        ...one({ alertname: "HighLoad", instance: "b.kafka-east.example.net" }, 1),
      ]).state,
    ).toHaveLength(2);
    expect(
      runs([...one({ alertname: "TLSProbeFailing", instance: "example.net" }, 0), ...one({ alertname: "DiskFull", instance: "db.example.net" }, 1)]).state,
    ).toHaveLength(2);
  });

  it("an alert in a scope joins an incident about that scope's infrastructure within the group window only", () => {
    const broker = () => one({ alertname: "KafkaBrokerOffline", broker: "broker-3", cluster: "kafka-east" }, 0);
    const ingress = (cluster: string, minute: number) => one({ alertname: "TopicIngressStopped", topic: "clicks.raw", cluster }, minute);
    const { state, last } = runs([...broker(), ...ingress("kafka-east", 10)]);
    expect(state).toHaveLength(1);
    expect(reasons(last)[1]).toBe("its cluster kafka-east is where the incident's infrastructure fails");
    expect(runs([...broker(), ...ingress("kafka-west", 10)]).state).toHaveLength(2);
    expect(runs([...broker(), ...ingress("kafka-east", 90)]).state).toHaveLength(2);
    // Two entities of one cluster, with no infrastructure alert, are two problems.
    expect(runs([...ingress("kafka-east", 0), ...one({ alertname: "TopicIngressStopped", topic: "orders.raw", cluster: "kafka-east" }, 1)]).state).toHaveLength(
      2,
    );
  });

  it("a warehouse principal named after a job runner joins that runner's failing job within the group window", () => {
    const dag = () => one({ alertname: "TaskFailed", dag_id: "billing_export_daily", task_id: "load" }, 0);
    const queries = (user: string, minute: number) => one({ alertname: "WarehouseQueryErrors", user_name: user, warehouse: "wh_xl" }, minute);
    const { state, last } = runs([...dag(), ...queries("svc_airflow_prod", 5)]);
    expect(state).toHaveLength(1);
    expect(reasons(last)[1]).toBe("its warehouse user svc_airflow_prod is named after airflow, whose job fails in the incident");
    expect(runs([...dag(), ...queries("svc_reporting", 5)]).state).toHaveLength(2);
    expect(runs([...dag(), ...queries("svc_airflow_prod", 60)]).state).toHaveLength(2);
  });

  it("late data in one scope is one problem; failures in one scope are not", () => {
    const sla = (dag: string, deployment: string, minute: number) => one({ alertname: "DagSlaMissed", dag_id: dag, airflow_instance: deployment }, minute);
    const { state, last } = runs([...sla("ledger_close_daily", "airflow-finance", 0), ...sla("invoice_rollup_hourly", "airflow-finance", 10)]);
    expect(state).toHaveLength(1);
    expect(reasons(last)[1]).toBe("late like the incident, in the same Airflow deployment airflow-finance");
    // A heartbeat alert says it is late by a label named for it, or by its tags, whatever its title.
    const expired = (labels: Record<string, string>) => one({ alertname: "ledger-close is expired", airflow_instance: "airflow-finance", ...labels }, 20);
    expect(runs([...sla("ledger_close_daily", "airflow-finance", 0), ...expired({ heartbeat: "ledger-close" })]).state).toHaveLength(1);
    expect(runs([...sla("ledger_close_daily", "airflow-finance", 0), ...expired({ tags: "heartbeat,finance" })]).state).toHaveLength(1);
    expect(runs([...sla("ledger_close_daily", "airflow-finance", 0), ...expired({ tags: "finance" })]).state).toHaveLength(2);
    expect(runs([...sla("ledger_close_daily", "airflow-finance", 0), ...sla("invoice_rollup_hourly", "airflow-sales", 10)]).state).toHaveLength(2);
    const failed = (dag: string, minute: number) => one({ alertname: "DagRunFailed", dag_id: dag, airflow_instance: "airflow-finance" }, minute);
    expect(runs([...failed("ledger_close_daily", 0), ...failed("invoice_rollup_hourly", 10)]).state).toHaveLength(2);
  });

  it("late data of one team is one problem, within the group window; failures of one team are not", () => {
    const stale = (table: string, team: string, minute: number) => one({ alertname: "TableStale", table, team }, minute);
    const expired = (team: string, minute: number) => one({ alertname: "ledger close is expired", heartbeat: "ledger-close", team }, minute);
    const { state, last } = runs([...stale("finance.ledger_entries", "finance-eng", 0), ...expired("finance-eng", 25)]);
    expect(state).toHaveLength(1);
    expect(reasons(last)[1]).toBe("late like the incident, for the same team finance-eng");
    expect(runs([...stale("finance.ledger_entries", "finance-eng", 0), ...expired("sales-eng", 25)]).state).toHaveLength(2);
    expect(runs([...stale("finance.ledger_entries", "finance-eng", 0), ...expired("finance-eng", 45)]).state).toHaveLength(2);
    // A generic owner names nobody in particular.
    expect(runs([...stale("finance.ledger_entries", "none", 0), ...expired("none", 25)]).state).toHaveLength(2);
    const failed = (dag: string, minute: number) => one({ alertname: "DagRunFailed", dag_id: dag, team: "finance-eng" }, minute);
    expect(runs([...failed("ledger_close_daily", 0), ...failed("invoice_rollup_hourly", 10)]).state).toHaveLength(2);
  });

  it("a name of one distinctive word joins an entity whose longer name holds it; two longer names sharing one word do not", () => {
    const probe = (target: string, minute: number) => one({ alertname: "EndpointProbeFailing", target, job: "blackbox" }, minute);
    const fn = (service: string, minute: number) => one({ alertname: "FunctionErrors", service }, minute);
    // The probe's host is named by its first label only; the domain is every host's.
    const { state, last } = runs([...probe("https://ledger-gw.onprem.example.internal/health", 0), ...fn("partner-ledger-writer", 1)]);
    expect(state).toHaveLength(1);
    expect(reasons(last)[1]).toBe('its service partner-ledger-writer holds "ledger", the whole name of an entity of the incident');
    // A bare host name (no scheme, no port) is named by its first label too.
    expect(runs([...probe("ledger-gw.onprem.example.internal", 0), ...fn("partner-ledger-writer", 1)]).state).toHaveLength(1);
    // Either order.
    expect(runs([...fn("partner-ledger-writer", 0), ...probe("https://ledger-gw.onprem.example.internal/health", 1)]).state).toHaveLength(1);
    // Two hosts of one domain share only the domain.
    expect(
      runs([...probe("https://paydb-replica.onprem.example.internal:5432", 0), ...probe("https://ledger-gw.onprem.example.internal/health", 1)]).state,
    ).toHaveLength(2);
    // Longer names that share one word: told apart by their other words.
    const dag = (dag_id: string, minute: number) => one({ alertname: "DagRunFailed", dag_id }, minute);
    expect(runs([...dag("refunds__reconciliation_daily", 0), ...dag("refunds__disputes_weekly", 5)]).state).toHaveLength(2);
    // A one-word name joins a longer name holding it (a mart built from the DAG's data), but not a word of four letters.
    expect(runs([...dag("refunds__reconciliation_daily", 0), ...one({ alertname: "JobErrored", dbt_job: "refunds_mart daily" }, 50)]).state).toHaveLength(1);
    expect(runs([...dag("fees__reconciliation_daily", 0), ...one({ alertname: "JobErrored", dbt_job: "fees_mart daily" }, 50)]).state).toHaveLength(2);
  });

  it("a topic and a table of one long name are the same data; short names are shared by chance", () => {
    const pair = (topic: string, table: string) =>
      runs([...one({ alertname: "TopicLagHigh", topic }, 0), ...one({ alertname: "TableStale", table }, 12)]).state;
    expect(pair("payments.v3", "raw.payments")).toHaveLength(1);
    expect(pair("pay.v3", "raw.pay")).toHaveLength(2);
    expect(pair("payments.v3", "raw.refunds")).toHaveLength(2);
  });
});

const SUBJECTS: Array<Record<string, string>> = [
  { consumergroup: "points-accrual", topic: "loyalty.points.v2" },
  { dag_id: "inventory_sync_hourly", task_id: "sync_stock" },
  { job_name: "surge-pricing-aggregator", namespace: "streaming-prod" },
  { table: "finance.ledger_entries" },
  { service: "checkout-gateway" },
  { spark_app: "driver-earnings-rollup" },
  { host: "db-replica-7" },
  { target: "https://search-api.example/health" },
];
/** Labels that only vary per replica, partition, pod or instance. */
const VOLATILE = ["partition", "pod", "instance", "container"];

describe("grouping properties", () => {
  it("any shuffle of a body with N per-instance alerts of K rules on K unrelated subjects gives K incidents, records all N, and re-delivery changes nothing", () => {
    const case_ = fc
      .record({
        k: fc.integer({ min: 1, max: SUBJECTS.length }),
        perRule: fc.array(fc.integer({ min: 1, max: 12 }), { minLength: SUBJECTS.length, maxLength: SUBJECTS.length }),
        volatile: fc.constantFrom(...VOLATILE),
        group: fc.constantFrom<Record<string, string> | undefined>(undefined, { severity: "page" }, { team: "data" }),
        minutes: fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 100, maxLength: 100 }),
      })
      .chain((c) => {
        const alerts: AmAlert[] = [];
        for (let r = 0; r < c.k; r++) {
          for (let i = 0; i < c.perRule[r]!; i++) {
            alerts.push({
              labels: { alertname: `Rule${r}`, ...SUBJECTS[r]!, [c.volatile]: `${c.volatile}-${i}`, severity: "page", team: "data" },
              annotations: { summary: `Rule${r} fired on ${Object.values(SUBJECTS[r]!)[0]} (${c.volatile} ${i})` },
              minute: c.minutes[(r * 13 + i) % c.minutes.length]!,
            });
          }
        }
        return fc.record({ c: fc.constant(c), order: fc.shuffledSubarray(alerts, { minLength: alerts.length, maxLength: alerts.length }) });
      });
    fc.assert(
      fc.property(case_, ({ c, order }) => {
        const body = amBody(order, c.group);
        const alerts = deliver(body, "storm");
        const first = correlate([], alerts, opts());
        const recorded = new Set(first.incidents.flatMap((i) => i.alerts));
        expect(first.incidents).toHaveLength(c.k);
        expect(recorded.size).toBe(order.length);
        // Every incident holds one rule's alerts only.
        for (const inc of first.incidents) expect(inc.alertnames).toHaveLength(1);
        const again = correlate(first.incidents, deliver(body, "storm"), opts());
        expect(again.incidents).toEqual(first.incidents);
        expect(again.touched).toEqual([]);
        expect(again.assignments.every((a) => a.duplicate)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});

describe("grouping keys", () => {
  /** cyrb53 as keys were first written: the index of an earlier version must still match. */
  const reference = (text: string) => {
    let h1 = 0xdeadbeef;
    let h2 = 0x41c6ce57;
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ ch, 2654435761);
      h2 = Math.imul(h2 ^ ch, 1597334677);
    }
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
  };

  it("hash gives the same text as the hash indexes were written with", () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 80 }), (text) => hash(text) === reference(text)));
    for (const text of ["", "a", "r:alertmanager\u0000Lag1", "x".repeat(500)]) expect(hash(text)).toBe(reference(text));
  });
});
