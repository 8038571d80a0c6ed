import { execFileSync } from "node:child_process";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Snapshot } from "../../src/model/index.js";
import { githubStore } from "../../src/store/github.js";
import { createOctokit, type CreateOctokitOptions } from "../../src/store/octokit.js";
import { startGitHubEmulator, type GitHubEmulator } from "../support/github-emulator/index.js";

let emu: GitHubEmulator;
let n = 0;

const git = (dir: string, ...args: string[]) => execFileSync("git", args, { cwd: dir }).toString().trim();

beforeAll(async () => {
  emu = await startGitHubEmulator({ token: "store-token" });
});
afterEach(() => {
  try {
    emu.assertNoViolations();
  } finally {
    emu.violations.length = 0;
  }
});
afterAll(async () => emu?.close());

async function repo(files?: Record<string, string>) {
  const name = `store-${++n}`;
  const dir = await emu.createRepo("acme", name, { files });
  return { name, dir };
}

/** A client with test-sized delays; throttling off unless a test exercises it (it spaces writes one second apart). */
function client(extra: Partial<CreateOctokitOptions> = {}) {
  return createOctokit({
    token: "store-token",
    baseUrl: emu.url,
    retry: { retryAfterBaseValue: 1 },
    throttle: { enabled: false },
    log: { warn: () => undefined },
    ...extra,
  });
}

function store(name: string, extra: Partial<CreateOctokitOptions> = {}, maxAttempts = 8) {
  // The backoff's unit is the lost attempt's own duration; a small base only shortens the first wait.
  return githubStore({ octokit: client(extra), owner: "acme", repo: name, branch: "main", maxAttempts, backoff: { baseMs: 5 } });
}

/** A derived file: the index of every incident folder on the head being built on. */
async function incidentIndex(head: Snapshot): Promise<string> {
  const folders = new Set((await head.list("incidents")).filter((p) => /^incidents\/[^/]+\/README\.md$/.test(p)).map((p) => p.split("/")[1]));
  return [...folders].sort().map((f) => `- ${f}\n`).join("");
}

function callsOn(name: string, operationId: string) {
  return emu.callsTo(operationId).filter((c) => c.path.startsWith(`/repos/acme/${name}/`));
}

describe("githubStore.commit", () => {
  it("lands one commit holding every file, in the fewest calls, and reads it back", async () => {
    const { name, dir } = await repo({ "README.md": "# data\n", "incidents/old/README.md": "old\n" });
    const s = store(name);
    const out = await s.commit("incident a", async (head) => ({
      "incidents/a/README.md": "# a\n",
      "incidents/a/evidence/lag.json": "{\"lag\":1}\n",
      "incidents/README.md": await incidentIndex(head),
    }));
    expect(out.attempts).toBe(1);
    expect(git(dir, "rev-list", "--count", "main")).toBe("2");
    expect(out.sha).toBe(git(dir, "rev-parse", "main"));
    expect(git(dir, "show", "--name-only", "--format=", "main").split("\n").sort()).toEqual([
      "incidents/README.md",
      "incidents/a/README.md",
      "incidents/a/evidence/lag.json",
    ]);
    expect(git(dir, "show", "main:incidents/README.md")).toBe("- old");
    for (const [op, count] of [["git/get-ref", 1], ["git/get-tree", 1], ["git/create-tree", 1], ["git/create-commit", 1], ["git/update-ref", 1], ["git/create-blob", 0]] as const) {
      expect([op, callsOn(name, op).length]).toEqual([op, count]);
    }

    const snap = await s.snapshot();
    expect(await snap.read("incidents/a/README.md")).toBe("# a\n");
    expect(await snap.read("incidents/missing.md")).toBeNull();
    expect(await snap.list("incidents/a")).toEqual(["incidents/a/README.md", "incidents/a/evidence/lag.json"]);
    expect(await s.commit("nothing", async () => null)).toEqual({ sha: null, attempts: 1 });
    expect(await s.commit("same again", async () => ({ "incidents/a/README.md": "# a\n" }))).toEqual({ sha: null, attempts: 1 });
    expect(git(dir, "rev-list", "--count", "main")).toBe("2");
  });

  it("retries a lost head race and runs build again on the new head", async () => {
    const { name, dir } = await repo();
    const s = store(name);
    emu.moveHeadBeforeNextUpdate("acme", name, "main", { "incidents/b/README.md": "# b (another run)\n", "incidents/README.md": "- b\n" });
    const heads: Array<string | null> = [];
    const out = await s.commit("incident a", async (head) => {
      heads.push(await head.read("incidents/b/README.md"));
      return { "incidents/a/README.md": "# a\n", "incidents/README.md": await incidentIndex(head).then((i) => (i.includes("- a\n") ? i : `- a\n${i}`)) };
    });
    expect(out.attempts).toBe(2);
    expect(heads).toEqual([null, "# b (another run)\n"]);
    expect(git(dir, "show", "main:incidents/README.md").split("\n")).toEqual(["- a", "- b"]);
    expect(git(dir, "show", "main:incidents/b/README.md")).toBe("# b (another run)");
    expect(git(dir, "rev-list", "--count", "main")).toBe("3");
    expect(callsOn(name, "git/update-ref").map((c) => c.status)).toEqual([422, 200]);
  });

  it("gives up with a clear error when the head keeps moving", async () => {
    const { name } = await repo();
    const s = store(name, {}, 3);
    for (let i = 0; i < 3; i++) emu.moveHeadBeforeNextUpdate("acme", name, "main");
    await expect(s.commit("incident z", async () => ({ "incidents/z/README.md": "z\n" }))).rejects.toThrow(/after 3 attempts: the branch kept moving/);
  });

  it("survives 502s through plugin-retry", async () => {
    const { name, dir } = await repo();
    const s = store(name);
    emu.inject({ method: "POST", path: new RegExp(`/${name}/git/trees$`), status: 502, times: 2 });
    emu.inject({ method: "PATCH", path: new RegExp(`/${name}/git/refs/`), status: 503, times: 1 });
    const out = await s.commit("through faults", async () => ({ "a.md": "a\n" }));
    expect(out.attempts).toBe(1);
    expect(git(dir, "show", "main:a.md")).toBe("a");
    expect(callsOn(name, "git/create-tree").map((c) => c.status)).toEqual([502, 502, 201]);
    expect(callsOn(name, "git/update-ref").map((c) => c.status)).toEqual([503, 200]);
  });

  it("survives secondary rate limits through plugin-throttling, with a warning each time", async () => {
    const { name, dir } = await repo();
    const warnings: string[] = [];
    const s = store(name, { throttle: { retryAfterBaseValue: 1, id: `limits-${name}` }, log: { warn: (m) => warnings.push(m) } });
    emu.injectSecondaryRateLimit({ path: new RegExp(`/${name}/git/commits$`), times: 2, retryAfterSeconds: 3 });
    const out = await s.commit("through limits", async () => ({ "b.md": "b\n" }));
    expect(out.sha).toBe(git(dir, "rev-parse", "main"));
    expect(callsOn(name, "git/create-commit").map((c) => c.status)).toEqual([403, 403, 201]);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/secondary rate limit.*retrying in 3s/);
  });

  // About 12 s on an idle 2-core machine (action/bench/concurrency.bench.ts measures the attempts).
  it("lands 20 concurrent commits from separate store instances", { timeout: 120_000 }, async () => {
    const { name, dir } = await repo();
    const stores = Array.from({ length: 20 }, () => store(name, {}, 60));
    const results = await Promise.all(
      stores.map((s, i) =>
        s.commit(`incident ${i}`, async (head) => ({
          [`incidents/i${String(i).padStart(2, "0")}/README.md`]: `# ${i}\n`,
          "incidents/README.md": (await incidentIndex(head)) + `- i${String(i).padStart(2, "0")}\n`,
        })),
      ),
    );
    expect(results.every((r) => r.sha !== null)).toBe(true);
    expect(git(dir, "rev-list", "--count", "main")).toBe("21");
    const index = git(dir, "show", "main:incidents/README.md").split("\n");
    expect([...index].sort()).toEqual(Array.from({ length: 20 }, (_, i) => `- i${String(i).padStart(2, "0")}`));
    expect(results.reduce((sum, r) => sum + r.attempts, 0)).toBeGreaterThanOrEqual(20);
  });

  it("names the branch and the fix when the branch does not exist", async () => {
    const { name } = await repo();
    const s = githubStore({ octokit: client(), owner: "acme", repo: name, branch: "incidents" });
    await expect(s.snapshot()).rejects.toThrow(/branch "incidents" does not exist in acme\/store-\d+; create it/);
  });
});

