/**
 * The Store port's contract, run against every implementation: the in-memory store (replay, eval),
 * the local git store (CLI, real repositories) and the GitHub store (REST API, through the emulator).
 * What only one store does (call counts, faults, pushes, the work tree) stays in its own test file.
 */
import { execFileSync } from "node:child_process";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Files, Snapshot, Store } from "../../src/model/index.js";
import { githubStore } from "../../src/store/github.js";
import { LocalGitStore } from "../../src/store/local.js";
import { MemoryStore } from "../../src/store/memory.js";
import { createOctokit } from "../../src/store/octokit.js";
import { useGitHubEmulator } from "../support/use-github-emulator.js";
import { anyString } from "../support/match.js";

/** One store under test on a fresh branch, and what the contract needs to look at it from outside. */
interface Subject {
  store: Store;
  /** Another writer on the same branch (another run of the Action, another process). */
  writer(): Store;
  /**
   * Arms another writer to land `files` while the next commit is in flight. The build calls the
   * returned function once it has read its head (a no-op where the store's backend moves the head itself).
   */
  interleave(files: Files): () => Promise<void>;
  /** Commits on the store's branch. */
  commits(): Promise<number>;
  /** A file on a proposed branch, or null. */
  branchFile(branch: string, path: string): Promise<string | null>;
  /** The branches besides the store's own. */
  otherBranches(): Promise<string[]>;
  /** Whether `branch` is one commit on top of the store's head (stores with history only). */
  onHead?(branch: string): Promise<boolean>;
  /** What `linkTo(path)` shows a person. */
  link(path: string): string;
}

interface Backend {
  name: string;
  open(seed: Files): Promise<Subject>;
}

const git = (dir: string, ...args: string[]) => execFileSync("git", args, { cwd: dir }).toString().trim();
const gitOrNull = (dir: string, ...args: string[]) => {
  try {
    return execFileSync("git", args, { cwd: dir, stdio: ["ignore", "pipe", "ignore"] }).toString();
  } catch {
    return null;
  }
};

/** Views of a git repository shared by the two git-backed stores. */
function gitViews(dir: string): Pick<Subject, "commits" | "branchFile" | "otherBranches" | "onHead"> {
  return {
    commits: async () => Number(git(dir, "rev-list", "--count", "main")),
    branchFile: async (branch, path) => gitOrNull(dir, "show", `${branch}:${path}`),
    otherBranches: async () =>
      git(dir, "for-each-ref", "--format=%(refname:short)", "refs/heads/")
        .split("\n")
        .filter((b) => b && b !== "main"),
    onHead: async (branch) => git(dir, "rev-parse", `${branch}^`) === git(dir, "rev-parse", "main"),
  };
}

const memory: Backend = {
  name: "memory",
  async open(seed) {
    const store = new MemoryStore(seed);
    return {
      store,
      writer: () => store, // its state is the instance: other writers are other callers of it
      interleave(files) {
        let done = false;
        return async () => {
          if (done) return;
          done = true;
          await store.commit("another run", async () => files);
        };
      },
      commits: async () => store.commits.length,
      branchFile: async (branch, path) => store.branches.get(branch)?.get(path) ?? null,
      otherBranches: async () => [...store.branches.keys()],
      link: (path) => path,
    };
  },
};

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const localGit: Backend = {
  name: "local git",
  async open(seed) {
    const dir = await mkdtemp(join(tmpdir(), "pipemedic-contract-"));
    dirs.push(dir);
    git(dir, "init", "-q", "-b", "main");
    for (const [path, content] of Object.entries(seed)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), content);
    }
    git(dir, "add", "-A");
    git(dir, "-c", "user.name=seed", "-c", "user.email=seed@example.com", "commit", "-q", "-m", "seed");
    return {
      store: new LocalGitStore({ dir }),
      writer: () => new LocalGitStore({ dir, maxAttempts: 30 }),
      interleave(files) {
        let done = false;
        return async () => {
          if (done) return;
          done = true;
          await new LocalGitStore({ dir }).commit("another run", async () => files);
        };
      },
      ...gitViews(dir),
      link: (path) => path,
    };
  },
};

