import type { LifecycleWindows, Progress, Store } from "../model/index.js";
import { applyReview, incidentOfBranch, type ReviewOutcome } from "../memory/learn.js";
import { INDEX_PATH, incidentFiles, indexFiles, readIndexFile } from "../record/index.js";
import { updateFrontmatter } from "../record/index.js";
import { scenarioFilesFor } from "./history-scenarios.js";

/**
 * The second flow, learning: records a fix pull request's review in the incident it belongs to (one commit): the index entry,
 * the README frontmatter and the incident index. Memory then treats the cause as confirmed (merged)
 * or rejected (closed unmerged). A merged fix also adds the incident as a replay scenario under
 * scenarios/<incident-id>/ in the same commit (history as tests). A pull request from any other branch is ignored.
 */
export async function learnFromReview(
  store: Store,
  review: ReviewOutcome & { branch: string },
  progress: Progress,
  /** The policy's windows, for the incident index page (incidents closed by the quiet period). */
  windows?: LifecycleWindows,
): Promise<{ incidentId: string | null; sha: string | null }> {
  const incidentId = incidentOfBranch(review.branch);
  if (!incidentId) {
    progress.info(`${review.branch} is not a Pipemedic fix branch; nothing to learn`);
    return { incidentId: null, sha: null };
  }
  const { sha } = await store.commit(`pipemedic: ${incidentId}: fix #${review.number} ${review.merged ? "merged" : "closed unmerged"}`, async (head) => {
    const { incidents, unparsed } = await readIndexFile(head);
    const i = incidents.findIndex((x) => x.id === incidentId);
    if (i < 0) throw new Error(`${INDEX_PATH}: no incident ${incidentId} for branch ${review.branch}; was the incident commit lost?`);
    const { incident, frontmatter } = applyReview(incidents[i]!, review);
    incidents[i] = incident;
    const files = indexFiles(incidents, [], undefined, windows, unparsed);
    const readme = await head.read(incidentFiles.readme(incident));
    if (readme) files[incidentFiles.readme(incident)] = updateFrontmatter(readme, frontmatter);
    // The review settled the truth: the incident becomes a regression test of the runbooks.
    if (review.merged) Object.assign(files, await scenarioFilesFor(head, incident.path, files, progress));
    return files;
  });
  progress.info(`${incidentId}: fix #${review.number} ${review.merged ? "merged: cause confirmed by review" : "closed: rejection recorded"}`);
  return { incidentId, sha };
}
