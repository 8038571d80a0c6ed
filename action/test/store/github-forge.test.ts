import { describe, expect, it } from "vitest";
import { fitPullRequestBody, githubForge, githubStore, PULL_REQUEST_BODY_LIMIT } from "../../src/store/github.js";
import { createOctokit } from "../../src/store/octokit.js";
import { useGitHubEmulator } from "../support/use-github-emulator.js";

const emu = useGitHubEmulator({ token: "forge-token", viewer: "pipemedic-bot" });
let n = 0;

function client() {
  return createOctokit({
    token: "forge-token",
    baseUrl: emu.url,
    retry: { retryAfterBaseValue: 1 },
    throttle: { enabled: false },
    log: { warn: () => undefined },
  });
}

/** A repository with a fix branch ready for a pull request. */
async function fixBranch(branch = "pipemedic/fix-orders-lag") {
  const name = `forge-${++n}`;
  await emu.createRepo("acme", name, { files: { "config/consumer.yaml": "a: 1\n" }, collaborators: ["alice", "bob"] });
  const octokit = client();
  const store = githubStore({ octokit, owner: "acme", repo: name, branch: "main" });
  await store.proposeBranch({ branch, message: "fix", files: { "config/consumer.yaml": "a: 2\n" } });
  return { name, octokit, branch };
}

describe("githubForge.openPullRequest", () => {
  it("opens one pull request and updates it on the second call, never a duplicate", async () => {
    const { name, octokit, branch } = await fixBranch();
    const forge = githubForge({ octokit, owner: "acme", repo: name, base: "main" });
    const first = await forge.openPullRequest({
      branch,
      title: "Fix orders lag",
      body: "first body",
      draft: true,
      labels: ["pipemedic", "incident-fix"],
      reviewers: ["alice"],
    });
    expect(first).toMatchObject({ number: 1, created: true });
    expect(first.url).toBe(`${emu.url}/acme/${name}/pull/1`);

    const second = await forge.openPullRequest({
      branch,
      title: "Fix orders lag (confirmed)",
      body: "second body",
      draft: true,
      labels: ["pipemedic"],
      reviewers: ["bob"],
    });
    expect(second).toEqual({ number: 1, url: first.url, created: false });

    const pulls = emu.pulls("acme", name);
    expect(pulls).toHaveLength(1);
    expect(pulls[0]).toMatchObject({ title: "Fix orders lag (confirmed)", body: "second body", draft: true, head: branch, base: "main", state: "open" });
    expect(pulls[0]?.labels).toEqual(["pipemedic", "incident-fix"]);
    expect(pulls[0]?.requestedReviewers).toEqual(["alice", "bob"]);
    const lookups = emu.callsTo("pulls/list").filter((c) => c.path === `/repos/acme/${name}/pulls`);
    expect(lookups.map((c) => c.query.head)).toEqual([`acme:${branch}`]);
  });

  it("opens a ready pull request when draft is false", async () => {
    const { name, octokit, branch } = await fixBranch();
    const pr = await githubForge({ octokit, owner: "acme", repo: name, base: "main" }).openPullRequest({
      branch,
      title: "t",
      body: "b",
      draft: false,
      labels: [],
      reviewers: [],
    });
    expect(emu.pulls("acme", name).find((p) => p.number === pr.number)?.draft).toBe(false);
    expect(emu.callsTo("issues/add-labels").filter((c) => c.path.includes(`/${name}/`))).toHaveLength(0);
  });

  it("warns, and still returns the pull request, when a reviewer is not a collaborator", async () => {
    const { name, octokit, branch } = await fixBranch();
    const warnings: string[] = [];
    const forge = githubForge({ octokit, owner: "acme", repo: name, base: "main", warn: (m) => warnings.push(m) });
    const pr = await forge.openPullRequest({ branch, title: "t", body: "b", draft: true, labels: [], reviewers: ["mallory"] });
    expect(pr.created).toBe(true);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/could not request reviewers mallory on acme\/forge-\d+#1: .*collaborators/);
  });

  it("cuts an oversized body below GitHub's limit with a note", async () => {
    const { name, octokit, branch } = await fixBranch();
    const forge = githubForge({ octokit, owner: "acme", repo: name, base: "main" });
    await forge.openPullRequest({ branch, title: "t", body: "x".repeat(200_000), draft: true, labels: [], reviewers: [] });
    const body = emu.pulls("acme", name)[0]?.body ?? "";
    expect(body.length).toBeLessThanOrEqual(PULL_REQUEST_BODY_LIMIT);
    expect(body.startsWith("x".repeat(60_000))).toBe(true);
    expect(body).toMatch(/cut to fit GitHub's 65,536-character limit/);
  });

  it("fails with the request named when the branch does not exist", async () => {
    const { name, octokit } = await fixBranch();
    const forge = githubForge({ octokit, owner: "acme", repo: name, base: "main" });
    await expect(forge.openPullRequest({ branch: "nope", title: "t", body: "b", draft: true, labels: [], reviewers: [] })).rejects.toThrow(
      /GitHub pulls.create nope → main in acme\/forge-\d+ failed \(422\)/,
    );
  });
});

describe("fitPullRequestBody", () => {
  it("keeps short bodies and never splits a surrogate pair", () => {
    expect(fitPullRequestBody("short")).toBe("short");
    const emoji = "😀".repeat(40_000);
    const cut = fitPullRequestBody(emoji);
    expect(cut.length).toBeLessThanOrEqual(PULL_REQUEST_BODY_LIMIT);
    expect(cut).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });
});
