import { notFound } from "../state.js";
import type { Route, RouteContext } from "./route.js";

const DOCS = "https://docs.github.com/rest/repos/contents#get-repository-content";

function encodePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

function item(ctx: RouteContext, ref: string, e: { path: string; type: string; sha: string; size: number }): Record<string, unknown> {
  const api = `${ctx.world.baseUrl}/repos/${ctx.repo.owner}/${ctx.repo.name}`;
  const self = `${api}/contents/${encodePath(e.path)}?ref=${encodeURIComponent(ref)}`;
  const git = e.type === "dir" ? `${api}/git/trees/${e.sha}` : e.type === "submodule" ? null : `${api}/git/blobs/${e.sha}`;
  const html = `${ctx.world.baseUrl}/${ctx.repo.owner}/${ctx.repo.name}/${e.type === "dir" ? "tree" : "blob"}/${encodeURIComponent(ref)}/${encodePath(e.path)}`;
  return {
    type: e.type,
    size: e.size,
    name: e.path.split("/").pop() ?? e.path,
    path: e.path,
    sha: e.sha,
    url: self,
    git_url: git,
    html_url: html,
    download_url: e.type === "file" ? `${ctx.world.baseUrl}/${ctx.repo.owner}/${ctx.repo.name}/raw/${encodeURIComponent(ref)}/${encodePath(e.path)}` : null,
    _links: { self, git, html },
  };
}

function kind(mode: string, type: string): string {
  if (type === "tree") return "dir";
  if (type === "commit") return "submodule";
  return mode === "120000" ? "symlink" : "file";
}

const getContent: Route = async (ctx) => {
  const ref = typeof ctx.query.ref === "string" ? ctx.query.ref : ctx.repo.defaultBranch;
  const commit = await ctx.repo.git.resolve(ref, "commit");
  if (!commit) throw notFound(DOCS);
  const path = (ctx.params.path ?? "").replace(/\/+$/, "");
  const found = (await ctx.repo.git.run(["ls-tree", "-l", "-z", commit, "--", path])).stdout
    .toString("utf8")
    .split("\0")
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf("\t");
      const [mode, type, sha, size] = line.slice(0, tab).split(/ +/);
      return { mode: mode!, type: type!, sha: sha!, size: size === "-" ? 0 : Number(size), path: line.slice(tab + 1) };
    })
    .find((e) => e.path === path);
  if (!found) throw notFound(DOCS);
  const raw = String(ctx.headers.accept ?? "").includes("raw");
  if (found.type === "tree") {
    const children = await ctx.repo.git.lsTree(`${commit}:${path}`, false);
    const body = children.map((c) => item(ctx, ref, { path: `${path}/${c.path}`, type: kind(c.mode, c.type), sha: c.sha, size: c.size ?? 0 }));
    return { status: 200, body };
  }
  const type = kind(found.mode, found.type);
  const base = item(ctx, ref, { path, type, sha: found.sha, size: found.size });
  if (type === "submodule") {
    return { status: 200, body: { ...base, submodule_git_url: `${ctx.world.baseUrl}/${ctx.repo.owner}/${ctx.repo.name}.git` } };
  }
  const bytes = await ctx.repo.git.readBlob(found.sha);
  if (raw) return { status: 200, body: bytes, headers: { "content-type": "application/vnd.github.raw; charset=utf-8" } };
  if (type === "symlink") return { status: 200, body: { ...base, target: bytes.toString("utf8") } };
  const content = (bytes.toString("base64").match(/.{1,60}/g) ?? []).join("\n");
  return { status: 200, body: { ...base, content: content ? `${content}\n` : "", encoding: "base64" } };
};

/** Routes of the Contents API (read only). */
export const contentRoutes: Record<string, Route> = {
  "repos/get-content": getContent,
};
