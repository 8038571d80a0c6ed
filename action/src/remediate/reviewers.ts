import type { FixProposal, Problem, Snapshot } from "../model/index.js";
import { CODEOWNERS_PATHS, codeOwners } from "./codeowners.js";

/** Reviewers of a fix: the impacted pipelines' owners from knowledge, else the CODEOWNERS of the files it changes. */
export async function reviewersFor(problem: Problem, proposal: FixProposal, head: Snapshot): Promise<string[]> {
  const owners = problem.pipelines.flatMap((p) => p.owners);
  if (owners.length) return [...new Set(owners)];
  for (const path of CODEOWNERS_PATHS) {
    const file = await head.read(path);
    if (file) return [...new Set(Object.keys(proposal.files).flatMap((f) => codeOwners(file, f)))];
  }
  return [];
}
