import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { normalize } from "../../src/ingest/normalize.js";
import { AlertSchema, type Source } from "../../src/model/index.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const samples = resolve(root, "../shared/fixtures/payloads");
const scenarios = resolve(root, "action/scenarios");

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
          expect(AlertSchema.parse(a)).toEqual(a);
          expect(a.labels.alertname).toBeTruthy();
        }
        // Normalizing again (a re-delivery) gives the same ids.
        const again = run(file);
        expect(again.ok && again.alerts.map((a) => a.id)).toEqual(out.alerts.map((a) => a.id));
      });
    }
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
    });
  }
});
