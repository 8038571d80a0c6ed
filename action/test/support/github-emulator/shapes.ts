import type { GitCommitObject, GitFileChange } from "./git.js";
import type { DeploymentState, LabelState, PullState, RepoState, UserState } from "./state.js";

/** What the response builders need to know about the running emulator. */
export interface World {
  /** The REST base URL, also used for html links (the emulator serves no web pages). */
  baseUrl: string;
  viewer: UserState;
  /** Returns the user with this login, registering it on first sight. */
  user(login: string): UserState;
  /** The user whose noreply or registered email this is, if any. */
  userByEmail(email: string): UserState | null;
  nextId(): number;
}

/** A GraphQL-style global node id, stable for a kind and a database id. */
export function nodeId(kind: string, id: number | string): string {
  return Buffer.from(`${kind}:${id}`).toString("base64url");
}

/** `simple-user`. */
export function simpleUser(w: World, login: string): Record<string, unknown> {
  const u = w.user(login);
  const url = `${w.baseUrl}/users/${encodeURIComponent(u.login)}`;
  return {
    login: u.login,
    id: u.id,
    node_id: nodeId(u.type, u.id),
    avatar_url: `${w.baseUrl}/avatars/u/${u.id}`,
    gravatar_id: "",
    url,
    html_url: `${w.baseUrl}/${encodeURIComponent(u.login)}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: u.type,
    site_admin: false,
    user_view_type: "public",
  };
}

function repoUrls(w: World, r: RepoState): Record<string, unknown> {
  const url = `${w.baseUrl}/repos/${r.owner}/${r.name}`;
  return {
    url,
    html_url: `${w.baseUrl}/${r.owner}/${r.name}`,
    archive_url: `${url}/{archive_format}{/ref}`,
    assignees_url: `${url}/assignees{/user}`,
    blobs_url: `${url}/git/blobs{/sha}`,
    branches_url: `${url}/branches{/branch}`,
    collaborators_url: `${url}/collaborators{/collaborator}`,
    comments_url: `${url}/comments{/number}`,
    commits_url: `${url}/commits{/sha}`,
    compare_url: `${url}/compare/{base}...{head}`,
    contents_url: `${url}/contents/{+path}`,
    contributors_url: `${url}/contributors`,
    deployments_url: `${url}/deployments`,
    downloads_url: `${url}/downloads`,
    events_url: `${url}/events`,
    forks_url: `${url}/forks`,
    git_commits_url: `${url}/git/commits{/sha}`,
    git_refs_url: `${url}/git/refs{/sha}`,
    git_tags_url: `${url}/git/tags{/sha}`,
    hooks_url: `${url}/hooks`,
    issue_comment_url: `${url}/issues/comments{/number}`,
    issue_events_url: `${url}/issues/events{/number}`,
    issues_url: `${url}/issues{/number}`,
    keys_url: `${url}/keys{/key_id}`,
    labels_url: `${url}/labels{/name}`,
    languages_url: `${url}/languages`,
    merges_url: `${url}/merges`,
    milestones_url: `${url}/milestones{/number}`,
    notifications_url: `${url}/notifications{?since,all,participating}`,
    pulls_url: `${url}/pulls{/number}`,
    releases_url: `${url}/releases{/id}`,
    stargazers_url: `${url}/stargazers`,
    statuses_url: `${url}/statuses/{sha}`,
    subscribers_url: `${url}/subscribers`,
    subscription_url: `${url}/subscription`,
    tags_url: `${url}/tags`,
    teams_url: `${url}/teams`,
    trees_url: `${url}/git/trees{/sha}`,
    clone_url: `${w.baseUrl}/${r.owner}/${r.name}.git`,
    git_url: `git://127.0.0.1/${r.owner}/${r.name}.git`,
    ssh_url: `git@127.0.0.1:${r.owner}/${r.name}.git`,
    svn_url: `${w.baseUrl}/${r.owner}/${r.name}`,
    mirror_url: null,
  };
}

/** `repository` (as embedded in pull requests). */
export function repository(w: World, r: RepoState): Record<string, unknown> {
  const openIssues = r.pulls.filter((p) => p.state === "open").length;
  return {
    id: r.id,
    node_id: nodeId("Repository", r.id),
    name: r.name,
    full_name: `${r.owner}/${r.name}`,
    owner: simpleUser(w, r.owner),
    private: r.private,
    description: null,
    fork: false,
    ...repoUrls(w, r),
    homepage: null,
    language: null,
    forks: 0,
    forks_count: 0,
    stargazers_count: 0,
    watchers: 0,
    watchers_count: 0,
    size: 0,
    default_branch: r.defaultBranch,
    open_issues: openIssues,
    open_issues_count: openIssues,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: true,
    has_wiki: true,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    visibility: r.private ? "private" : "public",
    pushed_at: r.createdAt,
    created_at: r.createdAt,
    updated_at: r.createdAt,
    permissions: { admin: true, maintain: true, push: true, triage: true, pull: true },
    allow_rebase_merge: true,
    allow_squash_merge: true,
    allow_merge_commit: true,
    allow_auto_merge: false,
    delete_branch_on_merge: false,
    allow_forking: true,
    web_commit_signoff_required: false,
    license: null,
  };
}

