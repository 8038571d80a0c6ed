import type { BlockContent, PhrasingContent, RootContent } from "mdast";
import type { SimilarIncident } from "../../model/index.js";
import { incidentFiles } from "../../record/paths.js";
import { code, inert } from "./inert.js";
import { hrefFrom } from "./links.js";
import { link, list, paragraph, type Inline } from "./nodes.js";

/** Past incidents that resemble this one, each linked to its README. */
export function similarList(similar: SimilarIncident[], fromFolder: string, linkTo: (p: string) => string): BlockContent {
  if (!similar.length) return paragraph("None found in this repository's incident history.");
  return list(
    similar.map((s) => {
      const href = hrefFrom(fromFolder, incidentFiles.readme(s), linkTo);
      const name: PhrasingContent = href ? link(href, code(s.id)) : code(s.id);
      const cause: Inline[] = s.rootCause
        ? [" — root cause ", code(s.rootCause), s.corrected ? " (corrected by review)" : s.confirmed ? " (confirmed by review)" : " (not confirmed)"]
        : [" — root cause unknown"];
      return [name, ...cause, ", ", ...inert(s.reason || "similar", 120)];
    }),
  );
}

/** The text of a node and its children: for matching runbook headings. */
export function textOf(node: RootContent | { children?: unknown; value?: unknown }): string {
  const n = node as { value?: unknown; children?: unknown };
  if (typeof n.value === "string") return n.value;
  return Array.isArray(n.children) ? n.children.map((c) => textOf(c as RootContent)).join("") : "";
}
