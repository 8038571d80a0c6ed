import type { Files, Snapshot, Store } from "../model/index.js";

/** Lists the paths of a file map under a prefix, sorted. */
export function listPrefix(files: ReadonlyMap<string, string>, prefix: string): string[] {
  const p = prefix === "" || prefix.endsWith("/") ? prefix : `${prefix}/`;
  return [...files.keys()].filter((k) => k.startsWith(p)).sort();
}

/** Compare-and-swap attempts before a commit gives up, as the git stores do. */
const MAX_ATTEMPTS = 64;

function sameFiles(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

/** An in-memory store for replay and eval: the same commit semantics as git, with no disk. */
export class MemoryStore implements Store {
  private files: Map<string, string>;
  readonly commits: Array<{ message: string; files: string[] }> = [];
  readonly branches = new Map<string, Map<string, string>>();
  // What each proposed branch was built on and its last commit's name, so an unchanged proposal is left alone.
  private readonly proposals = new Map<string, { base: number; sha: string }>();
  private branchCommits = 0;

  constructor(initial: Files = {}) {
    this.files = new Map(Object.entries(initial));
  }

  snapshot(): Promise<Snapshot> {
    const frozen = new Map(this.files);
    const head: Snapshot = {
      read: (path) => Promise.resolve(frozen.get(path) ?? null),
      list: (prefix) => Promise.resolve(listPrefix(frozen, prefix)),
    };
    return Promise.resolve(head);
  }

  /** Commits what `build` returns; when another commit landed while it ran, it runs again on the new head. */
  async commit(message: string, build: (head: Snapshot) => Promise<Files | null>) {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const head = this.commits.length;
      const files = await build(await this.snapshot());
      if (!files || !Object.keys(files).length) return { sha: null, attempts: attempt };
      if (this.commits.length !== head) continue; // the head moved during the build: rebuild on the new one
      const changed = Object.entries(files).filter(([k, v]) => this.files.get(k) !== v);
      if (!changed.length) return { sha: null, attempts: attempt }; // same content: a rerun changes nothing
      for (const [k, v] of changed) this.files.set(k, v);
      this.commits.push({ message, files: Object.keys(files) });
      return { sha: `memory-${this.commits.length}`, attempts: attempt };
    }
    throw new Error(`could not commit "${message}" after ${MAX_ATTEMPTS} attempts: the store kept moving under concurrent commits`);
  }

  proposeBranch(input: { branch: string; message: string; files: Files; removes?: string[] }): ReturnType<Store["proposeBranch"]> {
    const tree = new Map(this.files);
    for (const [k, v] of Object.entries(input.files)) tree.set(k, v);
    for (const r of input.removes ?? []) tree.delete(r);
    const base = this.commits.length;
    const existing = this.proposals.get(input.branch);
    const current = this.branches.get(input.branch);
    // same change on the same base: leave the branch (and its pull request) untouched
    if (existing && current && existing.base === base && sameFiles(current, tree)) {
      return Promise.resolve({ branch: input.branch, sha: existing.sha, created: false });
    }
    const sha = `memory-branch-${++this.branchCommits}`;
    this.branches.set(input.branch, tree);
    this.proposals.set(input.branch, { base, sha });
    return Promise.resolve({ branch: input.branch, sha, created: !existing });
  }

  linkTo(path: string): string {
    return path;
  }

  /** The current content of a path (for tests and eval). */
  get(path: string): string | undefined {
    return this.files.get(path);
  }
}
