import { createHash } from "node:crypto";
import { z } from "zod";
import type { Files, Forge, PullRequestRef, Snapshot, Store } from "../model/index.js";
import type { GitHubClient } from "./octokit.js";

/*
 * The git port over GitHub's REST API. A commit is read-modify-write on the branch head:
 * get ref → build on a snapshot of that head → create tree (base_tree + inline content) →
 * create commit → update ref with force:false. GitHub refuses a non-fast-forward update, which
 * is the compare-and-swap: the loser rebuilds on the new head, so derived files include both writes.
 * HTTP faults (5xx, rate limits) are the Octokit plugins' business, not this file's.
 */

// ---- responses, parsed at the boundary: only the fields used here ----

const RefResponse = z.object({ object: z.object({ sha: z.string().length(40) }) });
const CommitResponse = z.object({ sha: z.string(), tree: z.object({ sha: z.string() }), parents: z.array(z.object({ sha: z.string() })) });
const TreeResponse = z.object({
  sha: z.string(),
  truncated: z.boolean(),
  tree: z.array(z.object({ path: z.string(), mode: z.string(), type: z.string(), sha: z.string() })),
});
const BlobResponse = z.object({ content: z.string(), encoding: z.string() });
const PullResponse = z.object({ number: z.number().int(), html_url: z.string() });

function parse<T>(schema: z.ZodType<T>, data: unknown, what: string): T {
  const result = schema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(
      `GitHub ${what}: unexpected response at ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}; is baseUrl a GitHub REST API?`,
    );
  }
  return result.data;
}

interface RequestErrorLike {
  status?: number;
  message?: string;
}

function statusOf(error: unknown): number | undefined {
  return (error as RequestErrorLike | null)?.status;
}

/** An API failure's message, or the thrown value written out when it carries none. */
function messageOf(error: unknown): string {
  return (error as RequestErrorLike | null)?.message ?? String(error);
}

const HINTS: Record<number, string> = {
  401: "the token is missing or invalid: pass a valid `token` input",
  403: "the token lacks permission (it needs contents: write and pull-requests: write), or a ruleset protects the branch",
  404: "check the owner, repository and branch, and that the token can see the repository",
  409: "the repository is empty or being changed; push an initial commit first",
};

/** Rethrows an API failure with the request, the status and what to do about it. */
function explain(error: unknown, what: string): never {
  const status = statusOf(error);
  const message = messageOf(error);
  const hint = status !== undefined ? HINTS[status] : undefined;
  throw new Error(`GitHub ${what} failed${status ? ` (${status})` : ""}: ${message}${hint ? `; ${hint}` : ""}`, { cause: error });
}

async function call<T>(what: string, fn: () => Promise<{ data: unknown }>, schema: z.ZodType<T>): Promise<T> {
  let response: { data: unknown };
  try {
    response = await fn();
  } catch (error) {
    explain(error, what);
  }
  return parse(schema, response.data, what);
}

// ---- the store ----

/** Options of the GitHub store. */
export interface GitHubStoreOptions {
  octokit: GitHubClient;
  owner: string;
  repo: string;
  /** The branch incidents are committed to. */
  branch: string;
  /** Where people open links; default https://github.com (GitHub Enterprise: its own host). */
  serverUrl?: string;
  /** Compare-and-swap attempts before giving up; default 8. */
  maxAttempts?: number;
  /** Backoff between attempts: full jitter over max(base, the lost attempt's duration) × 2^(attempt-1) ms, capped; default 200 / 5000. */
  backoff?: { baseMs?: number; maxMs?: number };
}

interface TreeEntry {
  mode: string;
  type: string;
  sha: string;
}

function encodePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

/** Normalises a list prefix the way every store does: "" or a folder with a trailing slash. */
function folderPrefix(prefix: string): string {
  return prefix === "" || prefix.endsWith("/") ? prefix : `${prefix}/`;
}

function isEmpty(files: Files | null): files is null {
  return !files || Object.keys(files).length === 0;
}

/** True when GitHub refused a ref update because the branch moved: the compare-and-swap lost. */
function lostRace(error: unknown): boolean {
  const status = statusOf(error);
  const message = (error as RequestErrorLike | null)?.message ?? "";
  return (status === 422 && /not a fast forward|reference update failed|reference cannot be updated/i.test(message)) || status === 409;
}

