import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, type CliIo } from "../../src/cli/index.js";
import type { Scenario } from "../../src/model/index.js";
import { REPO_ROOT } from "../support/runner.js";
import { demoScenario } from "../support/demo.js";

const FIXTURES = join(REPO_ROOT, "action", "test", "fixtures", "scenarios");

/** A fake terminal: what the CLI printed, with no environment (so no LLM and no live connector). */
function fakeIo(env: Record<string, string> = {}, stop: Promise<string> = new Promise(() => undefined)) {
  const io = { out: "", err: "" };
  const deps: CliIo = {
    out: (text) => void (io.out += text),
    err: (text) => void (io.err += text),
    env,
    tty: false,
    stopped: () => stop,
  };
  return { io, deps };
}

/** Runs the dispatcher in-process, as `pipemedic <argv>` would. */
async function pipemedic(...argv: string[]) {
  const { io, deps } = fakeIo();
  const code = await cli(argv, deps);
  return { code, ...io };
}

const tmp: string[] = [];
async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  tmp.push(dir);
  return dir;
}
afterAll(async () => Promise.all(tmp.map((d) => rm(d, { recursive: true, force: true }))));

let demo: Scenario;
beforeAll(async () => {
  demo = await demoScenario();
});

describe("the CLI dispatcher, imported (nothing runs on import)", () => {
  it("prints the command list for no command (on stderr, exit 2) and for --help, and a command's usage for --help", async () => {
    const none = await pipemedic();
    expect(none.code).toBe(2);
    expect(none.out).toBe("");
    expect(none.err).toContain("Commands:");
    const list = await pipemedic("--help");
    expect(list.code).toBe(0);
    for (const command of [
      "demo",
      "replay",
      "eval",
      "investigate",
      "normalize",
      "lint",
      "index",
      "relay",
      "init",
      "notify",
      "incidents",
      "feedback",
      "connectors",
    ]) {
      expect(list.out).toMatch(new RegExp(`^  ${command}\\b`, "m"));
      const help = await pipemedic(command, "--help");
      expect(help.code).toBe(0);
      expect(help.out).toContain(`Usage: pipemedic ${command}`);
    }
  });

  it("exits 2 on an unknown command and on a usage mistake, with the command's usage on stderr", async () => {
    const unknown = await pipemedic("frobnicate");
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('unknown command "frobnicate"');
    const missing = await pipemedic("replay");
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("pipemedic replay: replay needs a scenario folder");
    expect(missing.err).toContain("Usage: pipemedic replay");
    const badOption = await pipemedic("demo", "--bogus");
    expect(badOption.code).toBe(2);
    const badSource = await pipemedic("normalize", join(FIXTURES, "replay-basic", "alerts", "02-sentry.json"), "--source", "nagios");
    expect(badSource.code).toBe(2);
    expect(badSource.err).toContain('--source: unknown source "nagios"');
  });

  it("normalize prints alerts as JSON, or the rejection with unparsed: true and exit 1", async () => {
    const alerts = join(FIXTURES, "replay-basic", "alerts");
    const ok = await pipemedic("normalize", join(alerts, "02-sentry.json"), "--headers", join(alerts, "02-sentry.headers.json"), "--json");
    expect(ok.code, ok.out).toBe(0);
    expect((JSON.parse(ok.out) as { alerts: Array<{ source: string }> }).alerts[0]!.source).toBe("sentry");
    const dir = await tempDir("pipemedic-cli-");
    await writeFile(join(dir, "bad.json"), "not json at all");
    const bad = await pipemedic("normalize", join(dir, "bad.json"), "--json");
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.out)).toMatchObject({ unparsed: true });
  });

  it("lint counts files and errors and exits 1 on a broken runbook", async () => {
    const dir = await tempDir("pipemedic-lint-");
    await mkdir(join(dir, "runbooks"));
    await writeFile(join(dir, "runbooks", "broken.md"), "---\nid: broken\n---\nno checks\n");
    const out = await pipemedic("lint", dir);
    expect(out.code).toBe(1);
    expect(out.out).toContain("runbooks/broken.md");
    expect(out.out).toMatch(/^1 file checked: [1-9]\d* errors?, 0 warnings$/m);
  });

  it("investigate composes the run like the Action: the repository's policy and memory, recorded telemetry, one commit", async () => {
    const repo = await tempDir("pipemedic-investigate-");
    execFileSync("git", ["init", "-q", "-b", "main", repo]);
    const alert = join(repo, "alert.json");
    await writeFile(alert, demo.alerts[0]!.body);
    const { io, deps } = fakeIo();
    const code = await cli(["investigate", "--alert", alert, "--replay", demo.dir, "--repo", repo, "--json"], deps);
    expect(code, io.err).toBe(0);
    const out = JSON.parse(io.out) as { repository: string; commit: string; incidents: Array<{ root_cause: string; report: string }> };
    expect(out.repository).toBe(repo);
    expect(out.incidents[0]!.root_cause).toBe(demo.meta.expect.root_cause);
    const files = execFileSync("git", ["show", "--name-only", "--format=", out.commit], { cwd: repo }).toString().split("\n");
    expect(files).toContain(out.incidents[0]!.report);
  });

  it("replay and eval run a scenario folder; eval's baselines read the runbooks the run used", async () => {
    const replayed = await pipemedic("replay", join(FIXTURES, "replay-basic"), "--json");
    expect(replayed.code, replayed.err).toBe(0);
    expect((JSON.parse(replayed.out) as { scenario: string }).scenario).toBe("replay-basic");
    const scored = await pipemedic("eval", FIXTURES, "--json");
    expect(scored.code, scored.err).toBe(0);
    const out = JSON.parse(scored.out) as {
      summary: { scenarios: number };
      baselines: Record<string, unknown>;
      scenarios: Array<{ id: string; baselines?: unknown }>;
    };
    expect(out.summary.scenarios).toBe(1);
    expect(Object.keys(out.baselines).sort()).toEqual(["anomaly", "last_change"]);
  });

  it("index rebuilds nothing in an empty repository and says so", async () => {
    const dir = await tempDir("pipemedic-index-");
    const out = await pipemedic("index", dir, "--json");
    expect(out.code, out.err).toBe(0);
    expect(JSON.parse(out.out)).toMatchObject({ incidents: 0, committed: false });
  });

  it("relay serves until asked to stop, then finishes and exits 0", async () => {
    const { io, deps } = fakeIo(
      { PIPEMEDIC_REPOSITORY: "acme/data-ops", GITHUB_TOKEN: "ghs_x", PIPEMEDIC_RELAY_SENTRY_SECRET: "s", HOST: "127.0.0.1", PORT: "0" },
      Promise.resolve("SIGTERM"),
    );
    const code = await cli(["relay"], deps);
    expect(code, io.err).toBe(0);
    expect(io.err).toContain("pipemedic relay: SIGTERM, finishing the webhooks in progress");
  });
});
