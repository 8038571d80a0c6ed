import { z } from "zod";
import { createOctokit, type CreateOctokitOptions, type GitHubClient } from "../store/octokit.js";
import { installationTokens, type InstallationToken } from "./app-token.js";
import type { RelayConfig } from "./config.js";
import type { DispatchBody } from "./wrap.js";

/** Sends repository_dispatch bodies; rejects with a DispatchError when GitHub did not take one. */
export interface Dispatcher {
  dispatch(body: DispatchBody): Promise<void>;
}

/** GitHub did not accept a dispatch; `status` is GitHub's answer (0: no answer). */
export class DispatchError extends Error {
  override name = "DispatchError";
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Options of the GitHub dispatcher; `octokit` tunes retries and throttling (tests shorten the waits). */
export interface GitHubDispatcherOptions {
  config: Pick<RelayConfig, "owner" | "repo" | "auth" | "apiUrl">;
  octokit?: Pick<CreateOctokitOptions, "retry" | "throttle" | "userAgent">;
  warn?: (message: string) => void;
  now?: () => number;
}

const TokenResponse = z.object({ token: z.string().min(1), expires_at: z.string() });

/** GitHub's status, or 0 when GitHub never answered (Octokit reports network errors as 500 without a response). */
function statusOf(err: unknown): number {
  const e = err as { status?: unknown; response?: unknown };
  return typeof e.status === "number" && e.response !== undefined ? e.status : 0;
}

/** Why GitHub refused, in words that name the fix. */
function explain(err: unknown, what: string, config: GitHubDispatcherOptions["config"]): DispatchError {
  const status = statusOf(err);
  const detail = err instanceof Error ? err.message : String(err);
  const repo = `${config.owner}/${config.repo}`;
  const hint: Record<number, string> = {
    401:
      config.auth.kind === "app"
        ? "the App's credentials were refused: check PIPEMEDIC_APP_ID, PIPEMEDIC_APP_PRIVATE_KEY and PIPEMEDIC_APP_INSTALLATION_ID"
        : "GITHUB_TOKEN was refused: it expired or was revoked",
    403: `the credentials may not write to ${repo} (repository_dispatch needs Contents: write), or GitHub's rate limit held past the retries`,
    404: `${repo} is not visible to the credentials: check PIPEMEDIC_REPOSITORY and the token's or installation's repository access`,
    422: "GitHub rejected the body",
  };
  const why =
    hint[status] ??
    (status >= 500 ? "GitHub kept failing after the retries" : status === 0 ? "GitHub could not be reached (network or GITHUB_API_URL)" : "unexpected answer");
  return new DispatchError(status, `${what} → ${status || "no answer"}: ${why} (${detail})`);
}

/** The dispatcher that posts to `POST /repos/{owner}/{repo}/dispatches` with a token or a GitHub App installation token. */
export function githubDispatcher(opts: GitHubDispatcherOptions): Dispatcher {
  const { config } = opts;
  const warn = opts.warn ?? ((m: string) => console.warn(m));
  const client = (token: string, id: string): GitHubClient =>
    createOctokit({
      token,
      baseUrl: config.apiUrl,
      userAgent: opts.octokit?.userAgent ?? "pipemedic-relay",
      retry: opts.octokit?.retry,
      throttle: { ...opts.octokit?.throttle, id },
      log: { warn, error: warn },
    });
  const what = `POST /repos/${config.owner}/${config.repo}/dispatches`;

  const send = async (octokit: GitHubClient, body: DispatchBody) => {
    await octokit.rest.repos.createDispatchEvent({
      owner: config.owner,
      repo: config.repo,
      event_type: body.event_type,
      client_payload: { ...body.client_payload },
    });
  };

  if (config.auth.kind === "token") {
    const octokit = client(config.auth.token, "pipemedic-relay");
    return {
      async dispatch(body) {
        try {
          await send(octokit, body);
        } catch (err) {
          throw explain(err, what, config);
        }
      },
    };
  }

  const auth = config.auth;
  const exchange = async (jwt: string, installationId: string): Promise<InstallationToken> => {
    const path = `POST /app/installations/${installationId}/access_tokens`;
    try {
      const res = await client(jwt, "pipemedic-relay-app").request("POST /app/installations/{installation_id}/access_tokens", {
        installation_id: Number(installationId),
      });
      const data = TokenResponse.parse(res.data);
      const expiresAt = Date.parse(data.expires_at);
      if (Number.isNaN(expiresAt)) throw new Error(`expires_at is not a time: "${data.expires_at}"`);
      return { token: data.token, expiresAt };
    } catch (err) {
      throw explain(err, path, config);
    }
  };
  const tokens = installationTokens({
    appId: auth.appId,
    privateKey: auth.privateKey,
    installationId: auth.installationId,
    exchange,
    ...(opts.now ? { now: opts.now } : {}),
  });
  // One client per token: the throttling plugin's limits are shared by id across clients.
  let current: { token: string; octokit: GitHubClient } | null = null;
  const clientFor = (token: string) => {
    if (current?.token !== token) current = { token, octokit: client(token, "pipemedic-relay") };
    return current.octokit;
  };
  return {
    async dispatch(body) {
      for (let attempt = 1; ; attempt++) {
        const token = await tokens.get();
        try {
          await send(clientFor(token), body);
          return;
        } catch (err) {
          // A revoked installation token is renewed once; a second 401 is the App's problem.
          if (statusOf(err) === 401 && attempt === 1) {
            warn(`${what} → 401 with a cached installation token; renewing it once`);
            tokens.invalidate(token);
            continue;
          }
          throw explain(err, what, config);
        }
      }
    },
  };
}
