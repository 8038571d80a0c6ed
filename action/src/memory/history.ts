import type { Incident, SimilarIncident, Snapshot } from "../model/index.js";
import { folderOfReadme, INCIDENTS_DIR, incidentFiles, lenientFrontmatter } from "../record/index.js";

/** A past incident as memory sees it: the index entry plus what review said about its cause. */
export interface HistoryEntry {
  id: string;
  path: string;
  fingerprints: string[];
  pipelines: string[];
  alertnames: string[];
  openedAt: string;
  /** The cause Pipemedic named, or a human's correction when one was recorded. */
  rootCause: string | null;
  /** True when review confirmed the cause (a merged fix, or a human's `feedback.actual_root_cause`). */
  confirmed: boolean;
  /** True when the cause is a human's correction, not the one Pipemedic named (words: "corrected", never "confirmed"). */
  corrected?: boolean;
  /** The closed incident this one recurred after, when it is a recurrence. */
  recurrenceOf?: string;
}

/** A history entry from an incident index entry. */
export function entryFromIncident(i: Incident): HistoryEntry {
  return {
    id: i.id,
    path: i.path,
    fingerprints: i.fingerprints,
    pipelines: i.pipelines,
    alertnames: i.alertnames,
    openedAt: i.openedAt,
    rootCause: i.rootCause && i.rootCause.id !== "unknown" ? i.rootCause.id : null,
    confirmed: i.rootCause?.status === "confirmed-by-review" || i.rootCause?.status === "corrected-by-review",
    ...(i.rootCause?.status === "corrected-by-review" ? { corrected: true } : {}),
    ...(i.recurrenceOf ? { recurrenceOf: i.recurrenceOf } : {}),
  };
}

/**
 * Past incidents that resemble this one, most similar first: the same fingerprint, or the same
 * pipeline with an alert of the same name. A recurrence's earlier occurrences come before all of
 * them, the one it links to first and then the incidents that one recurred after, so the cause of
 * the last occurrence is the first memory considers. At most `limit`.
 */
export function findSimilar(
  history: HistoryEntry[],
  current: { id: string; fingerprints: string[]; pipelines: string[]; alertnames: string[]; recurrenceOf?: string | undefined },
  limit = 5,
): SimilarIncident[] {
  const byId = new Map(history.map((h) => [h.id, h]));
  const earlier: HistoryEntry[] = [];
  let next = current.recurrenceOf;
  while (next) {
    const h = byId.get(next);
    if (!h || h.id === current.id || earlier.includes(h)) break;
    earlier.push(h);
    next = h.recurrenceOf;
  }
  const linked = earlier.map((h, n) => ({
    h,
    reason: n === 0 ? "earlier occurrence: this incident is its recurrence" : `earlier occurrence: ${earlier[n - 1]!.id} recurred after it`,
  }));
  const scored = history
    .filter((h) => h.id !== current.id && !earlier.includes(h))
    .map((h) => {
      const fp = h.fingerprints.some((f) => current.fingerprints.includes(f));
      const pipeline = h.pipelines.find((p) => current.pipelines.includes(p));
      const name = h.alertnames.find((n) => current.alertnames.includes(n));
      const score = (fp ? 4 : 0) + (pipeline ? 2 : 0) + (name ? 1 : 0) + (h.confirmed ? 0.5 : 0);
      const reason = fp ? "same fingerprint" : pipeline && name ? `same pipeline ${pipeline} and alert ${name}` : "";
      return { h, score, reason, eligible: fp || (Boolean(pipeline) && Boolean(name)) };
    })
    .filter((x) => x.eligible)
    .sort((a, b) => b.score - a.score || b.h.openedAt.localeCompare(a.h.openedAt));
  return [...linked, ...scored].slice(0, limit).map(({ h, reason }) => ({
    id: h.id,
    path: h.path,
    rootCause: h.rootCause,
    confirmed: h.confirmed,
    ...(h.corrected ? { corrected: true } : {}),
    reason,
  }));
}

/** Reads the frontmatter of an incident README leniently: memory should use what it can of old folders. */
export function historyEntryFromReadme(dir: string, text: string): HistoryEntry | null {
  const data = lenientFrontmatter(text);
  if (!data) return null;
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
  const rc = (data.root_cause ?? {}) as Record<string, unknown>;
  const feedback = (data.feedback ?? {}) as Record<string, unknown>;
  const fix = (data.fix ?? {}) as Record<string, unknown>;
  const corrected = typeof feedback.actual_root_cause === "string" && feedback.actual_root_cause ? feedback.actual_root_cause : null;
  const named = typeof rc.id === "string" && rc.id !== "unknown" ? rc.id : null;
  return {
    id: typeof data.id === "string" ? data.id : dir.split("/").pop()!,
    path: dir,
    fingerprints: list(data.fingerprints),
    pipelines: list(data.pipelines),
    alertnames: list(data.alertnames),
    openedAt: typeof data.opened_at === "string" ? data.opened_at : "",
    rootCause: corrected ?? named,
    confirmed: corrected !== null || fix.state === "merged" || rc.status === "confirmed-by-review",
    // "Confirmed by review" is a merged fix's word; a person's feedback without one is a correction.
    ...(corrected !== null && fix.state !== "merged" && rc.status !== "confirmed-by-review" ? { corrected: true } : {}),
    ...(typeof data.recurrence_of === "string" && data.recurrence_of ? { recurrenceOf: data.recurrence_of } : {}),
  };
}

/** Memory of past incidents at a head: the index's entries, plus folders the index does not list (a scenario's history/, an imported folder). */
export async function loadHistory(head: Snapshot, indexed: Incident[]): Promise<HistoryEntry[]> {
  const known = new Set(indexed.map((i) => i.path));
  const out = indexed.map(entryFromIncident);
  for (const path of await head.list(INCIDENTS_DIR)) {
    const dir = folderOfReadme(path);
    if (!dir || known.has(dir)) continue;
    const text = await head.read(path);
    const entry = text ? historyEntryFromReadme(dir, text) : null;
    if (entry) out.push(entry);
  }
  return out;
}

/** Similar incidents as review left them: a human's `feedback.actual_root_cause` overrides the cause Pipemedic named. */
export async function withReview(head: Snapshot, similar: SimilarIncident[]): Promise<SimilarIncident[]> {
  return Promise.all(
    similar.map(async (s) => {
      const readme = await head.read(incidentFiles.readme(s));
      const reviewed = readme ? historyEntryFromReadme(s.path, readme) : null;
      return reviewed && (reviewed.confirmed || reviewed.rootCause !== s.rootCause)
        ? {
            ...s,
            rootCause: reviewed.rootCause,
            confirmed: reviewed.confirmed || s.confirmed,
            ...(reviewed.corrected || s.corrected ? { corrected: true } : {}),
          }
        : s;
    }),
  );
}
