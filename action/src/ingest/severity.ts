import type { Severity } from "../model/index.js";

/**
 * Each source's severity words and numbers on Pipemedic's closed scale. Unknown words map to
 * `medium`: loud enough to investigate by default, never silently dropped.
 */
const WORDS: Record<string, Severity> = {
  critical: "critical", crit: "critical", fatal: "critical", emergency: "critical", p1: "critical", sev1: "critical", "sev-1": "critical", page: "critical", disaster: "critical",
  high: "high", error: "high", major: "high", alarm: "high", p2: "high", sev2: "high", "sev-2": "high", alert: "high", errored: "high",
  medium: "medium", warning: "medium", warn: "medium", moderate: "medium", p3: "medium", sev3: "medium", "sev-3": "medium", average: "medium",
  low: "low", minor: "low", p4: "low", sev4: "low", "sev-4": "low", insufficient_data: "low",
  info: "info", informational: "info", notice: "info", debug: "info", p5: "info", sev5: "info", none: "info", ok: "info", success: "info",
};

/** Maps a source's severity word or number to the closed scale; unknown → medium. */
export function severityOf(value: unknown): Severity {
  if (typeof value === "number") return (["critical", "critical", "high", "medium", "low", "info"] as const)[Math.min(5, Math.max(0, Math.round(value)))]!;
  if (typeof value !== "string") return "medium";
  return WORDS[value.trim().toLowerCase()] ?? "medium";
}
