import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { devNull, tmpdir } from "node:os";
import { join } from "node:path";

/** A git identity with the instant of the signature. */
export interface GitPerson {
  name: string;
  email: string;
  /** ISO 8601 date-time. */
  date: string;
}

/** A parsed commit object. */
export interface GitCommitObject {
  sha: string;
  tree: string;
  parents: string[];
  author: GitPerson;
  committer: GitPerson;
  message: string;
}

/** One entry of `ls-tree`. */
export interface GitTreeEntry {
  mode: string;
  type: "blob" | "tree" | "commit";
  sha: string;
  size: number | null;
  path: string;
}

/** One change to a tree: a blob, a submodule, a whole tree at a path, or a deletion. */
export type TreeChange =
  | { path: string; mode: "100644" | "100755" | "120000" | "160000"; sha: string }
  | { path: string; mode: "040000"; sha: string }
  | { path: string; delete: true };

/** One changed path between two trees. */
export interface GitFileChange {
  path: string;
  status: "added" | "removed" | "modified";
  oldSha: string;
  newSha: string;
  additions: number;
  deletions: number;
}

/** A failed git command, with what git printed. */
export class GitError extends Error {
  constructor(
    readonly args: string[],
    readonly code: number,
    readonly stderr: string,
  ) {
    super(`git ${args.join(" ")} exited ${code}: ${stderr.trim()}`);
  }
}

export const ZERO_SHA = "0".repeat(40);

