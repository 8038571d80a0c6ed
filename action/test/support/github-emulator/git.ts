import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdir, rename, stat, writeFile } from "node:fs/promises";
import { devNull } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { deflate } from "node:zlib";

const deflateAsync = promisify(deflate);

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

const GIT_ENV = {
  // the host's git configuration must not change what the emulator writes (signing, hooks, …)
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: devNull,
  GIT_TERMINAL_PROMPT: "0",
};

/**
 * One long-lived `git cat-file --batch` per repository: objects are immutable, so reading them by
 * full sha through one process answers what would otherwise cost a process spawn per read (the
 * emulator's main cost when many writers race). Requests are answered in order.
 */
class ObjectReader {
  private child: ChildProcessWithoutNullStreams | null = null;
  private buffer = Buffer.alloc(0);
  private readonly waiting: Array<{ resolve: (o: { type: string; size: number; body: Buffer } | null) => void; reject: (e: Error) => void }> = [];

  /** `--batch` answers with the object's bytes; `--batch-check` with its type and size only. */
  constructor(
    private readonly dir: string,
    private readonly mode: "--batch" | "--batch-check" = "--batch",
  ) {}

  read(name: string): Promise<{ type: string; size: number; body: Buffer } | null> {
    const child = this.start();
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      child.stdin.write(`${name}\n`);
    });
  }

  close(): void {
    this.child?.stdin.end();
    this.child = null;
  }

  private start(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const child = spawn("git", ["cat-file", this.mode], { cwd: this.dir, env: { ...process.env, ...GIT_ENV }, stdio: ["pipe", "pipe", "pipe"] });
    child.stdout.on("data", (d: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, d]);
      this.drain();
    });
    const fail = (error: Error) => {
      if (this.child === child) this.child = null;
      for (const w of this.waiting.splice(0)) w.reject(error);
    };
    child.on("error", fail);
    child.on("close", (code) => fail(new Error(`git cat-file --batch exited ${code}`)));
    child.stdin.on("error", () => undefined);
    this.child = child;
    return child;
  }

  /** Answers `<sha> <type> <size>\n<body>\n` or `<name> missing\n` (or `ambiguous`), one per request. */
  private drain(): void {
    for (;;) {
      const eol = this.buffer.indexOf(10);
      if (eol < 0 || !this.waiting.length) return;
      const header = this.buffer.subarray(0, eol).toString("utf8");
      const parts = header.split(" ");
      if (parts.length !== 3) {
        this.buffer = this.buffer.subarray(eol + 1);
        this.waiting.shift()!.resolve(null);
        continue;
      }
      const size = Number(parts[2]);
      if (this.mode === "--batch-check") {
        this.buffer = this.buffer.subarray(eol + 1);
        this.waiting.shift()!.resolve({ type: parts[1]!, size, body: Buffer.alloc(0) });
        continue;
      }
      if (this.buffer.length < eol + 1 + size + 1) return;
      const body = Buffer.from(this.buffer.subarray(eol + 1, eol + 1 + size));
      this.buffer = this.buffer.subarray(eol + 1 + size + 1);
      this.waiting.shift()!.resolve({ type: parts[1]!, size, body });
    }
  }
}

const FULL_SHA = /^[0-9a-f]{40}$/;

/** One entry of a tree object as stored: mode without leading zero ("40000" for a tree). */
interface RawTreeEntry {
  mode: string;
  name: string;
  sha: string;
}

/** A tree being edited in memory: untouched subtrees stay as their sha. */
interface TreeNode {
  entries: Map<string, { mode: string; sha: string } | TreeNode>;
}

const isNode = (e: { mode: string; sha: string } | TreeNode): e is TreeNode => "entries" in e;

function typeOfMode(mode: string): GitTreeEntry["type"] {
  return mode === "40000" || mode === "040000" ? "tree" : mode === "160000" ? "commit" : "blob";
}

/** Tree objects sort entries by name, a subtree as if its name ended in "/". */
function treeOrder(a: [string, string], b: [string, string]): number {
  const ka = Buffer.from(a[1] === "40000" ? `${a[0]}/` : a[0]);
  const kb = Buffer.from(b[1] === "40000" ? `${b[0]}/` : b[0]);
  return Buffer.compare(ka, kb);
}

