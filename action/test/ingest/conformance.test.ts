import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { normalize } from "../../src/ingest/normalize.js";
import { AlertSchema, type AlertStatus, type Severity, type Source } from "../../src/model/index.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const samples = resolve(root, "../shared/fixtures/payloads");
const scenarios = resolve(root, "action/scenarios");
/** Other projects' fixtures kept in this repository; their origins are listed in its README.md. */
const fixtures = resolve(root, "action/test/fixtures/payloads");

/** Samples that are not alert notifications, each with the rejection it must get and why. */
const NOT_ALERTS: Record<string, { reason: RegExp; why: string }> = {
  "airflow/airflow3_rest_api_v2_task_instance_from_test_should_respond_200.json": {
    reason: /^airflow: state: "running" is neither a failure nor a recovery/,
    why: "a running task instance (Airflow's REST test fixture) reports no failure and no recovery",
  },
  "dagster/dagster_plus_webhook_incidentio_body_template.json": {
    reason: /^unknown payload shape/,
    why: "a Dagster+ body template with {{tokens}}; Dagster has no fixed schema, so it needs a generic mapping",
  },
  "data_quality/great_expectations_APINotificationAction_expected_payload_from_test.json": {
    reason: /^unknown payload shape/,
    why: "Great Expectations posts validation results without status, severity or time; no adapter reads it",
  },
  "datadog/datadog_docs_default_payload_template.json": {
    reason: /^datadog: title: holds an unrendered template variable/,
    why: "Datadog's payload template with $VARIABLES, not a rendered notification",
  },
  "dbt_cloud/dbt_cloud_docs_job.run.started.json": {
    reason: /^dbt-cloud: eventType: job\.run\.started reports progress, not an alert/,
    why: "job.run.started reports a run beginning, not a failure or a recovery",
  },
};

/** The source a sample folder holds. */
const FOLDER_SOURCE: Record<string, Source> = {
  alertmanager: "alertmanager",
  grafana: "grafana",
  datadog: "datadog",
  sentry: "sentry",
  pagerduty: "pagerduty",
  opsgenie: "opsgenie",
  cloudwatch_sns: "cloudwatch",
  airflow: "airflow",
  dbt_cloud: "dbt-cloud",
};

function jsonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return jsonFiles(p);
    return e.name.endsWith(".json") && !e.name.endsWith(".headers.json") ? [p] : [];
  });
}

/** Headers recorded beside a body (`<name>.headers.json`), as scenario files keep them. */
function headersOf(file: string): Record<string, string> {
  const h = file.replace(/\.json$/, ".headers.json");
  return existsSync(h) ? (JSON.parse(readFileSync(h, "utf8")) as Record<string, string>) : {};
}

function run(file: string) {
  return normalize({ id: basename(file), body: readFileSync(file, "utf8"), headers: headersOf(file), receivedAt: "2026-03-14T02:00:00Z" });
}

const haveSamples = existsSync(samples);

