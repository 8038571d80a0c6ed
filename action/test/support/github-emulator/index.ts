/**
 * A GitHub API emulator for tests: REST and GraphQL on 127.0.0.1, backed by real bare git
 * repositories, holding every request and response to GitHub's own descriptions.
 *
 *   const emu = await startGitHubEmulator();
 *   const dir = await emu.createRepo("acme", "data", { files: { "README.md": "# data\n" } });
 *   const octokit = createOctokit({ token: "t", baseUrl: emu.url });
 *   …
 *   emu.assertNoViolations(); // in afterEach
 *   await emu.close();
 */
import { Buffer } from "node:buffer";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Faults, type SecondaryRateLimitFault, type ServerFault } from "./faults.js";
import { BareRepo } from "./git.js";
import { handleGraphql } from "./graphql.js";
import { findOperation, loadContract, validateRequest, validateResponse } from "./openapi.js";
import { commitRoutes } from "./routes/commits.js";
import { contentRoutes } from "./routes/contents.js";
import { deploymentRoutes } from "./routes/deployments.js";
import { gitDataRoutes } from "./routes/git-data.js";
import { pullRoutes } from "./routes/pulls.js";
import { repoRoutes } from "./routes/repos.js";
import type { Route } from "./routes/route.js";
import { HttpError, isoNow, type CallRecord, type DispatchEvent, type PullState, type RouteResult, type Violation } from "./state.js";
import { EmulatorWorld } from "./world.js";

export type { CallRecord, DispatchEvent, PullState, SecondaryRateLimitFault, ServerFault, Violation };
export { SECONDARY_RATE_LIMIT_MESSAGE } from "./faults.js";

/** Options of the emulator. */
export interface GitHubEmulatorOptions {
  /** The login of the authenticated user (author of pull requests and API commits). Default "pipemedic-bot". */
  viewer?: string;
  /** When set, every request must carry this token (`token …` or `Bearer …`), or gets 401 "Bad credentials". */
  token?: string;
}

/** Options of a new repository. */
export interface CreateRepoOptions {
  defaultBranch?: string;
  /** Files of the initial commit; default a README. */
  files?: Record<string, string>;
  /** Logins that may be requested as reviewers; the owner always may. */
  collaborators?: string[];
  private?: boolean;
}

/** A running emulator. */
export interface GitHubEmulator {
  /** REST base URL (pass as Octokit's `baseUrl`). */
  url: string;
  graphqlUrl: string;
  /** The folder holding the bare repositories. */
  dir: string;
  /** Creates a repository with one initial commit on its default branch; returns the bare repository's path. */
  createRepo(owner: string, name: string, opts?: CreateRepoOptions): Promise<string>;
  /** Answers the next `times` matching requests with a server error. */
  inject(fault: ServerFault): void;
  /** Answers the next `times` matching requests with GitHub's secondary rate limit (403, `retry-after`). */
  injectSecondaryRateLimit(fault: Omit<SecondaryRateLimitFault, "retryAfterSeconds"> & { retryAfterSeconds?: number }): void;
  /** Lands a foreign commit on `branch` right before the next update of that branch, so the update loses a real race. */
  moveHeadBeforeNextUpdate(owner: string, repo: string, branch: string, files?: Record<string, string>): void;
  /** Every request, in arrival order. */
  readonly calls: CallRecord[];
  /** The requests to one operation (an OpenAPI operationId, or "graphql"). */
  callsTo(operationId: string): CallRecord[];
  /** repository_dispatch events received. */
  readonly dispatches: DispatchEvent[];
  /** Runs `handler` after each repository_dispatch is answered; returns an unsubscribe function. */
  onDispatch(handler: (event: DispatchEvent) => unknown): () => void;
  /** The pull requests of a repository, for assertions. */
  pulls(owner: string, repo: string): PullState[];
  /** Responses that broke the contract, unimplemented operations and crashes. */
  readonly violations: Violation[];
  /** Throws when the emulator answered anything that breaks GitHub's description, or met a gap. */
  assertNoViolations(): void;
  close(): Promise<void>;
}