/** A bare repository driven through the git CLI: the emulator's only storage. */
export class BareRepo {
  private refQueue: Promise<unknown> = Promise.resolve();
  private readonly types = new Map<string, string>();
  private readonly objects: ObjectReader;

  private readonly sizes: ObjectReader;

  constructor(readonly dir: string) {
    this.objects = new ObjectReader(dir);
    this.sizes = new ObjectReader(dir, "--batch-check");
  }

  /** Stops the object readers (the emulator's close). */
  close(): void {
    this.objects.close();
    this.sizes.close();
  }

  /** Writes an object as git writes a loose one (zlib of `<type> <size>\0<bytes>` at objects/xx/yyyy…). */
  private async writeObject(type: "blob" | "tree", bytes: Buffer): Promise<string> {
    const raw = Buffer.concat([Buffer.from(`${type} ${bytes.length}\0`), bytes]);
    const sha = createHash("sha1").update(raw).digest("hex");
    if (this.types.get(sha) === type) return sha;
    const folder = join(this.dir, "objects", sha.slice(0, 2));
    const file = join(folder, sha.slice(2));
    if (!(await stat(file).catch(() => null))) {
      await mkdir(folder, { recursive: true });
      const tmp = join(folder, `tmp_obj_${randomBytes(6).toString("hex")}`);
      await writeFile(tmp, await deflateAsync(raw), { mode: 0o444 });
      await rename(tmp, file);
    }
    this.types.set(sha, type);
    return sha;
  }

  /** The entries of a tree object, read through the object reader. */
  private async treeEntries(sha: string): Promise<RawTreeEntry[]> {
    const found = await this.objects.read(sha);
    if (!found || found.type !== "tree") throw new GitError(["cat-file", "tree", sha], 128, `fatal: not a tree object: ${sha}`);
    const out: RawTreeEntry[] = [];
    const b = found.body;
    for (let i = 0; i < b.length;) {
      const space = b.indexOf(32, i);
      const nul = b.indexOf(0, space);
      out.push({
        mode: b.subarray(i, space).toString("latin1"),
        name: b.subarray(space + 1, nul).toString("utf8"),
        sha: b.subarray(nul + 1, nul + 21).toString("hex"),
      });
      i = nul + 21;
    }
    return out;
  }

