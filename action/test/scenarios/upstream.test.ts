import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Files } from "../../src/model/index.js";
import { projectMemory, replayScenario } from "../../src/eval/replay.js";
import { REPO_ROOT } from "../support/runner.js";

/**
 * An upstream DAG is a cause only where its dependence is shown. Eval scores each scenario's main
 * incident; these look at every incident, with knowledge and without (`eval --no-knowledge`).
 */
const dir = (...path: string[]) => join(REPO_ROOT, "action", "scenarios", ...path);
const UPSTREAM_LATE = "af-upstream-dag-late";

let memory: Files;
beforeAll(async () => {
  memory = await projectMemory(REPO_ROOT);
});

/** Every incident of a replayed scenario: its first three causes with confidence and status. */
async function incidents(path: string, knowledge: boolean) {
  const run = await replayScenario(path, { projectRoot: REPO_ROOT, memory, knowledge });
  return run.result.outcomes.map((o) => ({
    alerts: o.incident.alerts.length,
    upstream: (o.problem?.subjects["sensor.external_dag_id"] ?? []).map((v) => v.value),
    ranked: (o.investigation?.rca.ranked ?? []).slice(0, 3).map((c) => ({ id: c.id, confidence: c.confidence, status: c.status })),
  }));
}

describe("an upstream DAG guessed from timing alone", () => {
  for (const knowledge of [true, false]) {
    it(`does not make the late upstream a cause of either of two unrelated DAG failures (${knowledge ? "with" : "without"} knowledge)`, async () => {
      // Two DAGs of one deployment fail minutes apart for unrelated reasons: each ran just before the other's onset.
      const all = await incidents(dir("harrowgate", "harrowgate-airflow-two-failures"), knowledge);
      expect(all).toHaveLength(2);
      for (const i of all) {
        const late = i.ranked.find((c) => c.id === UPSTREAM_LATE);
        expect(late?.status ?? "not ranked", JSON.stringify(i.ranked)).not.toMatch(/^(confirmed|likely)$/);
        // Neither DAG's logs nor records name the other: neither is the other's upstream.
        expect(i.upstream).toEqual([]);
      }
    });

    it(`still confirms an upstream the downstream's own logs or sensor name (${knowledge ? "with" : "without"} knowledge)`, async () => {
      for (const path of [dir("fernhill", "fernhill-upstream-dag-late"), dir("attribution-upstream-late")]) {
        const [main] = (await incidents(path, knowledge)).sort((a, b) => b.alerts - a.alerts);
        expect({ path, first: main!.ranked[0] }).toMatchObject({ path, first: { id: UPSTREAM_LATE, status: "confirmed" } });
        expect(main!.ranked[0]!.confidence).toBeGreaterThanOrEqual(0.85);
        expect(main!.upstream).toHaveLength(1);
      }
    });
  }
});
