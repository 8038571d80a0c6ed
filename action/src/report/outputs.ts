import type { IncidentOutcome, IncidentOutput, PipelineResult } from "../model/index.js";
import { oneLine } from "../untrusted-text.js";

/** Where a person opens a repository file and a pull request; without a forge, the path itself and no pull request link. */
export interface ForgeLinks {
  file: (path: string) => string;
  pull: (number: number) => string | null;
}

const encodePath = (path: string) => path.split("/").map(encodeURIComponent).join("/");

/**
 * Links on a GitHub (or GitHub Enterprise) server for `owner/repo`, files on `branch`. Without a
 * repository (a local run), files are their repository paths and there is no pull request link.
 */
export function forgeLinks(opts: { serverUrl?: string | undefined; repository?: string | undefined; branch: string }): ForgeLinks {
  const [owner, repo] = (opts.repository ?? "").split("/");
  if (!owner || !repo) return { file: (p) => p, pull: () => null };
  const base = `${(opts.serverUrl || "https://github.com").replace(/\/+$/, "")}/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;
  return {
    file: (p) => `${base}/blob/${encodePath(opts.branch)}/${encodePath(p)}`,
    pull: (n) => `${base}/pull/${n}`,
  };
}

/** One touched incident as the `incidents` output carries it. */
export function incidentOutput(o: IncidentOutcome, links: ForgeLinks): IncidentOutput {
  const rca = o.investigation?.rca ?? null;
  const pr = o.fix?.pr ?? null;
  return {
    id: o.incident.id,
    // One line of visible text, cut: a later step puts it in a chat message or a shell variable.
    title: oneLine(o.incident.title, 200),
    status: o.incident.status,
    root_cause: rca ? rca.rootCause : null,
    conclusion: rca ? rca.conclusion : "not-investigated",
    confidence: rca ? Math.round(rca.confidence * 100) / 100 : null,
    report_url: links.file(o.reportPath),
    fix_pr_url: pr !== null ? links.pull(pr) : null,
  };
}

/** The Action's outputs for a run: every touched incident, and how many bodies no source could read. */
export function runOutputs(result: PipelineResult, links: ForgeLinks): { incidents: IncidentOutput[]; unparsedCount: number } {
  return {
    incidents: result.outcomes.map((o) => incidentOutput(o, links)),
    // Bodies read by inference were investigated; the count is of those that were not.
    unparsedCount: result.unparsed.filter((u) => !u.inferred).length,
  };
}
