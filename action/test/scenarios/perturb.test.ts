import { join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { Scenario } from "../../src/model/index.js";
import { projectMemory, replayLoaded, type ReplayRun } from "../../src/eval/replay.js";
import { scoreRun } from "../../src/eval/score.js";
import { findScenarioDirs, loadScenario } from "../../src/telemetry/replay/load.js";
import { REPO_ROOT } from "../support/runner.js";
import {
  addNoise,
  catalogueOf,
  dropNonDecisive,
  entityNames,
  rename,
  renameable,
  renameableLabels,
  renameEntities,
  renameLabels,
  shiftTime,
} from "../support/perturb.js";
import { loadRunbooks } from "../../src/memory/runbooks.js";

let scenarios: Scenario[];
let memory: Record<string, string>;
beforeAll(async () => {
  memory = await projectMemory(REPO_ROOT);
  scenarios = await Promise.all((await findScenarioDirs(join(REPO_ROOT, "action", "scenarios"))).map((d) => loadScenario(d)));
});

interface Mode {
  mem?: Record<string, string>;
  /** false: `eval --no-knowledge`, every knowledge/ file (the project's and the scenario's) left out. */
  knowledge?: boolean;
}

async function replay(s: Scenario, { mem = memory, knowledge = true }: Mode = {}): Promise<ReplayRun> {
  return replayLoaded(s, { projectRoot: REPO_ROOT, memory: mem, knowledge });
}

function verdictOf(run: ReplayRun) {
  const score = scoreRun(run);
  return { top1: score.top1, first: score.ranked[0]?.id, conclusion: score.conclusion };
}

async function verdict(s: Scenario, mode: Mode = {}) {
  return verdictOf(await replay(s, mode));
}

/**
 * The unperturbed replay of a scenario in a mode, once per file: properties draw the same scenario
 * many times, and a replay is most of a property's cost.
 */
const unperturbed = new Map<string, Promise<ReplayRun>>();
function original(s: Scenario, knowledge = true): Promise<ReplayRun> {
  const key = `${s.dir}\u0000${knowledge}`;
  if (!unperturbed.has(key)) unperturbed.set(key, replay(s, { knowledge }));
  return unperturbed.get(key)!;
}
const originalVerdict = async (s: Scenario, knowledge = true) => verdictOf(await original(s, knowledge));

/** What a verdict is for these properties: whether the expected cause is first, and which cause is. */
const ranking = (v: { top1: boolean; first: string | undefined }) => ({ top1: v.top1, first: v.first });

describe("golden scenarios under perturbation keep their verdict", () => {
  it("shifting every timestamp by any amount", { timeout: 300_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: scenarios.length - 1 }), fc.integer({ min: -400 * 86_400, max: 400 * 86_400 }), async (i, seconds) => {
        const s = scenarios[i]!;
        expect({ id: s.meta.id, ...(await verdict(shiftTime(s, seconds * 1000))) }).toEqual({ id: s.meta.id, ...(await originalVerdict(s)) });
      }),
      { numRuns: 30 },
    );
  });

  it("renaming a component consistently (a consumer group, a DAG, a topic)", { timeout: 300_000 }, async () => {
    let renamed = 0;
    for (const s of scenarios) {
      for (const from of renameable(memory, s).slice(0, 1)) {
        const r = rename(s, memory, from, `zz${from.split("").reverse().join("")}q`);
        expect({ id: s.meta.id, from, ...(await verdict(r.scenario, { mem: r.memory })) }).toEqual({ id: s.meta.id, from, ...(await originalVerdict(s)) });
        renamed++;
      }
    }
    expect(renamed).toBeGreaterThan(10);
  });

  it("adding noise series", { timeout: 300_000 }, async () => {
    const { runbooks } = loadRunbooks(memory);
    // Metrics the expected cause reads whole (no selector: under-replicated partitions over the cluster).
    const readWhole = (s: Scenario) =>
      new Set(
        (runbooks.find((r) => r.id === s.meta.expect.root_cause)?.checks ?? []).flatMap((c) => (c.metric && !c.metric.includes("{") ? [c.metric.trim()] : [])),
      );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: scenarios.length - 1 }), fc.integer({ min: 1, max: 1_000_000 }), async (i, seed) => {
        const s = scenarios[i]!;
        expect({ id: s.meta.id, ...(await verdict(addNoise(s, seed, readWhole(s)))) }).toEqual({ id: s.meta.id, ...(await originalVerdict(s)) });
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
        expect({ id: s.meta.id, ...(await verdict(dropped)) }).toMatchObject({ id: s.meta.id, top1: (await originalVerdict(s)).top1 });
      }),
      { numRuns: 30 },
    );
  });
});

