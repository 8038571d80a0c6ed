import type { Pattern } from "../patterns.js";
import type { Files, Incident, LifecycleWindows, Snapshot, Unparsed, UnparsedEntry } from "../model/index.js";
import { IncidentIndexSchema } from "../model/index.js";
import { renderIncidentIndex } from "../report/index.js";
import { monthOf, renderScorecard } from "../report/scorecard.js";
import { INDEX_MD, INDEX_PATH, scorecardPath, UNPARSED_DIR, unparsedPath } from "./paths.js";

/** incidents/index.json as written: incidents in opening order, one JSON object per line group. */
export function serializeIndex(incidents: Incident[], unparsed: UnparsedEntry[] = []): string {
  return `${JSON.stringify({ version: 1, incidents, ...(unparsed.length ? { unparsed } : {}) }, null, 1)}\n`;
}

/** How the index lists a kept body: its file, its reason (cut to a line's worth) and whether the body was cut. */
export function unparsedEntry(u: Unparsed): UnparsedEntry {
  return {
    path: unparsedPath(u),
    delivery: u.delivery,
    receivedAt: u.receivedAt,
    reason: u.reason.length > 300 ? `${u.reason.slice(0, 299)}…` : u.reason,
    ...(u.inferred ? { inferred: true } : {}),
    ...(u.truncated ? { truncated: u.truncated } : {}),
  };
}

/**
 * The bodies the index lists: those it listed and this commit's, newest first, one per file, without
 * those whose file is gone (a person mapped and removed it). `present` lists incidents/_unparsed/.
 */
export function mergeUnparsed(listed: UnparsedEntry[], added: Unparsed[], present: string[]): UnparsedEntry[] {
  const byPath = new Map<string, UnparsedEntry>();
  for (const e of listed) byPath.set(e.path, e);
  for (const u of added) byPath.set(unparsedPath(u), unparsedEntry(u));
  const kept = new Set(present);
  for (const u of added) kept.add(unparsedPath(u));
  return [...byPath.values()].filter((e) => kept.has(e.path)).sort((a, b) => b.receivedAt.localeCompare(a.receivedAt) || a.path.localeCompare(b.path));
}

/** Incidents in the order the index keeps them: by opening time, then id. */
export function orderIncidents(incidents: Incident[]): Incident[] {
  return [...incidents].sort((a, b) => a.openedAt.localeCompare(b.openedAt) || a.id.localeCompare(b.id));
}

/** Parses incidents/index.json text: the incidents, or the problem that names the field and the fix. */
export function parseIndex(text: string): { incidents: Incident[]; unparsed: UnparsedEntry[] } | { problem: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return { problem: `${INDEX_PATH}: not valid JSON (${(err as Error).message})` };
  }
  const parsed = IncidentIndexSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { problem: `${INDEX_PATH}: ${issue.path.join(".") || "(top level)"}: ${issue.message}` };
  }
  return { incidents: parsed.data.incidents, unparsed: parsed.data.unparsed ?? [] };
}

/** Reads incidents/index.json at a head; a missing index is an empty one, a broken one is an error that names the fix. */
export async function readIndex(head: Snapshot): Promise<Incident[]> {
  return (await readIndexFile(head)).incidents;
}

/** incidents/index.json at a head, whole: the incidents and the unparsed bodies it lists. */
export async function readIndexFile(head: Snapshot): Promise<{ incidents: Incident[]; unparsed: UnparsedEntry[] }> {
  const text = await head.read(INDEX_PATH);
  if (text === null) return { incidents: [], unparsed: [] };
  const parsed = parseIndex(text);
  if ("problem" in parsed) throw new Error(`${parsed.problem}; restore it from git history or run \`pipemedic index\``);
  return parsed;
}

/** The files under incidents/_unparsed/ at a head. */
export async function unparsedFiles(head: Snapshot): Promise<string[]> {
  return (await head.list(UNPARSED_DIR)).filter((p) => p.endsWith(".json"));
}

/**
 * incidents/index.json (the state correlation reads), incidents/README.md (the page people read) and
 * the scorecards of `months`, derived together. By default only the newest incident's month: every
 * commit keeps the current scorecard true, and `pipemedic index` redoes every month. With the policy's
 * `windows`, the page shows incidents closed by the quiet period as such.
 */
export function indexFiles(
  incidents: Incident[],
  redactPatterns: Pattern[] = [],
  months?: string[],
  windows?: LifecycleWindows,
  /** The unparsed bodies kept under incidents/_unparsed/: listed in index.json and first on the page. */
  unparsed: UnparsedEntry[] = [],
): Files {
  const ordered = orderIncidents(incidents);
  const newest = ordered.length ? monthOf(ordered.at(-1)!.openedAt) : null;
  // The page shows none of the per-alert lists: leaving them out spares redacting every incident's alert ids.
  const page = ordered.map((i) => ({ ...i, alerts: [], deliveries: [], resolvedFingerprints: [], groupingReasons: [] }));
  const files: Files = {
    [INDEX_PATH]: serializeIndex(ordered, unparsed),
    [INDEX_MD]: renderIncidentIndex(page, { redactPatterns, unparsed, ...(windows ? { windows } : {}) }),
  };
  for (const month of months ?? (newest ? [newest] : [])) files[scorecardPath(month)] = renderScorecard(month, ordered, { redactPatterns });
  return files;
}
