import type { BareRepo } from "./git.js";

/** An answer a route gives: status, JSON body and extra headers. */
export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A refusal in GitHub's shape: handlers throw it and the server sends it as is. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body.message === "string" ? body.message : String(status));
  }
}

const DOCS = "https://docs.github.com/rest";

/** A 404 the way GitHub words it. */
export function notFound(docs = DOCS): HttpError {
  return new HttpError(404, { message: "Not Found", documentation_url: docs, status: "404" });
}

/** A 422 "Validation Failed" with GitHub's `errors` list. */
export function validationFailed(errors: Array<{ resource: string; code: string; field?: string; message?: string }>, docs = DOCS): HttpError {
  return new HttpError(422, { message: "Validation Failed", errors, documentation_url: docs, status: "422" });
}

/** A 422 with a single message, as GitHub answers malformed git data. */
export function unprocessable(message: string, docs = DOCS): HttpError {
  return new HttpError(422, { message, documentation_url: docs, status: "422" });
}

/** A user or bot the emulator knows. */
export interface UserState {
  login: string;
  id: number;
  type: "User" | "Bot" | "Organization";
}

/** A label of a repository. */
export interface LabelState {
  id: number;
  name: string;
  color: string;
}

/** A pull request as stored by the emulator; its head sha is read from the branch when shown. */
export interface PullState {
  number: number;
  id: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  draft: boolean;
  head: string;
  base: string;
  /** The head sha last seen, kept when the branch is deleted. */
  headSha: string;
  user: string;
  labels: string[];
  requestedReviewers: string[];
  maintainerCanModify: boolean;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
  mergedBy: string | null;
  mergeCommitSha: string | null;
}

/** A deployment and its statuses. */
export interface DeploymentState {
  id: number;
  sha: string;
  ref: string;
  task: string;
  environment: string;
  description: string | null;
  payload: Record<string, unknown> | string;
  creator: string;
  transient: boolean;
  production: boolean;
  createdAt: string;
  statuses: Array<{
    id: number;
    state: string;
    description: string;
    environment: string;
    targetUrl: string;
    logUrl: string;
    environmentUrl: string;
    creator: string;
    createdAt: string;
  }>;
}

/** One repository of the emulator, backed by a bare git repository. */
export interface RepoState {
  owner: string;
  name: string;
  id: number;
  defaultBranch: string;
  git: BareRepo;
  createdAt: string;
  private: boolean;
  collaborators: Set<string>;
  pulls: PullState[];
  labels: Map<string, LabelState>;
  deployments: DeploymentState[];
  /** Issues and pull requests share one number sequence, as on GitHub. */
  nextNumber: number;
}

/** A repository_dispatch event received by the emulator. */
export interface DispatchEvent {
  owner: string;
  repo: string;
  event_type: string;
  client_payload: Record<string, unknown>;
}

/** One request as the emulator saw it. */
export interface CallRecord {
  method: string;
  path: string;
  /** The OpenAPI operationId, "graphql" or null when no operation matched. */
  operationId: string | null;
  status: number;
  injected: boolean;
  query: Record<string, string>;
  body: unknown;
}

/** A breach of the contract: by the emulator (an invalid response) or a gap (an unimplemented operation). */
export interface Violation {
  kind: "response" | "unimplemented" | "crash";
  operationId: string | null;
  method: string;
  path: string;
  status: number;
  message: string;
}

/** ISO date-time without milliseconds, as GitHub prints it. */
export function isoNow(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
}
