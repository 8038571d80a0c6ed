import { describe, expect, it } from "vitest";
import type { Labels, Problem } from "../../src/model/index.js";
import { ScenarioTelemetrySchema } from "../../src/model/index.js";
import { adaptLogQuery, adaptMetricQuery, namesSegment } from "../../src/checks/adapt.js";
import { qualifiedName } from "../../src/checks/runtime.js";
import { namesAny } from "../../src/checks/records.js";
import { alertNames, onsetOf, slaMs } from "../../src/frame/problem.js";
import { discoverSubjects } from "../../src/subjects/discover.js";
import { quotableName, quotedNames } from "../../src/subjects/names.js";
import { readExpression, expressionOfUrl } from "../../src/subjects/expression.js";
import { resolveSubjects, subjectComponents } from "../../src/subjects/resolve.js";
import { kindOfLabel, labelSynonyms, normalizeLabel } from "../../src/subjects/vocabulary.js";
import { replayTelemetry } from "../../src/telemetry/replay/telemetry.js";
import { alert } from "../support/alert.js";
import { problemOf } from "../support/problem.js";

const values = (s: { value: string; origin: string }[] | undefined) => (s ?? []).map((v) => `${v.value} (${v.origin})`);

describe("the vocabulary", () => {
  it("reads every exporter's spelling of a consumer group, in any casing", () => {
    for (const l of ["consumergroup", "consumer_group", "group", "group_id", "ConsumerGroup", "consumer.group", "consumer-group"])
      expect(kindOfLabel(l)?.key, l).toBe("kafka.consumer_group");
    expect(normalizeLabel("DBInstanceIdentifier")).toBe("dbinstance_identifier");
    expect(kindOfLabel("job")).toBeUndefined(); // Prometheus' scrape job is not an entity
    expect(labelSynonyms("consumergroup")[0]).toBe("consumergroup");
    expect(labelSynonyms("consumergroup")).toContain("group_id");
  });
});

describe("subjects from the alert", () => {
  it("takes labels through the vocabulary, knowledge first, and the alert's own PromQL", () => {
    const a = alert({
      labels: { alertname: "Lag", consumer_group: "billing-sink", cluster: "kafka-euw1", severity: "page" },
      links: [{ title: "source", url: "http://prom:9090/graph?g0.expr=sum+by+(topic)+(kafka_consumergroup_lag%7Btopic%3D%22billing.events%22%7D)+%3E+100" }],
      service: null,
    });
    const pipeline = {
      id: "billing",
      components: [{ kind: "kafka", consumer_group: "billing-writer" }],
      upstream: [],
      downstream: [],
      owners: [],
      config: {},
      paths: [],
      services: [],
    };
    const { subjects, metrics } = resolveSubjects({ alerts: [a], labels: a.labels, pipelines: [pipeline] });
    expect(values(subjects["kafka.consumer_group"])).toEqual(["billing-writer (knowledge)", "billing-sink (label)"]);
    expect(values(subjects["kafka.topic"])).toEqual(["billing.events (expression)"]);
    expect(values(subjects.cluster)).toEqual(["kafka-euw1 (label)"]);
    expect(metrics).toEqual(["kafka_consumergroup_lag"]);
    expect(subjectComponents(subjects)).toEqual(["kafka"]);
  });

  it("refuses implausible values and keeps hostile text out of queries' text", () => {
    const a = alert({ labels: { alertname: "S3Errors", namespace: "AWS/S3", topic: '"} or vector(1)' }, service: null });
    const { subjects } = resolveSubjects({ alerts: [a], labels: a.labels, pipelines: [] });
    expect(subjects["k8s.namespace"]).toBeUndefined();
    // a value is data: it reaches a matcher's value, which the adapter escapes (telemetry/escape.ts)
    expect(values(subjects["kafka.topic"])).toEqual(['"} or vector(1) (label)']);
  });

  it("mentions: identifier-like words of a relayed title, never words or URLs", () => {
    const a = alert({
      title: "[FIRING:1] StreamJobRestarting Streaming (vehicle-geofence-enricher streaming-prod page) see https://x.example/a-b",
      labels: { alertname: "x" },
      annotations: {},
      service: null,
    });
    const { mentions } = resolveSubjects({ alerts: [a], labels: {}, pipelines: [] });
    expect(mentions).toEqual(["vehicle-geofence-enricher", "streaming-prod"]);
    expect(alertNames([a])).toEqual(["x"]);
    expect(alertNames([alert({ labels: {}, title: "[FIRING:2] KafkaPartitionsUnderReplicated (kafka-rides monitoring/prod)" })])).toContain(
      "KafkaPartitionsUnderReplicated",
    );
  });

  it("reads a PromQL expression with a linear scanner: names and equality matchers, functions and regex matchers left out", () => {
    expect(readExpression('sum by (group) (rate(kafka_consumergroup_lag{group="a",topic=~"b.*"}[5m])) > on(group) kafka_consumergroup_members')).toEqual({
      metrics: ["kafka_consumergroup_lag", "kafka_consumergroup_members"],
      matchers: [{ label: "group", value: "a" }],
    });
    expect(expressionOfUrl("/graph?g0.expr=up%7Bjob%3D%22x%22%7D&g0.tab=1")).toBe('up{job="x"}');
    // Datadog's monitor query: dotted names, a space aggregator, tag filters
    expect(readExpression("avg(last_5m):avg:kafka.consumer_lag{consumer_group:billing-sink,env:prod} by {partition} > 1000")).toEqual({
      metrics: ["kafka.consumer_lag"],
      matchers: [
        { label: "consumer_group", value: "billing-sink" },
        { label: "env", value: "prod" },
      ],
    });
    // a recording rule's colons stay in its name
    expect(readExpression('job:http_requests:rate5m{job="x"} > 1').metrics).toEqual(["job:http_requests:rate5m"]);
    // pathological input ends quickly and yields nothing harmful
    expect(readExpression(`${"{".repeat(5000)}"`).metrics).toEqual([]);
  });

  it("an SLA miss began its SLA before the miss", () => {
    expect(slaMs("0:30:00")).toBe(1_800_000);
    expect(slaMs("1 day, 2:00:00")).toBe(26 * 3_600_000);
    expect(slaMs("90")).toBe(90_000);
    expect(slaMs("soon")).toBeNull();
    expect(onsetOf([alert({ startsAt: "2026-03-14T10:30:00Z", annotations: { sla: "0:30:00" } })])).toBe(Date.parse("2026-03-14T10:00:00Z"));
  });
});

