import { redact } from "../redact.js";

/** Control characters, bidirectional overrides and zero-width characters: they hide text from a reader. */
const INVISIBLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;

/** Cuts text to `max` characters, marking the cut. */
export function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** One line of untrusted text made safe to pass on: redacted, invisible characters removed, whitespace collapsed, cut. */
export function oneLine(text: string, max: number, patterns: RegExp[] = []): string {
  return cut(redact(text, patterns).replace(INVISIBLE, "").replace(/\s+/g, " ").trim(), max);
}

/** Paragraphs of untrusted text: as oneLine, but blank-line paragraph breaks survive. */
export function paragraphs(text: string, max: number, patterns: RegExp[] = []): string {
  const paras = redact(text, patterns)
    .replace(/\r\n?/g, "\n")
    .split(/\n\s*\n/)
    .map((p) => p.replace(INVISIBLE, "").replace(/\s+/g, " ").trim())
    .filter(Boolean);
  return cut(paras.join("\n\n"), max);
}
