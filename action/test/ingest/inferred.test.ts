import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalize, type IngestOutcome } from "../../src/ingest/normalize.js";
import { AlertSchema, type Alert } from "../../src/model/index.js";
import { accepted, ingest, rejected } from "./helpers.js";
import { GENERIC_MAPPING, SAMPLES } from "./samples.js";

/** The alerts of a body that no source recognizes, which must have been inferred (marker on the outcome and on every alert). */
function inferred(body: unknown): Alert[] {
  const out = ingest(body);
  const alerts = accepted(out, "generic");
  expect(out.ok && out.inferred, "the outcome says the alerts were inferred").toBeTruthy();
  for (const a of alerts) expect(a.inferred?.fields.length, `${a.title}: inferred.fields`).toBeGreaterThan(0);
  return alerts;
}

/** Title, status, severity and times: what a human reads first. */
const head = (a: Alert) => ({ title: a.title, status: a.status, severity: a.severity, startsAt: a.startsAt, endsAt: a.endsAt });

describe("home-made callback bodies are inferred as alerts", () => {
  it("an Airflow on_failure_callback posting the task instance's fields (no state: it is the failure callback)", () => {
    const [a] = inferred({
      dag_id: "orders_daily",
      task_id: "load_orders",
      run_id: "scheduled__2026-03-14T00:00:00+00:00",
      try_number: 3,
      execution_date: "2026-03-14T00:00:00+00:00",
      start_date: "2026-03-14T01:47:12.118000+00:00",
      exception: "psycopg2.OperationalError: could not connect to server: Connection refused",
      log_url: "http://airflow.internal:8080/log?dag_id=orders_daily&task_id=load_orders",
    });
    expect(head(a!)).toEqual({
      title: "orders_daily.load_orders failed",
      status: "firing",
      severity: "high",
      startsAt: "2026-03-14T01:47:12.118Z",
      endsAt: null,
    });
    expect(a!.labels).toMatchObject({ dag_id: "orders_daily", task_id: "load_orders", run_id: "scheduled__2026-03-14T00:00:00+00:00", try_number: "3" });
    expect(a!.labels.alertname).toBe("AirflowTaskFailed");
    expect(a!.annotations).toEqual({
      exception: "psycopg2.OperationalError: could not connect to server: Connection refused",
      logical_date: "2026-03-14T00:00:00.000Z",
    });
    expect(a!.links).toEqual([{ title: "log", url: "http://airflow.internal:8080/log?dag_id=orders_daily&task_id=load_orders" }]);
    expect(a!.inferred!.fields).toEqual(["dag_id", "task_id", "run_id", "try_number", "exception", "execution_date", "start_date", "log_url"]);
  });

  it("an Airflow callback nesting its context, posting when it fired; the context's `ts` is the logical date, not the failure time", () => {
    const [a] = inferred({
      source: "airflow-prod",
      reported_at: "2026-03-14T02:00:00Z",
      timestamp: 1773453600,
      context: {
        dag: "billing_hourly",
        task: "export_invoices",
        ts: "2026-03-14T01:00:00+00:00",
        run_id: "scheduled__2026-03-14T01:00:00+00:00",
        exception: "AirflowTaskTimeout: Timeout, PID: 4711",
      },
    });
    expect(head(a!)).toEqual({
      title: "billing_hourly.export_invoices failed",
      status: "firing",
      severity: "high",
      startsAt: "2026-03-14T02:00:00.000Z",
      endsAt: null,
    });
    expect(a!.labels).toMatchObject({ dag_id: "billing_hourly", task_id: "export_invoices" });
    expect(a!.annotations.logical_date).toBe("2026-03-14T01:00:00.000Z");
    expect(a!.inferred!.fields).toContain("context.dag");
  });

  it("an Airflow DAG-level failure callback with a status and no task", () => {
    const [a] = inferred({ dag: "marketing_attribution", status: "failed", reason: "task_failure", start_date: "2026-03-14T00:05:00Z" });
    expect(head(a!)).toEqual({
      title: "marketing_attribution run failed",
      status: "firing",
      severity: "high",
      startsAt: "2026-03-14T00:05:00.000Z",
      endsAt: null,
    });
    expect(a!.labels.alertname).toBe("AirflowDagRunFailed");
  });

  it("an Airflow retry and the later success in camelCase share a fingerprint, so the success resolves the failure", () => {
    const [retry] = inferred({ dagId: "clicks_ingest", taskId: "fetch_s3", tryNumber: 1, state: "up_for_retry", startDate: "2026-03-14T01:10:00Z" });
    const [success] = inferred({
      dagId: "clicks_ingest",
      taskId: "fetch_s3",
      tryNumber: 2,
      status: "success",
      startDate: "2026-03-14T01:16:00Z",
      endDate: "2026-03-14T01:19:30Z",
    });
    expect(head(retry!)).toEqual({
      title: "clicks_ingest.fetch_s3 failed and will be retried",
      status: "firing",
      severity: "low",
      startsAt: "2026-03-14T01:10:00.000Z",
      endsAt: null,
    });
    expect(head(success!)).toEqual({
      title: "clicks_ingest.fetch_s3 succeeded",
      status: "resolved",
      severity: "info",
      startsAt: "2026-03-14T01:16:00.000Z",
      endsAt: "2026-03-14T01:19:30.000Z",
    });
    expect(success!.fingerprint).toBe(retry!.fingerprint);
  });

  it("a cron script's failure: title, message, severity, status, epoch timestamp, host and k:v tags", () => {
    const [a] = inferred({
      title: "Nightly pg_dump failed",
      message: 'pg_dump: error: connection to server at "10.0.4.12", port 5432 failed: timeout expired',
      severity: "critical",
      status: "firing",
      timestamp: 1773452832,
      host: "db-backup-01",
      tags: ["env:prod", "team:data", "nightly"],
    });
    expect(head(a!)).toEqual({ title: "Nightly pg_dump failed", status: "firing", severity: "critical", startsAt: "2026-03-14T01:47:12.000Z", endsAt: null });
    expect(a!.labels).toMatchObject({ host: "db-backup-01", env: "prod", team: "data" });
    expect(a!.environment).toBe("prod");
    expect(a!.annotations.message).toContain("pg_dump: error");
  });

  it("the same cron script's recovery: resolved, its time is the end, the start unknown", () => {
    const [a] = inferred({ title: "Nightly pg_dump", status: "OK", time: "2026-03-14T03:10:00Z", message: "dump completed in 412 s" });
    expect(head(a!)).toEqual({ title: "Nightly pg_dump", status: "resolved", severity: "info", startsAt: null, endsAt: "2026-03-14T03:10:00.000Z" });
  });

  it("a Jenkins notification: the job's name, the build's status, millisecond timestamp and absolute URL", () => {
    const [a] = inferred({
      name: "etl-nightly",
      url: "job/etl-nightly/",
      build: {
        full_url: "https://ci.example.com/job/etl-nightly/1432/",
        number: 1432,
        phase: "COMPLETED",
        status: "FAILURE",
        timestamp: 1773453600000,
      },
    });
    expect(head(a!)).toEqual({ title: "etl-nightly: FAILURE", status: "firing", severity: "high", startsAt: "2026-03-14T02:00:00.000Z", endsAt: null });
    expect(a!.labels.alertname).toBe("etl-nightly");
    expect(a!.links).toEqual([{ title: "source", url: "https://ci.example.com/job/etl-nightly/1432/" }]);
  });

  it("a GitLab CI job posting its pipeline's status, with GitLab's `YYYY-MM-DD hh:mm:ss UTC` times", () => {
    const [a] = inferred({
      object_kind: "pipeline",
      project: "data/etl",
      ref: "main",
      status: "failed",
      message: "Pipeline #88123 failed on main (job load_warehouse)",
      web_url: "https://gitlab.example.com/data/etl/-/pipelines/88123",
      created_at: "2026-03-14 01:58:00 UTC",
      finished_at: "2026-03-14 02:05:00 UTC",
    });
    expect(head(a!)).toEqual({
      title: "Pipeline #88123 failed on main (job load_warehouse)",
      status: "firing",
      severity: "high",
      startsAt: "2026-03-14T01:58:00.000Z",
      endsAt: "2026-03-14T02:05:00.000Z",
    });
    expect(a!.labels.project).toBe("data/etl");
  });

  it("a Slack-style message: only `text` (and chat keys) beside it", () => {
    const [a] = inferred({ text: ":red_circle: *orders-sync* failed on worker-3 (exit 137)", channel: "#data-alerts", username: "cron", icon_emoji: ":fire:" });
    expect(head(a!)).toEqual({
      title: ":red_circle: *orders-sync* failed on worker-3 (exit 137)",
      status: "firing",
      severity: "medium",
      startsAt: null,
      endsAt: null,
    });
  });

  it("Slack attachments: one alert per attachment, with the attachment's `ts`", () => {
    const alerts = inferred({
      attachments: [
        { color: "danger", title: "Disk 91% full on etl-worker-2", text: "/data has 9% left", ts: 1773453600 },
        { color: "warning", title: "Disk 82% full on etl-worker-5", text: "/data has 18% left", ts: "1773452832" },
      ],
    });
    expect(alerts.map(head)).toEqual([
      { title: "Disk 91% full on etl-worker-2", status: "firing", severity: "medium", startsAt: "2026-03-14T02:00:00.000Z", endsAt: null },
      { title: "Disk 82% full on etl-worker-5", status: "firing", severity: "medium", startsAt: "2026-03-14T01:47:12.000Z", endsAt: null },
    ]);
    expect(alerts[1]!.inferred!.fields).toEqual(["attachments[1].title", "attachments[1].text", "attachments[1].ts"]);
  });

  it("a Zabbix-style media webhook: subject, Disaster severity, PROBLEM status; a time it cannot read is left out", () => {
    const [a] = inferred({
      subject: "Problem: Free disk space is less than 10% on volume /data",
      message: "Problem started at 02:00:00 on 2026.03.14\nProblem name: Free disk space is less than 10% on volume /data\nHost: etl-db-01",
      severity: "Disaster",
      status: "PROBLEM",
      host: "etl-db-01",
      event_id: "48211",
      event_date: "2026.03.14",
      event_time: "02:00:00",
    });
    expect(head(a!)).toEqual({
      title: "Problem: Free disk space is less than 10% on volume /data",
      status: "firing",
      severity: "critical",
      startsAt: null,
      endsAt: null,
    });
    expect(a!.inferred!.fields).not.toContain("event_time");
  });

  it("a checker posting a list under `alerts`: one alert per entry, each with its own status", () => {
    const out = ingest({
      source: "dq-checker",
      alerts: [
        { name: "orders_not_null", status: "failed", severity: "high", table: "orders", timestamp: "2026-03-14T02:00:00+01:00" },
        { name: "orders_fresh", status: "passed", severity: "low", table: "orders", timestamp: "2026-03-14T02:00:00+01:00" },
      ],
    });
    const alerts = accepted(out, "generic");
    expect(alerts.map(head)).toEqual([
      { title: "orders_not_null: failed", status: "firing", severity: "high", startsAt: "2026-03-14T01:00:00.000Z", endsAt: null },
      { title: "orders_fresh: passed", status: "resolved", severity: "low", startsAt: null, endsAt: "2026-03-14T01:00:00.000Z" },
    ]);
    expect(out.ok && out.inferred).toEqual({ fields: ["name", "status", "severity", "timestamp"], list: "alerts" });
  });

  it("a body that is an array of log-style events (level, msg, ISO time with an offset)", () => {
    const alerts = inferred([
      { level: "error", msg: "spark job clickstream_sessionize failed: ExecutorLostFailure", time: "2026-03-14T02:59:00+01:00", service: "clickstream" },
      { level: "warning", msg: "spark job clickstream_sessionize retried stage 4", time: "2026-03-14T02:58:00+01:00", service: "clickstream" },
    ]);
    expect(alerts.map(head)).toEqual([
      {
        title: "spark job clickstream_sessionize failed: ExecutorLostFailure",
        status: "firing",
        severity: "high",
        startsAt: "2026-03-14T01:59:00.000Z",
        endsAt: null,
      },
      { title: "spark job clickstream_sessionize retried stage 4", status: "firing", severity: "medium", startsAt: "2026-03-14T01:58:00.000Z", endsAt: null },
    ]);
    expect(alerts[0]!.service).toBe("clickstream");
    expect(alerts[0]!.inferred!.fields[0]).toBe("[0].msg");
  });

  it("an event list with priorities: P2 is high", () => {
    const [a] = inferred({ events: [{ summary: "Kafka consumer lag above 50k on orders", priority: "P2", created_at: "2026-03-14T02:59:00+01:00" }] });
    expect(head(a!)).toEqual({
      title: "Kafka consumer lag above 50k on orders",
      status: "firing",
      severity: "high",
      startsAt: "2026-03-14T01:59:00.000Z",
      endsAt: null,
    });
  });

  it("a dispatch wrapping a home-made body is unwrapped first, then inferred", () => {
    const [a] = inferred({
      event_type: "pipemedic-alert",
      client_payload: { title: "Reverse ETL sync to Salesforce failed", status: "error", ts: 1773453600 },
    });
    expect(head(a!)).toEqual({
      title: "Reverse ETL sync to Salesforce failed",
      status: "firing",
      severity: "high",
      startsAt: "2026-03-14T02:00:00.000Z",
      endsAt: null,
    });
  });
});

