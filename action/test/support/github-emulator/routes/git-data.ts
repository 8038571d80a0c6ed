import { Buffer } from "node:buffer";
import type { GitPerson, TreeChange } from "../git.js";
import { moveRef } from "../refs.js";
import { gitCommit, gitRef } from "../shapes.js";
import { notFound, unprocessable, type RepoState } from "../state.js";
import type { RequestBody, Route, RouteContext } from "./route.js";

const DOCS = {
  refs: "https://docs.github.com/rest/git/refs",
  commits: "https://docs.github.com/rest/git/commits",
  trees: "https://docs.github.com/rest/git/trees",
  blobs: "https://docs.github.com/rest/git/blobs",
};

/** Turns the `{ref}` path parameter ("heads/main") into a fully qualified ref. */
function qualify(ref: string): string {
  return ref.startsWith("refs/") ? ref : `refs/${ref}`;
}

async function refBody(ctx: RouteContext, ref: string, sha: string): Promise<Record<string, unknown>> {
  return gitRef(ctx.world, ctx.repo, ref, sha, (await ctx.repo.git.objectType(sha)) ?? "commit");
}

const getRef: Route = async (ctx) => {
  const ref = qualify(ctx.params.ref ?? "");
  const found = (await ctx.repo.git.listRefs(ref)).find((r) => r.ref === ref);
  if (!found) throw notFound(`${DOCS.refs}#get-a-reference`);
  return { status: 200, body: gitRef(ctx.world, ctx.repo, ref, found.sha, found.type) };
};

const listMatchingRefs: Route = async (ctx) => {
  const prefix = qualify(ctx.params.ref ?? "");
  const refs = (await ctx.repo.git.listRefs("refs/")).filter((r) => r.ref.startsWith(prefix));
  return { status: 200, body: refs.map((r) => gitRef(ctx.world, ctx.repo, r.ref, r.sha, r.type)) };
};

async function validRefName(repo: RepoState, ref: string): Promise<boolean> {
  return (await repo.git.run(["check-ref-format", ref], { allow: [1] })).code === 0;
}

const createRef: Route = async (ctx) => {
  const req = ctx.body as RequestBody<"git", "createRef">;
  const ref = String(req.ref);
  const sha = String(req.sha);
  if (!ref.startsWith("refs/") || ref.split("/").length < 3) {
    throw unprocessable("Reference name must start with 'refs/' and have at least two slashes.", `${DOCS.refs}#create-a-reference`);
  }
  if (!(await validRefName(ctx.repo, ref))) throw unprocessable(`${ref} is not a valid ref name.`, `${DOCS.refs}#create-a-reference`);
  if (!(await ctx.repo.git.objectType(sha)) || sha.length !== 40) throw unprocessable("Object does not exist", `${DOCS.refs}#create-a-reference`);
  const moved = await moveRef(ctx.world, ctx.repo, ref, (current) => Promise.resolve(current ? { refuse: "Reference already exists" } : { next: sha }));
  if (!moved.ok) throw unprocessable(moved.reason, `${DOCS.refs}#create-a-reference`);
  return { status: 201, body: await refBody(ctx, ref, sha) };
};

const updateRef: Route = async (ctx) => {
  const req = ctx.body as RequestBody<"git", "updateRef">;
  const ref = qualify(ctx.params.ref ?? "");
  const sha = String(req.sha);
  const force = req.force === true;
  if (!(await ctx.repo.git.objectType(sha)) || sha.length !== 40) throw unprocessable("Object does not exist", `${DOCS.refs}#update-a-reference`);
  const moved = await moveRef(ctx.world, ctx.repo, ref, async (current) => {
    if (!current) return { refuse: "Reference does not exist" };
    if (!force && current !== sha && !(await ctx.repo.git.isAncestor(current, sha))) return { refuse: "Update is not a fast forward" };
    return { next: sha };
  });
  if (!moved.ok) throw unprocessable(moved.reason, `${DOCS.refs}#update-a-reference`);
  return { status: 200, body: await refBody(ctx, ref, sha) };
};

const deleteRef: Route = async (ctx) => {
  const ref = qualify(ctx.params.ref ?? "");
  const gone = await ctx.repo.git.withRefLock(() => ctx.repo.git.deleteRef(ref));
  if (!gone) throw unprocessable("Reference does not exist", `${DOCS.refs}#delete-a-reference`);
  return { status: 204 };
};

