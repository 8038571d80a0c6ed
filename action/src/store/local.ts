import { execFile } from "node:child_process";
import { lstat, mkdtemp, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Files, Snapshot, Store } from "../model/index.js";
import { INDEX_MD, INDEX_PATH, SCORECARDS_DIR } from "../record/paths.js";

/** Options of the local git store. */
export interface LocalStoreOptions {
  /** The repository's work tree. */
  dir: string;
  /** The branch to commit to; default: the checked-out branch. */
  branch?: string;
  /** Push each commit to this remote, retrying on a moved head; none by default. */
  remote?: string;
  author?: { name: string; email: string };
  maxAttempts?: number;
  /** Where a file left out of the work tree is reported (local changes in the way); default: standard error. */
  warn?: (message: string) => void;
}

/** Pages every commit rebuilds whole from incidents/index.json: a local copy of them holds nothing else. */
function isRebuiltPage(path: string): boolean {
  return path === INDEX_PATH || path === INDEX_MD || path.startsWith(`${SCORECARDS_DIR}/`);
}

/**
 * A git store over the git CLI. Each commit is built with plumbing (blobs, a temporary index,
 * commit-tree) and lands with `update-ref <new> <old>`, a compare-and-swap: when the branch moved,
 * the build runs again on the new head. With a remote, a rejected push fetches and rebuilds the same way.
 */
export class LocalGitStore implements Store {
  private branchName: string | undefined;
  constructor(private readonly opts: LocalStoreOptions) {}

  private async git(args: string[], input?: string, env?: Record<string, string>): Promise<string> {
    const author = this.opts.author ?? { name: "pipemedic[bot]", email: "pipemedic@users.noreply.github.com" };
    const child = execFile("git", args, {
      cwd: this.opts.dir,
      maxBuffer: 256 * 1024 * 1024,
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: author.name,
        GIT_AUTHOR_EMAIL: author.email,
        GIT_COMMITTER_NAME: author.name,
        GIT_COMMITTER_EMAIL: author.email,
        ...env,
      },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on("data", (d: Buffer) => out.push(Buffer.from(d)));
    child.stderr?.on("data", (d: Buffer) => err.push(Buffer.from(d)));
    if (input !== undefined) child.stdin?.end(input);
    else child.stdin?.end();
    const code: number = await new Promise((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (c) => resolve(c ?? 1));
    });
    if (code !== 0) throw new Error(`git ${args[0]} failed (${code}): ${Buffer.concat(err).toString().trim()}`);
    return Buffer.concat(out).toString();
  }

  /** The branch this store commits to. */
  async branch(): Promise<string> {
    if (!this.branchName) {
      this.branchName = this.opts.branch || (await this.git(["symbolic-ref", "--short", "HEAD"])).trim();
    }
    return this.branchName;
  }

  private async head(): Promise<string | null> {
    try {
      return (await this.git(["rev-parse", "--verify", "-q", `refs/heads/${await this.branch()}`])).trim() || null;
    } catch {
      return null;
    }
  }

  private snapshotAt(commit: string | null): Snapshot {
    let listing: Promise<string[]> | null = null;
    let present: Promise<Set<string>> | null = null;
    const all = () =>
      (listing ??= commit ? this.git(["ls-tree", "-r", "--name-only", "-z", commit]).then((s) => s.split("\0").filter(Boolean)) : Promise.resolve([]));
    return {
      read: async (path) => {
        // One listing answers every read of a file that is not there (a run reads many: the folders it is about to create).
        if (!commit || !(await (present ??= all().then((l) => new Set(l)))).has(path)) return null;
        try {
          return await this.git(["cat-file", "blob", `${commit}:${path}`]);
        } catch {
          return null;
        }
      },
      list: async (prefix) => {
        const p = prefix === "" || prefix.endsWith("/") ? prefix : `${prefix}/`;
        return (await all()).filter((f) => f.startsWith(p)).sort();
      },
    };
  }

  async snapshot(): Promise<Snapshot> {
    return this.snapshotAt(await this.head());
  }

