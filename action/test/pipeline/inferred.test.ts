import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Incident, Unparsed } from "../../src/model/index.js";
import { ConfigSchema, silentProgress } from "../../src/model/index.js";
import { projectMemory, scenarioRepoFiles } from "../../src/eval/replay.js";
import { runPipeline } from "../../src/pipeline/index.js";
import { renderJobSummary } from "../../src/report/summary.js";
import { renderCliReport } from "../../src/report/terminal.js";
import { MemoryStore } from "../../src/store/memory.js";
import { loadScenario } from "../../src/telemetry/replay/load.js";
import { replayTelemetry } from "../../src/telemetry/replay/telemetry.js";
import { REPO_ROOT } from "../support/runner.js";

describe("a body no source recognizes but that looks like an alert", () => {
  it("is investigated from the inferred alert and its raw body is kept under incidents/_unparsed/ with a note", async () => {
    // The scenario's telemetry, but the alert arrives as a team's own on_failure_callback JSON instead of Alertmanager's.
    const scenario = await loadScenario(join(REPO_ROOT, "action", "scenarios", "attribution-task-oom"));
    const memory = await projectMemory(REPO_ROOT);
    const store = new MemoryStore(scenarioRepoFiles(scenario));
    const now = Date.parse(scenario.meta.now);
    const ports = { telemetry: replayTelemetry(scenario.telemetry), store, clock: { now: () => now }, progress: silentProgress };
    const callback = {
      dag: "marketing_attribution_daily",
      task: "build_touchpoint_features",
      try_number: 2,
      start_date: "2026-03-02T04:33:42.650Z",
      exception: "Task exited with return code Negsignal.SIGKILL",
      labels: { deployment: "airflow-prod", team: "marketing-analytics" },
    };
    const delivery = { id: "dispatch-4711", body: JSON.stringify(callback), headers: {}, receivedAt: "2026-03-02T04:34:00Z" };

    const result = await runPipeline([delivery], ports, {
      config: ConfigSchema.parse({}),
      memory,
      overlay: { ...scenario.knowledge, ...scenario.runbooks },
    });

    // Investigated: the default policy investigates a high-severity alert.
    expect(result.alerts).toHaveLength(1);
    expect(result.alerts[0]).toMatchObject({ source: "generic", title: "marketing_attribution_daily.build_touchpoint_features failed", severity: "high" });
    expect(result.outcomes).toHaveLength(1);
    const outcome = result.outcomes[0]!;
    expect(outcome.investigated).toBe(true);
    expect(outcome.investigation?.rca.rootCause).toBe(scenario.meta.expect.root_cause);
    const index = JSON.parse(store.get("incidents/index.json")!) as { incidents: Incident[] };
    expect(index.incidents.map((i) => i.investigation)).toEqual(["done"]);
    const recorded = store.get(`${outcome.incident.path}/alerts.jsonl`)!;
    expect(JSON.parse(recorded.trim()) as { inferred?: { fields: string[] } }).toMatchObject({
      inferred: { fields: ["dag", "task", "labels", "try_number", "exception", "start_date"] },
    });

    // Kept: the raw body, with a note that it was inferred and from which fields.
    expect(result.unparsed).toHaveLength(1);
    const kept = JSON.parse(store.get("incidents/_unparsed/2026-03-02-dispatch-4711.json")!) as Unparsed;
    expect(JSON.parse(kept.body)).toEqual(callback);
    expect(kept.inferred).toEqual({ alerts: 1, fields: ["dag", "task", "labels", "try_number", "exception", "start_date"], list: null });
    expect(kept.reason).toMatch(/^no source recognizes this body; 1 alert\(s\) were inferred from the fields dag, task, labels, /);

    // The job summary says the alert was inferred, not that the body could not be parsed.
    const summary = renderJobSummary(result);
    expect(summary).toContain("alerts inferred from bodies no source recognizes");
    expect(summary).not.toContain("could not be parsed");
    expect(renderCliReport(result)).toMatch(/^Alerts: 1 normalized, 0 duplicates, 0 unparsed, 1 body inferred$/m);
  });
});
