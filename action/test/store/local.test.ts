import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LocalGitStore } from "../../src/store/local.js";

const dirs: string[] = [];
async function repo(bare = false): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "pipemedic-store-"));
  dirs.push(dir);
  execFileSync("git", ["init", "-q", ...(bare ? ["--bare"] : []), "-b", "main", dir]);
  return dir;
}
const git = (dir: string, ...args: string[]) => execFileSync("git", args, { cwd: dir }).toString().trim();
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

// What every store does (commit, read back, compare-and-swap, concurrent writers, proposeBranch, linkTo)
// is in contract.test.ts; this file holds what only the local git store does: the work tree and remotes.

describe("LocalGitStore", () => {
  it("keeps the checked-out work tree in step with every commit, its own and another writer's", async () => {
    const dir = await repo();
    const store = new LocalGitStore({ dir });
    await store.commit("first", async () => ({ "incidents/a/README.md": "# a\n", "incidents/index.json": "{}\n" }));
    await new LocalGitStore({ dir }).commit("second", async () => ({ "incidents/b/README.md": "# b\n", "incidents/index.json": '{"n":2}\n' }));
    expect(git(dir, "status", "--porcelain")).toBe("");
    expect(await readFile(join(dir, "incidents/b/README.md"), "utf8")).toBe("# b\n");
    expect(await readFile(join(dir, "incidents/index.json"), "utf8")).toBe('{"n":2}\n');
  });

  // Issue #17, item 5: `pipemedic index` leaves the rebuilt pages uncommitted; the next run's commit
  // used to fail to check out over them, leaving the incident out of the work tree and deletions staged.
  it("brings a commit into a work tree holding uncommitted rebuilt pages, and status ends clean", async () => {
    const dir = await repo();
    const warnings: string[] = [];
    const store = new LocalGitStore({ dir, warn: (m) => warnings.push(m) });
    await store.commit("seed", async () => ({ "knowledge/a.md": "a\n" }));
    await mkdir(join(dir, "incidents"));
    await writeFile(join(dir, "incidents/index.json"), '{"version":1,"incidents":[]}\n');
    await writeFile(join(dir, "incidents/README.md"), "# Incidents\n\nNone yet.\n");
    await store.commit("incident", async () => ({
      "incidents/2026/04/x/README.md": "# x\n",
      "incidents/index.json": '{"version":1,"incidents":["x"]}\n',
      "incidents/README.md": "# Incidents\n\n- x\n",
      "incidents/scorecards/2026-04.md": "# April\n",
    }));
    expect(git(dir, "status", "--porcelain")).toBe("");
    expect(await readFile(join(dir, "incidents/2026/04/x/README.md"), "utf8")).toBe("# x\n");
    expect(await readFile(join(dir, "incidents/README.md"), "utf8")).toBe("# Incidents\n\n- x\n");
    expect(warnings).toEqual([]);
  });

  it("never overwrites a local change: that file is left with a warning, the others follow, unrelated changes stay", async () => {
    const dir = await repo();
    const warnings: string[] = [];
    const store = new LocalGitStore({ dir, warn: (m) => warnings.push(m) });
    await store.commit("first", async () => ({ "incidents/x/README.md": "# x\n", "incidents/y/README.md": "# y\n", "notes.md": "n\n" }));
    // A reviewer's correction, not committed yet; another file staged; an untracked file where the run writes.
    await writeFile(join(dir, "incidents/x/README.md"), "# x\nfeedback: corrected\n");
    await writeFile(join(dir, "notes.md"), "n2\n");
    git(dir, "add", "notes.md");
    await mkdir(join(dir, "incidents/z"));
    await writeFile(join(dir, "incidents/z/README.md"), "mine\n");
    await store.commit("second", async () => ({
      "incidents/x/README.md": "# x (re-investigated)\n",
      "incidents/y/README.md": "# y (updated)\n",
      "incidents/z/README.md": "# z\n",
    }));
    expect(await readFile(join(dir, "incidents/x/README.md"), "utf8")).toBe("# x\nfeedback: corrected\n");
    expect(await readFile(join(dir, "incidents/z/README.md"), "utf8")).toBe("mine\n");
    expect(await readFile(join(dir, "incidents/y/README.md"), "utf8")).toBe("# y (updated)\n");
    expect(git(dir, "show", "HEAD:incidents/x/README.md")).toBe("# x (re-investigated)");
    // Nothing staged but the user's own: a `git commit -a` would commit their edits on top, never drop the run's files.
    expect(git(dir, "diff", "--cached", "--name-only")).toBe("notes.md");
    expect(git(dir, "status", "--porcelain", "--", "incidents")).toBe(["M incidents/x/README.md", " M incidents/z/README.md"].join("\n"));
    expect(git(dir, "status", "--porcelain", "--", "incidents/y")).toBe("");
    expect(warnings).toEqual([
      expect.stringMatching(/local changes .*: incidents\/x\/README\.md, incidents\/z\/README\.md\. Compare with `git diff HEAD -- <file>`/),
    ]);
  });

  it("pushes to a remote and rebuilds when the remote moved", async () => {
    const remote = await repo(true);
    const a = await repo();
    const b = await repo();
    for (const d of [a, b]) git(d, "remote", "add", "origin", remote);
    const sa = new LocalGitStore({ dir: a, remote: "origin" });
    const sb = new LocalGitStore({ dir: b, remote: "origin" });
    await sa.commit("a", async (head) => ({ "n.txt": String(Number((await head.read("n.txt")) ?? 0) + 1) }));
    await sb.commit("b", async (head) => ({ "n.txt": String(Number((await head.read("n.txt")) ?? 0) + 1) }));
    expect(git(remote, "show", "main:n.txt")).toBe("2");
    expect(git(remote, "rev-list", "--count", "main")).toBe("2");
  });
});