describe("real payload samples (../shared/fixtures/payloads)", () => {
  it.runIf(process.env.CI === "true")("are present in CI", () => {
    expect(haveSamples, `${samples} is missing: CI must check out the shared fixtures next to the repository`).toBe(true);
  });

  if (!haveSamples) {
    it.skip(`skipped: ${samples} does not exist outside the shared workspace`, () => {});
    return;
  }

  const files = jsonFiles(samples).sort();

  it("include at least one sample per folder that holds alerts", () => {
    for (const folder of Object.keys(FOLDER_SOURCE))
      expect(
        files.some((f) => relative(samples, f).startsWith(`${folder}/`)),
        folder,
      ).toBe(true);
  });

  it("list only existing files as exceptions", () => {
    for (const name of Object.keys(NOT_ALERTS)) expect(existsSync(join(samples, name)), name).toBe(true);
  });

  for (const file of files) {
    const name = relative(samples, file).split("\\").join("/");
    const exception = NOT_ALERTS[name];
    if (exception) {
      it(`${name} is rejected clearly (${exception.why})`, () => {
        const out = run(file);
        expect(out.ok).toBe(false);
        if (!out.ok) expect(out.reason).toMatch(exception.reason);
      });
    } else {
      it(`${name} normalizes to valid alerts`, () => {
        const out = run(file);
        if (!out.ok) expect.fail(`${name}: ${out.reason}`);
        expect(out.alerts.length).toBeGreaterThan(0);
        const folder = name.split("/")[0]!;
        if (FOLDER_SOURCE[folder]) expect(out.source).toBe(FOLDER_SOURCE[folder]);
        for (const a of out.alerts) {
          expect(AlertSchema.parse(a)).toStrictEqual(a);
          expect(a.labels.alertname).toBeTruthy();
        }
        // Normalizing again (a re-delivery) gives the same ids.
        const again = run(file);
        expect(again.ok && again.alerts.map((a) => a.id)).toEqual(out.alerts.map((a) => a.id));
      });
    }
  }
});

/** What one alert of a fixture must be: these fields exactly, these labels and annotations among its own, these labels absent. */
interface Want {
  title: string;
  status: AlertStatus;
  severity: Severity;
  startsAt: string | null;
  endsAt?: string | null;
  fingerprint?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  noLabels?: string[];
}

/**
 * Every fixture in action/test/fixtures/payloads/ (bodies other projects keep in their tests, origins
 * in the README.md beside them) and the alerts it must normalize to, in order.
 */
