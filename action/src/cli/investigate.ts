import { readFile } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { parseArgs } from "node:util";
import { composeRun } from "../entries/compose.js";
import { runPipeline } from "../pipeline/index.js";
import { LocalGitStore } from "../store/local.js";
import { loadScenario } from "../telemetry/replay/load.js";
import { gitRepo } from "./git-repo.js";
import { help } from "./help.js";
import { progressFor, type CliIo } from "./io.js";
import { printResult } from "./result.js";
import { existingPath, sourceOption, UsageError } from "./usage.js";

/** `pipemedic investigate --alert <file>`: investigates one webhook body and commits the incident into a local repository. */
export async function investigate(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      alert: { type: "string" },
      source: { type: "string" },
      replay: { type: "string" },
      repo: { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean" },
    },
  });
  if (values.help) return help(io, "investigate");
  if (!values.alert) throw new UsageError("investigate needs --alert <file>");
  const source = sourceOption(values.source);
  const body = await readFile(await existingPath(values.alert, "file", "--alert"), "utf8");
  if (values.replay) await existingPath(values.replay, "directory", "--replay");
  const repo = await gitRepo(await existingPath(values.repo ?? ".", "directory", "--repo"));
  const { ports, options } = await composeRun({
    workspace: { dir: repo },
    env: io.env,
    warn: (m) => io.err(`warning: ${m}\n`),
    progress: progressFor(io, Boolean(values.json)),
    git: () => ({ store: new LocalGitStore({ dir: repo, warn: (m) => io.err(`warning: ${m}\n`) }) }),
    ...(values.replay ? { replay: await loadScenario(resolve(values.replay)) } : {}),
    ...(source ? { source } : {}),
  });
  const delivery = { id: `cli-${basename(values.alert)}`, body, headers: {}, receivedAt: new Date(ports.clock.now()).toISOString() };
  const result = await runPipeline([delivery], ports, options);
  printResult(io, result, Boolean(values.json), { repository: repo });
  return result.unparsed.length && !result.alerts.length ? 1 : 0;
}
