import { execFileSync } from "node:child_process";
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Scenario } from "../../src/model/index.js";
import { REPO_ROOT, runAction } from "../support/runner.js";
import { demoScenario } from "../support/demo.js";

const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd }).toString().trim();
let tmp: string;
let remote: string;
let workspace: string;
let scenario: Scenario;

beforeAll(async () => {
  scenario = await demoScenario();
  tmp = await mkdtemp(join(tmpdir(), "pipemedic-action-"));
  remote = join(tmp, "remote.git");
  workspace = join(tmp, "workspace");
  execFileSync("git", ["init", "-q", "--bare", "-b", "main", remote]);
  execFileSync("git", ["init", "-q", "-b", "main", workspace]);
  // The operations repository: its knowledge, its configs (what a fix edits), and a drill folder with recorded telemetry.
  await cp(join(REPO_ROOT, "knowledge"), join(workspace, "knowledge"), { recursive: true });
  for (const [path, content] of Object.entries(scenario.repo)) {
    await mkdir(dirname(join(workspace, path)), { recursive: true });
    await writeFile(join(workspace, path), content);
  }
  await cp(scenario.dir, join(workspace, "drills", scenario.meta.id), { recursive: true });
  git(workspace, "add", "-A");
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "ops repo"], { cwd: workspace });
  git(workspace, "remote", "add", "origin", remote);
  git(workspace, "push", "-q", "origin", "main");
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

function dispatchEvent(body: string) {
  const parsed = JSON.parse(body) as Record<string, unknown>;
  // A body that is already a dispatch wrapper is sent as is; any other is wrapped the documented way.
  if ("client_payload" in parsed) return { action: parsed.event_type, client_payload: parsed.client_payload };
  return { action: "pipemedic-alert", client_payload: { payload: parsed } };
}

describe("action/dist/index.js run as the Actions runner runs it", () => {
  it("investigates a dispatched alert, commits the incident, pushes it and sets outputs", async () => {
    const first = scenario.alerts[0]!;
    const run = await runAction({
      workspace,
      eventName: "repository_dispatch",
      event: dispatchEvent(first.body),
      inputs: { replay: `drills/${scenario.meta.id}` },
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.outputs["root-cause"]).toBe(scenario.meta.expect.root_cause);
    expect(Number(run.outputs.confidence)).toBeGreaterThan(0.5);
    const report = run.outputs["report-path"]!;
    expect(report).toMatch(/^incidents\/\d{4}\/\d{2}\/.+\/README\.md$/);
    // Pushed to the remote: the record of every alert first, then the investigation with every artifact.
    const files = git(remote, "show", "--name-only", "--format=", "main").split("\n");
    expect(files).toContain(report);
    expect(files).toContain("incidents/index.json");
    expect(files).toContain("incidents/README.md");
    expect(files.some((f) => f.includes("/evidence/"))).toBe(true);
    const recorded = git(remote, "show", "--name-only", "--format=", "main~1").split("\n");
    expect(recorded.some((f) => f.endsWith("/alerts.jsonl"))).toBe(true);
    expect(recorded).toContain("incidents/index.json");
    const readme = git(remote, "show", `main:${report}`);
    expect(readme).toMatch(new RegExp(`root_cause:[\\s\\S]*id: ${scenario.meta.expect.root_cause}`));
    expect(run.summary).toContain(scenario.meta.expect.root_cause);
    if (scenario.meta.expect.fix && scenario.meta.expect.fix.kind !== "none") {
      const branches = git(remote, "branch", "--list", "pipemedic/fix/*");
      expect(branches).toMatch(/pipemedic\/fix\//);
    }
  });

  it("changes nothing when the same delivery arrives again", async () => {
    const before = git(remote, "rev-parse", "main");
    git(workspace, "pull", "-q", "origin", "main");
    const run = await runAction({
      workspace,
      eventName: "repository_dispatch",
      event: dispatchEvent(scenario.alerts[0]!.body),
      inputs: { replay: `drills/${scenario.meta.id}` },
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(git(remote, "rev-parse", "main")).toBe(before);
  });

  it("records a body it cannot parse under incidents/_unparsed/ and annotates the run", async () => {
    const run = await runAction({
      workspace,
      eventName: "repository_dispatch",
      event: { action: "pipemedic-alert", client_payload: { payload: { hello: "not an alert" } } },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/::error title=Pipemedic could not parse an alert::/);
    expect(run.summary).toMatch(/alerts that could not be parsed/);
    const files = git(remote, "show", "--name-only", "--format=", "main").split("\n");
    const unparsed = files.find((f) => f.startsWith("incidents/_unparsed/"));
    expect(unparsed).toBeDefined();
    const record = JSON.parse(git(remote, "show", `main:${unparsed}`)) as { reason: string; body: string };
    expect(record.reason.length).toBeGreaterThan(10);
    expect(record.body).toContain("not an alert");
  });
});
