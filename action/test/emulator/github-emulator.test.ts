import { execFileSync } from "node:child_process";
import { Octokit } from "@octokit/rest";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startGitHubEmulator, type GitHubEmulator } from "../support/github-emulator/index.js";
import { findOperation, validateResponse } from "../support/github-emulator/openapi.js";

let emu: GitHubEmulator;
let octokit: Octokit;
let n = 0;

const git = (dir: string, ...args: string[]) => execFileSync("git", args, { cwd: dir }).toString().trim();

/** A fresh repository per test, so tests never see each other's refs. */
async function repo(files?: Record<string, string>) {
  const name = `repo-${++n}`;
  const dir = await emu.createRepo("acme", name, { files, collaborators: ["alice"] });
  return { owner: "acme", repo: name, dir };
}

/** The status of a failed request (Octokit throws RequestError). */
async function failure(p: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await p;
  } catch (error) {
    const e = error as { status?: number; message?: string };
    return { status: e.status ?? 0, message: e.message ?? "" };
  }
  throw new Error("expected the request to fail");
}

/** Writes a commit on top of `parent` through the Git Data API. */
async function commitOn(r: { owner: string; repo: string }, parent: string, files: Record<string, string>): Promise<string> {
  const base = await octokit.rest.git.getCommit({ ...r, commit_sha: parent });
  const tree = await octokit.rest.git.createTree({
    ...r,
    base_tree: base.data.tree.sha,
    tree: Object.entries(files).map(([path, content]) => ({ path, mode: "100644" as const, type: "blob" as const, content })),
  });
  const commit = await octokit.rest.git.createCommit({ ...r, message: `write ${Object.keys(files).join(", ")}`, tree: tree.data.sha, parents: [parent] });
  return commit.data.sha;
}

beforeAll(async () => {
  emu = await startGitHubEmulator({ token: "test-token" });
  // no retry or throttling plugins here: the emulator's raw answers are under test
  octokit = new Octokit({ baseUrl: emu.url, auth: "test-token" });
});
afterEach(() => {
  try {
    emu.assertNoViolations();
  } finally {
    emu.violations.length = 0; // one test's breach must not fail the next
  }
});
afterAll(async () => emu?.close());

describe("request validation against GitHub's OpenAPI description", () => {
  it("rejects a tree entry with an undocumented mode and names the field", async () => {
    const { dir, ...r } = await repo();
    const bad = octokit.request("POST /repos/{owner}/{repo}/git/trees", {
      ...r,
      tree: [{ path: "a.txt", mode: "100600", type: "blob", content: "x" }],
    } as never);
    const f = await failure(bad);
    expect(f.status).toBe(422);
    expect(f.message).toContain("body/tree/0/mode");
    expect(f.message).toContain("100644");
  });

  it("rejects createRef without sha, a wrongly typed field and an unknown query parameter", async () => {
    const { dir, ...r } = await repo();
    const noSha = await failure(octokit.request("POST /repos/{owner}/{repo}/git/refs", { ...r, ref: "refs/heads/x" } as never));
    expect(noSha.status).toBe(422);
    expect(noSha.message).toContain("must have required property 'sha'");
    const head = (await octokit.rest.git.getRef({ ...r, ref: "heads/main" })).data.object.sha;
    const badForce = await failure(
      octokit.request("PATCH /repos/{owner}/{repo}/git/refs/{ref}", { ...r, ref: "heads/main", sha: head, force: "yes" } as never),
    );
    expect(badForce.message).toContain("body/force must be boolean");
    const unknown = await failure(octokit.request("GET /repos/{owner}/{repo}/pulls", { ...r, colour: "red" } as never));
    expect(unknown.status).toBe(422);
    expect(unknown.message).toContain("colour");
    const badEnum = await failure(octokit.request("GET /repos/{owner}/{repo}/pulls", { ...r, state: "merged" } as never));
    expect(badEnum.message).toContain("query/state");
  });

  it("rejects a dispatch whose client_payload has more than 10 top-level keys", async () => {
    const { dir, ...r } = await repo();
    const client_payload = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, i]));
    const f = await failure(octokit.rest.repos.createDispatchEvent({ ...r, event_type: "incident.alert", client_payload }));
    expect(f.status).toBe(422);
    expect(emu.dispatches.some((d) => d.repo === r.repo)).toBe(false);
  });

  it("refuses a request without the configured token", async () => {
    const { dir, ...r } = await repo();
    const anonymous = new Octokit({ baseUrl: emu.url });
    expect((await failure(anonymous.rest.repos.get(r))).status).toBe(401);
  });

  it("flags a response body that breaks the documented schema", () => {
    const found = findOperation("GET", "/repos/acme/x/git/ref/heads%2Fmain");
    expect(found?.op.operationId).toBe("git/get-ref");
    expect(validateResponse(found!.op, 200, { ref: "refs/heads/main" })).toMatch(/node_id/);
    expect(validateResponse(found!.op, 201, {})).toMatch(/not documented/);
  });
});

