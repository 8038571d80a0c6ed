/**
 * Overnight Fivetran upgraded the Google Ads connector to API v17, which renames cost_micros to
 * metrics_cost_micros in the export (a connector schema change, no commit anywhere). The 07:00
 * hourly run fails at stg_ads_spend with `Unrecognized name: cost_micros`. An unrelated dashboard
 * query hits the project's rate limit once.
 */
import { at, HOUR } from "../lib.js";
import { ADS_COLUMNS, adsTelemetry } from "../ads.js";
import { queryError } from "../warehouse.js";

export const id = "ads-spend-column-renamed";

export function build() {
  const run = at("2026-07-02T07:00:16Z");
  const renamed = at("2026-07-02T06:38:00Z");
  const { cost_micros, ...rest } = ADS_COLUMNS;
  return adsTelemetry({
    seed: 9303,
    now: at("2026-07-02T07:18:00Z"),
    run,
    errorCode: "invalidQuery",
    dbtError: "400 Unrecognized name: cost_micros; Did you mean metrics_cost_micros? at [14:7]",
    columnsAt: (t) => (t >= renamed - (renamed % HOUR) + HOUR ? { ...rest, metrics_cost_micros: cost_micros! } : ADS_COLUMNS),
    otherErrors: [
      queryError(
        run - 70 * 60_000,
        "looker-studio@shopfront-ads.iam.gserviceaccount.com",
        "shopfront-ads",
        "rateLimitExceeded",
        "Exceeded rate limits: too many concurrent queries for this project_and_region. reason: rateLimitExceeded",
      ),
    ],
    events: [
      {
        at: "2026-07-02T06:38:00Z",
        kind: "schema.column.renamed",
        labels: { table: "ads_raw.google_ads_spend", from: "cost_micros", to: "metrics_cost_micros" },
        message: "Fivetran connector google_ads: column cost_micros renamed to metrics_cost_micros",
      },
    ],
  }).telemetry;
}
