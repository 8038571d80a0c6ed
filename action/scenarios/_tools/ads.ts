/**
 * The ads-spend pipeline (dbt-bigquery in project shopfront-ads) around one failing hourly run,
 * shared by the ads-spend-* scenarios: the dbt runner's log, the source table's schema snapshots,
 * and the project's job errors. A scenario gives the error its first model hits and anything else.
 */
import { backgroundChanges, noiseLogs } from "./common.js";
import { healthyAirflow } from "./airflow.js";
import { HOUR, Logs, MIN, Rand, axis, iso, type Telemetry } from "./lib.js";
import { type Columns, queryError, snapshots } from "./warehouse.js";

export const DBT_SA = "dbt-ads@shopfront-ads.iam.gserviceaccount.com";
export const ADS_COLUMNS: Columns = {
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

export interface AdsRun {
  seed: number;
  now: number;
  /** Start of the failing hourly run. */
  run: number;
  /** The error dbt prints for the first model. */
  dbtError: string;
  errorCode: string;
  columnsAt?: (t: number) => Columns;
  otherErrors?: Array<ReturnType<typeof queryError>>;
  events?: unknown[];
}

export function adsTelemetry(s: AdsRun): { telemetry: Telemetry; rand: Rand } {
  const rand = new Rand(s.seed);
  const ax = axis(s.now - 2.5 * HOUR, s.now);
  const logs = new Logs();
  noiseLogs(ax, rand, logs);
  const dbtLog = (t: number, level: string, line: string) =>
    logs.add(t, { service: "dbt-runner", namespace: "airflow", dag_id: "dbt_ads_hourly", level }, line);
  for (let t = s.run - 3 * HOUR; t < s.run; t += HOUR) {
    dbtLog(t, "info", "Running with dbt=1.9.4");
    dbtLog(t + rand.int(80, 110) * 1000, "info", "Done. PASS=6 WARN=0 ERROR=0 SKIP=0 NO-OP=0 TOTAL=6");
  }
  dbtLog(s.run, "info", "Running with dbt=1.9.4");
  dbtLog(s.run + 6_000, "info", "1 of 6 START sql incremental model ads.stg_ads_spend ..................... [RUN]");
  dbtLog(s.run + 7_300, "error", "1 of 6 ERROR creating sql incremental model ads.stg_ads_spend ............ [ERROR in 1.24s]");
  dbtLog(
    s.run + 8_000,
    "error",
    `Database Error in model stg_ads_spend (models/ads/staging/stg_ads_spend.sql)\n  ${s.dbtError}\n  Location: EU\n  Job ID: ${rand.hex(8)}-${rand.hex(4)}-${rand.hex(4)}-${rand.hex(4)}-${rand.hex(12)}`,
  );
  dbtLog(s.run + 8_500, "info", "Done. PASS=0 WARN=0 ERROR=1 SKIP=5 NO-OP=0 TOTAL=6");
  const errors = [
    ...(s.otherErrors ?? []),
    queryError(s.run + 7_000, DBT_SA, "shopfront-ads", s.errorCode, s.dbtError, { query_tag: "dbt:stg_ads_spend" }),
  ].sort((a, b) => a.at.localeCompare(b.at));
  return {
    rand,
    telemetry: {
      series: healthyAirflow(ax, rand),
      logs,
      events: [
        {
          at: iso(s.run - 30_000),
          kind: "k8s.pod.started",
          labels: { namespace: "airflow", pod: `dbt-ads-hourly-run-dbt-${rand.hex(5)}` },
          message: "Started container base",
        },
        ...(s.events ?? []),
      ],
      changes: backgroundChanges(s.now, rand),
      warehouse: {
        schemas: snapshots("ads_raw.google_ads_spend", s.now - 30 * HOUR, s.now, s.columnsAt ?? (() => ADS_COLUMNS)),
        query_errors: errors,
        tables: [
          { table: "ads_raw.google_ads_spend", at: iso(s.now - MIN), row_count: 48_900_000 + rand.int(0, 90_000), max_loaded_at: iso(s.now - 11 * MIN) },
        ],
      },
    },
  };
}
