import { createHash } from "node:crypto";
import { join } from "node:path";
import { parseDuration, SourceSchema, type Config, type Delivery, type Progress } from "../model/index.js";
import { runPipeline } from "../pipeline/index.js";
import { lifecycleWindows } from "../pipeline/correlate.js";
import { learnFromReview } from "../pipeline/learning.js";
import { learnFromCorrections } from "../pipeline/history-scenarios.js";
import { lineProgress } from "../report/progress.js";
import { forgeLinks, runOutputs } from "../report/outputs.js";
import { renderJobSummary } from "../report/summary.js";
import { githubForge, githubStore } from "../store/github.js";
import { LocalGitStore } from "../store/local.js";
import { createOctokit } from "../store/octokit.js";
import { loadScenario } from "../telemetry/replay/load.js";
import { composeRun, readPolicy, type GitPorts } from "./compose.js";

/** The part of `@actions/core` the Action uses; tests pass a fake that records what it is told. */
export interface ActionCore {
  getInput(name: string): string;
  setOutput(name: string, value: string): void;
  setFailed(message: string): void;
  info(message: string): void;
  notice(message: string): void;
  warning(message: string): void;
  error(message: string, properties?: { title?: string }): void;
  startGroup(name: string): void;
  endGroup(): void;
  summary: { addRaw(text: string, addEOL?: boolean): { write(): Promise<unknown> } };
}

/** What the Action reads and writes through: the runner's toolkit, its environment and its files. */
export interface ActionDeps {
  core: ActionCore;
  env: Record<string, string | undefined>;
  /** Reads a file, or null when there is none (the event file). */
  readFile(path: string): Promise<string | null>;
}

/** The Action's inputs, read once. */
function inputsOf(core: ActionCore) {
  const source = core.getInput("source");
  const store = core.getInput("store") || "auto";
  if (!["auto", "api", "git"].includes(store)) throw new Error(`input store: expected auto, api or git, got "${store}"`);
  return {
    token: core.getInput("token"),
    config: core.getInput("config") || undefined,
    incidentId: core.getInput("incident-id"),
    alert: core.getInput("alert"),
    source: source ? SourceSchema.parse(source) : undefined,
    replay: core.getInput("replay"),
    push: core.getInput("push") !== "false",
    store: store as "auto" | "api" | "git",
  };
}

type Inputs = ReturnType<typeof inputsOf>;

/** The alert body an event carries: a dispatched payload, or an alert given to workflow_dispatch; null for none. */
function alertBody(event: Record<string, unknown>, eventName: string, alert: string): string | null {
  if (eventName === "repository_dispatch") return JSON.stringify({ event_type: event.action, client_payload: event.client_payload ?? null });
  return alert || null;
}

/** The `summary-markdown` output's limit, in bytes: a job's outputs share 1 MB, and a chat message holds far less. */
const SUMMARY_OUTPUT_MAX_BYTES = 64 * 1024;

/** One delivery of a body. Its id is the body's hash: a re-delivery of the same body is recognised as such. */
function deliveryOf(body: string, receivedAt: string): Delivery {
  return { id: `dispatch-${createHash("sha256").update(body).digest("hex").slice(0, 16)}`, body, headers: {}, receivedAt };
}

/** The store and forge: the GitHub API with a token (compare-and-swap commits, pull requests), else git in the workspace. */
function gitPorts(input: Inputs, config: Config, workspace: string, { core, env }: ActionDeps): GitPorts {
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? "").split("/");
  const useApi = input.store === "api" || (input.store === "auto" && Boolean(input.token) && Boolean(owner && repo));
  if (!useApi)
    return {
      store: new LocalGitStore({
        dir: workspace,
        ...(config.store.branch ? { branch: config.store.branch } : {}),
        ...(input.push ? { remote: "origin" } : {}),
      }),
    };
  if (!input.token || !owner || !repo) throw new Error("input store: api needs the token input and GITHUB_REPOSITORY");
  const octokit = createOctokit({
    token: input.token,
    ...(env.GITHUB_API_URL ? { baseUrl: env.GITHUB_API_URL } : {}),
    log: { warn: (m: string) => core.warning(m) },
    throttle: { writeIntervalMs: parseDuration(config.store.write_interval) },
  });
  const branch = config.store.branch || env.GITHUB_REF_NAME || "main";
  const serverUrl = env.GITHUB_SERVER_URL ?? "https://github.com";
  return {
    // Alert storms race: many runs may commit at once, each retry rebuilding on the new head.
    store: githubStore({ octokit, owner, repo, branch, serverUrl, maxAttempts: 30 }),
    forge: githubForge({ octokit, owner, repo, base: branch, warn: (m) => core.warning(m) }),
    octokit,
  };
}

/** Progress as the Actions log shows it: one collapsible group per phase. */
function groupedProgress(core: ActionCore): Progress {
  return lineProgress((l) => core.info(l), {
    group: (name) => {
      core.endGroup();
      core.startGroup(name);
    },
  });
}