describe("githubStore.proposeBranch and linkTo", () => {
  it("creates a deterministic branch once, leaves it alone when unchanged, and updates it in place", async () => {
    const { name, dir } = await repo({ "config/consumer.yaml": "max.poll.interval.ms: 300000\n", "stale.txt": "x\n" });
    const s = store(name);
    const input = { branch: "pipemedic/fix-orders-lag", message: "Raise max.poll.interval.ms", files: { "config/consumer.yaml": "max.poll.interval.ms: 600000\n" }, removes: ["stale.txt", "never-existed.txt"] };
    const first = await s.proposeBranch(input);
    expect(first).toMatchObject({ branch: input.branch, created: true });
    expect(git(dir, "show", `${input.branch}:config/consumer.yaml`)).toBe("max.poll.interval.ms: 600000");
    expect(git(dir, "ls-tree", "--name-only", input.branch)).not.toContain("stale.txt");
    expect(git(dir, "rev-parse", `${input.branch}^`)).toBe(git(dir, "rev-parse", "main"));

    const again = await s.proposeBranch(input);
    expect(again).toEqual({ branch: input.branch, sha: first.sha, created: false });

    const changed = await s.proposeBranch({ ...input, files: { "config/consumer.yaml": "max.poll.interval.ms: 900000\n" } });
    expect(changed.created).toBe(false);
    expect(changed.sha).not.toBe(first.sha);
    expect(git(dir, "rev-list", "--count", input.branch)).toBe("2");
    expect(git(dir, "for-each-ref", "--format=%(refname)", "refs/heads/").split("\n").sort()).toEqual(["refs/heads/main", `refs/heads/${input.branch}`]);
  });

  it("links to the file on the store branch", () => {
    const s = githubStore({ octokit: client(), owner: "acme", repo: "data", branch: "main", serverUrl: "https://ghe.example.com/" });
    expect(s.linkTo("incidents/2026/03/a b/README.md")).toBe("https://ghe.example.com/acme/data/blob/main/incidents/2026/03/a%20b/README.md");
    expect(githubStore({ octokit: client(), owner: "acme", repo: "data", branch: "main" }).linkTo("x.md")).toBe("https://github.com/acme/data/blob/main/x.md");
  });
});
