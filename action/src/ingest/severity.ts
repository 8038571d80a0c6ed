import type { Severity } from "../model/index.js";

/**
 * Every source's severity words and numbers on Pipemedic's closed scale (docs/sources.md shows
 * this table, and how the scales of Zabbix, ServiceNow/Netcool, CAP and syslog fall on it: many
 * tools forward those words unchanged). Words are compared case-insensitively with spaces, `-` and `_` removed, so `SEV-1`,
 * `sev1` and `Sev 1` are one word. Unknown words map to `medium`: loud enough to be investigated by
 * default policy, never silently dropped or promoted to a page.
 */
export const SEVERITY_WORDS: Readonly<Record<string, Severity>> = {
  // critical
  critical: "critical",
  crit: "critical",
  fatal: "critical",
  emergency: "critical",
  emerg: "critical",
  panic: "critical",
  disaster: "critical",
  extreme: "critical",
  page: "critical",
  blocker: "critical",
  p0: "critical",
  p1: "critical",
  sev0: "critical",
  sev1: "critical",
  // high
  high: "high",
  error: "high",
  err: "high",
  major: "high",
  severe: "high",
  alarm: "high",
  alert: "high",
  errored: "high",
  failed: "high",
  failure: "high",
  p2: "high",
  sev2: "high",
  // medium
  medium: "medium",
  warning: "medium",
  warn: "medium",
  moderate: "medium",
  average: "medium",
  nodata: "medium",
  p3: "medium",
  sev3: "medium",
  // low
  low: "low",
  minor: "low",
  insufficientdata: "low",
  cancelled: "low",
  canceled: "low",
  p4: "low",
  sev4: "low",
  // info
  info: "info",
  informational: "info",
  information: "info",
  notice: "info",
  debug: "info",
  trace: "info",
  ok: "info",
  success: "info",
  succeeded: "info",
  resolved: "info",
  recovered: "info",
  clear: "info",
  cleared: "info",
  none: "info",
  notclassified: "info",
  p5: "info",
  sev5: "info",
};

/** Numbers read as priorities: 0 and 1 are the most severe, 5 the least. */
const NUMBERS: readonly Severity[] = ["critical", "critical", "high", "medium", "low", "info"];

const compact = (word: string) =>
  word
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, "");

/** The severity a word or number names, or null when it is not in the table. */
export function knownSeverity(value: unknown): Severity | null {
  if (typeof value === "number") return Number.isInteger(value) && value >= 0 && value <= 5 ? NUMBERS[value]! : null;
  if (typeof value !== "string") return null;
  // A word of the table as it stands (`critical`, `warning`) reads as itself, without a copy.
  if (Object.hasOwn(SEVERITY_WORDS, value)) return SEVERITY_WORDS[value]!;
  const word = compact(value);
  if (/^[0-5]$/.test(word)) return NUMBERS[Number(word)]!;
  if (Object.hasOwn(SEVERITY_WORDS, word)) return SEVERITY_WORDS[word]!;
  // "P1 - Critical", "SEV2 (major)": the leading priority decides.
  const lead = /^(p|sev)([0-5])(?![0-9])/.exec(word);
  return lead ? (SEVERITY_WORDS[`${lead[1]}${lead[2]}`] ?? null) : null;
}

/** Maps a source's severity word or number to the closed scale; unknown or missing → `medium`. */
export function severityOf(value: unknown): Severity {
  return knownSeverity(value) ?? "medium";
}

/** The first of several candidates that is a known severity, else `medium`. */
export function firstSeverity(...values: unknown[]): Severity {
  for (const v of values) {
    const s = knownSeverity(v);
    if (s) return s;
  }
  return "medium";
}
