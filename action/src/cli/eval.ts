import { appendFile, readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { compareEval, EvalResultSchema, regressed, regressions, renderComparison, type EvalComparison } from "../eval/compare.js";
import { projectMemory, replayScenario, repositoryMemory } from "../eval/replay.js";
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
    options: {
      json: { type: "boolean" },
      "no-knowledge": { type: "boolean" },
      repo: { type: "string" },
      baseline: { type: "string" },
      "min-move": { type: "string" },
      summary: { type: "string" },
      help: { type: "boolean" },
    },
  });
  if (values.help) return help(io, "eval");
  const root = positionals[0];
  if (!root) throw new UsageError("eval needs a folder of scenarios: pipemedic eval <dir>");
  const minMove = values["min-move"] === undefined ? 0.1 : Number(values["min-move"]);
  if (!Number.isFinite(minMove) || minMove < 0 || minMove > 1)
    throw new UsageError(`--min-move ${values["min-move"]}: give a confidence difference between 0 and 1, such as 0.1`);
  if (values["min-move"] !== undefined && !values.baseline)
    throw new UsageError("--min-move needs --baseline <file>: it is the smallest confidence move reported against the baseline");
  const baseline = values.baseline ? await readBaseline(values.baseline) : null;
  const dirs = await findScenarioDirs(resolve(await existingPath(root, "directory", "eval")));
  if (!dirs.length) throw new UsageError(`${root}: no scenario folders (folders with a scenario.yaml) found`);
  // A team's repository (--repo): its knowledge/, runbooks/ and policy over the package's runbooks; else the project's own memory.
  const repo = values.repo ? await repositoryMemory(resolve(await existingPath(values.repo, "directory", "--repo")), PACKAGE_ROOT) : null;
  const memory = repo ? repo.memory : await projectMemory(PACKAGE_ROOT);
  // One LLM for the whole suite (PIPEMEDIC_LLM_*, default policy); its problems go to stderr unless --json.
  const llm = llmFromEnvironment(io.env, {}, { warn: (m) => (values.json ? undefined : io.err(`warning: ${m}\n`)) });
  const scores: ScenarioScore[] = [];
  const failures: Array<{ dir: string; error: string }> = [];
  for (const dir of dirs) {
    try {
      const knowledge = values["no-knowledge"] !== true;
      scores.push(
        scoreRun(
          await replayScenario(dir, { projectRoot: PACKAGE_ROOT, memory, knowledge, ...(repo ? { policy: repo.policy } : {}), ...(llm ? { llm } : {}) }),
        ),
      );
    } catch (err) {
      failures.push({ dir, error: err instanceof Error ? err.message : String(err) });
    }
  }
  const summary = summarize(scores);
  const comparison = baseline ? compareEval(baseline.scenarios, scores, minMove) : null;
  if (values.json) {
    const { baselines, ...rest } = summary;
    const against = comparison ? { comparison: comparisonJson(comparison, values.baseline!) } : {};
    io.out(`${JSON.stringify({ summary: rest, baselines, scenarios: scores, ...against, ...(failures.length ? { errors: failures } : {}) }, null, 2)}\n`);
  } else {
    io.out(renderEvalTable(scores, summary));
    for (const f of failures) io.out(`error: ${f.dir}: ${f.error}\n`);
    if (comparison) io.out(`\n${renderComparison(comparison, values.baseline!)}`);
  }
  if (values.summary) {
    const head = `## Pipemedic eval: ${scores.filter((s) => s.top1).length} of ${scores.length} scenarios right\n\n`;
    const failed = failures.map((f) => `- could not replay \`${f.dir}\`: ${f.error.split("\n")[0]}\n`).join("");
    await appendFile(values.summary, `${head}${failed}${comparison ? renderComparison(comparison, values.baseline!, true) : ""}\n`);
  }
  if (comparison && regressed(comparison)) {
    io.err(`regression: ${regressions(comparison).join(", ")} right in ${values.baseline}, and wrong or no longer confirmed now\n`);
    return 1;
  }
  return failures.length ? 1 : 0;
}

/** A previous `eval --json` result; a file that is not one is a usage mistake naming the file and the field. */
async function readBaseline(file: string) {
  await existingPath(file, "file", "--baseline");
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, "utf8"));
  } catch (err) {
    throw new UsageError(`--baseline ${file}: not valid JSON (${(err as Error).message}); give the output of pipemedic eval <dir> --json`);
  }
  const parsed = EvalResultSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(
      `--baseline ${file}: ${issue?.path.join(".") || "(top level)"}: ${issue?.message ?? "invalid"}; give the output of pipemedic eval <dir> --json`,
    );
  }
  return parsed.data;
}

/** The comparison in the --json document (snake_case, as the rest of it). */
function comparisonJson(c: EvalComparison, file: string) {
  const change = (x: EvalComparison["newlyWrong"][number]) => ({
    id: x.id,
    expected: x.expected,
    first_before: x.before,
    first_now: x.now,
    confidence_before: x.confidenceBefore,
    confidence_now: x.confidenceNow,
    conclusion_before: x.conclusionBefore,
    conclusion_now: x.conclusionNow,
  });
  return {
    baseline: file,
    min_move: c.minMove,
    regression: regressed(c),
    newly_wrong: c.newlyWrong.map(change),
    no_longer_confirmed: c.unconfirmed.map(change),
    newly_right: c.newlyRight.map(change),
    moved: c.moved.map(change),
    added: c.added,
    removed: c.removed,
  };
}
