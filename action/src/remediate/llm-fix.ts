import type { Config, FixProposal, Investigation, Llm, Problem, Snapshot } from "../model/index.js";
import { proposeFixPatch } from "../llm/index.js";
import { breakReferences } from "../untrusted-text.js";
import { allowedPath } from "./propose.js";

/**
 * A fix the LLM proposes when the cause's runbook defines none: one file the impacted pipeline names
 * in its config, only on allowed paths, always a draft for a human to judge.
 */
export async function llmFix(
  llm: Llm,
  problem: Problem,
  investigation: Investigation,
  head: Snapshot,
  config: Config,
  note: string,
): Promise<{ proposal: FixProposal | null; note: string }> {
  const path = problem.pipelines.flatMap((p) => Object.values(p.config)).find((p) => allowedPath(p, config) === null);
  const content = path ? await head.read(path) : null;
  if (!path || content === null) return { proposal: null, note };
  const top = investigation.rca.ranked[0]!;
  const patch = await proposeFixPatch(
    llm,
    { id: top.id, title: top.title, findings: investigation.evidence.filter((e) => e.hypothesis === top.id && e.verdict === "pass").map((e) => e.finding) },
    { path, content },
    (p) => allowedPath(p, config) === null,
  );
  if (!patch || patch.content === content) return { proposal: null, note };
  return {
    proposal: {
      kind: "config-patch",
      cause: top.id,
      path: patch.path,
      files: { [patch.path]: patch.content },
      branch: `pipemedic/fix/${problem.incidentId}`,
      title: `Draft fix for ${breakReferences(top.title.toLowerCase())} (${problem.incidentId})`,
      message: `fix(${problem.incidentId}): ${top.id}: LLM-proposed change to ${patch.path}`,
      description: `Proposed by an LLM, not by a runbook: ${patch.explanation}`,
      rollback: `Revert this pull request's commit.`,
      reversible: true,
      draft: true,
    },
    note: `LLM-proposed draft change to ${patch.path}`,
  };
}
