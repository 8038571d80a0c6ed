import type { Incident, Unparsed } from "../model/index.js";

/**
 * Where the incident record lives in the repository. Every reader and writer of incidents/ names
 * its files through this module, so the layout is stated once.
 */

/** Root of the record. */
export const INCIDENTS_DIR = "incidents";
/** The machine-readable index correlation reads: every incident with its state. */
export const INDEX_PATH = `${INCIDENTS_DIR}/index.json`;
/** The page people read: open incidents first, then history. */
export const INDEX_MD = `${INCIDENTS_DIR}/README.md`;
/** Bodies no adapter could read, kept for a human to map. */
export const UNPARSED_DIR = `${INCIDENTS_DIR}/_unparsed`;
/** Where the monthly scorecards live. */
export const SCORECARDS_DIR = `${INCIDENTS_DIR}/scorecards`;
/** An incident folder's README: the RCA, whose frontmatter is the incident's record. */
export const README_FILE = "README.md";
/** An incident folder's alerts: one normalized alert per line. */
export const ALERTS_FILE = "alerts.jsonl";

const MONTH = /^[0-9]{4}-(0[1-9]|1[0-2])$/;
// The README of a folder in the layout `incidentPath` writes.
const INCIDENT_README = /^(incidents\/[0-9]{4}\/[0-9]{2}\/([^/]+))\/README\.md$/;

/** The folder of a month's incidents (`incidents/YYYY/MM`) for a YYYY-MM month. */
export function monthFolder(month: string): string {
  return `${INCIDENTS_DIR}/${month.slice(0, 4)}/${month.slice(5, 7)}`;
}

/** The folder an incident lives in: `incidents/YYYY/MM/<id>`, by the day its id starts with. */
export function incidentPath(id: string): string {
  return `${monthFolder(id.slice(0, 7))}/${id}`;
}

/** The files of one incident folder. */
export const incidentFiles = {
  readme: (incident: Pick<Incident, "path">) => `${incident.path}/${README_FILE}`,
  alerts: (incident: Pick<Incident, "path">) => `${incident.path}/${ALERTS_FILE}`,
} as const;

/**
 * The folder of any README under incidents/ but the index page (`…/<id>/README.md` → `…/<id>`), or
 * null for other paths: memory reads folders of any layout (imported history, a scenario's history/).
 */
export function folderOfReadme(path: string): string | null {
  if (!path.startsWith(`${INCIDENTS_DIR}/`) || !path.endsWith(`/${README_FILE}`) || path === INDEX_MD) return null;
  return path.slice(0, -`/${README_FILE}`.length);
}

/** The folder and id of an incident README in the layout Pipemedic writes (`incidents/YYYY/MM/<id>/README.md`), or null. */
export function incidentOfReadme(path: string): { dir: string; id: string } | null {
  const m = INCIDENT_README.exec(path);
  return m ? { dir: m[1]!, id: m[2]! } : null;
}

/** The path of a month's scorecard (`incidents/scorecards/YYYY-MM.md`); throws on anything but YYYY-MM. */
export function scorecardPath(month: string): string {
  if (!MONTH.test(month)) throw new Error(`scorecard month: expected YYYY-MM, got ${JSON.stringify(month)}`);
  return `${SCORECARDS_DIR}/${month}.md`;
}

/**
 * Unparsed bodies are kept under incidents/_unparsed/, named by day and delivery, never by their
 * content; a delivery named after its file (`cli-body.json`) is not given a second `.json`.
 */
export function unparsedPath(u: Pick<Unparsed, "delivery" | "receivedAt">): string {
  const safe =
    u.delivery
      .replace(/[^A-Za-z0-9._-]+/g, "-")
      .replace(/^[.-]+/, "")
      .replace(/\.json$/i, "")
      .slice(0, 80)
      .replace(/[.-]+$/, "") || "delivery";
  return `${UNPARSED_DIR}/${u.receivedAt.slice(0, 10)}-${safe}.json`;
}
