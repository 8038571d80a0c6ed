import type { Hypothesis, Investigation } from "../../src/model/index.js";

/** An investigation that confirmed one cause and nothing else: what a fix is proposed from. */
export function confirmedInvestigation(hypothesis: Pick<Hypothesis, "id" | "title" | "remediation">): Investigation {
  return {
    hypotheses: [hypothesis as Hypothesis],
    evidence: [],
    rca: {
      conclusion: "confirmed",
      rootCause: hypothesis.id,
      confidence: 0.95,
      ranked: [],
      chain: [],
      gaps: [],
      rounds: 1,
      checksRun: 1,
      budgetExhausted: false,
    },
    ms: 0,
  };
}