  /** Runs git in the repository and returns stdout; throws GitError on a non-zero exit unless `allow` lists the code. */
  async run(args: string[], opts: { input?: string | Buffer; env?: Record<string, string>; allow?: number[] } = {}): Promise<{ stdout: Buffer; code: number }> {
    const child = spawn("git", args, {
      cwd: this.dir,
      env: { ...process.env, ...GIT_ENV, ...opts.env },
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

  /**
   * Stores a blob and returns its sha, written as git writes a loose object (zlib of
   * `blob <size>\0<bytes>` at objects/xx/yyyy…), without a process per blob.
   */
  async writeBlob(content: Buffer | string): Promise<string> {
    return this.writeObject("blob", Buffer.isBuffer(content) ? content : Buffer.from(content, "utf8"));
  }

  /** The type of an object, or null when it does not exist. */
  async objectType(sha: string): Promise<string | null> {
    if (!/^[0-9a-f]{4,40}$/i.test(sha)) return null;
    const known = this.types.get(sha);
    if (known) return known;
    let type: string;
    if (FULL_SHA.test(sha)) {
      const found = await this.objects.read(sha);
      if (!found) return null;
      type = found.type;
    } else {
      const r = await this.run(["cat-file", "-t", sha], { allow: [1, 128] });
      if (r.code !== 0) return null;
      type = r.stdout.toString().trim();
    }
    // objects never change once written, so a found type stays true (a missing one may appear later)
    if (sha.length === 40) this.types.set(sha, type);
    return type;
  }

  /** Resolves a revision (sha, branch, tag, `refs/...`) to a full sha of the given type, or null. */
  async resolve(rev: string, type: "commit" | "tree" | "object" = "commit"): Promise<string | null> {
    if (!rev || rev.startsWith("-")) return null;
    const suffix = type === "object" ? "" : `^{${type}}`;
    if (FULL_SHA.test(rev)) {
      // a full sha names an immutable object: peel it through the reader; names of refs go to git, which sees them move
      if (type === "object") return (await this.objectType(rev)) ? rev : null;
      const own = await this.objectType(rev);
      if (own === type) return rev;
      if (own === "commit" && type === "tree") return (await this.readCommit(rev)).tree;
      if (!own) return null;
    }
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
    const found = FULL_SHA.test(sha) ? await this.objects.read(sha) : null;
    const raw = found?.type === "commit" ? found.body.toString("utf8") : (await this.run(["cat-file", "commit", sha])).stdout.toString("utf8");
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

  /** Lists a tree (recursively with subtrees when asked, as `ls-tree -r -t`), with blob sizes. */
  async lsTree(tree: string, recursive: boolean): Promise<GitTreeEntry[]> {
    if (!FULL_SHA.test(tree)) return this.lsTreeByGit(tree, recursive);
    const root = await this.resolve(tree, "tree"); // a commit lists its tree, as ls-tree does
    if (!root) throw new GitError(["ls-tree", tree], 128, `fatal: not a tree object`);
    const out: GitTreeEntry[] = [];
    const walk = async (sha: string, prefix: string): Promise<void> => {
      const entries = await this.treeEntries(sha);
      const sizes = await Promise.all(entries.map(async (e) => (typeOfMode(e.mode) === "blob" ? ((await this.sizes.read(e.sha))?.size ?? null) : null)));
      for (const [i, e] of entries.entries()) {
        const type = typeOfMode(e.mode);
        out.push({ mode: e.mode.padStart(6, "0"), type, sha: e.sha, size: sizes[i]!, path: `${prefix}${e.name}` });
        if (recursive && type === "tree") await walk(e.sha, `${prefix}${e.name}/`);
      }
    };
    await walk(root, "");
    return out;
  }

  /** `ls-tree` for a revision expression (`<commit>:<path>`), which only git resolves. */
  private async lsTreeByGit(tree: string, recursive: boolean): Promise<GitTreeEntry[]> {
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
    const found = FULL_SHA.test(sha) ? await this.objects.read(sha) : null;
    return found?.type === "blob" ? found.body : (await this.run(["cat-file", "blob", sha])).stdout;
  }

  /**
   * Builds a tree from a base tree (or nothing) and changes, applied in order as `update-index`
   * would: a file replaces whatever stood at its path (a folder included), a deletion removes a file
   * or a whole folder, a subtree replaces the folder. Only the folders on changed paths are rewritten;
   * empty folders vanish, as in git.
   */
  async buildTree(base: string | null, changes: TreeChange[]): Promise<string> {
    const load = async (sha: string): Promise<TreeNode> => ({
      entries: new Map((await this.treeEntries(sha)).map((e) => [e.name, { mode: e.mode, sha: e.sha }])),
    });
    const root: TreeNode = base ? await load(base) : { entries: new Map() };
    /** The folder node at `parts`, loaded or created on the way (a file in the way is replaced). */
    const folder = async (parts: string[]): Promise<TreeNode> => {
      let node = root;
      for (const part of parts) {
        const e = node.entries.get(part);
        let next: TreeNode;
        if (e && isNode(e)) next = e;
        else if (e && e.mode === "40000") next = await load(e.sha);
        else next = { entries: new Map() };
        node.entries.set(part, next);
        node = next;
      }
      return node;
    };
    for (const change of changes) {
      const parts = change.path.split("/");
      const name = parts.pop()!;
      const parent = await folder(parts);
      if ("delete" in change) parent.entries.delete(name);
      else parent.entries.set(name, { mode: change.mode === "040000" ? "40000" : change.mode, sha: change.sha });
    }
    const write = async (node: TreeNode): Promise<string | null> => {
      const rows: Array<[string, string, string]> = [];
      for (const [name, e] of node.entries) {
        if (isNode(e)) {
          const sha = await write(e);
          if (sha) rows.push([name, "40000", sha]);
        } else rows.push([name, e.mode, e.sha]);
      }
      if (!rows.length && node !== root) return null;
      rows.sort((a, b) => treeOrder([a[0], a[1]], [b[0], b[1]]));
      const body = Buffer.concat(rows.map(([name, mode, sha]) => Buffer.concat([Buffer.from(`${mode} ${name}\0`), Buffer.from(sha, "hex")])));
      return this.writeObject("tree", body);
    };
    return (await write(root))!;
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
    // the usual fast-forward: the new commit's parent is the current head
    if (FULL_SHA.test(descendant) && (await this.objectType(descendant)) === "commit" && (await this.readCommit(descendant)).parents.includes(ancestor))
      return true;
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
