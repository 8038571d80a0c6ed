import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli } from "../../src/cli/index.js";
import type { CliIo } from "../../src/cli/io.js";
import { IncidentIndexSchema, type Scenario } from "../../src/model/index.js";
import { parseIncidentFrontmatter } from "../../src/record/frontmatter.js";
import { REPO_ROOT } from "../support/runner.js";
import { demoScenario } from "../support/demo.js";

async function run(args: string[], opts: { tty?: boolean; env?: Record<string, string> } = {}) {
  const said = { out: "", err: "" };
  const io: CliIo = {
    out: (t) => void (said.out += t),
    err: (t) => void (said.err += t),
    env: opts.env ?? {},
    tty: opts.tty ?? false,
    stopped: () => new Promise(() => undefined),
  };
  return { code: await cli(args, io), ...said };
}

let repo: string;
let scenario: Scenario;
let incidentId: string;

beforeAll(async () => {
  scenario = await demoScenario();
  repo = await mkdtemp(join(tmpdir(), "pipemedic-habits-"));
  const replayed = await run(["replay", scenario.dir, "--out", repo, "--json"]);
  expect(replayed.code, replayed.err).toBe(0);
  const index = IncidentIndexSchema.parse(JSON.parse(await readFile(join(repo, "incidents", "index.json"), "utf8")));
  incidentId = index.incidents[0]!.id;
  // The run records when it investigated, in the index and in the README's frontmatter (time to root cause counts to it).
  const readme = await readFile(join(repo, index.incidents[0]!.path, "README.md"), "utf8");
  expect(index.incidents[0]!.investigatedAt).toBe(new Date(Date.parse(scenario.meta.now)).toISOString());
  expect(parseIncidentFrontmatter(readme).investigated_at).toBe(index.incidents[0]!.investigatedAt);
}, 120_000);
afterAll(async () => rm(repo, { recursive: true, force: true }));

