import { describe, expect, it } from "vitest";
import type { Evidence, Hypothesis, Weight } from "../../src/model/index.js";
import { rank, score } from "../../src/reason/rank.js";

function hyp(id: string, prior = 0.2, parent?: string): Hypothesis {
  return { id, title: id, origin: "runbook", prior, reason: "test", deeper: [], round: 1, checks: [], ...(parent ? { parent } : {}) };
}
function ev(hypothesis: string, check: string, verdict: Evidence["verdict"], weight: Weight = "strong", role: Evidence["role"] = "confirm"): Evidence {
  return { key: `${hypothesis}/${check}`, check, hypothesis, verdict, finding: "", query: "", observed: {}, data: null, weight, role, round: 1, ms: 0 };
}

describe("score", () => {
  it("confirms a cause whose strong checks pass", () => {
    const s = score(hyp("a"), [ev("a", "x", "pass"), ev("a", "y", "pass", "moderate")]);
    expect(s.status).toBe("confirmed");
    expect(s.confidence).toBeGreaterThanOrEqual(0.8);
  });

  it("never confirms when half the evidence could not be checked", () => {
    const s = score(hyp("a"), [ev("a", "x", "pass"), ev("a", "y", "inconclusive")]);
    expect(s.confidence).toBeLessThan(0.8);
    expect(s.gaps).toEqual(["a/y"]);
  });

  it("a passing rule-out check counts against the cause", () => {
    const s = score(hyp("a"), [ev("a", "x", "pass"), ev("a", "sibling", "pass", "strong", "rule_out")]);
    expect(s.against).toEqual(["a/sibling"]);
    expect(s.status).not.toBe("confirmed");
  });

  it("nothing checked is untested, not unlikely", () => {
    expect(score(hyp("a"), [ev("a", "x", "inconclusive")]).status).toBe("untested");
  });

  it("background (a check that also held before the onset) weighs nothing either way", () => {
    const alone = score(hyp("a"), [ev("a", "x", "pass")]);
    const withBackground = score(hyp("a"), [ev("a", "x", "pass"), { ...ev("a", "noise", "pass"), specific: false }]);
    expect(withBackground.confidence).toBe(alone.confidence);
    expect(withBackground.support).toEqual(["a/x"]);
  });

  it("an alternative sign that did not show (necessary: false) is not evidence against", () => {
    const missing = score(hyp("a"), [ev("a", "late", "pass"), { ...ev("a", "failed", "fail"), necessary: false }]);
    const against = score(hyp("a"), [ev("a", "late", "pass"), ev("a", "failed", "fail")]);
    expect(missing.confidence).toBeGreaterThan(against.confidence);
    expect(missing.against).toEqual([]);
    expect(missing.status).toBe("confirmed");
  });

  it("absent sibling signatures never outweigh half of the cause's own support", () => {
    const siblings = (n: number) => Array.from({ length: n }, (_, i) => ev("a", `sib${i}`, "fail", "strong", "rule_out"));
    // nothing of its own: six absent siblings leave the cause at its prior (0.2, all evidence concluded)
    const none = score(hyp("a"), siblings(6));
    expect(none.confidence).toBe(0.2);
    expect(none.status).toBe("unlikely");
    expect(score(hyp("a"), [ev("a", "x", "pass", "weak"), ...siblings(6)]).confidence).toBeLessThan(
      score(hyp("a"), [ev("a", "x", "pass", "strong")]).confidence,
    );
  });
});

describe("rank", () => {
  it("puts a supported deeper cause above the mechanism it explains, with the chain", () => {
    const evidence = [ev("storm", "members", "pass"), ev("slow", "rate", "pass"), ev("slow", "deploy", "pass", "moderate")];
    const rca = rank([hyp("storm", 0.3), hyp("slow", 0.2, "storm")], evidence, { rounds: 2, budgetExhausted: false });
    expect(rca.ranked.map((c) => c.id)).toEqual(["slow", "storm"]);
    expect(rca.chain).toEqual(["storm", "slow"]);
    expect(rca.rootCause).toBe("slow");
  });

  it("is inconclusive (unknown) when nothing has support", () => {
    const rca = rank([hyp("a"), hyp("b")], [ev("a", "x", "fail"), ev("b", "y", "inconclusive")], { rounds: 1, budgetExhausted: false });
    expect(rca.conclusion).toBe("inconclusive");
    expect(rca.rootCause).toBe("unknown");
    expect(rca.gaps.some((g) => g.startsWith("b/y"))).toBe(true);
  });

  it("does not call a cause confirmed without a margin over a rival", () => {
    const evidence = [ev("a", "x", "pass"), ev("b", "y", "pass")];
    const rca = rank([hyp("a"), hyp("b")], evidence, { rounds: 1, budgetExhausted: false });
    expect(rca.conclusion).not.toBe("confirmed");
  });
});
