import { join } from "node:path";
import type { Scenario } from "../../src/model/index.js";
import { findScenarioDirs, loadScenario } from "../../src/telemetry/replay/load.js";
import { REPO_ROOT } from "./runner.js";

/** The bundled scenario tagged `demo` (the one `pipemedic demo` shows): a single dispatchable alert with a fix. */
export async function demoScenario(): Promise<Scenario> {
  for (const dir of await findScenarioDirs(join(REPO_ROOT, "action", "scenarios"))) {
    const s = await loadScenario(dir);
    if (s.meta.tags.includes("demo")) return s;
  }
  throw new Error("no scenario tagged demo under action/scenarios");
}