const emu = useGitHubEmulator({ token: "contract-token" });
let repos = 0;

const github: Backend = {
  name: "GitHub",
  async open(seed) {
    const name = `contract-${++repos}`;
    const dir = await emu.createRepo("acme", name, { files: seed });
    const open = (maxAttempts = 8) =>
      githubStore({
        octokit: createOctokit({
          token: "contract-token",
          baseUrl: emu.url,
          retry: { retryAfterBaseValue: 1 },
          throttle: { enabled: false },
          log: { warn: () => undefined },
        }),
        owner: "acme",
        repo: name,
        branch: "main",
        maxAttempts,
        backoff: { baseMs: 5 },
      });
    return {
      store: open(),
      writer: () => open(30),
      interleave(files) {
        emu.moveHeadBeforeNextUpdate("acme", name, "main", files);
        return async () => undefined;
      },
      ...gitViews(dir),
      link: (path) => `https://github.com/acme/${name}/blob/main/${path.split("/").map(encodeURIComponent).join("/")}`,
    };
  },
};

/** A derived file: the index of every incident folder on the head being built on, plus `adding`. */
async function incidentIndex(head: Snapshot, adding: string): Promise<string> {
  const folders = new Set([adding]);
  for (const path of await head.list("incidents")) {
    const m = /^incidents\/([^/]+)\/README\.md$/.exec(path);
    if (m) folders.add(m[1]!);
  }
  return [...folders]
    .sort()
    .map((f) => `- ${f}\n`)
    .join("");
}

