import { describe, expect, it } from "vitest";
import type { GenericMappingInput } from "../../src/ingest/sources/generic-mapping.js";
import { accepted, ingest, rejected } from "./helpers.js";

/** A Dagster+ style body the customer templated (there is no fixed Dagster schema). */
const dagster = {
  name: "Job orders_assets failed",
  summary: "Run 8f2c failed: upstream API returned 503",
  idempotency_key: "policy-17/orders_assets",
  severity: "2",
  run: { status: "FAILURE", started: "2026-03-14T01:40:00Z", link: "https://acme.dagster.cloud/prod/runs/8f2c" },
  tags: { pipeline: "orders-analytics", env: "prod" },
};

const mapping: GenericMappingInput = {
  title: "name",
  severity: "severity",
  status: "run.status",
  resolved: ["SUCCESS"],
  fingerprint: "idempotency_key",
  startsAt: "run.started",
  labels: "tags",
  annotations: { description: "summary" },
  url: "$.run.link",
};

describe("generic", () => {
  it("reads a body through the configured mapping when no other source recognizes it", () => {
    const [a] = accepted(ingest(dagster, {}, { generic: mapping }), "generic");
    expect(a).toMatchObject({
      title: "Job orders_assets failed",
      severity: "high",
      status: "firing",
      fingerprint: "policy-17/orders_assets",
      fingerprintComputed: false,
      pipeline: "orders-analytics",
      environment: "prod",
      startsAt: "2026-03-14T01:40:00.000Z",
      annotations: { description: "Run 8f2c failed: upstream API returned 503" },
      links: [{ title: "source", url: "https://acme.dagster.cloud/prod/runs/8f2c" }],
    });
    expect(a!.labels.alertname).toBe("Job orders_assets failed");
  });

  it("maps configured resolved words to resolved, case-insensitively", () => {
    expect(accepted(ingest({ ...dagster, run: { ...dagster.run, status: "success" } }, {}, { generic: mapping }))[0]!.status).toBe("resolved");
  });

  it("reads an array of alerts with label paths, and computes the fingerprint from identity labels", () => {
    const body = {
      checks: [
        { check: "row_count", table: "fct_orders", level: "warning" },
        { check: "freshness", table: "raw.orders", level: "critical" },
      ],
    };
    const m: GenericMappingInput = {
      alerts: "checks",
      title: "check",
      alertname: "check",
      severity: "level",
      labels: { table: "table" },
      identity: ["alertname", "table"],
    };
    const alerts = accepted(ingest(body, {}, { generic: m }), "generic");
    expect(alerts.map((a) => [a.title, a.severity, a.labels.table, a.fingerprintComputed])).toEqual([
      ["row_count", "medium", "fct_orders", true],
      ["freshness", "critical", "raw.orders", true],
    ]);
    expect(alerts[0]!.fingerprint).not.toBe(alerts[1]!.fingerprint);
  });

  it("names the field inside the alerts array", () => {
    const body = { checks: [{ check: "row_count", table: ["x"] }] };
    expect(rejected(ingest(body, {}, { generic: { alerts: "checks", title: "check", labels: { table: "table" } } }))).toBe(
      "generic: checks[0].table: expected a string, got an array",
    );
  });

  it("does not take bodies another source recognizes, unless the mapping's detect rule says so", () => {
    const am = {
      version: "4",
      groupKey: "g",
      status: "firing",
      receiver: "r",
      alerts: [{ status: "firing", labels: { alertname: "X" }, startsAt: "2026-03-14T01:00:00Z" }],
      name: "x",
    };
    expect(ingest(am, {}, { generic: { title: "name" } })).toMatchObject({ ok: true, source: "alertmanager" });
    expect(accepted(ingest(am, {}, { generic: { title: "name", detect: { path: "receiver", equals: "r" } } }), "generic")[0]!.title).toBe("x");
  });

  it("rejects an invalid mapping, naming the setting, and the generic source without a mapping", () => {
    expect(rejected(ingest(dagster, {}, { generic: { title: "name(0)" } }))).toBe(
      'generic mapping: generic.title: expected a field path such as "data.alert.title" or "items[0].name"; fix it in .github/pipemedic.yml',
    );
    expect(rejected(ingest({ event_type: "a", client_payload: { source: "generic", payload: dagster } }))).toBe(
      "generic: generic: no field mapping is configured; add `generic:` to .github/pipemedic.yml (see docs/sources.md)",
    );
    // A body the mapping does not match is not read through it: it looks like an alert, so it is inferred instead.
    const [unmatched] = accepted(ingest({ ...dagster, name: "" }, {}, { generic: mapping }), "generic");
    expect(unmatched!.title).toBe(dagster.summary);
    expect(unmatched!.inferred?.fields).toContain("summary");
    expect(rejected(ingest({ ...dagster, name: "" }, {}, { generic: mapping, source: "generic" }))).toBe(
      "generic: name: expected the alert's title (mapping `title`)",
    );
  });
});
