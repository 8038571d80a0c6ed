import picomatch from "picomatch";
import type { Config, Evidence, FixProposal, Hypothesis, Investigation, Problem, Snapshot } from "../model/index.js";
import { interpolate, knowledgeContext } from "../checks/template.js";
import { nonKnowledgeTemplates } from "../memory/runbooks.js";
import { breakReferences } from "../untrusted-text.js";
import { namesAny } from "../checks/records.js";
import { deniedPath } from "./denied.js";
import { patchConfig } from "./patch.js";

/** Checks a fix path: relative, inside the repository, never an always-denied path (denied.ts), allowed by policy. */
export function allowedPath(path: string, config: Config): string | null {
  if (!path || path.startsWith("/") || path.includes("\\") || path.split("/").some((s) => s === ".." || s === "." || s === ""))
    return `"${path}" is not a relative path inside the repository`;
  const denied = deniedPath(path);
  if (denied) return denied;
  if (!picomatch(config.remediation.allowed_paths, { dot: true })(path)) return `"${path}" is outside remediation.allowed_paths`;
  return null;
}

/**
 * Proposes the fix the top cause's runbook defines, when the cause is confirmed or likely and the
 * fix is safe: the file exists, the path is allowed, and the patch changes something.
 */
export async function proposeFix(input: {
  problem: Problem;
  investigation: Investigation;
  head: Snapshot;
  config: Config;
}): Promise<{ proposal: FixProposal | null; note: string }> {
  const { rca, hypotheses } = input.investigation;
  if (rca.conclusion === "inconclusive") return { proposal: null, note: "no fix: the cause is not established" };
  const h: Hypothesis | undefined = hypotheses.find((x) => x.id === rca.rootCause);
  const remedy = h?.remediation;
  if (!h || !remedy || remedy.kind === "none") return { proposal: null, note: `no safe automatic fix is defined for ${rca.rootCause}` };
  const branch = `pipemedic/fix/${input.problem.incidentId}`;
  const draft = rca.confidence < input.config.remediation.draft_below;
  if (remedy.kind === "config-patch") {
    const fromAlert = nonKnowledgeTemplates(remedy.path);
    if (fromAlert.length)
      return {
        proposal: null,
        note: `no fix: remediation.path names ${fromAlert.map((t) => `{{${t}}}`).join(", ")}; a fix path may come from knowledge only ({{pipeline.config.<name>}}, {{pipeline.id}}), never from the alert`,
      };
    const resolved = interpolate(remedy.path, knowledgeContext(input.problem));
    let path = resolved.value;
    let found: string | null = null;
    if (resolved.missing.length) {
      // No knowledge names the config file: the one file of the repository that names the problem's
      // subject and already holds the keys the fix sets, proposed as a draft for a person to confirm.
      found = await configFileByName(input.problem, input.head, Object.keys(remedy.set), input.config);
      if (!found)
        return {
          proposal: null,
          note: `no fix: knowledge names no ${resolved.missing.map((m) => `{{${m}}}`).join(", ")}, and no single config file names the subject and holds ${Object.keys(remedy.set).join(", ")}`,
        };
      path = found;
    }
    const denied = allowedPath(path, input.config);
    if (denied) return { proposal: null, note: `no fix: ${denied}` };
    const before = await input.head.read(path);
    if (before === null) return { proposal: null, note: `no fix: ${path} does not exist in the repository` };
    let patched;
    try {
      patched = patchConfig(path, before, remedy.set);
    } catch (err) {
      return { proposal: null, note: `no fix: ${err instanceof Error ? err.message : String(err)}` };
    }
    if (patched.content === before) return { proposal: null, note: `no fix: ${path} already has the proposed values` };
    // Plain text: every renderer (README, job summary, pull request, terminal) shows it inert, so Markdown would show literally.
    const summary = patched.changes.map((c) => `${c.key}: ${JSON.stringify(c.from)} → ${JSON.stringify(c.to)}`).join(", ");
    return {
      proposal: {
        kind: "config-patch",
        cause: h.id,
        path,
        files: { [path]: patched.content },
        branch,
        title: `Fix ${breakReferences(h.title.toLowerCase())} (${input.problem.incidentId})`,
        message: `fix(${input.problem.incidentId}): ${h.id}: set ${patched.changes.map((c) => c.key).join(", ")} in ${path}`,
        description: `${remedy.description ?? `Sets ${summary} in ${path}.`} (${summary})${found ? ` No knowledge names this pipeline's config: ${path} was chosen because it names the problem's subject and holds these keys; confirm it is the right file.` : ""}`,
        rollback: `Revert this pull request's commit, or set ${patched.changes.map((c) => `${c.key} back to ${JSON.stringify(c.from)}`).join(", ")} in ${path}.`,
        reversible: remedy.reversible,
        draft: draft || found !== null,
      },
      note: `config patch of ${path}${found ? " (found by name, a draft)" : ""}`,
    };
  }
  return revert(remedy.from_check, h, input, branch, draft);
}

