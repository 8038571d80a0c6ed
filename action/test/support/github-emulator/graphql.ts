import { Buffer } from "node:buffer";
import { buildClientSchema, execute, GraphQLError, parse, validate, type DocumentNode, type GraphQLSchema, type IntrospectionQuery } from "graphql";
import type { TreeChange } from "./git.js";
import { moveRef } from "./refs.js";
import { nodeId } from "./shapes.js";
import type { RepoState, RouteResult } from "./state.js";
import type { EmulatorWorld } from "./world.js";

/**
 * GitHub's GraphQL endpoint, for the two things Pipemedic may use: the branch head query and the
 * `createCommitOnBranch` mutation. Every document is validated against `@octokit/graphql-schema`;
 * anything else the schema allows but the emulator does not resolve is reported as unimplemented.
 */

let schema: GraphQLSchema | null = null;

async function loadSchema(): Promise<GraphQLSchema> {
  if (!schema) {
    // imported lazily: the schema is ~5 MB of JSON and REST-only tests never need it
    const mod = (await import("@octokit/graphql-schema")) as { schema: { json: unknown } };
    schema = buildClientSchema(mod.schema.json as IntrospectionQuery);
  }
  return schema;
}

/** An error GitHub reports with a `type` (STALE_DATA, NOT_FOUND, UNPROCESSABLE, …). */
class TypedError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

async function commitNode(world: EmulatorWorld, repo: RepoState, sha: string): Promise<Record<string, unknown>> {
  const c = await repo.git.readCommit(sha);
  const lines = c.message.replace(/\n$/, "").split("\n");
  return {
    __typename: "Commit",
    id: nodeId("Commit", sha),
    oid: sha,
    abbreviatedOid: sha.slice(0, 7),
    message: c.message.replace(/\n$/, ""),
    messageHeadline: lines[0] ?? "",
    messageBody: lines.slice(2).join("\n"),
    url: `${world.baseUrl}/${repo.owner}/${repo.name}/commit/${sha}`,
    commitUrl: `${world.baseUrl}/${repo.owner}/${repo.name}/commit/${sha}`,
    committedDate: c.committer.date,
    authoredDate: c.author.date,
    tree: { __typename: "Tree", oid: c.tree, id: nodeId("Tree", c.tree) },
    parents: () => ({ totalCount: c.parents.length, nodes: c.parents.map((p) => ({ __typename: "Commit", oid: p })) }),
  };
}

function refNode(world: EmulatorWorld, repo: RepoState, qualified: string, sha: string): Record<string, unknown> {
  const slash = qualified.startsWith("refs/") ? qualified.indexOf("/", 5) + 1 : 0;
  return {
    __typename: "Ref",
    id: nodeId("Ref", `${repo.id}:${qualified}`),
    name: qualified.slice(slash),
    prefix: qualified.slice(0, slash),
    target: () => commitNode(world, repo, sha),
    repository: () => repositoryNode(world, repo),
  };
}

async function findRef(world: EmulatorWorld, repo: RepoState, name: string): Promise<Record<string, unknown> | null> {
  const qualified = name.startsWith("refs/") ? name : `refs/heads/${name}`;
  const sha = await repo.git.readRef(qualified);
  return sha ? refNode(world, repo, qualified, sha) : null;
}

function repositoryNode(world: EmulatorWorld, repo: RepoState): Record<string, unknown> {
  return {
    __typename: "Repository",
    id: nodeId("Repository", repo.id),
    databaseId: repo.id,
    name: repo.name,
    nameWithOwner: `${repo.owner}/${repo.name}`,
    isPrivate: repo.private,
    url: `${world.baseUrl}/${repo.owner}/${repo.name}`,
    owner: { __typename: "User", login: repo.owner, id: nodeId("User", world.user(repo.owner).id) },
    defaultBranchRef: () => findRef(world, repo, repo.defaultBranch),
    ref: (args: { qualifiedName: string }) => findRef(world, repo, args.qualifiedName),
  };
}

interface CommitOnBranchInput {
  branch: { repositoryNameWithOwner?: string; branchName?: string; id?: string };
  expectedHeadOid: string;
  message: { headline: string; body?: string | null };
  fileChanges?: { additions?: Array<{ path: string; contents: string }> | null; deletions?: Array<{ path: string }> | null } | null;
  clientMutationId?: string | null;
}

