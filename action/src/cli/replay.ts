import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { replayScenario, scenarioRepoFiles } from "../eval/replay.js";
import { PACKAGE_ROOT } from "../paths.js";
import { LocalGitStore } from "../store/local.js";
import { gitRepo, seed } from "./git-repo.js";
import { help } from "./help.js";
import { progressFor, type CliIo } from "./io.js";
import { printResult } from "./result.js";
import { existingPath, UsageError } from "./usage.js";

/** `pipemedic replay <dir>`: replays one scenario, in memory or (with --out) into a git repository. */
export async function replay(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: "boolean" }, out: { type: "string" }, help: { type: "boolean" } },
  });
  if (values.help) return help(io, "replay");
  const dir = positionals[0];
  if (!dir) throw new UsageError("replay needs a scenario folder: pipemedic replay <dir>");
  await existingPath(dir, "directory", "replay");
  const out = values.out ? await gitRepo(values.out) : null;
  const run = await replayScenario(resolve(dir), {
    projectRoot: PACKAGE_ROOT,
    progress: progressFor(io, Boolean(values.json)),
    ...(out
      ? {
          store: async (s) => {
            const store = new LocalGitStore({ dir: out });
            await seed(store, scenarioRepoFiles(s), `scenario ${s.meta.id}: repository before the incident`);
            return store;
          },
        }
      : {}),
  });
  printResult(io, run.result, Boolean(values.json), { scenario: run.scenario.meta.id, ms: run.ms, ...(out ? { repository: out } : {}) });
  return 0;
}
