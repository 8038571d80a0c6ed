/**
 * TRANSFORM_WH's monthly resource monitor (TRANSFORM_MONTHLY, 1,800 credits, SUSPEND at 100%) was
 * exhausted on 28 March by a week of ad-hoc full refreshes. At 13:52 the monitor suspended the
 * warehouse; the 14:00 intraday build of the finance marts fails in its first model with
 * `cannot be resumed because resource monitor 'TRANSFORM_MONTHLY' has exceeded its quota`. Other
 * warehouses (BI_WH, ADHOC_WH) keep working.
 */
import { backgroundChanges, noiseLogs } from "../common.js";
import { healthyAirflow } from "../airflow.js";
import { HOUR, Logs, MIN, Rand, at, axis, iso, type Telemetry } from "../lib.js";
import { RAW_PAYMENTS, queryError, snapshots } from "../warehouse.js";

export const id = "finance-warehouse-suspended";

export function build(): Telemetry {
  const rand = new Rand(2121);
  const now = at("2026-03-28T14:14:00Z");
  const ax = axis(now - 2.5 * HOUR, now);
  const run = at("2026-03-28T14:00:38Z");
  const suspended = at("2026-03-28T13:52:07Z");
  const logs = new Logs();
  noiseLogs(ax, rand, logs);
  const dbtLog = (t: number, level: string, line: string) =>
    logs.add(t, { service: "dbt-runner", namespace: "airflow", dag_id: "dbt_finance_daily", level }, line);
  dbtLog(run, "info", "Running with dbt=1.9.4");
  dbtLog(run + 9_000, "info", "1 of 9 START sql view model staging.stg_payments ......................... [RUN]");
  dbtLog(run + 10_200, "error", "1 of 9 ERROR creating sql view model staging.stg_payments ................ [ERROR in 1.12s]");
  dbtLog(
    run + 12_000,
    "error",
    "Database Error in model stg_payments (models/finance/staging/stg_payments.sql)\n  000606 (57P03): Warehouse 'TRANSFORM_WH' cannot be resumed because resource monitor 'TRANSFORM_MONTHLY' has exceeded its quota.",
  );
  dbtLog(run + 12_500, "info", "Done. PASS=0 WARN=0 ERROR=1 SKIP=8 NO-OP=0 TOTAL=9");
  const top = now - (now % HOUR);
  return {
    series: healthyAirflow(ax, rand),
    logs,
    events: [
      {
        at: iso(suspended - 40 * MIN),
        kind: "quota.notified",
        labels: { monitor: "TRANSFORM_MONTHLY", threshold: "90%" },
        message: "resource monitor TRANSFORM_MONTHLY reached 90% of 1800 credits",
      },
      {
        at: iso(suspended),
        kind: "warehouse.suspended",
        labels: { warehouse: "TRANSFORM_WH", monitor: "TRANSFORM_MONTHLY" },
        message: "resource monitor TRANSFORM_MONTHLY reached 100% of 1800 credits: SUSPEND",
      },
    ],
    changes: backgroundChanges(now, rand),
    warehouse: {
      schemas: snapshots("raw.payments", now - 30 * HOUR, top, () => RAW_PAYMENTS),
      query_errors: [
        queryError(
          at("2026-03-28T13:55:02Z"),
          "LOADER_SVC",
          "TRANSFORM_WH",
          "000606",
          "Warehouse 'TRANSFORM_WH' cannot be resumed because resource monitor 'TRANSFORM_MONTHLY' has exceeded its quota.",
        ),
        queryError(
          at("2026-03-28T13:58:40Z"),
          "ANALYST_PKIM",
          "ADHOC_WH",
          "000904",
          "SQL compilation error: error line 7 at position 3\ninvalid identifier 'PAYMENT_METHOD'",
        ),
        queryError(
          run + 10_000,
          "DBT_PROD",
          "TRANSFORM_WH",
          "000606",
          "Warehouse 'TRANSFORM_WH' cannot be resumed because resource monitor 'TRANSFORM_MONTHLY' has exceeded its quota.",
          { query_tag: "dbt:stg_payments" },
        ),
      ],
      tables: [{ table: "raw.payments", at: iso(now - MIN), row_count: 18_911_407, max_loaded_at: iso(now - 3 * MIN) }],
    },
  };
}