describe("git data backed by a real bare repository", () => {
  it("builds trees with base_tree, inline content, sha entries and deletions", async () => {
    const { dir, ...r } = await repo({ "keep.md": "keep\n", "old/gone.md": "bye\n" });
    const head = (await octokit.rest.git.getRef({ ...r, ref: "heads/main" })).data.object.sha;
    const base = (await octokit.rest.git.getCommit({ ...r, commit_sha: head })).data.tree.sha;
    const blob = await octokit.rest.git.createBlob({ ...r, content: Buffer.from("binary\u0000ok").toString("base64"), encoding: "base64" });
    const tree = await octokit.rest.git.createTree({
      ...r,
      base_tree: base,
      tree: [
        { path: "new/a.md", mode: "100644", type: "blob", content: "a\n" },
        { path: "bin/b.dat", mode: "100644", type: "blob", sha: blob.data.sha },
        { path: "old", mode: "040000", type: "tree", sha: null },
      ],
    });
    const listing = await octokit.rest.git.getTree({ ...r, tree_sha: tree.data.sha, recursive: "true" });
    const paths = listing.data.tree.filter((e) => e.type === "blob").map((e) => e.path);
    expect(paths.sort()).toEqual(["bin/b.dat", "keep.md", "new/a.md"]);
    const got = await octokit.rest.git.getBlob({ ...r, file_sha: blob.data.sha });
    expect(Buffer.from(got.data.content, "base64").toString()).toBe("binary\u0000ok");
    expect(git(dir, "cat-file", "-p", `${tree.data.sha}:new/a.md`)).toBe("a");
  });

  it("refuses a non-fast-forward ref update with GitHub's message, and allows it with force", async () => {
    const { dir, ...r } = await repo();
    const head = (await octokit.rest.git.getRef({ ...r, ref: "heads/main" })).data.object.sha;
    const a = await commitOn(r, head, { "a.md": "a" });
    const b = await commitOn(r, head, { "b.md": "b" });
    await octokit.rest.git.updateRef({ ...r, ref: "heads/main", sha: a, force: false });
    const f = await failure(octokit.rest.git.updateRef({ ...r, ref: "heads/main", sha: b, force: false }));
    expect(f.status).toBe(422);
    expect(f.message).toContain("Update is not a fast forward");
    expect(git(dir, "rev-parse", "refs/heads/main")).toBe(a);
    await octokit.rest.git.updateRef({ ...r, ref: "heads/main", sha: b, force: true });
    expect(git(dir, "rev-parse", "refs/heads/main")).toBe(b);
  });

  it("moveHeadBeforeNextUpdate makes the next update lose a real race", async () => {
    const { dir, ...r } = await repo();
    const head = (await octokit.rest.git.getRef({ ...r, ref: "heads/main" })).data.object.sha;
    const mine = await commitOn(r, head, { "mine.md": "mine" });
    emu.moveHeadBeforeNextUpdate(r.owner, r.repo, "main", { "theirs.md": "theirs" });
    const f = await failure(octokit.rest.git.updateRef({ ...r, ref: "heads/main", sha: mine }));
    expect(f.message).toContain("Update is not a fast forward");
    expect(git(dir, "show", "refs/heads/main:theirs.md")).toBe("theirs");
    expect(git(dir, "rev-parse", "refs/heads/main^")).toBe(head);
  });

  it("creates refs once and reads contents, commits with files and comparisons", async () => {
    const { dir, ...r } = await repo({ "docs/a.md": "one\n" });
    const head = (await octokit.rest.git.getRef({ ...r, ref: "heads/main" })).data.object.sha;
    const next = await commitOn(r, head, { "docs/a.md": "one\ntwo\n", "docs/b.md": "b\n" });
    await octokit.rest.git.createRef({ ...r, ref: "refs/heads/topic", sha: next });
    const again = await failure(octokit.rest.git.createRef({ ...r, ref: "refs/heads/topic", sha: next }));
    expect(again.message).toContain("Reference already exists");
    const file = await octokit.rest.repos.getContent({ ...r, path: "docs/a.md", ref: "topic" });
    expect(!Array.isArray(file.data) && file.data.type === "file" && Buffer.from(file.data.content, "base64").toString()).toBe("one\ntwo\n");
    const listing = await octokit.rest.repos.getContent({ ...r, path: "docs", ref: "topic" });
    expect(Array.isArray(listing.data) && listing.data.map((e) => e.name)).toEqual(["a.md", "b.md"]);
    const raw = await octokit.rest.repos.getContent({ ...r, path: "docs/b.md", ref: "topic", mediaType: { format: "raw" } });
    // octokit types every format as the JSON shape; the raw format is the file's text
    expect(raw.data as unknown).toBe("b\n");
    const commit = await octokit.rest.repos.getCommit({ ...r, ref: "topic" });
    expect(commit.data.files?.map((f) => [f.filename, f.status, f.additions])).toEqual([
      ["docs/a.md", "modified", 1],
      ["docs/b.md", "added", 1],
    ]);
    const log = await octokit.rest.repos.listCommits({ ...r, sha: "topic", path: "docs/b.md" });
    expect(log.data.map((c) => c.sha)).toEqual([next]);
    const cmp = await octokit.rest.repos.compareCommitsWithBasehead({ ...r, basehead: "main...topic" });
    expect([cmp.data.status, cmp.data.ahead_by, cmp.data.behind_by]).toEqual(["ahead", 1, 0]);
    expect((await failure(octokit.rest.repos.getContent({ ...r, path: "nope.md" }))).status).toBe(404);
  });
});

