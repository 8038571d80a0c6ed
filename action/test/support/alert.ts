import type { Alert } from "../../src/model/index.js";

/**
 * The normalized alert tests build on: Alertmanager's Kafka consumer-lag alert on the orders
 * consumer, firing since 2026-03-14 10:02 UTC. A test passes what it depends on; fixtures that tell
 * another story (the LLM fixture's orders-enricher) pass theirs in one named object.
 */
export const ALERT_DEFAULTS: Readonly<Alert> = {
  id: "am-5d1c0e7a",
  source: "alertmanager",
  title: "KafkaConsumerGroupLag: orders-consumer lag above 50000",
  severity: "high",
  status: "firing",
  environment: "prod",
  fingerprint: "c0ffee1234abcd",
  fingerprintComputed: false,
  labels: { alertname: "KafkaConsumerGroupLag", consumergroup: "orders-consumer", topic: "orders.v2", severity: "high" },
  annotations: { summary: "Consumer group orders-consumer is 120k messages behind" },
  startsAt: "2026-03-14T10:02:00Z",
  endsAt: null,
  links: [{ title: "Grafana", url: "https://grafana.example.com/d/kafka-lag" }],
  pipeline: "orders",
  service: "orders-consumer",
  raw: { delivery: "dispatch-8812", index: 0 },
};

/** A normalized alert: ALERT_DEFAULTS (a fresh copy, safe to change) with `over` on top. */
export function alert(over: Partial<Alert> = {}): Alert {
  return { ...structuredClone(ALERT_DEFAULTS as Alert), ...over };
}