describe.each([memory, localGit, github])("the $name store", (backend) => {
  it("commits several files in one commit and reads them back through snapshot()", async () => {
    const h = await backend.open({ "README.md": "# data\n", "incidents/old/README.md": "old\n" });
    const before = await h.commits();
    const out = await h.store.commit("incident a", async (head) => ({
      "incidents/a/README.md": "# a\n",
      "incidents/a/evidence/lag.json": '{"lag":1}\n',
      "incidents/README.md": await incidentIndex(head, "a"),
    }));
    expect(out).toEqual({ sha: anyString(), attempts: 1 });
    expect(await h.commits()).toBe(before + 1);

    for (const reader of [h.store, h.writer()]) {
      const snap = await reader.snapshot();
      expect(await snap.read("incidents/a/README.md")).toBe("# a\n");
      expect(await snap.read("incidents/README.md")).toBe("- a\n- old\n");
      expect(await snap.read("README.md")).toBe("# data\n");
      expect(await snap.read("incidents/missing.md")).toBeNull();
      expect(await snap.list("incidents/a")).toEqual(["incidents/a/README.md", "incidents/a/evidence/lag.json"]);
      expect(await snap.list("incidents/a/")).toEqual(["incidents/a/README.md", "incidents/a/evidence/lag.json"]);
      expect(await snap.list("incidents/o")).toEqual([]); // a prefix names a folder, not the start of a name
      expect(await snap.list("")).toEqual([
        "README.md",
        "incidents/README.md",
        "incidents/a/README.md",
        "incidents/a/evidence/lag.json",
        "incidents/old/README.md",
      ]);
    }
  });

  it("an empty build, or one that writes what is already there, changes nothing", async () => {
    const h = await backend.open({ "incidents/a/README.md": "# a\n" });
    const before = await h.commits();
    expect(await h.store.commit("nothing", async () => null)).toEqual({ sha: null, attempts: 1 });
    expect(await h.store.commit("no files", async () => ({}))).toEqual({ sha: null, attempts: 1 });
    expect(await h.store.commit("same again", async () => ({ "incidents/a/README.md": "# a\n" }))).toEqual({ sha: null, attempts: 1 });
    expect(await h.commits()).toBe(before);
    expect(await (await h.store.snapshot()).list("")).toEqual(["incidents/a/README.md"]);
  });

  it("runs the build again when the head moved under it, so derived files hold both writes", async () => {
    const h = await backend.open({ "README.md": "# data\n" });
    const before = await h.commits();
    const other = h.interleave({ "incidents/b/README.md": "# b (another run)\n", "incidents/README.md": "- b\n" });
    const seen: Array<string | null> = [];
    const out = await h.store.commit("incident a", async (head) => {
      seen.push(await head.read("incidents/b/README.md"));
      await other();
      return { "incidents/a/README.md": "# a\n", "incidents/README.md": await incidentIndex(head, "a") };
    });
    expect(out).toEqual({ sha: anyString(), attempts: 2 });
    expect(seen).toEqual([null, "# b (another run)\n"]);
    const snap = await h.store.snapshot();
    expect(await snap.read("incidents/README.md")).toBe("- a\n- b\n");
    expect(await snap.read("incidents/b/README.md")).toBe("# b (another run)\n");
    expect(await h.commits()).toBe(before + 2);
  });

  // Six writers, so the default timeout holds on a busy machine (about 12 s for GitHub and 20 s for local git
  // at a load of 9 on 2 cores); the 20-writer GitHub run stays in github-store.test.ts with its own timeout.
  it("lands every one of several concurrent writers, with a derived file consistent with all of them", async () => {
    const h = await backend.open({ "README.md": "# data\n" });
    const before = await h.commits();
    const ids = ["i0", "i1", "i2", "i3", "i4", "i5"];
    const results = await Promise.all(
      ids.map((id) =>
        h
          .writer()
          .commit(`incident ${id}`, async (head) => ({ [`incidents/${id}/README.md`]: `# ${id}\n`, "incidents/README.md": await incidentIndex(head, id) })),
      ),
    );
    expect(results.map((r) => r.sha === null)).toEqual(ids.map(() => false));
    expect(await h.commits()).toBe(before + ids.length);
    const snap = await h.store.snapshot();
    expect(await snap.read("incidents/README.md")).toBe(ids.map((id) => `- ${id}\n`).join(""));
    expect(await snap.list("incidents")).toEqual(["incidents/README.md", ...ids.map((id) => `incidents/${id}/README.md`)]);
  });

  it("proposeBranch creates a branch once, leaves it alone when unchanged, and updates it in place", async () => {
    const h = await backend.open({ "config/consumer.yaml": "max.poll.interval.ms: 300000\n", "stale.txt": "x\n" });
    const input = {
      branch: "pipemedic/fix-orders-lag",
      message: "Raise max.poll.interval.ms",
      files: { "config/consumer.yaml": "max.poll.interval.ms: 600000\n" },
      removes: ["stale.txt", "never-existed.txt"],
    };
    const first = await h.store.proposeBranch(input);
    expect(first).toEqual({ branch: input.branch, sha: anyString(), created: true });
    expect(await h.branchFile(input.branch, "config/consumer.yaml")).toBe("max.poll.interval.ms: 600000\n");
    expect(await h.branchFile(input.branch, "stale.txt")).toBeNull();
    const own = await h.store.snapshot();
    expect(await own.read("config/consumer.yaml")).toBe("max.poll.interval.ms: 300000\n");
    expect(await own.read("stale.txt")).toBe("x\n");

    expect(await h.store.proposeBranch(input)).toEqual({ branch: input.branch, sha: first.sha, created: false });

    const changed = await h.store.proposeBranch({ ...input, files: { "config/consumer.yaml": "max.poll.interval.ms: 900000\n" } });
    expect(changed).toEqual({ branch: input.branch, sha: anyString(), created: false });
    expect(changed.sha).not.toBe(first.sha);
    expect(await h.branchFile(input.branch, "config/consumer.yaml")).toBe("max.poll.interval.ms: 900000\n");
    expect(await h.otherBranches()).toEqual([input.branch]);
    if (h.onHead) expect(await h.onHead(input.branch)).toBe(true); // replaced, not stacked on the first proposal
  });

  it("linkTo shows a repository path to a person", async () => {
    const h = await backend.open({ "README.md": "# data\n" });
    for (const path of ["incidents/README.md", "incidents/2026/03/a b/README.md"]) expect(h.store.linkTo(path)).toBe(h.link(path));
  });
});
