import { join } from "node:path";
import {
  CONFIG_PATH,
  type Config,
  type Files,
  type Forge,
  type Llm,
  type Progress,
  type Scenario,
  type Source,
  type Store,
  type Telemetry,
} from "../model/index.js";
import { llmFromEnvironment } from "../llm/index.js";
import { parseConfig } from "../memory/config.js";
import { PACKAGE_ROOT } from "../paths.js";
import type { PipelineOptions, PipelinePorts } from "../pipeline/index.js";
import { compilePatterns } from "../redact.js";
import type { GitHubClient } from "../store/octokit.js";
import { readOptional, readTree } from "../store/workspace.js";
import { telemetryFromConfig } from "../telemetry/from-config.js";
import { replayTelemetry } from "../telemetry/replay/telemetry.js";

/** The folders of a repository that sharpen an investigation, merged over the built-in memory. */
const MEMORY_FOLDERS = ["knowledge", "runbooks"];

/** The repository a run works for: a folder on disk (the Action's workspace, `cli investigate --repo`) or files in memory (a scenario's). */
export type Workspace = { dir: string } | { files: Files };

/** Where a run commits, where its fixes become pull requests, and the GitHub client change checks may reuse. */
export interface GitPorts {
  store: Store;
  forge?: Forge;
  octokit?: GitHubClient;
}

/** What one run is composed from; each entry fills in only what differs. */
export interface RunSetup {
  workspace: Workspace;
  /** The policy file inside the workspace (the Action's `config` input); CONFIG_PATH by default. */
  configPath?: string;
  env: Record<string, string | undefined>;
  /** Problems that do not stop the run: a broken connector, an LLM left off. Handed on to the adapters as it is. */
  warn: (message: string) => void;
  progress: Progress;
  /** The store (and forge) for this policy: the one port each entry chooses itself. */
  git(config: Config): GitPorts | Promise<GitPorts>;
  /** A recorded scenario: its telemetry and its clock instead of the policy's connectors and the wall clock. */
  replay?: Scenario;
  /** Telemetry that replaces the replay's or the connectors' (a live backend beside a scenario, in tests). */
  telemetry?: Telemetry;
  /** The LLM: one already built (eval shares one), null for none, or by default what the environment and the policy configure. */
  llm?: Llm | null;
  /** The built-in memory the workspace's knowledge/ and runbooks/ go over; by default the package's runbooks/. */
  memory?: Files;
  incidentId?: string;
  source?: Source;
  /** Investigate every touched incident regardless of policy (replay and eval). */
  investigateAll?: boolean;
}

/** One run, ready for runPipeline. */
export interface ComposedRun {
  ports: PipelinePorts;
  options: PipelineOptions;
}

/** The runbooks that ship with the package: every repository's investigation starts from them. */
export async function packageMemory(): Promise<Files> {
  return readTree(PACKAGE_ROOT, ["runbooks"]);
}

/** The workspace's policy; the default policy when the file is absent. Errors name the file and the field. */
export async function readPolicy(workspace: Workspace, configPath = CONFIG_PATH): Promise<Config> {
  const text = "dir" in workspace ? await readOptional(join(workspace.dir, configPath)) : (workspace.files[configPath] ?? null);
  return parseConfig(text, configPath);
}

/** The workspace's knowledge/ and runbooks/ files, which go over the built-in memory. */
async function readOverlay(workspace: Workspace): Promise<Files> {
  if ("dir" in workspace) return readTree(workspace.dir, MEMORY_FOLDERS);
  return Object.fromEntries(Object.entries(workspace.files).filter(([path]) => MEMORY_FOLDERS.some((f) => path.startsWith(`${f}/`))));
}

/**
 * Builds the ports (telemetry, store, forge, clock, progress, llm) and the pipeline options (policy,
 * built-in memory, the workspace's overlay) of one run: the one composition the Action,
 * `pipemedic investigate` and replay/eval share.
 */
export async function composeRun(setup: RunSetup): Promise<ComposedRun> {
  const config = await readPolicy(setup.workspace, setup.configPath);
  const git = await setup.git(config);
  const now = setup.replay ? Date.parse(setup.replay.meta.now) : Date.now();
  const telemetry =
    setup.telemetry ?? (setup.replay ? replayTelemetry(setup.replay.telemetry) : telemetryFromConfig(config.connectors, setup.env, setup.warn, git.octokit));
  const llm =
    setup.llm === undefined
      ? llmFromEnvironment(setup.env, config.llm, { redactPatterns: compilePatterns(config.redaction.patterns), warn: setup.warn })
      : (setup.llm ?? undefined);
  return {
    ports: {
      telemetry,
      store: git.store,
      clock: { now: () => now },
      progress: setup.progress,
      ...(git.forge ? { forge: git.forge } : {}),
      ...(llm ? { llm } : {}),
    },
    options: {
      config,
      memory: setup.memory ?? (await packageMemory()),
      overlay: await readOverlay(setup.workspace),
      ...(setup.incidentId ? { incidentId: setup.incidentId } : {}),
      ...(setup.source ? { source: setup.source } : {}),
      ...(setup.investigateAll ? { investigateAll: true } : {}),
    },
  };
}
