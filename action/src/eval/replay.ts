import type { Delivery, PipelineResult, Progress, Runbook, Store, Telemetry } from "../model/index.js";
import { loadRunbooks, mergeRunbooks } from "../memory/runbooks.js";
import type { LlmClient } from "../llm/client.js";
import { silentProgress, type Scenario } from "../model/index.js";
import { parseConfig } from "../memory/config.js";
import { runPipeline } from "../pipeline/index.js";
import { MemoryStore } from "../store/memory.js";
import { loadScenario } from "../telemetry/replay/load.js";
import { replayTelemetry } from "../telemetry/replay/telemetry.js";
import { readTree } from "../store/workspace.js";

/** The project's own memory (knowledge/ and runbooks/) that every replay starts from. */
export async function projectMemory(root: string) {
  return readTree(root, ["knowledge", "runbooks"]);
}

/** The files a scenario's repository starts with: its repo/ tree and its history/ incidents. */
export function scenarioRepoFiles(s: Scenario): Record<string, string> {
  return { ...s.repo, ...s.history };
}

export interface ReplayRun {
  scenario: Scenario;
  /** The runbooks the run used (the project's with the scenario's over them), for baselines. */
  runbooks: Runbook[];
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
  memory?: Record<string, string>;
  store?: (s: Scenario) => Promise<Store>;
  progress?: Progress;
  llm?: LlmClient;
  telemetry?: (s: Scenario) => Telemetry;
}

/** Replays a scenario already in memory (a loaded folder, or one a test perturbed). */
export async function replayLoaded(scenario: Scenario, opts: ReplayOptions): Promise<ReplayRun> {
  const memory = opts.memory ?? (await projectMemory(opts.projectRoot));
  const store = opts.store ? await opts.store(scenario) : new MemoryStore(scenarioRepoFiles(scenario));
  const overlay = { ...scenario.knowledge, ...scenario.runbooks };
  const deliveries: Delivery[] = scenario.alerts.map((a) => ({
    id: `${scenario.meta.id}/${a.file}`,
    body: a.body,
    headers: a.headers,
    sourceHint: a.file.replace(/^\d+-/, "").replace(/\.json$/, ""),
    receivedAt: a.at,
  }));
  const now = Date.parse(scenario.meta.now);
  const t0 = performance.now();
  const result = await runPipeline(
    deliveries,
    {
      telemetry: opts.telemetry ? opts.telemetry(scenario) : replayTelemetry(scenario.telemetry),
      store,
      clock: { now: () => now },
      progress: opts.progress ?? silentProgress,
      ...(opts.llm ? { llm: opts.llm } : {}),
    },
    { config: parseConfig(scenario.repo[".github/pipemedic.yml"] ?? null), memory, overlay, investigateAll: true },
  );
  const ms = Math.round(performance.now() - t0);
  const runbooks = mergeRunbooks(loadRunbooks(memory).runbooks, loadRunbooks(overlay).runbooks);
  return { scenario, runbooks, result, ms };
}
