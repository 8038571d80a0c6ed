import type { Capability, ChangeQuery, Changes, Commit, Deployment, Telemetry } from "../model/index.js";
import type { GitHubClient } from "../store/octokit.js";

/** At most this many commits per repository get their files read (one call each). */
const MAX_COMMIT_DETAILS = 30;

/**
 * Recent changes from GitHub: commits in the window with the files and patches they touched, and
 * deployments with their latest status, for the repositories knowledge names. Read-only.
 */
export function githubChangesTelemetry(opts: { octokit: GitHubClient; repos: string[] }): Telemetry {
  const unsupported = (kind: string) => () => Promise.reject(new Error(`GitHub answers change queries, not ${kind}`));
  const split = (full: string) => {
    const [owner, repo] = full.split("/");
    if (!owner || !repo) throw new Error(`"${full}" is not an owner/repo name`);
    return { owner, repo };
  };

  const commitsOf = async (full: string, q: ChangeQuery, signal: AbortSignal): Promise<Commit[]> => {
    const { owner, repo } = split(full);
    const list = await opts.octokit.rest.repos.listCommits({
      owner,
      repo,
      since: new Date(q.start).toISOString(),
      until: new Date(q.end).toISOString(),
      per_page: 100,
      request: { signal },
    });
    const out: Commit[] = [];
    for (const c of list.data.slice(0, MAX_COMMIT_DETAILS)) {
      const full = await opts.octokit.rest.repos.getCommit({ owner, repo, ref: c.sha, request: { signal } });
      out.push({
        repo: `${owner}/${repo}`,
        sha: c.sha,
        at: c.commit.committer?.date ?? c.commit.author?.date ?? new Date(q.end).toISOString(),
        author: c.author?.login ?? c.commit.author?.name ?? "",
        message: c.commit.message,
        files: (full.data.files ?? []).map((f) => ({ path: f.filename, status: f.status, ...(f.patch ? { patch: f.patch } : {}) })),
      });
    }
    return out;
  };

  const deploymentsOf = async (full: string, q: ChangeQuery, signal: AbortSignal): Promise<Deployment[]> => {
    const { owner, repo } = split(full);
    const list = await opts.octokit.rest.repos.listDeployments({ owner, repo, per_page: 100, request: { signal } });
    const out: Deployment[] = [];
    for (const d of list.data) {
      const at = Date.parse(d.created_at);
      if (at < q.start || at > q.end) continue;
      const statuses = await opts.octokit.rest.repos.listDeploymentStatuses({ owner, repo, deployment_id: d.id, per_page: 1, request: { signal } });
      const payload = typeof d.payload === "object" && d.payload ? (d.payload as Record<string, unknown>) : {};
      out.push({
        repo: `${owner}/${repo}`,
        service: typeof payload.service === "string" ? payload.service : repo,
        environment: d.environment,
        ref: d.ref,
        sha: d.sha,
        at: d.created_at,
        status: statuses.data[0]?.state ?? "pending",
      });
    }
    return out;
  };

  return {
    capabilities: new Set<Capability>(["changes"]),
    describe: (_kind, q) => `GitHub commits and deployments of ${opts.repos.join(", ")} from ${new Date((q as ChangeQuery).start).toISOString()}`,
    async changes(q, signal): Promise<Changes> {
      const repos = q.repos?.length ? q.repos.filter((r) => opts.repos.includes(r)) : opts.repos;
      const commits: Commit[] = [];
      const deployments: Deployment[] = [];
      for (const full of repos) {
        commits.push(...(await commitsOf(full, q, signal)));
        deployments.push(...(await deploymentsOf(full, q, signal)));
      }
      return { commits, deployments };
    },
    metrics: unsupported("metrics"),
    logs: unsupported("logs"),
    events: unsupported("events"),
    orchestrator: unsupported("orchestrator"),
    warehouse: unsupported("warehouse"),
  };
}
