import { execFile, execFileSync, spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { cli } from "../../src/cli/index.js";
import type { CliIo } from "../../src/cli/io.js";
import { IncidentIndexSchema, IncidentsOutputSchema } from "../../src/model/index.js";
import { parseIncidentFrontmatter } from "../../src/record/frontmatter.js";
import type { SlackMessage } from "../../src/report/slack.js";
import { startGitHubEmulator, type GitHubEmulator } from "../support/github-emulator/index.js";
import { REPO_ROOT, runAction, type ActionRun } from "../support/runner.js";
import { slackLimitErrors, slackTypeErrors } from "../support/slack-blocks.js";

/**
 * The installation story of issue #17, played as a new user would: an empty repository gets
 * `pipemedic init`; the user writes one pipeline; lint passes; Airflow's documented callback posts a
 * failure to the GitHub emulator; the dispatch passes the generated workflow's event filter; the
 * bundled Action, run the way the runner runs it, commits the incident through the API and sets its
 * outputs; the Slack recipe renders a valid Block Kit message from them; a `feedback` correction
 * then shows in the README and the index.
 *
 * The Action is action/dist/index.js, as committed (CI rebuilds it and fails on a stale one).
 * PIPEMEDIC_TEST_DIST names another build folder, for checking a change before the bundle is rebuilt.
 */
const DIST = process.env.PIPEMEDIC_TEST_DIST ?? join(REPO_ROOT, "action", "dist");
const TOKEN = "ghs_installation_story";
const OWNER = "acme";
const REPO = "data-ops";
const CAUSE = "wh-schema-drift-upstream-rename";

let emu: GitHubEmulator;
let workspace: string;
let bare: string;
const tmp: string[] = [];

async function temp(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  tmp.push(dir);
  return dir;
}

async function pipemedic(...args: string[]) {
  const said = { out: "", err: "" };
  const io: CliIo = { out: (t) => void (said.out += t), err: (t) => void (said.err += t), env: {}, tty: false, stopped: () => new Promise(() => undefined) };
  return { code: await cli(args, io), ...said };
}

/** Every file under `dir` (path relative to it → content), .git left out. */
async function filesOf(dir: string, under = ""): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(join(dir, under), { withFileTypes: true })) {
    const path = under ? `${under}/${entry.name}` : entry.name;
    if (entry.name === ".git") continue;
    if (entry.isDirectory()) Object.assign(out, await filesOf(dir, path));
    else out[path] = await readFile(join(dir, path), "utf8");
  }
  return out;
}

const git = (dir: string, ...args: string[]) => execFileSync("git", args, { cwd: dir }).toString().trim();

/** The one pipeline the user writes after init: an Airflow DAG and the table it loads. */
const PIPELINE = `---
id: orders-daily
title: Orders daily load
components:
  - { kind: airflow, dag_id: orders_daily }
  - { kind: warehouse, table: analytics.fct_orders }
owners: ["@acme/data-platform"]
---
Loads yesterday's orders into the warehouse at 02:00.
`;

/** Airflow's failure callback as docs/recipes/airflow.md installs it, called with an Airflow-like context for a task that just failed. */
function callbackScript(): string {
  return `
import datetime, sys, types
sys.path.insert(0, ${JSON.stringify(join(REPO_ROOT, "recipes", "airflow"))})
from pipemedic_callback import pipemedic_on_failure_callback
now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
ti = types.SimpleNamespace(dag_id="orders_daily", task_id="load_orders", run_id="scheduled__" + (now - datetime.timedelta(hours=1)).isoformat(),
    map_index=-1, try_number=2, operator="PythonOperator", hostname="worker-3",
    start_date=now - datetime.timedelta(minutes=3), end_date=now - datetime.timedelta(minutes=1),
    log_url="http://airflow.example:8080/dags/orders_daily/grid?task_id=load_orders")
dag_run = types.SimpleNamespace(run_id=ti.run_id, logical_date=now - datetime.timedelta(hours=1))
pipemedic_on_failure_callback({"ti": ti, "dag_run": dag_run, "exception": KeyError("customer_id")})
`;
}

beforeAll(async () => {
  emu = await startGitHubEmulator({ token: TOKEN });
  workspace = await temp("pipemedic-story-");
  execFileSync("git", ["init", "-q", "-b", "main", workspace]);
});
afterAll(async () => {
  await emu?.close();
  await Promise.all(tmp.map((d) => rm(d, { recursive: true, force: true })));
});

