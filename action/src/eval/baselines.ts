import type { Runbook, Scenario, Series } from "../model/index.js";
import { median, toRate } from "../checks/series.js";
import { seriesPoints } from "../telemetry/replay/telemetry.js";

/**
 * Two baselines that eval scores beside Pipemedic on the same scenarios, so its figures mean
 * something: "last change" (what an on-call engineer does first) and an anomaly ranking in the
 * manner of BARO / RCAEval (the metric that shifted most at the onset, mapped to its cause).
 */

const DAY = 86_400_000;

/** Blames the latest change before the onset: its kind of file decides which change-cause it names. */
export function lastChange(s: Scenario, onset: number | null): string[] {
  const cut = onset ?? Date.parse(s.meta.now);
  const changes = [
    ...s.telemetry.changes.commits.map((c) => ({ at: Date.parse(c.at), files: c.files.map((f) => f.path) })),
    ...s.telemetry.changes.deployments.map((d) => ({ at: Date.parse(d.at), files: [] as string[] })),
  ].filter((c) => c.at <= cut && c.at >= cut - DAY);
  const latest = changes.sort((a, b) => b.at - a.at)[0];
  if (!latest) return [];
  if (latest.files.some((f) => /(^|\/)(package-lock\.json|poetry\.lock|requirements[^/]*\.txt|Dockerfile|go\.sum|pom\.xml)$/.test(f)))
    return ["plat-dependency-version-bump"];
  if (latest.files.some((f) => /\.(avsc|proto)$/.test(f))) return ["kafka-schema-incompatible"];
  if (latest.files.some((f) => /(^|\/)dags\/.*\.py$/.test(f))) return ["af-dag-import-error-after-deploy"];
  return ["plat-bad-deploy-config-change"];
}

/** A counter (mostly non-decreasing with large values) is compared as a rate, as BARO does with counters. */
function comparable(s: Series): Series {
  const vs = s.points.flatMap(([, v]) => (v === null ? [] : [v]));
  let ups = 0;
  for (let i = 1; i < vs.length; i++) if (vs[i]! >= vs[i - 1]!) ups++;
  return vs.length > 3 && ups / (vs.length - 1) > 0.95 && vs[vs.length - 1]! > vs[0]! ? toRate(s) : s;
}

/** The robust z-score of the shift at the onset: |median after − median before| / (1.4826 · MAD before). */
export function robustShift(s: Series, onset: number): number {
  const before = s.points.flatMap(([t, v]) => (v !== null && t < onset ? [v] : []));
  const after = s.points.flatMap(([t, v]) => (v !== null && t >= onset ? [v] : []));
  if (before.length < 3 || !after.length) return 0;
  const m = median(before);
  const mad = median(before.map((v) => Math.abs(v - m)));
  const scale = 1.4826 * mad || Math.abs(m) * 0.01 || 1e-9;
  return Math.abs(median(after) - m) / scale;
}

/** Ranks causes by the most-shifted metric: each metric maps to the runbooks whose confirming checks read it. */
export function anomaly(s: Scenario, onset: number | null, runbooks: Runbook[]): string[] {
  if (onset === null) return [];
  const causesOf = new Map<string, string[]>();
  const weightOrder = { strong: 0, moderate: 1, weak: 2 };
  for (const rb of runbooks) {
    for (const c of [...rb.checks].sort((a, b) => weightOrder[a.weight] - weightOrder[b.weight])) {
      const name = c.metric?.split("{")[0]?.trim();
      if (!name || c.role !== "confirm") continue;
      const list = causesOf.get(name) ?? [];
      if (!list.includes(rb.id)) list.push(rb.id);
      causesOf.set(name, list);
    }
  }
  const byMetric = new Map<string, number>();
  for (const raw of s.telemetry.metrics.series) {
    const name = raw.labels.__name__ ?? "";
    const z = robustShift(comparable({ labels: raw.labels, points: seriesPoints(raw) }), onset);
    byMetric.set(name, Math.max(byMetric.get(name) ?? 0, z));
  }
  const ranked: string[] = [];
  for (const [name] of [...byMetric.entries()].filter(([, z]) => z > 0).sort((a, b) => b[1] - a[1])) {
    for (const cause of causesOf.get(name) ?? []) if (!ranked.includes(cause)) ranked.push(cause);
  }
  return ranked;
}
