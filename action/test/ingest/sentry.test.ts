import { describe, expect, it } from "vitest";
import { accepted, clone, ingest, rejected } from "./helpers.js";

const installation = { uuid: "a8e5d37a-696c-4c54-adb5-b3f28d64c7de" };
const actor = { id: "sentry", name: "Sentry", type: "application" };

/** An issue alert as the integration platform sends it (header `Sentry-Hook-Resource: event_alert`). */
const eventAlert = {
  action: "triggered",
  actor,
  installation,
  data: {
    triggered_rule: "Orders API errors",
    issue_alert: { title: "Orders API errors", settings: [] },
    event: {
      title: "KeyError: 'customer_tier'",
      level: "error",
      culprit: "enrich.py in enrich_order",
      datetime: "2026-03-14T01:52:10.123000Z",
      timestamp: 1773453130.123,
      issue_id: "4455667788",
      project: 42,
      environment: "production",
      platform: "python",
      tags: [
        ["environment", "production"],
        ["service", "orders-enricher"],
        ["user", "ip:10.0.0.1"],
        ["level", "error"],
      ],
      metadata: { type: "KeyError", value: "'customer_tier'" },
      url: "https://sentry.io/api/0/projects/acme/orders-enricher/events/e4874d66/",
      web_url: "https://sentry.io/organizations/acme/issues/4455667788/events/e4874d66/",
    },
  },
};

/** A metric alert: `action` critical | warning | resolved, the incident in `metric_alert`. */
const metricAlert = {
  action: "critical",
  actor,
  installation,
  data: {
    description_title: "Critical: Orders error rate",
    description_text: "1000 events in the last 10 minutes\nFilter: level:error",
    web_url: "https://sentry.io/organizations/acme/alerts/rules/details/7/",
    metric_alert: {
      id: "913",
      identifier: "27",
      title: "Orders error rate",
      status: 2,
      date_started: "2026-03-14T01:50:00.000000Z",
      date_detected: "2026-03-14T01:50:00.000000Z",
      date_closed: null,
      projects: ["orders-enricher"],
      alert_rule: {
        id: "7",
        name: "Orders error rate",
        aggregate: "count()",
        dataset: "events",
        environment: "production",
        query: "level:error",
        projects: ["orders-enricher"],
      },
    },
  },
};

