import type { Files, Snapshot, Store } from "../model/index.js";

/** Lists the paths of a file map under a prefix, sorted. */
export function listPrefix(files: ReadonlyMap<string, string>, prefix: string): string[] {
  const p = prefix === "" || prefix.endsWith("/") ? prefix : `${prefix}/`;
  return [...files.keys()].filter((k) => k.startsWith(p)).sort();
}

/** An in-memory store for replay and eval: the same commit semantics as git, with no disk. */
export class MemoryStore implements Store {
  private files: Map<string, string>;
  readonly commits: Array<{ message: string; files: string[] }> = [];
  readonly branches = new Map<string, Map<string, string>>();

  constructor(initial: Files = {}) {
    this.files = new Map(Object.entries(initial));
  }

  async snapshot(): Promise<Snapshot> {
    const frozen = new Map(this.files);
    return {
      read: async (path) => frozen.get(path) ?? null,
      list: async (prefix) => listPrefix(frozen, prefix),
    };
  }

  async commit(message: string, build: (head: Snapshot) => Promise<Files | null>) {
    const files = await build(await this.snapshot());
    if (!files || !Object.keys(files).length) return { sha: null, attempts: 1 };
    for (const [k, v] of Object.entries(files)) this.files.set(k, v);
    this.commits.push({ message, files: Object.keys(files) });
    return { sha: `memory-${this.commits.length}`, attempts: 1 };
  }

  async proposeBranch(input: { branch: string; message: string; files: Files; removes?: string[] }) {
    const created = !this.branches.has(input.branch);
    const tree = new Map(this.files);
    for (const [k, v] of Object.entries(input.files)) tree.set(k, v);
    for (const r of input.removes ?? []) tree.delete(r);
    this.branches.set(input.branch, tree);
    return { branch: input.branch, sha: `memory-branch-${this.branches.size}`, created };
  }

  linkTo(path: string): string {
    return path;
  }

  /** The current content of a path (for tests and eval). */
  get(path: string): string | undefined {
    return this.files.get(path);
  }
}