const ROUTES: Record<string, Route> = { ...repoRoutes, ...gitDataRoutes, ...contentRoutes, ...pullRoutes, ...commitRoutes, ...deploymentRoutes };

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, result: RouteResult): void {
  const now = Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    "x-github-api-version-selected": "2022-11-28",
    "x-github-request-id": randomBytes(8).toString("hex").toUpperCase(),
    "x-ratelimit-limit": "5000",
    "x-ratelimit-remaining": "4999",
    "x-ratelimit-used": "1",
    "x-ratelimit-reset": String(now + 3600),
    "x-ratelimit-resource": "core",
    ...result.headers,
  };
  if (result.status === 204 || result.body === undefined) {
    res.writeHead(result.status, headers).end();
    return;
  }
  if (Buffer.isBuffer(result.body)) {
    res.writeHead(result.status, { "content-type": "application/octet-stream", ...headers }).end(result.body);
    return;
  }
  res.writeHead(result.status, { "content-type": "application/json; charset=utf-8", ...headers }).end(JSON.stringify(result.body));
}

/** Starts a GitHub API emulator on 127.0.0.1 (random port), backed by real bare git repositories in a temporary folder. */
export async function startGitHubEmulator(opts: GitHubEmulatorOptions = {}): Promise<GitHubEmulator> {
  loadContract(); // parse the description before the first request, not during it
  const dir = await mkdtemp(join(tmpdir(), "github-emulator-"));
  const world = new EmulatorWorld(opts.viewer ?? "pipemedic-bot");
  const faults = new Faults();
  const calls: CallRecord[] = [];

  const violate = (v: Violation) => {
    world.violations.push(v);
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? "GET").toUpperCase();
    const url = new URL(req.url ?? "/", world.baseUrl);
    const pathname = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, "") : url.pathname;
    const query = Object.fromEntries(url.searchParams.entries());
    const raw = await readBody(req);
    const record: CallRecord = { method, path: pathname, operationId: null, status: 0, injected: false, query, body: undefined };
    calls.push(record);
    const answer = (result: RouteResult) => {
      record.status = result.status;
      send(res, result);
    };

    let body: unknown;
    if (raw.length) {
      try {
        body = JSON.parse(raw.toString("utf8"));
      } catch {
        return answer({ status: 400, body: { message: "Problems parsing JSON", documentation_url: "https://docs.github.com/rest", status: "400" } });
      }
    }
    record.body = body;

    const isGraphql = pathname === "/graphql" && method === "POST";
    const found = isGraphql ? null : findOperation(method, pathname);
    record.operationId = isGraphql ? "graphql" : (found?.op.operationId ?? null);

    const fault = faults.take(method, pathname);
    if (fault) {
      record.injected = true;
      return answer(fault);
    }
    if (opts.token) {
      const auth = String(req.headers.authorization ?? "");
      if (auth !== `token ${opts.token}` && auth !== `Bearer ${opts.token}`) {
        return answer({ status: 401, body: { message: "Bad credentials", documentation_url: "https://docs.github.com/rest", status: "401" } });
      }
    }

    if (isGraphql) {
      const result = await handleGraphql(world, body);
      for (const gap of result.unimplemented)
        violate({ kind: "unimplemented", operationId: "graphql", method, path: pathname, status: result.status, message: gap });
      return answer(result);
    }

    if (!found) {
      return answer({ status: 404, body: { message: "Not Found", documentation_url: "https://docs.github.com/rest", status: "404" } });
    }
    const { op, params } = found;
    const checked = validateRequest(op, params, query, body);
    if (!checked.ok) {
      return answer({
        status: 422,
        body: { message: `Invalid request.\n\n${checked.message}`, documentation_url: "https://docs.github.com/rest", status: "422" },
      });
    }
    const route = ROUTES[op.operationId];
    if (!route) {
      violate({
        kind: "unimplemented",
        operationId: op.operationId,
        method,
        path: pathname,
        status: 404,
        message: `the emulator does not implement ${op.operationId} (${op.method} ${op.template})`,
      });
      return answer({ status: 404, body: { message: "Not Found", documentation_url: "https://docs.github.com/rest", status: "404" } });
    }
    let result: RouteResult;
    const repo = params.owner !== undefined && params.repo !== undefined ? world.repo(params.owner, params.repo) : undefined;
    try {
      if (!repo) throw new HttpError(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest", status: "404" });
      result = await route({ world, repo, params, query: checked.query, body, headers: req.headers });
    } catch (error) {
      if (error instanceof HttpError) result = { status: error.status, body: error.body, headers: error.headers };
      else {
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
        violate({ kind: "crash", operationId: op.operationId, method, path: pathname, status: 500, message });
        result = { status: 500, body: { message: "Server Error" } };
      }
    }
    if (!Buffer.isBuffer(result.body) && result.status < 500) {
      const problem = validateResponse(op, result.status, result.status === 204 ? undefined : result.body);
      if (problem) violate({ kind: "response", operationId: op.operationId, method, path: pathname, status: result.status, message: problem });
    }
    return answer(result);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      violate({
        kind: "crash",
        operationId: null,
        method: req.method ?? "",
        path: req.url ?? "",
        status: 500,
        message: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: "Server Error" }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  world.baseUrl = `http://127.0.0.1:${port}`;

  return {
    url: world.baseUrl,
    graphqlUrl: `${world.baseUrl}/graphql`,
    dir,
    calls,
    dispatches: world.dispatches,
    violations: world.violations,

    async createRepo(owner, name, repoOpts = {}) {
      if (world.repo(owner, name)) throw new Error(`github emulator: ${owner}/${name} already exists; use another name per test`);
      const path = join(dir, owner, `${name}.git`);
      await mkdir(path, { recursive: true });
      const git = new BareRepo(path);
      const defaultBranch = repoOpts.defaultBranch ?? "main";
      await git.run(["init", "-q", "--bare", `--initial-branch=${defaultBranch}`, "."]);
      const files = repoOpts.files ?? { "README.md": `# ${name}\n` };
      const changes = [];
      for (const [file, content] of Object.entries(files)) changes.push({ path: file, mode: "100644" as const, sha: await git.writeBlob(content) });
      const tree = await git.buildTree(null, changes);
      const who = { name: owner, email: `${owner}@example.invalid`, date: isoNow() };
      const sha = await git.commitTree({ tree, parents: [], message: "Initial commit\n", author: who, committer: who });
      await git.casRef(`refs/heads/${defaultBranch}`, sha, null);
      world.user(owner);
      world.repos.set(`${owner}/${name}`.toLowerCase(), {
        owner,
        name,
        id: world.nextId(),
        defaultBranch,
        git,
        createdAt: isoNow(),
        private: repoOpts.private ?? false,
        collaborators: new Set([owner, world.viewer.login, ...(repoOpts.collaborators ?? [])]),
        pulls: [],
        labels: new Map(),
        deployments: [],
        nextNumber: 1,
      });
      return path;
    },

    inject: (fault) => faults.inject(fault),
    injectSecondaryRateLimit: (fault) => faults.injectSecondaryRateLimit({ ...fault, retryAfterSeconds: fault.retryAfterSeconds ?? 60 }),
    moveHeadBeforeNextUpdate(owner, repo, branch, files = {}) {
      world.races.push({ owner, repo, branch, files });
    },
    callsTo: (operationId) => calls.filter((c) => c.operationId === operationId),
    onDispatch(handler) {
      world.dispatchHandlers.add(handler);
      return () => world.dispatchHandlers.delete(handler);
    },
    pulls(owner, repo) {
      return world.repo(owner, repo)?.pulls ?? [];
    },
    assertNoViolations() {
      if (!world.violations.length) return;
      const lines = world.violations.map((v) => `- [${v.kind}] ${v.method} ${v.path} (${v.operationId ?? "no operation"}) → ${v.status}: ${v.message}`);
      throw new Error(`github emulator: ${world.violations.length} contract violation(s):\n${lines.join("\n")}`);
    },
    async close() {
      for (const repo of world.repos.values()) repo.git.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
