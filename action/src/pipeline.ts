import type {
  Alert,
  Clock,
  Config,
  Delivery,
  Files,
  Fix,
  Forge,
  Hypothesis,
  Incident,
  Investigation,
  Knowledge,
  LlmUsage,
  Pipeline,
  Problem,
  Progress,
  Runbook,
  SimilarIncident,
  Snapshot,
  Store,
  Telemetry,
  Unparsed,
} from "./model/index.js";
import { IncidentIndexSchema } from "./model/index.js";
import { DEFAULT_BUDGET, type Budget } from "./checks/runtime.js";
import { parseDuration } from "./checks/duration.js";
import { correlate, type Correlation } from "./ingest/correlate.js";
import { normalize } from "./ingest/normalize.js";
import type { GenericMappingInput } from "./ingest/sources/generic-mapping.js";
import { decide } from "./ingest/policy.js";
import { frame, unframedProblem } from "./frame/problem.js";
import { findPipelines, loadKnowledge, mergeKnowledge, neighbours } from "./memory/knowledge.js";
import { loadRunbooks, mergeRunbooks } from "./memory/runbooks.js";
import { entryFromIncident, findSimilar, historyEntryFromReadme, type HistoryEntry } from "./memory/history.js";
import { candidates, hypothesisFrom } from "./reason/candidates.js";
import { investigate } from "./reason/investigate.js";
import { allowedPath, proposeFix, type FixProposal } from "./remediate/propose.js";
import { CODEOWNERS_PATHS, codeOwners } from "./remediate/codeowners.js";
import { resolveChecks } from "./checks/template.js";
import type { LlmClient } from "./llm/client.js";
import { proposeFixPatch } from "./llm/fix.js";
import { proposeHypotheses, toHypothesis } from "./llm/hypotheses.js";
import { writeNarrative } from "./llm/narrative.js";
import { buildIncidentFiles, parseIncidentFrontmatter } from "./report/artifacts.js";
import { renderIncidentIndex } from "./report/index.js";
import { monthOf, renderScorecard, scorecardPath } from "./report/scorecard.js";
import { updateFrontmatter } from "./report/status-update.js";
import { renderPullRequestBody } from "./report/pull-request.js";
import { redact } from "./redact.js";

/** The ports one run uses. The forge is absent locally, where a fix stays a branch. */
export interface PipelinePorts {
  telemetry: Telemetry;
  store: Store;
  clock: Clock;
  progress: Progress;
  forge?: Forge;
  /** Optional: adds hypotheses and prose; never decides a verdict. */
  llm?: LlmClient;
}

export interface PipelineOptions {
  config: Config;
  /** knowledge/ and runbooks/ files (path → content). */
  memory: Files;
  /** More knowledge/ and runbooks/ files merged over `memory` (same id replaces): a scenario's own. */
  overlay?: Files;
  budget?: Partial<Budget>;
  /** Investigate this incident now, whatever the policy says (a manual trigger). */
  incidentId?: string;
  /** Investigate every touched incident regardless of policy (replay and eval). */
  investigateAll?: boolean;
  /** A source to force for every delivery (`--source`). */
  source?: Alert["source"];
}

/** What happened to one incident in this run. */
export interface IncidentOutcome {
  incident: Incident;
  investigated: boolean;
  reason: string;
  problem: Problem | null;
  investigation: Investigation | null;
  fix: Fix | null;
  proposal: FixProposal | null;
  reportPath: string;
  /** Prose an LLM wrote from the verified findings, when one is configured. */
  narrative: string | null;
  llm: LlmUsage | null;
}

export interface PipelineResult {
  outcomes: IncidentOutcome[];
  unparsed: Unparsed[];
  alerts: Alert[];
  duplicates: number;
  commit: { sha: string | null; attempts: number };
  /** Problems with knowledge/ or runbooks/ files; the run went on without the broken files. */
  memoryErrors: string[];
}

export const INDEX_PATH = "incidents/index.json";
export const INDEX_MD = "incidents/README.md";

/** incidents/index.json (the state correlation reads) and incidents/README.md (the page people read), derived together. */
export function indexFiles(incidents: Incident[], redactPatterns: RegExp[] = []): Files {
  const ordered = [...incidents].sort((a, b) => a.openedAt.localeCompare(b.openedAt) || a.id.localeCompare(b.id));
  // The newest incident's month: every commit keeps the current scorecard true; `pipemedic index` redoes older months.
  const month = ordered.length ? monthOf(ordered.at(-1)!.openedAt) : null;
  return {
    [INDEX_PATH]: `${JSON.stringify({ version: 1, incidents: ordered }, null, 1)}\n`,
    [INDEX_MD]: renderIncidentIndex(ordered, { redactPatterns }),
    ...(month ? { [scorecardPath(month)]: renderScorecard(month, ordered, { redactPatterns }) } : {}),
  };
}

