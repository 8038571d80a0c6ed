import type { InlineCode, PhrasingContent, Text } from "mdast";
import { breakReferences, oneLine, visible } from "../../untrusted-text.js";

export { oneLine, visible };

/**
 * Untrusted text (alert titles, labels, log lines, commit messages, findings) made inert for
 * Markdown. remark escapes Markdown syntax and HTML; what it leaves live on GitHub is handled here:
 * @mentions (they notify people), issue references and closing keywords (they cross-reference and
 * close issues), literal autolinks (an alert could plant a link) and invisible characters
 * (bidirectional overrides can disguise text).
 */

// What GFM turns into a link by itself: scheme://…, www.…, and e-mail addresses.
const AUTOLINK = /[a-z][a-z0-9+.-]*:\/\/\S*|www\.\S*|[^\s@]+@[^\s@]+\.[^\s@]+/gi;

/**
 * Breaks `@name` with a zero-width joiner so GitHub never turns it into a mention, and issue
 * references and closing keywords (`closes #12`, `owner/repo#3`, `GH-4`) so alert or model text never
 * cross-references or closes an issue (untrusted-text.ts).
 */
export function breakMentions(text: string): string {
  return breakReferences(text.replace(/@(?=[A-Za-z0-9])/g, "@\u200d"));
}

/** Untrusted text as phrasing nodes: one line, mentions broken, anything GFM would autolink shown as code. */
export function inert(text: string, max = 300): PhrasingContent[] {
  // References and closing keywords are broken on the whole line first, as `closes https://…` is
  // split into text and code below; the pieces are visible already, so their joiners are kept.
  const line = breakReferences(oneLine(text, max));
  if (!line) return [{ type: "text", value: "—" }];
  const piece = (s: string): Text => ({ type: "text", value: breakMentions(s) });
  const out: PhrasingContent[] = [];
  let last = 0;
  for (const m of line.matchAll(AUTOLINK)) {
    if (m.index > last) out.push(piece(line.slice(last, m.index)));
    out.push(code(m[0]));
    last = m.index + m[0].length;
  }
  if (last < line.length) out.push(piece(line.slice(last)));
  return out;
}

/** Untrusted text as one text node, mentions broken (for places that cannot hold code, such as link text). */
export function plain(text: string): Text {
  return { type: "text", value: breakMentions(visible(text)) };
}

/** Untrusted or identifier text as inline code: one line, mentions broken (remark picks a safe fence). */
export function code(text: string, max = 300): InlineCode {
  return { type: "inlineCode", value: breakMentions(oneLine(text, max)) || " " };
}

/** Untrusted multi-line text for a fenced block: visible characters, mentions broken, cut to `maxLines`. */
export function block(text: string, maxLines = 40): string {
  const lines = breakMentions(visible(text)).split(/\r?\n/);
  return lines.length > maxLines ? [...lines.slice(0, maxLines), `… ${lines.length - maxLines} more lines`].join("\n") : lines.join("\n");
}
