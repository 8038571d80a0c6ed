import type { Scenario, ScenarioTelemetry } from "../../src/model/index.js";
import { markAvailable, replayTelemetry } from "../../src/telemetry/replay/telemetry.js";

/**
 * Perturbations of a scenario that must not change its verdict: the answer has to come from the
 * evidence, not from when it happened, what things are called, or what else was going on.
 */

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

/** Deep-maps every string of a JSON value. */
function mapStrings<T>(value: T, f: (s: string) => string): T {
  if (typeof value === "string") return f(value) as T;
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, f)) as T;
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [f(k), mapStrings(v, f)])) as T;
  return value;
}

function withTelemetry(s: Scenario, telemetry: ScenarioTelemetry): Scenario {
  // Keep which kinds exist: an empty recorded file is evidence of absence, a missing one is not.
  markAvailable(telemetry, replayTelemetry(s.telemetry).capabilities);
  return { ...s, telemetry };
}

/**
 * Keys whose numbers are epoch times in vendors' bodies (Opsgenie's `createdAt` in ms, Sentry's `received`
 * in s, Datadog's `date` and `last_updated` in ms written as strings, …).
 */
const TIME_KEY = /(at|time|timestamp|date|updated|received|since|until)$/i;
/** An epoch written as a string of digits (Datadog's `"date": "1781285560000"`). */
const EPOCH_TEXT = /^\d{9,13}$/;

/** Deep-maps a JSON value: strings through `f`, numbers (and digit strings) under time-like keys through `num` (epoch s or ms, by magnitude). */
function mapTimes(value: unknown, f: (s: string) => string, num: (n: number) => number, key = ""): unknown {
  if (typeof value === "string") return TIME_KEY.test(key) && EPOCH_TEXT.test(value) ? String(num(Number(value))) : f(value);
  if (typeof value === "number") return TIME_KEY.test(key) ? num(value) : value;
  if (Array.isArray(value)) return value.map((v) => mapTimes(v, f, num, key));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapTimes(v, f, num, k)]));
  return value;
}

/** Moves every timestamp (alerts, telemetry, the clock, the expected onset) by `ms`. */
export function shiftTime(s: Scenario, ms: number): Scenario {
  // Sentinels such as Alertmanager's 0001-01-01 ("unset") stay what they are.
  const shift = (v: string) => (ISO.test(v) && !v.startsWith("0001-") ? new Date(Date.parse(v) + ms).toISOString() : v);
  // Epoch numbers in a vendor's body move too: milliseconds (2001–2100) or seconds; nanoseconds lose precision in JSON and are left alone.
  const epoch = (n: number) => (n >= 1e12 && n < 4.2e12 ? n + ms : n >= 1e9 && n < 4.2e9 ? n + ms / 1000 : n);
  const moved: Scenario = {
    ...s,
    meta: { ...s.meta, now: shift(s.meta.now), expect: { ...s.meta.expect, ...(s.meta.expect.onset ? { onset: shift(s.meta.expect.onset) } : {}) } },
    alerts: s.alerts.map((a) => ({ ...a, at: shift(a.at), body: JSON.stringify(mapTimes(JSON.parse(a.body) as unknown, shift, epoch)) })),
  };
  return withTelemetry(moved, mapStrings(s.telemetry, shift));
}

/** Renames one identifier everywhere it appears: alerts, telemetry, the scenario's and the project's knowledge. */
export function rename(s: Scenario, memory: Record<string, string>, from: string, to: string): { scenario: Scenario; memory: Record<string, string> } {
  const swap = (v: string) => v.split(from).join(to);
  const renamed: Scenario = {
    ...s,
    alerts: s.alerts.map((a) => ({ ...a, body: swap(a.body) })),
    knowledge: mapStrings(s.knowledge, swap),
    repo: mapStrings(s.repo, swap),
    meta: { ...s.meta, expect: { ...s.meta.expect, ...(s.meta.expect.fix?.path ? { fix: { ...s.meta.expect.fix, path: swap(s.meta.expect.fix.path) } } : {}) } },
  };
  const mem = Object.fromEntries(Object.entries(memory).map(([k, v]) => [k, k.startsWith("knowledge/") ? swap(v) : v]));
  return { scenario: withTelemetry(renamed, mapStrings(s.telemetry, swap)), memory: mem };
}

/** Adds unrelated series: new metric names, and known names on an unrelated label set, with seeded noise. */
export function addNoise(s: Scenario, seed: number): Scenario {
  let x = seed;
  const rnd = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const now = Date.parse(s.meta.now);
  const start = new Date(now - 6 * 3_600_000).toISOString();
  const names = [...new Set(s.telemetry.metrics.series.map((m) => m.labels.__name__ ?? ""))].filter(Boolean);
  const noise = [
    ...Array.from({ length: 5 }, (_, i) => ({ labels: { __name__: `unrelated_metric_${i}`, instance: `host-${i}` }, start, step: "60s", values: Array.from({ length: 360 }, () => Math.round(rnd() * 1000)) })),
    ...names.slice(0, 3).map((name) => ({ labels: { __name__: name, consumergroup: "unrelated-noise-group", pool: "unrelated_pool", job: "unrelated", topic: "unrelated.topic" }, start, step: "60s", values: Array.from({ length: 360 }, () => Math.round(rnd() * 50)) })),
  ];
  return withTelemetry(s, { ...s.telemetry, metrics: { ...s.telemetry.metrics, series: [...s.telemetry.metrics.series, ...noise] } });
}

/** Identifiers worth renaming: the scenario's pipelines' component values (consumer groups, DAG ids, topics, tables). */
export function renameable(memory: Record<string, string>, s: Scenario): string[] {
  const text = Object.entries({ ...memory, ...s.knowledge }).filter(([k]) => k.startsWith("knowledge/pipelines/")).map(([, v]) => v).join("\n");
  const values = [...text.matchAll(/(?:consumer_group|dag_id|topic):\s*"?([a-z][a-z0-9_.-]{5,})"?/g)].map((m) => m[1]!);
  const used = values.filter((v) => s.alerts.some((a) => a.body.includes(v)) || JSON.stringify(s.telemetry).includes(v));
  return [...new Set(used)].sort();
}

/** Drops one series whose metric the expected cause's runbook never reads: a signal that cannot be decisive. */
export function dropNonDecisive(s: Scenario, decisiveMetrics: Set<string>, pick: number): Scenario | null {
  const candidates = s.telemetry.metrics.series.map((m, i) => [m, i] as const).filter(([m]) => !decisiveMetrics.has(m.labels.__name__ ?? ""));
  if (!candidates.length) return null;
  const drop = candidates[pick % candidates.length]![1];
  return withTelemetry(s, { ...s.telemetry, metrics: { ...s.telemetry.metrics, series: s.telemetry.metrics.series.filter((_, i) => i !== drop) } });
}