/** Reads incidents/index.json at a head; a missing index is an empty one, a broken one is an error that names the fix. */
export async function readIndex(head: Snapshot): Promise<Incident[]> {
  const text = await head.read(INDEX_PATH);
  if (text === null) return [];
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(`${INDEX_PATH}: not valid JSON (${(err as Error).message}); restore it from git history or run \`pipemedic index\``);
  }
  const parsed = IncidentIndexSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${INDEX_PATH}: ${issue.path.join(".")}: ${issue.message}; restore it from git history or run \`pipemedic index\``);
  }
  return parsed.data.incidents;
}

async function readAlerts(head: Snapshot, incident: Incident): Promise<Alert[]> {
  const text = await head.read(`${incident.path}/alerts.jsonl`);
  if (!text) return [];
  return text
    .split("\n")
    .filter((l) => l.trim())
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as Alert];
      } catch {
        return [];
      }
    });
}

/** Unparsed bodies are kept under incidents/_unparsed/, named by day and delivery, never by their content. */
function unparsedPath(u: Unparsed): string {
  const safe = u.delivery.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[.-]+/, "").slice(0, 80) || "delivery";
  return `incidents/_unparsed/${u.receivedAt.slice(0, 10)}-${safe}.json`;
}

/**
 * The one flow: ingest → correlate → (policy) → frame → reason ⇄ execute → conclude → remediate →
 * report → store. The Action, the CLI, replay and eval all call this with different adapters.
 */
