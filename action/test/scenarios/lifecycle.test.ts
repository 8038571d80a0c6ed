import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Files, Scenario } from "../../src/model/index.js";
import { IncidentIndexSchema } from "../../src/model/index.js";
import { projectMemory, replayLoaded, scenarioRepoFiles, type ReplayRun } from "../../src/eval/replay.js";
import { scoreRun } from "../../src/eval/score.js";
import { INDEX_PATH } from "../../src/record/index.js";
import { MemoryStore } from "../../src/store/memory.js";
import { loadScenario } from "../../src/telemetry/replay/load.js";
import { REPO_ROOT } from "../support/runner.js";

/**
 * The lifecycle golden scenario, beyond what `eval` scores: the alert of an incident a month old, never
 * resolved, opens a new incident linked to it, and memory considers the old one first.
 */
const DIR = join(REPO_ROOT, "action", "scenarios", "lifecycle-recurrence-a-month-later");

let scenario: Scenario;
let memory: Files;
/** The earlier incident, as the scenario's history/ index lists it. */
let earlier: string;
beforeAll(async () => {
  scenario = await loadScenario(DIR);
  memory = await projectMemory(REPO_ROOT);
  earlier = IncidentIndexSchema.parse(JSON.parse(scenario.history[INDEX_PATH]!)).incidents[0]!.id;
});

/** Replays a scenario and returns the run with every file its store holds afterwards. */
async function replay(s: Scenario): Promise<{ run: ReplayRun; files: Files }> {
  const store = new MemoryStore(scenarioRepoFiles(s));
  const run = await replayLoaded(s, { projectRoot: REPO_ROOT, memory, store: () => Promise.resolve(store) });
  const head = await store.snapshot();
  const files: Files = {};
  for (const p of await head.list("incidents")) files[p] = (await head.read(p))!;
  return { run, files };
}

describe("lifecycle-recurrence-a-month-later", () => {
  it("opens a new incident in the new month, linked to the month-old one, and tests that one's cause first", async () => {
    const { run, files } = await replay(scenario);
    expect(scoreRun(run)).toMatchObject({ top1: true, incidents_ok: true });
    const [outcome, ...others] = run.result.outcomes;
    expect(others).toEqual([]);
    const incident = outcome!.incident;
    expect(incident.id).not.toBe(earlier);
    expect(incident.recurrenceOf).toBe(earlier);
    expect(incident.path).toMatch(/^incidents\/2026\/05\//);
    expect(outcome!.problem.similar[0]).toMatchObject({ id: earlier, rootCause: "plat-cert-expiry", confirmed: true });
    expect(outcome!.investigation!.hypotheses.find((h) => h.round === 1 && h.id === "plat-cert-expiry")!.seenBefore).toBe(earlier);
    // The month-old incident is left as it was: still open by its alerts, closed by its quiet period.
    const index = IncidentIndexSchema.parse(JSON.parse(files[INDEX_PATH]!)).incidents;
    expect(index.map((i) => [i.id, i.recurrenceOf])).toEqual([
      [earlier, undefined],
      [incident.id, earlier],
    ]);
    expect(files[`${incident.path}/README.md`]).toContain(`recurrence_of: ${earlier}`);
    // The page people read lists only the new one as open.
    expect(files["incidents/README.md"]).toContain("2 incidents, 1 open. 1 incident closed by the quiet period");
    expect(files["incidents/README.md"]).toMatch(new RegExp(`${earlier}\\S* \\| [^|]+ \\| closed \\(quiet\\) \\|`));
  });

  it("a start time a month and a half ahead of the delivery is placed at the receive time: no future folder or scorecard", async () => {
    const future = "2026-06-28T09:00:00.000Z";
    const skewed: Scenario = {
      ...scenario,
      alerts: scenario.alerts.map((a) => ({ ...a, body: a.body.replace(/"startsAt": "[^"]+"/, `"startsAt": "${future}"`) })),
    };
    expect(skewed.alerts[0]!.body).toContain(future);
    const { run, files } = await replay(skewed);
    const incident = run.result.outcomes[0]!.incident;
    const received = scenario.meta.now;
    expect(incident.openedAt).toBe(new Date(received).toISOString());
    expect(incident.startClamped).toEqual({ alerts: 1, claimed: future, placed: new Date(received).toISOString() });
    expect(incident.recurrenceOf).toBe(earlier);
    expect(Object.keys(files).filter((p) => /2026[/-]0[67]/.test(p))).toEqual([]);
    expect(files[`${incident.path}/README.md`]).toContain("**Start time clamped:** 1 alert claimed to start in the future (as late as 2026-06-28 09:00 UTC)");
    const recorded = files[`${incident.path}/alerts.jsonl`]!.trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { startsAt: string });
    expect(recorded.map((a) => a.startsAt)).toEqual([new Date(received).toISOString()]);
  });
});
