import { z } from "zod";

/**
 * `eval --baseline`: what changed between a previous `eval --json` result and this one. A scenario is
 * right when it scores `top1` (docs/scenario-format.md, Scoring). A regression is a scenario right in
 * the baseline and wrong now, or right in both but no longer confirmed (its conclusion was `confirmed`
 * and is not now): the on-call engineer would no longer be told the cause. Confidence moves are of the expected cause (of the first-ranked cause for
 * an expected `unknown`), so a runbook edit that weakens the right answer shows before it flips.
 */

const RankedSchema = z.array(z.looseObject({ id: z.string(), confidence: z.number() })).default([]);

/** The part of an `eval --json` scenario this comparison reads; other fields are kept by the file and ignored here. */
export const EvalScenarioSchema = z.looseObject({
  id: z.string(),
  expected: z.string(),
  acceptable: z.array(z.string()).default([]),
  ranked: RankedSchema,
  conclusion: z.string().default(""),
  top1: z.boolean(),
});
/** What the comparison reads of a scenario's score (a ScenarioScore, or one read back from a file). */
export type EvalScenario = Pick<z.infer<typeof EvalScenarioSchema>, "id" | "expected" | "acceptable" | "ranked" | "top1" | "conclusion">;

export const EvalResultSchema = z.looseObject({ scenarios: z.array(EvalScenarioSchema) });

export interface ScenarioChange {
  id: string;
  expected: string;
  /** First-ranked cause before and now ("" for none). */
  before: string;
  now: string;
  confidenceBefore: number;
  confidenceNow: number;
  conclusionBefore: string;
  conclusionNow: string;
}

export interface EvalComparison {
  /** Right in the baseline, wrong now: each one is a regression. */
  newlyWrong: ScenarioChange[];
  /** Right in both, confirmed in the baseline and not now: a regression too. */
  unconfirmed: ScenarioChange[];
  newlyRight: ScenarioChange[];
  /** Right or wrong alike, the expected cause's confidence moved by at least the threshold. */
  moved: ScenarioChange[];
  /** Scenarios only in this run, and only in the baseline. */
  added: string[];
  removed: string[];
  minMove: number;
  /** Every scenario of this run with what happened to it, for the per-scenario table. */
  rows: Array<ScenarioChange & { right: boolean; status: "newly wrong" | "no longer confirmed" | "newly right" | "moved" | "same" | "new" }>;
}

/** The confidence a result gives the expected cause (its first-ranked cause's for `unknown`); 0 when unranked. */
function expectedConfidence(s: EvalScenario): number {
  if (s.expected === "unknown") return s.ranked[0]?.confidence ?? 0;
  const right = new Set([s.expected, ...s.acceptable]);
  return s.ranked.find((c) => right.has(c.id))?.confidence ?? 0;
}

const round = (n: number) => Math.round(n * 1000) / 1000;

export function compareEval(baseline: EvalScenario[], current: EvalScenario[], minMove = 0.1): EvalComparison {
  const before = new Map(baseline.map((s) => [s.id, s]));
  const now = new Map(current.map((s) => [s.id, s]));
  const out: EvalComparison = { newlyWrong: [], unconfirmed: [], newlyRight: [], moved: [], added: [], removed: [], minMove, rows: [] };
  for (const s of current) {
    const b = before.get(s.id);
    if (!b) {
      out.added.push(s.id);
      const c = round(expectedConfidence(s));
      out.rows.push({
        id: s.id,
        expected: s.expected,
        before: "",
        now: s.ranked[0]?.id ?? "",
        confidenceBefore: 0,
        confidenceNow: c,
        conclusionBefore: "",
        conclusionNow: s.conclusion,
        right: s.top1,
        status: "new",
      });
      continue;
    }
    const change: ScenarioChange = {
      id: s.id,
      expected: s.expected,
      before: b.ranked[0]?.id ?? "",
      now: s.ranked[0]?.id ?? "",
      confidenceBefore: round(expectedConfidence(b)),
      confidenceNow: round(expectedConfidence(s)),
      conclusionBefore: b.conclusion,
      conclusionNow: s.conclusion,
    };
    const unconfirmed = b.top1 && s.top1 && b.conclusion === "confirmed" && s.conclusion !== "confirmed";
    if (b.top1 && !s.top1) out.newlyWrong.push(change);
    else if (unconfirmed) out.unconfirmed.push(change);
    else if (!b.top1 && s.top1) out.newlyRight.push(change);
    // A small epsilon: 0.1 written as a difference of two rounded confidences must still count.
    const moved = Math.abs(change.confidenceNow - change.confidenceBefore) + 1e-9 >= minMove;
    if (moved) out.moved.push(change);
    const status = b.top1 && !s.top1 ? "newly wrong" : unconfirmed ? "no longer confirmed" : !b.top1 && s.top1 ? "newly right" : moved ? "moved" : "same";
    out.rows.push({ ...change, right: s.top1, status });
  }
  for (const s of baseline) if (!now.has(s.id)) out.removed.push(s.id);
  return out;
}