describe("discovery against the telemetry", () => {
  const now = Date.parse("2026-03-14T12:00:00Z");
  const series = (labels: Labels) => ({ labels, start: "2026-03-14T09:00:00Z", step: "60s", values: Array.from({ length: 180 }, () => 1) });
  const telemetry = (t: Record<string, unknown>) => replayTelemetry(ScenarioTelemetrySchema.parse(t));
  const problem = (over: Partial<Problem>): Problem => problemOf({ now, ...over });

  it("a consumer group's series name its topics and cluster; a mention is found under the label that carries it", async () => {
    const t = telemetry({
      metrics: {
        series: [
          series({ __name__: "kafka_consumergroup_lag", group: "billing-sink", topic: "billing.events", kafka_cluster: "euw1", partition: "0" }),
          series({ __name__: "kafka_consumergroup_lag", group: "other", topic: "other.events", kafka_cluster: "euw1", partition: "0" }),
          series({ __name__: "flink_jobmanager_job_uptime", job_name: "geo-enricher" }),
        ],
      },
    });
    const subjects = await discoverSubjects(
      problem({
        subjects: { "kafka.consumer_group": [{ value: "billing-sink", origin: "label", from: "alert label group" }] },
        mentions: ["geo-enricher", "not-there-at-all"],
      }),
      t,
      AbortSignal.timeout(5_000),
    );
    expect(values(subjects["kafka.topic"])).toEqual(["billing.events (discovery)"]);
    expect(values(subjects.cluster)).toEqual(["euw1 (discovery)"]);
    expect(subjects["kafka.partition"]).toBeUndefined(); // a replica label is never learnt
    expect(values(subjects["flink.job"])).toEqual(["geo-enricher (mention)"]);
  });

  it("the log streams that name a subject give its service; the orchestrator a DAG's pools and upstream runs", async () => {
    const at = "2026-03-14T11:10:00Z";
    const t = telemetry({
      logs: [
        { ts: at, labels: { app: "billing-sink", pod: "billing-sink-7d9c" }, line: "x" },
        { ts: at, labels: { app: "unrelated" }, line: "y" },
        {
          ts: at,
          labels: { dag_id: "claims_daily", task_id: "wait" },
          line: "Poking for tasks ['build'] in dag upstream_hourly on 2026-03-14T10:00:00+00:00 ... ",
        },
      ],
      orchestrator: {
        task_instances: [{ dag_id: "claims_daily", task_id: "load", state: "failed", pool: "warehouse", start_date: at, end_date: at }],
        dag_runs: [{ dag_id: "upstream_hourly", state: "success", start_date: "2026-03-14T10:40:00Z", end_date: "2026-03-14T10:55:00Z" }],
      },
    });
    const subjects = await discoverSubjects(
      problem({
        subjects: {
          "k8s.pod": [{ value: "billing-sink-7d9c", origin: "label", from: "alert label pod" }],
          "airflow.dag_id": [{ value: "claims_daily", origin: "label", from: "alert label dag_id" }],
        },
      }),
      t,
      AbortSignal.timeout(5_000),
    );
    expect(values(subjects.service)).toEqual(["billing-sink (discovery)"]);
    expect(values(subjects["airflow.pool"])).toEqual(["warehouse (discovery)"]);
    expect(values(subjects["airflow.task_id"])).toEqual(["load (discovery)"]);
    expect(values(subjects["sensor.external_dag_id"])).toEqual(["upstream_hourly (discovery)"]);
  });

  it("an upstream DAG is one the DAG's own logs or task instances name, never one that only ran before the onset", async () => {
    const onset = Date.parse("2026-03-14T11:00:00Z");
    const run = (dag_id: string, state: string, start: string, end: string | null) => ({ dag_id, state, start_date: start, end_date: end });
    const runs = [
      // ran and failed just before the onset: timing alone
      run("billing_export_daily", "failed", "2026-03-14T10:30:00Z", "2026-03-14T10:50:00Z"),
      // under way since seven hours before the onset, and named by the sensor's log
      run("ledger_close_nightly", "running", "2026-03-14T04:00:00Z", null),
      // only a longer DAG id that begins with it is named
      run("fx_rates", "failed", "2026-03-14T10:00:00Z", "2026-03-14T10:20:00Z"),
      run("fx_rates_v2", "success", "2026-03-14T10:00:00Z", "2026-03-14T10:20:00Z"),
      // started after the onset: not an upstream of it
      run("audit_trail_hourly", "failed", "2026-03-14T11:05:00Z", "2026-03-14T11:20:00Z"),
    ];
    const line = (labels: Labels, text: string) => ({ ts: "2026-03-14T10:55:00Z", labels: { app: "airflow", ...labels }, line: text });
    const t = telemetry({
      logs: [
        // the stack spells the DAG label `dag`
        line({ dag: "claims_daily", task_id: "wait_for_ledger" }, "Poking for ledger_close_nightly.publish on 2026-03-13T00:00:00+00:00 ..."),
        line({ dag: "claims_daily", task_id: "load" }, "reading fx_rates_v2 output; audit_trail_hourly will pick it up"),
        // another DAG's log naming the first candidate says nothing of this DAG
        line({ dag: "payroll_daily", task_id: "x" }, "waiting for billing_export_daily"),
      ],
      orchestrator: {
        dag_runs: runs,
        task_instances: [
          {
            dag_id: "claims_daily",
            task_id: "wait_for_rates",
            state: "success",
            rendered_fields: { external_dag_id: "fx_rates_v2" },
            start_date: "2026-03-14T10:00:00Z",
          },
        ],
      },
    });
    const dag = problem({ onset, subjects: { "airflow.dag_id": [{ value: "claims_daily", origin: "label", from: "alert label dag_id" }] } });
    const found = (await discoverSubjects(dag, t, AbortSignal.timeout(5_000)))["sensor.external_dag_id"] ?? [];
    expect(found.map((v) => v.value).sort()).toEqual(["fx_rates_v2", "ledger_close_nightly"]);
    expect(found.find((v) => v.value === "ledger_close_nightly")!.from).toBe(
      "a DAG under way before the onset that the log of claims_daily.wait_for_ledger names",
    );
    expect(found.find((v) => v.value === "fx_rates_v2")!.from).toBe(
      "a DAG under way before the onset that the task instances of claims_daily.wait_for_rates name",
    );
    // Knowledge names the upstream: discovery adds none beside it.
    const known = problem({
      onset,
      subjects: {
        "airflow.dag_id": [{ value: "claims_daily", origin: "label", from: "alert label dag_id" }],
        "sensor.external_dag_id": [{ value: "ledger_close_nightly", origin: "knowledge", from: "knowledge/pipelines/claims.md" }],
      },
    });
    expect(values((await discoverSubjects(known, t, AbortSignal.timeout(5_000)))["sensor.external_dag_id"])).toEqual(["ledger_close_nightly (knowledge)"]);
  });

  it("a name is quoted whole: not inside a longer identifier, and not by a longer name that begins with it", () => {
    const names = ["market", "market.prices", "orders_hourly", "orders_hourly_v2", "dbt_build"];
    // a DAG and its task: the DAG is quoted; what follows a dot is a part of a dotted name, not a name of its own
    expect([...quotedNames("Poking for orders_hourly.dbt_build on 2026-…", names)]).toEqual(["orders_hourly"]);
    expect([...quotedNames("loaded orders_hourly_v2 and market.prices", names)].sort()).toEqual(["market.prices", "orders_hourly_v2"]);
    expect([...quotedNames("WHERE pipeline = 'orders_hourly'", names)]).toEqual(["orders_hourly"]);
    expect([...quotedNames("ops.orders_hourly, xorders_hourly, orders_hourly-b", names)]).toEqual([]);
    expect(quotableName("orders_hourly")).toBe(true);
    expect(quotableName("reports")).toBe(false); // an ordinary word of a log line
    expect(quotableName("ingestclaimsnightly")).toBe(true);
  });

  it("the DAG that loads a table is the one whose task shares two of its words, unless two DAGs share as many", async () => {
    const at = "2026-03-14T11:10:00Z";
    const line = (dag_id: string, task_id: string) => ({ ts: at, labels: { app: "airflow", dag_id, task_id }, line: "x" });
    const table = problem({ subjects: { "warehouse.table": [{ value: "raw.vendor_invoices", origin: "label", from: "alert label table" }] } });
    const loads = telemetry({
      logs: [
        line("vendor_feeds_daily", "fetch_vendor_invoices_acme"),
        line("vendor_feeds_daily", "fetch_vendor_invoices_zeta"),
        line("payroll_daily", "load_invoices"),
      ],
    });
    const found = await discoverSubjects(table, loads, AbortSignal.timeout(5_000));
    expect(values(found["airflow.dag_id"])).toEqual(["vendor_feeds_daily (discovery)"]);
    // whatever order the streams are listed in, the same task is named
    expect(found["airflow.dag_id"]![0]!.from).toBe(
      'log streams of its task fetch_vendor_invoices_acme, which shares "invoice", "vendor" with the table raw.vendor_invoices',
    );
    expect(subjectComponents(found)).toContain("airflow");
    const two = telemetry({ logs: [line("vendor_feeds_daily", "fetch_vendor_invoices"), line("vendor_backfill", "reload_vendor_invoices")] });
    expect((await discoverSubjects(table, two, AbortSignal.timeout(5_000)))["airflow.dag_id"]).toBeUndefined();
    const one = telemetry({ logs: [line("payroll_daily", "load_invoices")] });
    expect((await discoverSubjects(table, one, AbortSignal.timeout(5_000)))["airflow.dag_id"]).toBeUndefined();
  });

  it("the Spark application named after a DAG's data is the one it runs, and involves Spark; a domain word shared by many names none", async () => {
    const app = (name: string) => series({ __name__: "metrics_executor_activeTasks", application_name: name, executor_id: "1" });
    const dag = (id: string) => problem({ subjects: { "airflow.dag_id": [{ value: id, origin: "label", from: "alert label dag_id" }] } });
    const apps = telemetry({ metrics: { series: [app("revenue-touchpoints"), app("inventory-compaction"), app("fx-rates")] } });
    const found = await discoverSubjects(dag("finance_revenue_daily"), apps, AbortSignal.timeout(5_000));
    expect(values(found["spark.app"])).toEqual(["revenue-touchpoints (discovery)"]);
    expect(found["spark.app"]![0]!.from).toBe('series whose application_name shares "revenue" with the DAG finance_revenue_daily');
    expect(subjectComponents(found)).toContain("spark");
    // Short shared words (fx) and none at all name nothing.
    expect((await discoverSubjects(dag("fx_close_daily"), apps, AbortSignal.timeout(5_000)))["spark.app"]).toBeUndefined();
    // Three applications share the DAG's one distinctive word: the word is the domain's, not one job's.
    const domain = telemetry({ metrics: { series: [app("claims-parser"), app("claims-dedup"), app("claims-scoring")] } });
    expect((await discoverSubjects(dag("claims_rollup_daily"), domain, AbortSignal.timeout(5_000)))["spark.app"]).toBeUndefined();
    // A neighbour found through series is not involved: topics a group reads do not bring Kafka's runbooks by themselves.
    expect(subjectComponents({ "kafka.topic": [{ value: "t", origin: "discovery", from: "series" }] })).toEqual([]);
  });
});

