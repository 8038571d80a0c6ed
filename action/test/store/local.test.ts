import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
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
