import picomatch from "picomatch";
import type { CheckSpec, Hypothesis, Knowledge, Problem, Runbook } from "../model/index.js";
import { resolveChecks } from "../checks/template.js";

/**
 * Why a runbook applies to this problem, or null when it does not: the alert's name, the metric the
 * alert is about (its expression or query), or the components involved (knowledge's pipelines, or
 * the subjects the alert names: a consumer group involves Kafka). The route is the reason reported.
 */
export function appliesTo(runbook: Runbook, problem: Problem): string | null {
  const names = runbook.applies_to.alerts;
  if (names.length) {
    const isMatch = picomatch(names, { nocase: true });
    // Alert names are not paths: a "/" in one (a relayed title's `monitoring/prod`) must not stop a `*`.
    const hit = problem.alertnames.find((n) => isMatch(n.replace(/\//g, " ")));
    if (hit) return `by alert name: ${hit} matches ${names.join(", ")}`;
  }
  const metrics = runbook.applies_to.metrics;
  if (metrics.length) {
    const isMatch = picomatch(metrics, { nocase: true });
    const hit = problem.metrics.find((m) => isMatch(m));
    if (hit) return `by metric: the alert is about ${hit}`;
  }
  const kinds = runbook.applies_to.components.filter((k) => problem.components.includes(k));
  if (kinds.length) {
    const fromKnowledge = problem.pipelines.some((p) => p.components.some((c) => kinds.includes(c.kind)));
    return fromKnowledge
      ? `by component: the impacted pipeline has ${kinds.join(", ")} components`
      : `by subject: the alert names a ${kinds.join(", ")} entity`;
  }
  return null;
}

/** True for a check that is its cause's signature: a confirming count of a specific log, event or alert match. */
export function isSignature(spec: CheckSpec): boolean {
  if (spec.signature !== undefined) return spec.signature;
  if (spec.role !== "confirm" || spec.primitive !== "count" || spec.weight === "weak") return false;
  if (spec.events) return !spec.events.kind.includes("*") || spec.match !== undefined;
  return (spec.logs !== undefined || spec.alert !== undefined) && spec.match !== undefined;
}

/** Runbooks no route led to, with the signature checks a sweep runs to see whether their cause shows anyway. */
export function signatureCandidates(problem: Problem, runbooks: Runbook[], knowledge: Knowledge, existing: Hypothesis[]): Hypothesis[] {
  const taken = new Set(existing.map((h) => h.id));
  return runbooks
    .filter((rb) => !taken.has(rb.id) && rb.checks.some(isSignature))
    .map((rb) => {
      const h = hypothesisFrom(rb, problem, knowledge, { reason: "by signature", round: 1 });
      return { ...h, signatures: h.checks.filter((c) => isSignature(c.spec)).map((c) => c.key) };
    });
}

/** Builds a hypothesis from a runbook: its checks resolved against the problem. */
export function hypothesisFrom(
  runbook: Runbook,
  problem: Problem,
  knowledge: Knowledge,
  extra: { reason: string; round: number; parent?: string; prior?: number },
): Hypothesis {
  return {
    id: runbook.id,
    title: runbook.title,
    origin: "runbook",
    prior: extra.prior ?? runbook.prior,
    reason: extra.reason,
    deeper: runbook.deeper,
    round: extra.round,
    checks: resolveChecks(runbook, problem, knowledge),
    runbookFile: runbook.file,
    ...(extra.parent ? { parent: extra.parent } : {}),
    ...(runbook.remediation ? { remediation: runbook.remediation } : {}),
  };
}

/**
 * Round-one candidates: every runbook whose applies_to matches, with priors raised for causes that
 * review confirmed on similar past incidents (memory), so the familiar cause is tested first.
 */
export function candidates(problem: Problem, runbooks: Runbook[], knowledge: Knowledge): Hypothesis[] {
  const confirmedBefore = new Map<string, string>();
  for (const s of problem.similar) {
    if (s.rootCause && s.confirmed && !confirmedBefore.has(s.rootCause)) confirmedBefore.set(s.rootCause, s.id);
  }
  const out: Hypothesis[] = [];
  for (const rb of runbooks) {
    const why = appliesTo(rb, problem);
    const seen = confirmedBefore.get(rb.id);
    if (!why && !seen) continue;
    const reason = [why, seen ? `seen before: confirmed in incident ${seen}` : null].filter(Boolean).join("; ");
    const h = hypothesisFrom(rb, problem, knowledge, { reason, round: 1 });
    if (seen) {
      h.origin = why ? "runbook" : "memory";
      h.seenBefore = seen;
      // Halfway to certainty: memory makes a cause likelier to test, never confirmed without evidence.
      h.prior = rb.prior + (1 - rb.prior) * 0.5;
    }
    out.push(h);
  }
  return out.sort((a, b) => b.prior - a.prior || a.id.localeCompare(b.id));
}
