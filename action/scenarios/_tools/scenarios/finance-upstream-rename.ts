/**
 * ledger-writer 3.0.0 (payments team, 13:02) renamed `customer_id` to `buyer_id` in the payment
 * events and migrated its mirror table raw.payments accordingly. The 14:00 intraday build of the
 * finance marts fails in stg_payments with Snowflake's `invalid identifier 'P.CUSTOMER_ID'`.
 * Nothing in the finance marts' own code changed. Noise: analysts' failing ad-hoc queries, a
 * commit to an unrelated dbt folder, healthy tables.
 */
import { executorSeries, poolSeries, schedulerSeries } from "../airflow.js";
import { noiseLogs } from "../common.js";
import { HOUR, Logs, MIN, Rand, at, axis, iso, type Telemetry } from "../lib.js";
import { RAW_ORDERS, RAW_PAYMENTS, queryError, snapshots } from "../warehouse.js";

export const id = "finance-upstream-rename";

export function build(): Telemetry {
  const rand = new Rand(7707);
  const now = at("2026-02-17T14:15:00Z");
  const renamed = at("2026-02-17T13:03:40Z");
  const paymentsAt = (t: number) => {
    if (t < renamed) return RAW_PAYMENTS;
    const { customer_id: _gone, ...rest } = RAW_PAYMENTS;
    return { ...rest, buyer_id: "NUMBER(38,0)" };
  };
  const from = now - 30 * HOUR;
  const top = now - (now % HOUR);
  const logs = new Logs();
  noiseLogs(axis(now - 2 * HOUR, now), rand, logs);
  const dbtLog = (t: number, level: string, line: string) =>
    logs.add(t, { service: "dbt-runner", namespace: "airflow", dag_id: "dbt_finance_daily", level }, line);
  const run = at("2026-02-17T14:00:41Z");
  dbtLog(run, "info", "Running with dbt=1.9.4");
  dbtLog(run + 4_000, "info", "Found 212 models, 538 data tests, 41 sources, 1012 macros");
  dbtLog(run + 9_000, "info", "1 of 9 START sql view model staging.stg_payments ......................... [RUN]");
  dbtLog(run + 11_300, "error", "1 of 9 ERROR creating sql view model staging.stg_payments ................ [ERROR in 2.27s]");
  dbtLog(run + 11_400, "info", "2 of 9 SKIP relation analytics.fct_payments .............................. [SKIP]");
  dbtLog(run + 11_500, "info", "3 of 9 SKIP relation analytics.fct_revenue_recognition ................... [SKIP]");
  dbtLog(
    run + 19_000,
    "error",
    "Database Error in model stg_payments (models/finance/staging/stg_payments.sql)\n  000904 (42000): SQL compilation error: error line 9 at position 8\n  invalid identifier 'P.CUSTOMER_ID'\n  compiled code at target/run/shop_analytics/models/finance/staging/stg_payments.sql",
  );
  dbtLog(run + 19_500, "info", "Done. PASS=0 WARN=0 ERROR=1 SKIP=8 NO-OP=0 TOTAL=9");
  // Airflow is healthy: the dbt task ran at once and failed on its own.
  const ax = axis(now - 2.5 * HOUR, now);
  const series = [
    ...poolSeries(ax, [
      { name: "default_pool", slots: 128, running: () => rand.int(2, 9) },
      { name: "dbt", slots: 4, running: (t) => (t >= run && t < run + MIN ? 1 : (t % HOUR) / MIN >= 5 && (t % HOUR) / MIN < 12 ? 1 : 0) },
      { name: "erp_api", slots: 4, running: (t) => ((t % HOUR) / MIN >= 5 && (t % HOUR) / MIN < 17 ? rand.int(2, 4) : 0) },
    ]),
    ...executorSeries(ax, { slots: () => 32, running: () => rand.int(3, 12), queued: () => rand.int(0, 1) }),
    ...schedulerSeries(ax, rand),
  ];
  return {
    series,
    logs,
    events: [
      {
        at: iso(renamed),
        kind: "schema.column.renamed",
        labels: { table: "raw.payments", column: "customer_id", new_name: "buyer_id", actor: "LEDGER_WRITER" },
        message: "ALTER TABLE raw.payments RENAME COLUMN customer_id TO buyer_id",
      },
    ],
    changes: {
      commits: [
        {
          repo: "shopfront/data-platform",
          sha: "e2c4a6f8b0d1e3f5a7c9b1d3f5e7a9c1b3d5f7e9",
          at: "2026-02-17T11:48:09Z",
          author: "ssato",
          message: "marketing: add channel_group to fct_sessions",
          files: [
            {
              path: "dbt/models/marketing/fct_sessions.sql",
              status: "modified",
              patch:
                "@@ -14,6 +14,7 @@ select\n     s.session_id,\n     s.channel,\n+    {{ channel_group('s.channel') }} as channel_group,\n     s.started_at\n",
            },
          ],
        },
      ],
      deployments: [
        {
          repo: "shopfront/ledger-writer",
          service: "ledger-writer",
          environment: "production",
          ref: "v3.0.0",
          sha: "7f3e9d1c5b7a9e1f3d5c7b9a1e3f5d7c9b1a3e5f",
          at: "2026-02-17T13:02:55Z",
          status: "success",
        },
      ],
    },
    warehouse: {
      schemas: [
        ...snapshots("raw.payments", from, top, paymentsAt),
        ...snapshots("raw.orders", from, top, () => RAW_ORDERS),
        ...snapshots("analytics.fct_payments", from, top, () => ({
          payment_id: "VARCHAR(36)",
          order_id: "NUMBER(38,0)",
          customer_id: "NUMBER(38,0)",
          amount_eur: "NUMBER(18,2)",
          captured_date: "DATE",
        })),
      ],
      query_errors: [
        queryError(
          at("2026-02-17T12:10:33Z"),
          "LOOKER_SVC",
          "BI_WH",
          "002003",
          "SQL compilation error:\nObject 'ANALYTICS.FCT_MARGIN' does not exist or not authorized.",
        ),
        queryError(
          at("2026-02-17T13:41:02Z"),
          "ANALYST_JDOE",
          "ADHOC_WH",
          "000904",
          "SQL compilation error: error line 3 at position 7\ninvalid identifier 'REVENUE_USD'",
        ),
        queryError(
          run + 10_900,
          "DBT_PROD",
          "TRANSFORM_WH",
          "000904",
          "SQL compilation error: error line 9 at position 8\ninvalid identifier 'P.CUSTOMER_ID'",
          { query_tag: "dbt:stg_payments" },
        ),
      ],
      tables: [
        { table: "raw.payments", at: iso(now - 2 * MIN), row_count: 18_402_771, max_loaded_at: iso(now - 3 * MIN) },
        { table: "analytics.fct_payments", at: iso(now - 2 * MIN), row_count: 18_377_020, max_loaded_at: "2026-02-17T12:01:55Z" },
      ],
    },
  };
}