/** The Action: reads inputs and the event, composes the run, runs the pipeline (or learns from a closed fix), sets outputs. */
async function act(deps: ActionDeps): Promise<void> {
  const { core, env } = deps;
  const input = inputsOf(core);
  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  const event = JSON.parse((env.GITHUB_EVENT_PATH ? await deps.readFile(env.GITHUB_EVENT_PATH) : null) ?? "{}") as Record<string, unknown>;
  const eventName = env.GITHUB_EVENT_NAME ?? "";
  const progress = groupedProgress(core);

  if (eventName === "push") {
    // A person's correction pushed in an incident README: the corrected incident becomes a scenario.
    const commits = Array.isArray(event.commits) ? (event.commits as Array<{ added?: unknown; modified?: unknown }>) : [];
    const paths = commits.flatMap((c) => [c.added, c.modified].flatMap((l) => (Array.isArray(l) ? l.filter((p): p is string => typeof p === "string") : [])));
    const config = await readPolicy({ dir: workspace }, input.config);
    const { store } = gitPorts(input, config, workspace, deps);
    await learnFromCorrections(store, paths, progress);
    return;
  }

  if (eventName === "pull_request") {
    const pr = event.pull_request as { number: number; merged?: boolean; closed_at?: string | null; head?: { ref?: string } } | undefined;
    if (event.action !== "closed" || !pr?.head?.ref) return core.notice("nothing to learn: not a closed pull request");
    const config = await readPolicy({ dir: workspace }, input.config);
    const { store } = gitPorts(input, config, workspace, deps);
    const out = await learnFromReview(
      store,
      { branch: pr.head.ref, number: pr.number, merged: pr.merged === true, at: pr.closed_at ?? new Date().toISOString() },
      progress,
      lifecycleWindows(config),
    );
    core.setOutput("incident-id", out.incidentId ?? "");
    return;
  }

  const inputsOfDispatch = (event.inputs ?? {}) as Record<string, unknown>;
  const incidentId = input.incidentId || (typeof inputsOfDispatch["incident-id"] === "string" ? inputsOfDispatch["incident-id"] : "");
  const body = alertBody(event, eventName, input.alert);
  if (body === null && !incidentId) {
    // Steps that read the outputs with fromJSON still get valid JSON.
    core.setOutput("incidents", "[]");
    core.setOutput("unparsed-count", "0");
    return core.notice(`nothing to do: a ${eventName || "run"} event with no alert and no incident-id`);
  }
  const { ports, options } = await composeRun({
    workspace: { dir: workspace },
    ...(input.config ? { configPath: input.config } : {}),
    env,
    warn: (m) => core.warning(m),
    progress,
    git: (config) => gitPorts(input, config, workspace, deps),
    ...(input.replay ? { replay: await loadScenario(join(workspace, input.replay)) } : {}),
    ...(incidentId ? { incidentId } : {}),
    ...(input.source ? { source: input.source } : {}),
  });
  const deliveries = body === null ? [] : [deliveryOf(body, new Date(ports.clock.now()).toISOString())];
  const result = await runPipeline(deliveries, ports, options);
  core.endGroup();
  for (const u of result.unparsed) {
    // Inferred alerts were investigated: a warning, so someone maps the body, not an error.
    if (u.inferred) core.warning(`${u.delivery}: ${u.reason}. The body is kept under incidents/_unparsed/.`);
    else core.error(`${u.delivery}: ${u.reason}. The body is kept under incidents/_unparsed/.`, { title: "Pipemedic could not parse an alert" });
  }
  const main = result.outcomes.find((o) => o.investigated) ?? result.outcomes[0];
  if (main) {
    core.setOutput("incident-id", main.incident.id);
    core.setOutput("root-cause", main.investigation?.rca.rootCause ?? "");
    core.setOutput("confidence", String(main.investigation?.rca.confidence ?? ""));
    core.setOutput("report-path", main.reportPath);
  }
  const links = forgeLinks({
    serverUrl: env.GITHUB_SERVER_URL,
    repository: env.GITHUB_REPOSITORY,
    branch: options.config.store.branch || env.GITHUB_REF_NAME || "main",
  });
  const outputs = runOutputs(result, links);
  core.setOutput("incidents", JSON.stringify(outputs.incidents));
  core.setOutput("unparsed-count", String(outputs.unparsedCount));
  const summary = renderJobSummary(result, { link: links.file });
  // A job's outputs share 1 MB: the output keeps a shorter cut of the summary than the step summary page.
  core.setOutput(
    "summary-markdown",
    Buffer.byteLength(summary) <= SUMMARY_OUTPUT_MAX_BYTES ? summary : renderJobSummary(result, { link: links.file, maxBytes: SUMMARY_OUTPUT_MAX_BYTES }),
  );
  if (env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(summary, true).write();
}

/** Runs the Action with the given toolkit, environment and file reader; a failure is reported through `core.setFailed`, never thrown. */
export async function run(deps: ActionDeps): Promise<void> {
  try {
    await act(deps);
  } catch (err) {
    deps.core.setFailed(err instanceof Error ? err.message : String(err));
  }
}
