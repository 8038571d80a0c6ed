import { seriesName, values } from "../series.js";
import type { PrimitiveImpl } from "./types.js";

/** growth: how steadily a series climbs → `rising` (share of non-flat steps going up), `increase`, `ratio`. */
export const growth: PrimitiveImpl = {
  input: "series",
  measure(series) {
    const out = series.flatMap((s) => {
      const xs = values(s);
      if (xs.length < 3) return [];
      let up = 0;
      let moved = 0;
      for (let i = 1; i < xs.length; i++) {
        const d = xs[i]! - xs[i - 1]!;
        if (d === 0) continue;
        moved++;
        if (d > 0) up++;
      }
      const first = xs[0]!;
      const last = xs[xs.length - 1]!;
      const ratio = first === 0 ? (last > 0 ? Infinity : 1) : last / first;
      return [{ subject: seriesName(s), observed: { rising: moved ? up / moved : 0, increase: last - first, ratio } }];
    });
    return out.length ? out : { noData: "fewer than 3 samples in the window" };
  },
};
