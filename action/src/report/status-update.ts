import { parseDocument } from "yaml";

/**
 * Updates fields (dotted paths for nested ones) of a Markdown file's YAML frontmatter in place, keeping comments, key order and
 * the body untouched (human edits such as `feedback` survive).
 */
export function updateFrontmatter(markdown: string, patch: Record<string, unknown>): string {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(markdown);
  if (!m) return markdown;
  const doc = parseDocument(m[1]!);
  // A dotted key sets a nested field (`fix.state`), leaving its siblings as they were.
  for (const [k, v] of Object.entries(patch)) doc.setIn(k.split("."), v);
  return `---\n${doc.toString().replace(/\n$/, "")}\n---\n${markdown.slice(m[0].length)}`;
}
