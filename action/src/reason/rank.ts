import { CONFIRMED_AT, type CauseStatus, type Evidence, type Hypothesis, type RankedCause, type Rca, type Weight } from "../model/index.js";

/** Log-odds a check moves a cause by, per weight. */
const WEIGHT: Record<Weight, number> = { strong: 3, moderate: 1.5, weak: 0.6 };

/** The lead a confirmed cause needs over the next cause that is not part of its own chain. */
export const CONFIRM_MARGIN = 0.15;

/**
 * The most an LLM's cause can reach on the model's own checks: below "likely", so it adds breadth
 * (a candidate a human can look at) but never decides, outranks a supported runbook cause or takes
 * its fix. A runbook check of the same cause that holds lifts the ceiling.
 */
export const LLM_CEILING = 0.49;

const logit = (p: number) => Math.log(Math.max(1e-6, p) / Math.max(1e-6, 1 - p));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * Scores one hypothesis from its evidence. Confidence is the posterior scaled down by how much of
 * the planned evidence could actually be checked: a cause with half its checks inconclusive can
 * never be called confirmed, however strong the half that ran.
 */
export function score(h: Hypothesis, evidence: Evidence[]): Omit<RankedCause, "chain"> {
  const mine = evidence.filter((e) => e.hypothesis === h.id);
  let x = logit(h.prior);
  let total = 0;
  let concluded = 0;
  let strongMiss = false;
  let ruledOut = false;
  const support: string[] = [];
  const against: string[] = [];
  const gaps: string[] = [];
  let confirmed = 0;
  let absentSiblings = 0;
  for (const e of mine) {
    // Background: it held before the onset too, so it says nothing about this incident either way.
    if (e.specific === false) continue;
    // One of several alternative signs that did not show: nothing either way.
    if (e.necessary === false && e.role === "confirm" && e.verdict === "fail") continue;
    const w = WEIGHT[e.weight];
    total += w;
    if (e.verdict === "inconclusive") {
      gaps.push(e.key);
      continue;
    }
    concluded += w;
    if (e.role === "confirm") {
      if (e.verdict === "pass") {
        x += w;
        confirmed += w;
        support.push(e.key);
      } else {
        x -= w;
        against.push(e.key);
        if (e.weight === "strong") strongMiss = true;
      }
    } else if (e.verdict === "pass") {
      x -= w * 1.2;
      against.push(e.key);
      if (e.weight === "strong") ruledOut = true;
    } else {
      // The sibling cause's signature is absent: a little support, never enough alone.
      absentSiblings += w * 0.25;
      support.push(e.key);
    }
  }
  // Absent siblings only sharpen a cause its own evidence supports: they never outweigh half of it.
  x += Math.min(absentSiblings, confirmed / 2);
  const coverage = total ? concluded / total : 0;
  const posterior = sigmoid(x);
  const runbookSupport = mine.some((e) => !e.proposedBy && e.role === "confirm" && e.verdict === "pass" && e.specific !== false);
  const ceiling = h.origin === "llm" && !runbookSupport ? LLM_CEILING : 1;
  const confidence = Math.min(ceiling, round2(posterior * (0.3 + 0.7 * coverage)));
  let status: CauseStatus;
  if (concluded === 0) status = "untested";
  else if ((ruledOut || strongMiss) && posterior < 0.2) status = "ruled_out";
  else if (confidence >= CONFIRMED_AT && !strongMiss && !ruledOut) status = "confirmed";
  else if (confidence >= 0.5) status = "likely";
  else if (confidence >= 0.25) status = "possible";
  else status = "unlikely";
  return { id: h.id, title: h.title, confidence, status, support, against, gaps, origin: h.origin };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** The chain from the outermost mechanism to this cause, following `parent` links. */
function chainOf(h: Hypothesis, byId: Map<string, Hypothesis>): string[] {
  const chain = [h.id];
  const seen = new Set(chain);
  let cur = h.parent ? byId.get(h.parent) : undefined;
  while (cur && !seen.has(cur.id)) {
    chain.unshift(cur.id);
    seen.add(cur.id);
    cur = cur.parent ? byId.get(cur.parent) : undefined;
  }
  return chain;
}

/**
 * Ranks causes by confidence, then lifts a deeper cause that has evidence above the mechanism it
 * explains: the report leads with the deepest supported cause and shows the chain.
 */
export function rank(hypotheses: Hypothesis[], evidence: Evidence[], meta: { rounds: number; budgetExhausted: boolean }): Rca {
  const byId = new Map(hypotheses.map((h) => [h.id, h]));
  const scored = hypotheses.map((h) => {
    const chain = chainOf(h, byId);
    return { ...score(h, evidence), chain, depth: chain.length };
  });
  const supported = (c: { status: CauseStatus }) => c.status === "confirmed" || c.status === "likely";
  scored.sort((a, b) => {
    // A supported cause beneath another supported cause in the same chain goes first.
    if (supported(a) && supported(b)) {
      if (a.chain.includes(b.id) && a.depth > b.depth) return -1;
      if (b.chain.includes(a.id) && b.depth > a.depth) return 1;
    }
    return b.confidence - a.confidence || b.depth - a.depth || a.id.localeCompare(b.id);
  });
  const ranked: RankedCause[] = scored.map(({ depth: _d, ...c }) => ({
    ...c,
    chain: supported(c) ? c.chain.filter((id) => id === c.id || scored.some((s) => s.id === id && supported(s))) : [c.id],
  }));
  const top = ranked[0];
  const rival = ranked.find((c) => top && c.id !== top.id && !top.chain.includes(c.id));
  const margin = top ? top.confidence - (rival?.confidence ?? 0) : 0;
  let conclusion: Rca["conclusion"] = "inconclusive";
  if (top && top.status === "confirmed" && margin >= CONFIRM_MARGIN) conclusion = "confirmed";
  else if (top && (top.status === "confirmed" || top.status === "likely") && margin > 0) conclusion = "likely";
  const topGaps = ranked.slice(0, 3).flatMap((c) =>
    c.gaps.map((key) => {
      const e = evidence.find((x) => x.key === key);
      return `${key}: ${e?.reason ?? "not checked"}`;
    }),
  );
  return {
    conclusion,
    rootCause: conclusion === "inconclusive" || !top ? "unknown" : top.id,
    confidence: top?.confidence ?? 0,
    ranked,
    chain: conclusion === "inconclusive" || !top ? [] : top.chain,
    gaps: [...new Set(topGaps)],
    rounds: meta.rounds,
    checksRun: evidence.length,
    budgetExhausted: meta.budgetExhausted,
  };
}
