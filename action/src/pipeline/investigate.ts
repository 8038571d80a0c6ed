import type { Pattern } from "../patterns.js";
import type { Alert, Config, Fix, Hypothesis, Incident, IncidentOutcome, Llm, Problem, Snapshot } from "../model/index.js";
import type { Budget } from "../checks/runtime.js";
import { resolveChecks } from "../checks/template.js";
import { frame, unframedProblem } from "../frame/problem.js";
import { decide } from "../ingest/policy.js";
import { proposeHypotheses, toHypothesis, writeNarrative } from "../llm/index.js";
import { neighbours } from "../memory/knowledge.js";
import { findSimilar, withReview, type HistoryEntry } from "../memory/history.js";
import { incidentFiles } from "../record/index.js";
import { candidates, hypothesisFrom, signatureCandidates } from "../reason/candidates.js";
import { investigate } from "../reason/investigate.js";
import { llmFix } from "../remediate/llm-fix.js";
import { proposeFix } from "../remediate/propose.js";
import { reviewersFor } from "../remediate/reviewers.js";
import { renderPullRequestBody } from "../report/pull-request.js";
import { redact } from "../redact.js";
import { withIncidentAlerts } from "../telemetry/incident-alerts.js";
import { recordTelemetry } from "../telemetry/recording.js";
import type { Memory } from "./memory.js";
import { resolveSubjectsStage } from "./subjects.js";
import type { PipelinePorts } from "./index.js";

/** What the investigate stage needs of the run. */
export interface InvestigateContext {
  ports: PipelinePorts;
  config: Config;
  memory: Memory;
  budget: Budget;
  history: HistoryEntry[];
  head: Snapshot;
  now: number;
  redactPatterns: Pattern[];
  /** The incident a manual trigger names, and whether replay investigates every touched incident. */
  incidentId?: string;
  investigateAll?: boolean;
}

/** An incident the run touched: the outcome it has until investigated, and whether the policy starts it now. */
export interface IncidentPlan {
  outcome: IncidentOutcome;
  alerts: { all: Alert[]; fresh: Alert[] };
  /** The policy (or a manual trigger, or replay) starts an investigation in this run. */
  investigate: boolean;
  /** A manual trigger named this incident: it goes first and no cap defers it. */
  manual: boolean;
}

/**
 * Stage 4a, the policy's decision for one incident. Its outcome holds the facts of its alerts as its
 * problem until it is investigated; an incident the policy defers awaits a manual trigger.
 */
export function planIncident(
  incident: Incident,
  alerts: { all: Alert[]; fresh: Alert[] },
  ctx: Pick<InvestigateContext, "config" | "now" | "incidentId" | "investigateAll">,
): IncidentPlan {
  const { config, now } = ctx;
  const manual = ctx.incidentId === incident.id;
  const policy = manual ? { now: true, reason: "manual trigger" } : ctx.investigateAll ? { now: true, reason: "replay" } : decide(incident, alerts.all, config);
  const willInvestigate = policy.now && (alerts.fresh.some((a) => a.status === "firing") || manual || (ctx.investigateAll === true && alerts.fresh.length > 0));
  const outcome: IncidentOutcome = {
    incident,
    investigated: false,
    reason: policy.reason,
    problem: unframedProblem(incident, alerts.all, now),
    investigation: null,
    fix: null,
    proposal: null,
    reportPath: incidentFiles.readme(incident),
    narrative: null,
    llm: null,
  };
  if (!willInvestigate && incident.investigation === "pending") incident.investigation = "awaiting";
  return { outcome, alerts, investigate: willInvestigate, manual };
}

/**
 * Stage 4b, investigate one incident the policy starts: frame, reason ⇄ execute, narrative,
 * remediate. Fills in the plan's outcome (its incident as it was recorded) and returns it.
 */
