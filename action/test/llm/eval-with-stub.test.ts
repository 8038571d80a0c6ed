import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { replayScenario, projectMemory } from "../../src/eval/replay.js";
import { scoreRun, summarize } from "../../src/eval/score.js";
import { llmFromEnvironment } from "../../src/llm/index.js";
import { findScenarioDirs } from "../../src/telemetry/replay/load.js";
import { REPO_ROOT } from "../support/runner.js";
import { startOpenAiStub, type OpenAiStub } from "../support/openai-stub.js";

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
              checks: [{ id: "any-error-logs", logs: { level: "error" }, match: "error", primitive: "count", window: "2h", pass_if: { count: ">= 1" }, weight: "weak" }],
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
  it("adds breadth without changing a single verdict of the golden suite, and no secret reaches the model", async () => {
    const memory = await projectMemory(REPO_ROOT);
    const llm = llmFromEnvironment({ PIPEMEDIC_LLM_BASE_URL: stub.baseURL, PIPEMEDIC_LLM_API_KEY: "test-key", PIPEMEDIC_LLM_MODEL: "stub-model" }, {}, { warn: () => {} });
    expect(llm).toBeDefined();
    const dirs = await findScenarioDirs(join(REPO_ROOT, "action", "scenarios"));
    const plain = [];
    const withLlm = [];
    for (const dir of dirs) {
      plain.push(scoreRun(await replayScenario(dir, { projectRoot: REPO_ROOT, memory })));
      withLlm.push(scoreRun(await replayScenario(dir, { projectRoot: REPO_ROOT, memory, llm: llm! })));
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
    expect(stub.chats().length).toBeGreaterThanOrEqual(dirs.length);
    expect(stub.violations).toEqual([]);
  });
});
