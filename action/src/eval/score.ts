import { CONFIRMED_AT } from "../model/index.js";
import { anomaly, lastChange } from "./baselines.js";
import type { ReplayRun } from "./replay.js";

/** One scenario's score, as docs/scenario-format.md's Scoring section defines it. */
export interface ScenarioScore {
  id: string;
  expected: string;
  acceptable: string[];
  ranked: Array<{ id: string; confidence: number }>;
  conclusion: string;
  top1: boolean;
  top3: boolean;
  confident_wrong: boolean;
  distractor: boolean;
  incidents_ok: boolean;
  pipelines_ok?: boolean;
  onset_ok?: boolean;
  fix_ok?: boolean;
  ms: number;
  /** What the baselines ranked first to third on the same scenario. */
  baselines: { last_change: string[]; anomaly: string[] };
}

export interface EvalSummary {
  scenarios: number;
  top1: number;
  top3: number;
  confident_wrong: number;
  distractor: number;
  incidents_ok: number;
  median_ms: number;
  baselines: { last_change: { top1: number; top3: number }; anomaly: { top1: number; top3: number } };
}

const ONSET_TOLERANCE_MS = 5 * 60_000;

/** Scores a replayed scenario against its `expect`. The primary incident is the one with the most alerts. */
export function scoreRun(run: ReplayRun): ScenarioScore {
  const { scenario, result } = run;
  const expect = scenario.meta.expect;
  const investigated = result.outcomes.filter((o) => o.investigation);
  const primary = [...investigated].sort((a, b) => b.incident.alerts.length - a.incident.alerts.length)[0];
  const rca = primary?.investigation?.rca;
  const ranked = (rca?.ranked ?? []).map((c) => ({ id: c.id, confidence: c.confidence }));
  const right = new Set([expect.root_cause, ...expect.acceptable]);
  const first = ranked[0];
  const unknown = expect.root_cause === "unknown";
  const inconclusive = !rca || rca.conclusion === "inconclusive";
  const top1 = unknown ? inconclusive && !primary?.proposal : Boolean(first && right.has(first.id));
  const top3 = unknown ? top1 : ranked.slice(0, 3).some((c) => right.has(c.id));
  const confidentWrong = Boolean(first && !top1 && !(unknown && inconclusive) && first.confidence >= CONFIRMED_AT);
  // For an expected `unknown`, an inconclusive run names no cause, so the order of weak candidates is no distractor.
  const distractor = Boolean(first && expect.not.includes(first.id) && !(unknown && inconclusive));
  const incidents = new Set(result.outcomes.map((o) => o.incident.id)).size;
  const score: ScenarioScore = {
    id: scenario.meta.id,
    expected: expect.root_cause,
    acceptable: expect.acceptable,
    ranked,
    conclusion: rca?.conclusion ?? "not investigated",
    top1,
    top3,
    confident_wrong: confidentWrong,
    distractor,
    incidents_ok: incidents === expect.incidents,
    ms: run.ms,
    baselines: {
      last_change: lastChange(scenario, primary?.problem?.onset ?? null).slice(0, 3),
      anomaly: anomaly(scenario, primary?.problem?.onset ?? null, run.result.runbooks).slice(0, 3),
    },
  };
  const problem = primary?.problem;
  if (expect.pipelines) score.pipelines_ok = expect.pipelines.every((p) => problem?.pipelines.some((x) => x.id === p));
  if (expect.onset) score.onset_ok = problem?.onset != null && Math.abs(problem.onset - Date.parse(expect.onset)) <= ONSET_TOLERANCE_MS;
  if (expect.fix) {
    const p = primary?.proposal;
    score.fix_ok = expect.fix.kind === "none" ? !p : Boolean(p && p.kind === expect.fix.kind && (!expect.fix.path || p.path === expect.fix.path));
  }
  return score;
}

/** Rates as fractions of the scenarios, and the median wall time. */
export function summarize(scores: ScenarioScore[]): EvalSummary {
  const n = scores.length || 1;
  const rate = (f: (s: ScenarioScore) => boolean) => Math.round((scores.filter(f).length / n) * 1000) / 1000;
  const ms = scores.map((s) => s.ms).sort((a, b) => a - b);
  const median = ms.length ? (ms.length % 2 ? ms[(ms.length - 1) / 2]! : (ms[ms.length / 2 - 1]! + ms[ms.length / 2]!) / 2) : 0;
  const baseline = (k: "last_change" | "anomaly") => ({
    top1: rate((s) => baselineHit(s, s.baselines[k], 1)),
    top3: rate((s) => baselineHit(s, s.baselines[k], 3)),
  });
  return {
    scenarios: scores.length,
    top1: rate((s) => s.top1),
    top3: rate((s) => s.top3),
    confident_wrong: rate((s) => s.confident_wrong),
    distractor: rate((s) => s.distractor),
    incidents_ok: rate((s) => s.incidents_ok),
    median_ms: median,
    baselines: { last_change: baseline("last_change"), anomaly: baseline("anomaly") },
  };
}

/** A baseline is right when its first (or first three) names the expected cause; for `unknown`, when it names nothing. */
function baselineHit(s: ScenarioScore, ranked: string[], k: number): boolean {
  if (s.expected === "unknown") return ranked.length === 0;
  return ranked.slice(0, k).some((id) => id === s.expected || s.acceptable.includes(id));
}
