import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli, type CliIo } from "../../src/cli/index.js";
import { REPO_ROOT } from "../support/runner.js";

// Issue #17, item 5: `pipemedic index` then `pipemedic investigate` in a user's repository. The commit
// landed but the work tree lacked the incident and `git status` showed deletions.

const SCENARIO = join(REPO_ROOT, "action", "scenarios", "ads-spend-bq-quota");

async function pipemedic(...argv: string[]) {
  const io = { out: "", err: "" };
  const deps: CliIo = { out: (t) => void (io.out += t), err: (t) => void (io.err += t), env: {}, tty: false, stopped: () => new Promise(() => undefined) };
  const code = await cli(argv, deps);
  return { code, ...io };
}

const tmp: string[] = [];
afterAll(async () => Promise.all(tmp.map((d) => rm(d, { recursive: true, force: true }))));

describe("a local repository after index and investigate", () => {
  it("holds the incident in its work tree, and git status is empty", { timeout: 60_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), "pipemedic-local-"));
    tmp.push(dir);
    const git = (...args: string[]) => execFileSync("git", args, { cwd: dir }).toString();
    git("init", "-q", "-b", "main");
    await writeFile(join(dir, "README.md"), "ops\n");
    git("add", "README.md");
    git("-c", "user.name=u", "-c", "user.email=u@example.com", "commit", "-q", "-m", "init");

    const index = await pipemedic("index", dir);
    expect(index.code).toBe(0);
    expect(git("status", "--porcelain")).toBe("?? incidents/\n");

    const run = await pipemedic("investigate", "--alert", join(SCENARIO, "alerts", "01-grafana.json"), "--replay", SCENARIO, "--repo", dir, "--json");
    expect(run.code).toBe(0);
    const report = (JSON.parse(run.out) as { incidents: Array<{ report: string }> }).incidents[0]!.report;
    expect(git("status", "--porcelain")).toBe("");
    expect(git("ls-files", "--", report)).toBe(`${report}\n`);
    expect(git("diff", "HEAD", "--stat")).toBe("");
    expect(run.err).not.toMatch(/local changes/);
  });
});
