import pLimit from "p-limit";
import { z } from "zod";
import { fieldText, type Capability, type ChangeQuery, type Changes, type Commit, type Deployment, type Telemetry } from "../model/index.js";

/**
 * An Octokit-style request function (`octokit.request`): a route such as
 * `GET /repos/{owner}/{repo}/commits` and its parameters; resolves with `data`, rejects on HTTP errors
 * with an error that carries `status`.
 */
export type GitHubRequest = (route: string, params?: Record<string, unknown>) => Promise<{ data: unknown }>;

export interface GitHubChangesOptions {
  /** `owner/repo` names whose commits and deployments count as changes. */
  repos: string[];
  /** The request function (tests pass one bound to an emulator). */
  request?: GitHubRequest;
  /** Or a whole Octokit client, whose `request` is used. */
  octokit?: { request: unknown };
  /** At most this many commits per repository get their files read, newest first (one call each); default 100. */
  maxCommitDetails?: number;
}

const CommitItemSchema = z.looseObject({
  sha: z.string(),
  commit: z.looseObject({
    message: z.string().default(""),
    author: z.looseObject({ name: z.string().optional(), date: z.string().optional() }).nullable().optional(),
    committer: z.looseObject({ date: z.string().optional() }).nullable().optional(),
  }),
  author: z.looseObject({ login: z.string() }).nullable().optional(),
});
const CommitDetailSchema = z.looseObject({
  files: z.array(z.looseObject({ filename: z.string(), status: z.string().default("modified"), patch: z.string().optional() })).default([]),
});
const DeploymentItemSchema = z.looseObject({
  id: z.number(),
  sha: z.string().default(""),
  ref: z.string().default(""),
  environment: z.string().default(""),
  created_at: z.string(),
  payload: z.unknown().optional(),
});
const StatusSchema = z.looseObject({ state: z.string(), created_at: z.string() });

const PER_PAGE = 100;
const MAX_COMMIT_PAGES = 10;
const MAX_DEPLOYMENT_PAGES = 5;
/** A deployment created this long before the window can still have succeeded inside it. */
const DEPLOY_SLACK_MS = 24 * 3_600_000;

/** Rejects as soon as the signal aborts, even if the request function ignores it. */
function raced<T>(p: Promise<T>, signal: AbortSignal, where: string): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error(`${where}: abandoned: the check's deadline passed`));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error(`${where}: abandoned: the check's deadline passed`));
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(
      (v) => (signal.removeEventListener("abort", onAbort), resolve(v)),
      (e) => (signal.removeEventListener("abort", onAbort), reject(e)),
    );
  });
}

/**
 * Recent changes from GitHub: commits in the window with the files and patches they touched, and
 * deployments whose first successful status (else creation) falls in the window, with their latest
 * status, for the repositories knowledge names. Read-only.
 */
