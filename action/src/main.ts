import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import * as core from "@actions/core";
import type { Delivery, Progress, Telemetry } from "./model/index.js";
import { SourceSchema } from "./model/index.js";
import { parseConfig } from "./memory/config.js";
import { runPipeline } from "./pipeline.js";
import { lineProgress } from "./report/progress.js";
import { renderJobSummary } from "./report/summary.js";
import { LocalGitStore } from "./store/local.js";
import { readOptional, readTree } from "./store/workspace.js";
import { loadScenario } from "./telemetry/replay/load.js";
import { replayTelemetry } from "./telemetry/replay/telemetry.js";
import { combineTelemetry } from "./telemetry/combine.js";
import { PACKAGE_ROOT } from "./paths.js";
import { llmFromEnvironment } from "./llm/env.js";

/** The Action's inputs, read once. */
function inputs() {
  const source = core.getInput("source");
  return {
    config: core.getInput("config") || ".github/pipemedic.yml",
    incidentId: core.getInput("incident-id"),
    alert: core.getInput("alert"),
    source: source ? SourceSchema.parse(source) : undefined,
    replay: core.getInput("replay"),
    push: core.getBooleanInput("push", { required: false }),
  };
}

/** The deliveries an event carries: a dispatched alert, or an alert body given to workflow_dispatch. */
async function deliveriesFrom(event: Record<string, unknown>, eventName: string, alert: string, now: string): Promise<Delivery[]> {
  let body: string | null = null;
  if (eventName === "repository_dispatch") body = JSON.stringify({ event_type: event.action, client_payload: event.client_payload ?? null });
  else if (alert) body = alert;
  if (body === null) return [];
  const id = `dispatch-${createHash("sha256").update(body).digest("hex").slice(0, 16)}`;
  return [{ id, body, headers: {}, receivedAt: now }];
}

/** The Action's entry: reads inputs and the event, builds adapters, runs the pipeline, sets outputs. */
export async function run(): Promise<void> {
  const input = inputs();
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
  const event = JSON.parse((await readOptional(process.env.GITHUB_EVENT_PATH ?? "")) ?? "{}") as Record<string, unknown>;
  const eventName = process.env.GITHUB_EVENT_NAME ?? "";
  const config = parseConfig(await readOptional(join(workspace, input.config)), input.config);
  const incidentId = input.incidentId || (typeof (event.inputs as Record<string, unknown> | undefined)?.["incident-id"] === "string" ? String((event.inputs as Record<string, string>)["incident-id"]) : "");

  let telemetry: Telemetry = combineTelemetry([]);
  let now = Date.now();
  if (input.replay) {
    const scenario = await loadScenario(join(workspace, input.replay));
    telemetry = replayTelemetry(scenario.telemetry);
    now = Date.parse(scenario.meta.now);
  }
  const deliveries = await deliveriesFrom(event, eventName, input.alert, new Date(now).toISOString());
  if (!deliveries.length && !incidentId) {
    core.notice(`nothing to do: a ${eventName || "run"} event with no alert and no incident-id`);
    return;
  }
  const progress: Progress = lineProgress((l) => core.info(l), {
    group: (name) => {
      core.endGroup();
      core.startGroup(name);
    },
  });
  const llm = llmFromEnvironment(process.env, config.llm, {
    redactPatterns: config.redaction.patterns.map((p) => new RegExp(p, "g")),
    warn: (m) => core.warning(m),
  });
  const result = await runPipeline(
    deliveries,
    {
      telemetry,
      store: new LocalGitStore({ dir: workspace, ...(input.push ? { remote: "origin" } : {}) }),
      clock: { now: () => now },
      progress,
      ...(llm ? { llm } : {}),
    },
    {
      config,
      memory: await readTree(PACKAGE_ROOT, ["knowledge", "runbooks"]).then((m) => Object.fromEntries(Object.entries(m).filter(([p]) => p.startsWith("runbooks/")))),
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
  if (process.env.GITHUB_STEP_SUMMARY) {
    await core.summary.addRaw(renderJobSummary(result), true).write();
  }
}

run().catch((err: unknown) => core.setFailed(err instanceof Error ? err.message : String(err)));