describe("bodies that do not look like alerts stay rejected with today's reason", () => {
  const notAlerts: Array<[string, unknown]> = [
    ["a configuration object", { port: 8080, debug: true, database: { host: "db", pool: 5 }, features: ["a", "b"] }],
    ["a list of numbers", [1, 2, 3]],
    ["an acknowledgement", { ok: true }],
    ["a package manifest (a name and a description)", { name: "etl-jobs", version: "1.4.0", description: "Nightly ETL", scripts: { test: "vitest" } }],
    ["a JSON schema (a title and a description)", { title: "Config", description: "The settings", type: "object", properties: { port: { type: "number" } } }],
    ["a repository record (a name and a time)", { name: "pipemedic", created_at: "2026-01-02T03:04:05Z", private: false }],
    ["an API reply", { status: "ok", message: "pong" }],
    ["a Dagster+ body template, its placeholders unrendered", { name: "{{alert_summary}}", summary: "{{alert_content}}", idempotency_key: "{{alert_id}}" }],
    ["a task still running", { dag: "orders_daily", task: "load_orders", state: "running" }],
    ["a callback template, its ids unrendered", { dag_id: "{{ dag.dag_id }}", task_id: "{{ task.task_id }}", exception: "{{ exception }}" }],
    [
      "a list with an entry that is no alert",
      {
        items: [
          { title: "Disk full", severity: "high" },
          { sku: 1, qty: 2 },
        ],
      },
    ],
    ["a list of names", [{ name: "a" }, { name: "b" }]],
    ["titles that hold no letter", { title: "42", severity: "high" }],
  ];
  for (const [what, body] of notAlerts) {
    it(what, () => {
      expect(rejected(ingest(body))).toMatch(/^unknown payload shape: no source recognizes it; /);
    });
  }
});

