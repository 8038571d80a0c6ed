import { execFileSync } from "node:child_process";
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run, type ActionCore } from "../../src/entries/action.js";
import { IncidentsOutputSchema, type Scenario } from "../../src/model/index.js";
import { REPO_ROOT } from "../support/runner.js";
import { demoScenario } from "../support/demo.js";

/** A fake `@actions/core`: inputs from a map, and a record of everything the Action said. */
function fakeCore(inputs: Record<string, string> = {}) {
  const said = {
    outputs: {} as Record<string, string>,
    failures: [] as string[],
    notices: [] as string[],
    warnings: [] as string[],
    errors: [] as Array<{ message: string; title?: string }>,
    summaries: [] as string[],
    log: [] as string[],
  };
  let pending = "";
  const core: ActionCore = {
    getInput: (name) => inputs[name] ?? "",
    setOutput: (name, value) => void (said.outputs[name] = value),
    setFailed: (message) => void said.failures.push(message),
    info: (message) => void said.log.push(message),
    notice: (message) => void said.notices.push(message),
    warning: (message) => void said.warnings.push(message),
    error: (message, properties) => void said.errors.push({ message, ...(properties?.title ? { title: properties.title } : {}) }),
    startGroup: (name) => void said.log.push(`group: ${name}`),
    endGroup: () => undefined,
    summary: {
      addRaw(text) {
        pending += text;
        return {
          write: () => {
            said.summaries.push(pending);
            pending = "";
            return Promise.resolve();
          },
        };
      },
    },
  };
  return { core, said };
}

const EVENT_PATH = "/runner/event.json";

/** Runs the Action in-process: a fake core, the given environment, and the event served by a fake file reader. */
async function runWith(opts: { inputs?: Record<string, string>; env: Record<string, string>; event?: unknown }) {
  const { core, said } = fakeCore(opts.inputs);
  const read: string[] = [];
  await run({
    core,
    env: { GITHUB_EVENT_PATH: EVENT_PATH, ...opts.env },
    readFile: (path) => {
      read.push(path);
      return Promise.resolve(path === EVENT_PATH ? JSON.stringify(opts.event ?? {}) : null);
    },
  });
  return { said, read };
}

const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd }).toString().trim();
let tmp: string;
let workspace: string;
let scenario: Scenario;

