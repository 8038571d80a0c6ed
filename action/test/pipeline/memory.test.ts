import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Delivery } from "../../src/model/index.js";
import { ConfigSchema, silentProgress } from "../../src/model/index.js";
import { projectMemory, scenarioRepoFiles } from "../../src/eval/replay.js";
import { learnFromReview } from "../../src/pipeline/learning.js";
import { runPipeline } from "../../src/pipeline/index.js";
import { MemoryStore } from "../../src/store/memory.js";
import { loadScenario } from "../../src/telemetry/replay/load.js";
import { replayTelemetry } from "../../src/telemetry/replay/telemetry.js";
import { REPO_ROOT } from "../support/runner.js";
import { shiftStartsAt } from "../support/payloads.js";

describe("learning from a merged fix", () => {
  it("confirms and resolves the incident, then recognises the next similar alert and tests that cause first", async () => {
    const scenario = await loadScenario(join(REPO_ROOT, "action", "scenarios", "ledger-rebalance-storm"));
    const memory = await projectMemory(REPO_ROOT);
    const store = new MemoryStore(scenarioRepoFiles(scenario));
    const now = Date.parse(scenario.meta.now);
    const ports = { telemetry: replayTelemetry(scenario.telemetry), store, clock: { now: () => now }, progress: silentProgress };
    // Short windows: the next occurrence, ten minutes later, is a new incident rather than a re-fire.
    const options = {
      config: ConfigSchema.parse({ investigate: { group_window: "5m", reopen_window: "5m" } }),
      memory,
      overlay: { ...scenario.knowledge, ...scenario.runbooks },
      investigateAll: true,
    };
    const deliveries = (shift: number): Delivery[] =>
      scenario.alerts.map((a) => ({ id: `${a.file}+${shift}`, body: shiftStartsAt(a.body, shift), headers: a.headers, receivedAt: a.at }));

    const first = await runPipeline(deliveries(0), ports, options);
    const firstOutcome = first.outcomes[0]!;
    expect(firstOutcome.investigation!.rca.rootCause).toBe(scenario.meta.expect.root_cause);
    expect(firstOutcome.fix!.branch).toMatch(/^pipemedic\/fix\//);

    // A reviewer merges the fix a minute after the onset.
    const mergedAt = new Date(firstOutcome.problem.onset! + 60_000).toISOString();
    const review = await learnFromReview(store, { branch: firstOutcome.fix!.branch!, number: 7, merged: true, at: mergedAt }, silentProgress);
    expect(review.incidentId).toBe(firstOutcome.incident.id);
    const readme = store.get(`${firstOutcome.incident.path}/README.md`)!;
    expect(readme).toMatch(/status: resolved/);
    expect(readme).toMatch(/status: confirmed-by-review/);
    expect(readme).toMatch(/state: merged/);

    const second = await runPipeline(deliveries(10 * 60_000), ports, options);
    const o = second.outcomes[0]!;
    expect(o.incident.id).not.toBe(firstOutcome.incident.id);
    expect(o.problem.similar.map((s) => s.id)).toContain(firstOutcome.incident.id);
    expect(o.investigation!.hypotheses[0]!.seenBefore).toBe(firstOutcome.incident.id);
    expect(o.investigation!.rca.rootCause).toBe(scenario.meta.expect.root_cause);
    expect(o.investigation!.rca.checksRun).toBeLessThan(firstOutcome.investigation!.rca.checksRun);
    expect(store.get(o.reportPath)).toContain(firstOutcome.incident.id);
  });
});
