import type { Nodes, Root } from "mdast";
import { fromMarkdown } from "../../src/report/markdown/serialize.js";

/** Every node of a tree, depth first. */
export function nodesOf(tree: Nodes): Nodes[] {
  const out: Nodes[] = [tree];
  if ("children" in tree) for (const c of tree.children as Nodes[]) out.push(...nodesOf(c));
  return out;
}

/** Parses Markdown as GitHub would (GFM + frontmatter) and returns the tree with its nodes. */
export function parsed(markdown: string): { tree: Root; nodes: Nodes[] } {
  const tree = fromMarkdown(markdown);
  return { tree, nodes: nodesOf(tree) };
}

/** All literal text a reader sees: text, inline code and code values, zero-width joiners removed. */
export function visibleText(markdown: string): string {
  return parsed(markdown)
    .nodes.map((n) => ("value" in n && typeof n.value === "string" ? n.value : ""))
    .join("\n")
    .replace(/\u200d/g, "");
}

/** The text of a node and its children. */
export function textOf(node: Nodes): string {
  return nodesOf(node)
    .map((n) => ("value" in n && typeof n.value === "string" && n.type !== "yaml" ? n.value : ""))
    .join("");
}

/** A mention GitHub would render and notify. */
export const MENTION = /(^|\s)@[A-Za-z0-9]/m;

/** Links the report itself builds: files of the folder, runbooks and past incidents by relative path. */
export const OWN_LINK =
  /^(evidence\/[a-z0-9-]+\.json|problem\.md|plan\.md|hypotheses\.md|README\.md|alerts\.jsonl|(\.\.\/)+runbooks\/[a-z0-9-]+\.md|(\.\.\/)*(\d{4}\/)?(\d{2}\/)?[a-z0-9-]+\/README\.md)$/;

const LABEL = String.raw`[\p{L}\p{N} ._\-/=+(),…]+`;
const NUM = String.raw`-?\d+(\.\d+)?`;
const NUMS = String.raw`\[${NUM}(, ${NUM})*\]`;
const line = (source: string) => new RegExp(`^${source}$`, "u");
/** The only init directive the reports write: an xychart's palette (#rrggbb colours) and size. */
const INIT = line(
  String.raw`%%\{init: \{"themeVariables":\{"xyChart":\{"plotColorPalette":"#[0-9a-f]{6}(, #[0-9a-f]{6})*"\}\},"xyChart":\{"width":\d+,"height":\d+,"showLegend":true\}\}\}%%`,
);

const MERMAID_LINE = {
  timeline: [/^timeline$/, line(` {4}title ${LABEL}`), /^ {4}section \d{4}-\d{2}-\d{2}$/, line(String.raw` {8}\d{2}\.\d{2}( : ${LABEL})+`)],
  "xychart-beta": [
    /^xychart-beta$/,
    line(` {4}title "${LABEL}"`),
    line(` {4}x-axis "${LABEL}" ${NUM} --> ${NUM}`),
    /^ {4}x-axis \["\d{2}"(, "\d{2}")*\]$/,
    line(` {4}y-axis "${LABEL}" ${NUM} --> ${NUM}`),
    line(` {4}(line|bar)( "${LABEL}")? ${NUMS}`),
  ],
};

/** The lines of a Mermaid block that fall outside the grammar the report generates (empty when intact). */
export function strayMermaidLines(value: string): string[] {
  const lines = value.split("\n");
  if (INIT.test(lines[0] ?? "")) lines.shift();
  const [first, ...rest] = lines;
  const grammar = MERMAID_LINE[first as keyof typeof MERMAID_LINE];
  if (!grammar) return [first ?? ""];
  return rest.filter((line) => !grammar.some((re) => re.test(line)));
}
