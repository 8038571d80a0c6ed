import type { RestEndpointMethodTypes } from "@octokit/rest";
import type { CoercedQuery } from "../openapi.js";
import type { RepoState, RouteResult } from "../state.js";
import type { EmulatorWorld } from "../world.js";

/** What every route receives: the world, the repository named by the path, and the validated request. */
export interface RouteContext {
  world: EmulatorWorld;
  repo: RepoState;
  params: Record<string, string>;
  /** Query parameters, coerced to their documented types. */
  query: CoercedQuery;
  /** The parsed JSON body, validated against the operation's schema before the route runs; a route reads it through `RequestBody`. */
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

type Api = RestEndpointMethodTypes;

/**
 * The body of a request to `octokit.rest[S][M]`, typed from GitHub's OpenAPI description, the one the
 * server validated the request against (it also carries the path parameters, which a body never holds).
 */
export type RequestBody<S extends keyof Api, M extends keyof Api[S]> = Api[S][M] extends { parameters: infer P } ? P : never;

/** A handler for one OpenAPI operation: its answer, or a promise of it when it reads the repository. */
export type Route = (ctx: RouteContext) => RouteResult | Promise<RouteResult>;

/** Reads `page` and `per_page` and returns one page with GitHub's `link` header. */
export function paginate<T>(ctx: RouteContext, items: T[], pathname: string, defaultPerPage = 30): { items: T[]; headers: Record<string, string> } {
  const perPage = Math.min(Number(ctx.query.per_page ?? defaultPerPage) || defaultPerPage, 100);
  const page = Math.max(Number(ctx.query.page ?? 1) || 1, 1);
  const last = Math.max(Math.ceil(items.length / perPage), 1);
  const headers: Record<string, string> = {};
  const link = (p: number, rel: string) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(ctx.query)) if (k !== "page" && v !== undefined) q.set(k, String(v));
    q.set("page", String(p));
    return `<${ctx.world.baseUrl}${pathname}?${q.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page < last) links.push(link(page + 1, "next"), link(last, "last"));
  if (page > 1) links.push(link(1, "first"), link(page - 1, "prev"));
  if (links.length) headers.link = links.join(", ");
  return { items: items.slice((page - 1) * perPage, page * perPage), headers };
}

/** The API path of the repository, for links. */
export function repoPath(repo: RepoState): string {
  return `/repos/${repo.owner}/${repo.name}`;
}
