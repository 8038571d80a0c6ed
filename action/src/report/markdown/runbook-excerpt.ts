import type { Nodes, RootContent } from "mdast";
import { fromMarkdown } from "./serialize.js";
import { textOf } from "./shared-sections.js";

/** Drops raw HTML and images; runbooks are ours, but the report promises plain Markdown. */
function clean(node: Nodes): Nodes | null {
  if (node.type === "html" || node.type === "image" || node.type === "imageReference" || node.type === "yaml") return null;
  if ("children" in node) {
    const children = (node.children as Nodes[]).map(clean).filter((c): c is Nodes => c !== null);
    return { ...node, children } as Nodes;
  }
  return node;
}

/**
 * The section of a runbook's prose under the first heading matching `heading` (up to the next
 * heading of the same or a higher level), with its headings set to `depth`. Empty when absent.
 */
export function runbookSection(body: string, heading: RegExp, depth: 3 | 4 | 5 = 4): RootContent[] {
  const nodes = fromMarkdown(body).children;
  const start = nodes.findIndex((n) => n.type === "heading" && heading.test(textOf(n)));
  if (start < 0) return [];
  const level = (nodes[start] as { depth: number }).depth;
  const out: RootContent[] = [];
  for (const n of nodes.slice(start + 1)) {
    if (n.type === "heading" && n.depth <= level) break;
    const c = clean(n);
    if (c) out.push((c.type === "heading" ? { ...c, depth } : c) as RootContent);
  }
  return out;
}
