import type { Check, Hypothesis, Llm, LlmUsage, Problem } from "../../model/index.js";
import { proposalMessages, type ProposalContext } from "./prompts.js";
import { askJson } from "./reply.js";
import { PROPOSALS_JSON_SCHEMA } from "./schemas.js";
import { redactedLine } from "./text.js";
import { validateProposal, type LlmProposal } from "./validate.js";

/** What proposeHypotheses returns: valid proposals, what was rejected and why, and the usage so far. */
export interface ProposalResult {
  proposals: LlmProposal[];
  rejected: Array<{ reason: string }>;
  usage: LlmUsage;
}

/** The lowest prior an LLM proposal gets: a prior of 0 could never be supported by evidence. */
const MIN_PRIOR = 0.01;
/** Top-level keys a reply may carry besides `proposals` without it being an attempt to decide. */
const QUIET_KEYS = new Set(["proposals"]);

/**
 * Asks the LLM for extra hypotheses. Each proposal is validated against the closed check vocabulary
 * and the configured capabilities; ids that are not catalogue ids get an `llm-` prefix; priors are
 * capped. The LLM never sets a verdict: the proposals are only checks for the deterministic runtime.
 * Never throws: provider problems give no proposals and `usage.degraded` with the reason.
 */
export async function proposeHypotheses(llm: Llm, problem: Problem, context: ProposalContext): Promise<ProposalResult> {
  const patterns = llm.redactPatterns;
  const max = llm.tasks.maxProposals;
  if (max === 0) return { proposals: [], rejected: [], usage: llm.usage() };
  const capabilities = new Set(context.capabilities);
  const reply = await askJson(
    llm,
    {
      task: "proposals",
      messages: proposalMessages(problem, context, { maxProposals: max, patterns }),
      schema: { name: "pipemedic_proposals", schema: PROPOSALS_JSON_SCHEMA },
    },
    (value) => {
      const list = Array.isArray(value.proposals) ? value.proposals : null;
      if (!list) return { ok: false, reason: 'schema violation: no "proposals" array' };
      return { ok: true, value: { list: list as unknown[], extra: Object.keys(value).filter((k) => !QUIET_KEYS.has(k)) } };
    },
  );
  if (!reply.ok) return { proposals: [], rejected: [], usage: llm.usage() };

  const rejected: Array<{ reason: string }> = [];
  const reject = (why: string) => {
    // Reasons quote model output (an id, a selector): cut and redacted before they reach the report.
    const reason = redactedLine(why, 300, patterns);
    rejected.push({ reason });
    llm.note(`proposals: rejected: ${reason}`);
  };
  if (reply.value.extra.length) {
    reject(
      `ignored reply field(s) ${reply.value.extra.map((k) => `"${redactedLine(k, 40)}"`).join(", ")}: the LLM only proposes hypotheses, it never sets a verdict or acts`,
    );
  }
  const known = new Set(context.knownCauseIds);
  const taken = new Set(context.existing);
  const proposals: LlmProposal[] = [];
  for (const raw of reply.value.list) {
    const v = validateProposal(raw, capabilities);
    if (!v.ok) {
      reject(v.reason);
      continue;
    }
    const p = v.proposal;
    // A catalogue id keeps its name (the cause is known, only its runbook did not match); anything else is marked as the LLM's.
    const id = known.has(p.id) || p.id.startsWith("llm-") ? p.id : `llm-${p.id}`;
    if (id.length > 64) {
      reject(`proposal "${id.slice(0, 64)}…": id longer than 64 characters`);
      continue;
    }
    if (taken.has(id)) {
      reject(`proposal "${id}": already a candidate`);
      continue;
    }
    if (proposals.length >= max) {
      reject(`proposal "${id}": more than ${max} proposals`);
      continue;
    }
    taken.add(id);
    proposals.push({
      id,
      title: redactedLine(p.title, 120, patterns),
      prior: Math.min(llm.tasks.maxPrior, Math.max(MIN_PRIOR, p.prior)),
      checks: p.checks.map((c) => (c.title === undefined ? c : { ...c, title: redactedLine(c.title, 120, patterns) })),
      rationale: redactedLine(p.rationale, 400, patterns),
    });
  }
  return { proposals, rejected, usage: llm.usage() };
}

/**
 * Turns a proposal into a round-one hypothesis. `resolve` is the runtime's check resolver
 * (checks/template.ts resolveChecks bound to the problem and knowledge), so an LLM check is resolved
 * exactly like a runbook check. No remediation: an LLM cause never gets a runbook fix.
 */
export function toHypothesis(proposal: LlmProposal, resolve: (runbook: { id: string; checks: LlmProposal["checks"] }) => Check[], round = 1): Hypothesis {
  return {
    id: proposal.id,
    title: proposal.title,
    origin: "llm",
    prior: proposal.prior,
    reason: proposal.rationale ? `proposed by the LLM: ${proposal.rationale}` : "proposed by the LLM",
    deeper: [],
    round,
    // Marked, so that the runtime compares them with the windows before the onset and ranking caps the cause.
    checks: resolve({ id: proposal.id, checks: proposal.checks }).map((c) => ({ ...c, proposedBy: "llm" as const })),
  };
}