describe("sentry", () => {
  it("reads an issue alert: rule as alertname, level as severity, tag pairs as labels, issue as fingerprint", () => {
    const [a] = accepted(ingest(eventAlert, { "Sentry-Hook-Resource": "event_alert" }), "sentry");
    expect(a).toMatchObject({
      title: "KeyError: 'customer_tier'",
      severity: "high",
      status: "firing",
      fingerprint: "4455667788",
      fingerprintComputed: false,
      environment: "production",
      service: "orders-enricher",
      startsAt: "2026-03-14T01:52:10.123Z",
    });
    expect(a!.labels).toMatchObject({ alertname: "Orders API errors", project: "orders-enricher", project_id: "42" });
    expect(a!.labels.user).toBeUndefined();
    expect(a!.links[0]!.url).toContain("/issues/4455667788/");
  });

  it("reads the epoch timestamp when datetime is missing, and fatal as critical", () => {
    const body = clone(eventAlert) as { data: { event: Record<string, unknown> } };
    delete body.data.event.datetime;
    body.data.event.level = "fatal";
    const [a] = accepted(ingest(body, { "sentry-hook-resource": "event_alert" }));
    expect(a).toMatchObject({ startsAt: "2026-03-14T01:52:10.123Z", severity: "critical" });
  });

  it("detects the resource from the body when a relay dropped the header", () => {
    expect(accepted(ingest(eventAlert), "sentry")[0]!.fingerprint).toBe("4455667788");
    expect(accepted(ingest(metricAlert), "sentry")[0]!.fingerprint).toBe("metric-alert:913");
  });

  it("reads a metric alert from critical to resolved under one fingerprint, with headers passed in a dispatch wrapper", () => {
    const wrap = (body: unknown) => ({
      event_type: "alert",
      client_payload: { source: "sentry", payload: body, headers: { "Sentry-Hook-Resource": "metric_alert" } },
    });
    const [fired] = accepted(ingest(wrap(metricAlert)));
    const resolvedBody = clone(metricAlert);
    resolvedBody.action = "resolved";
    (resolvedBody.data.metric_alert as Record<string, unknown>).date_closed = "2026-03-14T02:30:00Z";
    const [resolved] = accepted(ingest(wrap(resolvedBody)));
    expect(fired).toMatchObject({ severity: "critical", status: "firing", environment: "production", title: "Critical: Orders error rate" });
    expect(fired!.labels).toMatchObject({ alertname: "Orders error rate", project: "orders-enricher", rule_id: "7" });
    expect(resolved).toMatchObject({ status: "resolved", severity: "info", endsAt: "2026-03-14T02:30:00.000Z", fingerprint: fired!.fingerprint });
  });

  it("maps the issue resource, and rejects issue actions and resources that are not alerts", () => {
    const issue = {
      action: "resolved",
      actor,
      installation,
      data: { issue: { id: "4455667788", title: "KeyError", level: "error", firstSeen: "2026-03-14T01:52:10Z", project: { slug: "orders-enricher" } } },
    };
    const [a] = accepted(ingest(issue, { "sentry-hook-resource": "issue" }));
    expect(a).toMatchObject({ status: "resolved", fingerprint: "4455667788" });
    expect(rejected(ingest({ ...issue, action: "assigned" }, { "sentry-hook-resource": "issue" }))).toBe(
      'sentry: action: issue "assigned" is not an alert (only created, unresolved and resolved are)',
    );
    expect(rejected(ingest({ action: "created", actor, installation, data: { installation } }, { "sentry-hook-resource": "installation" }))).toBe(
      'sentry: sentry-hook-resource: resource "installation" is not an alert; Pipemedic reads event_alert, metric_alert and issue',
    );
  });

  it("reads the legacy WebHooks plugin payload", () => {
    const legacy = {
      id: "27379932",
      project: "orders-enricher",
      project_name: "Orders enricher",
      project_slug: "orders-enricher",
      logger: null,
      level: "warning",
      culprit: "enrich.py in enrich_order",
      message: "Slow upstream response",
      url: "https://sentry.io/acme/orders-enricher/issues/27379932/?referrer=webhooks_plugin",
      triggering_rules: ["Slow upstream"],
      event: { event_id: "x", tags: [["environment", "staging"]], timestamp: 1773453130 },
    };
    const [a] = accepted(ingest(legacy), "sentry");
    expect(a).toMatchObject({ fingerprint: "27379932", severity: "medium", environment: "staging", startsAt: "2026-03-14T01:52:10.000Z" });
    expect(a!.labels.alertname).toBe("Slow upstream");
  });

  it("starts an older plugin body, which carries only event.received, at that time; and keeps the user tag out", () => {
    const older = {
      project: "zulip",
      project_name: "zulip",
      culprit: "raven.scripts.runner in main",
      level: "error",
      url: "https://sentry.io/zulip/zulip/issues/156699934/",
      logger: null,
      message: "This is an example python exception",
      id: "156699934",
      event: {
        received: 1473185565.0,
        tags: [
          ["environment", "production"],
          ["sentry:user", "id:1671"],
        ],
      },
    };
    const [a] = accepted(ingest(older), "sentry");
    expect(a).toMatchObject({ title: "This is an example python exception", status: "firing", severity: "high", startsAt: "2016-09-06T18:12:45.000Z" });
    expect(a!.labels).toMatchObject({ project: "zulip", environment: "production", level: "error" });
    expect(a!.labels["sentry:user"]).toBeUndefined();
    // Without project_slug, project_name or triggering_rules the body is still the plugin's: `project` beside the `event`.
    const { project_name: _name, ...bare } = older;
    expect(accepted(ingest(bare), "sentry")[0]!.startsAt).toBe("2016-09-06T18:12:45.000Z");
    // The event's own time wins over when Sentry received it.
    const timed = { ...older, event: { ...older.event, timestamp: 1473185500 } };
    expect(accepted(ingest(timed))[0]!.startsAt).toBe("2016-09-06T18:11:40.000Z");
  });

  it("names a malformed tag", () => {
    const body = clone(eventAlert) as { data: { event: { tags: unknown[] } } };
    body.data.event.tags[1] = "service=orders";
    expect(rejected(ingest(body, { "sentry-hook-resource": "event_alert" }))).toBe("sentry: data.event.tags[1]: expected a [key, value] pair");
  });
});
