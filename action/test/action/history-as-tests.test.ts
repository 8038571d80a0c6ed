import { execFileSync } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { cli } from "../../src/cli/index.js";
import { readTree } from "../../src/store/workspace.js";
import { createOctokit } from "../../src/store/octokit.js";
import { loadScenario } from "../../src/telemetry/replay/load.js";
import type { Scenario } from "../../src/model/index.js";
import { startGitHubEmulator, type GitHubEmulator } from "../support/github-emulator/index.js";
import { REPO_ROOT, runAction } from "../support/runner.js";
import { captureIo } from "../support/cli-io.js";

/**
 * History as tests, end to end on the GitHub emulator: an incident is investigated and its fix pull
 * request merged; learning adds the incident as scenarios/<id>/ in its commit; the repository's
 * baseline eval is right; a later pull request that lowers the decisive runbook check's weight makes
 * `eval --baseline` fail, naming the scenario. Then a person's correction, pushed, rewrites the
 * scenario's truth. The Action runs from source (action/src/main.ts through tsx), so the test needs no
 * rebuilt action/dist.
 */

const TOKEN = "ghs_history_token";
let SOURCE_ENTRY: string;
let emu: GitHubEmulator;
let bare: string;
let workspace: string;
let scenario: Scenario;
const tmp: string[] = [];
const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd }).toString().trim();
const env = () => ({ GITHUB_API_URL: emu.url, GITHUB_REPOSITORY: "acme/data-ops", GITHUB_REF_NAME: "main", INPUT_TOKEN: TOKEN });

beforeAll(async () => {
  scenario = await loadScenario(join(REPO_ROOT, "action", "scenarios", "loyalty-lag-poll-timeouts"));
  emu = await startGitHubEmulator({ token: TOKEN });
  // The team's repository: its knowledge/ (the project's, which describes this pipeline) and the config the fix patches.
  const knowledge = await readTree(REPO_ROOT, ["knowledge"]);
  bare = await emu.createRepo("acme", "data-ops", { files: { "README.md": "# ops\n", ...knowledge, ...scenario.repo } });
  workspace = await mkdtemp(join(tmpdir(), "pipemedic-history-"));
  tmp.push(workspace);
  // The Action's entry from source: tsx's loader, then action/src/main.ts, as the runner would start dist/index.js.
  const entryDir = await mkdtemp(join(tmpdir(), "pipemedic-entry-"));
  tmp.push(entryDir);
  SOURCE_ENTRY = join(entryDir, "entry.mjs");
  const main = pathToFileURL(join(REPO_ROOT, "action", "src", "main.ts")).href;
  await writeFile(
    SOURCE_ENTRY,
    `import { register } from ${JSON.stringify(import.meta.resolve("tsx/esm/api"))};\nregister();\nawait import(${JSON.stringify(main)});\n`,
  );
  await cp(join(REPO_ROOT, "knowledge"), join(workspace, "knowledge"), { recursive: true });
  await cp(scenario.dir, join(workspace, "drills", "loyalty"), { recursive: true });
});
afterAll(async () => {
  await emu?.close();
  await Promise.all(tmp.map((d) => rm(d, { recursive: true, force: true })));
});

/** A checkout of the repository's main branch, as a workflow's actions/checkout makes it. */
async function checkout(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "pipemedic-checkout-"));
  tmp.push(dir);
  execFileSync("git", ["clone", "-q", bare, dir]);
  return dir;
}

