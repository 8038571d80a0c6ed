/**
 * The 14:00 run fails at its first model with a bare `403 Forbidden` that dbt-bigquery printed
 * without the error body (the client library's retry wrapper swallowed it). The warehouse adapter
 * was not connected for this replay (no job history), and nothing in the events or changes names a
 * grant, a quota or a schema change. A 403 from BigQuery can be a quota, a rate limit or a missing
 * permission: the evidence cannot decide.
 */
import { at } from "../lib.js";
import { adsTelemetry } from "../ads.js";

export const id = "ads-spend-forbidden-no-history";

export function build() {
  const { telemetry } = adsTelemetry({
    seed: 9404,
    now: at("2026-08-18T14:19:00Z"),
    run: at("2026-08-18T14:00:20Z"),
    errorCode: "403",
    dbtError: "403 Forbidden: POST https://bigquery.googleapis.com/bigquery/v2/projects/shopfront-ads/jobs?prettyPrint=false",
  });
  delete telemetry.warehouse;
  return telemetry;
}
