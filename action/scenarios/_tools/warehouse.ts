/**
 * Warehouse objects as the warehouse adapter returns them: hourly information_schema snapshots of
 * a table, query-history errors, and table stats. Column types follow Snowflake's names.
 */
import { HOUR, iso } from "./lib.js";

export type Columns = Record<string, string>;

/** Hourly snapshots of `table` from `from` to `to`; `columnsAt(t)` gives the columns at each. */
export function snapshots(table: string, from: number, to: number, columnsAt: (t: number) => Columns) {
  const out: Array<{ at: string; table: string; columns: Columns }> = [];
  for (let t = from; t <= to; t += HOUR) out.push({ at: iso(t), table, columns: columnsAt(t) });
  return out;
}

/** A query-history error row. */
export function queryError(at: number, user: string, warehouse: string, code: string, message: string, extra: Record<string, unknown> = {}) {
  return { at: iso(at), user, warehouse, error_code: code, message, ...extra };
}

export const RAW_ORDERS: Columns = {
  order_id: "NUMBER(38,0)",
  customer_id: "NUMBER(38,0)",
  status: "VARCHAR(32)",
  currency: "VARCHAR(3)",
  amount_minor: "NUMBER(18,0)",
  promo_code: "VARCHAR(64)",
  customer_tier: "VARCHAR(16)",
  placed_at: "TIMESTAMP_TZ(9)",
  _loaded_at: "TIMESTAMP_TZ(9)",
};

export const RAW_PAYMENTS: Columns = {
  payment_id: "VARCHAR(36)",
  order_id: "NUMBER(38,0)",
  customer_id: "NUMBER(38,0)",
  psp: "VARCHAR(32)",
  psp_reference: "VARCHAR(64)",
  state: "VARCHAR(16)",
  currency: "VARCHAR(3)",
  amount_minor: "NUMBER(18,0)",
  captured_at: "TIMESTAMP_TZ(9)",
  _loaded_at: "TIMESTAMP_TZ(9)",
};
