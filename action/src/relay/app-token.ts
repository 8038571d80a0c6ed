import { createPrivateKey, sign } from "node:crypto";

const base64url = (data: Buffer | string) => Buffer.from(data).toString("base64url");

/**
 * A GitHub App JWT (RS256) for `iss` = the App id. `iat` is backdated 60 s and `exp` is 9 minutes
 * ahead, as GitHub recommends, so clock drift between this host and GitHub does not reject it
 * (GitHub refuses an `exp` more than 10 minutes ahead).
 */
export function appJwt(appId: string, privateKeyPem: string, nowMs: number): string {
  const now = Math.floor(nowMs / 1000);
  const header = base64url(JSON.stringify({ alg: "RS256", typ: "JWT" }));
  const claims = base64url(JSON.stringify({ iat: now - 60, exp: now + 9 * 60, iss: appId }));
  const input = `${header}.${claims}`;
  const key = createPrivateKey(privateKeyPem);
  return `${input}.${base64url(sign("sha256", Buffer.from(input), key))}`;
}

/** An installation access token and when it stops working. */
export interface InstallationToken {
  token: string;
  expiresAt: number;
}

/** Exchanges an App JWT for an installation token (POST /app/installations/{id}/access_tokens). */
export type ExchangeToken = (jwt: string, installationId: string) => Promise<InstallationToken>;

/** Options of the installation token cache. */
export interface InstallationTokensOptions {
  appId: string;
  privateKey: string;
  installationId: string;
  exchange: ExchangeToken;
  now?: () => number;
  /** Renew this long before expiry (ms), so a token never expires during a dispatch and its retries. Default 5 minutes. */
  renewBeforeMs?: number;
}

/** Installation tokens cached until shortly before they expire; concurrent callers share one exchange. */
export interface InstallationTokens {
  /** A token valid for at least `renewBeforeMs`. */
  get(): Promise<string>;
  /** Forgets the cached token (GitHub answered 401: revoked or the App's key rotated). */
  invalidate(token: string): void;
}

/** Creates the installation token cache of a GitHub App. */
export function installationTokens(opts: InstallationTokensOptions): InstallationTokens {
  const now = opts.now ?? Date.now;
  const renewBefore = opts.renewBeforeMs ?? 5 * 60_000;
  let cached: InstallationToken | null = null;
  let pending: Promise<InstallationToken> | null = null;
  return {
    async get() {
      if (cached && cached.expiresAt - renewBefore > now()) return cached.token;
      pending ??= opts
        .exchange(appJwt(opts.appId, opts.privateKey, now()), opts.installationId)
        .then((t) => (cached = t))
        .finally(() => (pending = null));
      return (await pending).token;
    },
    invalidate(token) {
      if (cached?.token === token) cached = null;
    },
  };
}
