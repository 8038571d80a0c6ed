import type { Labels, Matcher } from "../../model/index.js";
import { compilePattern, quotePattern } from "../../patterns.js";

/**
 * Series selection with PromQL's semantics, so a replayed check sees what live Prometheus would
 * return: regexes are fully anchored and a missing label equals "".
 */

/** Compiles matchers once per query into a predicate over label sets (regexes on RE2, as Prometheus); a bad regex throws (the check goes inconclusive). */
export function labelPredicate(matchers: readonly Matcher[]): (labels: Labels) => boolean {
  const tests = matchers.map((m) => {
    if (m.op === "=") return (v: string) => v === m.value;
    if (m.op === "!=") return (v: string) => v !== m.value;
    const re = compilePattern(m.value, `label matcher ${m.label}${m.op}`, { whole: true });
    return m.op === "=~" ? (v: string) => re.test(v) : (v: string) => !re.test(v);
  });
  return (labels) => matchers.every((m, i) => tests[i]!(labels[m.label] ?? ""));
}

/** Matches an event kind against a kind filter where `*` stands for any text (`k8s.*`). */
export function kindMatches(kind: string, pattern: string): boolean {
  if (!pattern.includes("*")) return kind === pattern;
  return compilePattern(pattern.split("*").map(quotePattern).join(".*"), `event kind filter ${pattern}`, { whole: true }).test(kind);
}

/** Parses an RFC 3339 string (or epoch number) into epoch ms; null when absent or unreadable. */
export function timeOf(v: unknown): number | null {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v !== "string" || !v) return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : t;
}
