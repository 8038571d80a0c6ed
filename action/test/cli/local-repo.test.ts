import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
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

// Issue #17, item 8: a body no source reads is listed first on incidents/README.md with its reason; a
// cut body says so; its file is not named `….json.json`.
describe("unparsed bodies in a local repository", () => {
  it("are listed first on the index page with their reason, a cut one says so, and index rebuilds the list", { timeout: 60_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), "pipemedic-unparsed-"));
    tmp.push(dir);
    execFileSync("git", ["init", "-q", "-b", "main"], { cwd: dir });
    const small = join(dir, "..", `${dir.split("/").pop()}-body.json`);
    const big = join(dir, "..", `${dir.split("/").pop()}-big.json`);
    tmp.push(small, big);
    await writeFile(small, "this is not an alert");
    await writeFile(big, `not json ${"x".repeat(70_000)}`);
    expect((await pipemedic("investigate", "--alert", small, "--repo", dir)).code).toBe(1);
    expect((await pipemedic("investigate", "--alert", big, "--repo", dir)).code).toBe(1);

    const kept = (await readdir(join(dir, "incidents", "_unparsed"))).sort();
    expect(kept).toHaveLength(2);
    for (const f of kept) expect(f).toMatch(/^\d{4}-\d{2}-\d{2}-cli-pipemedic-unparsed-\w+-(body|big)\.json$/);
    const bigFile = JSON.parse(
      await readFile(
        join(
          dir,
          "incidents",
          "_unparsed",
          kept.find((f) => f.endsWith("-big.json"))!,
        ),
        "utf8",
      ),
    ) as {
      truncated: unknown;
      body: string;
    };
    expect(bigFile.truncated).toEqual({ length: 70_009, kept: 65_536 });
    expect(bigFile.body).toHaveLength(65_536);

    const page = await readFile(join(dir, "incidents", "README.md"), "utf8");
    expect(page.indexOf("## Unparsed bodies (2)")).toBeGreaterThan(0);
    expect(page.indexOf("## Unparsed bodies (2)")).toBeLessThan(page.indexOf("## Open"));
    const lines = page.split("\n").filter((l) => l.startsWith("* ") || l.startsWith("- "));
    expect(lines.find((l) => l.includes("-body.json"))).toMatch(/received \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC: .+/);
    expect(lines.find((l) => l.includes("-big.json"))).toContain("(cut: the file keeps the first 65,536 of 70,009 characters)");
    expect(lines.find((l) => l.includes("-body.json"))).not.toContain("(cut:");

    const index = JSON.parse(await readFile(join(dir, "incidents", "index.json"), "utf8")) as { unparsed: Array<{ path: string }> };
    expect(index.unparsed.map((u) => u.path.split("/").pop()).sort()).toEqual(kept);
    // A rebuild from the files lists the same bodies, and the page stays as committed.
    expect((await pipemedic("index", dir, "--from-folders")).code).toBe(0);
    expect(await readFile(join(dir, "incidents", "README.md"), "utf8")).toBe(page);
    expect(execFileSync("git", ["status", "--porcelain"], { cwd: dir }).toString()).toBe("");
  });
});

// Issue #17, item 6: a person's correction reaches the incident's README, the index and the scorecard.
describe("a correction in a local repository", () => {
  it("shows in the README banner, incidents/README.md and the scorecard after pipemedic index, worded as a correction", { timeout: 90_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), "pipemedic-correction-"));
    tmp.push(dir);
    const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=u", "-c", "user.email=u@example.com", ...args], { cwd: dir }).toString();
    git("init", "-q", "-b", "main");
    const run = await pipemedic("investigate", "--alert", join(SCENARIO, "alerts", "01-grafana.json"), "--replay", SCENARIO, "--repo", dir, "--json");
    expect(run.code).toBe(0);
    const out = JSON.parse(run.out) as { incidents: Array<{ id: string; report: string; root_cause: string }> };
    const { id, report, root_cause: named } = out.incidents[0]!;
    expect(named).toBe("bq-slot-contention-quota");

    // The reviewer's edit: the frontmatter's feedback, committed by hand.
    const path = join(dir, report);
    const before = await readFile(path, "utf8");
    expect(before).toContain("  actual_root_cause: null\n");
    await writeFile(path, before.replace("  actual_root_cause: null\n", "  actual_root_cause: wh-permission-revoked\n"));
    git("commit", "-q", "-am", "review: the cause was a revoked grant");

    const index = await pipemedic("index", dir);
    expect(index.code).toBe(0);
    const readme = await readFile(path, "utf8");
    expect(readme).toContain(
      "> **Root cause corrected by review to `wh-permission-revoked` (Pipemedic had named `bq-slot-contention-quota`).** Memory uses this cause for similar incidents",
    );
    // The banner sits under the title; everything else of the README is as it was.
    expect(readme.replace(/<!-- pipemedic:review -->\n[^\n]*\n<!-- \/pipemedic:review -->\n/, "")).toBe(
      before.replace("  actual_root_cause: null\n", "  actual_root_cause: wh-permission-revoked\n"),
    );
    const entry = (
      JSON.parse(await readFile(join(dir, "incidents", "index.json"), "utf8")) as { incidents: Array<{ id: string; rootCause: unknown }> }
    ).incidents.find((i) => i.id === id);
    expect(entry?.rootCause).toMatchObject({ id: "wh-permission-revoked", status: "corrected-by-review", named: "bq-slot-contention-quota" });
    const page = await readFile(join(dir, "incidents", "README.md"), "utf8");
    expect(page).toContain("`wh-permission-revoked` (corrected by review; Pipemedic had named `bq-slot-contention-quota`)");
    expect(page).not.toContain("confirmed by review");
    const scorecard = await readFile(join(dir, "incidents", "scorecards", `${id.slice(0, 7)}.md`), "utf8");
    expect(scorecard).toMatch(/\| Corrected by review +\| 1 \(100%\)/);
    expect(scorecard).toMatch(/\| Confirmed by review +\| 0 \(0%\)/);
    expect(scorecard).toContain("`wh-permission-revoked` (corrected by review; Pipemedic had named `bq-slot-contention-quota`)");

    // Idempotent: a second rebuild changes nothing; taking the correction back removes the banner.
    git("commit", "-q", "-am", "pipemedic index");
    expect((await pipemedic("index", dir)).code).toBe(0);
    expect(git("status", "--porcelain")).toBe("");
    await writeFile(path, (await readFile(path, "utf8")).replace("  actual_root_cause: wh-permission-revoked\n", "  actual_root_cause: null\n"));
    expect((await pipemedic("index", dir)).code).toBe(0);
    expect(await readFile(path, "utf8")).toBe(before);
  });
});
