/**
 * Untrusted text (alert titles, labels, log lines, commit messages, model output) made safe to show
 * or pass on as one line. The report renders it (report/markdown/inert.ts) and the LLM tasks quote
 * it (llm/tasks/text.ts); both start here.
 */

/** Controls except tab and newline, zero-width characters and bidirectional overrides: they hide text from a reader. */
// eslint-disable-next-line no-control-regex -- stripping control characters is what this pattern is for
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/** Drops invisible and control characters; keeps tabs and newlines. */
export function visible(text: string): string {
  return text.replace(INVISIBLE, "");
}

/** Cuts text to `max` characters, marking the cut; never between the two halves of a surrogate pair. */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--; // a lone half would reach the reader as U+FFFD
  return `${text.slice(0, end)}…`;
}

/** One line of untrusted text: visible characters, whitespace collapsed, cut to `max` characters. */
export function oneLine(text: string, max = 300): string {
  return cut(visible(text).replace(/\s+/g, " ").trim(), max);
}
