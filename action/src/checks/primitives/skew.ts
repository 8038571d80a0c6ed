import { median } from "../series.js";
import type { PrimitiveImpl } from "./types.js";

/** skew: the largest series' share of the sum, per timestamp from the onset on (median) → `share`, `ratio_to_even`. */
export const skew: PrimitiveImpl = {
  input: "series",
  measure(series, ctx) {
    if (series.length < 2) return { noData: "skew needs at least two series" };
    const from = ctx.onset ?? ctx.start;
    const byTime = new Map<number, number[]>();
    for (const s of series) {
      for (const [t, v] of s.points) {
        if (v === null || t < from) continue;
        const bucket = byTime.get(t);
        if (bucket) bucket.push(v);
        else byTime.set(t, [v]);
      }
    }
    const shares = [...byTime.values()].flatMap((vs) => {
      const sum = vs.reduce((a, b) => a + Math.max(0, b), 0);
      return sum > 0 && vs.length >= 2 ? [Math.max(...vs) / sum] : [];
    });
    if (!shares.length) return { noData: "no positive values to compare" };
    const share = median(shares);
    return [{ subject: `${series.length} series`, observed: { share, ratio_to_even: share * series.length } }];
  },
};
