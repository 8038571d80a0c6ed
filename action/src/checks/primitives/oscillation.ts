import { seriesName, values } from "../series.js";
import type { PrimitiveImpl } from "./types.js";

/** oscillation: direction reversals of a series, equal steps ignored → `changes`. */
export const oscillation: PrimitiveImpl = {
  input: "series",
  measure(series) {
    const out = series.flatMap((s) => {
      const xs = values(s);
      if (xs.length < 3) return [];
      let reversals = 0;
      let dir = 0;
      for (let i = 1; i < xs.length; i++) {
        const d = Math.sign(xs[i]! - xs[i - 1]!);
        if (d === 0) continue;
        if (dir !== 0 && d !== dir) reversals++;
        dir = d;
      }
      return [{ subject: seriesName(s), observed: { changes: reversals } }];
    });
    return out.length ? out : { noData: "fewer than 3 samples in the window" };
  },
};
