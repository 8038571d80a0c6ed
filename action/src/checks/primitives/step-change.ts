import { median, seriesName } from "../series.js";
import type { PrimitiveImpl } from "./types.js";

/** step_change: median before the onset vs median from the onset on → `before`, `after`, `ratio`, `delta`. */
export const stepChange: PrimitiveImpl = {
  input: "series",
  measure(series, ctx) {
    if (ctx.onset === null) return { noData: "no onset to split the window at" };
    const onset = ctx.onset;
    const out = series.flatMap((s) => {
      const before = s.points.flatMap(([t, v]) => (v !== null && t < onset ? [v] : []));
      const after = s.points.flatMap(([t, v]) => (v !== null && t >= onset ? [v] : []));
      if (before.length < 2 || after.length < 1) return [];
      const b = median(before);
      const a = median(after);
      const ratio = b === 0 ? (a > 0 ? Infinity : a < 0 ? -Infinity : 1) : a / b;
      return [{ subject: seriesName(s), observed: { before: b, after: a, ratio, delta: a - b } }];
    });
    return out.length ? out : { noData: "not enough samples on both sides of the onset" };
  },
};
