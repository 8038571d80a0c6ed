import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
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

describe("LocalGitStore", () => {
  it("writes all files of a commit at once and keeps the work tree in step", async () => {
    const dir = await repo();
    const store = new LocalGitStore({ dir });
    const out = await store.commit("first", async () => ({ "incidents/a/README.md": "# a\n", "incidents/index.json": "{}\n" }));
    expect(out.attempts).toBe(1);
    expect(git(dir, "rev-list", "--count", "HEAD")).toBe("1");
    expect(git(dir, "show", "--name-only", "--format=", "HEAD").split("\n").sort()).toEqual(["incidents/a/README.md", "incidents/index.json"]);
    expect(git(dir, "status", "--porcelain")).toBe("");
    const snap = await store.snapshot();
    expect(await snap.read("incidents/a/README.md")).toBe("# a\n");
    expect(await snap.list("incidents")).toEqual(["incidents/a/README.md", "incidents/index.json"]);
    expect(await store.commit("nothing", async () => null)).toEqual({ sha: null, attempts: 1 });
  });

  it("concurrent commits to one branch all land: the build reruns on the moved head", async () => {
    const dir = await repo();
    const stores = Array.from({ length: 8 }, () => new LocalGitStore({ dir, maxAttempts: 50 }));
    let builds = 0;
    await Promise.all(
      stores.map((s, i) =>
        s.commit(`writer ${i}`, async (head) => {
          builds++;
          const list = JSON.parse((await head.read("list.json")) ?? "[]") as number[];
          return { "list.json": JSON.stringify([...list, i]), [`w/${i}.txt`]: String(i) };
        }),
      ),
    );
    expect(git(dir, "rev-list", "--count", "main")).toBe("8");
    const list = JSON.parse(git(dir, "show", "main:list.json")) as number[];
    expect(list.sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(builds).toBeGreaterThanOrEqual(8);
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

  it("proposes a fix branch once; the same proposal again changes nothing", async () => {
    const dir = await repo();
    const store = new LocalGitStore({ dir });
    await store.commit("base", async () => ({ "cfg.yaml": "a: 1\n" }));
    const first = await store.proposeBranch({ branch: "pipemedic/fix/x", message: "fix", files: { "cfg.yaml": "a: 2\n" } });
    const again = await store.proposeBranch({ branch: "pipemedic/fix/x", message: "fix", files: { "cfg.yaml": "a: 2\n" } });
    expect(first.created).toBe(true);
    expect(again).toEqual({ ...first, created: false });
    expect(git(dir, "show", "pipemedic/fix/x:cfg.yaml")).toBe("a: 2");
    expect(git(dir, "show", "main:cfg.yaml")).toBe("a: 1");
    expect(git(dir, "branch", "--list", "pipemedic/*")).toBe("pipemedic/fix/x");
  });
});
