import { deployment, deploymentStatus } from "../shapes.js";
import { isoNow, notFound, validationFailed, type DeploymentState } from "../state.js";
import { paginate, repoPath, type Route, type RouteContext } from "./route.js";

const DOCS = "https://docs.github.com/rest/deployments";

function find(ctx: RouteContext): DeploymentState {
  const d = ctx.repo.deployments.find((x) => x.id === Number(ctx.params.deployment_id));
  if (!d) throw notFound(`${DOCS}/statuses`);
  return d;
}

const list: Route = async (ctx) => {
  const q = ctx.query;
  const items = ctx.repo.deployments
    .filter((d) => (q.sha === undefined || d.sha === q.sha) && (q.ref === undefined || d.ref === q.ref) && (q.task === undefined || d.task === q.task))
    .filter((d) => q.environment === undefined || q.environment === null || d.environment === q.environment)
    .reverse();
  const page = paginate(ctx, items, `${repoPath(ctx.repo)}/deployments`);
  return { status: 200, body: page.items.map((d) => deployment(ctx.world, ctx.repo, d)), headers: page.headers };
};

const create: Route = async (ctx) => {
  const ref = String(ctx.body.ref);
  const sha = await ctx.repo.git.resolve(ref, "commit");
  if (!sha)
    throw validationFailed(
      [{ resource: "Deployment", field: "ref", code: "invalid", message: `No ref found for: ${ref}` }],
      `${DOCS}/deployments#create-a-deployment`,
    );
  const environment = typeof ctx.body.environment === "string" ? ctx.body.environment : "production";
  const d: DeploymentState = {
    id: ctx.world.nextId(),
    sha,
    ref,
    task: typeof ctx.body.task === "string" ? ctx.body.task : "deploy",
    environment,
    description: typeof ctx.body.description === "string" ? ctx.body.description : null,
    payload: ctx.body.payload ?? {},
    creator: ctx.world.viewer.login,
    transient: ctx.body.transient_environment === true,
    production: typeof ctx.body.production_environment === "boolean" ? ctx.body.production_environment : environment === "production",
    createdAt: isoNow(),
    statuses: [],
  };
  ctx.repo.deployments.push(d);
  return { status: 201, body: deployment(ctx.world, ctx.repo, d) };
};

const listStatuses: Route = async (ctx) => {
  const d = find(ctx);
  const page = paginate(ctx, [...d.statuses].reverse(), `${repoPath(ctx.repo)}/deployments/${d.id}/statuses`);
  return { status: 200, body: page.items.map((s) => deploymentStatus(ctx.world, ctx.repo, d, s)), headers: page.headers };
};

const createStatus: Route = async (ctx) => {
  const d = find(ctx);
  const id = ctx.world.nextId();
  const self = `${ctx.world.baseUrl}${repoPath(ctx.repo)}/deployments/${d.id}/statuses/${id}`;
  const s = {
    id,
    state: String(ctx.body.state),
    description: typeof ctx.body.description === "string" ? ctx.body.description : "",
    environment: typeof ctx.body.environment === "string" ? ctx.body.environment : d.environment,
    // the description requires `target_url` to be a URI while GitHub sends "" when unset; the status's own URL keeps both true
    targetUrl:
      typeof ctx.body.target_url === "string" && ctx.body.target_url
        ? ctx.body.target_url
        : typeof ctx.body.log_url === "string" && ctx.body.log_url
          ? ctx.body.log_url
          : self,
    logUrl: typeof ctx.body.log_url === "string" && ctx.body.log_url ? ctx.body.log_url : typeof ctx.body.target_url === "string" ? ctx.body.target_url : "",
    environmentUrl: typeof ctx.body.environment_url === "string" ? ctx.body.environment_url : "",
    creator: ctx.world.viewer.login,
    createdAt: isoNow(),
  };
  if (typeof ctx.body.environment === "string") d.environment = ctx.body.environment;
  d.statuses.push(s);
  return { status: 201, body: deploymentStatus(ctx.world, ctx.repo, d, s) };
};

/** Routes of deployments and their statuses. */
export const deploymentRoutes: Record<string, Route> = {
  "repos/list-deployments": list,
  "repos/create-deployment": create,
  "repos/list-deployment-statuses": listStatuses,
  "repos/create-deployment-status": createStatus,
};
