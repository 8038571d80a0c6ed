import type { Files, Progress, Snapshot, Store } from "../model/index.js";
import { ExportError, exportIncident } from "../eval/export.js";
import { parseIncidentFrontmatter } from "../record/index.js";

/**
 * History as tests: an incident whose truth a person settled (its fix merged, or its cause corrected)
 * becomes a replay scenario under scenarios/<incident-id>/, committed by the store beside the incident
 * itself, so `pipemedic eval scenarios/` guards the runbooks with the team's own history.
 */

/** Where learned scenarios live in the repository. */
export const SCENARIOS_DIR = "scenarios";

// The README of an incident folder: incidents/YYYY/MM/<id>/README.md.
const INCIDENT_README = /^(incidents\/[0-9]{4}\/[0-9]{2}\/[^/]+)\/README\.md$/;

/**
 * The scenario files of the incident at `incidentPath`, as they will be once `changed` lands on `head`
 * (the learning commit's own README and index), under scenarios/<id>/. An incident that cannot make a
 * scenario (never investigated, or investigated before Pipemedic kept what it read) gives none, with a
 * warning: learning never fails for it.
 */
export async function scenarioFilesFor(head: Snapshot, incidentPath: string, changed: Files, progress: Progress): Promise<Files> {
  const after: Snapshot = {
    read: (path) => (path in changed ? Promise.resolve(changed[path]!) : head.read(path)),
    list: (prefix) => head.list(prefix),
  };
  try {
    const exported = await exportIncident(after, incidentPath);
    for (const note of exported.notes) progress.info(`scenario ${exported.id}: ${note}`);
    return Object.fromEntries(Object.entries(exported.files).map(([p, c]) => [`${SCENARIOS_DIR}/${exported.id}/${p}`, c]));
  } catch (err) {
    if (!(err instanceof ExportError)) throw err;
    progress.warn(`no scenario for ${incidentPath}: ${err.message}`);
    return {};
  }
}

/**
 * The second way truth arrives: a person's correction (`feedback.actual_root_cause`) pushed in an
 * incident README. Each corrected incident among `paths` whose scenario is missing, or expects another
 * cause, gets its scenario (re)written in one commit. Returns the scenario ids written.
 */
export async function learnFromCorrections(store: Store, paths: string[], progress: Progress): Promise<{ ids: string[]; sha: string | null }> {
  const folders = [...new Set(paths.flatMap((p) => INCIDENT_README.exec(p)?.[1] ?? []))];
  if (!folders.length) {
    progress.info("no incident README changed; nothing to learn");
    return { ids: [], sha: null };
  }
  let ids: string[] = [];
  const { sha } = await store.commit("pipemedic: scenarios from corrected incidents", async (head) => {
    const files: Files = {};
    ids = [];
    for (const folder of folders) {
      const readme = await head.read(`${folder}/README.md`);
      if (!readme) continue;
      let actual: string | null;
      try {
        actual = parseIncidentFrontmatter(readme, `${folder}/README.md`).feedback.actual_root_cause?.trim() || null;
      } catch (err) {
        progress.warn(`${(err as Error).message}: not learned`);
        continue;
      }
      if (!actual) continue;
      const id = folder.split("/").pop()!;
      const existing = await head.read(`${SCENARIOS_DIR}/${id}/scenario.yaml`);
      if (existing && new RegExp(`^\\s*root_cause: ${actual.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*$`, "m").test(existing)) continue;
      const written = await scenarioFilesFor(head, folder, {}, progress);
      if (Object.keys(written).length) ids.push(id);
      Object.assign(files, written);
    }
    return Object.keys(files).length ? files : null;
  });
  progress.info(ids.length ? `scenarios from corrections: ${ids.join(", ")}` : "no correction needs a new scenario");
  return { ids, sha };
}