/** A revert restores the files a change touched as they were before it, from the change's own patch. */
async function revert(
  fromCheck: string,
  h: Hypothesis,
  input: { problem: Problem; investigation: Investigation; head: Snapshot; config: Config },
  branch: string,
  draft: boolean,
): Promise<{ proposal: FixProposal | null; note: string }> {
  const ev: Evidence | undefined = input.investigation.evidence.find((e) => e.hypothesis === h.id && e.check === fromCheck);
  const change = ev?.verdict === "pass" ? ev.matched?.[ev.matched.length - 1] : undefined;
  if (!change?.ref) return { proposal: null, note: `no fix: check ${fromCheck} found no change to revert` };
  const commit = input.problem.changes.commits.find((c) => c.sha === change.ref);
  if (!commit) return { proposal: null, note: `no fix: ${change.label} is a deployment; roll it back with your deploy tool` };
  const files: Record<string, string> = {};
  for (const f of commit.files) {
    const denied = allowedPath(f.path, input.config);
    if (denied) return { proposal: null, note: `no fix: ${denied}` };
    if (!f.patch) return { proposal: null, note: `no fix: the change record of ${f.path} has no patch to reverse` };
    const current = await input.head.read(f.path);
    if (current === null) return { proposal: null, note: `no fix: ${f.path} is not in the repository` };
    const reversed = reversePatch(current, f.patch);
    if (reversed === null) return { proposal: null, note: `no fix: ${f.path} changed since ${commit.sha.slice(0, 7)}; revert by hand` };
    files[f.path] = reversed;
  }
  if (!Object.keys(files).length) return { proposal: null, note: "no fix: the change touched no files" };
  const short = commit.sha.slice(0, 7);
  return {
    proposal: {
      kind: "revert",
      cause: h.id,
      path: Object.keys(files)[0]!,
      files,
      branch,
      title: `Revert ${short} (${input.problem.incidentId})`,
      message: `revert(${input.problem.incidentId}): ${short} ${breakReferences(commit.message.split("\n")[0] ?? "")}`,
      description: `Restores ${Object.keys(files).join(", ")} as they were before ${short} (“${commit.message.split("\n")[0] ?? ""}”).`,
      rollback: `Revert this pull request's commit to re-apply ${short}.`,
      reversible: true,
      draft,
    },
    note: `revert of ${short}`,
  };
}

/**
 * Applies a unified diff in reverse: every hunk's `+` lines must be found in the current text
 * (in order), and are replaced by the hunk's `-` lines. Null when the file no longer matches.
 */
export function reversePatch(current: string, patch: string): string | null {
  const lines = current.split("\n");
  const hunks = patch.split(/^@@[^\n]*@@[^\n]*\n?/m).slice(1);
  if (!hunks.length) return null;
  let cursor = 0;
  for (const hunk of hunks) {
    const body = hunk
      .replace(/\n$/, "")
      .split("\n")
      .filter((l) => !l.startsWith("\\"));
    const after = body.filter((l) => !l.startsWith("-")).map((l) => l.slice(1));
    const before = body.filter((l) => !l.startsWith("+")).map((l) => l.slice(1));
    const at = findBlock(lines, after, cursor);
    if (at < 0) return null;
    lines.splice(at, after.length, ...before);
    cursor = at + before.length;
  }
  return lines.join("\n");
}

function findBlock(lines: string[], block: string[], from: number): number {
  if (!block.length) return from;
  for (let i = from; i + block.length <= lines.length; i++) {
    if (block.every((l, j) => lines[i + j] === l)) return i;
  }
  return -1;
}

/** Config files a fix may patch, by extension. */
const CONFIG_FILE = /\.(ya?ml|json)$/i;
/** Subjects whose names a pipeline's config file carries in its path. */
const NAMING_KEYS = ["service", "kafka.consumer_group", "airflow.dag_id", "flink.job", "spark.app", "dbt.job"];

/**
 * The repository's one config file that names the problem's subject in its path and already holds
 * every key the fix sets (as a key, at any depth); null when there is none, or more than one.
 */
export async function configFileByName(problem: Problem, head: Snapshot, keys: string[], config: Config): Promise<string | null> {
  const names = NAMING_KEYS.flatMap((k) => (problem.subjects[k] ?? []).map((v) => v.value));
  if (!names.length || !keys.length) return null;
  const named = namesAny(names);
  const candidates = (await head.list("")).filter((p) => CONFIG_FILE.test(p) && !p.startsWith("incidents/") && allowedPath(p, config) === null && named(p));
  const holding: string[] = [];
  for (const path of candidates.slice(0, 50)) {
    const text = await head.read(path);
    // a dotted key may sit with its dots (Kafka's max.poll.interval.ms) or nested (its last part)
    if (text !== null && keys.every((k) => text.includes(k) || text.includes(k.split(".").at(-1)!))) holding.push(path);
  }
  return holding.length === 1 ? holding[0]! : null;
}
