import type { Pattern } from "../../patterns.js";
import { redact } from "../../redact.js";
import { cut, oneLine, visible } from "../../untrusted-text.js";

/** One line of untrusted text made safe to send or report: redacted, then as oneLine (visible, collapsed, cut). */
export function redactedLine(text: string, max: number, patterns: Pattern[] = []): string {
  return oneLine(redact(text, patterns), max);
}

/** Paragraphs of untrusted text: as redactedLine, but blank-line paragraph breaks survive. */
export function paragraphs(text: string, max: number, patterns: Pattern[] = []): string {
  const paras = redact(text, patterns)
    .replace(/\r\n?/g, "\n")
    .split(/\n\s*\n/)
    .map((p) => visible(p).replace(/\s+/g, " ").trim())
    .filter(Boolean);
  return cut(paras.join("\n\n"), max);
}
