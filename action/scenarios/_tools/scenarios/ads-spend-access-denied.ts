/**
 * 15:47: a Terraform apply that moves the ads project's IAM bindings into a shared module drops
 * roles/bigquery.dataEditor on the ads dataset from the dbt service account (the module only
 * knows the Looker and Fivetran accounts). The 16:00 run fails at its first model with
 * `Access Denied ... Permission bigquery.tables.updateData denied`. The Fivetran sync and the
 * dashboards keep working. The Terraform change lives in infra/, outside the pipeline's paths.
 */
import { at, iso } from "../lib.js";
import { DBT_SA, adsTelemetry } from "../ads.js";
import { queryError } from "../warehouse.js";

export const id = "ads-spend-access-denied";

export function build() {
  const run = at("2026-05-12T16:00:18Z");
  const { telemetry, rand } = adsTelemetry({
    seed: 9101,
    now: at("2026-05-12T16:21:00Z"),
    run,
    errorCode: "accessDenied",
    dbtError: `403 Access Denied: Table shopfront-ads:ads.stg_ads_spend: Permission bigquery.tables.updateData denied on table shopfront-ads:ads.stg_ads_spend (or it may not exist). reason: accessDenied`,
    otherErrors: [
      queryError(at("2026-05-12T15:12:40Z"), "j.owusu@shopfront.example", "shopfront-ads", "invalidQuery", "Unrecognized name: campaign_name at [3:5]"),
    ],
    events: [
      {
        at: "2026-05-12T15:47:31Z",
        kind: "grant.revoked",
        labels: { principal: `serviceAccount:${DBT_SA}`, role: "roles/bigquery.dataEditor", resource: "projects/shopfront-ads/datasets/ads" },
        message: "SetIamPolicy on dataset ads removed serviceAccount:dbt-ads from roles/bigquery.dataEditor",
      },
    ],
  });
  telemetry.changes!.commits.push({
    repo: "shopfront/infra",
    sha: rand.hex(40),
    at: iso(at("2026-05-12T15:41:00Z")),
    author: "dvarga",
    message: "gcp: ads project IAM via the shared bigquery-dataset module",
    files: [
      {
        path: "terraform/gcp/ads/iam.tf",
        status: "modified",
        patch:
          '@@ -1,9 +1,5 @@\n-resource "google_bigquery_dataset_iam_member" "dbt_editor" {\n-  dataset_id = "ads"\n-  role       = "roles/bigquery.dataEditor"\n-  member     = "serviceAccount:dbt-ads@shopfront-ads.iam.gserviceaccount.com"\n-}\n+module "ads_dataset" {\n+  source = "../modules/bigquery-dataset"\n+}\n',
      },
    ],
  });
  return telemetry;
}
