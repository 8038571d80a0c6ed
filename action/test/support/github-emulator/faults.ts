import type { RouteResult } from "./state.js";

/** A server error to answer instead of the real handler, `times` times. */
export interface ServerFault {
  method?: string;
  path?: RegExp;
  status: 500 | 502 | 503;
  times: number;
}

/** GitHub's secondary rate limit (403 with `retry-after`), `times` times. */
export interface SecondaryRateLimitFault {
  method?: string;
  path?: RegExp;
  times: number;
  retryAfterSeconds: number;
}

const SERVER_MESSAGES: Record<number, string> = { 500: "Server Error", 502: "Server Error", 503: "Service Unavailable" };

/** GitHub's documented wording; `@octokit/plugin-throttling` recognises it by "secondary rate". */
export const SECONDARY_RATE_LIMIT_MESSAGE =
  "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID EMULATOR.";

/** Queued faults, consumed in order by the requests they match. */
export class Faults {
  private readonly server: ServerFault[] = [];
  private readonly secondary: SecondaryRateLimitFault[] = [];

  /** Queues server errors. */
  inject(fault: ServerFault): void {
    this.server.push({ ...fault });
  }

  /** Queues secondary rate limit refusals. */
  injectSecondaryRateLimit(fault: SecondaryRateLimitFault): void {
    this.secondary.push({ ...fault });
  }

  /** The fault this request meets, if any (consuming one of its `times`). */
  take(method: string, path: string): RouteResult | null {
    const matches = (f: { method?: string; path?: RegExp; times: number }) =>
      f.times > 0 && (!f.method || f.method.toUpperCase() === method) && (!f.path || f.path.test(path));
    const limit = this.secondary.find(matches);
    if (limit) {
      limit.times--;
      return {
        status: 403,
        headers: { "retry-after": String(limit.retryAfterSeconds), "x-ratelimit-remaining": "4000" },
        body: {
          message: SECONDARY_RATE_LIMIT_MESSAGE,
          documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
        },
      };
    }
    const fault = this.server.find(matches);
    if (fault) {
      fault.times--;
      return { status: fault.status, body: { message: SERVER_MESSAGES[fault.status] ?? "Server Error" } };
    }
    return null;
  }

  /** How many injected failures are still waiting. */
  pending(): number {
    return [...this.server, ...this.secondary].reduce((n, f) => n + f.times, 0);
  }
}
