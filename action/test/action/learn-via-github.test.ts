import { execFileSync } from "node:child_process";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IncidentIndexSchema, type Incident, type Scenario } from "../../src/model/index.js";
import { loadScenario } from "../../src/telemetry/replay/load.js";
import { createOctokit } from "../../src/store/octokit.js";
import { startGitHubEmulator, type GitHubEmulator } from "../support/github-emulator/index.js";
import { REPO_ROOT, runAction } from "../support/runner.js";
import { shiftStartsAt } from "../support/payloads.js";
import { mkdir, writeFile } from "node:fs/promises";

const TOKEN = "ghs_learn_token";
let emu: GitHubEmulator;
let bare: string;
let workspace: string;
let scenario: Scenario;
const git = (...args: string[]) => execFileSync("git", args, { cwd: bare }).toString().trim();
const env = () => ({ GITHUB_API_URL: emu.url, GITHUB_REPOSITORY: "acme/data-ops", GITHUB_REF_NAME: "main", INPUT_TOKEN: TOKEN });

beforeAll(async () => {
  scenario = await loadScenario(join(REPO_ROOT, "action", "scenarios", "ledger-rebalance-storm"));
  emu = await startGitHubEmulator({ token: TOKEN });
  bare = await emu.createRepo("acme", "data-ops", { files: { "README.md": "# ops\n", ...scenario.repo }, collaborators: ["ledger-team"] });
  workspace = await mkdtemp(join(tmpdir(), "pipemedic-learn-"));
  await cp(join(REPO_ROOT, "knowledge"), join(workspace, "knowledge"), { recursive: true });
  await cp(scenario.dir, join(workspace, "drills", "ledger"), { recursive: true });
  await mkdir(join(workspace, ".github"), { recursive: true });
  // Short windows, so the next occurrence ten minutes later is a new incident, not a re-fire.
  await writeFile(join(workspace, ".github", "pipemedic.yml"), "investigate:\n  group_window: 5m\n  reopen_window: 5m\n");
});
afterAll(async () => {
  await emu?.close();
  await rm(workspace, { recursive: true, force: true });
});

const dispatch = (shiftMs: number) => {
  const body = JSON.parse(shiftStartsAt(scenario.alerts[0]!.body, shiftMs)) as { event_type: string; client_payload: unknown };
  return { action: body.event_type, client_payload: body.client_payload };
};

describe("a fix pull request reviewed on GitHub teaches memory", () => {
  it("opens the fix PR, learns from its merge, and recognises the next occurrence as seen before", { timeout: 120_000 }, async () => {
    const first = await runAction({ workspace, eventName: "repository_dispatch", event: dispatch(0), inputs: { replay: "drills/ledger" }, env: env() });
    expect(first.code, first.stdout.slice(-3000) + first.stderr).toBe(0);
    const incidentId = first.outputs["incident-id"]!;
    const [pr] = emu.pulls("acme", "data-ops");
    expect(pr).toBeDefined();
    expect(pr!.head).toBe(`pipemedic/fix/${incidentId}`);

    const octokit = createOctokit({ token: TOKEN, baseUrl: emu.url, throttle: { enabled: false }, log: { warn: () => undefined } });
    await octokit.rest.pulls.merge({ owner: "acme", repo: "data-ops", pull_number: pr!.number });
    const openedAt = IncidentIndexSchema.parse(JSON.parse(git("show", "main:incidents/index.json"))).incidents[0]!.openedAt;
    const closedAt = new Date(Date.parse(openedAt) + 60_000).toISOString();
    const learn = await runAction({
      workspace,
      eventName: "pull_request",
      event: {
        action: "closed",
        number: pr!.number,
        pull_request: { number: pr!.number, merged: true, closed_at: closedAt, head: { ref: `pipemedic/fix/${incidentId}` } },
      },
      env: env(),
    });
    expect(learn.code, learn.stdout.slice(-3000) + learn.stderr).toBe(0);
    const index = JSON.parse(git("show", "main:incidents/index.json")) as { incidents: Incident[] };
    const learned = index.incidents.find((i) => i.id === incidentId)!;
    expect(learned.status).toBe("resolved");
    expect(learned.rootCause?.status).toBe("confirmed-by-review");
    const readme = git("show", `main:${learned.path}/README.md`);
    expect(readme).toMatch(/state: merged/);
    expect(readme).toMatch(/status: confirmed-by-review/);

    const next = await runAction({
      workspace,
      eventName: "repository_dispatch",
      event: dispatch(10 * 60_000),
      inputs: { replay: "drills/ledger" },
      env: env(),
    });
    expect(next.code, next.stdout.slice(-3000) + next.stderr).toBe(0);
    expect(next.outputs["incident-id"]).not.toBe(incidentId);
    expect(next.outputs["root-cause"]).toBe(scenario.meta.expect.root_cause);
    expect(next.stdout).toMatch(/seen before: kafka-lag-rebalance-storm confirmed again/);
    expect(git("show", `main:${next.outputs["report-path"]}`)).toContain(incidentId);
    emu.assertNoViolations();
  });
});
