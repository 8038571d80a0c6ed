import type { Evidence } from "../model/index.js";

/** An id as a file-name part: lowercase `[a-z0-9-]`, no dot, no slash, never empty. */
export function fileSlug(id: string, max = 60): string {
  const s = id
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, max)
    .replace(/-+$/, "");
  return s || "x";
}

/**
 * The file of each evidence record, relative to the incident folder: `evidence/<hypothesis>--<check>.json`.
 * Names come from ids reduced to `[a-z0-9-]`, so no id can climb out of the folder; ids that reduce to
 * the same name get `-2`, `-3`.
 */
export function evidenceFiles(evidence: Evidence[]): Map<Evidence, string> {
  const taken = new Set<string>();
  const out = new Map<Evidence, string>();
  for (const e of evidence) {
    const base = `${fileSlug(e.hypothesis)}--${fileSlug(e.check)}`;
    let name = base;
    for (let i = 2; taken.has(name); i++) name = `${base}-${i}`;
    taken.add(name);
    out.set(e, `evidence/${name}.json`);
  }
  return out;
}
