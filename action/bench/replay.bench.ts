// Compute per replayed investigation over the golden suite: the whole pipeline (memory, ingest,
// correlate, subjects, reason ⇄ execute, report, the in-memory commit) and the investigation alone,
// with the project's knowledge and without it. The target: a median pipeline of at most 150 ms.
import { join } from "node:path";
import type { Scenario } from "../src/model/index.js";
import { projectMemory, replayLoaded } from "../src/eval/replay.js";
import { PACKAGE_ROOT } from "../src/paths.js";
import { findScenarioDirs, loadScenario } from "../src/telemetry/replay/load.js";
import { printTable } from "./table.js";

const memory = await projectMemory(PACKAGE_ROOT);
const scenarios: Scenario[] = await Promise.all((await findScenarioDirs(join(PACKAGE_ROOT, "action", "scenarios"))).map((d) => loadScenario(d)));
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

const rows = [["knowledge", "scenarios", "pipeline p50 ms", "pipeline p90 ms", "investigation p50 ms", "checks p50", "target p50 <= 150"]];
for (const knowledge of [true, false]) {
  // one warm-up pass: module loading and the first parse of the runbooks are not an investigation's cost
  for (const s of scenarios.slice(0, 3)) await replayLoaded(s, { projectRoot: PACKAGE_ROOT, memory, knowledge });
  const pipeline: number[] = [];
  const investigation: number[] = [];
  const checks: number[] = [];
  for (const s of scenarios) {
    const run = await replayLoaded(s, { projectRoot: PACKAGE_ROOT, memory, knowledge });
    pipeline.push(run.ms);
    for (const o of run.result.outcomes) {
      if (!o.investigation) continue;
      investigation.push(o.investigation.ms);
      checks.push(o.investigation.evidence.length);
    }
  }
  const p50 = pct(pipeline, 0.5);
  rows.push([
    knowledge ? "project's" : "none",
    String(scenarios.length),
    String(p50),
    String(pct(pipeline, 0.9)),
    String(pct(investigation, 0.5)),
    String(pct(checks, 0.5)),
    p50 <= 150 ? "met" : "missed",
  ]);
}
printTable("Replayed investigations of the golden suite (one process, in order)", rows);
