/**
 * The ads project has a custom per-day query quota of 6 TiB. On 21 April a new Looker Studio
 * dashboard on the raw Google Ads export (no partition filter, auto-refresh every 15 minutes)
 * scans the whole table on each refresh and uses the day's quota up by 10:52. From then on every
 * query in the project fails with `Custom quota exceeded ... QueryUsagePerDay`: the 11:00 hourly
 * dbt run fails at its first model. Nothing changed in the pipeline; a docs-only commit to the
 * ads models' schema.yml landed in the morning, and an analyst's query fails on a misspelt column.
 */
import { backgroundChanges, noiseLogs } from "../common.js";
import { healthyAirflow } from "../airflow.js";
import { HOUR, Logs, MIN, Rand, at, axis, iso, type Telemetry } from "../lib.js";
import { queryError, snapshots } from "../warehouse.js";

export const id = "ads-spend-bq-quota";
const DBT_SA = "dbt-ads@shopfront-ads.iam.gserviceaccount.com";
const QUOTA =
  "Quota exceeded: Your usage exceeded the custom quota for QueryUsagePerDay, which is set by your administrator. For more information, see https://cloud.google.com/bigquery/troubleshooting-errors";

export function build(): Telemetry {
  const rand = new Rand(6262);
  const now = at("2026-04-21T11:19:00Z");
  const ax = axis(now - 2.5 * HOUR, now);
  const run = at("2026-04-21T11:00:21Z");
  const exhausted = at("2026-04-21T10:52:40Z");
  const logs = new Logs();
  noiseLogs(ax, rand, logs);
  const dbtLog = (t: number, level: string, line: string) =>
    logs.add(t, { service: "dbt-runner", namespace: "airflow", dag_id: "dbt_ads_hourly", level }, line);
  for (let h = 8; h <= 10; h++) {
    const t = at(`2026-04-21T${String(h).padStart(2, "0")}:00:19Z`);
    dbtLog(t, "info", "Running with dbt=1.9.4");
    dbtLog(t + 95_000, "info", `Done. PASS=6 WARN=0 ERROR=0 SKIP=0 NO-OP=0 TOTAL=6`);
  }
  dbtLog(run, "info", "Running with dbt=1.9.4");
  dbtLog(run + 6_000, "info", "1 of 6 START sql incremental model ads.stg_ads_spend ..................... [RUN]");
  dbtLog(run + 7_400, "error", "1 of 6 ERROR creating sql incremental model ads.stg_ads_spend ............ [ERROR in 1.31s]");
  dbtLog(
    run + 8_000,
    "error",
    `Database Error in model stg_ads_spend (models/ads/staging/stg_ads_spend.sql)\n  403 ${QUOTA}\n  Location: EU\n  Job ID: ${rand.hex(8)}-${rand.hex(4)}-${rand.hex(4)}-${rand.hex(4)}-${rand.hex(12)}\n  reason: quotaExceeded`,
  );
  dbtLog(run + 8_600, "info", "Done. PASS=0 WARN=0 ERROR=1 SKIP=5 NO-OP=0 TOTAL=6");
  const top = now - (now % HOUR);
  const cols = {
    date: "DATE",
    customer_id: "INT64",
    campaign_id: "INT64",
    ad_group_id: "INT64",
    impressions: "INT64",
    clicks: "INT64",
    cost_micros: "INT64",
    currency_code: "STRING",
    _fivetran_synced: "TIMESTAMP",
  };
  const changes = backgroundChanges(now, rand);
  changes.commits.push({
    repo: "shopfront/data-platform",
    sha: rand.hex(40),
    at: iso(at("2026-04-21T05:47:00Z")),
    author: "mfischer",
    message: "ads: document cost_micros and currency_code",
    files: [
      {
        path: "dbt/models/ads/schema.yml",
        status: "modified",
        patch:
          "@@ -12,2 +12,4 @@\n       - name: cost_micros\n+        description: Spend in millionths of the account currency.\n       - name: currency_code\n+        description: ISO 4217 code of the ad account.\n",
      },
    ],
  });
  const dashboards = [] as ReturnType<typeof queryError>[];
  for (let t = exhausted + 4 * MIN; t < now; t += 15 * MIN)
    dashboards.push(queryError(t, "looker-studio@shopfront-ads.iam.gserviceaccount.com", "shopfront-ads", "quotaExceeded", QUOTA));
  return {
    series: healthyAirflow(ax, rand),
    logs,
    events: [
      {
        at: iso(run - 30_000),
        kind: "k8s.pod.started",
        labels: { namespace: "airflow", pod: "dbt-ads-hourly-run-dbt-7c4d1" },
        message: "Started container base",
      },
      {
        at: iso(exhausted),
        kind: "quota.exceeded",
        labels: { project: "shopfront-ads", quota: "QueryUsagePerDay" },
        message: "Custom quota QueryUsagePerDay (6 TiB) exhausted for project shopfront-ads",
      },
    ],
    changes,
    warehouse: {
      schemas: snapshots("ads_raw.google_ads_spend", now - 30 * HOUR, top, () => cols),
      query_errors: [
        queryError(
          at("2026-04-21T09:41:13Z"),
          "a.kowalski@shopfront.example",
          "shopfront-ads",
          "invalidQuery",
          "Unrecognized name: cost_micro; Did you mean cost_micros? at [4:8]",
        ),
        queryError(exhausted + 40_000, "fivetran-ads@shopfront-ads.iam.gserviceaccount.com", "shopfront-ads", "quotaExceeded", QUOTA),
        ...dashboards,
        queryError(run + 7_000, DBT_SA, "shopfront-ads", "quotaExceeded", QUOTA, { query_tag: "dbt:stg_ads_spend" }),
      ].sort((a, b) => a.at.localeCompare(b.at)),
      tables: [{ table: "ads_raw.google_ads_spend", at: iso(now - MIN), row_count: 48_220_913, max_loaded_at: iso(exhausted - 9 * MIN) }],
    },
  };
}
