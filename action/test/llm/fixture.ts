import { resolveSubjects } from "../../src/subjects/resolve.js";
import type { Alert, Llm as LlmClient, LlmBudget, Problem } from "../../src/model/index.js";
import { createLlm, DEFAULT_LLM_BUDGET, type LlmConfig } from "../../src/llm/index.js";
import { alert } from "../support/alert.js";

export { alert };

const NOW = Date.parse("2026-03-14T10:30:00Z");
const ONSET = Date.parse("2026-03-14T10:02:00Z");

/** This fixture's alert: the orders-enricher consumer of the design document, critical, from Alertmanager. */
export const ENRICHER_ALERT: Partial<Alert> = {
  id: "a1",
  title: "KafkaConsumerGroupLag orders-enricher",
  severity: "critical",
  fingerprint: "fp-orders-lag",
  labels: { alertname: "KafkaConsumerGroupLag", consumergroup: "orders-enricher", topic: "orders.v1", severity: "critical" },
  annotations: { summary: "Consumer group orders-enricher lag above 50k", runbook_url: "https://wiki.example.net/runbooks/kafka-lag" },
  startsAt: new Date(ONSET).toISOString(),
  links: [],
  pipeline: "orders-streaming",
  service: "orders-enricher",
  raw: { delivery: "d1", index: 0 },
};

/** A framed problem: the orders consumer lag of the design document. */
export function problem(over: Partial<Problem> = {}): Problem {
  const a = alert(ENRICHER_ALERT);
  const p: Omit<Problem, "subjects" | "metrics"> = {
    incidentId: "2026-03-14-orders-consumer-lag-7f3a",
    title: "KafkaConsumerGroupLag on orders-streaming",
    now: NOW,
    onset: ONSET,
    alerts: [a],
    alertnames: ["KafkaConsumerGroupLag"],
    labels: { ...a.labels },
    pipelines: [
      {
        id: "orders-streaming",
        title: "Orders enrichment stream",
        components: [
          { kind: "kafka", topic: "orders.v1", consumer_group: "orders-enricher" },
          { kind: "dependency", name: "customer-profile-api" },
        ],
        upstream: [],
        downstream: ["orders-analytics"],
        owners: ["@shopfront/data-streaming"],
        repository: "shopfront/orders-enricher",
        config: { consumer: "pipelines/orders-enricher/consumer.yaml" },
        paths: ["pipelines/orders-enricher/**"],
        services: ["orders-enricher"],
      },
    ],
    upstream: [],
    downstream: ["orders-analytics"],
    components: ["kafka", "dependency"],
    changes: {
      commits: [
        {
          repo: "shopfront/orders-enricher",
          sha: "9fceb02d0ae598e95dc970b74764e4f5c6a1b2c3",
          at: "2026-03-14T09:40:00Z",
          author: "dev",
          message: "Raise batch size to 1000",
          files: [{ path: "pipelines/orders-enricher/consumer.yaml", status: "modified" }],
        },
      ],
      deployments: [
        {
          repo: "shopfront/orders-enricher",
          service: "orders-enricher",
          environment: "prod",
          ref: "v1.4.2",
          sha: "9fceb02d0ae5",
          at: "2026-03-14T09:45:00Z",
          status: "success",
        },
      ],
    },
    similar: [],
    timeline: [{ at: new Date(ONSET).toISOString(), kind: "alert", text: "KafkaConsumerGroupLag fired" }],
  };
  return { ...p, ...resolveSubjects(p), ...over };
}

/** A client against the stub; the key is a dummy that is not in the secret corpus. */
export function client(baseURL: string, budget: Partial<LlmBudget> = {}, over: Partial<LlmConfig> = {}): LlmClient {
  const llm = createLlm({ baseURL, apiKey: "test-key-not-a-secret", model: "stub-model", budget: { ...DEFAULT_LLM_BUDGET, retries: 2, ...budget }, ...over });
  if (!llm) throw new Error("createLlm returned null with a key");
  return llm;
}

/** A proposal the validator accepts: a slow dependency with a discriminating metric and a log check. */
export const GOOD_PROPOSAL = {
  id: "slow-profile-api",
  title: "customer-profile-api became slow",
  prior: 0.2,
  rationale: "Lag started without a traffic change; the consumer calls the profile API synchronously.",
  checks: [
    {
      id: "probe-latency-up",
      metric: 'probe_duration_seconds{job="blackbox",target=~"{{pipeline.dependency.name}}.*"}',
      primitive: "step_change",
      anchor: "onset",
      window: "2h",
      pass_if: { ratio: ">= 3" },
      weight: "strong",
    },
    {
      id: "timeouts-in-logs",
      logs: { service: "{{pipeline.service}}" },
      match: "ReadTimeout|timed out calling customer-profile",
      primitive: "count",
      window: "1h",
      pass_if: { count: ">= 5" },
    },
  ],
};

export const ALL_CAPABILITIES = ["metrics", "logs", "changes", "events", "orchestrator", "warehouse"];
