import type { Pattern } from "../patterns.js";
import type { LlmUsage } from "./investigation.js";

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

/** What the LLM is allowed to do for an incident, from the policy. */
export interface LlmTasks {
  /** At most this many extra hypotheses per incident. */
  maxProposals: number;
  /** LLM priors are lowered to this. */
  maxPrior: number;
  narrative: boolean;
  fix: boolean;
}

/** Per-incident limits of LLM use. Every call is admitted against them before it is sent. */
export interface LlmBudget {
  /** HTTP attempts, retries included: a retry costs what a first try costs. */
  calls: number;
  inputTokens: number;
  outputTokens: number;
  /** Total time spent waiting on the provider, not time since the incident opened. */
  wallMs: number;
  /** One attempt's timeout; capped by what is left of wallMs. */
  callTimeoutMs: number;
  /** Transport retries (429, 5xx, timeouts) inside one call, capped by calls left. */
  retries: number;
  /** Re-asks after a reply that is malformed, oversized or violates the schema. */
  repairs: number;
  /** Largest completion one call may ask for. */
  maxOutputPerCall: number;
}

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** One structured request: the reply must be a JSON object, ideally matching `schema`. */
export interface CompletionRequest {
  /** Names the task in reasons and errors (`proposals`, `narrative`, `fix`). */
  task: string;
  messages: ChatMessage[];
  schema: { name: string; schema: Record<string, unknown> };
}

/**
 * A reply, or why there is none. `repairable` failures (malformed, oversized, truncated) may be
 * re-asked; the others already had their transport retries or were refused by the budget.
 */
export type Completion = { ok: true; content: string } | { ok: false; reason: string; repairable: boolean };

/**
 * The optional LLM port: absent when no key is configured. It proposes and writes; it never decides
 * a verdict. One instance serves one incident (`forIncident` starts the next with a fresh budget).
 */
export interface Llm {
  readonly model: string;
  readonly tasks: LlmTasks;
  readonly redactPatterns: Pattern[];
  readonly budget: LlmBudget;
  /** Sends one request within the budget. Never throws: provider problems come back as reasons. */
  complete(request: CompletionRequest): Promise<Completion>;
  /** Records that a task gave up, so the report can say the LLM's part is missing. */
  giveUp(reason: string): void;
  /** Records a problem that did not stop the task (a rejected proposal, a repaired reply). */
  note(reason: string): void;
  /** This incident's usage so far. */
  usage(): LlmUsage;
  /** A client with the same settings and a fresh budget, for the next incident. */
  forIncident(): Llm;
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
  openPullRequest(input: { branch: string; title: string; body: string; draft: boolean; labels: string[]; reviewers: string[] }): Promise<PullRequestRef>;
}
