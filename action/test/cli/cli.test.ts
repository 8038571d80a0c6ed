import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/runner.js";

const exec = promisify(execFile);
const CLI = join(REPO_ROOT, "action", "dist", "cli.js");
const tmp: string[] = [];
afterAll(async () => Promise.all(tmp.map((d) => rm(d, { recursive: true, force: true }))));

/** Runs the bundled CLI as `npx pipemedic` would; a non-zero exit is returned, not thrown. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Scenario ids of the companies without knowledge/ (action/scenarios/brightline, fernhill, harrowgate). */
const NEW_COMPANY = /^(brightline|fernhill|harrowgate)-/;

/** Scenario ids of the lifecycle cases (history/ and correlation over time, no company's knowledge/). */
const LIFECYCLE = /^lifecycle-/;

/** One set's scores as the bars read them. */
function bars(scores: Array<Record<string, unknown>>) {
  const n = scores.length;
  const share = (k: string) => Math.round((scores.filter((s) => s[k] === true).length / Math.max(1, n)) * 1000) / 1000;
  return {
    n,
    top1: share("top1"),
    top3: share("top3"),
    confident_wrong: share("confident_wrong"),
    distractor: share("distractor"),
    incidents_ok: share("incidents_ok"),
    fix_failed: scores.filter((s) => s.fix_ok === false).map((s) => s.id),
  };
}

