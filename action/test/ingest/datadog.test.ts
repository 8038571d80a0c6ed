import { describe, expect, it } from "vitest";
import { accepted, ingest, rejected } from "./helpers.js";

/** The default template, rendered: every value a string, times in epoch milliseconds, Markdown wrapped in %%%. */
const defaultTriggered = {
  body: "%%%\nLag of orders-enricher above 50k.\n\n[[Monitor Status](https://app.datadoghq.com/monitors/4242?group=service%3Aorders)]\n%%%",
  last_updated: "1773453600000",
  event_type: "query_alert_monitor",
  title: "[Triggered on {env:prod,service:orders-enricher}] Orders consumer lag",
  date: "1773453600000",
  org: { id: "12345", name: "Acme" },
  id: "7312345678901234567",
};

/** A custom template with the variables the docs recommend for deduplication and severity. */
const custom = {
  ALERT_TRANSITION: "Triggered",
  ALERT_CYCLE_KEY: "a9f1c2d3e4b5",
  ALERT_ID: "4242",
  ALERT_PRIORITY: "P2",
  ALERT_TYPE: "error",
  PRIORITY: "normal",
  ALERT_TITLE: "[Triggered on {service:orders-enricher}] Orders consumer lag",
  ALERT_SCOPE: "service:orders-enricher,env:prod",
  ALERT_QUERY: "avg(last_5m):avg:kafka.consumer_lag{service:orders-enricher} > 50000",
  DATE: "1773453600000",
  TAGS: "env:prod,service:orders-enricher,pipeline:orders-streaming,monitor",
  LINK: "https://app.datadoghq.com/monitors/4242",
};

describe("datadog", () => {
  it("reads the rendered default template: name without the transition prefix, scope tags as labels, ms times", () => {
    const [a] = accepted(ingest(defaultTriggered), "datadog");
    expect(a).toMatchObject({
      title: "Orders consumer lag",
      status: "firing",
      severity: "high",
      service: "orders-enricher",
      environment: "prod",
      startsAt: "2026-03-14T02:00:00.000Z",
      fingerprintComputed: true,
    });
    expect(a!.labels).toMatchObject({ alertname: "Orders consumer lag", monitor_id: "4242", scope: "env:prod,service:orders-enricher", org: "Acme" });
    expect(a!.annotations.description).toBe(
      "Lag of orders-enricher above 50k.\n\n[[Monitor Status](https://app.datadoghq.com/monitors/4242?group=service%3Aorders)]",
    );
  });

  it("keeps the fingerprint from trigger to recovery although $ID changes per event", () => {
    const [fired] = accepted(ingest(defaultTriggered));
    const [again] = accepted(ingest({ ...defaultTriggered, id: "7399999999999999999", date: "1773454200000" }));
    const [recovered] = accepted(
      ingest({
        ...defaultTriggered,
        id: "7400000000000000000",
        title: "[Recovered on {env:prod,service:orders-enricher}] Orders consumer lag",
        date: "1773457200000",
      }),
    );
    expect(again!.fingerprint).toBe(fired!.fingerprint);
    expect(recovered!.fingerprint).toBe(fired!.fingerprint);
    expect(recovered).toMatchObject({ status: "resolved", severity: "info", startsAt: null, endsAt: "2026-03-14T03:00:00.000Z" });
  });

  it("uses $ALERT_CYCLE_KEY as the fingerprint and $ALERT_PRIORITY, never $PRIORITY, for severity", () => {
    const [a] = accepted(ingest(custom), "datadog");
    expect(a).toMatchObject({ fingerprint: "a9f1c2d3e4b5", fingerprintComputed: false, severity: "high", pipeline: "orders-streaming" });
    expect(a!.annotations.query).toContain("kafka.consumer_lag");
    expect(a!.labels.monitor).toBeUndefined();
    expect(a!.links).toEqual([{ title: "datadog", url: "https://app.datadoghq.com/monitors/4242" }]);
  });

  it("falls back to $ALERT_TYPE when $ALERT_PRIORITY renders empty, and to the transition without either", () => {
    expect(accepted(ingest({ ...custom, ALERT_PRIORITY: "", ALERT_TYPE: "warning" }))[0]!.severity).toBe("medium");
    expect(accepted(ingest({ ...custom, ALERT_PRIORITY: "", ALERT_TYPE: "", ALERT_TRANSITION: "Warn" }))[0]!.severity).toBe("medium");
    expect(accepted(ingest({ ...custom, ALERT_PRIORITY: "P1" }))[0]!.severity).toBe("critical");
  });

  it("reads snake_case and camelCase variable names alike, and tags given as a list", () => {
    const snake = {
      alert_transition: "Recovered",
      alert_cycle_key: "k1",
      alert_title: "[Recovered] Orders consumer lag",
      date: "1773453600000",
      tags: ["env:staging", "team:data"],
    };
    const camel = { alertTransition: "Recovered", alertCycleKey: "k1", alertTitle: "[Recovered] Orders consumer lag", date: "1773453600000" };
    const [a] = accepted(ingest(snake), "datadog");
    const [b] = accepted(ingest(camel), "datadog");
    expect(a).toMatchObject({ status: "resolved", fingerprint: "k1", environment: "staging" });
    expect(b!.fingerprint).toBe("k1");
    expect(b!.id).toBe(a!.id);
  });

  it("rejects the unrendered template, naming the field", () => {
    const template = {
      body: "$EVENT_MSG",
      last_updated: "$LAST_UPDATED",
      event_type: "$EVENT_TYPE",
      title: "$EVENT_TITLE",
      date: "$DATE",
      org: { id: "$ORG_ID", name: "$ORG_NAME" },
      id: "$ID",
    };
    expect(rejected(ingest(template))).toBe(
      "datadog: title: holds an unrendered template variable or nothing; this is Datadog's payload template, not a notification",
    );
  });

  it("names a date that is not a time", () => {
    expect(rejected(ingest({ ...custom, DATE: "last tuesday" }))).toMatch(/^datadog: DATE: expected an RFC 3339 time or epoch number/);
  });
});
