import { join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { Scenario } from "../../src/model/index.js";
import { projectMemory, replayLoaded } from "../../src/eval/replay.js";
import { scoreRun } from "../../src/eval/score.js";
import { findScenarioDirs, loadScenario } from "../../src/telemetry/replay/load.js";
import { REPO_ROOT } from "../support/runner.js";
import { addNoise, dropNonDecisive, rename, renameable, shiftTime } from "../support/perturb.js";
import { loadRunbooks } from "../../src/memory/runbooks.js";

let scenarios: Scenario[];
let memory: Record<string, string>;
beforeAll(async () => {
  memory = await projectMemory(REPO_ROOT);
  scenarios = await Promise.all((await findScenarioDirs(join(REPO_ROOT, "action", "scenarios"))).map((d) => loadScenario(d)));
});

async function verdict(s: Scenario, mem = memory) {
  const score = scoreRun(await replayLoaded(s, { projectRoot: REPO_ROOT, memory: mem }));
  return { top1: score.top1, first: score.ranked[0]?.id, conclusion: score.conclusion };
}

describe("golden scenarios under perturbation keep their verdict", () => {
  it("shifting every timestamp by any amount", { timeout: 300_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: scenarios.length - 1 }), fc.integer({ min: -400 * 86_400, max: 400 * 86_400 }), async (i, seconds) => {
        const s = scenarios[i]!;
        expect({ id: s.meta.id, ...(await verdict(shiftTime(s, seconds * 1000))) }).toEqual({ id: s.meta.id, ...(await verdict(s)) });
      }),
      { numRuns: 30 },
    );
  });

  it("renaming a component consistently (a consumer group, a DAG, a topic)", { timeout: 300_000 }, async () => {
    let renamed = 0;
    for (const s of scenarios) {
      for (const from of renameable(memory, s).slice(0, 1)) {
        const r = rename(s, memory, from, `zz${from.split("").reverse().join("")}q`);
        expect({ id: s.meta.id, from, ...(await verdict(r.scenario, r.memory)) }).toEqual({ id: s.meta.id, from, ...(await verdict(s)) });
        renamed++;
      }
    }
    expect(renamed).toBeGreaterThan(10);
  });

  it("adding noise series", { timeout: 300_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: scenarios.length - 1 }), fc.integer({ min: 1, max: 1_000_000 }), async (i, seed) => {
        const s = scenarios[i]!;
        expect({ id: s.meta.id, ...(await verdict(addNoise(s, seed))) }).toEqual({ id: s.meta.id, ...(await verdict(s)) });
      }),
      { numRuns: 30 },
    );
  });

  it("dropping one signal the expected cause does not read", { timeout: 300_000 }, async () => {
    const { runbooks } = loadRunbooks(memory);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: scenarios.length - 1 }), fc.nat(), async (i, pick) => {
        const s = scenarios[i]!;
        const rb = runbooks.find((r) => r.id === s.meta.expect.root_cause);
        const decisive = new Set((rb?.checks ?? []).flatMap((c) => (c.metric ? [c.metric.split("{")[0]!.trim()] : [])));
        const dropped = dropNonDecisive(s, decisive, pick);
        if (!dropped || s.meta.expect.root_cause === "unknown") return;
        expect({ id: s.meta.id, ...(await verdict(dropped)) }).toMatchObject({ id: s.meta.id, top1: (await verdict(s)).top1 });
      }),
      { numRuns: 30 },
    );
  });
});
