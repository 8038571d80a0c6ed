import type { Alert, Check, CheckSpec, Evidence, Fix, Hypothesis, Incident, Investigation, Problem } from "../../src/model/index.js";
import { CheckSpecSchema } from "../../src/model/index.js";
import type { ReportInput } from "../../src/report/artifacts.js";
import { alert } from "../support/alert.js";

export { alert };

/**
 * A hand-built incident: the orders consumer lags because a deploy slowed processing, which set off
 * a rebalance storm. Every field is typed by the model; helpers take overrides for hostile variants.
 */

export const NOW = Date.parse("2026-03-14T10:30:00Z");
const T = (hhmm: string) => `2026-03-14T${hhmm}:00Z`;
const ms = (hhmm: string) => Date.parse(T(hhmm));

function spec(s: Record<string, unknown>): CheckSpec {
  return CheckSpecSchema.parse(s);
}

function check(hypothesis: string, id: string, s: Record<string, unknown>, over: Partial<Check> = {}): Check {
  const parsed = spec({ id, ...s });
  const capability = parsed.metric ? "metrics" : parsed.logs ? "logs" : parsed.changes ? "changes" : "events";
  const range = { start: ms("08:30"), end: NOW };
  const query =
    capability === "metrics"
      ? { ...range, name: parsed.metric!.split("{")[0]!, matchers: [{ label: "consumergroup", op: "=" as const, value: "orders-consumer" }], stepMs: 60_000 }
      : capability === "logs"
        ? { ...range, selector: { service: "orders-consumer" }, pattern: parsed.match, limit: 500 }
        : { ...range, repos: ["acme/orders"] };
  return {
    key: `${hypothesis}/${id}`,
    id,
    hypothesis,
    title: parsed.title ?? id,
    spec: parsed,
    capability,
    query,
    primitive: parsed.primitive,
    weight: parsed.weight,
    role: parsed.role,
    onset: ms("10:02"),
    ...over,
  };
}

/** A metric series around the onset: flat, then a step at 10:00. */
export function lagSeries(): { series: Array<{ labels: Record<string, string>; points: Array<[number, number | null]> }> } {
  const points: Array<[number, number | null]> = [];
  for (let i = 0; i <= 12; i++) {
    const t = ms("09:30") + i * 5 * 60_000;
    points.push([t, i < 6 ? 1200 + i * 10 : i === 7 ? null : 48_000 + i * 9000]);
  }
  return { series: [{ labels: { consumergroup: "orders-consumer", topic: "orders.v2" }, points }] };
}

function ev(c: Check, verdict: Evidence["verdict"], finding: string, over: Partial<Evidence> = {}): Evidence {
  return {
    key: c.key,
    check: c.id,
    hypothesis: c.hypothesis,
    verdict,
    finding,
    query: c.capability === "metrics" ? 'kafka_consumergroup_lag{consumergroup="orders-consumer"}' : '{service="orders-consumer"} |~ "CommitFailedException"',
    observed: {},
    data: null,
    weight: c.weight,
    role: c.role,
    round: 1,
    ms: 120,
    ...over,
  };
}