describe("installation: from an empty repository to the first useful incident", () => {
  let workflow: { on: { repository_dispatch: { types: string[] } }; jobs: Record<string, { steps: Array<{ uses?: string; with?: Record<string, string> }> }> };
  let dispatch: { event_type: string; client_payload: unknown };
  let run: ActionRun;

  it("1. pipemedic init writes the workflow, the policy and the knowledge skeleton", async () => {
    const init = await pipemedic("init", workspace);
    expect(init.code, init.err).toBe(0);
    workflow = parse(await readFile(join(workspace, ".github/workflows/investigate.yml"), "utf8")) as typeof workflow;
    const step = workflow.jobs.investigate!.steps.find((s) => s.uses?.startsWith("pipemedic/"));
    expect(step?.uses).toBe("pipemedic/pipemedic@v1");
    expect(await stat(join(workspace, ".github/pipemedic.yml"))).toBeTruthy();
    expect(await stat(join(workspace, "knowledge/README.md"))).toBeTruthy();
  });

  it("2. the user writes one pipeline, and lint passes", async () => {
    await mkdir(join(workspace, "knowledge/pipelines"), { recursive: true });
    await writeFile(join(workspace, "knowledge/pipelines/orders-daily.md"), PIPELINE);
    const lint = await pipemedic("lint", workspace);
    expect(lint.code, lint.out).toBe(0);
    expect(lint.out).toMatch(/0 errors/);
    git(workspace, "add", "-A");
    execFileSync("git", ["-c", "user.name=u", "-c", "user.email=u@example.com", "commit", "-qm", "Pipemedic: init and the orders pipeline"], {
      cwd: workspace,
    });
    bare = await emu.createRepo(OWNER, REPO, { files: await filesOf(workspace) });
  });

  it("3. Airflow's documented callback posts the failure, and the generated workflow's event filter accepts it", async () => {
    const before = emu.dispatches.length;
    const env = {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      GITHUB_API_URL: emu.url,
      PIPEMEDIC_REPOSITORY: `${OWNER}/${REPO}`,
      PIPEMEDIC_GITHUB_TOKEN: TOKEN,
    };
    if (spawnSync("python3", ["--version"]).status === 0) {
      const out = await new Promise<{ code: number; stderr: string; stdout: string }>((resolve) =>
        execFile("python3", ["-c", callbackScript()], { env, encoding: "utf8" }, (err, stdout, stderr) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        ),
      );
      expect(out.code, out.stderr).toBe(0);
      expect(out.stdout).toBe("");
    } else {
      // Without Python, the body the callback builds (action/test/relay/recipes.test.ts checks their keys match), posted the same way.
      const now = new Date();
      const body = {
        event_type: "pipemedic-alert",
        client_payload: {
          source: "airflow",
          payload: {
            event: "task_failure",
            dag_id: "orders_daily",
            task_id: "load_orders",
            run_id: "scheduled__x",
            map_index: -1,
            try_number: 2,
            state: "failed",
            operator: "PythonOperator",
            hostname: "worker-3",
            logical_date: new Date(now.getTime() - 3_600_000).toISOString(),
            start_date: new Date(now.getTime() - 180_000).toISOString(),
            end_date: new Date(now.getTime() - 60_000).toISOString(),
            log_url: "http://airflow.example:8080/dags/orders_daily/grid?task_id=load_orders",
            exception: "KeyError: 'customer_id'",
            labels: { pipeline: "orders_daily" },
          },
        },
      };
      const res = await fetch(`${emu.url}/repos/${OWNER}/${REPO}/dispatches`, {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}`, accept: "application/vnd.github+json", "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(204);
    }
    const received = emu.dispatches.slice(before);
    expect(received).toHaveLength(1);
    dispatch = { event_type: received[0]!.event_type, client_payload: received[0]!.client_payload };
    // GitHub starts the workflow only when the event type is one its repository_dispatch filter lists.
    expect(workflow.on.repository_dispatch.types).toContain(dispatch.event_type);
  });

  it("4. the bundled Action, run as the runner runs it, commits the incident through the API and sets the outputs", { timeout: 180_000 }, async () => {
    const headBefore = execFileSync("git", ["--git-dir", bare, "rev-parse", "main"]).toString().trim();
    run = await runAction({
      workspace,
      eventName: "repository_dispatch",
      event: { action: dispatch.event_type, client_payload: dispatch.client_payload },
      // The generated step's inputs, as a repository_dispatch run evaluates them (no workflow_dispatch inputs).
      inputs: { "incident-id": "", alert: "" },
      env: {
        GITHUB_API_URL: emu.url,
        GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
        GITHUB_REF_NAME: "main",
        GITHUB_SERVER_URL: "https://github.com",
        INPUT_TOKEN: TOKEN,
      },
      entry: join(DIST, "index.js"),
    });
    expect(run.code, run.stdout.slice(-3000) + run.stderr).toBe(0);
    expect(run.stdout).not.toMatch(/^::error/m);

    const incidents = IncidentsOutputSchema.parse(JSON.parse(run.outputs.incidents ?? "null"));
    expect(incidents).toHaveLength(1);
    const [incident] = incidents;
    expect(incident!.id).toBe(run.outputs["incident-id"]);
    expect(incident!.title).toBe("orders_daily.load_orders failed");
    expect(incident!.report_url).toBe(`https://github.com/${OWNER}/${REPO}/blob/main/${run.outputs["report-path"]}`);
    expect(run.outputs["unparsed-count"]).toBe("0");
    expect(run.outputs["summary-markdown"]).toContain(`](${incident!.report_url})`);
    expect(run.summary).toContain(incident!.id);

    // Committed on main through the API: every new commit is the incident's (the alert recorded, then the investigation).
    const git = (...args: string[]) =>
      execFileSync("git", ["--git-dir", bare, ...args])
        .toString()
        .trim();
    const subjects = git("log", "--format=%s", `${headBefore}..main`).split("\n");
    expect(subjects.length).toBeGreaterThanOrEqual(1);
    for (const subject of subjects) expect(subject).toMatch(new RegExp(`^pipemedic: incident ${incident!.id}`));
    const files = git("diff", "--name-only", headBefore, "main").split("\n");
    expect(files).toContain(run.outputs["report-path"]);
    expect(files).toContain("incidents/index.json");
    expect(files).toContain("incidents/README.md");
    const index = IncidentIndexSchema.parse(JSON.parse(git("show", "main:incidents/index.json")));
    expect(index.incidents.map((i) => i.id)).toEqual([incident!.id]);
    // The pipeline the user wrote is the one the incident is about.
    expect(index.incidents[0]!.pipelines).toContain("orders-daily");
    // When it was investigated is recorded: time to root cause counts to it.
    expect(Date.parse(index.incidents[0]!.investigatedAt ?? "")).toBeGreaterThanOrEqual(Date.parse(index.incidents[0]!.openedAt));
    emu.assertNoViolations();
  });

  it("5. the Slack recipe renders a valid Block Kit message from those outputs", async () => {
    const out = await pipemedic("notify", "slack", "--incidents", run.outputs.incidents!, "--unparsed-count", run.outputs["unparsed-count"]!);
    expect(out.code, out.err).toBe(0);
    const message = JSON.parse(out.out) as SlackMessage;
    expect(slackTypeErrors([message])).toEqual([]);
    expect(slackLimitErrors(message as never)).toEqual([]);
    const incident = IncidentsOutputSchema.parse(JSON.parse(run.outputs.incidents!))[0]!;
    expect(JSON.stringify(message)).toContain(`<${incident.report_url}|Report>`);
  });

  it("6. a feedback correction then shows in the README and the index", { timeout: 60_000 }, async () => {
    const clone = await temp("pipemedic-story-clone-");
    execFileSync("git", ["clone", "-q", bare, clone]);
    const id = run.outputs["incident-id"]!;
    const out = await pipemedic("feedback", id, "--cause", CAUSE, "--note", "the orders API renamed customer_id", "--repo", clone);
    expect(out.code, out.err).toBe(0);
    const readmePath = run.outputs["report-path"]!;
    const readme = await readFile(join(clone, readmePath), "utf8");
    expect(parseIncidentFrontmatter(readme, readmePath).feedback).toEqual({ actual_root_cause: CAUSE, notes: "the orders API renamed customer_id" });
    // Written into the work tree for review, not committed.
    expect(git(clone, "diff", "--name-only").split("\n")).toContain(readmePath);
    const list = await pipemedic("incidents", "show", id, "--repo", clone);
    expect(list.out).toContain(`corrected   ${CAUSE}`);
    // The README says so under its title, Pipemedic's analysis below it unchanged.
    expect(readme).toMatch(new RegExp(`<!-- pipemedic:review -->\\n.*Root cause corrected by review to \`${CAUSE}\``));
    // The index records the corrected cause, keeping the one Pipemedic named; its page shows it.
    const index = IncidentIndexSchema.parse(JSON.parse(await readFile(join(clone, "incidents/index.json"), "utf8")));
    expect(index.incidents[0]!.rootCause).toMatchObject({ id: CAUSE, status: "corrected-by-review" });
    const page = await readFile(join(clone, "incidents/README.md"), "utf8");
    expect(page).toContain(CAUSE);
    expect(git(clone, "diff", "--name-only").split("\n")).toEqual(expect.arrayContaining(["incidents/index.json", "incidents/README.md"]));
  });
});