/** A store that commits to a branch of a GitHub repository through the REST API. */
export function githubStore(opts: GitHubStoreOptions): Store {
  const { octokit, owner, repo, branch } = opts;
  const serverUrl = (opts.serverUrl ?? "https://github.com").replace(/\/+$/, "");
  const maxAttempts = opts.maxAttempts ?? 8;
  const baseMs = opts.backoff?.baseMs ?? 200;
  const maxMs = opts.backoff?.maxMs ?? 5000;
  const where = `${owner}/${repo}`;

  const headOf = async (name: string): Promise<string | null> => {
    try {
      const res = await octokit.rest.git.getRef({ owner, repo, ref: `heads/${name}` });
      return parse(RefResponse, res.data, `getRef heads/${name} in ${where}`).object.sha;
    } catch (error) {
      if (statusOf(error) === 404) return null;
      explain(error, `getRef heads/${name} in ${where}`);
    }
  };

  const requireHead = async (): Promise<string> => {
    const sha = await headOf(branch);
    if (!sha)
      throw new Error(
        `GitHub store: branch "${branch}" does not exist in ${where}; create it, or set store.branch in .github/pipemedic.yml to an existing branch`,
      );
    return sha;
  };

  // Blobs are content-addressed, so one cache serves every snapshot: a retry on a moved head reads
  // only the files that changed since the last attempt.
  const blobs = new Map<string, Promise<string>>();

  /**
   * A snapshot of one commit: one recursive tree call on first use, blobs fetched lazily; or, for a
   * commit this store just made, its tree as known from the one it was built on and the files it wrote.
   */
  const snapshotAt = (commit: string, known?: { tree: string; entries: Map<string, TreeEntry> }) => {
    let listing: Promise<{ tree: string; entries: Map<string, TreeEntry> }> | null = known ? Promise.resolve(known) : null;
    const load = () =>
      (listing ??= (async () => {
        const what = `getTree ${commit.slice(0, 7)} (recursive) in ${where}`;
        const tree = await call(what, () => octokit.rest.git.getTree({ owner, repo, tree_sha: commit, recursive: "true" }), TreeResponse);
        const entries = new Map<string, TreeEntry>();
        if (tree.truncated) await walk(tree.sha, "", entries);
        else for (const e of tree.tree) entries.set(e.path, e);
        return { tree: tree.sha, entries };
      })());
    const snapshot: Snapshot & {
      treeSha(): Promise<string>;
      entry(path: string): Promise<TreeEntry | undefined>;
      /** This commit's tree with `files` written into it as `tree`: the snapshot of the commit that wrote them. */
      after(commit: string, tree: string, files: Files): Promise<ReturnType<typeof snapshotAt>>;
    } = {
      async read(path) {
        const entry = (await load()).entries.get(path);
        if (!entry || entry.type !== "blob") return null;
        let blob = blobs.get(entry.sha);
        if (!blob) {
          blob = call(`getBlob ${path} in ${where}`, () => octokit.rest.git.getBlob({ owner, repo, file_sha: entry.sha }), BlobResponse).then((b) =>
            Buffer.from(b.content, b.encoding === "base64" ? "base64" : "utf8").toString("utf8"),
          );
          blobs.set(entry.sha, blob);
          blob.catch(() => blobs.delete(entry.sha));
        }
        return blob;
      },
      async list(prefix) {
        const p = folderPrefix(prefix);
        return [...(await load()).entries]
          .filter(([path, e]) => e.type === "blob" && path.startsWith(p))
          .map(([path]) => path)
          .sort();
      },
      async treeSha() {
        return (await load()).tree;
      },
      async entry(path) {
        return (await load()).entries.get(path);
      },
      async after(next, tree, files) {
        const entries = new Map((await load()).entries);
        for (const [path, content] of Object.entries(files)) {
          // A blob's id is the hash of its content: what GitHub stored is known without reading it back.
          const sha = createHash("sha1")
            .update(`blob ${Buffer.byteLength(content)}\0`)
            .update(content)
            .digest("hex");
          entries.set(path, { mode: "100644", type: "blob", sha });
          if (!blobs.has(sha)) blobs.set(sha, Promise.resolve(content));
        }
        return snapshotAt(next, { tree, entries });
      },
    };
    return snapshot;
  };

  /** Lists a tree too large for one recursive call, one level at a time (GitHub truncates at 100,000 entries). */
  const walk = async (tree: string, prefix: string, into: Map<string, TreeEntry>): Promise<void> => {
    const level = await call(`getTree ${prefix || "/"} in ${where}`, () => octokit.rest.git.getTree({ owner, repo, tree_sha: tree }), TreeResponse);
    for (const e of level.tree) {
      const path = `${prefix}${e.path}`;
      into.set(path, e);
      if (e.type === "tree") await walk(e.sha, `${path}/`, into);
    }
  };

  const createTree = (baseTree: string, files: Files, removes: string[] = []) =>
    call(
      `createTree on ${where}`,
      () =>
        octokit.rest.git.createTree({
          owner,
          repo,
          base_tree: baseTree,
          tree: [
            // inline content: one call for every file, no blob round trips
            ...Object.entries(files).map(([path, content]) => ({ path, mode: "100644" as const, type: "blob" as const, content })),
            ...removes.map((path) => ({ path, mode: "100644" as const, type: "blob" as const, sha: null })),
          ],
        }),
      TreeResponse,
    );

  const createCommit = (message: string, tree: string, parent: string) =>
    call(`createCommit on ${where}`, () => octokit.rest.git.createCommit({ owner, repo, message, tree, parents: [parent] }), CommitResponse);

  /**
   * Full jitter over an exponentially growing window whose unit is the lost attempt's own duration:
   * writers that collided spread out over as long as one read-build-write takes, so the next round
   * has about one winner instead of all of them colliding again (retries grow like n log n, not n²).
   */
  const pause = (attempt: number, attemptMs: number) =>
    new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(maxMs, Math.max(baseMs, attemptMs) * 2 ** (attempt - 1))));

  // The head the last snapshot read or the last commit made: a run's next commit attempt and its fix
  // branch build on it without reading the ref again; a moved head still fails the compare-and-swap.
  let latest: { head: string; snapshot: ReturnType<typeof snapshotAt> } | null = null;
  const fresh = async () => {
    const head = await requireHead();
    latest = { head, snapshot: snapshotAt(head) };
    return latest;
  };

  return {
    async snapshot() {
      return (await fresh()).snapshot;
    },

    async commit(message, build) {
      for (let attempt = 1; attempt <= maxAttempts; attempt++) {
        const started = Date.now();
        const { head, snapshot } = attempt === 1 && latest ? latest : await fresh();
        const files = await build(snapshot);
        if (isEmpty(files)) return { sha: null, attempts: attempt };
        const base = await snapshot.treeSha();
        const tree = await createTree(base, files);
        if (tree.sha === base) return { sha: null, attempts: attempt }; // same content: a rerun changes nothing
        const commit = await createCommit(message, tree.sha, head);
        try {
          await octokit.rest.git.updateRef({ owner, repo, ref: `heads/${branch}`, sha: commit.sha, force: false });
          // The run's next commit (a run records first, then commits its investigations) builds on this
          // one, reading what it wrote from memory.
          latest = { head: commit.sha, snapshot: await snapshot.after(commit.sha, tree.sha, files) };
          return { sha: commit.sha, attempts: attempt };
        } catch (error) {
          if (!lostRace(error)) explain(error, `updateRef heads/${branch} in ${where}`);
        }
        if (attempt < maxAttempts) await pause(attempt, Date.now() - started);
      }
      throw new Error(
        `GitHub store: could not commit "${message}" to ${where}@${branch} after ${maxAttempts} attempts: the branch kept moving under concurrent runs; run again, or serialise runs with a workflow concurrency group`,
      );
    },

    async proposeBranch({ branch: target, message, files, removes = [] }) {
      if (target === branch) throw new Error(`GitHub store: proposeBranch needs a branch other than the store's own ("${branch}")`);
      const { head: base, snapshot } = latest ?? (await fresh());
      const present = await Promise.all(removes.map(async (path) => ((await snapshot.entry(path)) ? path : null)));
      const tree = await createTree(
        await snapshot.treeSha(),
        files,
        present.filter((p): p is string => p !== null),
      );
      const existing = await headOf(target);
      if (existing) {
        const current = await call(
          `getCommit ${existing.slice(0, 7)} in ${where}`,
          () => octokit.rest.git.getCommit({ owner, repo, commit_sha: existing }),
          CommitResponse,
        );
        // same change on the same base: leave the branch (and its pull request) untouched
        if (current.tree.sha === tree.sha && current.parents.length === 1 && current.parents[0]?.sha === base)
          return { branch: target, sha: existing, created: false };
      }
      const commit = await createCommit(message, tree.sha, base);
      const update = () => octokit.rest.git.updateRef({ owner, repo, ref: `heads/${target}`, sha: commit.sha, force: true });
      if (existing) {
        await update().catch((error: unknown) => explain(error, `updateRef heads/${target} in ${where}`));
        return { branch: target, sha: commit.sha, created: false };
      }
      try {
        await octokit.rest.git.createRef({ owner, repo, ref: `refs/heads/${target}`, sha: commit.sha });
        return { branch: target, sha: commit.sha, created: true };
      } catch (error) {
        // another run created it between our look and our create: the branch is deterministic, so take it over
        if (statusOf(error) !== 422) explain(error, `createRef heads/${target} in ${where}`);
      }
      await update().catch((error: unknown) => explain(error, `updateRef heads/${target} in ${where}`));
      return { branch: target, sha: commit.sha, created: false };
    },

    linkTo(path) {
      return `${serverUrl}/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/blob/${encodePath(branch)}/${encodePath(path)}`;
    },
  };
}

