import { join } from "node:path";
import {
  CONFIG_PATH,
  silentProgress,
  type Delivery,
  type Files,
  type Llm,
  type PipelineResult,
  type Progress,
  type Scenario,
  type Store,
  type Telemetry,
} from "../model/index.js";
import { composeRun } from "../entries/compose.js";
import { runPipeline } from "../pipeline/index.js";
import { MemoryStore } from "../store/memory.js";
import { loadRunbooks } from "../memory/runbooks.js";
import { readOptional, readTree } from "../store/workspace.js";
import { loadScenario } from "../telemetry/replay/load.js";

/** The project's own memory (knowledge/ and runbooks/) that every replay starts from. */
export async function projectMemory(root: string): Promise<Files> {
  return readTree(root, ["knowledge", "runbooks"]);
}

/**
 * A team's repository as the Action sees it (`eval --repo`): the package's runbooks with the
 * repository's knowledge/ and runbooks/ over them (a runbook of the same id replaces the package's),
 * and its policy file. So a pull request that edits runbooks/, knowledge/ or the policy is evaluated
 * with exactly what its investigations would use.
 */
export async function repositoryMemory(dir: string, packageRoot: string): Promise<{ memory: Files; policy: string | null }> {
  const pkg = await readTree(packageRoot, ["runbooks"]);
  const own = await readTree(dir, ["knowledge", "runbooks"]);
  const replaced = new Set(loadRunbooks(own).runbooks.map((r) => r.id));
  const dropped = new Set(
    loadRunbooks(pkg)
      .runbooks.filter((r) => replaced.has(r.id))
      .map((r) => r.file),
  );
  const base = Object.fromEntries(Object.entries(pkg).filter(([path]) => !dropped.has(path)));
  return { memory: { ...base, ...own }, policy: await readOptional(join(dir, CONFIG_PATH)) };
}

/** The files a scenario's repository starts with: its repo/ tree and its history/ incidents. */
export function scenarioRepoFiles(s: Scenario): Record<string, string> {
  return { ...s.repo, ...s.history };
}

export interface ReplayRun {
  scenario: Scenario;
  /** What the pipeline did; `result.runbooks` are the runbooks it used (the project's with the scenario's over them). */
  result: PipelineResult;
  ms: number;
}

/**
 * Replays a scenario through the one pipeline: replay telemetry, the scenario's clock, its
 * knowledge and runbooks over the project's, and a store seeded with its repo/ and history/.
 */
export async function replayScenario(dir: string, opts: ReplayOptions): Promise<ReplayRun> {
  return replayLoaded(await loadScenario(dir), opts);
}

export interface ReplayOptions {
  projectRoot: string;
  memory?: Files;
  store?: (s: Scenario) => Promise<Store>;
  progress?: Progress;
  llm?: Llm;
  telemetry?: (s: Scenario) => Telemetry;
  /**
   * false: leave out every knowledge/ file, the project's and the scenario's, as a new user who
   * described nothing would run (`eval --no-knowledge`); runbooks stay.
   */
  knowledge?: boolean;
  /** The policy file's text for a scenario that brings none in repo/ (`eval --repo`: the repository's). */
  policy?: string | null;
}

/** Files without knowledge/: what Pipemedic knows before anyone describes the stack. */
export function withoutKnowledge(files: Files): Files {
  return Object.fromEntries(Object.entries(files).filter(([path]) => !path.startsWith("knowledge/")));
}

/** The scenario's alerts as the deliveries that brought them, each at its recorded time. */
function deliveriesOf(scenario: Scenario): Delivery[] {
  return scenario.alerts.map((a) => ({
    id: `${scenario.meta.id}/${a.file}`,
    body: a.body,
    headers: a.headers,
    sourceHint: a.file.replace(/^\d+-/, "").replace(/\.json$/, ""),
    receivedAt: a.at,
  }));
}

/** Replays a scenario already in memory (a loaded folder, or one a test perturbed). */
export async function replayLoaded(scenario: Scenario, opts: ReplayOptions): Promise<ReplayRun> {
  const progress = opts.progress ?? silentProgress;
  const config = scenario.repo[CONFIG_PATH] ?? opts.policy ?? undefined;
  const knowledge = opts.knowledge === false ? {} : scenario.knowledge;
  const memory = opts.memory ?? (await projectMemory(opts.projectRoot));
  const { ports, options } = await composeRun({
    // The scenario is the workspace: its policy, and its knowledge/ and runbooks/ over the project's.
    workspace: { files: { ...(config !== undefined ? { [CONFIG_PATH]: config } : {}), ...knowledge, ...scenario.runbooks } },
    // A replay reads nothing from the environment: no live connectors, and an LLM only when given one.
    env: {},
    warn: (m) => progress.warn(m),
    progress,
    git: async () => ({ store: opts.store ? await opts.store(scenario) : new MemoryStore(scenarioRepoFiles(scenario)) }),
    replay: scenario,
    ...(opts.telemetry ? { telemetry: opts.telemetry(scenario) } : {}),
    llm: opts.llm ?? null,
    memory: opts.knowledge === false ? withoutKnowledge(memory) : memory,
    investigateAll: true,
  });
  const t0 = performance.now();
  const result = await runPipeline(deliveriesOf(scenario), ports, options);
  return { scenario, result, ms: Math.round(performance.now() - t0) };
}
