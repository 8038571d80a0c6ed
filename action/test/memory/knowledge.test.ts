import { describe, expect, it } from "vitest";
import { findPipelines, loadKnowledge, mergeKnowledge, neighbours, resolveMetricName } from "../../src/memory/knowledge.js";
import { formatLintError } from "../../src/memory/frontmatter.js";
import { objectContaining } from "../support/match.js";

const ORDERS = `---
id: orders-streaming
title: Orders
components:
  - {kind: kafka, topic: orders, consumer_group: orders-enricher}
  - {kind: warehouse, table: raw.orders}
downstream: [orders-analytics]
services: [orders-enricher]
config: { consumer: pipelines/orders/consumer.yaml }
---
Prose about the pipeline.
`;
const ANALYTICS = `---
id: orders-analytics
components:
  - {kind: airflow, dag_id: orders_daily, pool: warehouse_pool}
  - {kind: dbt, model: fct_orders, job: nightly}
---
`;
const FINANCE = `---
id: finance-marts
upstream: [orders-analytics]
components: [{kind: spark, job: finance_rollup}]
services: [finance-api]
---
`;
const ALIASES = `---
metrics:
  airflow_executor_open_slots: airflow_celery_executor_open_slots
labels:
  consumergroup: group_id
---
Why we alias.
`;

const files = {
  "knowledge/pipelines/orders-streaming.md": ORDERS,
  "knowledge/pipelines/orders-analytics.md": ANALYTICS,
  "knowledge/pipelines/finance-marts.md": FINANCE,
  "knowledge/pipelines/README.md": "# Pipelines\nNot a pipeline.",
  "knowledge/services/orders-enricher.md": "---\nid: orders-enricher\nowners: ['@team']\n---\n",
  "knowledge/aliases.md": ALIASES,
  "runbooks/whatever.md": "not knowledge",
};

describe("loadKnowledge", () => {
  it("reads pipelines, services and aliases, ignoring README.md and other folders", () => {
    const { knowledge, errors } = loadKnowledge(files);
    expect(errors).toEqual([]);
    expect(knowledge.pipelines.map((p) => p.id)).toEqual(["finance-marts", "orders-analytics", "orders-streaming"]);
    expect(knowledge.pipelines.find((p) => p.id === "orders-streaming")).toMatchObject({
      config: { consumer: "pipelines/orders/consumer.yaml" },
      upstream: [],
      owners: [],
    });
    expect(knowledge.services).toEqual([{ id: "orders-enricher", owners: ["@team"], paths: [] }]);
    expect(knowledge.aliases.labels).toEqual({ consumergroup: "group_id" });
  });

  it("treats missing folders as empty", () => {
    expect(loadKnowledge({})).toEqual({ knowledge: { pipelines: [], services: [], aliases: { metrics: {}, labels: {} } }, errors: [], sources: {} });
  });

  it("reports a broken pipeline with file, line, field and fix, and keeps the others", () => {
    const broken = "---\nid: Orders Stream\ncomponents:\n  - {topic: orders}\n---\n";
    const { knowledge, errors } = loadKnowledge({ ...files, "knowledge/pipelines/broken.md": broken });
    expect(knowledge.pipelines).toHaveLength(3);
    expect(errors.map(formatLintError)).toEqual([
      'knowledge/pipelines/broken.md:2: id: kebab-case id, got "Orders Stream" (fix: give a kebab-case id, the file name without .md (orders-streaming))',
      "knowledge/pipelines/broken.md:4: components[0].kind: Required (fix: name the component's kind (kafka, airflow, dbt, warehouse, service, …))",
    ]);
  });

  it("reports YAML syntax errors with their line", () => {
    const { errors } = loadKnowledge({ "knowledge/pipelines/x.md": "---\nid: x\nupstream: [a, b\n---\n" });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file: "knowledge/pipelines/x.md", field: "(frontmatter)", severity: "error" });
    expect(errors[0]!.message).toMatch(/^not valid YAML: /);
    expect(errors[0]!.line).toBeGreaterThanOrEqual(3);
  });

  it("refuses a JavaScript frontmatter instead of running it", () => {
    const evil = "---js\n{ id: (globalThis.__pwned = 1, 'x') }\n---\n";
    const { knowledge, errors } = loadKnowledge({ "knowledge/pipelines/x.md": evil, "knowledge/pipelines/y.md": evil.replace("---js", "--- javascript") });
    expect((globalThis as { __pwned?: number }).__pwned).toBeUndefined();
    expect(knowledge.pipelines).toEqual([]);
    expect(errors.map((e) => e.message)).toEqual(['frontmatter language "js" is not supported', 'frontmatter language "javascript" is not supported']);
  });

  it("keeps the first of two pipelines with one id and reports the second", () => {
    const { knowledge, errors } = loadKnowledge({
      "knowledge/pipelines/a.md": "---\nid: a\n---\n",
      "knowledge/pipelines/b.md": "---\nid: a\ntitle: dup\n---\n",
    });
    expect(knowledge.pipelines).toHaveLength(1);
    expect(errors.map(formatLintError)).toContain(
      'knowledge/pipelines/b.md:2: id: pipeline id "a" is already used by another file (fix: give every pipeline a unique id; this file is ignored until then)',
    );
  });

  it("warns when a pipeline's id differs from its file name", () => {
    const { errors } = loadKnowledge({ "knowledge/pipelines/orders.md": "---\nid: orders-streaming\n---\n" });
    expect(errors).toEqual([objectContaining({ severity: "warning", field: "id", fix: "rename the file to orders-streaming.md or the id to orders" })]);
  });

  it("reports a file without frontmatter", () => {
    const { errors } = loadKnowledge({ "knowledge/services/x.md": "# just prose" });
    expect(formatLintError(errors[0]!)).toBe(
      'knowledge/services/x.md:1: (frontmatter): the file has no YAML frontmatter (fix: start the file with a line "---", the YAML fields, then a closing "---")',
    );
  });
});