// ---- the forge ----

/** GitHub's limit on a pull request body, in characters. */
export const PULL_REQUEST_BODY_LIMIT = 65_536;

const TRUNCATION_NOTE = "\n\n---\n_This description was cut to fit GitHub's 65,536-character limit; the full text is in the incident report._\n";

/** Cuts a pull request body to GitHub's limit, saying so at the end; shorter bodies pass unchanged. */
export function fitPullRequestBody(body: string): string {
  if (body.length <= PULL_REQUEST_BODY_LIMIT) return body;
  let end = PULL_REQUEST_BODY_LIMIT - TRUNCATION_NOTE.length;
  const code = body.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--; // never split a surrogate pair
  return body.slice(0, end) + TRUNCATION_NOTE;
}

/** Options of the GitHub forge. */
export interface GitHubForgeOptions {
  octokit: GitHubClient;
  owner: string;
  repo: string;
  /** The branch pull requests target. */
  base: string;
  /** Where non-fatal problems go (a reviewer who cannot be requested); default the client's log. */
  warn?: (message: string) => void;
}

/** A forge that opens or updates pull requests on GitHub. */
export function githubForge(opts: GitHubForgeOptions): Forge {
  const { octokit, owner, repo, base } = opts;
  const where = `${owner}/${repo}`;
  const warn =
    opts.warn ??
    ((m: string) => {
      octokit.log.warn(m);
    });

  const findOpen = async (branch: string) => {
    const what = `pulls.list head=${owner}:${branch} in ${where}`;
    const list = await call(
      what,
      () => octokit.rest.pulls.list({ owner, repo, head: `${owner}:${branch}`, base, state: "open", per_page: 10 }),
      z.array(PullResponse),
    );
    return list[0] ?? null;
  };

  return {
    async openPullRequest({ branch, title, body, draft, labels, reviewers }): Promise<PullRequestRef> {
      const text = fitPullRequestBody(body);
      let pr: z.infer<typeof PullResponse>;
      let created = true;
      try {
        const res = await octokit.rest.pulls.create({ owner, repo, head: branch, base, title, body: text, draft, maintainer_can_modify: true });
        pr = parse(PullResponse, res.data, `pulls.create ${branch} in ${where}`);
      } catch (error) {
        const message = (error as RequestErrorLike | null)?.message ?? "";
        if (statusOf(error) !== 422 || !message.includes("A pull request already exists")) explain(error, `pulls.create ${branch} → ${base} in ${where}`);
        const open = await findOpen(branch);
        if (!open)
          throw new Error(
            `GitHub said a pull request exists for ${owner}:${branch} in ${where}, but none is open against ${base}; close the stale one or rename the branch`,
            { cause: error },
          );
        const res = await octokit.rest.pulls
          .update({ owner, repo, pull_number: open.number, title, body: text })
          .catch((e: unknown) => explain(e, `pulls.update #${open.number} in ${where}`));
        pr = parse(PullResponse, res.data, `pulls.update #${open.number} in ${where}`);
        created = false;
      }
      if (labels.length) {
        await octokit.rest.issues
          .addLabels({ owner, repo, issue_number: pr.number, labels })
          .catch((e: unknown) => explain(e, `issues.addLabels #${pr.number} in ${where}`));
      }
      // Owners are written as in CODEOWNERS: `@user` asks a person, `@org/team` asks a team of this org.
      const users = [...new Set(reviewers.filter((r) => !r.includes("/")).map((r) => r.replace(/^@/, "")))];
      const teams = [...new Set(reviewers.filter((r) => r.replace(/^@/, "").startsWith(`${owner}/`)).map((r) => r.replace(/^@/, "").slice(owner.length + 1)))];
      if (users.length || teams.length) {
        try {
          await octokit.rest.pulls.requestReviewers({
            owner,
            repo,
            pull_number: pr.number,
            reviewers: users,
            ...(teams.length ? { team_reviewers: teams } : {}),
          });
        } catch (error) {
          // a reviewer who is not a collaborator (or is the author) must not cost the fix its pull request
          if (statusOf(error) !== 422) explain(error, `pulls.requestReviewers #${pr.number} in ${where}`);
          warn(
            `could not request reviewers ${reviewers.join(", ")} on ${where}#${pr.number}: ${messageOf(error)}; add them as collaborators or fix the owners in knowledge/`,
          );
        }
      }
      return { number: pr.number, url: pr.html_url, created };
    },
  };
}
