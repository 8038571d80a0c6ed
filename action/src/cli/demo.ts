import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { replayScenario, scenarioRepoFiles } from "../eval/replay.js";
import { PACKAGE_ROOT } from "../paths.js";
import { LocalGitStore } from "../store/local.js";
import { findScenarioDirs, loadScenario } from "../telemetry/replay/load.js";
import { gitRepo, seed } from "./git-repo.js";
import { help } from "./help.js";
import { progressFor, type CliIo } from "./io.js";
import { printResult } from "./result.js";
import { UsageError } from "./usage.js";

/** The bundled scenario to show: the one asked for, else the first tagged `demo`, else the first. */
async function pickScenario(root: string, id: string | undefined): Promise<string> {
  const dirs = await findScenarioDirs(root);
  if (id) {
    const dir = dirs.find((d) => d.endsWith(`/${id}`));
    if (!dir) throw new UsageError(`--scenario: no bundled scenario "${id}"`);
    return dir;
  }
  for (const d of dirs) if ((await loadScenario(d)).meta.tags.includes("demo")) return d;
  if (!dirs[0]) throw new Error(`no scenarios found under ${root}`);
  return dirs[0];
}

/** `pipemedic demo`: replays a bundled scenario into a new temporary git repository and prints the result. */
export async function demo(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { scenario: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean" } } });
  if (values.help) return help(io, "demo");
  const dir = await pickScenario(join(PACKAGE_ROOT, "action", "scenarios"), values.scenario);
  const repo = await gitRepo(await mkdtemp(join(tmpdir(), "pipemedic-demo-")));
  const run = await replayScenario(dir, {
    projectRoot: PACKAGE_ROOT,
    progress: progressFor(io, Boolean(values.json)),
    store: async (s) => {
      const store = new LocalGitStore({ dir: repo });
      await seed(store, scenarioRepoFiles(s), "the operations repository before the incident");
      return store;
    },
  });
  printResult(io, run.result, Boolean(values.json), { scenario: run.scenario.meta.id, title: run.scenario.meta.title, repository: repo });
  return 0;
}
