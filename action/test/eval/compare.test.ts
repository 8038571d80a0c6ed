import { describe, expect, it } from "vitest";
import { compareEval, regressed, renderComparison, type EvalScenario } from "../../src/eval/compare.js";

const score = (id: string, top1: boolean, ranked: Array<[string, number]>, expected = "cause-a", conclusion = "confirmed"): EvalScenario => ({
  id,
  expected,
  acceptable: [],
  ranked: ranked.map(([c, confidence]) => ({ id: c, confidence })),
  top1,
  conclusion,
});

describe("compareEval", () => {
  const baseline = [
    score("stays-right", true, [["cause-a", 0.9]]),
    score("regresses", true, [
      ["cause-a", 0.85],
      ["cause-b", 0.3],
    ]),
    score("recovers", false, [
      ["cause-b", 0.6],
      ["cause-a", 0.4],
    ]),
    score("weakens", true, [["cause-a", 0.95]]),
    score("gone", true, [["cause-a", 0.9]]),
    score("unknown-one", true, [["cause-b", 0.2]], "unknown"),
  ];
  const current = [
    score("stays-right", true, [["cause-a", 0.85]]),
    score("regresses", false, [
      ["cause-b", 0.7],
      ["cause-a", 0.5],
    ]),
    score("recovers", true, [["cause-a", 0.8]]),
    score("weakens", true, [["cause-a", 0.8]]),
    score("unknown-one", true, [["cause-b", 0.45]], "unknown"),
    score("brand-new", false, []),
  ];

  it("names the newly wrong, the newly right, the moves of the expected cause, and what came and went", () => {
    const c = compareEval(baseline, current, 0.1);
    expect(c.newlyWrong.map((x) => x.id)).toEqual(["regresses"]);
    expect(c.newlyWrong[0]).toMatchObject({ before: "cause-a", now: "cause-b", confidenceBefore: 0.85, confidenceNow: 0.5 });
    expect(c.newlyRight.map((x) => x.id)).toEqual(["recovers"]);
    // 0.95 → 0.8 moves 0.15; 0.9 → 0.85 stays under 0.1; for `unknown` the first cause's confidence is what moves.
    expect(c.moved.map((x) => x.id)).toEqual(["regresses", "recovers", "weakens", "unknown-one"]);
    expect(c.added).toEqual(["brand-new"]);
    expect(c.removed).toEqual(["gone"]);
    expect(regressed(c)).toBe(true);
    expect(c.rows.find((r) => r.id === "stays-right")).toMatchObject({ status: "same", right: true });
  });

  it("a scenario still right but no longer confirmed is a regression too; one never confirmed is not", () => {
    const b = [score("lost", true, [["cause-a", 0.99]]), score("was-likely", true, [["cause-a", 0.6]], "cause-a", "likely")];
    const c = compareEval(b, [
      score("lost", true, [["cause-a", 0.49]], "cause-a", "likely"),
      score("was-likely", true, [["cause-a", 0.5]], "cause-a", "inconclusive"),
    ]);
    expect(c.newlyWrong).toEqual([]);
    expect(c.unconfirmed.map((x) => [x.id, x.conclusionBefore, x.conclusionNow])).toEqual([["lost", "confirmed", "likely"]]);
    expect(regressed(c)).toBe(true);
    expect(renderComparison(c, "base.json")).toMatch(/No longer confirmed \(regressions\):\n {2}lost: .*confirmed -> likely/);
  });

  it("a move of exactly the threshold counts, and a higher threshold hides smaller moves", () => {
    const b = [score("s", true, [["cause-a", 0.9]])];
    expect(compareEval(b, [score("s", true, [["cause-a", 0.8]])], 0.1).moved).toHaveLength(1);
    expect(compareEval(b, [score("s", true, [["cause-a", 0.8]])], 0.2).moved).toHaveLength(0);
  });

  it("no regression when nothing right became wrong", () => {
    const c = compareEval(baseline.slice(0, 1), current.slice(0, 1));
    expect(regressed(c)).toBe(false);
    expect(renderComparison(c, "base.json")).toContain("0 newly wrong, 0 no longer confirmed, 0 newly right, 0 confidence move(s)");
  });

  it("renders a job summary that names each regression", () => {
    const md = renderComparison(compareEval(baseline, current), "base.json", true);
    expect(md).toContain("**Regression:** 1 newly wrong");
    expect(md).toMatch(
      /#### Newly wrong \(regressions\)\n\n\| scenario[^\n]+\n[^\n]+\n\| `regresses` \| `cause-a` \| `cause-a` \| `cause-b` \| 0\.85 → 0\.50 \|/,
    );
    expect(md).toContain("| `recovers` | right (newly right) |");
  });
});
