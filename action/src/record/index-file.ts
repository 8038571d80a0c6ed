import type { Pattern } from "../patterns.js";
import type { Files, Incident, LifecycleWindows, Snapshot } from "../model/index.js";
import { IncidentIndexSchema } from "../model/index.js";
import { renderIncidentIndex } from "../report/index.js";
import { monthOf, renderScorecard } from "../report/scorecard.js";
import { INDEX_MD, INDEX_PATH, scorecardPath } from "./paths.js";

/** incidents/index.json as written: incidents in opening order, one JSON object per line group. */
export function serializeIndex(incidents: Incident[]): string {
  return `${JSON.stringify({ version: 1, incidents }, null, 1)}\n`;
}

/** Incidents in the order the index keeps them: by opening time, then id. */
export function orderIncidents(incidents: Incident[]): Incident[] {
  return [...incidents].sort((a, b) => a.openedAt.localeCompare(b.openedAt) || a.id.localeCompare(b.id));
}

/** Parses incidents/index.json text: the incidents, or the problem that names the field and the fix. */
export function parseIndex(text: string): { incidents: Incident[] } | { problem: string } {
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
  return { incidents: parsed.data.incidents };
}

/** Reads incidents/index.json at a head; a missing index is an empty one, a broken one is an error that names the fix. */
export async function readIndex(head: Snapshot): Promise<Incident[]> {
  const text = await head.read(INDEX_PATH);
  if (text === null) return [];
  const parsed = parseIndex(text);
  if ("problem" in parsed) throw new Error(`${parsed.problem}; restore it from git history or run \`pipemedic index\``);
  return parsed.incidents;
}

/**
 * incidents/index.json (the state correlation reads), incidents/README.md (the page people read) and
 * the scorecards of `months`, derived together. By default only the newest incident's month: every
 * commit keeps the current scorecard true, and `pipemedic index` redoes every month. With the policy's
 * `windows`, the page shows incidents closed by the quiet period as such.
 */
export function indexFiles(incidents: Incident[], redactPatterns: Pattern[] = [], months?: string[], windows?: LifecycleWindows): Files {
  const ordered = orderIncidents(incidents);
  const newest = ordered.length ? monthOf(ordered.at(-1)!.openedAt) : null;
  // The page shows none of the per-alert lists: leaving them out spares redacting every incident's alert ids.
  const page = ordered.map((i) => ({ ...i, alerts: [], deliveries: [], resolvedFingerprints: [], groupingReasons: [] }));
  const files: Files = {
    [INDEX_PATH]: serializeIndex(ordered),
    [INDEX_MD]: renderIncidentIndex(page, { redactPatterns, ...(windows ? { windows } : {}) }),
  };
  for (const month of months ?? (newest ? [newest] : [])) files[scorecardPath(month)] = renderScorecard(month, ordered, { redactPatterns });
  return files;
}
