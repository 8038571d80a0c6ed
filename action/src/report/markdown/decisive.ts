import type { Evidence, Investigation } from "../../model/index.js";

/** The causes the report leads with: the chain of the named cause, or the best candidate when nothing was named. */
export function leadingCauses(inv: Investigation): string[] {
  const rca = inv.rca;
  if (rca.conclusion === "inconclusive") return rca.ranked[0] ? [rca.ranked[0].id] : [];
  return rca.chain.length ? rca.chain : [rca.rootCause];
}

/**
 * The evidence that decides: passing confirm checks of the leading causes, strong ones first.
 * `strong` is false when no strong check passed and the list holds the weaker support instead.
 */
export function decisiveEvidence(inv: Investigation): { evidence: Evidence[]; strong: boolean } {
  const lead = leadingCauses(inv);
  // The root cause (last in the chain) leads, then the mechanisms above it.
  const depth = (e: Evidence) => -lead.indexOf(e.hypothesis);
  const passing = inv.evidence.filter((e) => lead.includes(e.hypothesis) && e.verdict === "pass" && e.role === "confirm").sort((a, b) => depth(a) - depth(b));
  const strong = passing.filter((e) => e.weight === "strong");
  if (strong.length) return { evidence: strong, strong: true };
  const order = { strong: 0, moderate: 1, weak: 2 } as const;
  return { evidence: [...passing].sort((a, b) => order[a.weight] - order[b.weight]), strong: false };
}
