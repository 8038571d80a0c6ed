/**
 * Checkout v89.1 (10:30) launched express guest checkout: guest orders are created without a
 * customer id. About a third of new orders now carry customer_id = null; orders-enricher passes
 * them through to raw.orders, and at 11:05 the hourly dbt build's not_null test on
 * fct_orders.customer_id fails. The source table's columns did not change and nothing in the
 * orders marts changed; the checkout deploy belongs to another team's service.
 */
import { backgroundChanges, noiseLogs } from "../common.js";
import { healthyAirflow } from "../airflow.js";
import { HOUR, Logs, MIN, Rand, at, axis, iso, type Telemetry } from "../lib.js";
import { RAW_ORDERS, queryError, snapshots } from "../warehouse.js";

export const id = "orders-null-customer";

export function build(): Telemetry {
  const rand = new Rand(4040);
  const now = at("2026-07-07T11:19:00Z");
  const ax = axis(now - 2.5 * HOUR, now);
  const logs = new Logs();
  noiseLogs(ax, rand, logs);
  const dbtLog = (t: number, level: string, line: string) =>
    logs.add(t, { service: "dbt-runner", namespace: "airflow", dag_id: "dbt_orders_hourly", level }, line);
  for (const h of ["09", "10", "11"]) {
    const t = at(`2026-07-07T${h}:05:07Z`);
    dbtLog(t, "info", "Running with dbt=1.9.4");
    dbtLog(t + 11_000, "info", "1 of 1 PASS freshness of shop.orders ...................................... [PASS in 0.71s]");
    if (h !== "11") {
      dbtLog(t + 95_000, "info", "Done. PASS=22 WARN=0 ERROR=0 SKIP=0 NO-OP=0 TOTAL=22");
      continue;
    }
    dbtLog(t + 71_000, "error", "17 of 22 FAIL 4211 not_null_fct_orders_customer_id ............................ [FAIL 4211 in 1.93s]");
    dbtLog(
      t + 92_000,
      "error",
      "Failure in test not_null_fct_orders_customer_id (models/orders/schema.yml)\n  Got 4211 results, configured to fail if != 0\n\n  compiled code at target/compiled/shop_analytics/models/orders/schema.yml/not_null_fct_orders_customer_id.sql",
    );
    dbtLog(t + 93_000, "info", "Done. PASS=21 WARN=0 ERROR=0 FAIL=1 SKIP=0 NO-OP=0 TOTAL=22");
  }
  const bg = backgroundChanges(now, rand);
  const top = now - (now % HOUR);
  return {
    series: healthyAirflow(ax, rand),
    logs,
    changes: {
      commits: bg.commits,
      deployments: [
        ...bg.deployments,
        {
          repo: "shopfront/checkout",
          service: "checkout",
          environment: "production",
          ref: "v89.1.0",
          sha: "a2b4c6d8e0f1a3b5c7d9e1f3a5b7c9d1e3f5a7b9",
          at: "2026-07-07T10:30:12Z",
          status: "success",
        },
      ],
    },
    warehouse: {
      schemas: snapshots("raw.orders", now - 30 * HOUR, top, () => RAW_ORDERS),
      query_errors: [
        queryError(
          at("2026-07-07T10:12:00Z"),
          "ANALYST_JDOE",
          "ADHOC_WH",
          "000904",
          "SQL compilation error: error line 1 at position 7\ninvalid identifier 'CUSTOMERID'",
        ),
      ],
      tables: [{ table: "raw.orders", at: iso(now - MIN), row_count: 139_211_870, max_loaded_at: iso(now - MIN), null_customer_id_last_hour: 4211 }],
    },
  };
}
