/**
 * Untrusted text (alert titles, labels, log lines, commit messages, model output) made safe to show
 * or pass on as one line. The report renders it (report/markdown/inert.ts) and the LLM tasks quote
 * it (llm/tasks/text.ts); both start here.
 */

/** Format characters that render as nothing (soft hyphen, zero-width space and joiners, bidirectional overrides, BOM), for a character class. */
export const FORMAT_CHARACTERS = "\\u00ad\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u2069\\ufeff";
/** Controls except tab and newline, and the format characters: they hide text from a reader. */
const INVISIBLE = new RegExp(`[\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f${FORMAT_CHARACTERS}]`, "g");

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

/**
 * A closing keyword GitHub acts on when it precedes a reference or an issue URL (`closes #12`,
 * `Fixes: owner/repo#3`, `resolved https://github.com/o/r/issues/4`): merged, the pull request would
 * close that issue.
 */
const CLOSING_KEYWORD = /\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)(?=:?[^\S\n]+(?:#\d|gh-\d|[\w.-]+(?:\/[\w.-]+)?#\d|https?:\/\/))/gi;
/** Where GitHub would read an issue or pull request reference: `#12`, `GH-12`, and so `owner/repo#12` and `owner#12`. */
const REFERENCE = /#(?=\d)|\bgh-(?=\d)/gi;

/**
 * Untrusted text that GitHub will not turn into an issue reference or an auto-closing keyword: a
 * zero-width joiner after `#` and `GH-` (so `#12`, `GH-12`, `owner/repo#12` stay plain text, with
 * no cross-reference in the issue), and inside a closing keyword that precedes a reference or a URL.
 * The reader sees the same characters.
 */
export function breakReferences(text: string): string {
  return text.replace(CLOSING_KEYWORD, (k) => `${k[0]}\u200d${k.slice(1)}`).replace(REFERENCE, (r) => `${r}\u200d`);
}