/** `full-repository` (GET /repos/{owner}/{repo}). */
export function fullRepository(w: World, r: RepoState): Record<string, unknown> {
  return { ...repository(w, r), network_count: 0, subscribers_count: 0, temp_clone_token: null };
}

/** `label`. */
export function label(w: World, r: RepoState, l: LabelState): Record<string, unknown> {
  return {
    id: l.id,
    node_id: nodeId("Label", l.id),
    url: `${w.baseUrl}/repos/${r.owner}/${r.name}/labels/${encodeURIComponent(l.name)}`,
    name: l.name,
    description: null,
    color: l.color,
    default: false,
  };
}

/** A git identity the way GitHub's git endpoints print it. */
function gitUser(p: { name: string; email: string; date: string }): Record<string, unknown> {
  return { name: p.name, email: p.email, date: p.date };
}

const UNSIGNED = { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null };

/** `git-commit` (the Git Data API). */
export function gitCommit(w: World, r: RepoState, c: GitCommitObject): Record<string, unknown> {
  const api = `${w.baseUrl}/repos/${r.owner}/${r.name}`;
  return {
    sha: c.sha,
    node_id: nodeId("Commit", c.sha),
    url: `${api}/git/commits/${c.sha}`,
    html_url: `${w.baseUrl}/${r.owner}/${r.name}/commit/${c.sha}`,
    author: gitUser(c.author),
    committer: gitUser(c.committer),
    tree: { sha: c.tree, url: `${api}/git/trees/${c.tree}` },
    message: c.message.replace(/\n$/, ""),
    parents: c.parents.map((p) => ({ sha: p, url: `${api}/git/commits/${p}`, html_url: `${w.baseUrl}/${r.owner}/${r.name}/commit/${p}` })),
    verification: UNSIGNED,
  };
}

/** `git-ref`. */
export function gitRef(w: World, r: RepoState, ref: string, sha: string, type = "commit"): Record<string, unknown> {
  const api = `${w.baseUrl}/repos/${r.owner}/${r.name}`;
  return {
    ref,
    node_id: nodeId("Ref", `${r.id}:${ref}`),
    url: `${api}/git/${ref.split("/").map(encodeURIComponent).join("/")}`,
    object: { type, sha, url: `${api}/git/${type === "tag" ? "tags" : "commits"}/${sha}` },
  };
}

/** `diff-entry`. */
export function diffEntry(w: World, r: RepoState, ref: string, f: GitFileChange, patch: string | undefined): Record<string, unknown> {
  const path = f.path.split("/").map(encodeURIComponent).join("/");
  const blob = f.status === "removed" ? f.oldSha : f.newSha;
  return {
    sha: blob,
    filename: f.path,
    status: f.status,
    additions: f.additions,
    deletions: f.deletions,
    changes: f.additions + f.deletions,
    blob_url: `${w.baseUrl}/${r.owner}/${r.name}/blob/${ref}/${path}`,
    raw_url: `${w.baseUrl}/${r.owner}/${r.name}/raw/${ref}/${path}`,
    contents_url: `${w.baseUrl}/repos/${r.owner}/${r.name}/contents/${path}?ref=${ref}`,
    ...(patch !== undefined ? { patch } : {}),
  };
}

/** `commit` (the Commits API), with files and stats when given. */
export function commit(w: World, r: RepoState, c: GitCommitObject, files?: Array<Record<string, unknown>>, changes?: GitFileChange[]): Record<string, unknown> {
  const api = `${w.baseUrl}/repos/${r.owner}/${r.name}`;
  const person = (email: string) => {
    const u = w.userByEmail(email);
    return u ? simpleUser(w, u.login) : null;
  };
  const out: Record<string, unknown> = {
    url: `${api}/commits/${c.sha}`,
    sha: c.sha,
    node_id: nodeId("Commit", c.sha),
    html_url: `${w.baseUrl}/${r.owner}/${r.name}/commit/${c.sha}`,
    comments_url: `${api}/commits/${c.sha}/comments`,
    commit: {
      url: `${api}/git/commits/${c.sha}`,
      author: gitUser(c.author),
      committer: gitUser(c.committer),
      message: c.message.replace(/\n$/, ""),
      comment_count: 0,
      tree: { sha: c.tree, url: `${api}/git/trees/${c.tree}` },
      verification: UNSIGNED,
    },
    author: person(c.author.email),
    committer: person(c.committer.email),
    parents: c.parents.map((p) => ({ sha: p, url: `${api}/commits/${p}`, html_url: `${w.baseUrl}/${r.owner}/${r.name}/commit/${p}` })),
  };
  if (files && changes) {
    const additions = changes.reduce((n, f) => n + f.additions, 0);
    const deletions = changes.reduce((n, f) => n + f.deletions, 0);
    out.stats = { additions, deletions, total: additions + deletions };
    out.files = files;
  }
  return out;
}