/*
 * Names, without knowledge. These run as `eval --no-knowledge` does: with knowledge/, a pipeline's
 * aliases pin the label names and entity values the checks read (its `consumer_group:` is the value,
 * its metric aliases the spelling), so a renamed label or entity would only exercise the aliases.
 * Without it, every name comes from the alert's labels and text and from discovery against the
 * telemetry, through the vocabulary's synonym tables: exactly what these perturbations vary, and
 * what a stack nobody described depends on.
 *
 * Cost on a 2-core machine (a replay takes 0.1–0.7 s; the unperturbed one is cached per scenario and
 * mode, so a run costs one replay): measured idle / with other test suites running, the time shift
 * 3–4 s / 12–17 s, the label synonyms 3–4 s / 11–13 s, the entity renames 7 s / 13–40 s. The
 * timeouts (5–7 min) leave room for shrinking a counterexample, one or two replays per step.
 */
describe("without knowledge, golden scenarios under perturbation keep their verdict", () => {
  it("shifting every timestamp by any amount", { timeout: 300_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: scenarios.length - 1 }), fc.integer({ min: -400 * 86_400, max: 400 * 86_400 }), async (i, seconds) => {
        const s = scenarios[i]!;
        const after = ranking(await verdict(shiftTime(s, seconds * 1000), { knowledge: false }));
        expect({ id: s.meta.id, seconds, ...after }).toEqual({ id: s.meta.id, seconds, ...ranking(await originalVerdict(s, false)) });
      }),
      { numRuns: 30 },
    );
  });

  it(
    "label names swapped for other spellings of the same subject (consumergroup → consumer_group, dag_id → dag, mountpoint → mount_point…)",
    { timeout: 400_000 },
    async () => {
      const candidates = scenarios.map((s) => ({ s, labels: renameableLabels(s) })).filter((c) => c.labels.length > 0);
      expect(candidates.length).toBeGreaterThan(scenarios.length / 2);
      let swapped = 0;
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: candidates.length - 1 }), fc.nat(), async (i, pick) => {
          const { s, labels } = candidates[i]!;
          // One label always swapped, each other one in two cases out of three, to a spelling never beside it in a label
          // set, that no other swapped label takes and that is not itself swapped away.
          let x = pick;
          const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
          const always = pick % labels.length;
          const chosen = [labels[always]!, ...labels.filter((_, k) => k !== always && next() % 3 !== 0)];
          const taken = new Set(chosen.map((l) => l.from));
          const mapping: Record<string, string> = {};
          for (const l of chosen) {
            const free = l.to.filter((t) => !taken.has(t));
            if (!free.length) continue;
            const to = free[next() % free.length]!;
            taken.add(to);
            mapping[l.from] = to;
          }
          const after = ranking(await verdict(renameLabels(s, mapping), { knowledge: false }));
          expect({ id: s.meta.id, mapping, ...after }).toEqual({ id: s.meta.id, mapping, ...ranking(await originalVerdict(s, false)) });
          if (Object.keys(mapping).length) swapped++;
        }),
        { numRuns: 30 },
      );
      expect(swapped).toBeGreaterThan(20);
    },
  );

  it(
    "every entity of a scenario without knowledge renamed consistently (groups, topics, DAGs, jobs, services, tables, hosts)",
    { timeout: 400_000 },
    async () => {
      // Brightline's and Fernhill's scenarios carry no knowledge/: every name in them is theirs.
      const bare = scenarios.filter((s) => Object.keys(s.knowledge).length === 0 && /[/\\](brightline|fernhill)[/\\]/.test(s.dir));
      expect(bare.length).toBeGreaterThanOrEqual(20);
      const catalogue = catalogueOf(memory);
      let renamed = 0;
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: bare.length - 1 }), fc.nat(), async (i, seed) => {
          const s = bare[i]!;
          const first = await original(s, false);
          const values = entityNames(
            first.result.outcomes.map((o) => o.problem?.subjects ?? {}),
            catalogue,
          );
          if (!values.length) return;
          const r = renameEntities(s, values, catalogue, seed);
          // Same shape (separators, length), another name.
          const skeleton = (v: string) => v.replace(/[A-Za-z]/g, "a");
          for (const v of values) expect({ v, to: skeleton(r.names[v]!) }).toEqual({ v, to: skeleton(v) });
          for (const v of values) expect(r.names[v]).not.toBe(v);
          // The rename reached everywhere: no original value is left in the alerts, the telemetry or the repository.
          const text = JSON.stringify([r.scenario.alerts.map((a) => a.body), r.scenario.telemetry, r.scenario.repo]).toLowerCase();
          expect(values.filter((v) => text.includes(v.toLowerCase()))).toEqual([]);
          const after = ranking(await verdict(r.scenario, { knowledge: false }));
          expect({ id: s.meta.id, names: r.names, ...after }).toEqual({ id: s.meta.id, names: r.names, ...ranking(verdictOf(first)) });
          renamed++;
        }),
        { numRuns: 30 },
      );
      expect(renamed).toBeGreaterThan(15);
    },
  );
});
