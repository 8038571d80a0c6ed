import type { BlockContent, Code, Heading, Link, List, ListItem, Paragraph, PhrasingContent, Strong, Table, TableCell, TableRow, Text } from "mdast";

/**
 * Small constructors for the mdast nodes the artifacts use. Text given here as a plain string is
 * our own wording; untrusted text goes through inert.ts first and arrives as nodes.
 */

/** Phrasing as our wording (strings), inert nodes, or nested lists of both. */
export type Inline = string | PhrasingContent | Inline[];

/** Our own wording as a text node. */
export function text(value: string): Text {
  return { type: "text", value };
}

/** Flattens inline parts into phrasing nodes. */
export function phrasing(parts: Inline[]): PhrasingContent[] {
  return parts.flatMap((p): PhrasingContent[] => (typeof p === "string" ? (p ? [text(p)] : []) : Array.isArray(p) ? phrasing(p) : [p]));
}

/** A heading of `depth` from our wording and inert nodes. */
export function heading(depth: 1 | 2 | 3 | 4, ...parts: Inline[]): Heading {
  return { type: "heading", depth, children: phrasing(parts) };
}

/** A paragraph from our wording and inert nodes. */
export function paragraph(...parts: Inline[]): Paragraph {
  return { type: "paragraph", children: phrasing(parts) };
}

/** Bold phrasing. */
export function strong(...parts: Inline[]): Strong {
  return { type: "strong", children: phrasing(parts) };
}

/** A link we built: `url` is a path or URL of our making, never alert text. */
export function link(url: string, ...parts: Inline[]): Link {
  return { type: "link", url, children: phrasing(parts) };
}

/** A bullet (or numbered) list; each item is one line of phrasing. */
export function list(items: Inline[][], ordered = false): List {
  return blockList(
    items.map((item) => [paragraph(...item)]),
    ordered,
  );
}

/** A list whose items hold blocks (a paragraph and a nested list, a code block). */
export function blockList(items: BlockContent[][], ordered = false): List {
  const children: ListItem[] = items.map((blocks) => ({ type: "listItem", spread: false, children: blocks }));
  return { type: "list", ordered, spread: false, children };
}

/** A GFM table; every row is cut or padded to the header's width so one bad row cannot break it. */
export function table(header: string[], rows: Inline[][]): Table {
  const cell = (c: Inline): TableCell => ({ type: "tableCell", children: phrasing([c]) });
  const row = (cells: Inline[]): TableRow => ({
    type: "tableRow",
    children: header.map((_, i) => cell(cells[i] ?? "")),
  });
  return { type: "table", align: header.map(() => null), children: [row(header), ...rows.map(row)] };
}

/** A fenced code block; remark picks a fence longer than any run of backticks inside. */
export function codeBlock(value: string, lang: string | null = null): Code {
  return { type: "code", lang, meta: null, value };
}