describe("pull requests", () => {
  async function branchWithChange(r: { owner: string; repo: string }, branch: string) {
    const head = (await octokit.rest.git.getRef({ ...r, ref: "heads/main" })).data.object.sha;
    const sha = await commitOn(r, head, { [`${branch}.md`]: branch });
    await octokit.rest.git.createRef({ ...r, ref: `refs/heads/${branch}`, sha });
    return sha;
  }

  it("refuses a duplicate open pull request with GitHub's message and finds it by head", async () => {
    const { dir, ...r } = await repo();
    await branchWithChange(r, "fix");
    const pr = await octokit.rest.pulls.create({ ...r, head: "fix", base: "main", title: "Fix", body: "b", draft: true });
    expect(pr.data.draft).toBe(true);
    const dup = await failure(octokit.rest.pulls.create({ ...r, head: "fix", base: "main", title: "Fix again" }));
    expect(dup.status).toBe(422);
    expect(dup.message).toContain(`A pull request already exists for acme:fix.`);
    const found = await octokit.rest.pulls.list({ ...r, head: "acme:fix", state: "open" });
    expect(found.data.map((p) => p.number)).toEqual([pr.data.number]);
    expect((await octokit.rest.pulls.list({ ...r, head: "acme:other" })).data).toEqual([]);
    const none = await failure(octokit.rest.pulls.create({ ...r, head: "main", base: "main", title: "nothing" }));
    expect(none.message).toContain("No commits between main and main");
  });

  it("labels, requests reviewers (collaborators only) and updates", async () => {
    const { dir, ...r } = await repo();
    await branchWithChange(r, "fix");
    const pr = await octokit.rest.pulls.create({ ...r, head: "fix", base: "main", title: "Fix" });
    const labels = await octokit.rest.issues.addLabels({ ...r, issue_number: pr.data.number, labels: ["pipemedic", "incident-fix"] });
    expect(labels.data.map((l) => l.name)).toEqual(["pipemedic", "incident-fix"]);
    await octokit.rest.pulls.requestReviewers({ ...r, pull_number: pr.data.number, reviewers: ["alice"] });
    const stranger = await failure(octokit.rest.pulls.requestReviewers({ ...r, pull_number: pr.data.number, reviewers: ["mallory"] }));
    expect(stranger.status).toBe(422);
    expect(stranger.message).toContain("Reviews may only be requested from collaborators");
    await octokit.rest.pulls.update({ ...r, pull_number: pr.data.number, title: "Fix v2", body: "new body" });
    const got = await octokit.rest.pulls.get({ ...r, pull_number: pr.data.number });
    expect([got.data.title, got.data.body, got.data.requested_reviewers?.map((u) => u.login)]).toEqual(["Fix v2", "new body", ["alice"]]);
  });

  it("merges into the base branch with a merge commit", async () => {
    const { dir, ...r } = await repo();
    const head = await branchWithChange(r, "fix");
    const pr = await octokit.rest.pulls.create({ ...r, head: "fix", base: "main", title: "Fix" });
    const merged = await octokit.rest.pulls.merge({ ...r, pull_number: pr.data.number });
    expect(merged.data.merged).toBe(true);
    expect(git(dir, "rev-parse", "refs/heads/main")).toBe(merged.data.sha);
    expect(git(dir, "rev-parse", "refs/heads/main^2")).toBe(head);
    const after = await octokit.rest.pulls.get({ ...r, pull_number: pr.data.number });
    expect([after.data.state, after.data.merged]).toEqual(["closed", true]);
  });
});