/** `pull-request-simple`, or the full `pull-request` when `full` details are given. */
export function pullRequest(
  w: World,
  r: RepoState,
  p: PullState,
  headSha: string,
  baseSha: string,
  full?: { commits: number; additions: number; deletions: number; changedFiles: number; mergeable: boolean | null },
): Record<string, unknown> {
  const api = `${w.baseUrl}/repos/${r.owner}/${r.name}`;
  const html = `${w.baseUrl}/${r.owner}/${r.name}/pull/${p.number}`;
  const labels = p.labels.flatMap((name) => {
    const l = r.labels.get(name.toLowerCase());
    // pull-request-simple documents a label description as a plain string, pull-request as nullable
    return l ? [{ ...label(w, r, l), description: full ? null : "" }] : [];
  });
  const repo = repository(w, r);
  const simple: Record<string, unknown> = {
    url: `${api}/pulls/${p.number}`,
    id: p.id,
    node_id: nodeId("PullRequest", p.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${api}/issues/${p.number}`,
    commits_url: `${api}/pulls/${p.number}/commits`,
    review_comments_url: `${api}/pulls/${p.number}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${p.number}/comments`,
    statuses_url: `${api}/statuses/${headSha}`,
    number: p.number,
    state: p.state,
    locked: false,
    title: p.title,
    user: simpleUser(w, p.user),
    body: p.body,
    labels,
    milestone: null,
    active_lock_reason: null,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    closed_at: p.closedAt,
    merged_at: p.mergedAt,
    merge_commit_sha: p.mergeCommitSha,
    assignee: null,
    assignees: [],
    requested_reviewers: p.requestedReviewers.map((login) => simpleUser(w, login)),
    requested_teams: [],
    head: { label: `${r.owner}:${p.head}`, ref: p.head, sha: headSha, user: simpleUser(w, r.owner), repo },
    base: { label: `${r.owner}:${p.base}`, ref: p.base, sha: baseSha, user: simpleUser(w, r.owner), repo },
    _links: {
      self: { href: `${api}/pulls/${p.number}` },
      html: { href: html },
      issue: { href: `${api}/issues/${p.number}` },
      comments: { href: `${api}/issues/${p.number}/comments` },
      review_comments: { href: `${api}/pulls/${p.number}/comments` },
      review_comment: { href: `${api}/pulls/comments{/number}` },
      commits: { href: `${api}/pulls/${p.number}/commits` },
      statuses: { href: `${api}/statuses/${headSha}` },
    },
    author_association: r.collaborators.has(p.user) ? "COLLABORATOR" : "NONE",
    auto_merge: null,
    draft: p.draft,
  };
  if (!full) return simple;
  return {
    ...simple,
    merged: p.mergedAt !== null,
    mergeable: p.state === "open" ? full.mergeable : null,
    rebaseable: p.state === "open" ? full.mergeable : null,
    mergeable_state: p.state !== "open" ? "unknown" : full.mergeable === false ? "dirty" : p.draft ? "draft" : "clean",
    merged_by: p.mergedBy ? simpleUser(w, p.mergedBy) : null,
    comments: 0,
    review_comments: 0,
    maintainer_can_modify: p.maintainerCanModify,
    commits: full.commits,
    additions: full.additions,
    deletions: full.deletions,
    changed_files: full.changedFiles,
  };
}

/** `deployment`. */
export function deployment(w: World, r: RepoState, d: DeploymentState): Record<string, unknown> {
  const api = `${w.baseUrl}/repos/${r.owner}/${r.name}`;
  return {
    url: `${api}/deployments/${d.id}`,
    id: d.id,
    node_id: nodeId("Deployment", d.id),
    sha: d.sha,
    ref: d.ref,
    task: d.task,
    payload: d.payload,
    original_environment: d.environment,
    environment: d.environment,
    description: d.description,
    creator: simpleUser(w, d.creator),
    created_at: d.createdAt,
    updated_at: d.statuses.at(-1)?.createdAt ?? d.createdAt,
    statuses_url: `${api}/deployments/${d.id}/statuses`,
    repository_url: api,
    transient_environment: d.transient,
    production_environment: d.production,
    performed_via_github_app: null,
  };
}

/** `deployment-status`. */
export function deploymentStatus(w: World, r: RepoState, d: DeploymentState, s: DeploymentState["statuses"][number]): Record<string, unknown> {
  const api = `${w.baseUrl}/repos/${r.owner}/${r.name}`;
  return {
    url: `${api}/deployments/${d.id}/statuses/${s.id}`,
    id: s.id,
    node_id: nodeId("DeploymentStatus", s.id),
    state: s.state,
    creator: simpleUser(w, s.creator),
    description: s.description,
    environment: s.environment,
    target_url: s.targetUrl,
    // optional URIs: an empty one is left out rather than sent as an invalid URI
    ...(s.logUrl ? { log_url: s.logUrl } : {}),
    ...(s.environmentUrl ? { environment_url: s.environmentUrl } : {}),
    created_at: s.createdAt,
    updated_at: s.createdAt,
    deployment_url: `${api}/deployments/${d.id}`,
    repository_url: api,
    performed_via_github_app: null,
  };
}
