/** The ports the layers receive. Adapters implement them; the layers never do I/O themselves. */

export interface Clock {
  /** Epoch milliseconds. In replay, the scenario's `now`. */
  now(): number;
}

/** Live progress: the Action's log groups, a terminal line, or nothing. */
export interface Progress {
  phase(name: string): void;
  info(message: string): void;
  warn(message: string): void;
  check(line: { key: string; verdict: string; finding: string; ms: number }): void;
}

/** Files of one commit: repository-relative path → content. */
export type Files = Record<string, string>;

/** Reads files as of the branch head a commit attempt is building on. */
export interface Snapshot {
  read(path: string): Promise<string | null>;
  list(prefix: string): Promise<string[]>;
}

/** The git port: every write is one commit, built against the head it lands on (compare-and-swap). */
export interface Store {
  /** Reads the current head of the store's branch. */
  snapshot(): Promise<Snapshot>;
  /**
   * Commits the files `build` returns, on top of the head it was given. When the head moved before
   * the commit landed, `build` runs again on the new head, so derived files are regenerated, never lost.
   */
  commit(message: string, build: (head: Snapshot) => Promise<Files | null>): Promise<{ sha: string | null; attempts: number }>;
  /** Creates or updates a branch from the store's branch head with `files` changed: one commit, never a duplicate. */
  proposeBranch(input: { branch: string; message: string; files: Files; removes?: string[] }): Promise<{ branch: string; sha: string; created: boolean }>;
  /** A link or path that shows a repository path to a person. */
  linkTo(path: string): string;
}

/** Optional LLM port (issue: LLM reasoning). Absent when no key is configured. */
export interface Llm {
  readonly model: string;
}

export const silentProgress: Progress = {
  phase() {},
  info() {},
  warn() {},
  check() {},
};

/** A pull request as the forge reports it. */
export interface PullRequestRef {
  number: number;
  url: string;
  created: boolean;
}

/** The forge port (GitHub): pull requests for fixes. Absent locally, where a fix stays a branch. */
export interface Forge {
  /** Opens a pull request for `branch`, or updates the open one for it: never a duplicate. */
  openPullRequest(input: {
    branch: string;
    title: string;
    body: string;
    draft: boolean;
    labels: string[];
    reviewers: string[];
  }): Promise<PullRequestRef>;
}