/** The investigated fixture: hypotheses, evidence and the ranking the reasoner would produce. */
export function fixture(
  over: {
    alerts?: Alert[];
    title?: string;
    findings?: Partial<Record<string, string>>;
    labels?: Record<string, string>;
    commitMessage?: string;
    hypothesisId?: string;
  } = {},
): ReportInput {
  const stormId = over.hypothesisId ?? "kafka-lag-rebalance-storm";
  const members = check(stormId, "members-oscillate", {
    title: "Consumer group members oscillate",
    metric: 'kafka_consumergroup_members{consumergroup="{{alert.labels.consumergroup}}"}',
    primitive: "oscillation",
    pass_if: { changes: ">= 3" },
    weight: "strong",
  });
  const commitLogs = check(stormId, "commit-failed-logs", {
    title: "CommitFailedException in consumer logs",
    logs: { service: "{{pipeline.consumer.service}}" },
    match: "CommitFailedException|maximum poll interval",
    primitive: "count",
    pass_if: { count: ">= 1" },
    weight: "strong",
  });
  const lagStep = check("kafka-lag-slow-consumer", "lag-step", {
    title: "Lag stepped up at onset",
    metric: 'kafka_consumergroup_lag{consumergroup="{{alert.labels.consumergroup}}"}',
    aggregate: "sum",
    primitive: "step_change",
    pass_if: { ratio: ">= 3" },
    weight: "strong",
    anchor: "onset",
  });
  const deploy = check("kafka-lag-slow-consumer", "deploy-before-onset", {
    title: "Consumer deployed before onset",
    changes: { kind: "any", scope: "pipeline" },
    primitive: "change_in_window",
    window: "-1h",
    anchor: "onset",
    pass_if: { count: ">= 1" },
    weight: "moderate",
  });
  const brokerDown = check("kafka-broker-down", "under-replicated", {
    title: "Under-replicated partitions",
    metric: "kafka_topic_partition_under_replicated_partition",
    primitive: "threshold",
    reduce: "max",
    pass_if: { value: "> 0" },
    weight: "strong",
  });
  const schema = check("warehouse-schema-drift", "schema-diff", {
    title: "Warehouse schema changed",
    events: { kind: "schema_change" },
    primitive: "schema_diff",
    pass_if: { changes: ">= 1" },
    weight: "moderate",
  });

  const f = over.findings ?? {};
  const evidence: Evidence[] = [
    ev(members, "pass", f.members ?? "Consumer group members oscillate: changes 7 >= 3", { observed: { changes: 7 } }),
    ev(commitLogs, "pass", f.logs ?? "CommitFailedException in consumer logs: count 42 >= 1", {
      observed: { count: 42 },
      data: {
        records: [{ at: T("10:04"), label: over.labels?.log ?? "CommitFailedException: Commit cannot be completed since the group has already rebalanced" }],
        total: 42,
      },
    }),
    ev(brokerDown, "fail", f.broker ?? "Under-replicated partitions: max 0 is not > 0", { observed: { value: 0 } }),
    ev(schema, "inconclusive", "inconclusive: no events backend configured", { reason: "no events backend configured" }),
    ev(lagStep, "pass", f.lag ?? "Lag stepped up at onset: ratio 40.2 >= 3", { round: 2, observed: { ratio: 40.2 }, data: lagSeries() }),
    ev(deploy, "pass", f.deploy ?? "Consumer deployed before onset: count 1 >= 1", {
      round: 2,
      observed: { count: 1 },
      matched: [{ at: T("09:58"), label: over.commitMessage ?? "deploy orders-consumer v2.14.0 (batch size 5000)", ref: "a1b2c3d4e5f6", repo: "acme/orders" }],
    }),
  ];

  const hypotheses: Hypothesis[] = [
    {
      id: stormId,
      title: "Consumer group rebalance storm",
      origin: "runbook",
      prior: 0.2,
      reason: "alert KafkaConsumerGroupLag matched KafkaConsumerGroupLag*",
      deeper: ["kafka-lag-slow-consumer"],
      round: 1,
      checks: [members, commitLogs],
      runbookFile: "runbooks/kafka-lag-rebalance-storm.md",
    },
    {
      id: "kafka-broker-down",
      title: "Broker down or partitions under-replicated",
      origin: "runbook",
      prior: 0.15,
      reason: "component kafka",
      deeper: [],
      round: 1,
      checks: [brokerDown],
      runbookFile: "runbooks/kafka-broker-down.md",
    },
    {
      id: "warehouse-schema-drift",
      title: "Warehouse schema drift",
      origin: "memory",
      prior: 0.1,
      reason: "confirmed for 2026-02-02-orders-load-fails",
      deeper: [],
      round: 1,
      checks: [schema],
    },
    {
      id: "kafka-lag-slow-consumer",
      title: "Slow consumer processing after a deploy",
      origin: "runbook",
      prior: 0.2,
      reason: "deeper cause",
      deeper: [],
      parent: stormId,
      round: 2,
      checks: [lagStep, deploy],
      runbookFile: "runbooks/kafka-lag-slow-consumer.md",
    },
  ];

  const investigation: Investigation = {
    hypotheses,
    evidence,
    ms: 2140,
    rca: {
      conclusion: "confirmed",
      rootCause: "kafka-lag-slow-consumer",
      confidence: 0.874,
      chain: [stormId, "kafka-lag-slow-consumer"],
      gaps: ["warehouse-schema-drift/schema-diff: no events backend configured"],
      rounds: 2,
      checksRun: 6,
      budgetExhausted: false,
      ranked: [
        {
          id: "kafka-lag-slow-consumer",
          title: "Slow consumer processing after a deploy",
          confidence: 0.874,
          status: "confirmed",
          support: ["kafka-lag-slow-consumer/lag-step", "kafka-lag-slow-consumer/deploy-before-onset"],
          against: [],
          gaps: [],
          chain: [stormId, "kafka-lag-slow-consumer"],
          origin: "runbook",
        },
        {
          id: stormId,
          title: "Consumer group rebalance storm",
          confidence: 0.82,
          status: "confirmed",
          support: [`${stormId}/members-oscillate`, `${stormId}/commit-failed-logs`],
          against: [],
          gaps: [],
          chain: [stormId],
          origin: "runbook",
        },
        {
          id: "warehouse-schema-drift",
          title: "Warehouse schema drift",
          confidence: 0.1,
          status: "untested",
          support: [],
          against: [],
          gaps: ["warehouse-schema-drift/schema-diff"],
          chain: ["warehouse-schema-drift"],
          origin: "memory",
        },
        {
          id: "kafka-broker-down",
          title: "Broker down or partitions under-replicated",
          confidence: 0.03,
          status: "ruled_out",
          support: [],
          against: ["kafka-broker-down/under-replicated"],
          gaps: [],
          chain: ["kafka-broker-down"],
          origin: "runbook",
        },
      ],
    },
  };

  const alerts = over.alerts ?? [
    alert(),
    alert({
      id: "am-77aa01",
      title: "OrdersFreshnessSLA: orders_daily older than 2h",
      severity: "medium",
      fingerprint: "f7e8d9c0",
      labels: { alertname: "OrdersFreshnessSLA", table: "analytics.orders_daily" },
      startsAt: T("10:12"),
      pipeline: "orders-daily",
    }),
  ];
  const title = over.title ?? alerts[0]!.title;

  const incident: Incident = {
    id: "2026-03-14-orders-consumer-lag-7f3a",
    path: "incidents/2026/03/2026-03-14-orders-consumer-lag-7f3a",
    title,
    status: "open",
    investigation: "done",
    severity: "high",
    pipelines: ["orders", "orders-daily"],
    fingerprints: alerts.map((a) => a.fingerprint),
    alertnames: ["KafkaConsumerGroupLag", "OrdersFreshnessSLA"],
    alerts: alerts.map((a) => a.id),
    resolvedFingerprints: [],
    deliveries: ["dispatch-8812"],
    openedAt: T("10:02"),
    updatedAt: T("10:12"),
    resolvedAt: null,
    rootCause: { id: "kafka-lag-slow-consumer", confidence: 0.874, status: "confirmed" },
    groupingReasons: ["same pipeline orders"],
    duplicates: 0,
  };

  const problem: Problem = {
    incidentId: incident.id,
    title,
    now: NOW,
    onset: ms("10:02"),
    alerts,
    alertnames: incident.alertnames,
    labels: { consumergroup: "orders-consumer", ...(over.labels ? { note: over.labels.note ?? "" } : {}) },
    pipelines: [
      {
        id: "orders",
        title: "Orders ingestion",
        components: [
          { kind: "kafka", topic: "orders.v2", consumergroup: "orders-consumer" },
          { kind: "service", name: "orders-consumer" },
        ],
        upstream: ["checkout-events"],
        downstream: ["orders-daily"],
        owners: ["@acme/data-platform", "oncall-orders"],
        config: { consumer: "pipelines/orders/consumer.yaml" },
        paths: ["pipelines/orders/**"],
        services: ["orders-consumer"],
        sla: "lag under 10k messages",
        repository: "acme/orders",
      },
    ],
    upstream: ["checkout-events"],
    downstream: ["orders-daily", "finance-revenue"],
    components: ["kafka", "service"],
    changes: {
      commits: [
        {
          repo: "acme/orders",
          sha: "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678",
          at: T("09:55"),
          author: "dev-jane",
          message: over.commitMessage ?? "consumer: raise batch size to 5000\n\nFaster backfills.",
          files: [{ path: "pipelines/orders/consumer.yaml", status: "modified" }],
        },
      ],
      deployments: [
        { repo: "acme/orders", service: "orders-consumer", environment: "prod", ref: "v2.14.0", sha: "a1b2c3d4e5f6", at: T("09:58"), status: "success" },
      ],
    },
    similar: [
      {
        id: "2026-02-20-orders-consumer-lag-1c2d",
        path: "incidents/2026/02/2026-02-20-orders-consumer-lag-1c2d",
        rootCause: "kafka-lag-slow-consumer",
        confirmed: true,
        reason: "same fingerprint",
      },
    ],
    // As resolveSubjects and discovery would name them: knowledge's pipeline first, the alert's label
    // adds nothing new, discovery adds the cluster the group's series carry.
    subjects: {
      "kafka.topic": [{ value: "orders.v2", origin: "knowledge", from: "knowledge/pipelines/orders.md" }],
      "kafka.consumer_group": [{ value: "orders-consumer", origin: "knowledge", from: "knowledge/pipelines/orders.md" }],
      service: [{ value: "orders-consumer", origin: "knowledge", from: "knowledge/pipelines/orders.md" }],
      "config.consumer": [{ value: "pipelines/orders/consumer.yaml", origin: "knowledge", from: "knowledge/pipelines/orders.md" }],
      "kafka.cluster": [{ value: "main-eu", origin: "discovery", from: 'series of kafka_consumergroup_lag with consumergroup="orders-consumer"' }],
    },
    metrics: [],
    timeline: [
      { at: T("09:55"), kind: "commit", text: over.commitMessage?.split("\n")[0] ?? "a1b2c3d consumer: raise batch size to 5000" },
      { at: T("09:58"), kind: "deployment", text: "orders-consumer v2.14.0 to prod" },
      { at: T("10:02"), kind: "alert", text: alerts[0]!.title },
      ...alerts.slice(1).map((a) => ({ at: a.startsAt ?? T("10:12"), kind: "alert" as const, text: a.title })),
    ],
  };

  const fix: Fix = {
    kind: "config-patch",
    path: "pipelines/orders/consumer.yaml",
    description: "Set max.poll.interval.ms to 600000 so slow batches stop triggering rebalances",
    branch: "pipemedic/fix/2026-03-14-orders-consumer-lag-7f3a",
    commit: "0f1e2d3c4b5a",
    pr: 128,
    state: "open",
    reversible: true,
  };

  return {
    incident,
    problem,
    investigation,
    fix,
    alerts,
    runbooks: {
      "kafka-lag-rebalance-storm": {
        title: "Consumer group rebalance storm",
        file: "runbooks/kafka-lag-rebalance-storm.md",
        body: "## Why it happens\n\nMembers leave and rejoin.\n",
      },
      "kafka-lag-slow-consumer": {
        title: "Slow consumer processing after a deploy",
        file: "runbooks/kafka-lag-slow-consumer.md",
        body: "## Why it happens\n\nA deploy made each batch slower.\n\n## How to confirm by hand\n\n1. Compare the processing time per batch before and after the deploy.\n2. Check `max.poll.interval.ms` against the slowest batch.\n\n<details>raw html is dropped</details>\n\n## How to fix\n\nRoll back or raise the poll interval.\n",
      },
      "kafka-broker-down": { title: "Broker down or partitions under-replicated", file: "runbooks/kafka-broker-down.md", body: "" },
    },
    link: (p) => p,
  };
}

/** The same incident, recorded but not investigated: it awaits a manual trigger. */
export function awaitingFixture(): ReportInput {
  const base = fixture();
  return {
    ...base,
    incident: { ...base.incident, investigation: "awaiting", rootCause: null },
    investigation: null,
    fix: null,
  };
}
