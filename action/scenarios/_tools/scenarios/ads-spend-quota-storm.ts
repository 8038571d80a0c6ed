/**
 * The exhausted per-day query quota of ads-spend-bq-quota, as Grafana's grouped notification
 * carried it: the failed stg_ads_spend model, the skipped fct_ad_spend_daily, and the ads source
 * freshness warning of the same pipeline. Same telemetry; one incident.
 */
export { build } from "./ads-spend-bq-quota.js";
export const id = "ads-spend-quota-storm";
