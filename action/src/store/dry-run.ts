import type { Files, Snapshot, Store } from "../model/index.js";

/** What a dry run would have done: each commit's message and files, and each fix branch. */
export interface DryRunRecord {
  commits: Array<{ message: string; files: string[] }>;
  branches: Array<{ branch: string; files: string[] }>;
}

/**
 * A store that reads through `base` and writes nothing: each commit lands in memory over the base's
 * head (so a run's later commits build on its earlier ones, as they would), and `record` says what
 * would have been committed. For `pipemedic investigate --dry-run`.
 */
export function dryRunStore(base: Store): Store & { record: DryRunRecord } {
  const pending = new Map<string, string>();
  const record: DryRunRecord = { commits: [], branches: [] };
  const snapshot = async (): Promise<Snapshot> => {
    const head = await base.snapshot();
    const frozen = new Map(pending);
    return {
      read: async (path) => frozen.get(path) ?? (await head.read(path)),
      list: async (prefix) => {
        const p = prefix === "" || prefix.endsWith("/") ? prefix : `${prefix}/`;
        const own = [...frozen.keys()].filter((k) => k.startsWith(p));
        return [...new Set([...(await head.list(prefix)), ...own])].sort();
      },
    };
  };
  return {
    record,
    snapshot,
    async commit(message: string, build: (head: Snapshot) => Promise<Files | null>) {
      const files = await build(await snapshot());
      if (!files || !Object.keys(files).length) return { sha: null, attempts: 1 };
      for (const [k, v] of Object.entries(files)) pending.set(k, v);
      record.commits.push({ message, files: Object.keys(files).sort() });
      return { sha: null, attempts: 1 };
    },
    proposeBranch(input) {
      record.branches.push({ branch: input.branch, files: Object.keys(input.files).sort() });
      return Promise.resolve({ branch: input.branch, sha: "dry-run", created: false });
    },
    linkTo: (path) => base.linkTo(path),
  };
}
