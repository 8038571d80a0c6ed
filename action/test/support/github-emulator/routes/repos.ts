import { fullRepository } from "../shapes.js";
import type { DispatchEvent } from "../state.js";
import type { RequestBody, Route } from "./route.js";

const getRepo: Route = (ctx) => ({ status: 200, body: fullRepository(ctx.world, ctx.repo) });

const dispatch: Route = (ctx) => {
  const req = ctx.body as RequestBody<"repos", "createDispatchEvent">;
  const event: DispatchEvent = {
    owner: ctx.repo.owner,
    repo: ctx.repo.name,
    event_type: String(req.event_type),
    client_payload: req.client_payload ?? {},
  };
  ctx.world.dispatches.push(event);
  // GitHub answers before any workflow starts, so handlers run after the response
  for (const handler of ctx.world.dispatchHandlers) {
    setImmediate(() => {
      Promise.resolve()
        .then(() => handler(event))
        .catch((error: unknown) => {
          ctx.world.violations.push({
            kind: "crash",
            operationId: "repos/create-dispatch-event",
            method: "POST",
            path: `/repos/${event.owner}/${event.repo}/dispatches`,
            status: 204,
            message: `onDispatch handler failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
          });
        });
    });
  }
  return { status: 204 };
};

/** Routes of the repository itself: metadata and repository_dispatch. */
export const repoRoutes: Record<string, Route> = {
  "repos/get": getRepo,
  "repos/create-dispatch-event": dispatch,
};
