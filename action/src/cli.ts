import { mkdir, mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { execFileSync } from "node:child_process";
import type { PipelineResult, Progress, Source } from "./model/index.js";
import { silentProgress, SourceSchema } from "./model/index.js";
import { replayScenario, projectMemory, scenarioRepoFiles } from "./eval/replay.js";
import { scoreRun, summarize, type ScenarioScore } from "./eval/score.js";
import { lineProgress, liveProgress } from "./report/progress.js";
import { LocalGitStore } from "./store/local.js";
import { readOptional, readTree } from "./store/workspace.js";
import { findScenarioDirs, loadScenario } from "./telemetry/replay/load.js";
import { replayTelemetry } from "./telemetry/replay/telemetry.js";
import { telemetryFromConfig } from "./telemetry/from-config.js";
import { normalize } from "./ingest/normalize.js";
import type { GenericMappingInput } from "./ingest/sources/generic-mapping.js";
import { lint } from "./memory/lint.js";
import { formatLintError } from "./memory/runbooks.js";
import { parseConfig, CONFIG_PATH } from "./memory/config.js";
import { runPipeline } from "./pipeline/index.js";
import { PACKAGE_ROOT } from "./paths.js";
import { llmFromEnvironment } from "./llm/env.js";
import type { LlmClient } from "./llm/client.js";
import { renderCliReport, renderEvalTable } from "./report/terminal.js";
import { rebuildHistory } from "./report/rebuild.js";
import { startRelayFromEnv } from "./relay.js";

const HELP: Record<string, string> = {
  main: `pipemedic — first responder for data-pipeline incidents

Usage: pipemedic <command> [options]

Commands:
  demo                      replay a bundled scenario into a temporary git repository and show the result
  replay <dir>              replay one scenario folder (spec: scenario format v1)
  eval <dir>                score every scenario folder under <dir>
  investigate --alert <f>   investigate an alert body in a local repository
  normalize <file>          print the normalized alerts of a webhook body, or why it was rejected
  lint [dir]                validate knowledge/, runbooks/ and .github/pipemedic.yml
  index [dir]               rebuild incidents/index.json, incidents/README.md and the monthly scorecards
  relay                     forward signed webhooks (Sentry, PagerDuty, dbt Cloud, …) as repository_dispatch events

Run 'pipemedic <command> --help' for a command's options.`,
  demo: `Usage: pipemedic demo [--scenario <id>] [--json]

Replays a bundled scenario through the full pipeline into a new temporary git repository,
prints the root cause, its confidence and where the report is, and leaves the repository for you to read.`,
  replay: `Usage: pipemedic replay <scenario-dir> [--json] [--out <repo-dir>]

Replays one scenario. With --out, commits the incident (and the fix branch) into that git
repository (created when missing); otherwise keeps everything in memory and prints the result.`,
  eval: `Usage: pipemedic eval <dir> [--json]

Replays every scenario folder under <dir> (any folder with a scenario.yaml) and scores it:
top1, top3, confident_wrong, distractor, incidents_ok (and pipelines_ok, onset_ok, fix_ok when expected).`,
  investigate: `Usage: pipemedic investigate --alert <file> [--source <source>] [--replay <scenario-dir>] [--repo <dir>] [--json]

Investigates one webhook body in a local git repository (default: the current directory), using
its knowledge/, runbooks/ and .github/pipemedic.yml, and commits the incident there. --replay takes
telemetry from a scenario folder; without it, only the data sources configured are used.`,
  normalize: `Usage: pipemedic normalize <file> [--headers <file>] [--source <source>] [--json]

Prints the alerts a webhook body normalizes to, or the reason it is rejected.`,
  lint: `Usage: pipemedic lint [dir]

Validates knowledge/, runbooks/ and .github/pipemedic.yml under dir (default: the current directory).
Exits 1 when there are errors.`,
  index: `Usage: pipemedic index [dir] [--from-folders] [--json]

Rebuilds incident history in the git repository at dir (default: the current directory):
incidents/index.json, incidents/README.md and one scorecard per month under incidents/scorecards/.
Uses incidents/index.json when it is sound; when it is missing or damaged (or with --from-folders),
rebuilds it from every incident folder's README.md frontmatter and alerts.jsonl. A folder that cannot
be read is reported with its file and field and left out. Writes the files into the work tree
without committing: review them with git diff, then commit them. Exits 1 when a file could not be read.`,
  relay: `Usage: pipemedic relay

Serves POST /hooks/<source> (alertmanager, grafana, sentry, pagerduty, dbt-cloud) and GET /healthz,
verifies each webhook's signature or shared secret, and forwards it as a repository_dispatch event.
Answers 2xx only once GitHub accepted it, else 503 so the sender retries. Configured by environment
variables: PIPEMEDIC_REPOSITORY, GITHUB_TOKEN or PIPEMEDIC_APP_ID + PIPEMEDIC_APP_PRIVATE_KEY +
PIPEMEDIC_APP_INSTALLATION_ID, PIPEMEDIC_RELAY_<SOURCE>_SECRET, HOST, PORT, GITHUB_API_URL (docs/relay.md).`,
};

class UsageError extends Error {}

function progressFor(json: boolean): Progress {
  if (json) return silentProgress;
  return process.stdout.isTTY ? liveProgress((t) => process.stderr.write(t)) : lineProgress((l) => process.stderr.write(`${l}\n`));
}

/** The LLM the environment configures (PIPEMEDIC_LLM_*), if any; problems go to stderr unless --json. */
function envLlm(policy: unknown, json: boolean): LlmClient | undefined {
  return llmFromEnvironment(process.env, policy, { warn: (m) => (json ? undefined : process.stderr.write(`warning: ${m}\n`)) });
}

function withLlm(llm: LlmClient | undefined): { llm?: LlmClient } {
  return llm ? { llm } : {};
}

function sourceOption(value: string | undefined): Source | undefined {
  if (value === undefined) return undefined;
  const parsed = SourceSchema.safeParse(value);
  if (!parsed.success) throw new UsageError(`--source: unknown source "${value}"; one of ${SourceSchema.options.join(", ")}`);
  return parsed.data;
}

async function gitRepo(dir: string): Promise<string> {
  const abs = resolve(dir);
  const exists = await stat(join(abs, ".git")).then(() => true, () => false);
  if (!exists) execFileSync("git", ["init", "-q", "-b", "main", abs]);
  return abs;
}

async function seed(store: LocalGitStore, files: Record<string, string>, message: string): Promise<void> {
  if (Object.keys(files).length) await store.commit(message, async () => files);
}

function printResult(result: PipelineResult, json: boolean, extra: Record<string, unknown> = {}): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(resultJson(result, extra), null, 2)}\n`);
  } else {
    process.stdout.write(renderCliReport(result, extra));
  }
}

function resultJson(result: PipelineResult, extra: Record<string, unknown>) {
  return {
    ...extra,
    commit: result.commit.sha,
    unparsed: result.unparsed.map((u) => ({ delivery: u.delivery, reason: u.reason })),
    incidents: result.outcomes.map((o) => ({
      id: o.incident.id,
      status: o.incident.status,
      investigated: o.investigated,
      reason: o.reason,
      root_cause: o.investigation?.rca.rootCause ?? null,
      conclusion: o.investigation?.rca.conclusion ?? null,
      confidence: o.investigation?.rca.confidence ?? null,
      chain: o.investigation?.rca.chain ?? [],
      ranked: o.investigation?.rca.ranked.map((c) => ({ id: c.id, confidence: c.confidence, status: c.status })) ?? [],
      fix: o.fix,
      report: o.reportPath,
    })),
  };
}

async function demo(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { scenario: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean" } } });
  if (values.help) return help("demo");
  const root = join(PACKAGE_ROOT, "action", "scenarios");
  const dirs = await findScenarioDirs(root);
  let dir = values.scenario ? dirs.find((d) => d.endsWith(`/${values.scenario}`)) : undefined;
  if (values.scenario && !dir) throw new UsageError(`--scenario: no bundled scenario "${values.scenario}"`);
  if (!dir) {
    for (const d of dirs) {
      const s = await loadScenario(d);
      if (s.meta.tags.includes("demo")) {
        dir = d;
        break;
      }
    }
    dir ??= dirs[0];
  }
  if (!dir) throw new Error(`no scenarios found under ${root}`);
  const repo = await gitRepo(await mkdtemp(join(tmpdir(), "pipemedic-demo-")));
  const run = await replayScenario(dir, {
    projectRoot: PACKAGE_ROOT,
    progress: progressFor(Boolean(values.json)),
    store: async (s) => {
      const store = new LocalGitStore({ dir: repo });
      await seed(store, scenarioRepoFiles(s), "the operations repository before the incident");
      return store;
    },
  });
  printResult(run.result, Boolean(values.json), { scenario: run.scenario.meta.id, title: run.scenario.meta.title, repository: repo });
  return 0;
}

async function replay(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: "boolean" }, out: { type: "string" }, help: { type: "boolean" } },
  });
  if (values.help) return help("replay");
  const dir = positionals[0];
  if (!dir) throw new UsageError("replay needs a scenario folder: pipemedic replay <dir>");
  const out = values.out ? await gitRepo(values.out) : null;
  const run = await replayScenario(resolve(dir), {
    projectRoot: PACKAGE_ROOT,
    progress: progressFor(Boolean(values.json)),
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
  printResult(run.result, Boolean(values.json), { scenario: run.scenario.meta.id, ms: run.ms, ...(out ? { repository: out } : {}) });
  return 0;
}

async function evaluate(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: "boolean" }, help: { type: "boolean" } } });
  if (values.help) return help("eval");
  const root = positionals[0];
  if (!root) throw new UsageError("eval needs a folder of scenarios: pipemedic eval <dir>");
  const dirs = await findScenarioDirs(resolve(root));
  if (!dirs.length) throw new UsageError(`${root}: no scenario folders (folders with a scenario.yaml) found`);
  const memory = await projectMemory(PACKAGE_ROOT);
  const llm = envLlm({}, Boolean(values.json));
  const scores: ScenarioScore[] = [];
  const failures: Array<{ dir: string; error: string }> = [];
  for (const dir of dirs) {
    try {
      scores.push(scoreRun(await replayScenario(dir, { projectRoot: PACKAGE_ROOT, memory, ...(llm ? { llm } : {}) })));
    } catch (err) {
      failures.push({ dir, error: err instanceof Error ? err.message : String(err) });
    }
  }
  const summary = summarize(scores);
  if (values.json) {
    const { baselines, ...rest } = summary;
    process.stdout.write(`${JSON.stringify({ summary: rest, baselines, scenarios: scores, ...(failures.length ? { errors: failures } : {}) }, null, 2)}\n`);
  } else {
    process.stdout.write(renderEvalTable(scores, summary));
    for (const f of failures) process.stdout.write(`error: ${f.dir}: ${f.error}\n`);
  }
  return failures.length ? 1 : 0;
}

async function investigateCmd(args: string[]): Promise<number> {
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
  if (values.help) return help("investigate");
  if (!values.alert) throw new UsageError("investigate needs --alert <file>");
  const body = await readFile(values.alert, "utf8");
  const repo = await gitRepo(values.repo ?? ".");
  const config = parseConfig(await readOptional(join(repo, CONFIG_PATH)), CONFIG_PATH);
  const telemetry = values.replay
    ? replayTelemetry((await loadScenario(resolve(values.replay))).telemetry)
    : telemetryFromConfig(config.connectors, process.env, (m) => process.stderr.write(`warning: ${m}\n`));
  const now = values.replay ? Date.parse((await loadScenario(resolve(values.replay))).meta.now) : Date.now();
  const result = await runPipeline(
    [{ id: `cli-${values.alert.split("/").pop()}`, body, headers: {}, receivedAt: new Date(now).toISOString() }],
    {
      telemetry,
      store: new LocalGitStore({ dir: repo }),
      clock: { now: () => now },
      progress: progressFor(Boolean(values.json)),
      ...withLlm(envLlm(config.llm, Boolean(values.json))),
    },
    {
      config,
      memory: await projectMemory(PACKAGE_ROOT),
      overlay: await readTree(repo, ["knowledge", "runbooks"]),
      ...(sourceOption(values.source) ? { source: sourceOption(values.source)! } : {}),
    },
  );
  printResult(result, Boolean(values.json), { repository: repo });
  return result.unparsed.length && !result.alerts.length ? 1 : 0;
}

async function normalizeCmd(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { headers: { type: "string" }, source: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean" } },
  });
  if (values.help) return help("normalize");
  const file = positionals[0];
  if (!file) throw new UsageError("normalize needs a file: pipemedic normalize <file>");
  const body = await readFile(file, "utf8");
  let headers: Record<string, string> = {};
  if (values.headers) {
    try {
      headers = Object.fromEntries(Object.entries(JSON.parse(await readFile(values.headers, "utf8")) as Record<string, unknown>).map(([k, v]) => [k.toLowerCase(), String(v)]));
    } catch (err) {
      throw new UsageError(`--headers ${values.headers}: expected a JSON object of header names to values (${(err as Error).message})`);
    }
  }
  const source = sourceOption(values.source);
  // The generic source's field mapping lives in the repository's policy file.
  const generic = parseConfig(await readOptional(CONFIG_PATH), CONFIG_PATH).generic as GenericMappingInput | undefined;
  const out = normalize({ id: file, body, headers, receivedAt: new Date().toISOString() }, { ...(source ? { source } : {}), ...(generic ? { generic } : {}) });
  if (values.json) {
    process.stdout.write(`${JSON.stringify(out.ok ? { alerts: out.alerts } : { error: out.reason, unparsed: true }, null, 2)}\n`);
  } else if (out.ok) {
    for (const a of out.alerts) {
      process.stdout.write(`${a.status.padEnd(8)} ${a.severity.padEnd(8)} ${a.source} ${a.title}\n         fingerprint ${a.fingerprint}${a.fingerprintComputed ? " (computed)" : ""} · starts ${a.startsAt ?? "unknown"}\n`);
    }
  } else {
    process.stdout.write(`rejected: ${out.reason}\n`);
  }
  return out.ok ? 0 : 1;
}

async function lintCmd(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { help: { type: "boolean" } } });
  if (values.help) return help("lint");
  const dir = resolve(positionals[0] ?? ".");
  const files = await readTree(dir, ["knowledge", "runbooks"]);
  const config = await readOptional(join(dir, CONFIG_PATH));
  if (config !== null) files[CONFIG_PATH] = config;
  const errors = lint(files);
  for (const e of errors) process.stdout.write(`${formatLintError(e)}\n`);
  const count = errors.filter((e) => e.severity === "error").length;
  process.stdout.write(`${Object.keys(files).length} files checked: ${count} error(s), ${errors.length - count} warning(s)\n`);
  return count ? 1 : 0;
}

async function indexCmd(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { "from-folders": { type: "boolean" }, json: { type: "boolean" }, help: { type: "boolean" } },
  });
  if (values.help) return help("index");
  const dir = resolve(positionals[0] ?? ".");
  const files = await readTree(dir, ["incidents"]);
  const config = parseConfig(await readOptional(join(dir, CONFIG_PATH)), CONFIG_PATH);
  const result = rebuildHistory(files, {
    fromFolders: Boolean(values["from-folders"]),
    redactPatterns: config.redaction.patterns.map((p) => new RegExp(p, "g")),
  });
  for (const [path, content] of Object.entries(result.files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  const written = Object.keys(result.files).sort();
  if (values.json) {
    const { files: _files, incidents, ...rest } = result;
    process.stdout.write(`${JSON.stringify({ ...rest, incidents: incidents.length, written, committed: false }, null, 2)}\n`);
  } else {
    if (result.indexProblem) process.stdout.write(`${result.indexProblem}: rebuilt from the incident folders\n`);
    for (const e of result.errors) process.stdout.write(`error: ${e.path}: ${e.field}: ${e.message}\n`);
    for (const d of result.unlisted) process.stdout.write(`note: ${d} is not in incidents/index.json and was left out (--from-folders rebuilds the index from every folder)\n`);
    for (const d of result.missingFolders) process.stdout.write(`note: ${d} is in incidents/index.json but has no README.md\n`);
    const scorecards = written.filter((p) => p.startsWith("incidents/scorecards/")).length;
    process.stdout.write(
      `${result.incidents.length} incident(s) from ${result.source === "index" ? "incidents/index.json" : "the incident folders"}, ${scorecards} scorecard(s), ${result.errors.length} error(s)\n` +
        `wrote ${written.length} file(s) into ${dir} (not committed): review them with git diff, then commit them\n`,
    );
    // The index just written leaves the broken folders out; only a rebuild from the folders brings them back.
    if (result.errors.length && result.source === "folders") process.stdout.write("fix the files named above, then run `pipemedic index --from-folders` to include them\n");
  }
  return result.errors.length ? 1 : 0;
}

async function relayCmd(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { help: { type: "boolean" } } });
  if (values.help) return help("relay");
  const relay = await startRelayFromEnv();
  // Finish the webhooks in progress before exiting: a container stop must not drop an accepted one.
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGTERM", resolve);
    process.once("SIGINT", resolve);
  });
  process.stderr.write(`pipemedic relay: ${signal}, finishing the webhooks in progress\n`);
  await relay.close();
  return 0;
}

function help(command: string): number {
  process.stdout.write(`${HELP[command] ?? HELP.main}\n`);
  return 0;
}

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  demo,
  replay,
  eval: evaluate,
  investigate: investigateCmd,
  normalize: normalizeCmd,
  lint: lintCmd,
  index: indexCmd,
  relay: relayCmd,
};

/** Runs the CLI with the given arguments and returns the exit code. */
export async function cli(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "--help" || command === "-h" || command === "help") return help("main");
  const fn = COMMANDS[command];
  if (!fn) {
    process.stderr.write(`unknown command "${command}"\n\n${HELP.main}\n`);
    return 2;
  }
  try {
    return await fn(rest);
  } catch (err) {
    const usage = err instanceof UsageError || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
    process.stderr.write(`pipemedic ${command}: ${err instanceof Error ? err.message : String(err)}\n`);
    if (usage) process.stderr.write(`\n${HELP[command]}\n`);
    return usage ? 2 : 1;
  }
}

process.exitCode = await cli(process.argv.slice(2));