/** True when a scenario right in the baseline is wrong now, or no longer confirmed. */
export function regressed(c: EvalComparison): boolean {
  return c.newlyWrong.length + c.unconfirmed.length > 0;
}

/** The scenarios that regressed, by id. */
export function regressions(c: EvalComparison): string[] {
  return [...c.newlyWrong, ...c.unconfirmed].map((x) => x.id);
}

const conf = (n: number) => n.toFixed(2);

/** The comparison for a terminal, a log, or a job summary (Markdown). */
export function renderComparison(c: EvalComparison, baselineName: string, markdown = false): string {
  const lines: string[] = [];
  const head = `${c.newlyWrong.length} newly wrong, ${c.unconfirmed.length} no longer confirmed, ${c.newlyRight.length} newly right, ${c.moved.length} confidence move(s) of ${c.minMove} or more`;
  const name = markdown ? `\`${baselineName}\`` : baselineName;
  lines.push(markdown ? `### Against the baseline ${name}\n\n${regressed(c) ? "**Regression:** " : ""}${head}` : `Against the baseline ${name}: ${head}`);
  const row = (s: ScenarioChange) =>
    markdown
      ? `| \`${s.id}\` | \`${s.expected}\` | \`${s.before || "-"}\` | \`${s.now || "-"}\` | ${conf(s.confidenceBefore)} → ${conf(s.confidenceNow)} | ${s.conclusionBefore || "-"} → ${s.conclusionNow || "-"} |`
      : `  ${s.id}: expected ${s.expected}; first was ${s.before || "nothing"}, now ${s.now || "nothing"}; confidence ${conf(s.confidenceBefore)} -> ${conf(s.confidenceNow)}; ${s.conclusionBefore || "-"} -> ${s.conclusionNow || "-"}`;
  const section = (title: string, list: ScenarioChange[]) => {
    if (!list.length) return;
    if (markdown)
      lines.push(
        "",
        `#### ${title}`,
        "",
        "| scenario | expected | first before | first now | expected's confidence | conclusion |",
        "| --- | --- | --- | --- | --- | --- |",
        ...list.map(row),
      );
    else lines.push(`${title}:`, ...list.map(row));
  };
  section("Newly wrong (regressions)", c.newlyWrong);
  section("No longer confirmed (regressions)", c.unconfirmed);
  section("Newly right", c.newlyRight);
  section("Confidence moves", c.moved);
  if (c.added.length)
    lines.push(markdown ? `\nNew scenarios (no baseline): ${c.added.map((x) => `\`${x}\``).join(", ")}` : `New scenarios (no baseline): ${c.added.join(", ")}`);
  if (c.removed.length)
    lines.push(markdown ? `\nIn the baseline only: ${c.removed.map((x) => `\`${x}\``).join(", ")}` : `In the baseline only: ${c.removed.join(", ")}`);
  if (markdown && c.rows.length) {
    lines.push(
      "",
      "<details><summary>Every scenario</summary>",
      "",
      "| scenario | now | expected | first before | first now | expected's confidence |",
      "| --- | --- | --- | --- | --- | --- |",
      ...c.rows.map(
        (r) =>
          `| \`${r.id}\` | ${r.right ? "right" : "wrong"}${r.status === "same" ? "" : ` (${r.status})`} | \`${r.expected}\` | \`${r.before || "-"}\` | \`${r.now || "-"}\` | ${conf(r.confidenceBefore)} → ${conf(r.confidenceNow)} |`,
      ),
      "",
      "</details>",
    );
  }
  return `${lines.join("\n")}\n`;
}
