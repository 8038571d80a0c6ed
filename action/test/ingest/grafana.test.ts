import { describe, expect, it } from "vitest";
import { accepted, clone, ingest, rejected } from "./helpers.js";

/** Unified alerting (Grafana 11/12): values may be null, URLs may be relative (test alerts), ruleUID is omitempty. */
const unified = {
  receiver: "pipemedic",
  status: "firing",
  orgId: 1,
  alerts: [
    {
      status: "firing",
      labels: { alertname: "dbt model run errors", grafana_folder: "Data", model: "stg_payments", severity: "error", service: "dbt-runner" },
      annotations: { summary: "dbt model stg_payments failed" },
      startsAt: "2026-02-17T15:06:00+01:00",
      endsAt: "0001-01-01T00:00:00Z",
      generatorURL: "/alerting/grafana/ab12cd/view?orgId=1",
      fingerprint: "0f6a2c9b1d7e4853",
      silenceURL: "https://grafana.example/alerting/silence/new?matcher=alertname%3Ddbt",
      dashboardURL: "",
      panelURL: "",
      values: null,
      valueString: "[ var='A' labels={model=stg_payments} value=3 ]",
      ruleUID: "ab12cd",
    },
    {
      status: "resolved",
      labels: { alertname: "dbt model run errors", grafana_folder: "Data", model: "stg_orders" },
      annotations: {},
      startsAt: "2026-02-17T13:00:00Z",
      endsAt: "2026-02-17T14:00:00Z",
      generatorURL: "https://grafana.example/alerting/grafana/ab12cd/view",
      fingerprint: "1a2b3c4d5e6f7081",
      values: { B: 44.23943737541908, C: 1 },
    },
  ],
  groupLabels: { alertname: "dbt model run errors" },
  commonLabels: { alertname: "dbt model run errors", grafana_folder: "Data" },
  commonAnnotations: {},
  externalURL: "https://grafana.example/",
  version: "1",
  groupKey: '{}:{alertname="dbt model run errors"}',
  truncatedAlerts: 0,
  title: "[FIRING:1, RESOLVED:1] dbt model run errors (Data)",
  state: "alerting",
  message: "**Firing** ...",
};

/** Legacy alerting (Grafana < 8): one rule per POST, no times, `state` instead of a status. */
const legacy = {
  dashboardId: 1,
  title: "[Alerting] Orders freshness",
  message: "raw.orders has not loaded for 2 hours",
  evalMatches: [{ value: 7200, metric: "freshness_seconds", tags: {} }],
  imageUrl: "https://grafana.example/render/panel.png",
  orgId: 1,
  panelId: 2,
  ruleId: 7,
  ruleName: "Orders freshness",
  ruleUrl: "http://grafana.example:3000/d/abc/orders?panelId=2&orgId=1",
  state: "alerting",
  tags: { pipeline: "orders-analytics", severity: "critical" },
};

describe("grafana unified alerting", () => {
  it("reads each alert with its own status and Grafana's fingerprint", () => {
    const alerts = accepted(ingest(unified), "grafana");
    expect(alerts.map((a) => [a.status, a.fingerprint, a.fingerprintComputed])).toEqual([
      ["firing", "0f6a2c9b1d7e4853", false],
      ["resolved", "1a2b3c4d5e6f7081", false],
    ]);
    expect(alerts[0]).toMatchObject({ title: "dbt model stg_payments failed", severity: "high", service: "dbt-runner", startsAt: "2026-02-17T14:06:00.000Z" });
    expect(alerts[1]!.title).toBe("dbt model run errors");
  });

  it("keeps the notification group (groupKey, groupLabels) as annotations for correlation", () => {
    const [a] = accepted(ingest(unified));
    expect(a!.annotations).toMatchObject({ group_key: unified.groupKey, group_labels: "alertname=dbt model run errors" });
    expect(a!.labels.group_key).toBeUndefined();
  });

  it("resolves relative URLs against externalURL and skips empty ones", () => {
    const [a] = accepted(ingest(unified));
    expect(a!.links).toEqual([
      { title: "rule", url: "https://grafana.example/alerting/grafana/ab12cd/view?orgId=1" },
      { title: "silence", url: "https://grafana.example/alerting/silence/new?matcher=alertname%3Ddbt" },
    ]);
  });

  it("accepts null values and writes numeric values and valueString as annotations", () => {
    const [a, b] = accepted(ingest(unified));
    expect(a!.annotations.values).toBeUndefined();
    expect(a!.annotations.value_string).toContain("value=3");
    expect(a!.labels.rule_uid).toBe("ab12cd");
    expect(b!.annotations.values).toBe("B=44.2394, C=1");
  });

  it("is told apart from Alertmanager by orgId or version 1", () => {
    const noOrg = clone(unified) as Record<string, unknown>;
    delete noOrg.orgId;
    expect(accepted(ingest(noOrg), "grafana")).toHaveLength(2);
    expect(accepted(ingest({ ...noOrg, version: "4" }), "alertmanager")).toHaveLength(2);
  });

  it("names a mistyped value", () => {
    const body = clone(unified) as { alerts: Array<Record<string, unknown>> };
    body.alerts[1]!.values = { B: "high" };
    expect(rejected(ingest(body))).toBe("grafana: alerts[1].values.B: expected a number, got string");
  });
});

describe("grafana legacy alerting", () => {
  it("maps ruleName to alertname, tags to labels and evalMatches to an annotation", () => {
    const [a] = accepted(ingest(legacy), "grafana");
    expect(a).toMatchObject({
      title: "[Alerting] Orders freshness",
      severity: "critical",
      status: "firing",
      startsAt: null,
      pipeline: "orders-analytics",
      fingerprintComputed: true,
    });
    expect(a!.labels).toMatchObject({ alertname: "Orders freshness", rule_id: "7", org_id: "1" });
    expect(a!.annotations).toEqual({ description: "raw.orders has not loaded for 2 hours", values: "freshness_seconds=7200" });
    expect(a!.links.map((l) => l.title)).toEqual(["rule", "image"]);
  });

  it("keeps one fingerprint from alerting to ok, so the ok resolves the incident", () => {
    const [firing] = accepted(ingest(legacy));
    const [ok] = accepted(ingest({ ...legacy, state: "ok", title: "[OK] Orders freshness", evalMatches: [] }));
    expect(ok!.status).toBe("resolved");
    expect(ok!.severity).toBe("info");
    expect(ok!.fingerprint).toBe(firing!.fingerprint);
  });

  it("without a time, the delivery tells occurrences apart while a re-delivery keeps its id", () => {
    const a = accepted(ingest(legacy, {}, {}, "d1"))[0]!.id;
    expect(accepted(ingest(legacy, {}, {}, "d1"))[0]!.id).toBe(a);
    expect(accepted(ingest(legacy, {}, {}, "d2"))[0]!.id).not.toBe(a);
  });

  it("maps no_data to a medium firing alert and rejects paused and pending", () => {
    const [a] = accepted(ingest({ ...legacy, state: "no_data", tags: {} }));
    expect([a!.status, a!.severity]).toEqual(["firing", "medium"]);
    expect(rejected(ingest({ ...legacy, state: "paused" }))).toBe('grafana: state: "paused" is not an alert notification (only alerting, no_data and ok are)');
  });
});
