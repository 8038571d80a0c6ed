/**
 * Small, deterministic building blocks for scenario telemetry: a seeded random source, time
 * helpers, gauge and counter series in the scenario format (docs/scenario-format.md), log lines
 * and a writer. Every generator run with the same seed writes byte-identical files.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const SEC = 1_000;
export const MIN = 60 * SEC;
export const HOUR = 60 * MIN;

/** Epoch milliseconds of an RFC 3339 time. */
export const at = (iso: string): number => {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) throw new Error(`not a time: ${iso}`);
  return t;
};

/** RFC 3339 in UTC, without milliseconds when they are zero. */
export const iso = (ms: number): string => new Date(ms).toISOString().replace(".000Z", "Z");

/** A seeded PRNG (mulberry32) with the few distributions the generators need. */
export class Rand {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  uniform(a: number, b: number): number {
    return a + (b - a) * this.next();
  }
  int(a: number, b: number): number {
    return Math.floor(this.uniform(a, b + 1));
  }
  /** Normal by Box-Muller. */
  normal(mean = 0, sd = 1): number {
    const u = Math.max(1e-12, this.next());
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
  /** A value with multiplicative noise of relative size `rel`. */
  jitter(x: number, rel: number): number {
    return x * (1 + this.normal(0, rel));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  hex(n: number): string {
    let s = "";
    for (let i = 0; i < n; i++) s += "0123456789abcdef"[Math.floor(this.next() * 16)];
    return s;
  }
}

export type Labels = Record<string, string>;
export interface Series {
  labels: Labels;
  start: string;
  step: string;
  values: Array<number | null>;
}

/** A regular time axis. */
export interface Axis {
  start: number;
  step: number;
  n: number;
}

/** The axis from `from` to `to` inclusive, one point per `step`. */
export function axis(from: number, to: number, step = MIN): Axis {
  return { start: from, step, n: Math.floor((to - from) / step) + 1 };
}

export const times = (ax: Axis): number[] => Array.from({ length: ax.n }, (_, i) => ax.start + i * ax.step);

const round = (v: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
};

/** A gauge: `fn` gives the value at each time (null for a missed scrape). */
export function gauge(labels: Labels, ax: Axis, fn: (t: number, i: number) => number | null, digits = 3): Series {
  return {
    labels,
    start: iso(ax.start),
    step: `${ax.step / SEC}s`,
    values: times(ax).map((t, i) => {
      const v = fn(t, i);
      return v === null ? null : round(v, digits);
    }),
  };
}

/** A counter that grows by `rate(t)` per second (never negative), starting at `initial`. */
export function counter(labels: Labels, ax: Axis, initial: number, rate: (t: number) => number, digits = 0): Series {
  let total = initial;
  return {
    labels,
    start: iso(ax.start),
    step: `${ax.step / SEC}s`,
    values: times(ax).map((t, i) => {
      if (i > 0) total += Math.max(0, rate(t)) * (ax.step / SEC);
      return round(total, digits);
    }),
  };
}

/** A counter from explicit per-step increments. */
export function counterFromSteps(labels: Labels, ax: Axis, initial: number, increments: number[]): Series {
  let total = initial;
  return {
    labels,
    start: iso(ax.start),
    step: `${ax.step / SEC}s`,
    values: increments.map((d, i) => {
      if (i > 0) total += Math.max(0, d);
      return Math.round(total);
    }),
  };
}

/** Smooth daily shape: 1 at the evening peak, `trough` at night. */
export function diurnal(t: number, peakHourUtc = 19, trough = 0.35): number {
  const h = (t % (24 * HOUR)) / HOUR;
  const c = Math.cos(((h - peakHourUtc) / 24) * 2 * Math.PI);
  return trough + (1 - trough) * (0.5 + 0.5 * c);
}

/** A linear ramp from 0 at `from` to 1 at `to`. */
export function ramp(t: number, from: number, to: number): number {
  if (t <= from) return 0;
  if (t >= to) return 1;
  return (t - from) / (to - from);
}

export interface LogLine {
  ts: string;
  labels: Labels;
  line: string;
}

/** Collects log lines and writes them in time order. */
export class Logs {
  private lines: Array<{ t: number; l: LogLine }> = [];
  add(t: number, labels: Labels, line: string): void {
    this.lines.push({ t, l: { ts: new Date(Math.round(t)).toISOString(), labels, line } });
  }
  get size(): number {
    return this.lines.length;
  }
  toJsonl(): string {
    return this.lines
      .sort((a, b) => a.t - b.t)
      .map((x) => JSON.stringify(x.l))
      .join("\n")
      .concat(this.lines.length ? "\n" : "");
  }
}

/** Everything a scenario's telemetry/ folder can hold; empty parts are not written. */
export interface Telemetry {
  series: Series[];
  logs?: Logs;
  changes?: { commits: unknown[]; deployments: unknown[] };
  events?: unknown[];
  orchestrator?: Record<string, unknown[]>;
  warehouse?: Record<string, unknown[]>;
}

/** Writes telemetry/ for a scenario folder, replacing what was there. */
export function writeTelemetry(dir: string, t: Telemetry): string[] {
  const out = join(dir, "telemetry");
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const written: string[] = [];
  const put = (name: string, text: string) => {
    writeFileSync(join(out, name), text);
    written.push(name);
  };
  if (t.series.length) put("metrics.json", `${JSON.stringify({ series: t.series }, null, 0).replace(/\},\{"labels"/g, '},\n{"labels"')}\n`);
  if (t.logs?.size) put("logs.jsonl", t.logs.toJsonl());
  if (t.changes && (t.changes.commits.length || t.changes.deployments.length)) put("changes.json", `${JSON.stringify(t.changes, null, 2)}\n`);
  if (t.events?.length) put("events.json", `${JSON.stringify({ events: t.events }, null, 2)}\n`);
  if (t.orchestrator) put("orchestrator.json", `${JSON.stringify(t.orchestrator, null, 2)}\n`);
  if (t.warehouse) put("warehouse.json", `${JSON.stringify(t.warehouse, null, 2)}\n`);
  return written;
}

/** Prints a note the scenario author needs (for example when a lag threshold is first crossed). */
export function note(scenario: string, text: string): void {
  process.stdout.write(`  ${scenario}: ${text}\n`);
}