export function githubChangesTelemetry(opts: GitHubChangesOptions): Telemetry {
  const send: GitHubRequest =
    opts.request ??
    (opts.octokit
      ? (route, params) => (opts.octokit!.request as GitHubRequest)(route, params)
      : () => Promise.reject(new Error("github: no request function configured")));
  const maxDetails = opts.maxCommitDetails ?? 100;
  const unsupported = (kind: string) => () => Promise.reject(new Error(`github: this adapter answers change queries, not ${kind}`));

  const split = (full: string) => {
    const [owner, repo, extra] = full.split("/");
    if (!owner || !repo || extra !== undefined) throw new Error(`github: "${full}" is not an owner/repo name`);
    return { owner, repo };
  };

  /** One call, parsed; the error names the route with its repository, the status and GitHub's message. */
  const call = async <T>(route: string, params: Record<string, unknown>, schema: z.ZodType<T>, signal: AbortSignal): Promise<T> => {
    const shown = route.replace(/\{(\w+)\}/g, (_m, k: string) => fieldText(params[k] ?? `{${k}}`));
    let data: unknown;
    try {
      ({ data } = await raced(send(route, { ...params, request: { signal } }), signal, `github ${shown}`));
    } catch (e) {
      const err = e as { status?: number; message?: string };
      if (signal.aborted) throw new Error(`github ${shown}: abandoned: the check's deadline passed`);
      if (err.message?.startsWith(`github ${shown}`)) throw e;
      throw new Error(`github ${shown}: ${err.status ? `HTTP ${err.status}: ` : ""}${err.message ?? String(e)}`);
    }
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`github ${shown}: unexpected response at ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "unreadable"}`);
    }
    return parsed.data;
  };

  const commitsOf = async (full: string, q: ChangeQuery, signal: AbortSignal): Promise<Commit[]> => {
    const { owner, repo } = split(full);
    const items: Array<z.infer<typeof CommitItemSchema>> = [];
    for (let page = 1; page <= MAX_COMMIT_PAGES; page++) {
      const list = await call(
        "GET /repos/{owner}/{repo}/commits",
        { owner, repo, since: new Date(q.start).toISOString(), until: new Date(q.end).toISOString(), per_page: PER_PAGE, page },
        z.array(CommitItemSchema),
        signal,
      );
      items.push(...list);
      if (list.length < PER_PAGE) break;
    }
    const limit = pLimit(4);
    return Promise.all(
      items.map((c, i) =>
        limit(async (): Promise<Commit> => {
          const base = {
            repo: `${owner}/${repo}`,
            sha: c.sha,
            at: c.commit.committer?.date ?? c.commit.author?.date ?? new Date(q.end).toISOString(),
            author: c.author?.login ?? c.commit.author?.name ?? "",
            message: c.commit.message,
          };
          // Past the cap the commit is still reported, marked, rather than silently dropped.
          if (i >= maxDetails) return { ...base, files: [], files_truncated: true };
          const detail = await call("GET /repos/{owner}/{repo}/commits/{ref}", { owner, repo, ref: c.sha }, CommitDetailSchema, signal);
          return { ...base, files: detail.files.map((f) => ({ path: f.filename, status: f.status, ...(f.patch !== undefined ? { patch: f.patch } : {}) })) };
        }),
      ),
    );
  };

  const deploymentsOf = async (full: string, q: ChangeQuery, signal: AbortSignal): Promise<Deployment[]> => {
    const { owner, repo } = split(full);
    const candidates: Array<z.infer<typeof DeploymentItemSchema>> = [];
    // Deployments come newest first: stop paging once a page reaches back before the window.
    for (let page = 1; page <= MAX_DEPLOYMENT_PAGES; page++) {
      const list = await call("GET /repos/{owner}/{repo}/deployments", { owner, repo, per_page: PER_PAGE, page }, z.array(DeploymentItemSchema), signal);
      for (const d of list) {
        const created = Date.parse(d.created_at);
        if (created <= q.end && created >= q.start - DEPLOY_SLACK_MS) candidates.push(d);
      }
      const oldest = list.at(-1);
      if (list.length < PER_PAGE || (oldest && Date.parse(oldest.created_at) < q.start - DEPLOY_SLACK_MS)) break;
    }
    const limit = pLimit(4);
    const found = await Promise.all(
      candidates.map((d) =>
        limit(async (): Promise<Deployment | null> => {
          const statuses = await call(
            "GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses",
            { owner, repo, deployment_id: d.id, per_page: PER_PAGE },
            z.array(StatusSchema),
            signal,
          );
          // Statuses come newest first: the latest is the first; the deploy time is the oldest success.
          const firstSuccess = statuses.filter((s) => s.state === "success").at(-1);
          const at = firstSuccess?.created_at ?? d.created_at;
          const t = Date.parse(at);
          if (!(t >= q.start && t <= q.end)) return null;
          const payload = d.payload && typeof d.payload === "object" ? (d.payload as Record<string, unknown>) : {};
          return {
            repo: `${owner}/${repo}`,
            service: typeof payload.service === "string" ? payload.service : repo,
            environment: d.environment,
            ref: d.ref,
            sha: d.sha,
            at: new Date(t).toISOString(),
            status: statuses[0]?.state ?? "pending",
          };
        }),
      ),
    );
    return found.filter((d): d is Deployment => d !== null);
  };

  return {
    capabilities: new Set<Capability>(["changes"]),
    describe: (_kind, query) => {
      const q = query as ChangeQuery;
      const repos = q.repos?.length ? q.repos.filter((r) => opts.repos.includes(r)) : opts.repos;
      return `GitHub commits and deployments of ${repos.join(", ") || "(no configured repository)"} over [${new Date(q.start).toISOString()}, ${new Date(q.end).toISOString()}]`;
    },
    async changes(q, signal): Promise<Changes> {
      const repos = q.repos?.length ? q.repos.filter((r) => opts.repos.includes(r)) : opts.repos;
      const perRepo = await Promise.all(
        repos.map(async (full) => ({ commits: await commitsOf(full, q, signal), deployments: await deploymentsOf(full, q, signal) })),
      );
      return { commits: perRepo.flatMap((r) => r.commits), deployments: perRepo.flatMap((r) => r.deployments) };
    },
    metrics: unsupported("metrics"),
    logs: unsupported("logs"),
    events: unsupported("events"),
    orchestrator: unsupported("orchestrator"),
    warehouse: unsupported("warehouse"),
  };
}
