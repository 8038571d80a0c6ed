import type { Root } from "mdast";
import { remark } from "remark";
import remarkFrontmatter from "remark-frontmatter";
import remarkGfm from "remark-gfm";

// One processor for every artifact, so all of them escape and format alike.
const processor = remark()
  .use(remarkGfm)
  .use(remarkFrontmatter, ["yaml"])
  .data("settings", { bullet: "-", emphasis: "_", strong: "*", fence: "`", rule: "-", listItemIndent: "one" });

/** Serializes an mdast tree to GitHub-flavoured Markdown. */
export function toMarkdown(tree: Root): string {
  return processor.stringify(tree);
}

/** Parses Markdown (GFM and YAML frontmatter) to mdast: for reading runbooks and for tests. */
export function fromMarkdown(markdown: string): Root {
  return processor.parse(markdown);
}
