import type { Incident, Unparsed } from "../model/index.js";

/**
 * Where the incident record lives in the repository. Every reader and writer of incidents/ names
 * its files through this module, so the layout is stated once.
 */

/** The machine-readable index correlation reads: every incident with its state. */
export const INDEX_PATH = "incidents/index.json";
/** The page people read: open incidents first, then history. */
export const INDEX_MD = "incidents/README.md";
/** Root of the record. */
export const INCIDENTS_DIR = "incidents";
/** Bodies no adapter could read, kept for a human to map. */
export const UNPARSED_DIR = "incidents/_unparsed";

/** The files of one incident folder. */
export const incidentFiles = {
  readme: (incident: Pick<Incident, "path">) => `${incident.path}/README.md`,
  alerts: (incident: Pick<Incident, "path">) => `${incident.path}/alerts.jsonl`,
} as const;

/** The folder of an incident README path (`…/<id>/README.md` → `…/<id>`), or null for other paths. */
export function folderOfReadme(path: string): string | null {
  if (!path.startsWith(`${INCIDENTS_DIR}/`) || !path.endsWith("/README.md") || path === INDEX_MD) return null;
  return path.slice(0, -"/README.md".length);
}

/** Unparsed bodies are kept under incidents/_unparsed/, named by day and delivery, never by their content. */
export function unparsedPath(u: Pick<Unparsed, "delivery" | "receivedAt">): string {
  const safe = u.delivery.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[.-]+/, "").slice(0, 80) || "delivery";
  return `${UNPARSED_DIR}/${u.receivedAt.slice(0, 10)}-${safe}.json`;
}