describe("CLI habits", () => {
  it("--version prints the package's version", async () => {
    const pkg = JSON.parse(await readFile(join(REPO_ROOT, "package.json"), "utf8")) as { version: string };
    const out = await run(["--version"]);
    expect(out).toMatchObject({ code: 0, out: `pipemedic ${pkg.version}\n` });
  });

  it("incidents list shows each recorded incident with its cause; --status filters; colour only on a terminal without NO_COLOR", async () => {
    const list = await run(["incidents", "list", "--repo", repo]);
    expect(list.code, list.err).toBe(0);
    expect(list.out).toContain(incidentId);
    expect(list.out).toContain(scenario.meta.expect.root_cause);
    expect(list.out).toMatch(/1 incident of 1\n$/);
    expect(list.out).not.toContain("\u001b[");
    expect((await run(["incidents", "list", "--repo", repo], { tty: true })).out).toContain("\u001b[1m");
    expect((await run(["incidents", "list", "--repo", repo], { tty: true, env: { NO_COLOR: "1" } })).out).not.toContain("\u001b[");
    const status = (await run(["incidents", "list", "--repo", repo, "--json"])).out;
    expect((JSON.parse(status) as Array<{ id: string }>).map((i) => i.id)).toEqual([incidentId]);
    const bad = await run(["incidents", "list", "--repo", repo, "--status", "closed"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("--status: expected open or resolved");
  });

  it("the run report is coloured on a terminal, and plain with NO_COLOR or when piped", { timeout: 120_000 }, async () => {
    const tty = await run(["replay", scenario.dir], { tty: true });
    expect(tty.code, tty.err).toBe(0);
    const ESC = "\u001b";
    expect(tty.out).toContain(`${ESC}[1mIncident `);
    expect([`Root cause: ${ESC}[32m`, `Root cause: ${ESC}[33m`].some((m) => tty.out.includes(m))).toBe(true);
    const noColor = await run(["replay", scenario.dir], { tty: true, env: { NO_COLOR: "1" } });
    expect(noColor.out).not.toContain("\u001b[");
    expect(noColor.out).toContain(`Root cause: ${scenario.meta.expect.root_cause}`);
    expect((await run(["replay", scenario.dir])).out).not.toContain("\u001b[");
  });

  it("incidents show prints the cause and where the report is; an unknown id is a usage error naming the index", async () => {
    const show = await run(["incidents", "show", incidentId, "--repo", repo]);
    expect(show.code, show.err).toBe(0);
    expect(show.out).toMatch(new RegExp(`root cause  ${scenario.meta.expect.root_cause}`));
    expect(show.out).toMatch(/report {6}incidents\/\d{4}\/\d{2}\/.+\/README\.md/);
    const missing = await run(["incidents", "show", "2020-01-01-nothing-here", "--repo", repo]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('no incident "2020-01-01-nothing-here" in incidents/index.json');
    const noRepo = await run(["incidents", "list", "--repo", join(repo, "nope")]);
    expect(noRepo.code).toBe(2);
  });

  it("investigate --dry-run runs a new alert through but commits nothing, listing what it would write", { timeout: 120_000 }, async () => {
    // A repository with one commit and no incident yet.
    const fresh = await mkdtemp(join(tmpdir(), "pipemedic-dry-run-"));
    execFileSync("git", ["init", "-q", "-b", "main", fresh]);
    await writeFile(join(fresh, "README.md"), "# ops\n");
    execFileSync("git", ["add", "README.md"], { cwd: fresh });
    execFileSync("git", ["-c", "user.name=u", "-c", "user.email=u@example.com", "commit", "-qm", "ops"], { cwd: fresh });
    const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: fresh }).toString();
    const alert = `${fresh}.alert.json`;
    await writeFile(alert, scenario.alerts[0]!.body);
    const out = await run(["investigate", "--alert", alert, "--replay", scenario.dir, "--repo", fresh, "--dry-run", "--json"]);
    await rm(alert);
    expect(out.code, out.err).toBe(0);
    const result = JSON.parse(out.out) as { commit: string | null; incidents: Array<{ root_cause: string; report: string }> };
    expect(result.commit).toBeNull();
    expect(result.incidents[0]!.root_cause).toBe(scenario.meta.expect.root_cause);
    expect(out.err).toMatch(/dry run: nothing was committed\. Would have made \d+ commit\(s\) of \d+ file\(s\)/);
    expect(out.err).toContain(`  ${result.incidents[0]!.report}\n`);
    expect(execFileSync("git", ["rev-parse", "HEAD"], { cwd: fresh }).toString()).toBe(head);
    expect(execFileSync("git", ["status", "--porcelain"], { cwd: fresh }).toString()).toBe("");
    expect(execFileSync("git", ["branch", "--list"], { cwd: fresh }).toString().trim().split("\n")).toHaveLength(1);
    await rm(fresh, { recursive: true, force: true });
  });

  it("investigate --incident re-investigates a recorded incident (here as a dry run); an unknown one is a usage error", { timeout: 120_000 }, async () => {
    const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: repo }).toString();
    const out = await run(["investigate", "--incident", incidentId, "--replay", scenario.dir, "--repo", repo, "--dry-run", "--json"]);
    expect(out.code, out.err).toBe(0);
    const result = JSON.parse(out.out) as { incidents: Array<{ id: string; investigated: boolean }> };
    expect(result.incidents.map((i) => [i.id, i.investigated])).toEqual([[incidentId, true]]);
    expect(execFileSync("git", ["rev-parse", "HEAD"], { cwd: repo }).toString()).toBe(head);
    const unknown = await run(["investigate", "--incident", "2020-01-01-nothing-here", "--repo", repo]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('no incident "2020-01-01-nothing-here"');
    const neither = await run(["investigate", "--repo", repo]);
    expect(neither.code).toBe(2);
    expect(neither.err).toContain("investigate needs --alert <file>, or --incident <id>");
  });

  it("feedback refuses a cause outside the catalogue, suggesting near ids; --new-cause takes a kebab-case name", async () => {
    const wrong = await run(["feedback", incidentId, "--cause", "kafka-lag-slow", "--repo", repo]);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain("--cause kafka-lag-slow: not in the cause catalogue");
    expect(wrong.err).toMatch(/did you mean kafka-lag-/);
    const shouty = await run(["feedback", incidentId, "--cause", "Bad Cause!", "--new-cause", "--repo", repo]);
    expect(shouty.code).toBe(2);
    expect(shouty.err).toContain("short lower-case kebab words");
    const noCause = await run(["feedback", incidentId, "--repo", repo]);
    expect(noCause.code).toBe(2);
    const readme = await readFile(join(repo, "incidents", "index.json"), "utf8");
    expect(readme).not.toContain('kafka-lag-slow"');
  });

  it("feedback writes the correction and the note into the incident README's frontmatter, and the banner and the index follow", async () => {
    const index = IncidentIndexSchema.parse(JSON.parse(await readFile(join(repo, "incidents", "index.json"), "utf8")));
    const path = join(repo, index.incidents[0]!.path, "README.md");
    const before = await readFile(path, "utf8");
    const cause = "kafka-broker-disk-full";
    const out = await run(["feedback", incidentId, "--cause", cause, "--note", 'broker 2 lost its disk: "see" #ops', "--repo", repo]);
    expect(out.code, out.err).toBe(0);
    expect(out.out).toContain(`${incidentId}: actual root cause ${cause}`);
    const after = await readFile(path, "utf8");
    const record = parseIncidentFrontmatter(after, path);
    expect(record.feedback).toEqual({ actual_root_cause: cause, notes: 'broker 2 lost its disk: "see" #ops' });
    // Everything else of the record is as it was.
    const was = parseIncidentFrontmatter(before, path);
    expect({ ...record, feedback: was.feedback }).toEqual(was);
    // The body gains the review banner under its title; the analysis below it is Pipemedic's, unchanged.
    const bodyOf = (md: string) => md.split("\n---\n").slice(1).join("\n---\n");
    const banner = /<!-- pipemedic:review -->\n([\s\S]*?)\n<!-- \/pipemedic:review -->\n/.exec(bodyOf(after));
    expect(banner?.[1]).toContain(`Root cause corrected by review to \`${cause}\``);
    expect(bodyOf(after).replace(banner![0], "")).toBe(bodyOf(before));
    // The index and its page carry the correction too.
    const corrected = IncidentIndexSchema.parse(JSON.parse(await readFile(join(repo, "incidents", "index.json"), "utf8"))).incidents[0]!;
    expect(corrected.rootCause).toMatchObject({ id: cause, status: "corrected-by-review" });
    expect(await readFile(join(repo, "incidents", "README.md"), "utf8")).toContain(cause);
    const show = await run(["incidents", "show", incidentId, "--repo", repo]);
    expect(show.out).toContain(`corrected   ${cause} — broker 2 lost its disk`);
    // Not committed: the person reviews and commits.
    expect(execFileSync("git", ["status", "--porcelain"], { cwd: repo }).toString()).toContain("README.md");
  });
});
