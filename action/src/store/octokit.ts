import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { Octokit } from "@octokit/rest";
import Bottleneck from "bottleneck/light.js";

/** Octokit with the retry and throttling plugins: HTTP faults are handled there, never by loops of ours. */
const PipemedicOctokit = Octokit.plugin(retry, throttling);

/** The GitHub client every GitHub adapter receives. */
export type GitHubClient = InstanceType<typeof PipemedicOctokit>;

/** Where the client reports what it does about limits and faults. */
export interface OctokitLog {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Options of the GitHub client. Delays are in milliseconds per second of `retry-after` so tests can shorten them. */
export interface CreateOctokitOptions {
  token: string;
  /** REST base URL; GitHub Enterprise or the test emulator. Default: GitHub.com. */
  baseUrl?: string;
  userAgent?: string;
  /** Server errors (5xx): how often to retry and the base delay unit (ms); plugin-retry waits base × (n+1)². */
  retry?: { retries?: number; retryAfterBaseValue?: number };
  /**
   * Primary and secondary rate limits: how often to retry, the unit that multiplies `retry-after` (ms),
   * the wait when GitHub sends no `retry-after` (s), and whether throttling (which also spaces writes
   * one second apart, as GitHub asks) is on at all. `writeIntervalMs` changes that spacing: only for
   * a server without secondary rate limits (an emulator in tests, a GitHub Enterprise Server whose
   * admin turned them off).
   */
  throttle?: {
    enabled?: boolean;
    retries?: number;
    retryAfterBaseValue?: number;
    fallbackSecondaryRateRetryAfter?: number;
    id?: string;
    writeIntervalMs?: number;
  };
  log?: Partial<OctokitLog>;
}

const noop = () => undefined;

/** Builds the GitHub client with bounded retries for server errors and rate limits. */
export function createOctokit(opts: CreateOctokitOptions): GitHubClient {
  const log: OctokitLog = {
    debug: opts.log?.debug ?? noop,
    info: opts.log?.info ?? noop,
    warn: opts.log?.warn ?? ((m) => console.warn(m)),
    error: opts.log?.error ?? ((m) => console.error(m)),
  };
  const limitRetries = opts.throttle?.retries ?? 3;
  const describe = (options: { method?: string; url?: string }) => `${options.method ?? "GET"} ${options.url ?? ""}`;
  return new PipemedicOctokit({
    auth: opts.token,
    baseUrl: opts.baseUrl,
    userAgent: opts.userAgent ?? "pipemedic",
    log,
    retry: {
      retries: opts.retry?.retries ?? 3,
      retryAfterBaseValue: opts.retry?.retryAfterBaseValue ?? 1000,
      // client errors are answers, not faults; 429 is the throttling plugin's to handle
      doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
    },
    throttle: {
      enabled: opts.throttle?.enabled ?? true,
      id: opts.throttle?.id ?? "pipemedic",
      retryAfterBaseValue: opts.throttle?.retryAfterBaseValue ?? 1000,
      fallbackSecondaryRateRetryAfter: opts.throttle?.fallbackSecondaryRateRetryAfter ?? 60,
      ...(opts.throttle?.writeIntervalMs !== undefined
        ? { write: new Bottleneck.Group({ id: "pipemedic-write", maxConcurrent: 1, minTime: opts.throttle.writeIntervalMs }) }
        : {}),
      onRateLimit: (retryAfter, options, _octokit, retryCount) => {
        const again = retryCount < limitRetries;
        log.warn(
          `GitHub rate limit hit by ${describe(options)}; ${again ? `retrying in ${retryAfter}s (retry ${retryCount + 1} of ${limitRetries})` : "giving up: wait for the limit to reset or use a GitHub App token"}`,
        );
        return again;
      },
      onSecondaryRateLimit: (retryAfter, options, _octokit, retryCount) => {
        const again = retryCount < limitRetries;
        log.warn(
          `GitHub secondary rate limit hit by ${describe(options)}; ${again ? `retrying in ${retryAfter}s (retry ${retryCount + 1} of ${limitRetries})` : "giving up: fewer concurrent runs or writes will avoid it"}`,
        );
        return again;
      },
    },
  });
}
