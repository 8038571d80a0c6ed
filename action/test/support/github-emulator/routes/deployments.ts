import { deployment, deploymentStatus } from "../shapes.js";
import { isoNow, notFound, validationFailed, type DeploymentState } from "../state.js";
import { paginate, repoPath, type RequestBody, type Route, type RouteContext } from "./route.js";

const DOCS = "https://docs.github.com/rest/deployments";

function find(ctx: RouteContext): DeploymentState {
  const d = ctx.repo.deployments.find((x) => x.id === Number(ctx.params.deployment_id));
  if (!d) throw notFound(`${DOCS}/statuses`);
  return d;
}

const list: Route = (ctx) => {
  const q = ctx.query;
  const items = ctx.repo.deployments
    .filter((d) => (q.sha === undefined || d.sha === q.sha) && (q.ref === undefined || d.ref === q.ref) && (q.task === undefined || d.task === q.task))
    .filter((d) => q.environment === undefined || q.environment === null || d.environment === q.environment)
    .reverse();
  const page = paginate(ctx, items, `${repoPath(ctx.repo)}/deployments`);
  return { status: 200, body: page.items.map((d) => deployment(ctx.world, ctx.repo, d)), headers: page.headers };
};

const create: Route = async (ctx) => {
  const req = ctx.body as RequestBody<"repos", "createDeployment">;
  const ref = String(req.ref);
  const sha = await ctx.repo.git.resolve(ref, "commit");
  if (!sha)
    throw validationFailed(
      [{ resource: "Deployment", field: "ref", code: "invalid", message: `No ref found for: ${ref}` }],
      `${DOCS}/deployments#create-a-deployment`,
    );
  const environment = typeof req.environment === "string" ? req.environment : "production";
  const d: DeploymentState = {
    id: ctx.world.nextId(),
    sha,
    ref,
    task: typeof req.task === "string" ? req.task : "deploy",
    environment,
    description: typeof req.description === "string" ? req.description : null,
    payload: req.payload ?? {},
    creator: ctx.world.viewer.login,
    transient: req.transient_environment === true,
    production: typeof req.production_environment === "boolean" ? req.production_environment : environment === "production",
    createdAt: isoNow(),
    statuses: [],
  };
  ctx.repo.deployments.push(d);
  return { status: 201, body: deployment(ctx.world, ctx.repo, d) };
};

const listStatuses: Route = (ctx) => {
  const d = find(ctx);
  const page = paginate(ctx, [...d.statuses].reverse(), `${repoPath(ctx.repo)}/deployments/${d.id}/statuses`);
  return { status: 200, body: page.items.map((s) => deploymentStatus(ctx.world, ctx.repo, d, s)), headers: page.headers };
};

const createStatus: Route = (ctx) => {
  const req = ctx.body as RequestBody<"repos", "createDeploymentStatus">;
  const d = find(ctx);
  const id = ctx.world.nextId();
  const self = `${ctx.world.baseUrl}${repoPath(ctx.repo)}/deployments/${d.id}/statuses/${id}`;
  const s = {
    id,
    state: String(req.state),
    description: typeof req.description === "string" ? req.description : "",
    environment: typeof req.environment === "string" ? req.environment : d.environment,
    // the description requires `target_url` to be a URI while GitHub sends "" when unset; the status's own URL keeps both true
    targetUrl: typeof req.target_url === "string" && req.target_url ? req.target_url : typeof req.log_url === "string" && req.log_url ? req.log_url : self,
    logUrl: typeof req.log_url === "string" && req.log_url ? req.log_url : typeof req.target_url === "string" ? req.target_url : "",
    environmentUrl: typeof req.environment_url === "string" ? req.environment_url : "",
    creator: ctx.world.viewer.login,
    createdAt: isoNow(),
  };
  if (typeof req.environment === "string") d.environment = req.environment;
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