describe("nothing that parses today changes", () => {
  it("every sample of every source is read by its adapter, never inferred", () => {
    for (const s of SAMPLES) {
      const out = ingest(s.body, s.headers ?? {}, s.source === "generic" ? { generic: GENERIC_MAPPING } : {});
      const alerts = accepted(out, s.source);
      expect(out.ok && out.inferred).toBeFalsy();
      for (const a of alerts) expect(a.inferred).toBeUndefined();
    }
  });

  it("a forced source is never inferred around: its rejection stands", () => {
    expect(rejected(ingest({ title: "Backup failed", severity: "high" }, {}, { source: "alertmanager" }))).toMatch(/^alertmanager: /);
  });
});

/** Keys that may make a body look like an alert: a title-like field, or a DAG or a task. */
const TITLE_OR_DAG = new Set(
  ["title", "summary", "subject", "alert_title", "alertname", "alert_name", "trigger_name", "event_name", "name", "message", "msg", "text", "description"]
    .concat(["dag_id", "dag", "dag_name", "task_id", "task", "task_name"])
    .map((k) => k.replace(/_/g, "")),
);
/** The other keys inference reads, and some it does not. */
const OTHER_KEYS = [
  "severity",
  "priority",
  "level",
  "status",
  "state",
  "timestamp",
  "time",
  "ts",
  "created_at",
  "tags",
  "labels",
  "url",
  "exception",
  "error",
  "host",
  "run_id",
  "port",
  "ok",
  "value",
];

