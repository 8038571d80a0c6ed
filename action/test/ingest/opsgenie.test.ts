import { describe, expect, it } from "vitest";
import { accepted, ingest, rejected } from "./helpers.js";

/** Alert action data as the Webhook integration posts it; createdAt in ms, updatedAt in ns. */
const create = {
  source: { name: "web", type: "API" },
  alert: {
    updatedAt: 1773453181104002000,
    tags: ["env:prod", "pipeline=orders-streaming", "kafka"],
    teams: ["data-platform"],
    recipients: ["data-oncall"],
    message: "  Orders consumer lag above 50k ",
    username: "alertmanager",
    alertId: "052652ac-5d1c-464a-812a-7dd18bbfba8c",
    source: "alertmanager",
    alias: "orders-lag",
    tinyId: "23",
    createdAt: 1773453180000,
    userId: "daed1180-0ce8-438b-8f8e-57e1a5920a2d",
    entity: "orders-enricher",
    priority: "P2",
    details: { service: "orders-enricher", consumergroup: "orders-enricher" },
    description: "Lag grew for 10 minutes.",
  },
  action: "Create",
  integrationId: "37c8f316-17c6-49d7-899b-9c7e540c048d",
  integrationName: "Pipemedic",
};

describe("opsgenie", () => {
  it("reads Create: alias as fingerprint, priority as severity, tags and details as labels, ms creation time", () => {
    const [a] = accepted(ingest(create), "opsgenie");
    expect(a).toMatchObject({
      title: "Orders consumer lag above 50k",
      severity: "high",
      status: "firing",
      fingerprint: "orders-lag",
      fingerprintComputed: false,
      environment: "prod",
      pipeline: "orders-streaming",
      service: "orders-enricher",
      startsAt: "2026-03-14T01:53:00.000Z",
      endsAt: null,
    });
    expect(a!.labels).toMatchObject({ tags: "kafka", entity: "orders-enricher", team: "data-platform", consumergroup: "orders-enricher" });
  });

  it("closes with updatedAt read as nanoseconds, under the same fingerprint", () => {
    const [a] = accepted(ingest({ ...create, action: "Close" }));
    expect(a).toMatchObject({ status: "resolved", fingerprint: "orders-lag", endsAt: "2026-03-14T01:53:01.104Z" });
  });

  it("treats an acknowledgement as an update that repeats the Create's id", () => {
    const [created] = accepted(ingest(create));
    const [acked] = accepted(ingest({ ...create, action: "Acknowledge" }));
    expect(acked!.id).toBe(created!.id);
  });

  it("defaults to P3 (medium) and falls back to the alert id without an alias", () => {
    const { priority: _p, alias: _a, ...rest } = create.alert;
    const [a] = accepted(ingest({ ...create, alert: rest }));
    expect(a).toMatchObject({ severity: "medium", fingerprint: "052652ac-5d1c-464a-812a-7dd18bbfba8c" });
  });

  it("rejects unknown actions and a missing message, naming the field", () => {
    expect(rejected(ingest({ ...create, action: "Explode" }))).toBe(
      'opsgenie: action: unknown action "Explode"; expected Create, Close, Delete or an update such as Acknowledge',
    );
    expect(rejected(ingest({ ...create, alert: { ...create.alert, message: " " } }))).toBe("opsgenie: alert.message: expected the alert's message (its title)");
    expect(rejected(ingest({ ...create, alert: { ...create.alert, tags: [{}] } }))).toBe("opsgenie: alert.tags[0]: expected a string, got an object");
  });
});
