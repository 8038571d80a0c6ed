/**
 * At 15:33 a change to fct_orders (adding a discount breakdown) was merged; it references
 * `o.discount_code`, but the staging model calls that column `promo_code`. The 16:05 hourly build
 * fails in fct_orders with `invalid identifier 'O.DISCOUNT_CODE'`. The source table did not change.
 * Noise: an unrelated dbt commit, analysts' failing ad-hoc queries, a recommendations-api deploy.
 */
import { executorSeries, poolSeries, schedulerSeries } from "../airflow.js";
import { noiseLogs } from "../common.js";
import { HOUR, Logs, MIN, Rand, at, axis, iso, type Telemetry } from "../lib.js";
import { RAW_ORDERS, queryError, snapshots } from "../warehouse.js";

export const id = "orders-marts-bad-model";

export const FCT_ORDERS_PATCH = `@@ -17,6 +17,10 @@ select
     o.currency,
     o.amount_minor / 100.0 as amount,
     o.customer_tier,
+    o.discount_code,
+    coalesce(d.discount_pct, 0) as discount_pct,
+    o.amount_minor * coalesce(d.discount_pct, 0) / 10000.0 as discount_amount,
     o.placed_at
 from {{ ref('stg_orders') }} o
 left join {{ ref('stg_customers') }} c on c.customer_id = o.customer_id
+left join {{ ref('dim_discounts') }} d on d.discount_code = o.discount_code
`;

export function build(): Telemetry {
  const rand = new Rand(8808);
  const now = at("2026-02-24T16:19:00Z");
  const run = at("2026-02-24T16:05:12Z");
  const ax = axis(now - 2.5 * HOUR, now);
  const series = [
    ...poolSeries(ax, [
      { name: "default_pool", slots: 128, running: () => rand.int(2, 9) },
      { name: "dbt", slots: 4, running: (t) => ((t % HOUR) / MIN >= 5 && (t % HOUR) / MIN < 12 ? rand.int(1, 2) : 0) },
      { name: "erp_api", slots: 4, running: (t) => ((t % HOUR) / MIN >= 5 && (t % HOUR) / MIN < 17 ? rand.int(2, 4) : 0) },
    ]),
    ...executorSeries(ax, { slots: () => 32, running: () => rand.int(3, 12), queued: () => rand.int(0, 1) }),
    ...schedulerSeries(ax, rand),
  ];
  const logs = new Logs();
  noiseLogs(ax, rand, logs);
  const dbtLog = (t: number, level: string, line: string) =>
    logs.add(t, { service: "dbt-runner", namespace: "airflow", dag_id: "dbt_orders_hourly", level }, line);
  for (const h of [14, 15]) {
    const t = at(`2026-02-24T${h}:05:09Z`);
    dbtLog(t, "info", "Running with dbt=1.9.4");
    dbtLog(t + 95_000, "info", "Done. PASS=14 WARN=0 ERROR=0 SKIP=0 NO-OP=0 TOTAL=14");
  }
  dbtLog(run, "info", "Running with dbt=1.9.4");
  dbtLog(run + 31_000, "info", "3 of 14 OK created sql view model staging.stg_orders .......................... [SUCCESS 1 in 1.84s]");
  dbtLog(run + 44_000, "error", "9 of 14 ERROR creating sql incremental model analytics.fct_orders ........... [ERROR in 3.02s]");
  dbtLog(
    run + 51_000,
    "error",
    "Database Error in model fct_orders (models/orders/fct_orders.sql)\n  000904 (42000): SQL compilation error: error line 24 at position 4\n  invalid identifier 'O.DISCOUNT_CODE'\n  compiled code at target/run/shop_analytics/models/orders/fct_orders.sql",
  );
  dbtLog(run + 52_000, "info", "Done. PASS=9 WARN=0 ERROR=1 SKIP=4 NO-OP=0 TOTAL=14");
  const top = now - (now % HOUR);
  return {
    series,
    logs,
    changes: {
      commits: [
        {
          repo: "shopfront/data-platform",
          sha: "a71c3e5f9b2d4f6a8c0e1b3d5f7a9c2e4b6d8f01",
          at: "2026-02-24T15:33:27Z",
          author: "jhughes",
          message: "fct_orders: add discount breakdown (#1482)",
          files: [{ path: "dbt/models/orders/fct_orders.sql", status: "modified", patch: FCT_ORDERS_PATCH }],
        },
        {
          repo: "shopfront/data-platform",
          sha: "3e5d7f9a1c3b5e7d9f1a3c5e7b9d1f3a5c7e9b1d",
          at: "2026-02-24T14:12:50Z",
          author: "ssato",
          message: "marketing: document fct_sessions columns",
          files: [
            {
              path: "dbt/models/marketing/schema.yml",
              status: "modified",
              patch:
                "@@ -40,3 +40,5 @@ models:\n       - name: channel\n         description: Last-touch channel\n+      - name: channel_group\n+        description: Channel rolled up to paid, owned, earned\n",
            },
          ],
        },
      ],
      deployments: [
        {
          repo: "shopfront/recommendations",
          service: "recommendations-api",
          environment: "production",
          ref: "v41.9.2",
          sha: "1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e",
          at: "2026-02-24T15:51:40Z",
          status: "success",
        },
      ],
    },
    warehouse: {
      schemas: [
        ...snapshots("raw.orders", now - 30 * HOUR, top, () => RAW_ORDERS),
        ...snapshots("analytics.fct_orders", now - 30 * HOUR, top, () => ({
          order_id: "NUMBER(38,0)",
          customer_id: "NUMBER(38,0)",
          status: "VARCHAR(32)",
          currency: "VARCHAR(3)",
          amount: "NUMBER(20,2)",
          customer_tier: "VARCHAR(16)",
          placed_at: "TIMESTAMP_TZ(9)",
        })),
      ],
      query_errors: [
        queryError(
          at("2026-02-24T15:02:11Z"),
          "ANALYST_MLEE",
          "ADHOC_WH",
          "000904",
          "SQL compilation error: error line 5 at position 12\ninvalid identifier 'GROSS_MARGIN'",
        ),
        queryError(
          run + 47_000,
          "DBT_PROD",
          "TRANSFORM_WH",
          "000904",
          "SQL compilation error: error line 24 at position 4\ninvalid identifier 'O.DISCOUNT_CODE'",
          { query_tag: "dbt:fct_orders" },
        ),
      ],
      tables: [
        { table: "raw.orders", at: iso(now - MIN), row_count: 96_120_554, max_loaded_at: iso(now - 2 * MIN) },
        { table: "analytics.fct_orders", at: iso(now - MIN), row_count: 96_088_310, max_loaded_at: "2026-02-24T15:06:31Z" },
      ],
    },
  };
}
