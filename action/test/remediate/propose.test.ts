import { describe, expect, it } from "vitest";
import { ConfigSchema, type Hypothesis, type Investigation, type Problem } from "../../src/model/index.js";
import { proposeFix } from "../../src/remediate/propose.js";
import { alert as alertOf } from "../support/alert.js";
import { confirmedInvestigation } from "../support/investigation.js";
import { problemOf } from "../support/problem.js";

const config = ConfigSchema.parse({});
const FILES: Record<string, string> = {
  "pipelines/orders/consumer.yaml": "max_poll_records: 500\n",
  "pipelines/payments/consumer.yaml": "max_poll_records: 500\n",
};
const head = { read: async (p: string) => FILES[p] ?? null, list: async () => Object.keys(FILES).sort() };

function confirmed(path: string): Investigation {
  const hypothesis = {
    id: "kafka-lag-slow-consumer",
    title: "Slow consumer",
    remediation: { kind: "config-patch", path, set: { max_poll_records: 100 }, reversible: true },
  } as unknown as Hypothesis;
  return confirmedInvestigation(hypothesis);
}

/** A problem whose alert carries a label naming the payments config; knowledge names the orders one. */
function problem(knowledge: boolean): Problem {
  const alert = alertOf({ labels: { alertname: "KafkaConsumerLagHigh", config_file: "pipelines/payments/consumer.yaml" } });
  return {
    ...problemOf({ now: Date.parse("2026-03-14T02:00:00Z") }),
    incidentId: "2026-03-14-lag",
    alerts: [alert],
    labels: alert.labels,
    subjects: {
      "config.consumer": [
        knowledge
          ? { value: "pipelines/orders/consumer.yaml", origin: "knowledge", from: "knowledge/pipelines/orders.md" }
          : { value: "pipelines/payments/consumer.yaml", origin: "label", from: "label consumer of the alert" },
      ],
    },
  };
}

describe("remediation.path comes from knowledge only (issue #16, section 6)", () => {
  it("a path templated from an alert label is refused at run time: no pull request, and the note says why", async () => {
    const out = await proposeFix({ problem: problem(true), investigation: confirmed("{{alert.labels.config_file}}"), head, config });
    expect(out.proposal).toBeNull();
    expect(out.note).toMatch(/\{\{alert\.labels\.config_file\}\}.*knowledge only/);
  });

  it("a subject template the alert could fill is refused too", async () => {
    const out = await proposeFix({ problem: problem(true), investigation: confirmed("pipelines/{{kafka.consumer_group}}/consumer.yaml"), head, config });
    expect(out.proposal).toBeNull();
    expect(out.note).toMatch(/knowledge only/);
  });

  it("{{pipeline.config.consumer}} resolves from knowledge, and never from a value the alert's labels supplied", async () => {
    const known = await proposeFix({ problem: problem(true), investigation: confirmed("{{pipeline.config.consumer}}"), head, config });
    expect(known.proposal?.path).toBe("pipelines/orders/consumer.yaml");
    const fromLabel = await proposeFix({ problem: problem(false), investigation: confirmed("{{pipeline.config.consumer}}"), head, config });
    expect(fromLabel.proposal?.files ?? {}).not.toHaveProperty("pipelines/payments/consumer.yaml");
  });
});
