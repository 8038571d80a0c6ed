import { describe, expect, it } from "vitest";
import type { Knowledge, MetricQuery, Problem } from "../../src/model/index.js";
import { RunbookSchema } from "../../src/model/index.js";
import { interpolate, resolveChecks, templateContext } from "../../src/checks/template.js";
import { resolveSubjects } from "../../src/subjects/resolve.js";

const knowledge: Knowledge = {
  pipelines: [],
  services: [],
  aliases: { metrics: { kafka_consumergroup_lag: "kafka_lag" }, labels: { consumergroup: "group" } },
};

function problem(labels: Record<string, string>): Problem {
  const p: Omit<Problem, "subjects" | "metrics"> = {
    incidentId: "i",
    title: "t",
    now: Date.parse("2026-03-14T02:00:00Z"),
    onset: Date.parse("2026-03-14T01:30:00Z"),
    alerts: [],
    alertnames: [],
    labels,
    pipelines: [
      {
        id: "orders-streaming",
        components: [{ kind: "kafka", consumer_group: "orders-enricher", topic: "orders" }],
        upstream: [],
        downstream: [],
        owners: [],
        config: { consumer: "pipelines/orders/consumer.yaml" },
        paths: [],
        services: ["orders-enricher"],
      },
    ],
    upstream: [],
    downstream: [],
    components: ["kafka"],
    changes: { commits: [], deployments: [] },
    similar: [],
    timeline: [],
  };
  return { ...p, ...resolveSubjects(p) };
}

const runbook = RunbookSchema.parse({
  id: "x",
  title: "x",
  applies_to: { alerts: ["*Lag*"] },
  checks: [
    { id: "eq", metric: 'kafka_consumergroup_lag{consumergroup="{{alert.labels.consumergroup}}"}', primitive: "threshold", pass_if: { value: "> 0" } },
    { id: "re", metric: 'kafka_consumergroup_lag{topic=~"{{pipeline.kafka.topic}}.*"}', primitive: "threshold", pass_if: { value: "> 0" } },
    { id: "missing", metric: 'kafka_consumergroup_lag{pool="{{pipeline.airflow.pool}}"}', primitive: "threshold", pass_if: { value: "> 0" } },
  ],
});

describe("templates", () => {
  it("resolves values into matcher values, never into query text, and applies aliases", () => {
    const hostile = '"} or vector(1) #';
    const [eq] = resolveChecks({ ...runbook, id: runbook.id }, problem({ consumergroup: hostile }), knowledge);
    const q = eq!.query as MetricQuery;
    expect(q.name).toBe("kafka_lag");
    expect(q.matchers).toEqual([{ label: "group", op: "=", value: hostile }]);
    expect(eq!.unresolved).toBeUndefined();
  });

  it("escapes template values that land in a regular expression", () => {
    const p = problem({});
    p.pipelines[0]!.components[0]!.topic = "orders.v2|.*";
    Object.assign(p, resolveSubjects(p));
    const [, re] = resolveChecks(runbook, p, knowledge);
    expect((re!.query as MetricQuery).matchers[0]!.value).toBe("orders\\.v2\\|\\.\\*.*");
  });

  it("a value nobody can fill leaves its part of the query out, never an empty match: the check reads wider, weighs less and says what is missing", () => {
    const checks = resolveChecks(runbook, problem({}), knowledge);
    expect((checks[0]!.query as MetricQuery).matchers).toEqual([]);
    expect(checks[0]!.unscoped).toEqual(["alert.labels.consumergroup"]);
    expect(checks[0]!.weight).toBe("weak");
    expect(checks[0]!.unresolved).toBeUndefined();
    expect((checks[2]!.query as MetricQuery).matchers).toEqual([]);
    expect(checks[2]!.unscoped).toEqual(["airflow.pool"]);
    // a check whose values are all known keeps its weight and its matchers
    expect(checks[1]!.unscoped).toBeUndefined();
    expect(checks[1]!.weight).toBe("moderate");
  });

  it("knows pipeline fields, configs and services", () => {
    const ctx = templateContext(problem({}));
    expect(interpolate("{{pipeline.config.consumer}} {{pipeline.service}} {{pipeline.id}}", ctx).value).toBe(
      "pipelines/orders/consumer.yaml orders-enricher orders-streaming",
    );
  });
});
