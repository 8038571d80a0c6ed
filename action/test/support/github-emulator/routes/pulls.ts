import { moveRef } from "../refs.js";
import { label, pullRequest } from "../shapes.js";
import { HttpError, isoNow, notFound, unprocessable, validationFailed, type PullState } from "../state.js";
import { paginate, repoPath, type RequestBody, type Route, type RouteContext } from "./route.js";

const DOCS = "https://docs.github.com/rest/pulls/pulls";

async function branchSha(ctx: RouteContext, branch: string): Promise<string | null> {
  return ctx.repo.git.readRef(`refs/heads/${branch}`);
}

/** The live head sha of a pull request: its branch while it exists, the last one seen otherwise. */
async function headOf(ctx: RouteContext, p: PullState): Promise<string> {
  const sha = await branchSha(ctx, p.head);
  if (sha && p.state === "open") p.headSha = sha;
  return p.headSha;
}

async function render(ctx: RouteContext, p: PullState, full: boolean): Promise<Record<string, unknown>> {
  const head = await headOf(ctx, p);
  const base = (await branchSha(ctx, p.base)) ?? head;
  if (!full) return pullRequest(ctx.world, ctx.repo, p, head, base);
  const mergeBase = (await ctx.repo.git.mergeBase(base, head)) ?? base;
  const changes = await ctx.repo.git.diff(mergeBase, head);
  const mergeable = p.state === "open" ? (await ctx.repo.git.mergeTrees(base, head)) !== null : null;
  return pullRequest(ctx.world, ctx.repo, p, head, base, {
    commits: (await ctx.repo.git.revList(head, { exclude: base })).length,
    additions: changes.reduce((n, c) => n + c.additions, 0),
    deletions: changes.reduce((n, c) => n + c.deletions, 0),
    changedFiles: changes.length,
    mergeable,
  });
}

function find(ctx: RouteContext): PullState {
  const n = Number(ctx.params.pull_number ?? ctx.params.issue_number);
  const p = ctx.repo.pulls.find((x) => x.number === n);
  if (!p) throw notFound(`${DOCS}#get-a-pull-request`);
  return p;
}

/** "owner:branch" or "branch" → the branch of this repository, or null for another owner (forks are not emulated). */
function localBranch(ctx: RouteContext, head: string): string | null {
  const colon = head.indexOf(":");
  if (colon < 0) return head;
  return head.slice(0, colon).toLowerCase() === ctx.repo.owner.toLowerCase() ? head.slice(colon + 1) : null;
}

const list: Route = async (ctx) => {
  const state = String(ctx.query.state ?? "open");
  let pulls = ctx.repo.pulls.filter((p) => state === "all" || p.state === state);
  if (typeof ctx.query.head === "string" && ctx.query.head.includes(":")) {
    // GitHub only honours `head` in the user:ref-name form; a bare branch name filters nothing
    const [owner, ...rest] = ctx.query.head.split(":");
    pulls = pulls.filter((p) => owner!.toLowerCase() === ctx.repo.owner.toLowerCase() && p.head === rest.join(":"));
  }
  if (typeof ctx.query.base === "string") pulls = pulls.filter((p) => p.base === ctx.query.base);
  const sort = String(ctx.query.sort ?? "created");
  const key = (p: PullState) => (sort === "updated" ? p.updatedAt : p.createdAt) + String(p.number).padStart(9, "0");
  const direction = String(ctx.query.direction ?? (sort === "created" ? "desc" : "asc"));
  pulls = [...pulls].sort((a, b) => (direction === "asc" ? key(a).localeCompare(key(b)) : key(b).localeCompare(key(a))));
  const page = paginate(ctx, pulls, `${repoPath(ctx.repo)}/pulls`);
  const body = [];
  for (const p of page.items) body.push(await render(ctx, p, false));
  return { status: 200, body, headers: page.headers };
};