describe("knowledge helpers", () => {
  const { knowledge } = loadKnowledge(files);

  it.each([
    [{ pipeline: "orders-streaming" }, ["orders-streaming"]],
    [{ consumergroup: "orders-enricher" }, ["orders-streaming"]],
    [{ consumer_group: "orders-enricher" }, ["orders-streaming"]],
    [{ group: "orders-enricher" }, ["orders-streaming"]],
    [{ group_id: "orders-enricher" }, ["orders-streaming"]],
    [{ topic: "orders" }, ["orders-streaming"]],
    [{ table: "RAW.ORDERS" }, ["orders-streaming"]],
    [{ dag_id: "orders_daily" }, ["orders-analytics"]],
    [{ pool: "warehouse_pool" }, ["orders-analytics"]],
    [{ model: "fct_orders" }, ["orders-analytics"]],
    [{ model_name: "fct_orders" }, ["orders-analytics"]],
    [{ job: "finance_rollup" }, ["finance-marts"]],
    [{ job_name: "nightly" }, ["orders-analytics"]],
    [{ service: "orders-enricher" }, ["orders-streaming"]],
    [{ app: "finance-api" }, ["finance-marts"]],
    [{ topic: "orders", app: "finance-api" }, ["finance-marts", "orders-streaming"]],
    [{ topic: "payments", alertname: "orders-streaming", partition: "orders" }, []],
    [{ pipeline: "", service: "" }, []],
  ])("findPipelines(%j)", (labels, ids) => {
    expect(findPipelines(knowledge, labels as Record<string, string>).map((p) => p.id)).toEqual(ids);
  });

  it("matches a pipeline on an identifying value only: a default pool or a pool several pipelines share names none", () => {
    const shared = loadKnowledge({
      "knowledge/pipelines/ads.md": "---\nid: ads\ncomponents:\n  - {kind: airflow, dag_id: ads_hourly, pool: dbt}\n---\n",
      "knowledge/pipelines/finance.md": "---\nid: finance\ncomponents:\n  - {kind: airflow, dag_id: finance_daily, pool: dbt}\n---\n",
      "knowledge/pipelines/attribution.md": "---\nid: attribution\ncomponents:\n  - {kind: airflow, dag_id: attribution_daily, pool: default_pool}\n---\n",
    }).knowledge;
    // An alert of another team's DAG that runs in the default pool is not about the attribution pipeline.
    expect(findPipelines(shared, { dag_id: "claims__adjudication_daily", pool: "default_pool" })).toEqual([]);
    expect(findPipelines(shared, { pool: "dbt" })).toEqual([]);
    expect(findPipelines(shared, { dag_id: "finance_daily", pool: "dbt" }).map((p) => p.id)).toEqual(["finance"]);
    expect(findPipelines(shared, { dag_id: "attribution_daily", pool: "default_pool" }).map((p) => p.id)).toEqual(["attribution"]);
  });

  it("finds neighbours from both directions", () => {
    expect(neighbours(knowledge, "orders-analytics")).toEqual({ upstream: ["orders-streaming"], downstream: ["finance-marts"] });
    expect(neighbours(knowledge, "orders-streaming")).toEqual({ upstream: [], downstream: ["orders-analytics"] });
    expect(neighbours(knowledge, "finance-marts")).toEqual({ upstream: ["orders-analytics"], downstream: [] });
    expect(neighbours(knowledge, "unknown")).toEqual({ upstream: [], downstream: [] });
  });

  it("resolves a metric alias or keeps the standard name", () => {
    expect(resolveMetricName(knowledge, "airflow_executor_open_slots")).toBe("airflow_celery_executor_open_slots");
    expect(resolveMetricName(knowledge, "kafka_consumergroup_lag")).toBe("kafka_consumergroup_lag");
  });

  it("merges: same id replaces, new ids are added, aliases merge by key", () => {
    const over = loadKnowledge({
      "knowledge/pipelines/orders-streaming.md": "---\nid: orders-streaming\ntitle: Replaced\n---\n",
      "knowledge/pipelines/new-one.md": "---\nid: new-one\n---\n",
      "knowledge/aliases.md": "---\nmetrics: { kafka_consumergroup_lag: lag }\n---\n",
    }).knowledge;
    const merged = mergeKnowledge(knowledge, over);
    expect(merged.pipelines.map((p) => p.id)).toEqual(["finance-marts", "orders-analytics", "orders-streaming", "new-one"]);
    expect(merged.pipelines.find((p) => p.id === "orders-streaming")!.title).toBe("Replaced");
    expect(merged.aliases.metrics).toEqual({ airflow_executor_open_slots: "airflow_celery_executor_open_slots", kafka_consumergroup_lag: "lag" });
    expect(merged.aliases.labels).toEqual({ consumergroup: "group_id" });
  });
});