const getCommit: Route = async (ctx) => {
  const sha = ctx.params.commit_sha ?? "";
  if ((await ctx.repo.git.objectType(sha)) !== "commit") throw notFound(`${DOCS.commits}#get-a-commit-object`);
  return { status: 200, body: gitCommit(ctx.world, ctx.repo, await ctx.repo.git.readCommit(await full(ctx.repo, sha))) };
};

async function full(repo: RepoState, sha: string): Promise<string> {
  if (/^[0-9a-f]{40}$/.test(sha)) return sha;
  return (await repo.git.resolve(sha, "object")) ?? sha;
}

function person(input: { name?: string; email?: string; date?: string } | undefined, fallback: GitPerson): GitPerson {
  if (!input || !input.name || !input.email) return fallback;
  return { name: input.name, email: input.email, date: input.date ?? fallback.date };
}

const createCommit: Route = async (ctx) => {
  const req = ctx.body as RequestBody<"git", "createCommit">;
  const docs = `${DOCS.commits}#create-a-commit`;
  const tree = String(req.tree);
  if ((await ctx.repo.git.objectType(tree)) !== "tree") throw unprocessable("Tree SHA does not exist", docs);
  const parents: string[] = [];
  for (const p of req.parents ?? []) {
    if ((await ctx.repo.git.objectType(p)) !== "commit") throw unprocessable("Parent SHA does not exist or is not a commit object", docs);
    parents.push(await full(ctx.repo, p));
  }
  const me = ctx.world.identity();
  const author = person(req.author, me);
  const committer = person(req.committer, req.author ? author : me);
  const sha = await ctx.repo.git.commitTree({ tree: await full(ctx.repo, tree), parents, message: String(req.message), author, committer });
  return { status: 201, body: gitCommit(ctx.world, ctx.repo, await ctx.repo.git.readCommit(sha)) };
};

/** GitHub caps a tree listing; beyond this it sets `truncated`. */
const TREE_LIMIT = 100_000;

async function treeBody(ctx: RouteContext, sha: string, recursive: boolean): Promise<Record<string, unknown>> {
  const api = `${ctx.world.baseUrl}/repos/${ctx.repo.owner}/${ctx.repo.name}`;
  const entries = await ctx.repo.git.lsTree(sha, recursive);
  return {
    sha,
    url: `${api}/git/trees/${sha}`,
    tree: entries.slice(0, TREE_LIMIT).map((e) => ({
      path: e.path,
      mode: e.mode,
      type: e.type,
      sha: e.sha,
      ...(e.type === "blob" ? { size: e.size ?? 0, url: `${api}/git/blobs/${e.sha}` } : {}),
      ...(e.type === "tree" ? { url: `${api}/git/trees/${e.sha}` } : {}),
    })),
    truncated: entries.length > TREE_LIMIT,
  };
}

const getTree: Route = async (ctx) => {
  // GitHub accepts a tree sha, or a commit / branch / tag name that leads to one
  const sha = await ctx.repo.git.resolve(ctx.params.tree_sha ?? "", "tree");
  if (!sha) throw notFound(`${DOCS.trees}#get-a-tree`);
  // "Setting this parameter to any value returns the objects or subtrees referenced by the tree"
  const recursive = ctx.query.recursive !== undefined;
  return { status: 200, body: await treeBody(ctx, sha, recursive) };
};

function badPath(path: string): boolean {
  return path === "" || path.startsWith("/") || path.endsWith("/") || path.split("/").some((s) => s === "" || s === "." || s === ".." || s === ".git");
}