async function createCommitOnBranch(world: EmulatorWorld, input: CommitOnBranchInput): Promise<Record<string, unknown>> {
  const [owner, name] = (input.branch.repositoryNameWithOwner ?? "").split("/");
  const repo = owner && name ? world.repo(owner, name) : undefined;
  if (!repo)
    throw new TypedError("NOT_FOUND", `Could not resolve to a Repository with the name '${input.branch.repositoryNameWithOwner ?? input.branch.id ?? ""}'.`);
  const branch = input.branch.branchName ?? "";
  const ref = `refs/heads/${branch.replace(/^refs\/heads\//, "")}`;
  const additions = input.fileChanges?.additions ?? [];
  const deletions = input.fileChanges?.deletions ?? [];
  const blobs: TreeChange[] = [];
  for (const a of additions) blobs.push({ path: a.path, mode: "100644", sha: await repo.git.writeBlob(Buffer.from(a.contents, "base64")) });
  const me = world.identity();
  const message = `${input.message.headline}${input.message.body ? `\n\n${input.message.body}` : ""}\n`;
  const moved = await moveRef(world, repo, ref, async (current) => {
    if (!current) return { refuse: `NOT_FOUND:A ref named "${ref}" does not exist.` };
    if (current !== input.expectedHeadOid)
      return { refuse: `STALE_DATA:Expected branch to point to "${input.expectedHeadOid}" but it did not. Pull and try again.` };
    const baseTree = await repo.git.resolve(current, "tree");
    const existing = new Set((await repo.git.lsTree(current, true)).map((e) => e.path));
    const missing = deletions.find((d) => !existing.has(d.path));
    if (missing) return { refuse: `UNPROCESSABLE:A path was requested for deletion which does not exist as of commit oid \`${current}\`` };
    const tree = await repo.git.buildTree(baseTree, [...blobs, ...deletions.map((d) => ({ path: d.path, delete: true as const }))]);
    return { next: await repo.git.commitTree({ tree, parents: [current], message, author: me, committer: me }) };
  });
  if (!moved.ok) {
    const colon = moved.reason.indexOf(":");
    throw new TypedError(moved.reason.slice(0, colon), moved.reason.slice(colon + 1));
  }
  return {
    clientMutationId: input.clientMutationId ?? null,
    commit: () => commitNode(world, repo, moved.sha),
    ref: () => refNode(world, repo, ref, moved.sha),
  };
}

/** Answers POST /graphql the way GitHub does: HTTP 200 with `data` and/or `errors`. */
export async function handleGraphql(world: EmulatorWorld, body: unknown): Promise<RouteResult & { unimplemented: string[] }> {
  const request = body as { query?: unknown; variables?: unknown; operationName?: unknown } | undefined;
  if (!request || typeof request.query !== "string") {
    return {
      status: 400,
      body: { message: "A query attribute must be specified and must be a string.", documentation_url: "https://docs.github.com/graphql" },
      unimplemented: [],
    };
  }
  const s = await loadSchema();
  let document: DocumentNode;
  try {
    document = parse(request.query);
  } catch (error) {
    const e = error as GraphQLError;
    return { status: 200, body: { errors: [{ message: e.message, locations: e.locations }] }, unimplemented: [] };
  }
  const invalid = validate(s, document);
  if (invalid.length) {
    return { status: 200, body: { errors: invalid.map((e) => ({ message: e.message, locations: e.locations, path: e.path })) }, unimplemented: [] };
  }
  const rootValue = {
    repository: (args: { owner: string; name: string }) => {
      const repo = world.repo(args.owner, args.name);
      if (!repo) throw new TypedError("NOT_FOUND", `Could not resolve to a Repository with the name '${args.owner}/${args.name}'.`);
      return repositoryNode(world, repo);
    },
    viewer: () => ({ __typename: "User", login: world.viewer.login, id: nodeId("User", world.viewer.id), databaseId: world.viewer.id }),
    createCommitOnBranch: (args: { input: CommitOnBranchInput }) => createCommitOnBranch(world, args.input),
  };
  const result = await execute({
    schema: s,
    document,
    rootValue,
    variableValues: (request.variables ?? undefined) as Record<string, unknown> | undefined,
    operationName: typeof request.operationName === "string" ? request.operationName : undefined,
  });
  const unimplemented: string[] = [];
  const errors = (result.errors ?? []).map((e) => {
    const original = e.originalError;
    if (!(original instanceof TypedError) && e.path) unimplemented.push(`${e.path?.join(".") ?? "?"}: ${e.message}`);
    return { ...(original instanceof TypedError ? { type: original.type } : {}), path: e.path, locations: e.locations, message: e.message };
  });
  return { status: 200, body: { data: result.data ?? null, ...(errors.length ? { errors } : {}) }, unimplemented };
}