export async function investigateIncident(plan: IncidentPlan, ctx: InvestigateContext): Promise<IncidentOutcome> {
  const { ports, config, memory, now } = ctx;
  const { outcome, alerts } = plan;
  const incident = outcome.incident;
  const { knowledge, runbooks } = memory;
  // Everything this incident's investigation reads is kept, so the incident can be replayed (pipemedic export).
  const recorder = recordTelemetry(ports.telemetry);
  ports.progress.phase(`frame ${incident.id}`);
  const framed = await frame({
    incident,
    alerts: alerts.all,
    pipelinesOf: memory.pipelinesOf,
    neighbours: (p) => neighbours(knowledge, p),
    similar: await withReview(ctx.head, findSimilar(ctx.history, incident)),
    telemetry: recorder.telemetry,
    now,
  });
  ports.progress.phase(`subjects ${incident.id}`);
  const problem = await resolveSubjectsStage(framed, recorder.telemetry, ports.progress);
  ports.progress.phase(`investigate ${incident.id}`);
  const llm = ports.llm?.forIncident();
  const initial = candidates(problem, runbooks, knowledge);
  if (llm) initial.push(...(await llmHypotheses(llm, problem, initial, ctx)));
  const telemetry = withIncidentAlerts(recorder.telemetry, problem.alerts);
  const investigation = await investigate(
    problem,
    initial,
    { telemetry, progress: ports.progress },
    ctx.budget,
    (cause, _parent, round) => {
      const rb = runbooks.find((x) => x.id === cause);
      return rb ? hypothesisFrom(rb, problem, knowledge, { reason: "deeper cause", round }) : null;
    },
    signatureCandidates(problem, runbooks, knowledge, initial),
  );
  incident.investigation = "done";
  incident.investigatedAt = new Date(now).toISOString();
  incident.rootCause = { id: investigation.rca.rootCause, confidence: investigation.rca.confidence, status: investigation.rca.conclusion };
  outcome.investigated = true;
  outcome.problem = problem;
  outcome.investigation = investigation;
  outcome.recording = recorder.recording(now);

  if (llm) {
    outcome.narrative = await writeNarrative(llm, {
      summary: `${problem.title}: ${problem.alertnames.join(", ")} on ${problem.pipelines.map((p) => p.id).join(", ") || "unknown pipelines"}`,
      findings: investigation.evidence.map((e) => ({ key: e.key, verdict: e.verdict, finding: e.finding })),
      rca: investigation.rca,
    });
  }

  ports.progress.phase(`remediate ${incident.id}`);
  let { proposal, note } = await proposeFix({ problem, investigation, head: ctx.head, config });
  if (!proposal && llm && investigation.rca.conclusion !== "inconclusive") {
    ({ proposal, note } = await llmFix(llm, problem, investigation, ctx.head, config, note));
  }
  outcome.llm = llm ? llm.usage() : null;
  outcome.proposal = proposal;
  const fix: Fix = proposal
    ? {
        kind: proposal.kind,
        path: proposal.path,
        description: proposal.description,
        branch: proposal.branch,
        commit: null,
        pr: null,
        state: "proposed",
        reversible: proposal.reversible,
      }
    : { kind: "none", path: null, description: note, branch: null, commit: null, pr: null, state: "none", reversible: true };
  outcome.fix = fix;
  if (proposal) {
    const files = Object.fromEntries(Object.entries(proposal.files).map(([p, c]) => [p, redact(c, ctx.redactPatterns)]));
    const branch = await ports.store.proposeBranch({ branch: proposal.branch, message: proposal.message, files });
    fix.commit = branch.sha;
    if (ports.forge) {
      const pr = await ports.forge.openPullRequest({
        branch: proposal.branch,
        title: proposal.title,
        body: redact(
          renderPullRequestBody({ proposal, investigation, reportUrl: ports.store.linkTo(outcome.reportPath), incidentId: incident.id }),
          ctx.redactPatterns,
        ),
        draft: proposal.draft,
        labels: config.remediation.labels,
        reviewers: await reviewersFor(problem, proposal, ctx.head),
      });
      fix.pr = pr.number;
      fix.state = "open";
    }
    ports.progress.info(`fix proposed on ${proposal.branch}`);
  }
  return outcome;
}

/** The LLM's proposals as hypotheses: a known cause gets its runbook's checks, a new one the checks proposed. */
async function llmHypotheses(llm: Llm, problem: Problem, initial: Hypothesis[], ctx: InvestigateContext): Promise<Hypothesis[]> {
  const { runbooks, knowledge } = ctx.memory;
  const out = await proposeHypotheses(llm, problem, {
    knownCauseIds: runbooks.map((r) => r.id),
    capabilities: [...ctx.ports.telemetry.capabilities],
    existing: initial.map((h) => h.id),
  });
  for (const r of out.rejected) ctx.ports.progress.warn(`LLM proposal rejected: ${r.reason}`);
  return out.proposals
    .filter((p) => !initial.some((h) => h.id === p.id))
    .map((p) => {
      const rb = runbooks.find((r) => r.id === p.id);
      if (rb) return { ...hypothesisFrom(rb, problem, knowledge, { reason: "proposed by the LLM", round: 1 }), origin: "llm" as const };
      return toHypothesis(p, (r) => resolveChecks(r, problem, knowledge));
    });
}