describe("history as tests", () => {
  it("a merged fix adds the scenario; lowering the decisive check's weight then fails eval --baseline, naming it", { timeout: 240_000 }, async () => {
    const body = JSON.parse(scenario.alerts[0]!.body) as { event_type: string; client_payload: unknown };
    const first = await runAction({
      workspace,
      eventName: "repository_dispatch",
      event: { action: body.event_type, client_payload: body.client_payload },
      inputs: { replay: "drills/loyalty" },
      env: env(),
      entry: SOURCE_ENTRY,
    });
    expect(first.code, first.stdout.slice(-3000) + first.stderr).toBe(0);
    const id = first.outputs["incident-id"]!;
    expect(first.outputs["root-cause"]).toBe("kafka-lag-rebalance-storm");
    const folder = first.outputs["report-path"]!.replace(/\/README\.md$/, "");
    expect(git(bare, "show", `main:${folder}/evidence/telemetry.json`)).toContain('"now"');

    // Review merges the fix; the Learn workflow records it, and the scenario lands in the same commit.
    const [pr] = emu.pulls("acme", "data-ops");
    expect(pr!.head).toBe(`pipemedic/fix/${id}`);
    const octokit = createOctokit({ token: TOKEN, baseUrl: emu.url, throttle: { enabled: false }, log: { warn: () => undefined } });
    await octokit.rest.pulls.merge({ owner: "acme", repo: "data-ops", pull_number: pr!.number });
    const learn = await runAction({
      workspace,
      eventName: "pull_request",
      event: {
        action: "closed",
        number: pr!.number,
        pull_request: { number: pr!.number, merged: true, closed_at: scenario.meta.now, head: { ref: `pipemedic/fix/${id}` } },
      },
      env: env(),
      entry: SOURCE_ENTRY,
    });
    expect(learn.code, learn.stdout.slice(-3000) + learn.stderr).toBe(0);
    const learned = git(bare, "show", "--name-only", "--format=%s", "main").split("\n");
    expect(learned[0]).toContain(`fix #${pr!.number} merged`);
    expect(learned).toContain(`${folder}/README.md`);
    expect(learned).toContain(`scenarios/${id}/scenario.yaml`);
    expect(learned).toContain(`scenarios/${id}/alerts/01-alertmanager.json`);
    const meta = parseYaml(git(bare, "show", `main:scenarios/${id}/scenario.yaml`)) as { expect: Record<string, unknown>; tags: string[] };
    // The frontmatter keeps the fix's kind, not its path: the scenario expects a config patch.
    expect(meta.expect).toMatchObject({ root_cause: "kafka-lag-rebalance-storm", fix: { kind: "config-patch" } });
    expect(meta.tags).toContain("fix-merged");

    // The eval workflow on a pull request: the base branch's result is the baseline.
    const base = await checkout();
    let t = captureIo();
    expect(await cli(["eval", join(base, "scenarios"), "--repo", base, "--json"], t), t.stderr).toBe(0);
    const baseline = JSON.parse(t.stdout) as { scenarios: Array<{ id: string; top1: boolean }> };
    expect(baseline.scenarios).toEqual([expect.objectContaining({ id, top1: true })]);
    await writeFile(join(base, "baseline.json"), t.stdout);

    // The pull request lowers the weight of the checks the incident's README calls decisive.
    const head = await checkout();
    const readme = await readFile(join(head, folder, "README.md"), "utf8");
    const decisive = [...(readme.split("## Decisive evidence")[1] ?? "").split("\n## ")[0]!.matchAll(/^- `([a-z0-9-]+)`/gm)].map((m) => m[1]!);
    expect(decisive.length).toBeGreaterThan(0);
    let runbook = await readFile(join(REPO_ROOT, "runbooks", "kafka-lag-rebalance-storm.md"), "utf8");
    for (const check of decisive) {
      const lowered = runbook.replace(new RegExp(`(  - id: ${check}\\n(?:    .*\\n)*?    weight: )strong`), "$1weak");
      expect(lowered, `check ${check} is strong in the runbook`).not.toBe(runbook);
      runbook = lowered;
    }
    await mkdir(join(head, "runbooks"), { recursive: true });
    await writeFile(join(head, "runbooks", "kafka-lag-rebalance-storm.md"), runbook);

    const summary = join(head, "summary.md");
    t = captureIo();
    expect(await cli(["eval", join(head, "scenarios"), "--repo", head, "--baseline", join(base, "baseline.json"), "--summary", summary], t)).toBe(1);
    expect(t.stderr).toContain(`regression: ${id} right in`);
    // The cause is still first, at half the confidence: no longer confirmed, which the on-call would not be told.
    expect(t.stdout).toMatch(
      new RegExp(
        `No longer confirmed \\(regressions\\):\\n  ${id}: expected kafka-lag-rebalance-storm; .*confidence 0\\.99 -> 0\\.[0-7]\\d; confirmed -> (likely|inconclusive)`,
      ),
    );
    const md = await readFile(summary, "utf8");
    expect(md).toContain("**Regression:** 0 newly wrong, 1 no longer confirmed");
    expect(md).toContain(`| \`${id}\` | \`kafka-lag-rebalance-storm\``);

    // The same pull request without the runbook edit passes against the same baseline.
    t = captureIo();
    expect(await cli(["eval", join(base, "scenarios"), "--repo", base, "--baseline", join(base, "baseline.json")], t), t.stderr).toBe(0);
    expect(t.stdout).toContain("0 newly wrong");
    emu.assertNoViolations();
  });

  it("a correction pushed in the incident README rewrites the scenario's truth", { timeout: 120_000 }, async () => {
    const repo = await checkout();
    const id = git(repo, "ls-tree", "--name-only", "main", "scenarios/").split("\n")[0]!.replace("scenarios/", "");
    const readmePath = git(repo, "ls-files", `incidents/*/*/${id}/README.md`);
    const readme = await readFile(join(repo, readmePath), "utf8");
    await writeFile(join(repo, readmePath), readme.replace(/actual_root_cause: null/, "actual_root_cause: kafka-lag-slow-consumer"));
    git(repo, "-c", "user.name=dana", "-c", "user.email=dana@example.com", "commit", "-qam", "correct the cause");
    git(repo, "push", "-q", "origin", "main");

    const push = await runAction({
      workspace,
      eventName: "push",
      event: { ref: "refs/heads/main", commits: [{ modified: [readmePath] }] },
      env: env(),
      entry: SOURCE_ENTRY,
    });
    expect(push.code, push.stdout.slice(-3000) + push.stderr).toBe(0);
    expect(push.stdout).toContain(`scenarios from corrections: ${id}`);
    const meta = parseYaml(git(bare, "show", `main:scenarios/${id}/scenario.yaml`)) as { expect: Record<string, unknown>; tags: string[] };
    expect(meta.expect.root_cause).toBe("kafka-lag-slow-consumer");
    expect(meta.tags).toContain("corrected");

    // Pushed again, nothing changes: the scenario already expects the correction.
    const again = await runAction({
      workspace,
      eventName: "push",
      event: { ref: "refs/heads/main", commits: [{ modified: [readmePath] }] },
      env: env(),
      entry: SOURCE_ENTRY,
    });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("no correction needs a new scenario");
  });
});
