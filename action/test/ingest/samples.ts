import type { Source } from "../../src/model/index.js";
import type { GenericMappingInput } from "../../src/ingest/sources/generic-mapping.js";

/** One valid body per shape each adapter reads, for property tests that mutate them. */
export interface Sample {
  source: Source;
  body: unknown;
  headers?: Record<string, string>;
}

export const GENERIC_MAPPING: GenericMappingInput = {
  alerts: "items",
  title: "name",
  severity: "level",
  status: "state",
  fingerprint: "key",
  startsAt: "at",
  labels: "tags",
  annotations: { description: "text" },
  url: "link",
};

export const SAMPLES: Sample[] = [
  {
    source: "alertmanager",
    body: {
      version: "4",
      groupKey: "{}:{}",
      status: "firing",
      receiver: "r",
      externalURL: "http://am:9093",
      commonLabels: { alertname: "Lag" },
      commonAnnotations: {},
      alerts: [
        {
          status: "firing",
          labels: { alertname: "Lag", topic: "orders" },
          annotations: { summary: "lag" },
          startsAt: "2026-03-14T01:00:00Z",
          endsAt: "0001-01-01T00:00:00Z",
          generatorURL: "/graph",
          fingerprint: "abc123",
        },
        { labels: { alertname: "Lag", topic: "billing" }, annotations: {}, startsAt: "2026-03-14T01:00:00.123456789+02:00" },
      ],
    },
  },
  {
    source: "grafana",
    body: {
      receiver: "r",
      status: "firing",
      orgId: 1,
      version: "1",
      externalURL: "https://g/",
      alerts: [
        {
          status: "resolved",
          labels: { alertname: "A" },
          annotations: {},
          startsAt: "2026-03-14T01:00:00Z",
          endsAt: "2026-03-14T02:00:00Z",
          fingerprint: "f1",
          values: null,
          generatorURL: "/x",
        },
      ],
    },
  },
  {
    source: "grafana",
    body: {
      ruleName: "R",
      ruleId: 1,
      orgId: 1,
      state: "alerting",
      title: "[Alerting] R",
      tags: { a: "b" },
      evalMatches: [{ value: 1, metric: "m", tags: {} }],
    },
  },
  {
    source: "datadog",
    body: {
      alert_transition: "Triggered",
      alert_cycle_key: "k",
      alert_priority: "P2",
      alert_type: "error",
      title: "[Triggered on {host:a}] Down",
      date: "1773453600000",
      tags: "env:prod,monitor",
      link: "https://app.datadoghq.com/monitors/1",
    },
  },
  {
    source: "sentry",
    headers: { "sentry-hook-resource": "event_alert" },
    body: {
      action: "triggered",
      actor: { id: "sentry" },
      installation: { uuid: "u" },
      data: {
        triggered_rule: "R",
        event: {
          title: "E",
          level: "error",
          issue_id: "1",
          datetime: "2026-03-14T01:00:00Z",
          tags: [["environment", "prod"]],
          web_url: "https://sentry.io/i/1",
        },
      },
    },
  },
  {
    source: "sentry",
    headers: { "sentry-hook-resource": "metric_alert" },
    body: {
      action: "critical",
      actor: { id: "sentry" },
      installation: { uuid: "u" },
      data: {
        description_title: "T",
        metric_alert: { id: "9", date_started: "2026-03-14T01:00:00Z", projects: ["p"], alert_rule: { id: "7", name: "N", environment: null } },
      },
    },
  },
  {
    source: "pagerduty",
    body: {
      event: {
        id: "e",
        event_type: "incident.triggered",
        resource_type: "incident",
        occurred_at: "2026-03-14T01:00:00Z",
        agent: null,
        client: null,
        data: {
          id: "P1",
          type: "incident",
          status: "triggered",
          title: "T",
          created_at: "2026-03-14T01:00:00Z",
          urgency: "high",
          priority: null,
          service: { id: "S", summary: "svc" },
          teams: [],
          html_url: "https://x.pagerduty.com/incidents/P1",
        },
      },
    },
  },
  {
    // The legacy WebHooks plugin, an older body: only `project`, and `event.received` as its only time.
    source: "sentry",
    body: {
      id: "3",
      project: "p",
      culprit: "c in f",
      level: "error",
      message: "M",
      url: "https://sentry.io/p/p/issues/3/",
      event: { received: 1773450000.5, tags: [["environment", "prod"]] },
    },
  },
  {
    // V1: `type` and `data.incident` with `created_on`.
    source: "pagerduty",
    body: {
      messages: [
        {
          type: "incident.trigger",
          created_on: "2026-03-14T01:00:00Z",
          data: { incident: { id: "P3", status: "triggered", created_on: "2026-03-14T01:00:00Z", trigger_summary_data: { subject: "S" } } },
        },
      ],
    },
  },
  {
    source: "pagerduty",
    body: {
      messages: [
        {
          event: "incident.resolve",
          created_on: "2026-03-14T02:00:00Z",
          incident: { id: "P2", status: "resolved", title: "T", created_at: "2026-03-14T01:00:00Z" },
        },
      ],
    },
  },
  {
    source: "opsgenie",
    body: {
      source: { name: "web" },
      action: "Close",
      integrationName: "I",
      alert: {
        alertId: "a",
        alias: "al",
        message: "M",
        tags: ["env:prod"],
        createdAt: 1773453600000,
        updatedAt: 1773453600000000000,
        priority: "P1",
        details: { k: "v" },
        teams: ["t"],
      },
    },
  },
  {
    source: "cloudwatch",
    body: {
      Type: "Notification",
      TopicArn: "arn:aws:sns:eu-west-1:1:t",
      Message: JSON.stringify({
        AlarmName: "A-critical",
        NewStateValue: "ALARM",
        StateChangeTime: "2026-03-14T01:00:00.000+0000",
        AlarmArn: "arn:aws:cloudwatch:eu-west-1:1:alarm:A",
        Region: "EU (Ireland)",
        Trigger: { Namespace: "AWS/SQS", MetricName: "Age", Dimensions: [{ name: "QueueName", value: "q" }] },
      }),
    },
  },
  {
    // An alarm's Lambda action, metric math: the expression first, then the metric it reads.
    source: "cloudwatch",
    body: {
      source: "aws.cloudwatch",
      alarmArn: "arn:aws:cloudwatch:eu-west-1:1:alarm:B",
      accountId: "1",
      time: "2026-03-14T01:00:01.000+0000",
      region: "eu-west-1",
      alarmData: {
        alarmName: "B",
        state: { value: "ALARM", reason: "r", reasonData: '{"version":"1.0"}', timestamp: "2026-03-14T01:00:00.000+0000" },
        previousState: { value: "OK" },
        configuration: {
          metrics: [
            { id: "e1", expression: "m1*2", returnData: true },
            { id: "m1", metricStat: { metric: { namespace: "AWS/SQS", name: "Age", dimensions: { QueueName: "q" } } }, returnData: false },
          ],
        },
      },
    },
  },
  {
    // A composite alarm's Lambda action: a rule, the child that triggered it, no metric.
    source: "cloudwatch",
    body: {
      source: "aws.cloudwatch",
      alarmArn: "arn:aws:cloudwatch:eu-west-1:1:alarm:C",
      alarmData: {
        alarmName: "C",
        state: {
          value: "ALARM",
          reasonData: '{"triggeringAlarms":[{"arn":"arn:aws:cloudwatch:eu-west-1:1:alarm:B","state":{"value":"ALARM"}}]}',
          timestamp: "2026-03-14T01:00:00.000+0000",
        },
        configuration: { alarmRule: "ALARM(B)" },
      },
    },
  },
  {
    source: "airflow",
    body: {
      event: "task_failure",
      dag_id: "d",
      task_id: "t",
      run_id: "r",
      try_number: 1,
      start_date: "2026-03-14T01:00:00+00:00",
      exception: "boom",
      labels: { pipeline: "p" },
    },
  },
  {
    source: "dbt-cloud",
    body: {
      accountId: 1,
      eventType: "job.run.errored",
      webhooksID: "w",
      data: { jobId: "1", jobName: "J", runId: "2", runStatus: "Errored", runStatusCode: 20, runStatusMessage: "None", runStartedAt: "2026-03-14T01:00:00Z" },
    },
  },
  {
    source: "generic",
    body: { items: [{ name: "N", level: "warning", state: "open", key: "k1", at: 1773453600, tags: { env: "prod" }, text: "t", link: "https://x/y" }] },
  },
];
