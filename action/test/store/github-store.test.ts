import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import type { Snapshot } from "../../src/model/index.js";
import { githubStore } from "../../src/store/github.js";
import { createOctokit, type CreateOctokitOptions } from "../../src/store/octokit.js";
import { useGitHubEmulator } from "../support/use-github-emulator.js";

// What every store does (commit, read back, compare-and-swap, concurrent writers, proposeBranch, linkTo)
// is in contract.test.ts; this file holds what only the GitHub store does: its calls and GitHub's faults.

const emu = useGitHubEmulator({ token: "store-token" });
let n = 0;

const git = (dir: string, ...args: string[]) => execFileSync("git", args, { cwd: dir }).toString().trim();

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
  return [...folders]
    .sort()
    .map((f) => `- ${f}\n`)
    .join("");
}

function callsOn(name: string, operationId: string) {
  return emu.callsTo(operationId).filter((c) => c.path.startsWith(`/repos/acme/${name}/`));
}

describe("githubStore.commit", () => {
  it("lands a commit in the fewest calls: one ref and one tree read, content inline, no blob uploads", async () => {
    const { name, dir } = await repo({ "README.md": "# data\n", "incidents/old/README.md": "old\n" });
    const out = await store(name).commit("incident a", async (head) => ({
      "incidents/a/README.md": "# a\n",
      "incidents/a/evidence/lag.json": '{"lag":1}\n',
      "incidents/README.md": await incidentIndex(head),
    }));
    expect(out.sha).toBe(git(dir, "rev-parse", "main"));
    for (const [op, count] of [
      ["git/get-ref", 1],
      ["git/get-tree", 1],
      ["git/create-tree", 1],
      ["git/create-commit", 1],
      ["git/update-ref", 1],
      ["git/create-blob", 0],
    ] as const) {
      expect([op, callsOn(name, op).length]).toEqual([op, count]);
    }
  });

  it("loses a head race as one refused ref update (422), then reads the new head and lands", async () => {
    const { name } = await repo();
    emu.moveHeadBeforeNextUpdate("acme", name, "main");
    const out = await store(name).commit("incident a", async () => ({ "incidents/a/README.md": "# a\n" }));
    expect(out.attempts).toBe(2);
    expect(callsOn(name, "git/update-ref").map((c) => c.status)).toEqual([422, 200]);
    expect(callsOn(name, "git/get-ref")).toHaveLength(2);
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

describe("githubStore.linkTo", () => {
  it("links to the file on the store branch of a GitHub Enterprise server", () => {
    const s = githubStore({ octokit: client(), owner: "acme", repo: "data", branch: "main", serverUrl: "https://ghe.example.com/" });
    expect(s.linkTo("incidents/2026/03/a b/README.md")).toBe("https://ghe.example.com/acme/data/blob/main/incidents/2026/03/a%20b/README.md");
  });
});