describe("dispatch, deployments, GraphQL and faults", () => {
  it("records repository_dispatch and calls onDispatch after answering 204", async () => {
    const { dir, ...r } = await repo();
    const seen = new Promise((resolve) => {
      const off = emu.onDispatch((e) => {
        off();
        resolve(e);
      });
    });
    const res = await octokit.rest.repos.createDispatchEvent({ ...r, event_type: "incident.alert", client_payload: { source: "alertmanager" } });
    expect(res.status).toBe(204);
    expect(await seen).toEqual({ owner: "acme", repo: r.repo, event_type: "incident.alert", client_payload: { source: "alertmanager" } });
  });

  it("creates and lists deployments and statuses", async () => {
    const { dir, ...r } = await repo();
    const d = await octokit.rest.repos.createDeployment({ ...r, ref: "main", environment: "production", auto_merge: false, required_contexts: [] });
    expect(d.status).toBe(201);
    const id = (d.data as { id: number }).id;
    await octokit.rest.repos.createDeploymentStatus({ ...r, deployment_id: id, state: "success", log_url: "https://ci.example/run/1" });
    const statuses = await octokit.rest.repos.listDeploymentStatuses({ ...r, deployment_id: id });
    expect(statuses.data.map((s) => s.state)).toEqual(["success"]);
    expect((await octokit.rest.repos.listDeployments({ ...r, environment: "production" })).data.map((x) => x.id)).toEqual([id]);
  });

  it("answers createCommitOnBranch, and STALE_DATA when expectedHeadOid is not the head", async () => {
    const { dir, ...r } = await repo();
    const query = `query($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { ref(qualifiedName: "refs/heads/main") { target { oid } } } }`;
    const read = async () =>
      (await octokit.graphql<{ repository: { ref: { target: { oid: string } } } }>(query, { owner: r.owner, name: r.repo })).repository.ref.target.oid;
    const head = await read();
    const mutation = `mutation($input: CreateCommitOnBranchInput!) { createCommitOnBranch(input: $input) { commit { oid } } }`;
    const input = (expectedHeadOid: string) => ({
      branch: { repositoryNameWithOwner: `${r.owner}/${r.repo}`, branchName: "main" },
      expectedHeadOid,
      message: { headline: "add report" },
      fileChanges: { additions: [{ path: "incidents/a.md", contents: Buffer.from("# a\n").toString("base64") }] },
    });
    const done = await octokit.graphql<{ createCommitOnBranch: { commit: { oid: string } } }>(mutation, { input: input(head) });
    expect(await read()).toBe(done.createCommitOnBranch.commit.oid);
    expect(git(dir, "show", "refs/heads/main:incidents/a.md")).toBe("# a");
    const stale = await failure(octokit.graphql(mutation, { input: input(head) }));
    expect(stale.message).toContain(`Expected branch to point to "${head}" but it did not. Pull and try again.`);
    const invalid = await failure(octokit.graphql(`query { repository(owner: "acme") { nope } }`));
    expect(invalid.message).toMatch(/nope|name/);
  });

  it("injects server errors and secondary rate limits, and logs calls per endpoint", async () => {
    const { dir, ...r } = await repo();
    emu.inject({ method: "GET", path: /\/git\/ref\//, status: 502, times: 1 });
    expect((await failure(octokit.rest.git.getRef({ ...r, ref: "heads/main" }))).status).toBe(502);
    expect((await octokit.rest.git.getRef({ ...r, ref: "heads/main" })).status).toBe(200);
    emu.injectSecondaryRateLimit({ times: 1, retryAfterSeconds: 7 });
    const limited = await failure(octokit.rest.repos.get(r));
    expect(limited.status).toBe(403);
    expect(limited.message).toMatch(/secondary rate limit/);
    const calls = emu.callsTo("git/get-ref").filter((c) => c.path.includes(r.repo));
    expect(calls.map((c) => [c.status, c.injected])).toEqual([
      [502, true],
      [200, false],
    ]);
  });
});