const create: Route = async (ctx) => {
  const req = ctx.body as RequestBody<"pulls", "create">;
  const docs = `${DOCS}#create-a-pull-request`;
  if (req.issue !== undefined)
    throw validationFailed([{ resource: "PullRequest", code: "custom", message: "Converting issues is not supported by the emulator" }], docs);
  if (typeof req.title !== "string" || !req.title.trim()) throw validationFailed([{ resource: "PullRequest", field: "title", code: "missing_field" }], docs);
  const head = localBranch(ctx, String(req.head));
  const base = String(req.base);
  const headSha = head ? await branchSha(ctx, head) : null;
  if (!head || !headSha) throw validationFailed([{ resource: "PullRequest", field: "head", code: "invalid" }], docs);
  const baseSha = await branchSha(ctx, base);
  if (!baseSha) throw validationFailed([{ resource: "PullRequest", field: "base", code: "invalid" }], docs);
  if (ctx.repo.pulls.some((p) => p.state === "open" && p.head === head && p.base === base)) {
    throw validationFailed([{ resource: "PullRequest", code: "custom", message: `A pull request already exists for ${ctx.repo.owner}:${head}.` }], docs);
  }
  if (await ctx.repo.git.isAncestor(headSha, baseSha)) {
    throw validationFailed([{ resource: "PullRequest", code: "custom", message: `No commits between ${base} and ${head}` }], docs);
  }
  const now = isoNow();
  const p: PullState = {
    number: ctx.repo.nextNumber++,
    id: ctx.world.nextId(),
    title: req.title,
    body: typeof req.body === "string" ? req.body : null,
    state: "open",
    draft: req.draft === true,
    head,
    base,
    headSha,
    user: ctx.world.viewer.login,
    labels: [],
    requestedReviewers: [],
    maintainerCanModify: req.maintainer_can_modify !== false,
    createdAt: now,
    updatedAt: now,
    closedAt: null,
    mergedAt: null,
    mergedBy: null,
    mergeCommitSha: null,
  };
  ctx.repo.pulls.push(p);
  return { status: 201, body: await render(ctx, p, true) };
};

const get: Route = async (ctx) => ({ status: 200, body: await render(ctx, find(ctx), true) });

const update: Route = async (ctx) => {
  const req = ctx.body as RequestBody<"pulls", "update">;
  const docs = `${DOCS}#update-a-pull-request`;
  const p = find(ctx);
  if (typeof req.base === "string") {
    if (!(await branchSha(ctx, req.base))) throw validationFailed([{ resource: "PullRequest", field: "base", code: "invalid" }], docs);
    p.base = req.base;
  }
  if (typeof req.title === "string") p.title = req.title;
  if (typeof req.body === "string") p.body = req.body;
  if (typeof req.maintainer_can_modify === "boolean") p.maintainerCanModify = req.maintainer_can_modify;
  if (req.state === "closed" && p.state === "open") {
    await headOf(ctx, p);
    p.state = "closed";
    p.closedAt = isoNow();
  } else if (req.state === "open" && p.state === "closed") {
    if (p.mergedAt) throw unprocessable("Cannot reopen a merged pull request", docs);
    if (ctx.repo.pulls.some((o) => o !== p && o.state === "open" && o.head === p.head && o.base === p.base)) {
      throw validationFailed([{ resource: "PullRequest", code: "custom", message: `A pull request already exists for ${ctx.repo.owner}:${p.head}.` }], docs);
    }
    p.state = "open";
    p.closedAt = null;
  }
  p.updatedAt = isoNow();
  return { status: 200, body: await render(ctx, p, true) };
};