const createTree: Route = async (ctx) => {
  const req = ctx.body as RequestBody<"git", "createTree">;
  const docs = `${DOCS.trees}#create-a-tree`;
  let base: string | null = null;
  if (req.base_tree !== undefined) {
    base = await ctx.repo.git.resolve(String(req.base_tree), "tree");
    if (!base) throw unprocessable("Invalid tree info: base_tree is not a valid tree", docs);
  }
  const changes: TreeChange[] = [];
  const entries = req.tree as Array<{ path?: string; mode?: string; type?: string; sha?: string | null; content?: string }>;
  for (const [i, e] of entries.entries()) {
    const where = `tree.${i}`;
    if (e.path === undefined || e.mode === undefined) throw unprocessable(`Must supply a valid ${where}.path and ${where}.mode`, docs);
    if (badPath(e.path)) throw unprocessable(`${where}.path contains a malformed path component`, docs);
    const hasSha = e.sha !== undefined;
    if (hasSha && e.content !== undefined)
      throw unprocessable(`Must supply either ${where}.sha or ${where}.content. Request will fail if both are supplied.`, docs);
    if (!hasSha && e.content === undefined) throw unprocessable(`Must supply either ${where}.sha or ${where}.content`, docs);
    const expectedType = e.mode === "040000" ? "tree" : e.mode === "160000" ? "commit" : "blob";
    if (e.type !== undefined && e.type !== expectedType) throw unprocessable(`${where}.type must be "${expectedType}" for mode ${e.mode}`, docs);
    if (e.sha === null) {
      if (!base) throw unprocessable(`${where}.sha: null deletes a path of base_tree, but no base_tree was given`, docs);
      changes.push({ path: e.path, delete: true });
      continue;
    }
    if (e.content !== undefined) {
      if (expectedType !== "blob") throw unprocessable(`${where}.content can only be given for a blob (mode ${e.mode} is a ${expectedType})`, docs);
      changes.push({ path: e.path, mode: e.mode as "100644", sha: await ctx.repo.git.writeBlob(Buffer.from(e.content, "utf8")) });
      continue;
    }
    const sha = String(e.sha);
    if (expectedType !== "commit") {
      const actual = await ctx.repo.git.objectType(sha);
      if (actual !== expectedType || sha.length !== 40) throw unprocessable(`${where}.sha ${sha} is not a valid ${expectedType}`, docs);
    } else if (!/^[0-9a-f]{40}$/.test(sha)) throw unprocessable(`${where}.sha ${sha} is not a valid commit sha`, docs);
    changes.push({ path: e.path, mode: e.mode as "100644", sha });
  }
  const tree = await ctx.repo.git.buildTree(base, changes);
  return { status: 201, body: await treeBody(ctx, tree, false) };
};

const getBlob: Route = async (ctx) => {
  const sha = ctx.params.file_sha ?? "";
  if ((await ctx.repo.git.objectType(sha)) !== "blob") throw notFound(`${DOCS.blobs}#get-a-blob`);
  const fullSha = await full(ctx.repo, sha);
  const bytes = await ctx.repo.git.readBlob(fullSha);
  // GitHub wraps base64 at 60 characters per line
  const content = (bytes.toString("base64").match(/.{1,60}/g) ?? []).join("\n");
  return {
    status: 200,
    body: {
      sha: fullSha,
      node_id: Buffer.from(`Blob:${fullSha}`).toString("base64url"),
      size: bytes.length,
      url: `${ctx.world.baseUrl}/repos/${ctx.repo.owner}/${ctx.repo.name}/git/blobs/${fullSha}`,
      content: content ? `${content}\n` : "",
      encoding: "base64",
    },
  };
};

const createBlob: Route = async (ctx) => {
  const req = ctx.body as RequestBody<"git", "createBlob">;
  const encoding = String(req.encoding ?? "utf-8");
  if (encoding !== "utf-8" && encoding !== "utf8" && encoding !== "base64") {
    throw unprocessable(`encoding must be "utf-8" or "base64", got "${encoding}"`, `${DOCS.blobs}#create-a-blob`);
  }
  const content = String(req.content);
  const bytes = encoding === "base64" ? Buffer.from(content, "base64") : Buffer.from(content, "utf8");
  const sha = await ctx.repo.git.writeBlob(bytes);
  return { status: 201, body: { sha, url: `${ctx.world.baseUrl}/repos/${ctx.repo.owner}/${ctx.repo.name}/git/blobs/${sha}` } };
};

/** Routes of the Git Data API (refs, commits, trees, blobs). */
export const gitDataRoutes: Record<string, Route> = {
  "git/get-ref": getRef,
  "git/list-matching-refs": listMatchingRefs,
  "git/create-ref": createRef,
  "git/update-ref": updateRef,
  "git/delete-ref": deleteRef,
  "git/get-commit": getCommit,
  "git/create-commit": createCommit,
  "git/get-tree": getTree,
  "git/create-tree": createTree,
  "git/get-blob": getBlob,
  "git/create-blob": createBlob,
};