const OTHER_PROJECTS: Record<string, { source: Source; shows: string; alerts: Want[] }> = {
  "alertmanager/zulip_alert.json": {
    source: "alertmanager",
    shows: "two alerts of one rule and host in one group, nanosecond start times",
    alerts: ["a1bc48475b20e73d", "c2ea85182f28cbd9"].map((fingerprint, i) => ({
      title: "High CPU core temperature",
      status: "firing",
      severity: "critical",
      startsAt: "2020-02-06T00:17:58.432Z",
      endsAt: null,
      fingerprint,
      labels: { alertname: "High CPU Temperature", host: "andromeda", severity: "critical" },
      annotations: { description: i === 0 ? "CPU core temperature is 34.75C" : "CPU core temperature is 17.625C", group_key: "{}/{}:{}" },
    })),
  },
  "cloudwatch/aws-lambda-java-libs_cloudwatch_metric_alarm.json": {
    source: "cloudwatch",
    shows: "a single-metric alarm's Lambda action (AWS's documented sample)",
    alerts: [
      {
        title: "lambda-demo-metric-alarm",
        status: "firing",
        severity: "high",
        startsAt: "2023-08-04T12:36:15.490Z",
        fingerprint: "arn:aws:cloudwatch:us-east-1:444455556666:alarm:lambda-demo-metric-alarm",
        labels: { InstanceId: "i-12345678", namespace: "AWS/Logs", metric: "CallCount", account: "444455556666", region: "us-east-1" },
        annotations: { description: "Metric Alarm to test Lambda actions", reason: "test", old_state: "INSUFFICIENT_DATA" },
      },
    ],
  },
  "cloudwatch/aws-lambda-java-libs_cloudwatch_composite_alarm.json": {
    source: "cloudwatch",
    shows: "a composite alarm's Lambda action: a rule and a triggering child, no metric",
    alerts: [
      {
        title: "CompositeDemo.Main",
        status: "firing",
        severity: "high",
        startsAt: "2023-08-04T12:56:46.138Z",
        fingerprint: "arn:aws:cloudwatch:us-east-1:111122223333:alarm:SuppressionDemo.Main",
        labels: { account: "111122223333", region: "us-east-1", alarm_state: "ALARM" },
        annotations: {
          alarm_rule: "ALARM(CompositeDemo.FirstChild) OR ALARM(CompositeDemo.SecondChild)",
          triggering_alarms: "CompositeDemo.FirstChild",
          old_state: "ALARM",
        },
        noLabels: ["metric", "namespace"],
      },
    ],
  },
  "cloudwatch/powertools-lambda-python_cloudWatchAlarmEventSingleMetric.json": {
    source: "cloudwatch",
    shows: "a metric-math alarm's Lambda action: the expression first, then its metrics",
    alerts: [
      {
        title: "Test alert",
        status: "firing",
        severity: "high",
        startsAt: "2024-02-17T11:53:08.431Z",
        fingerprint: "arn:aws:cloudwatch:eu-west-1:912397435824:alarm:test_alarm",
        labels: { namespace: "AWS/Lambda", metric: "Invocations", account: "123456789012", region: "eu-west-1" },
        annotations: { expression: "m1/m2", old_state: "OK", description: "This is description **here**" },
      },
    ],
  },
  "cloudwatch/aws-lambda-rust-runtime_example-cloudwatch-alarm-composite-with-suppressor-alarm.json": {
    source: "cloudwatch",
    shows: "alarmData inside an EventBridge-style envelope: the ARN from resources[0], the account from account",
    alerts: [
      {
        title: "ServiceAggregatedAlarm",
        status: "firing",
        severity: "high",
        startsAt: "2022-07-22T15:57:45.394Z",
        fingerprint: "arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServiceAggregatedAlarm",
        labels: { account: "123456789012", region: "us-east-1" },
        annotations: { alarm_rule: "ALARM(ServerCpuTooHigh) OR ALARM(TotalNetworkTrafficTooHigh)", triggering_alarms: "ServerCpuTooHigh", old_state: "OK" },
        noLabels: ["metric"],
      },
    ],
  },
  "cloudwatch_sns/aws-lambda-go_cloudwatch-alarm-sns-payload-multiple-metrics.json": {
    source: "cloudwatch",
    shows: "a metric-math alarm through SNS to Lambda; placeholder region and account",
    alerts: [
      {
        title: "EXAMPLE",
        status: "firing",
        severity: "high",
        startsAt: "2015-06-03T17:43:27.123Z",
        fingerprint: "arn:aws:cloudwatch:REGION:ACCOUNT_NUMBER:alarm:EXAMPLE",
        labels: { InstanceId: "TestInstance", namespace: "AWS/EC2", metric: "NetworkOut" },
        annotations: { expression: "m1*1", old_state: "INSUFFICIENT_DATA" },
        noLabels: ["region"],
      },
    ],
  },
  "dbt_cloud/zulip_job_run_completed_errored.json": {
    source: "dbt-cloud",
    shows: "job.run.completed with an errored run",
    alerts: [
      {
        title: 'dbt Cloud job "Daily Job (dbt build)" run 12345 errored',
        status: "firing",
        severity: "high",
        startsAt: "2025-10-05T19:15:56.000Z",
        labels: { job_id: "123", run_id: "12345", environment: "Production", project: "Example Project", run_status: "Errored" },
        annotations: { message: "dbt command failed" },
      },
    ],
  },
  "dbt_cloud/zulip_job_run_completed_success.json": {
    source: "dbt-cloud",
    shows: "job.run.completed with a successful run: the job's recovery",
    alerts: [
      {
        title: 'dbt Cloud job "Daily Job (dbt build)" run 12345 succeeded',
        status: "resolved",
        severity: "info",
        startsAt: "2023-01-31T19:28:07.000Z",
        endsAt: "2023-01-31T19:29:32.000Z",
        labels: { job_id: "123", run_status: "Success" },
      },
    ],
  },
  "grafana/zulip_alert-9-mixed.json": {
    source: "grafana",
    shows: "Grafana 9 unified alerting: two resolved per-instance alerts and one firing, no severity label",
    alerts: [
      ...[
        ["badhost.example.com", "aaafafe0953f0962"],
        ["otherhost.example.com", "fb31814ac93dbe7d"],
      ].map(([host, fingerprint]) => ({
        title: `This is a summary field, failure on ${host}`,
        status: "resolved" as const,
        severity: "medium" as const,
        startsAt: "2022-06-17T01:04:00.782Z",
        endsAt: "2022-06-17T01:08:28.652Z",
        fingerprint,
        labels: { alertname: "Test alert", instance: host!, job: "rabbitmq" },
        annotations: { group_key: '{}/{test="true"}:{}' },
      })),
      {
        title: "Testing **another** failing alert",
        status: "firing",
        severity: "medium",
        startsAt: "2022-06-17T01:03:00.782Z",
        endsAt: null,
        fingerprint: "6f9cd313db421ef1",
        labels: { alertname: "Second webhook test", test: "true" },
      },
    ],
  },
  "opsgenie/zulip_create.json": {
    source: "opsgenie",
    shows: "Create: createdAt in ms, numeric priority",
    alerts: [
      {
        title: "another alert",
        status: "firing",
        severity: "medium",
        startsAt: "2017-08-14T11:25:56.288Z",
        fingerprint: "alert-alias",
        labels: { entity: "Server", tags: "vip", priority: "3" },
      },
    ],
  },
  "opsgenie/zulip_close.json": {
    source: "opsgenie",
    shows: "Close: updatedAt in ns is the end",
    alerts: [
      {
        title: "test alert",
        status: "resolved",
        severity: "medium",
        startsAt: "2015-01-05T10:03:11.104Z",
        endsAt: "2015-01-05T10:06:14.669Z",
        fingerprint: "aliastest",
      },
    ],
  },
  "pagerduty/zulip_triggered_v3.json": {
    source: "pagerduty",
    shows: "V3 incident.triggered without created_at: the start is occurred_at",
    alerts: [
      {
        title: "Test Incident 3",
        status: "firing",
        severity: "high",
        startsAt: "2021-06-04T13:35:29.781Z",
        fingerprint: "PFQZPSY",
        labels: { service: "pig208", service_id: "PA2P440", incident_number: "9", urgency: "high" },
      },
    ],
  },
  "pagerduty/zulip_trigger_v1.json": {
    source: "pagerduty",
    shows: "V1 incident.trigger: data.incident, created_on, the trigger summary's subject",
    alerts: [
      {
        title: "foo",
        status: "firing",
        severity: "medium",
        startsAt: "2015-02-07T21:42:52.000Z",
        fingerprint: "P140S4Y",
        labels: { service: "Test service", service_id: "PIL5CUQ", incident_number: "3" },
      },
    ],
  },
  "sentry/zulip_exception_message.json": {
    source: "sentry",
    shows: "an older WebHooks plugin body: only project, and event.received as the only time",
    alerts: [
      {
        title: "This is an example python exception",
        status: "firing",
        severity: "high",
        startsAt: "2016-09-06T18:12:45.000Z",
        fingerprint: "156699934",
        labels: { project: "zulip", environment: "production", level: "error" },
        annotations: { culprit: "raven.scripts.runner in main" },
        noLabels: ["sentry:user"],
      },
    ],
  },
  "sentry/zulip_event_for_exception_python.json": {
    source: "sentry",
    shows: "an issue alert (event_alert) without the Sentry-Hook-Resource header",
    alerts: [
      {
        title: "Exception: Custom exception!",
        status: "firing",
        severity: "high",
        startsAt: "2020-04-28T13:56:05.903Z",
        labels: { alertname: "Send a webhook payload to Webhook.site", project: "zulip-integration-testing", project_id: "5216640", platform: "python" },
        annotations: { exception_type: "Exception", exception_value: "Custom exception!" },
      },
    ],
  },
};

