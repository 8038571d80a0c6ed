import { describe, expect, it } from "vitest";
import { CheckSpecSchema, type Series } from "../../src/model/index.js";
import { primitives } from "../../src/checks/primitives/index.js";
import { aggregate, toRate } from "../../src/checks/series.js";
import { evaluatePassIf } from "../../src/checks/compare.js";

const MIN = 60_000;
const spec = (extra: Record<string, unknown>) => CheckSpecSchema.parse({ id: "c", metric: "m", primitive: "threshold", pass_if: { value: ">= 1" }, ...extra });
const series = (values: Array<number | null>, labels: Record<string, string> = {}, start = 0): Series => ({
  labels: { __name__: "m", ...labels },
  points: values.map((v, i) => [start + i * MIN, v]),
});
const ctx = (extra: Record<string, unknown> = {}) => ({ spec: spec(extra), start: 0, end: 60 * MIN, onset: (30 * MIN) as number | null });

function measure(name: keyof typeof primitives, data: Series[], c = ctx()) {
  const p = primitives[name];
  if (p.input !== "series") throw new Error("not a series primitive");
  return p.measure(data, c);
}

describe("series primitives", () => {
  it("threshold reduces each series and skips nulls", () => {
    const out = measure("threshold", [series([1, null, 5, 2])], ctx({ reduce: "max" }));
    expect(out).toEqual([{ subject: "m", observed: { value: 5 } }]);
    expect(measure("threshold", [series([null, null])])).toEqual({ noData: "no samples in the window" });
  });

  it("step_change compares medians on both sides of the onset", () => {
    const flat = Array.from({ length: 30 }, () => 100);
    const high = Array.from({ length: 30 }, () => 400);
    const out = measure("step_change", [series([...flat, ...high])]);
    expect(out).toEqual([{ subject: "m", observed: { before: 100, after: 400, ratio: 4, delta: 300 } }]);
    const noOnset = measure("step_change", [series([...flat, ...high])], { ...ctx(), onset: null });
    expect(noOnset).toEqual({ noData: "no onset to split the window at" });
  });

  it("step_change from a zero baseline is an infinite ratio, not a division error", () => {
    const out = measure("step_change", [series([...Array.from({ length: 30 }, () => 0), ...Array.from({ length: 30 }, () => 3)])]);
    expect(Array.isArray(out) && out[0]!.observed.ratio).toBe(Infinity);
  });

  it("oscillation counts direction reversals and ignores plateaus", () => {
    expect(measure("oscillation", [series([6, 5, 5, 6, 4, 6, 6, 6])])).toEqual([{ subject: "m", observed: { changes: 3 } }]);
    expect(measure("oscillation", [series([1, 2, 3, 4, 5])])).toEqual([{ subject: "m", observed: { changes: 0 } }]);
  });

  it("growth measures steady climbs", () => {
    const out = measure("growth", [series([10, 20, 30, 25, 40])]);
    expect(out).toEqual([{ subject: "m", observed: { rising: 0.75, increase: 30, ratio: 4 } }]);
  });

  it("skew finds one series carrying most of the sum after the onset", () => {
    const hot = series(
      Array.from({ length: 60 }, (_, i) => (i >= 30 ? 900 : 100)),
      { partition: "0" },
    );
    const cold = [1, 2, 3].map((p) =>
      series(
        Array.from({ length: 60 }, () => 100),
        { partition: String(p) },
      ),
    );
    const out = measure("skew", [hot, ...cold]);
    expect(Array.isArray(out) && out[0]!.observed.share).toBeCloseTo(0.75);
    expect(Array.isArray(out) && out[0]!.observed.ratio_to_even).toBeCloseTo(3);
    expect(measure("skew", [hot])).toEqual({ noData: "skew needs at least two series" });
  });
});

describe("series transforms", () => {
  it("rate handles counter resets like Prometheus", () => {
    const r = toRate(series([0, 60, 120, 30, 90]));
    expect(r.points.map(([, v]) => v)).toEqual([1, 1, 0.5, 1]);
  });

  it("aggregate combines aligned points", () => {
    const out = aggregate([series([1, 2]), series([3, null])], "sum");
    expect(out[0]!.points).toEqual([
      [0, 4],
      [MIN, 2],
    ]);
  });
});

describe("pass_if", () => {
  it("every comparison must hold, and a missing observation is reported", () => {
    expect(evaluatePassIf({ ratio: ">= 2", delta: "> 10" }, { ratio: 3, delta: 5 }).pass).toBe(false);
    expect(evaluatePassIf({ ratio: ">= 2" }, { ratio: 3 }).pass).toBe(true);
    expect(evaluatePassIf({ count: ">= 1" }, {}).missing).toEqual(["count"]);
    expect(evaluatePassIf({ value: "== 0" }, { value: NaN }).pass).toBe(false);
  });
});

describe("record primitives", () => {
  const rec = (at: number, extra: Record<string, unknown> = {}) => ({ at, text: "x", fields: extra, label: "x" });
  it("change_in_window reports how long before the onset the latest change landed", () => {
    const p = primitives.change_in_window;
    if (p.input !== "records") throw new Error();
    const out = p.measure([rec(10 * MIN), rec(25 * MIN)], ctx({ primitive: "change_in_window" }));
    expect("measurement" in out && out.measurement.observed).toEqual({ count: 2, minutes_before_onset: 5 });
  });

  it("schema_diff finds renamed columns between snapshots", () => {
    const p = primitives.schema_diff;
    if (p.input !== "records") throw new Error();
    const out = p.measure(
      [
        rec(0, { table: "raw.orders", columns: { order_id: "NUMBER", customer_id: "NUMBER" } }),
        rec(MIN, { table: "raw.orders", columns: { order_id: "NUMBER", cust_id: "NUMBER" } }),
      ],
      ctx(),
    );
    expect("measurement" in out && out.measurement.observed).toEqual({ removed: 1, added: 1 });
    expect(p.measure([rec(0, { table: "t", columns: {} })], ctx())).toEqual({ noData: "fewer than two schema snapshots of any table" });
  });
});
