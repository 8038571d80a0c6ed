import type { Series } from "../model/index.js";

/** Per-second rate of a counter, with resets handled the way Prometheus' rate() does: a drop restarts from zero. */
export function toRate(series: Series): Series {
  const points: Array<[number, number | null]> = [];
  let prev: [number, number] | null = null;
  for (const [t, v] of series.points) {
    if (v === null) continue;
    if (prev) {
      const dt = (t - prev[0]) / 1000;
      if (dt > 0) {
        const inc = v >= prev[1] ? v - prev[1] : v; // counter reset
        points.push([t, inc / dt]);
      }
    }
    prev = [t, v];
  }
  return { labels: series.labels, points };
}

const reducers = {
  sum: (xs: number[]) => xs.reduce((a, b) => a + b, 0),
  max: (xs: number[]) => Math.max(...xs),
  min: (xs: number[]) => Math.min(...xs),
  avg: (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length,
};

/** Combines series point by point (timestamps aligned exactly); a timestamp with no values is dropped. */
export function aggregate(series: Series[], how: keyof typeof reducers): Series[] {
  if (series.length === 0) return [];
  const byTime = new Map<number, number[]>();
  for (const s of series) {
    for (const [t, v] of s.points) {
      if (v === null) continue;
      const bucket = byTime.get(t);
      if (bucket) bucket.push(v);
      else byTime.set(t, [v]);
    }
  }
  const points = [...byTime.entries()].sort((a, b) => a[0] - b[0]).map(([t, vs]) => [t, reducers[how](vs)] as [number, number]);
  return [{ labels: { __aggregate__: how }, points }];
}

/** The non-null values of a series, in time order. */
export function values(series: Series): number[] {
  return series.points.flatMap(([, v]) => (v === null ? [] : [v]));
}

/** Median of a non-empty list. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** A readable name for a series: its labels without __name__. */
export function seriesName(s: Series): string {
  const parts = Object.entries(s.labels)
    .filter(([k]) => k !== "__name__")
    .map(([k, v]) => `${k}=${v}`);
  return parts.length ? parts.join(",") : (s.labels.__name__ ?? "series");
}