describe("checks adapt to the stack", () => {
  const q = { start: 0, end: 1, stepMs: 60_000 };
  it("a runbook's label is read under the spelling the series carry, and the alert's scope only where they carry it", () => {
    const series = [
      { __name__: "lag", consumer_group: "a", cluster: "euw1" },
      { __name__: "lag", consumer_group: "a", cluster: "use2" },
    ];
    const adapted = adaptMetricQuery(
      {
        ...q,
        name: "lag",
        matchers: [
          { label: "consumergroup", op: "=", value: "a" },
          { label: "cluster", op: "=", value: "euw1", optional: true },
          { label: "namespace", op: "=", value: "x", optional: true },
        ],
      },
      series,
    );
    expect(adapted.matchers).toEqual([
      { label: "consumer_group", op: "=", value: "a" },
      { label: "cluster", op: "=", value: "euw1" },
    ]);
  });

  it("the spelling that carries the subject's value wins over the runbook's spelling carried only by other series", () => {
    const series: Array<Record<string, string>> = [
      { __name__: "lag", consumergroup: "unrelated-noise" },
      { __name__: "lag", consumer_group: "a" },
    ];
    expect(adaptMetricQuery({ ...q, name: "lag", matchers: [{ label: "consumergroup", op: "=", value: "a" }] }, series).matchers).toEqual([
      { label: "consumer_group", op: "=", value: "a" },
    ]);
  });

  it("log selectors: synonyms, alternative values, a '*' label naming a stream, and an honest 'no stream'", () => {
    const streams: Labels[] = [{ app: "enricher", namespace: "p" }, { container: "scheduler", namespace: "airflow" }, { unit: "airflow-scheduler.service" }];
    expect(adaptLogQuery({ ...q, selector: { service: "enricher-2026" }, alternatives: { service: ["enricher"] }, limit: 10 }, streams)).toMatchObject({
      selector: { app: "enricher" },
    });
    const any = adaptLogQuery({ ...q, selector: { "*": "scheduler" }, limit: 10 }, streams);
    expect(any).toMatchObject({ selector: {}, streams: [{ container: "scheduler", namespace: "airflow" }, { unit: "airflow-scheduler.service" }] });
    expect(adaptLogQuery({ ...q, selector: { service: "ghost" }, limit: 10 }, streams)).toEqual({
      noStream: 'no log stream carries service="ghost" in the window',
    });
    expect(namesSegment("airflow-scheduler-5d8f", "scheduler")).toBe(true);
    expect(namesSegment("schedulerless", "scheduler")).toBe(false);
  });

  it("a metric missing under its standard name is looked for with qualifiers inside, words in order", () => {
    const re = new RegExp(`^(?:${qualifiedName("airflow_executor_open_slots")})$`);
    expect(re.test("airflow_celery_executor_open_slots")).toBe(true);
    expect(re.test("airflow_executor_open_slots")).toBe(true);
    expect(re.test("airflow_open_executor_slots")).toBe(false);
  });

  it("without knowledge a change names a subject by its whole name or two of its distinctive words", () => {
    const named = namesAny(["fare-quote-publisher", "api"]);
    expect(named("avro/pricing/fare_quote.avsc")).toBe(true);
    expect(named("brightline/fare-quote-publisher")).toBe(true);
    expect(named("services/rider-api/main.go")).toBe(false);
  });
});