/** The README's origin rows: file → repository, path, licence. */
function origins(): Map<string, { repository: string; path: string; licence: string }> {
  const rows = readFileSync(join(fixtures, "README.md"), "utf8")
    .split("\n")
    .filter((l) => l.startsWith("| `"));
  return new Map(
    rows.map((row) => {
      const [, file, repository, path, , licence] = row.split("|").map((c) => c.trim().replace(/^`|`$/g, ""));
      return [file!, { repository: repository!, path: path!, licence: licence! }];
    }),
  );
}

describe("other projects' fixtures (action/test/fixtures/payloads)", () => {
  const files = jsonFiles(fixtures)
    .map((f) => relative(fixtures, f).split("\\").join("/"))
    .sort();

  it("each name its origin (repository, path, licence) in README.md and have their alerts written here", () => {
    const known = origins();
    expect([...known.keys()].sort()).toEqual(files);
    expect(Object.keys(OTHER_PROJECTS).sort()).toEqual(files);
    for (const [file, origin] of known) {
      expect(origin.repository, file).toMatch(/^[\w.-]+\/[\w.-]+$/);
      expect(origin.path, file).toMatch(/\.json$/);
      expect(origin.licence, file).not.toBe("");
    }
  });

  it("cover every source whose bodies come from other projects", () => {
    const sources = new Set(Object.values(OTHER_PROJECTS).map((f) => f.source));
    for (const s of ["alertmanager", "grafana", "pagerduty", "opsgenie", "sentry", "cloudwatch", "dbt-cloud"] as const) expect(sources.has(s), s).toBe(true);
  });

  for (const [name, { source, shows, alerts: wanted }] of Object.entries(OTHER_PROJECTS)) {
    it(`${name} (${shows})`, () => {
      const file = join(fixtures, name);
      const out = run(file);
      if (!out.ok) expect.fail(`${name}: ${out.reason}`);
      expect(out.source).toBe(source);
      expect(out.alerts.map((a) => a.title)).toEqual(wanted.map((w) => w.title));
      out.alerts.forEach((a, i) => {
        const w = wanted[i]!;
        expect(AlertSchema.parse(a)).toStrictEqual(a);
        expect({ status: a.status, severity: a.severity, startsAt: a.startsAt }, `${name} alert ${i}`).toEqual({
          status: w.status,
          severity: w.severity,
          startsAt: w.startsAt,
        });
        if (w.endsAt !== undefined) expect(a.endsAt, `${name} alert ${i} endsAt`).toBe(w.endsAt);
        if (w.fingerprint !== undefined) expect(a.fingerprint, `${name} alert ${i} fingerprint`).toBe(w.fingerprint);
        for (const [k, v] of Object.entries(w.labels ?? {})) expect(a.labels[k], `${name} alert ${i} label ${k}`).toBe(v);
        for (const [k, v] of Object.entries(w.annotations ?? {})) expect(a.annotations[k], `${name} alert ${i} annotation ${k}`).toBe(v);
        for (const k of w.noLabels ?? []) expect(a.labels[k], `${name} alert ${i} label ${k}`).toBeUndefined();
        expect(a.labels.alertname).toBeTruthy();
      });
      const again = run(file);
      expect(again.ok && again.alerts.map((a) => a.id)).toEqual(out.alerts.map((a) => a.id));
    });
  }
});

describe("the golden scenarios' alert files", () => {
  const files = existsSync(scenarios) ? jsonFiles(scenarios).filter((f) => basename(dirname(f)) === "alerts") : [];

  it("exist", () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const file of files) {
    const name = relative(scenarios, file).split("\\").join("/");
    it(`${name} normalizes to valid alerts of the source its name gives`, () => {
      const out = run(file);
      if (!out.ok) expect.fail(`${name}: ${out.reason}`);
      const hinted = /^\d+-(.+)\.json$/.exec(basename(file))?.[1];
      if (hinted && hinted !== "dispatch") expect(out.source).toBe(hinted);
      expect(out.alerts.length).toBeGreaterThan(0);
      // buildAlert builds alerts as the type without parsing them: the schema must find nothing to strip, fill in or reject.
      for (const a of out.alerts) expect(AlertSchema.parse(a)).toStrictEqual(a);
    });
  }
});