export async function runPipeline(deliveries: Delivery[], ports: PipelinePorts, options: PipelineOptions): Promise<PipelineResult> {
  const { config, progress } = { config: options.config, progress: ports.progress };
  const budget: Budget = {
    ...DEFAULT_BUDGET,
    concurrency: config.budgets.concurrency,
    checkTimeoutMs: parseDuration(config.budgets.check_timeout),
    totalMs: parseDuration(config.budgets.total),
    maxRounds: config.budgets.max_rounds,
    maxChecks: config.budgets.max_checks,
    ...options.budget,
  };
  const extraPatterns = config.redaction.patterns.map((p) => new RegExp(p, "g"));
  const now = ports.clock.now();

  progress.phase("memory");
  const k = loadKnowledge(options.memory);
  const r = loadRunbooks(options.memory);
  const ko = loadKnowledge(options.overlay ?? {});
  const ro = loadRunbooks(options.overlay ?? {});
  const knowledge: Knowledge = mergeKnowledge(k.knowledge, ko.knowledge);
  const runbooks: Runbook[] = mergeRunbooks(r.runbooks, ro.runbooks);
  const memoryErrors = [...k.errors, ...r.errors, ...ko.errors, ...ro.errors].filter((e) => e.severity === "error").map((e) => `${e.file}: ${e.field}: ${e.message}`);
  for (const e of memoryErrors) progress.warn(e);
  const pipelinesOf = (a: Alert): Pipeline[] => {
    const labels = { ...a.labels, ...(a.pipeline ? { pipeline: a.pipeline } : {}), ...(a.service && !a.labels.service ? { service: a.service } : {}) };
    return findPipelines(knowledge, labels);
  };

  progress.phase("ingest");
  const alerts: Alert[] = [];
  const unparsed: Unparsed[] = [];
  for (const d of deliveries) {
    const out = normalize(d, {
      ...(options.source ? { source: options.source } : {}),
      ...(config.generic ? { generic: config.generic as GenericMappingInput } : {}),
    });
    if (out.ok) {
      for (const a of out.alerts) alerts.push({ ...a, pipeline: a.pipeline ?? pipelinesOf(a)[0]?.id ?? null });
      progress.info(`${d.id}: ${out.alerts.length} ${out.source} alert(s)`);
    } else {
      unparsed.push({ delivery: d.id, reason: out.reason, receivedAt: d.receivedAt, body: redact(d.body.slice(0, 65_536), extraPatterns) });
      progress.warn(`${d.id}: not recorded as an alert: ${out.reason}`);
    }
  }

  progress.phase("correlate");
  const head = await ports.store.snapshot();
  const correlateWith = (state: Incident[]): Correlation =>
    correlate(state, alerts, {
      now,
      groupWindowMs: parseDuration(config.investigate.group_window),
      reopenWindowMs: parseDuration(config.investigate.reopen_window),
      pipelinesOf: (a) => pipelinesOf(a).map((p) => p.id),
      neighboursOf: (p) => {
        const n = neighbours(knowledge, p);
        return [...n.upstream, ...n.downstream];
      },
    });
  const before = await readIndex(head);
  const correlation = correlateWith(before);
  const duplicates = correlation.assignments.filter((a) => a.duplicate).length;
  const touched = new Set(correlation.touched);
  if (options.incidentId) {
    if (!correlation.incidents.some((i) => i.id === options.incidentId)) {
      throw new Error(`incident ${options.incidentId} is not in ${INDEX_PATH}; check the id (it is the incident folder's name)`);
    }
    touched.add(options.incidentId);
  }
  const history: HistoryEntry[] = before.map(entryFromIncident).concat(await historyFromFolders(head, before));

  /** The LLM's proposals as hypotheses: a known cause gets its runbook's checks, a new one the checks proposed. */
  const llmHypotheses = async (llm: LlmClient, problem: Problem, initial: Hypothesis[]): Promise<Hypothesis[]> => {
    const out = await proposeHypotheses(llm, problem, {
      knownCauseIds: runbooks.map((r) => r.id),
      capabilities: [...ports.telemetry.capabilities],
      existing: initial.map((h) => h.id),
    });
    for (const r of out.rejected) progress.warn(`LLM proposal rejected: ${r.reason}`);
    return out.proposals
      .filter((p) => !initial.some((h) => h.id === p.id))
      .map((p) => {
        const rb = runbooks.find((r) => r.id === p.id);
        if (rb) return { ...hypothesisFrom(rb, problem, knowledge, { reason: "proposed by the LLM", round: 1 }), origin: "llm" as const };
        return toHypothesis(p, (r) => resolveChecks(r, problem, knowledge));
      });
  };

  const outcomes: IncidentOutcome[] = [];
  for (const id of touched) {
    const incident = correlation.incidents.find((i) => i.id === id)!;
    const fresh = correlation.assignments.filter((a) => a.incidentId === id && !a.duplicate).map((a) => a.alert);
    const known = await readAlerts(head, incident);
    const all = dedupeAlerts([...known, ...fresh]);
    const manual = options.incidentId === id;
    const policy = manual ? { now: true, reason: "manual trigger" } : options.investigateAll ? { now: true, reason: "replay" } : decide(incident, all, config);
    const willInvestigate = policy.now && (fresh.some((a) => a.status === "firing") || manual || (options.investigateAll === true && fresh.length > 0));
    const outcome: IncidentOutcome = { incident, investigated: false, reason: policy.reason, problem: null, investigation: null, fix: null, proposal: null, reportPath: `${incident.path}/README.md`, narrative: null, llm: null };
    outcomes.push(outcome);
    if (!willInvestigate) {
      if (incident.investigation === "pending") incident.investigation = "awaiting";
      continue;
    }
    progress.phase(`frame ${id}`);
    const problem = await frame({
      incident,
      alerts: all,
      knowledge,
      pipelinesOf,
      neighbours: (p) => neighbours(knowledge, p),
      similar: await withReview(head, findSimilar(history, incident)),
      telemetry: ports.telemetry,
      now,
    });
    progress.phase(`investigate ${id}`);
    const llm = ports.llm?.forIncident();
    const initial = candidates(problem, runbooks, knowledge);
    if (llm) initial.push(...(await llmHypotheses(llm, problem, initial)));
    const investigation = await investigate(problem, initial, ports, budget, (cause, _parent, round) => {
      const rb = runbooks.find((x) => x.id === cause);
      return rb ? hypothesisFrom(rb, problem, knowledge, { reason: "deeper cause", round }) : null;
    });
    incident.investigation = "done";
    incident.rootCause = { id: investigation.rca.rootCause, confidence: investigation.rca.confidence, status: investigation.rca.conclusion };
    outcome.investigated = true;
    outcome.problem = problem;
    outcome.investigation = investigation;

    if (llm) {
      outcome.narrative = await writeNarrative(llm, {
        summary: `${problem.title}: ${problem.alertnames.join(", ")} on ${problem.pipelines.map((p) => p.id).join(", ") || "unknown pipelines"}`,
        findings: investigation.evidence.map((e) => ({ key: e.key, verdict: e.verdict, finding: e.finding })),
        rca: investigation.rca,
      });
    }

    progress.phase(`remediate ${id}`);
    let { proposal, note } = await proposeFix({ problem, investigation, head, config });
    if (!proposal && llm && investigation.rca.conclusion !== "inconclusive") {
      ({ proposal, note } = await llmFix(llm, problem, investigation, head, config, note));
    }
    outcome.llm = llm ? llm.usage() : null;
    outcome.proposal = proposal;
    outcome.fix = proposal
      ? { kind: proposal.kind, path: proposal.path, description: proposal.description, branch: proposal.branch, commit: null, pr: null, state: "proposed", reversible: proposal.reversible }
      : { kind: "none", path: null, description: note, branch: null, commit: null, pr: null, state: "none", reversible: true };
    if (proposal) {
      const files = Object.fromEntries(Object.entries(proposal.files).map(([p, c]) => [p, redact(c, extraPatterns)]));
      const branch = await ports.store.proposeBranch({ branch: proposal.branch, message: proposal.message, files });
      outcome.fix.commit = branch.sha;
      if (ports.forge) {
        const pr = await ports.forge.openPullRequest({
          branch: proposal.branch,
          title: proposal.title,
          body: redact(renderPullRequestBody({ proposal, investigation, reportUrl: ports.store.linkTo(outcome.reportPath), incidentId: id }), extraPatterns),
          draft: proposal.draft,
          labels: config.remediation.labels,
          reviewers: await reviewersFor(problem, proposal, head),
        });
        outcome.fix.pr = pr.number;
        outcome.fix.state = "open";
      }
      progress.info(`fix proposed on ${proposal.branch}`);
    }
  }

  progress.phase("store");
  const firstId = new Map(outcomes.map((o) => [o, o.incident.id]));
  const investigatedIncident = new Map(outcomes.map((o) => [o, { ...o.incident }]));
  const freshAlerts = new Map(
    outcomes.map((o) => [o, new Set(correlation.assignments.filter((a) => a.incidentId === o.incident.id && !a.duplicate).map((a) => a.alert.id))]),
  );
  const commit = await ports.store.commit(commitMessage(outcomes, alerts.length, unparsed.length), async (current) => {
    // Rebuilt on every attempt: another run may have landed first, so state is re-read and re-derived.
    const state = await readIndex(current);
    const redo = state.length === before.length && state.every((s, i) => s.updatedAt === before[i]!.updatedAt) ? correlation : correlateWith(state);
    const files: Files = {};
    for (const o of outcomes) {
      // Another run may have opened the incident these alerts belong to: follow them to where they landed.
      const fresh = freshAlerts.get(o)!;
      const landed = redo.assignments.find((a) => fresh.has(a.alert.id))?.incidentId ?? firstId.get(o)!;
      const target = redo.incidents.find((i) => i.id === landed) ?? o.incident;
      const investigatedElsewhere = landed !== firstId.get(o) && target.investigation === "done";
      if (o.investigated && !investigatedElsewhere) {
        target.investigation = "done";
        target.rootCause = investigatedIncident.get(o)!.rootCause;
      } else if (target.investigation === "pending") {
        target.investigation = "awaiting";
      }
      o.incident = target;
      o.reportPath = `${target.path}/README.md`;
      const existing = await readAlerts(current, target);
      const incidentAlerts = dedupeAlerts([...existing, ...redo.assignments.filter((a) => a.incidentId === target.id).map((a) => a.alert)]);
      if ((o.investigated && !investigatedElsewhere) || !(await current.read(`${target.path}/README.md`))) {
        const built = buildIncidentFiles(
          {
            incident: target,
            problem: o.problem ?? unframedProblem(target, incidentAlerts, now),
            investigation: o.investigation,
            fix: o.fix,
            alerts: incidentAlerts,
            runbooks: Object.fromEntries(runbooks.map((rb) => [rb.id, { title: rb.title, file: rb.file, body: rb.body }])),
            link: (p) => ports.store.linkTo(p),
            narrative: o.narrative,
            llm: o.llm,
          },
          { redactPatterns: extraPatterns },
        );
        for (const [p, c] of Object.entries(built)) files[`${target.path}/${p}`] = c;
        const previous = await current.read(`${target.path}/README.md`);
        const feedback = previous ? keptFeedback(previous) : null;
        // A human's correction outlives any re-investigation.
        if (feedback) files[`${target.path}/README.md`] = updateFrontmatter(files[`${target.path}/README.md`]!, { feedback });
      } else {
        const readme = (await current.read(`${target.path}/README.md`))!;
        files[`${target.path}/README.md`] = updateFrontmatter(readme, { status: target.status, resolved_at: target.resolvedAt });
      }
      files[`${target.path}/alerts.jsonl`] = incidentAlerts.map((a) => JSON.stringify(a)).join("\n") + "\n";
    }
    for (const u of unparsed) files[unparsedPath(u)] = `${JSON.stringify(u, null, 2)}\n`;
    if (!Object.keys(files).length && redo.touched.length === 0) return null;
    Object.assign(files, indexFiles(redo.incidents, extraPatterns));
    return Object.fromEntries(Object.entries(files).map(([p, c]) => [p, redact(c, extraPatterns)]));
  });
  return { outcomes, unparsed, alerts, duplicates, commit, memoryErrors };
}

