import type { Evidence, Hypothesis, Investigation, Problem, Progress, Telemetry } from "../model/index.js";
import { CheckRunner, type Budget } from "../checks/runtime.js";
import { rank } from "./rank.js";

/** A cause gains enough support to ask for its deeper cause at this confidence. */
const FOLLOW_UP_AT = 0.25;

/** Produces the hypothesis for a deeper cause id, or null when no runbook defines it. */
export type FollowUp = (id: string, parent: Hypothesis, round: number) => Hypothesis | null;

/**
 * The investigation state machine: run the candidates' checks, rank, add the deeper causes of
 * supported mechanisms as follow-up hypotheses, and repeat until nothing new is worth testing or
 * the budget is spent.
 */
export async function investigate(
  problem: Problem,
  routed: Hypothesis[],
  ports: { telemetry: Telemetry; progress: Progress },
  budget: Budget,
  followUp: FollowUp = () => null,
  swept: Hypothesis[] = [],
): Promise<Investigation> {
  // Windows come from problem.now (the investigation clock); budgets and durations are wall time.
  const started = Date.now();
  const runner = new CheckRunner(ports.telemetry, budget, ports.progress);
  const hypotheses: Hypothesis[] = [];
  const evidence: Evidence[] = [];
  const candidates = [...routed, ...(await sweep(swept, runner, ports.progress))];
  // Memory first: causes review confirmed on similar incidents are tested alone in round one; the
  // rest wait for round two and run only if the familiar cause is not confirmed.
  const familiar = candidates.filter((h) => h.seenBefore);
  let deferred = familiar.length ? candidates.filter((h) => !h.seenBefore) : [];
  let pending = familiar.length ? familiar : candidates;
  let round = 0;
  let checksLeft = budget.maxChecks;
  while (pending.length && round < budget.maxRounds && !runner.exhausted) {
    round++;
    ports.progress.info(`round ${round}: ${pending.length} hypotheses (${pending.map((h) => h.id).join(", ")})`);
    const admitted: Hypothesis[] = [];
    for (const h of pending) {
      if (h.checks.length > checksLeft) continue;
      checksLeft -= h.checks.length;
      admitted.push({ ...h, round });
    }
    hypotheses.push(...admitted);
    evidence.push(
      ...(await runner.run(
        admitted.flatMap((h) => h.checks),
        round,
      )),
    );
    const interim = rank(hypotheses, evidence, { rounds: round, budgetExhausted: runner.exhausted });
    const next: Hypothesis[] = [];
    for (const cause of interim.ranked) {
      if (cause.confidence < FOLLOW_UP_AT) continue;
      const parent = hypotheses.find((h) => h.id === cause.id)!;
      for (const id of parent.deeper) {
        const existing = hypotheses.find((h) => h.id === id);
        if (existing) {
          // Already tested in its own right: record the causal link without testing twice.
          if (!existing.parent && existing.id !== parent.id && !chainHas(hypotheses, parent, id)) existing.parent = parent.id;
          continue;
        }
        if (next.some((h) => h.id === id)) continue;
        const h = followUp(id, parent, round + 1);
        if (h) next.push({ ...h, parent: parent.id, reason: `deeper cause of ${parent.id}` });
      }
    }
    if (deferred.length) {
      // Confirmed again: the other candidates are not needed; its deeper causes are still explored.
      if (interim.conclusion === "confirmed") {
        ports.progress.info(`seen before: ${interim.rootCause} confirmed again; ${deferred.length} other hypotheses not needed`);
        deferred = [];
      } else {
        next.push(...deferred.filter((h) => !next.some((n) => n.id === h.id)));
        deferred = [];
      }
    }
    pending = next;
  }
  const rca = rank(hypotheses, evidence, { rounds: round, budgetExhausted: runner.exhausted });
  return { hypotheses, evidence, rca, ms: Date.now() - started };
}

/**
 * The signature sweep: every signature check of the runbooks no route led to runs once over the
 * incident's window; a runbook whose signature holds there, and not before the onset, becomes a
 * candidate with the finding as its reason. The sweep's own results are not evidence: the admitted
 * hypotheses run all their checks in round one (the fetches are shared).
 */
async function sweep(swept: Hypothesis[], runner: CheckRunner, progress: Progress): Promise<Hypothesis[]> {
  const checks = swept.flatMap((h) => h.checks.filter((c) => h.signatures?.includes(c.key)));
  if (!checks.length) return [];
  progress.info(`signature sweep: ${checks.length} checks of ${swept.length} runbooks no alert name, metric or subject led to`);
  const results = await runner.run(checks, 0);
  const admitted: Hypothesis[] = [];
  for (const h of swept) {
    const hit = results.find((e) => e.hypothesis === h.id && e.verdict === "pass" && e.specific !== false);
    if (!hit) continue;
    const { signatures: _s, ...rest } = h;
    admitted.push({ ...rest, reason: `by signature: ${hit.finding}` });
  }
  return admitted;
}

/** True when `id` is already an ancestor of `h`, so linking would make a cycle. */
function chainHas(all: Hypothesis[], h: Hypothesis, id: string): boolean {
  let cur: Hypothesis | undefined = h;
  const seen = new Set<string>();
  while (cur && !seen.has(cur.id)) {
    if (cur.id === id) return true;
    seen.add(cur.id);
    cur = cur.parent ? all.find((x) => x.id === cur!.parent) : undefined;
  }
  return false;
}