/** The last key of a field path, compared as inference compares keys. */
const lastKey = (path: string) => (/([A-Za-z0-9_@-]+)\W*$/.exec(path)?.[1] ?? "").toLowerCase().replace(/[^a-z0-9]/g, "");

function run(body: unknown): IngestOutcome {
  let out: IngestOutcome | undefined;
  expect(() => {
    out = normalize({ id: "prop", body: JSON.stringify(body) ?? "null", headers: {}, receivedAt: "2026-03-14T02:00:00Z" });
  }).not.toThrow();
  return out!;
}

describe("inference properties", () => {
  const value = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom("failed", "success", "running", "critical", "P1", "2026-03-14T02:00:00Z", 1773453600, "Disk full on /data", "{{x}}", ["env:prod"]),
  );
  const alertish = fc.dictionary(fc.constantFrom(...TITLE_OR_DAG, ...OTHER_KEYS, "context", "build"), value, { maxKeys: 8 });
  const body = fc.oneof(
    alertish,
    fc.array(alertish, { maxLength: 4 }),
    fc.record({ alerts: fc.array(alertish, { maxLength: 4 }) }),
    fc.jsonValue({ maxDepth: 4 }),
  );

  it("normalize never throws on arbitrary JSON, and every inferred alert was read from a title-like field or a DAG or task", () => {
    let seen = 0;
    fc.assert(
      fc.property(body, (b) => {
        const out = run(b);
        if (!out.ok || !out.inferred) return;
        seen++;
        for (const a of out.alerts) {
          expect(AlertSchema.parse(a)).toEqual(a);
          expect(
            a.inferred!.fields.some((f) => TITLE_OR_DAG.has(lastKey(f))),
            a.inferred!.fields.join(", "),
          ).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
    // The generator reaches inference, so the property is not vacuous.
    expect(seen).toBeGreaterThan(50);
  });

  it("a body without any title-like, DAG or task field is never inferred, whatever else it holds", () => {
    const noTitle = fc.dictionary(fc.constantFrom(...OTHER_KEYS, "context"), value, { maxKeys: 8 });
    fc.assert(
      fc.property(fc.oneof(noTitle, fc.array(noTitle, { maxLength: 4 }), fc.record({ data: fc.array(noTitle, { maxLength: 4 }) })), (b) => {
        const out = run(b);
        expect(out.ok && out.inferred).toBeFalsy();
      }),
      { numRuns: 1000 },
    );
  });
});