describe("pipemedic CLI (bundled)", () => {
  // The bars are over the whole golden suite (every company), so the CLI replays all ~104 scenarios in
  // one process: ~20 s on a quiet 2-core machine (about a third of it rendering the incident Markdown
  // each replay writes), 60 s+ beside other test files, and more with a second `npm test` running.
  // 240 s carries that with margin; a hang still fails.
  it("eval --json prints the documented shape, and the golden suite meets its bars", { timeout: 240_000 }, async () => {
    const { code, stdout } = await cli("eval", "action/scenarios", "--json");
    expect(code).toBe(0);
    const out = JSON.parse(stdout) as {
      summary: Record<string, number>;
      baselines: Record<"last_change" | "anomaly", { top1: number; top3: number }>;
      scenarios: Array<Record<string, unknown> & { ranked: Array<{ id: string; confidence: number }> }>;
    };
    expect(Object.keys(out.summary).sort()).toEqual(["confident_wrong", "distractor", "incidents_ok", "median_ms", "scenarios", "top1", "top3"]);
    for (const s of out.scenarios) {
      for (const k of ["id", "expected", "ranked", "top1", "top3", "confident_wrong", "distractor", "incidents_ok", "ms"]) expect(s).toHaveProperty(k);
    }
    expect(out.summary.scenarios).toBeGreaterThanOrEqual(8);
    // The whole suite: every company.
    expect(out.summary.top1).toBeGreaterThanOrEqual(0.95);
    expect(out.summary.confident_wrong).toBe(0);
    // Shopfront, the company knowledge/ describes: everything right, grouped right, fixed right.
    const shopfront = bars(out.scenarios.filter((s) => !NEW_COMPANY.test(String(s.id)) && !LIFECYCLE.test(String(s.id))));
    expect(shopfront).toEqual({ n: 62, top1: 1, top3: 1, confident_wrong: 0, distractor: 0, incidents_ok: 1, fix_failed: [] });
    // Brightline, Fernhill and Harrowgate: no knowledge/ at all, conventions Shopfront's runbooks never
    // saw. The floors are the Subjects issue's goal for unseen stacks (top1 >= 85 %, few distractors);
    // grouping there is the Grouping issue's (today 37 of 41), held near where it is so that it cannot slip back.
    const unseen = bars(out.scenarios.filter((s) => NEW_COMPANY.test(String(s.id))));
    expect(unseen.n).toBeGreaterThanOrEqual(41);
    expect(unseen.top1).toBeGreaterThanOrEqual(0.85);
    expect(unseen.top3).toBeGreaterThanOrEqual(0.9);
    expect(unseen.confident_wrong).toBe(0);
    expect(unseen.distractor).toBeLessThanOrEqual(0.1);
    expect(unseen.incidents_ok).toBeGreaterThanOrEqual(0.85);
    // The lifecycle cases: each right and grouped right.
    const lifecycle = bars(out.scenarios.filter((s) => LIFECYCLE.test(String(s.id))));
    expect(lifecycle).toMatchObject({ top1: 1, confident_wrong: 0, incidents_ok: 1, fix_failed: [] });
    expect(lifecycle.n).toBeGreaterThanOrEqual(1);
    // The baselines run on the same scenarios; Pipemedic must at least double the better one.
    const better = Math.max(out.baselines.last_change.top1, out.baselines.anomaly.top1);
    expect(out.summary.top1).toBeGreaterThanOrEqual(2 * better);
  });

  // The same suite as on a stack nobody described (--no-knowledge drops every knowledge/ file): the
  // Subjects issue's bars for Shopfront's scenarios are top1 >= 90 %, top3 >= 98 %, no confident wrong
  // answer, distractors <= 5 %; the whole suite (the unseen companies have no knowledge to drop) keeps its floors.
  it("eval --no-knowledge: the golden suite without any knowledge/ meets the bars for an undescribed stack", { timeout: 240_000 }, async () => {
    const { code, stdout } = await cli("eval", "action/scenarios", "--json", "--no-knowledge");
    expect(code).toBe(0);
    const out = JSON.parse(stdout) as { summary: Record<string, number>; scenarios: Array<Record<string, unknown>> };
    const shopfront = bars(out.scenarios.filter((s) => !NEW_COMPANY.test(String(s.id)) && !LIFECYCLE.test(String(s.id))));
    expect(shopfront.n).toBe(62);
    expect(shopfront.top1).toBeGreaterThanOrEqual(0.9);
    expect(shopfront.top3).toBeGreaterThanOrEqual(0.98);
    expect(shopfront.confident_wrong).toBe(0);
    expect(shopfront.distractor).toBeLessThanOrEqual(0.05);
    expect(out.summary.top1).toBeGreaterThanOrEqual(0.9);
    expect(out.summary.top3).toBeGreaterThanOrEqual(0.95);
    expect(out.summary.confident_wrong).toBe(0);
    expect(out.summary.distractor).toBeLessThanOrEqual(0.05);
  });

  it("demo replays a scenario into a fresh git repository and prints the cause and the report", async () => {
    const { code, stdout } = await cli("demo", "--json");
    expect(code).toBe(0);
    const out = JSON.parse(stdout) as {
      repository: string;
      incidents: Array<{ root_cause: string; confidence: number; report: string; fix: { branch: string | null } }>;
    };
    tmp.push(out.repository);
    const [incident] = out.incidents;
    expect(incident!.root_cause).toMatch(/^[a-z]+(-[a-z0-9]+)+$/);
    expect(incident!.confidence).toBeGreaterThan(0.5);
    const log = await exec("git", ["log", "--all", "--oneline"], { cwd: out.repository });
    expect(log.stdout).toMatch(/pipemedic: incident/);
    const { stdout: readme } = await exec("git", ["show", `HEAD:${incident!.report}`], { cwd: out.repository });
    expect(readme).toContain(`id: ${incident!.root_cause}`);
  });

  it("normalize --json prints alerts, or the rejection with unparsed: true", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pipemedic-cli-"));
    tmp.push(dir);
    const good = join(dir, "am.json");
    await writeFile(
      good,
      JSON.stringify({
        version: "4",
        groupKey: "{}:{}",
        status: "firing",
        receiver: "x",
        alerts: [
          {
            status: "firing",
            labels: { alertname: "Lag", severity: "warning" },
            annotations: {},
            startsAt: "2026-03-14T01:00:00Z",
            endsAt: "0001-01-01T00:00:00Z",
            fingerprint: "abc",
          },
        ],
      }),
    );
    const ok = await cli("normalize", good, "--json");
    expect(ok.code).toBe(0);
    const alerts = (JSON.parse(ok.stdout) as { alerts: Array<Record<string, unknown>> }).alerts;
    expect(alerts[0]).toMatchObject({ source: "alertmanager", severity: "medium", status: "firing", fingerprint: "abc", startsAt: "2026-03-14T01:00:00.000Z" });
    const bad = join(dir, "bad.json");
    await writeFile(bad, "{not json");
    const rejected = await cli("normalize", bad, "--json");
    expect(rejected.code).toBe(1);
    const refusal = JSON.parse(rejected.stdout) as { unparsed?: boolean; error?: string };
    expect(refusal.unparsed).toBe(true);
    expect(refusal.error).toMatch(/not (valid )?JSON/);
  });

  it("explains its usage on --help and on a wrong command", async () => {
    for (const c of ["demo", "replay", "eval", "investigate", "normalize", "lint"]) {
      const { code, stdout } = await cli(c, "--help");
      expect(code).toBe(0);
      expect(stdout).toMatch(new RegExp(`Usage: pipemedic ${c}`));
    }
    const wrong = await cli("frobnicate");
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/unknown command "frobnicate"/);
    const missing = await cli("replay");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/needs a scenario folder/);
  });

  it("replay --out commits into a repository; replaying again adds no second incident", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pipemedic-replay-"));
    tmp.push(dir);
    const first = await cli("replay", "action/scenarios/orders-lag-slow-dependency", "--out", dir, "--json");
    expect(first.code, first.stderr).toBe(0);
    const again = await cli("replay", "action/scenarios/orders-lag-slow-dependency", "--out", dir, "--json");
    expect(again.code, again.stderr).toBe(0);
    const index = JSON.parse((await exec("git", ["show", "HEAD:incidents/index.json"], { cwd: dir })).stdout) as { incidents: unknown[] };
    expect(index.incidents).toHaveLength(1);
  });

  it("lint passes on the repository's own knowledge and runbooks", async () => {
    const { code, stdout } = await cli("lint", ".");
    expect(stdout).toMatch(/: 0 errors, 0 warnings/);
    expect(code).toBe(0);
  });
});
