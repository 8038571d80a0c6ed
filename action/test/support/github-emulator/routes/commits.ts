import { commit, diffEntry } from "../shapes.js";
import { HttpError, notFound } from "../state.js";
import { paginate, repoPath, type Route, type RouteContext } from "./route.js";

const DOCS = "https://docs.github.com/rest/commits/commits";

/** GitHub lists at most this many files of a commit or comparison. */
const FILE_LIMIT = 300;

async function filesOf(ctx: RouteContext, from: string | null, to: string, ref: string) {
  const changes = (await ctx.repo.git.diff(from, to)).slice(0, FILE_LIMIT);
  const files = [];
  for (const change of changes) files.push(diffEntry(ctx.world, ctx.repo, ref, change, await ctx.repo.git.patch(from, to, change.path)));
  return { changes, files };
}

function matchesPerson(ctx: RouteContext, person: { name: string; email: string }, wanted: string): boolean {
  const w = wanted.toLowerCase();
  const user = ctx.world.userByEmail(person.email);
  return person.email.toLowerCase() === w || person.name.toLowerCase() === w || user?.login.toLowerCase() === w;
}

const listCommits: Route = async (ctx) => {
  const head = await ctx.repo.git.resolve(typeof ctx.query.sha === "string" ? ctx.query.sha : ctx.repo.defaultBranch, "commit");
  if (!head) {
    if (!(await ctx.repo.git.listRefs("refs/heads/")).length)
      throw new HttpError(409, { message: "Git Repository is empty.", documentation_url: `${DOCS}#list-commits`, status: "409" });
    throw notFound(`${DOCS}#list-commits`);
  }
  const shas = await ctx.repo.git.revList(head, {
    path: typeof ctx.query.path === "string" && ctx.query.path ? ctx.query.path : undefined,
    since: typeof ctx.query.since === "string" ? ctx.query.since : undefined,
    until: typeof ctx.query.until === "string" ? ctx.query.until : undefined,
  });
  const commits = [];
  for (const sha of shas) {
    const c = await ctx.repo.git.readCommit(sha);
    if (typeof ctx.query.author === "string" && !matchesPerson(ctx, c.author, ctx.query.author)) continue;
    if (typeof ctx.query.committer === "string" && !matchesPerson(ctx, c.committer, ctx.query.committer)) continue;
    commits.push(c);
  }
  const page = paginate(ctx, commits, `${repoPath(ctx.repo)}/commits`);
  return { status: 200, body: page.items.map((c) => commit(ctx.world, ctx.repo, c)), headers: page.headers };
};

const getCommit: Route = async (ctx) => {
  const sha = await ctx.repo.git.resolve(ctx.params.ref ?? "", "commit");
  if (!sha) {
    throw new HttpError(422, { message: `No commit found for SHA: ${ctx.params.ref}`, documentation_url: `${DOCS}#get-a-commit`, status: "422" });
  }
  const c = await ctx.repo.git.readCommit(sha);
  const { changes, files } = await filesOf(ctx, c.parents[0] ?? null, sha, sha);
  return { status: 200, body: commit(ctx.world, ctx.repo, c, files, changes) };
};

const compare: Route = async (ctx) => {
  const docs = "https://docs.github.com/rest/commits/commits#compare-two-commits";
  const m = /^(.+?)\.\.\.?(.+)$/.exec(ctx.params.basehead ?? "");
  if (!m) throw notFound(docs);
  // "owner:branch" names a branch of a fork; the emulator has no forks, so only this repository's owner is accepted
  const local = (name: string) =>
    name.includes(":") && name.split(":")[0]!.toLowerCase() === ctx.repo.owner.toLowerCase() ? name.slice(name.indexOf(":") + 1) : name;
  const base = await ctx.repo.git.resolve(local(m[1]!), "commit");
  const head = await ctx.repo.git.resolve(local(m[2]!), "commit");
  if (!base || !head) throw notFound(docs);
  const mergeBase = await ctx.repo.git.mergeBase(base, head);
  if (!mergeBase) throw notFound(docs);
  const ahead = (await ctx.repo.git.revList(head, { exclude: base })).reverse();
  const behind = await ctx.repo.git.revList(base, { exclude: head });
  const status = ahead.length === 0 && behind.length === 0 ? "identical" : behind.length === 0 ? "ahead" : ahead.length === 0 ? "behind" : "diverged";
  const page = paginate(ctx, ahead.slice(0, 250), `${repoPath(ctx.repo)}/compare/${encodeURIComponent(ctx.params.basehead ?? "")}`, 250);
  const commits = [];
  for (const sha of page.items) commits.push(commit(ctx.world, ctx.repo, await ctx.repo.git.readCommit(sha)));
  const { files } = await filesOf(ctx, mergeBase, head, head);
  const html = `${ctx.world.baseUrl}/${ctx.repo.owner}/${ctx.repo.name}/compare/${encodeURIComponent(ctx.params.basehead ?? "")}`;
  return {
    status: 200,
    headers: page.headers,
    body: {
      url: `${ctx.world.baseUrl}${repoPath(ctx.repo)}/compare/${encodeURIComponent(ctx.params.basehead ?? "")}`,
      html_url: html,
      permalink_url: `${ctx.world.baseUrl}/${ctx.repo.owner}/${ctx.repo.name}/compare/${base}...${head}`,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      base_commit: commit(ctx.world, ctx.repo, await ctx.repo.git.readCommit(base)),
      merge_base_commit: commit(ctx.world, ctx.repo, await ctx.repo.git.readCommit(mergeBase)),
      status,
      ahead_by: ahead.length,
      behind_by: behind.length,
      total_commits: ahead.length,
      commits,
      files,
    },
  };
};

/** Routes of the Commits API: list, get (with files) and compare. */
export const commitRoutes: Record<string, Route> = {
  "repos/list-commits": listCommits,
  "repos/get-commit": getCommit,
  "repos/compare-commits-with-basehead": compare,
};
