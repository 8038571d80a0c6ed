import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { projectMemory, replayScenario } from "../eval/replay.js";
import { scoreRun, summarize, type ScenarioScore } from "../eval/score.js";
import { llmFromEnvironment } from "../llm/index.js";
import { PACKAGE_ROOT } from "../paths.js";
import { renderEvalTable } from "../report/terminal.js";
import { findScenarioDirs } from "../telemetry/replay/load.js";
import { help } from "./help.js";
import type { CliIo } from "./io.js";
import { existingPath, UsageError } from "./usage.js";

/** `pipemedic eval <dir>`: replays and scores every scenario folder under dir, beside two baselines. */
export async function evaluate(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: "boolean" }, "no-knowledge": { type: "boolean" }, help: { type: "boolean" } },
  });
  if (values.help) return help(io, "eval");
  const root = positionals[0];
  if (!root) throw new UsageError("eval needs a folder of scenarios: pipemedic eval <dir>");
  const dirs = await findScenarioDirs(resolve(await existingPath(root, "directory", "eval")));
  if (!dirs.length) throw new UsageError(`${root}: no scenario folders (folders with a scenario.yaml) found`);
  const memory = await projectMemory(PACKAGE_ROOT);
  // One LLM for the whole suite (PIPEMEDIC_LLM_*, default policy); its problems go to stderr unless --json.
  const llm = llmFromEnvironment(io.env, {}, { warn: (m) => (values.json ? undefined : io.err(`warning: ${m}\n`)) });
  const scores: ScenarioScore[] = [];
  const failures: Array<{ dir: string; error: string }> = [];
  for (const dir of dirs) {
    try {
      const knowledge = values["no-knowledge"] !== true;
      scores.push(scoreRun(await replayScenario(dir, { projectRoot: PACKAGE_ROOT, memory, knowledge, ...(llm ? { llm } : {}) })));
    } catch (err) {
      failures.push({ dir, error: err instanceof Error ? err.message : String(err) });
    }
  }
  const summary = summarize(scores);
  if (values.json) {
    const { baselines, ...rest } = summary;
    io.out(`${JSON.stringify({ summary: rest, baselines, scenarios: scores, ...(failures.length ? { errors: failures } : {}) }, null, 2)}\n`);
  } else {
    io.out(renderEvalTable(scores, summary));
    for (const f of failures) io.out(`error: ${f.dir}: ${f.error}\n`);
  }
  return failures.length ? 1 : 0;
}
