import { median, seriesName, values } from "../series.js";
import type { PrimitiveImpl, RecordPrimitive } from "./types.js";

const reduce = {
  last: (xs: number[]) => xs[xs.length - 1]!,
  max: (xs: number[]) => Math.max(...xs),
  min: (xs: number[]) => Math.min(...xs),
  avg: (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length,
};

/** threshold over series: the reduced value of each series in the window → `value`. */
export const threshold: PrimitiveImpl = {
  input: "series",
  measure(series, ctx) {
    const out = series.flatMap((s) => {
      const xs = values(s);
      return xs.length ? [{ subject: seriesName(s), observed: { value: reduce[ctx.spec.reduce](xs) } }] : [];
    });
    return out.length ? out : { noData: "no samples in the window" };
  },
};

/** threshold over records: a numeric field of each matching record (orchestrator pools, warehouse tables). */
export const recordThreshold: RecordPrimitive = {
  input: "records",
  measure(records, ctx) {
    const field = ctx.spec.field;
    if (!field) return { noData: "threshold over records needs `field`" };
    const nums = records.flatMap((r) => {
      const v = r.fields[field];
      const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
      return Number.isFinite(n) ? [{ r, n }] : [];
    });
    if (!nums.length) return { noData: `no record with a numeric \`${field}\`` };
    const xs = nums.map((x) => x.n);
    return {
      measurement: { subject: field, observed: { value: reduce[ctx.spec.reduce](xs), median: median(xs) } },
      matched: nums.map((x) => x.r),
    };
  },
};