/** GitHub reports signature dates in UTC, whatever zone the signature carries. */
function isoFromGit(seconds: string): string {
  return new Date(Number(seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function parsePerson(line: string): GitPerson {
  const m = /^(.*) <(.*)> (\d+) ([+-]\d{4})$/.exec(line);
  if (!m) return { name: line, email: "", date: new Date(0).toISOString() };
  return { name: m[1]!, email: m[2]!, date: isoFromGit(m[3]!) };
}

/** A bare repository driven through the git CLI: the emulator's only storage. */
export class BareRepo {
  private refQueue: Promise<unknown> = Promise.resolve();
  private readonly types = new Map<string, string>();

  constructor(readonly dir: string) {}

  /** Runs git in the repository and returns stdout; throws GitError on a non-zero exit unless `allow` lists the code. */
  async run(args: string[], opts: { input?: string | Buffer; env?: Record<string, string>; allow?: number[] } = {}): Promise<{ stdout: Buffer; code: number }> {
    const child = spawn("git", args, {
      cwd: this.dir,
      env: {
        ...process.env,
        // the host's git configuration must not change what the emulator writes (signing, hooks, …)
        GIT_CONFIG_NOSYSTEM: "1",
        GIT_CONFIG_GLOBAL: devNull,
        GIT_TERMINAL_PROMPT: "0",
        ...opts.env,
      },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    child.stdin.on("error", () => undefined); // git may exit before reading all input
    child.stdin.end(opts.input ?? "");
    const code: number = await new Promise((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (c) => resolve(c ?? 1));
    });
    if (code !== 0 && !(opts.allow ?? []).includes(code)) throw new GitError(args, code, Buffer.concat(err).toString());
    return { stdout: Buffer.concat(out), code };
  }

  /** Runs git and returns trimmed stdout text. */
  async text(args: string[], opts: { input?: string | Buffer; env?: Record<string, string> } = {}): Promise<string> {
    return (await this.run(args, opts)).stdout.toString("utf8").trim();
  }

  /** Serialises ref updates of this repository, as GitHub does per repository. */
  withRefLock<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.refQueue.then(fn, fn);
    this.refQueue = next.catch(() => undefined);
    return next;
  }

  /** Stores a blob and returns its sha. */
  async writeBlob(content: Buffer | string): Promise<string> {
    return this.text(["hash-object", "-w", "--stdin"], { input: content });
  }

  /** The type of an object, or null when it does not exist. */
  async objectType(sha: string): Promise<string | null> {
    if (!/^[0-9a-f]{4,40}$/i.test(sha)) return null;
    const known = this.types.get(sha);
    if (known) return known;
    const r = await this.run(["cat-file", "-t", sha], { allow: [1, 128] });
    if (r.code !== 0) return null;
    const type = r.stdout.toString().trim();
    // objects never change once written, so a found type stays true (a missing one may appear later)
    if (sha.length === 40) this.types.set(sha, type);
    return type;
  }

  /** Resolves a revision (sha, branch, tag, `refs/...`) to a full sha of the given type, or null. */
  async resolve(rev: string, type: "commit" | "tree" | "object" = "commit"): Promise<string | null> {
    if (!rev || rev.startsWith("-")) return null;
    const suffix = type === "object" ? "" : `^{${type}}`;
    const r = await this.run(["rev-parse", "--verify", "-q", `${rev}${suffix}`], { allow: [1, 128] });
    return r.code === 0 ? r.stdout.toString().trim() : null;
  }

  /** The sha a fully qualified ref points to, or null. */
  async readRef(ref: string): Promise<string | null> {
    const r = await this.run(["rev-parse", "--verify", "-q", ref], { allow: [1, 128] });
    return r.code === 0 ? r.stdout.toString().trim() : null;
  }

  /** Compare-and-swap of a ref: moves it to `next` only while it still points to `expected` (null: must not exist). */
  async casRef(ref: string, next: string, expected: string | null): Promise<boolean> {
    const r = await this.run(["update-ref", ref, next, expected ?? ZERO_SHA], { allow: [1, 128] });
    return r.code === 0;
  }

  /** Deletes a ref; false when it did not exist. */
  async deleteRef(ref: string): Promise<boolean> {
    const current = await this.readRef(ref);
    if (!current) return false;
    return (await this.run(["update-ref", "-d", ref, current], { allow: [1, 128] })).code === 0;
  }

  /** Fully qualified refs under a prefix with their shas. */
  async listRefs(prefix: string): Promise<Array<{ ref: string; sha: string; type: string }>> {
    const out = await this.text(["for-each-ref", "--format=%(refname) %(objectname) %(objecttype)", prefix]);
    return out
      .split("\n")
      .filter(Boolean)
      .map((line) => {
        const [ref, sha, type] = line.split(" ");
        return { ref: ref!, sha: sha!, type: type! };
      });
  }

  /** Reads and parses a commit object. */
  async readCommit(sha: string): Promise<GitCommitObject> {
    const raw = (await this.run(["cat-file", "commit", sha])).stdout.toString("utf8");
    const split = raw.indexOf("\n\n");
    const headers = (split >= 0 ? raw.slice(0, split) : raw).split("\n");
    const message = split >= 0 ? raw.slice(split + 2) : "";
    const commit: GitCommitObject = { sha, tree: "", parents: [], author: parsePerson(""), committer: parsePerson(""), message };
    for (const line of headers) {
      const space = line.indexOf(" ");
      const key = line.slice(0, space);
      const value = line.slice(space + 1);
      if (key === "tree") commit.tree = value;
      else if (key === "parent") commit.parents.push(value);
      else if (key === "author") commit.author = parsePerson(value);
      else if (key === "committer") commit.committer = parsePerson(value);
    }
    return commit;
  }

  /** Lists a tree (recursively with subtrees when asked), with blob sizes. */
  async lsTree(tree: string, recursive: boolean): Promise<GitTreeEntry[]> {
    const out = (await this.run(["ls-tree", "-l", "-z", ...(recursive ? ["-r", "-t"] : []), tree])).stdout.toString("utf8");
    return out
      .split("\0")
      .filter(Boolean)
      .map((line) => {
        const tab = line.indexOf("\t");
        const [mode, type, sha, size] = line.slice(0, tab).split(/ +/);
        return { mode: mode!, type: type as GitTreeEntry["type"], sha: sha!, size: size === "-" ? null : Number(size), path: line.slice(tab + 1) };
      });
  }

  /** The bytes of a blob. */
  async readBlob(sha: string): Promise<Buffer> {
    return (await this.run(["cat-file", "blob", sha])).stdout;
  }

  /** Builds a tree from a base tree (or nothing) and changes, through a private temporary index. */
  async buildTree(base: string | null, changes: TreeChange[]): Promise<string> {
    const index = join(tmpdir(), `github-emulator-index-${process.pid}-${randomBytes(6).toString("hex")}`);
    const env = { GIT_INDEX_FILE: index };
    try {
      await this.run(base ? ["read-tree", base] : ["read-tree", "--empty"], { env });
      const under = async (path: string) =>
        (await this.run(["ls-files", "-z", "--", path], { env })).stdout
          .toString("utf8")
          .split("\0")
          .filter((p) => p === path || p.startsWith(`${path}/`));
      // consecutive file entries go to git in one batch; deletions and subtrees need the index as it is at their turn
      let batch: string[] = [];
      const flush = async () => {
        if (batch.length) await this.run(["update-index", "--add", "--replace", "--index-info"], { env, input: batch.join("") });
        batch = [];
      };
      for (const change of changes) {
        if ("delete" in change || change.mode === "040000") {
          await flush();
          const gone = await under(change.path);
          // mode 0 removes an entry; --force-remove would demand a work tree, which a bare repository lacks
          if (gone.length) await this.run(["update-index", "--index-info"], { env, input: gone.map((p) => `0 ${ZERO_SHA}\t${p}\n`).join("") });
          if (!("delete" in change)) await this.run(["read-tree", `--prefix=${change.path}/`, change.sha], { env });
        } else {
          batch.push(`${change.mode} ${change.sha}\t${change.path}\n`);
        }
      }
      await flush();
      return await this.text(["write-tree"], { env });
    } finally {
      await rm(index, { force: true });
    }
  }

  /** Writes a commit object; identities default to the given fallback. */
  async commitTree(input: { tree: string; parents: string[]; message: string; author: GitPerson; committer: GitPerson }): Promise<string> {
    const env = {
      GIT_AUTHOR_NAME: input.author.name,
      GIT_AUTHOR_EMAIL: input.author.email,
      GIT_AUTHOR_DATE: input.author.date,
      GIT_COMMITTER_NAME: input.committer.name,
      GIT_COMMITTER_EMAIL: input.committer.email,
      GIT_COMMITTER_DATE: input.committer.date,
    };
    const args = ["commit-tree", input.tree, ...input.parents.flatMap((p) => ["-p", p]), "-F", "-"];
    return this.text(args, { input: input.message, env });
  }

  /** True when `ancestor` is reachable from `descendant`. */
  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    return (await this.run(["merge-base", "--is-ancestor", ancestor, descendant], { allow: [1] })).code === 0;
  }

  /** The best common ancestor, or null for unrelated histories. */
  async mergeBase(a: string, b: string): Promise<string | null> {
    const r = await this.run(["merge-base", a, b], { allow: [1] });
    return r.code === 0 ? r.stdout.toString().trim() : null;
  }

  /** A three-way merge of two commits without a work tree: the tree, or null on conflicts. */
  async mergeTrees(base: string, head: string): Promise<string | null> {
    const r = await this.run(["merge-tree", "--write-tree", "--no-messages", base, head], { allow: [1] });
    return r.code === 0 ? (r.stdout.toString().split("\n")[0] ?? "").trim() : null;
  }

  /** Commit shas reachable from `from`, newest first, optionally excluding `exclude`'s history and filtered by path and time. */
  async revList(from: string, opts: { exclude?: string; path?: string; since?: string; until?: string } = {}): Promise<string[]> {
    const args = ["rev-list", "--topo-order"];
    if (opts.since) args.push(`--since=${opts.since}`);
    if (opts.until) args.push(`--until=${opts.until}`);
    args.push(from);
    if (opts.exclude) args.push(`^${opts.exclude}`);
    if (opts.path) args.push("--", opts.path);
    return (await this.text(args)).split("\n").filter(Boolean);
  }

  /** Changed paths between two trees or commits (`from` null: everything in `to` is added). */
  async diff(from: string | null, to: string): Promise<GitFileChange[]> {
    const base = from ?? (await this.buildTree(null, []));
    const raw = (await this.run(["diff-tree", "-r", "-z", "--no-renames", "--raw", base, to])).stdout.toString("utf8").split("\0");
    const changes: GitFileChange[] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const meta = raw[i]!;
      if (!meta.startsWith(":")) break;
      const [, , oldSha, newSha, status] = meta.slice(1).split(" ");
      changes.push({
        path: raw[i + 1]!,
        status: status === "A" ? "added" : status === "D" ? "removed" : "modified",
        oldSha: oldSha!,
        newSha: newSha!,
        additions: 0,
        deletions: 0,
      });
    }
    const numstat = (await this.run(["diff-tree", "-r", "-z", "--no-renames", "--numstat", base, to])).stdout.toString("utf8").split("\0");
    for (const entry of numstat) {
      const m = /^(\d+|-)\t(\d+|-)\t(.*)$/s.exec(entry);
      const change = m ? changes.find((c) => c.path === m[3]) : undefined;
      if (!m || !change) continue;
      change.additions = m[1] === "-" ? 0 : Number(m[1]);
      change.deletions = m[2] === "-" ? 0 : Number(m[2]);
    }
    return changes;
  }

  /** The unified diff hunks of one path between two trees, without the file header (as GitHub's `patch`). */
  async patch(from: string | null, to: string, path: string): Promise<string> {
    const base = from ?? (await this.buildTree(null, []));
    const out = (await this.run(["diff-tree", "-p", "--no-renames", base, to, "--", path])).stdout.toString("utf8");
    const hunk = out.indexOf("\n@@");
    return hunk >= 0 ? out.slice(hunk + 1).replace(/\n$/, "") : "";
  }
}
