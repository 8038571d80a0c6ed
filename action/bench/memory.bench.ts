// Memory: replay an incident, merge its fix (review confirms the cause), replay the next occurrence,
// and compare how many checks and how long the investigation took the second time.
import { join } from "node:path";
import type { Delivery } from "../src/model/index.js";
import { ConfigSchema, silentProgress } from "../src/model/index.js";
import { projectMemory, scenarioRepoFiles } from "../src/eval/replay.js";
import { learnFromReview } from "../src/pipeline/learning.js";
import { runPipeline } from "../src/pipeline/index.js";
import { MemoryStore } from "../src/store/memory.js";
import { findScenarioDirs, loadScenario } from "../src/telemetry/replay/load.js";
import { replayTelemetry } from "../src/telemetry/replay/telemetry.js";
import { PACKAGE_ROOT } from "../src/paths.js";
import { printTable } from "./table.js";
import { shiftStartsAt } from "../test/support/payloads.js";

const memory = await projectMemory(PACKAGE_ROOT);
const rows = [["scenario", "cause", "checks 1st", "checks 2nd", "ms 1st", "ms 2nd", "seen before"]];
for (const dir of await findScenarioDirs(join(PACKAGE_ROOT, "action", "scenarios"))) {
  const s = await loadScenario(dir);
  if (!s.meta.expect.fix || s.meta.expect.fix.kind === "none") continue; // learning needs a fix to merge
  const store = new MemoryStore(scenarioRepoFiles(s));
  const now = Date.parse(s.meta.now);
  const ports = { telemetry: replayTelemetry(s.telemetry), store, clock: { now: () => now }, progress: silentProgress };
  const options = {
    config: ConfigSchema.parse({ investigate: { group_window: "5m", reopen_window: "5m" } }),
    memory,
    overlay: { ...s.knowledge, ...s.runbooks },
    investigateAll: true,
  };
  const deliveries = (shift: number): Delivery[] =>
    s.alerts.map((a) => ({ id: `${a.file}+${shift}`, body: shiftStartsAt(a.body, shift), headers: a.headers, receivedAt: a.at }));
  const first = (await runPipeline(deliveries(0), ports, options)).outcomes.find((o) => o.investigation)!;
  if (!first.fix?.branch) continue;
  await learnFromReview(
    store,
    { branch: first.fix.branch, number: 1, merged: true, at: new Date(first.problem.onset! + 60_000).toISOString() },
    silentProgress,
  );
  const second = (await runPipeline(deliveries(10 * 60_000), ports, options)).outcomes.find((o) => o.investigation)!;
  rows.push([
    s.meta.id,
    second.investigation!.rca.rootCause,
    String(first.investigation!.rca.checksRun),
    String(second.investigation!.rca.checksRun),
    String(first.investigation!.ms),
    String(second.investigation!.ms),
    second.investigation!.hypotheses.some((h) => h.seenBefore) ? "yes" : "no",
  ]);
}
printTable("memory: the second occurrence after a merged fix", rows);
