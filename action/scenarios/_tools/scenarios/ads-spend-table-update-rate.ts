/**
 * Since Fivetran's ads connector was switched to a 5-minute sync (a setting in Fivetran's UI, not
 * in any repository), it runs a MERGE into the ads staging tables every few minutes. At :00 the
 * hourly dbt run's incremental MERGEs, the connector's MERGEs and a dashboard's scheduled query all
 * update the same table: BigQuery answers `Exceeded rate limits: too many table update operations
 * for this table` (rateLimitExceeded) and the first model fails. Delivered through the relay.
 */
import { at, MIN } from "../lib.js";
import { adsTelemetry } from "../ads.js";
import { queryError } from "../warehouse.js";

export const id = "ads-spend-table-update-rate";
const RATE =
  "Exceeded rate limits: too many table update operations for this table. For more information, see https://cloud.google.com/bigquery/docs/troubleshoot-quotas reason: rateLimitExceeded";

export function build() {
  const run = at("2026-06-23T09:00:14Z");
  return adsTelemetry({
    seed: 9202,
    now: at("2026-06-23T09:17:00Z"),
    run,
    errorCode: "rateLimitExceeded",
    dbtError: `403 ${RATE}`,
    otherErrors: [
      queryError(run - 55 * MIN, "fivetran-ads@shopfront-ads.iam.gserviceaccount.com", "shopfront-ads", "rateLimitExceeded", RATE),
      queryError(run + 40_000, "fivetran-ads@shopfront-ads.iam.gserviceaccount.com", "shopfront-ads", "rateLimitExceeded", RATE),
      queryError(
        run - 20 * MIN,
        "b.ng@shopfront.example",
        "shopfront-ads",
        "accessDenied",
        "Access Denied: Project shopfront-finance: User does not have bigquery.jobs.create permission in project shopfront-finance.",
      ),
    ],
  }).telemetry;
}