  /** Writes blobs of `contents` in one git process (a flood's first commit has thousands of files); their ids in order. */
  private async writeBlobs(contents: string[]): Promise<string[]> {
    if (!contents.length) return [];
    const gitDir = (await this.git(["rev-parse", "--absolute-git-dir"])).trim();
    const tmp = await mkdtemp(join(gitDir, "pipemedic-blobs-"));
    try {
      const paths = contents.map((_, n) => join(tmp, String(n)));
      // A few at a time: thousands of open files at once would meet the process's limit.
      for (let n = 0; n < contents.length; n += 64) await Promise.all(contents.slice(n, n + 64).map((c, k) => writeFile(paths[n + k]!, c)));
      const shas = (await this.git(["hash-object", "-w", "--no-filters", "--stdin-paths"], `${paths.join("\n")}\n`)).trim().split("\n");
      if (shas.length !== contents.length) throw new Error(`git hash-object wrote ${shas.length} blobs of ${contents.length}`);
      return shas;
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }

  /** Writes a tree: the parent's tree with `files` set and `removes` deleted, through a temporary index. */
  private async writeTree(parent: string | null, files: Files, removes: string[] = []): Promise<string> {
    const index = `${(await this.git(["rev-parse", "--git-dir"])).trim()}/pipemedic-index-${process.pid}-${Math.random().toString(36).slice(2)}`;
    const env = { GIT_INDEX_FILE: index.startsWith("/") ? index : `${this.opts.dir}/${index}` };
    try {
      if (parent) await this.git(["read-tree", parent], undefined, env);
      else await this.git(["read-tree", "--empty"], undefined, env);
      const entries = (await this.writeBlobs(Object.values(files))).map((sha, n) => `100644 ${sha}\t${Object.keys(files)[n]}`);
      if (entries.length) await this.git(["update-index", "--add", "--index-info"], `${entries.join("\n")}\n`, env);
      if (removes.length) await this.git(["update-index", "--force-remove", "-z", "--stdin"], `${removes.join("\0")}\0`, env);
      return (await this.git(["write-tree"], undefined, env)).trim();
    } finally {
      await rm(env.GIT_INDEX_FILE, { force: true });
    }
  }

  private async commitTree(tree: string, parent: string | null, message: string): Promise<string> {
    return (await this.git(["commit-tree", tree, ...(parent ? ["-p", parent] : []), "-F", "-"], message)).trim();
  }

  async commit(message: string, build: (head: Snapshot) => Promise<Files | null>) {
    const max = this.opts.maxAttempts ?? 8;
    const branch = await this.branch();
    for (let attempt = 1; attempt <= max; attempt++) {
      if (this.opts.remote) await this.fetch(branch);
      const parent = await this.head();
      const files = await build(this.snapshotAt(parent));
      if (!files || !Object.keys(files).length) return { sha: null, attempts: attempt };
      const tree = await this.writeTree(parent, files);
      if (parent && tree === (await this.git(["rev-parse", `${parent}^{tree}`])).trim()) return { sha: null, attempts: attempt }; // same content: a rerun changes nothing
      const sha = await this.commitTree(tree, parent, message);
      try {
        await this.git(["update-ref", `refs/heads/${branch}`, sha, parent ?? "0".repeat(40)]);
      } catch {
        await jitter(attempt);
        continue; // the branch moved under us: rebuild on the new head
      }
      await this.syncWorkTree(branch, parent, sha);
      if (this.opts.remote) {
        try {
          await this.git(["push", "--porcelain", this.opts.remote, `${sha}:refs/heads/${branch}`]);
        } catch {
          await jitter(attempt);
          continue; // the remote moved: fetch, rebuild, retry
        }
      }
      return { sha, attempts: attempt };
    }
    throw new Error(`could not commit to ${branch} after ${max} attempts: the branch kept moving; run again`);
  }

  /** Brings the remote's branch into the local one when it is ahead (our last attempt lost a race). */
  private async fetch(branch: string): Promise<void> {
    try {
      await this.git(["fetch", "-q", this.opts.remote!, `+refs/heads/${branch}:refs/remotes/${this.opts.remote}/${branch}`]);
    } catch {
      return; // a remote without the branch yet: the first push creates it
    }
    const remote = (await this.git(["rev-parse", `refs/remotes/${this.opts.remote}/${branch}`])).trim();
    const local = await this.head();
    if (local === remote) return;
    if (local) {
      const isAncestor = await this.git(["merge-base", "--is-ancestor", local, remote]).then(
        () => true,
        () => false,
      );
      if (!isAncestor) return; // local has commits the remote lacks; the push decides
    }
    await this.git(["update-ref", `refs/heads/${branch}`, remote, local ?? "0".repeat(40)]);
    await this.syncWorkTree(branch, local, remote);
  }

  /**
   * Keeps the work tree and the index in step when the store's branch is the checked-out one: each
   * path the commits from `from` to `to` changed is written (or removed) and staged as the new head has
   * it, so `git status` stays clean and a `git commit -a` never undoes a run. A file with local changes
   * is left as it is, with a warning (its entry is staged as committed, so the change shows as one on
   * top of the run's, unless the entry was staged by hand too), unless it already holds the new content
   * or is one of the pages Pipemedic rebuilds whole on every commit (the index and the scorecards,
   * which `pipemedic index` writes uncommitted).
   */
  private async syncWorkTree(branch: string, from: string | null, to: string): Promise<void> {
    const current = await this.git(["symbolic-ref", "-q", "--short", "HEAD"]).then(
      (s) => s.trim(),
      () => "",
    );
    if (current !== branch) return;
    const bare = (await this.git(["rev-parse", "--is-bare-repository"])).trim() === "true";
    if (bare) return;
    const changed = (
      from ? await this.git(["diff-tree", "-r", "-z", "--no-renames", "--name-only", from, to]) : await this.git(["ls-tree", "-r", "-z", "--name-only", to])
    )
      .split("\0")
      .filter(Boolean);
    if (!changed.length) return;
    const blobs = async (commit: string | null): Promise<Map<string, string>> => {
      if (!commit) return new Map();
      const out = await this.git(["ls-tree", "-r", "-z", commit, "--", ...changed]);
      return new Map(
        out
          .split("\0")
          .filter(Boolean)
          .map((l) => [l.slice(l.indexOf("\t") + 1), l.split(/[ \t]/)[2]!] as [string, string]),
      );
    };
    const [before, after] = await Promise.all([blobs(from), blobs(to)]);
    const staged = new Map(
      (await this.git(["ls-files", "-s", "-z", "--", ...changed]))
        .split("\0")
        .filter(Boolean)
        .map((l) => [l.slice(l.indexOf("\t") + 1), l.split(" ")[1]!] as [string, string]),
    );
    const present = await Promise.all(
      changed.map((p) =>
        lstat(join(this.opts.dir, p)).then(
          (s) => s.isFile(),
          () => false,
        ),
      ),
    );
    const onDisk = changed.filter((_, i) => present[i]);
    const hashes = onDisk.length ? (await this.git(["hash-object", "--no-filters", "--stdin-paths"], `${onDisk.join("\n")}\n`)).trim().split("\n") : [];
    const local = new Map(onDisk.map((p, i) => [p, hashes[i]!]));
    // Staged as the new head has it: every path but one whose staged entry someone changed by hand.
    const stage: string[] = [];
    // Written into the work tree too: the paths without local changes in the file.
    const write: string[] = [];
    const skipped: string[] = [];
    for (const path of changed) {
      const was = before.get(path);
      const now = after.get(path);
      const file = local.get(path);
      const entry = staged.get(path);
      const rebuilt = isRebuiltPage(path);
      if (entry === was || entry === now || rebuilt) stage.push(path);
      if ((file === was && entry === was) || (file === now && (entry === was || entry === now)) || rebuilt) write.push(path);
      else skipped.push(path);
    }
    const indexInfo = stage.map((p) => (after.has(p) ? `100644 ${after.get(p)}\t${p}` : `0 ${"0".repeat(40)}\t${p}`));
    if (indexInfo.length) await this.git(["update-index", "--add", "--force-remove", "--index-info"], `${indexInfo.join("\n")}\n`);
    const adds = write.filter((p) => after.has(p));
    if (adds.length) await this.git(["checkout-index", "-f", "-z", "--stdin"], `${adds.join("\0")}\0`);
    await Promise.all(write.filter((p) => !after.has(p)).map((p) => rm(join(this.opts.dir, p), { force: true })));
    if (skipped.length) {
      const warn = this.opts.warn ?? ((m: string) => void process.stderr.write(`warning: ${m}\n`));
      warn(
        `${to.slice(0, 12)} is committed to ${branch}, but ${skipped.length === 1 ? "this file has" : "these files have"} local changes and ${skipped.length === 1 ? "was" : "were"} left as ${skipped.length === 1 ? "it is" : "they are"} in the work tree: ${skipped.join(", ")}. ` +
          "Compare with `git diff HEAD -- <file>`; take the committed version with `git checkout HEAD -- <file>`, or commit your change on top.",
      );
    }
  }

  async proposeBranch(input: { branch: string; message: string; files: Files; removes?: string[] }) {
    const base = await this.head();
    const tree = await this.writeTree(base, input.files, input.removes);
    const existing = await this.git(["rev-parse", "--verify", "-q", `refs/heads/${input.branch}`]).then(
      (s) => s.trim(),
      () => "",
    );
    if (existing) {
      const existingTree = (await this.git(["rev-parse", `${existing}^{tree}`])).trim();
      const existingParent = await this.git(["rev-parse", `${existing}^`]).then(
        (s) => s.trim(),
        () => "",
      );
      if (existingTree === tree && existingParent === base) return { branch: input.branch, sha: existing, created: false };
    }
    const sha = await this.commitTree(tree, base, input.message);
    await this.git(["update-ref", `refs/heads/${input.branch}`, sha]);
    if (this.opts.remote) await this.git(["push", "--porcelain", "--force", this.opts.remote, `${sha}:refs/heads/${input.branch}`]);
    return { branch: input.branch, sha, created: !existing };
  }

  linkTo(path: string): string {
    return path;
  }
}

function jitter(attempt: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.random() * 50 * attempt));
}
