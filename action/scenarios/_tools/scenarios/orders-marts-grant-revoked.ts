/**
 * At 10:14 the platform team applied a Terraform refactor of Snowflake roles (in the
 * data-platform repository, under terraform/, which no pipeline owns). It moved read access on the
 * RAW schema to a new role and revoked it from TRANSFORMER, the role DBT_PROD uses. The 11:05 build
 * of the orders marts fails in stg_orders: `Object 'RAW.ORDERS' does not exist or not authorized`.
 * raw.orders is unchanged and still loaded by orders-enricher.
 */
import { backgroundChanges, noiseLogs } from "../common.js";
import { healthyAirflow } from "../airflow.js";
import { HOUR, Logs, MIN, Rand, at, axis, iso, type Telemetry } from "../lib.js";
import { RAW_ORDERS, queryError, snapshots } from "../warehouse.js";

export const id = "orders-marts-grant-revoked";

export function build(): Telemetry {
  const rand = new Rand(2020);
  const now = at("2026-04-14T11:19:00Z");
  const ax = axis(now - 2.5 * HOUR, now);
  const run = at("2026-04-14T11:05:10Z");
  const revoked = at("2026-04-14T10:14:33Z");
  const logs = new Logs();
  noiseLogs(ax, rand, logs);
  const dbtLog = (t: number, level: string, line: string) =>
    logs.add(t, { service: "dbt-runner", namespace: "airflow", dag_id: "dbt_orders_hourly", level }, line);
  for (const h of ["09", "10"]) {
    const t = at(`2026-04-14T${h}:05:09Z`);
    dbtLog(t, "info", "Running with dbt=1.9.4");
    dbtLog(t + 97_000, "info", "Done. PASS=14 WARN=0 ERROR=0 SKIP=0 NO-OP=0 TOTAL=14");
  }
  dbtLog(run, "info", "Running with dbt=1.9.4");
  dbtLog(run + 14_000, "error", "3 of 14 ERROR creating sql view model staging.stg_orders ...................... [ERROR in 0.61s]");
  dbtLog(
    run + 15_000,
    "error",
    "Database Error in model stg_orders (models/orders/staging/stg_orders.sql)\n  002003 (42S02): SQL compilation error:\n  Object 'RAW.ORDERS' does not exist or not authorized.",
  );
  dbtLog(run + 16_000, "info", "Done. PASS=2 WARN=0 ERROR=1 SKIP=11 NO-OP=0 TOTAL=14");
  const bg = backgroundChanges(now, rand);
  const top = now - (now % HOUR);
  return {
    series: healthyAirflow(ax, rand),
    logs,
    events: [
      {
        at: iso(revoked),
        kind: "grant.revoked",
        labels: { privilege: "SELECT", on: "ALL TABLES IN SCHEMA RAW", from_role: "TRANSFORMER", by: "TERRAFORM_SVC" },
        message: "REVOKE SELECT ON ALL TABLES IN SCHEMA RAW FROM ROLE TRANSFORMER",
      },
      {
        at: iso(revoked + 1000),
        kind: "grant.added",
        labels: { privilege: "SELECT", on: "ALL TABLES IN SCHEMA RAW", to_role: "RAW_READER", by: "TERRAFORM_SVC" },
        message: "GRANT SELECT ON ALL TABLES IN SCHEMA RAW TO ROLE RAW_READER",
      },
    ],
    changes: {
      commits: [
        ...bg.commits,
        {
          repo: "shopfront/data-platform",
          sha: "f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6e",
          at: "2026-04-14T10:09:51Z",
          author: "kwojcik",
          message: "snowflake: split RAW read access into RAW_READER (#1522)",
          files: [
            {
              path: "terraform/snowflake/grants.tf",
              status: "modified",
              patch:
                '@@ -31,9 +31,9 @@ resource "snowflake_grant_privileges_to_account_role" "raw_read" {\n-  account_role_name = "TRANSFORMER"\n+  account_role_name = "RAW_READER"\n   privileges        = ["SELECT"]\n',
            },
          ],
        },
      ],
      deployments: bg.deployments,
    },
    warehouse: {
      schemas: snapshots("raw.orders", now - 30 * HOUR, top, () => RAW_ORDERS),
      query_errors: [
        queryError(
          at("2026-04-14T09:47:20Z"),
          "ANALYST_MLEE",
          "ADHOC_WH",
          "000904",
          "SQL compilation error: error line 4 at position 11\ninvalid identifier 'ORDER_TOTAL'",
        ),
        queryError(run + 13_500, "DBT_PROD", "TRANSFORM_WH", "002003", "SQL compilation error:\nObject 'RAW.ORDERS' does not exist or not authorized.", {
          query_tag: "dbt:stg_orders",
          role: "TRANSFORMER",
        }),
      ],
      tables: [
        { table: "raw.orders", at: iso(now - MIN), row_count: 97_402_118, max_loaded_at: iso(now - 2 * MIN) },
        { table: "analytics.fct_orders", at: iso(now - MIN), row_count: 97_356_090, max_loaded_at: "2026-04-14T10:06:48Z" },
      ],
    },
  };
}
