import { createHash } from "node:crypto";
import { join } from "node:path";
import * as core from "@actions/core";
import type { Config, Delivery, Forge, Progress, Store, Telemetry } from "./model/index.js";
import { SourceSchema } from "./model/index.js";
import { parseConfig } from "./memory/config.js";
import { parseDuration } from "./checks/duration.js";
import { runPipeline } from "./pipeline/index.js";
import { learnFromReview } from "./pipeline/learning.js";
import { lineProgress } from "./report/progress.js";
import { renderJobSummary } from "./report/summary.js";
import { LocalGitStore } from "./store/local.js";
import { githubForge, githubStore } from "./store/github.js";
import { createOctokit, type GitHubClient } from "./store/octokit.js";
import { readOptional, readTree } from "./store/workspace.js";
import { loadScenario } from "./telemetry/replay/load.js";
import { replayTelemetry } from "./telemetry/replay/telemetry.js";
import { telemetryFromConfig } from "./telemetry/from-config.js";
import { PACKAGE_ROOT } from "./paths.js";
import { llmFromEnvironment } from "./llm/env.js";

/** The Action's inputs, read once. */
function inputs() {
  const source = core.getInput("source");
  const store = core.getInput("store") || "auto";
  if (!["auto", "api", "git"].includes(store)) throw new Error(`input store: expected auto, api or git, got "${store}"`);
  return {
    token: core.getInput("token"),
    config: core.getInput("config") || ".github/pipemedic.yml",
    incidentId: core.getInput("incident-id"),
    alert: core.getInput("alert"),
    source: source ? SourceSchema.parse(source) : undefined,
    replay: core.getInput("replay"),
    push: core.getInput("push") !== "false",
    store: store as "auto" | "api" | "git",
  };
}

type Inputs = ReturnType<typeof inputs>;

/** The deliveries an event carries: a dispatched alert, or an alert body given to workflow_dispatch. */
function deliveriesFrom(event: Record<string, unknown>, eventName: string, alert: string, now: string): Delivery[] {
  let body: string | null = null;
  if (eventName === "repository_dispatch") body = JSON.stringify({ event_type: event.action, client_payload: event.client_payload ?? null });
  else if (alert) body = alert;
  if (body === null) return [];
  // The id is the body's hash: a re-delivery of the same body is recognised as such.
  const id = `dispatch-${createHash("sha256").update(body).digest("hex").slice(0, 16)}`;
  return [{ id, body, headers: {}, receivedAt: now }];
}

/** The store and forge: the GitHub API with a token (compare-and-swap commits, pull requests), else git in the workspace. */
function gitPorts(input: Inputs, config: Config, workspace: string): { store: Store; forge?: Forge; octokit?: GitHubClient } {
  const [owner, repo] = (process.env.GITHUB_REPOSITORY ?? "").split("/");
  const useApi = input.store === "api" || (input.store === "auto" && Boolean(input.token) && Boolean(owner && repo));
  if (!useApi) return { store: new LocalGitStore({ dir: workspace, ...(config.store.branch ? { branch: config.store.branch } : {}), ...(input.push ? { remote: "origin" } : {}) }) };
  if (!input.token || !owner || !repo) throw new Error("input store: api needs the token input and GITHUB_REPOSITORY");
  const octokit = createOctokit({
    token: input.token,
    ...(process.env.GITHUB_API_URL ? { baseUrl: process.env.GITHUB_API_URL } : {}),
    log: { warn: (m: string) => core.warning(m) },
    throttle: { writeIntervalMs: parseDuration(config.store.write_interval) },
  });
  const branch = config.store.branch || process.env.GITHUB_REF_NAME || "main";
  const serverUrl = process.env.GITHUB_SERVER_URL ?? "https://github.com";
  return {
    // Alert storms race: many runs may commit at once, each retry rebuilding on the new head.
    store: githubStore({ octokit, owner, repo, branch, serverUrl, maxAttempts: 30 }),
    forge: githubForge({ octokit, owner, repo, base: branch, warn: (m) => core.warning(m) }),
    octokit,
  };
}

/** The Action's entry: reads inputs and the event, builds adapters, runs the pipeline, sets outputs. */
export async function run(): Promise<void> {
  const input = inputs();
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
  const event = JSON.parse((await readOptional(process.env.GITHUB_EVENT_PATH ?? "")) ?? "{}") as Record<string, unknown>;
  const eventName = process.env.GITHUB_EVENT_NAME ?? "";
  const config = parseConfig(await readOptional(join(workspace, input.config)), input.config);
  const progress: Progress = lineProgress((l) => core.info(l), {
    group: (name) => {
      core.endGroup();
      core.startGroup(name);
    },
  });
  const { store, forge, octokit } = gitPorts(input, config, workspace);

  if (eventName === "pull_request") {
    const pr = event.pull_request as { number: number; merged?: boolean; closed_at?: string | null; head?: { ref?: string } } | undefined;
    if (event.action !== "closed" || !pr?.head?.ref) return core.notice("nothing to learn: not a closed pull request");
    const out = await learnFromReview(store, { branch: pr.head.ref, number: pr.number, merged: pr.merged === true, at: pr.closed_at ?? new Date().toISOString() }, progress);
    core.setOutput("incident-id", out.incidentId ?? "");
    return;
  }

  const inputsOfDispatch = (event.inputs ?? {}) as Record<string, unknown>;
  const incidentId = input.incidentId || (typeof inputsOfDispatch["incident-id"] === "string" ? inputsOfDispatch["incident-id"] : "");
  let telemetry: Telemetry = telemetryFromConfig(config.connectors, process.env, (m) => core.warning(m), octokit);
  let now = Date.now();
  if (input.replay) {
    const scenario = await loadScenario(join(workspace, input.replay));
    telemetry = replayTelemetry(scenario.telemetry);
    now = Date.parse(scenario.meta.now);
  }
  const deliveries = deliveriesFrom(event, eventName, input.alert, new Date(now).toISOString());
  if (!deliveries.length && !incidentId) return core.notice(`nothing to do: a ${eventName || "run"} event with no alert and no incident-id`);
  const llm = llmFromEnvironment(process.env, config.llm, {
    redactPatterns: config.redaction.patterns.map((p) => new RegExp(p, "g")),
    warn: (m) => core.warning(m),
  });
  const result = await runPipeline(
    deliveries,
    { telemetry, store, clock: { now: () => now }, progress, ...(forge ? { forge } : {}), ...(llm ? { llm } : {}) },
    {
      config,
      // Built-in runbooks ship with the Action; the repository's knowledge/ and runbooks/ override them.
      memory: await readTree(PACKAGE_ROOT, ["runbooks"]),
      overlay: await readTree(workspace, ["knowledge", "runbooks"]),
      ...(incidentId ? { incidentId } : {}),
      ...(input.source ? { source: input.source } : {}),
    },
  );
  core.endGroup();
  for (const u of result.unparsed) {
    core.error(`${u.delivery}: ${u.reason}. The body is kept under incidents/_unparsed/.`, { title: "Pipemedic could not parse an alert" });
  }
  const main = result.outcomes.find((o) => o.investigated) ?? result.outcomes[0];
  if (main) {
    core.setOutput("incident-id", main.incident.id);
    core.setOutput("root-cause", main.investigation?.rca.rootCause ?? "");
    core.setOutput("confidence", String(main.investigation?.rca.confidence ?? ""));
    core.setOutput("report-path", main.reportPath);
  }
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(renderJobSummary(result), true).write();
}

run().catch((err: unknown) => core.setFailed(err instanceof Error ? err.message : String(err)));