/**
 * A fix the LLM proposes when the cause's runbook defines none: one file the impacted pipeline names
 * in its config, only on allowed paths, always a draft for a human to judge.
 */
async function llmFix(
  llm: LlmClient,
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
      title: `Draft fix for ${top.title.toLowerCase()} (${problem.incidentId})`,
      message: `fix(${problem.incidentId}): ${top.id}: LLM-proposed change to ${patch.path}`,
      description: `Proposed by an LLM, not by a runbook: ${patch.explanation}`,
      rollback: `Revert this pull request's commit.`,
      reversible: true,
      draft: true,
    },
    note: `LLM-proposed draft change to ${patch.path}`,
  };
}

/** Reviewers of a fix: the impacted pipelines' owners from knowledge, else the CODEOWNERS of the files it changes. */
async function reviewersFor(problem: Problem, proposal: FixProposal, head: Snapshot): Promise<string[]> {
  const owners = problem.pipelines.flatMap((p) => p.owners);
  if (owners.length) return [...new Set(owners)];
  for (const path of CODEOWNERS_PATHS) {
    const file = await head.read(path);
    if (file) return [...new Set(Object.keys(proposal.files).flatMap((f) => codeOwners(file, f)))];
  }
  return [];
}

/** The `feedback` a human wrote in an incident's frontmatter, when there is any. */
function keptFeedback(readme: string): Record<string, unknown> | null {
  try {
    const fb = parseIncidentFrontmatter(readme).feedback as Record<string, unknown> | undefined;
    return fb && Object.values(fb).some((v) => v !== null && v !== "") ? fb : null;
  } catch {
    return null;
  }
}