beforeAll(async () => {
  scenario = await demoScenario();
  tmp = await mkdtemp(join(tmpdir(), "pipemedic-run-"));
  workspace = join(tmp, "workspace");
  execFileSync("git", ["init", "-q", "-b", "main", workspace]);
  // The operations repository: its knowledge, its configs, and a drill folder with recorded telemetry.
  await cp(join(REPO_ROOT, "knowledge"), join(workspace, "knowledge"), { recursive: true });
  for (const [path, content] of Object.entries(scenario.repo)) {
    await mkdir(dirname(join(workspace, path)), { recursive: true });
    await writeFile(join(workspace, path), content);
  }
  await cp(scenario.dir, join(workspace, "drills", scenario.meta.id), { recursive: true });
  git(workspace, "add", "-A");
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "ops repo"], { cwd: workspace });
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe("run(deps): the Action with its toolkit, environment and event file injected", () => {
  it("reports a bad input through setFailed, naming the input, and never throws", async () => {
    const { said } = await runWith({ inputs: { store: "s3" }, env: { GITHUB_WORKSPACE: workspace, GITHUB_EVENT_NAME: "workflow_dispatch" } });
    expect(said.failures).toEqual(['input store: expected auto, api or git, got "s3"']);
    expect(said.outputs).toEqual({});
  });

  it("has nothing to learn from a pull request that was not closed", async () => {
    const { said, read } = await runWith({
      env: { GITHUB_WORKSPACE: workspace, GITHUB_EVENT_NAME: "pull_request" },
      event: { action: "opened", pull_request: { number: 3, head: { ref: "pipemedic/fix-x" } } },
    });
    expect(read).toEqual([EVENT_PATH]);
    expect(said.notices).toEqual(["nothing to learn: not a closed pull request"]);
    expect(said.failures).toEqual([]);
  });

  it("has nothing to do for a manual run with no alert and no incident-id", async () => {
    const { said } = await runWith({ env: { GITHUB_WORKSPACE: workspace, GITHUB_EVENT_NAME: "workflow_dispatch" }, event: { inputs: {} } });
    expect(said.notices).toEqual(["nothing to do: a workflow_dispatch event with no alert and no incident-id"]);
    expect(said.failures).toEqual([]);
    // A later step's fromJSON still reads valid JSON.
    expect(said.outputs).toEqual({ incidents: "[]", "unparsed-count": "0" });
  });

  it("investigates a dispatched alert against a recorded drill, commits with git, and sets outputs and the summary", async () => {
    const first = scenario.alerts[0]!;
    const payload = JSON.parse(first.body) as Record<string, unknown>;
    const event =
      "client_payload" in payload
        ? { action: payload.event_type, client_payload: payload.client_payload }
        : { action: "pipemedic-alert", client_payload: { payload } };
    const { said } = await runWith({
      inputs: { replay: `drills/${scenario.meta.id}`, store: "git", push: "false" },
      env: {
        GITHUB_WORKSPACE: workspace,
        GITHUB_EVENT_NAME: "repository_dispatch",
        GITHUB_STEP_SUMMARY: join(tmp, "summary"),
        GITHUB_REPOSITORY: "acme/data-ops",
        GITHUB_SERVER_URL: "https://github.example.com",
        GITHUB_REF_NAME: "main",
      },
      event,
    });
    expect(said.failures).toEqual([]);
    const incidents = IncidentsOutputSchema.parse(JSON.parse(said.outputs.incidents!));
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({
      id: said.outputs["incident-id"],
      root_cause: scenario.meta.expect.root_cause,
      report_url: `https://github.example.com/acme/data-ops/blob/main/${said.outputs["report-path"]}`,
    });
    expect(["confirmed", "likely"]).toContain(incidents[0]!.conclusion);
    expect(said.outputs["unparsed-count"]).toBe("0");
    // The summary output is the step summary, whose report reference is a link a person clicks.
    expect(said.outputs["summary-markdown"]!.trimEnd()).toBe(said.summaries[0]!.trimEnd());
    expect(said.outputs["summary-markdown"]).toContain(`](${incidents[0]!.report_url})`);
    expect(said.outputs["root-cause"]).toBe(scenario.meta.expect.root_cause);
    expect(Number(said.outputs.confidence)).toBeGreaterThan(0.5);
    expect(said.outputs["incident-id"]).toMatch(/^\d{4}-\d{2}-\d{2}-/);
    expect(said.outputs["report-path"]).toMatch(/^incidents\/\d{4}\/\d{2}\/.+\/README\.md$/);
    expect(said.summaries).toHaveLength(1);
    expect(said.summaries[0]).toContain(scenario.meta.expect.root_cause);
    // Progress went to the log, one group per phase.
    expect(said.log).toContain("group: ingest");
    expect(said.log).toContain(`group: investigate ${said.outputs["incident-id"]}`);
    expect(git(workspace, "show", "--name-only", "--format=", "HEAD").split("\n")).toContain(said.outputs["report-path"]);
  });

  it("reports an alert no adapter accepts as an error annotation, keeps it, and does not fail", async () => {
    const { said } = await runWith({
      inputs: { alert: "this is not an alert", store: "git", push: "false" },
      env: { GITHUB_WORKSPACE: workspace, GITHUB_EVENT_NAME: "workflow_dispatch" },
      event: { inputs: {} },
    });
    expect(said.failures).toEqual([]);
    expect(said.errors).toHaveLength(1);
    expect(said.errors[0]!.title).toBe("Pipemedic could not parse an alert");
    expect(said.errors[0]!.message).toContain("incidents/_unparsed/");
    expect(said.summaries).toEqual([]);
    expect(said.outputs["unparsed-count"]).toBe("1");
    expect(said.outputs.incidents).toBe("[]");
    expect(said.outputs["summary-markdown"]).toMatch(/alerts that could not be parsed/);
    expect(git(workspace, "show", "--name-only", "--format=", "HEAD")).toMatch(/^incidents\/_unparsed\//m);
  });
});