const merge: Route = async (ctx) => {
  const req = ctx.body as RequestBody<"pulls", "merge">;
  const docs = `${DOCS}#merge-a-pull-request`;
  const p = find(ctx);
  const refuse = (status: number, message: string) => new HttpError(status, { message, documentation_url: docs });
  if (p.state !== "open") throw refuse(405, "Pull Request is not mergeable");
  if (p.draft) throw refuse(405, "Pull Request is still a draft");
  const head = await headOf(ctx, p);
  if (typeof req?.sha === "string" && req.sha !== head) throw refuse(409, "Head branch was modified. Review and try the merge again.");
  const method = String(req?.merge_method ?? "merge");
  const title =
    typeof req?.commit_title === "string"
      ? req.commit_title
      : method === "squash"
        ? `${p.title} (#${p.number})`
        : `Merge pull request #${p.number} from ${ctx.repo.owner}/${p.head}`;
  const message = `${title}${typeof req?.commit_message === "string" ? `\n\n${req.commit_message}` : method === "merge" ? `\n\n${p.title}` : ""}\n`;
  const me = ctx.world.identity();
  const moved = await moveRef(ctx.world, ctx.repo, `refs/heads/${p.base}`, async (base) => {
    if (!base) return { refuse: "Base branch does not exist" };
    if (method === "rebase" && (await ctx.repo.git.isAncestor(base, head))) return { next: head };
    const tree = await ctx.repo.git.mergeTrees(base, head);
    if (!tree) return { refuse: "Pull Request is not mergeable" };
    const parents = method === "merge" ? [base, head] : [base];
    return { next: await ctx.repo.git.commitTree({ tree, parents, message, author: me, committer: me }) };
  });
  if (!moved.ok) throw refuse(405, moved.reason);
  const now = isoNow();
  Object.assign(p, { state: "closed", closedAt: now, mergedAt: now, mergedBy: ctx.world.viewer.login, mergeCommitSha: moved.sha, updatedAt: now });
  return { status: 200, body: { sha: moved.sha, merged: true, message: "Pull Request successfully merged" } };
};

const requestReviewers: Route = async (ctx) => {
  const req = ctx.body as RequestBody<"pulls", "requestReviewers">;
  const docs = "https://docs.github.com/rest/pulls/review-requests#request-reviewers-for-a-pull-request";
  const p = find(ctx);
  const reviewers = req.reviewers ?? [];
  const teams = req.team_reviewers ?? [];
  if (reviewers.some((r) => r.toLowerCase() === p.user.toLowerCase())) {
    throw new HttpError(422, { message: "Review cannot be requested from pull request author.", documentation_url: docs });
  }
  const collaborators = new Set([...ctx.repo.collaborators].map((c) => c.toLowerCase()));
  if (teams.length || reviewers.some((r) => !collaborators.has(r.toLowerCase()))) {
    throw new HttpError(422, {
      message: `Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the ${ctx.repo.owner}/${ctx.repo.name} repository.`,
      documentation_url: docs,
    });
  }
  for (const r of reviewers) if (!p.requestedReviewers.some((x) => x.toLowerCase() === r.toLowerCase())) p.requestedReviewers.push(ctx.world.user(r).login);
  p.updatedAt = isoNow();
  return { status: 201, body: await render(ctx, p, false) };
};

const addLabels: Route = (ctx) => {
  const req = ctx.body as RequestBody<"issues", "addLabels">;
  const p = find(ctx);
  for (const entry of (req.labels ?? []) as Array<string | { name: string }>) {
    const name = typeof entry === "string" ? entry : entry.name;
    const key = name.toLowerCase();
    if (!ctx.repo.labels.has(key)) ctx.repo.labels.set(key, { id: ctx.world.nextId(), name, color: "ededed" });
    if (!p.labels.some((l) => l.toLowerCase() === key)) p.labels.push(ctx.repo.labels.get(key)!.name);
  }
  p.updatedAt = isoNow();
  return { status: 200, body: p.labels.map((name) => label(ctx.world, ctx.repo, ctx.repo.labels.get(name.toLowerCase())!)) };
};

/** Routes of pull requests, their review requests and (issue) labels. */
export const pullRoutes: Record<string, Route> = {
  "pulls/list": list,
  "pulls/create": create,
  "pulls/get": get,
  "pulls/update": update,
  "pulls/merge": merge,
  "pulls/request-reviewers": requestReviewers,
  "issues/add-labels": addLabels,
};