/** Similar incidents as review left them: a human's `feedback.actual_root_cause` overrides the cause Pipemedic named. */
async function withReview(head: Snapshot, similar: SimilarIncident[]): Promise<SimilarIncident[]> {
  return Promise.all(
    similar.map(async (s) => {
      const readme = await head.read(`${s.path}/README.md`);
      const reviewed = readme ? historyEntryFromReadme(s.path, readme) : null;
      return reviewed && (reviewed.confirmed || reviewed.rootCause !== s.rootCause)
        ? { ...s, rootCause: reviewed.rootCause, confirmed: reviewed.confirmed || s.confirmed }
        : s;
    }),
  );
}

function dedupeAlerts(alerts: Alert[]): Alert[] {
  const seen = new Map<string, Alert>();
  for (const a of alerts) if (!seen.has(a.id)) seen.set(a.id, a);
  return [...seen.values()];
}

/** History from incident folders that the index does not list (a scenario's history/, an imported folder). */
async function historyFromFolders(head: Snapshot, indexed: Incident[]): Promise<HistoryEntry[]> {
  const known = new Set(indexed.map((i) => i.path));
  const readmes = (await head.list("incidents")).filter((p) => /\/README\.md$/.test(p) && p !== INDEX_MD);
  const out: HistoryEntry[] = [];
  for (const path of readmes) {
    const dir = path.slice(0, -"/README.md".length);
    if (known.has(dir)) continue;
    const text = await head.read(path);
    const entry = text ? historyEntryFromReadme(dir, text) : null;
    if (entry) out.push(entry);
  }
  return out;
}

function commitMessage(outcomes: IncidentOutcome[], alerts: number, unparsed: number): string {
  const head = outcomes.length === 1 ? `incident ${outcomes[0]!.incident.id}` : `${outcomes.length} incidents`;
  const causes = outcomes
    .filter((o) => o.investigation)
    .map((o) => `- ${o.incident.id}: ${o.investigation!.rca.rootCause} (${o.investigation!.rca.conclusion}, ${o.investigation!.rca.confidence})`);
  return [`pipemedic: ${head}: ${alerts} alert(s)${unparsed ? `, ${unparsed} unparsed` : ""}`, "", ...causes].join("\n");
}
