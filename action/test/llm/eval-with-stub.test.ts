import { join, relative, sep } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Scenario } from "../../src/model/index.js";
import { replayLoaded, projectMemory } from "../../src/eval/replay.js";
import { scoreRun, summarize } from "../../src/eval/score.js";
import { llmFromEnvironment } from "../../src/llm/index.js";
import { findScenarioDirs, loadScenario } from "../../src/telemetry/replay/load.js";
import { REPO_ROOT } from "../support/runner.js";
import { startOpenAiStub, type OpenAiStub } from "../support/openai-stub.js";

const SCENARIOS = join(REPO_ROOT, "action", "scenarios");

/** Families of other companies' scenarios besides their honest `unknown` (the cheapest breadth that still spans stacks). */
const OTHER_COMPANY_FAMILIES = 2;

/**
 * A fixed, representative subset of the golden suite: for Shopfront (the folders at the top), the first
 * scenario of every cause family (the expected cause's first word: kafka, af, spark, flink, dq, wh, bq,
 * sf, plat, unknown); for every other company (a folder of scenarios), its `unknown` and the first
 * scenarios of two other families. Chosen by rule, not by name, so it follows the suite as it grows.
 */
function representative(scenarios: Scenario[]): Scenario[] {
  const company = (s: Scenario) => {
    const parts = relative(SCENARIOS, s.dir).split(sep);
    return parts.length > 1 ? parts[0]! : "shopfront";
  };
  const family = (s: Scenario) => s.meta.expect.root_cause.split("-")[0]!;
  const firstOfEach = new Map<string, Scenario>();
  for (const s of [...scenarios].sort((a, b) => a.dir.localeCompare(b.dir))) {
    const key = `${company(s)}\u0000${family(s)}`;
    if (!firstOfEach.has(key)) firstOfEach.set(key, s);
  }
  const picked: Scenario[] = [];
  const others = new Map<string, number>();
  for (const [key, s] of [...firstOfEach].sort(([a], [b]) => a.localeCompare(b))) {
    const [c, f] = key.split("\u0000") as [string, string];
    if (c === "shopfront" || f === "unknown") picked.push(s);
    else if ((others.get(c) ?? 0) < OTHER_COMPANY_FAMILIES) {
      others.set(c, (others.get(c) ?? 0) + 1);
      picked.push(s);
    }
  }
  return picked;
}

let stub: OpenAiStub;
beforeAll(async () => {
  stub = await startOpenAiStub();
  // A plausible but wrong model: it proposes a familiar cause with a check that is easy to pass on
  // noise, and writes prose. The deterministic checks must keep the verdicts where they were.
  stub.respondWith((req) => {
    const system = JSON.stringify(req.json?.messages ?? "");
    if (system.includes("hypothesis generator")) {
      return {
        json: {
          proposals: [
            {
              id: "llm-noisy-neighbour",
              title: "A noisy neighbour on the same nodes",
              prior: 0.3,
              rationale: "resource contention is common",
              checks: [
                {
                  id: "any-error-logs",
                  logs: { level: "error" },
                  match: "error",
                  primitive: "count",
                  window: "2h",
                  pass_if: { count: ">= 1" },
                  weight: "weak",
                },
              ],
            },
          ],
        },
      };
    }
    if (system.includes("summary of a data-pipeline incident")) return { json: { narrative: "The checks point at the ranked cause; see the evidence below." } };
    return { json: { proposals: [] } };
  });
});
afterAll(async () => stub.close());

describe("eval with an LLM configured", () => {
  // Two replays per scenario of the subset (~16 scenarios), one with a model answering every
  // hypothesis and prose request over HTTP: ~5 s on a quiet 2-core machine, up to three times that
  // beside other test files. The whole suite twice took 60 s+ under load; what it proves (the model
  // never moves a verdict, no secret reaches it) holds scenario by scenario, so a subset spanning
  // every cause family and each company proves it as well. 120 s leaves room for a busy machine.
  it(
    "adds breadth without changing a single verdict of a representative subset of the golden suite, and no secret reaches the model",
    { timeout: 120_000 },
    async () => {
      const memory = await projectMemory(REPO_ROOT);
      const llm = llmFromEnvironment(
        { PIPEMEDIC_LLM_BASE_URL: stub.baseURL, PIPEMEDIC_LLM_API_KEY: "test-key", PIPEMEDIC_LLM_MODEL: "stub-model" },
        {},
        { warn: () => {} },
      );
      expect(llm).toBeDefined();
      const subset = representative(await Promise.all((await findScenarioDirs(SCENARIOS)).map((d) => loadScenario(d))));
      // Every Shopfront family (kafka, af, spark, flink, dq, wh, bq, sf, plat, unknown) and the other companies.
      expect(subset.length).toBeGreaterThanOrEqual(14);
      const plain = [];
      const withLlm = [];
      for (const scenario of subset) {
        plain.push(scoreRun(await replayLoaded(scenario, { projectRoot: REPO_ROOT, memory })));
        withLlm.push(scoreRun(await replayLoaded(scenario, { projectRoot: REPO_ROOT, memory, llm: llm! })));
      }
      const a = summarize(plain);
      const b = summarize(withLlm);
      // Every cause the deterministic path names, it still names; where it concludes nothing, the
      // model's guesses may reorder weak candidates but never produce a conclusion.
      const named = plain.filter((p) => p.conclusion !== "inconclusive");
      for (const p of named) expect(withLlm.find((w) => w.id === p.id)!.top1, p.id).toBe(p.top1);
      expect(summarize(withLlm.filter((w) => named.some((p) => p.id === w.id))).top1).toBe(summarize(named).top1);
      expect(b.top3).toBeGreaterThanOrEqual(a.top3);
      expect(b.confident_wrong).toBeLessThanOrEqual(a.confident_wrong);
      expect(b.distractor).toBeLessThanOrEqual(a.distractor);
      // Scenario by scenario: a cause named before is still named; an honest "unknown" stays inconclusive.
      for (const [i, p] of plain.entries()) {
        const l = withLlm[i]!;
        expect({ id: l.id, conclusion: l.conclusion }).toEqual({ id: p.id, conclusion: p.conclusion });
        if (p.conclusion !== "inconclusive") expect(l.ranked[0]?.id).toBe(p.ranked[0]?.id);
      }
      expect(stub.chats().length).toBeGreaterThanOrEqual(subset.length);
      expect(stub.violations).toEqual([]);
    },
  );
});
