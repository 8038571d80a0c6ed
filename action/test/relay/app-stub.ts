/**
 * GitHub's App authentication in front of the GitHub emulator (which has no App routes): answers
 * `POST /app/installations/{id}/access_tokens` only for a JWT signed by the App's key with sane
 * claims, checks its own answer against GitHub's OpenAPI description, and forwards every other
 * request to the emulator when it carries a live installation token.
 */
import { randomBytes, verify, type KeyObject } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { findOperation, validateResponse } from "../support/github-emulator/openapi.js";

/** A running stub. */
export interface AppStub {
  url: string;
  /** Token exchanges answered, in order, with the JWT claims they carried. */
  exchanges: Array<{ installationId: string; claims: Record<string, unknown>; token: string }>;
  /** Refusals and contract problems; a test expects none unless it provokes them. */
  problems: string[];
  /** Makes GitHub forget a token, as when an installation token is revoked. */
  revoke(token: string): void;
  close(): Promise<void>;
}

/** Options of the stub. */
export interface AppStubOptions {
  appId: string;
  installationId: string;
  publicKey: KeyObject;
  /** Where other requests go, and the token the emulator expects there. */
  upstream: string;
  upstreamToken: string;
  /** Lifetime of issued tokens (GitHub: one hour). */
  tokenTtlMs?: number;
  now?: () => number;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(body));
}

/** Decodes and checks an App JWT the way GitHub does; returns its claims or why it is refused. */
function checkJwt(jwt: string, opts: AppStubOptions, nowSec: number): { claims: Record<string, unknown> } | { refused: string } {
  const parts = jwt.split(".");
  if (parts.length !== 3) return { refused: "not a JWT" };
  const [h, c, s] = parts as [string, string, string];
  const header = JSON.parse(Buffer.from(h, "base64url").toString()) as Record<string, unknown>;
  if (header.alg !== "RS256") return { refused: `alg ${String(header.alg)}, expected RS256` };
  if (!verify("sha256", Buffer.from(`${h}.${c}`), opts.publicKey, Buffer.from(s, "base64url")))
    return { refused: "signature does not verify with the App's public key" };
  const claims = JSON.parse(Buffer.from(c, "base64url").toString()) as Record<string, unknown>;
  if (String(claims.iss) !== opts.appId) return { refused: `iss ${String(claims.iss)} is not the App ${opts.appId}` };
  const iat = Number(claims.iat);
  const exp = Number(claims.exp);
  if (!(iat <= nowSec)) return { refused: "iat is in the future" };
  if (!(exp > nowSec)) return { refused: "the JWT expired" };
  if (exp - nowSec > 600) return { refused: "exp is more than 10 minutes ahead" };
  return { claims };
}

/** Starts the stub on 127.0.0.1. */
export async function startAppStub(opts: AppStubOptions): Promise<AppStub> {
  const now = opts.now ?? Date.now;
  const ttl = opts.tokenTtlMs ?? 3_600_000;
  const live = new Map<string, number>();
  const exchanges: AppStub["exchanges"] = [];
  const problems: string[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://stub").pathname;
    const auth = String(req.headers.authorization ?? "");
    const body = await readBody(req);
    const exchange = /^\/app\/installations\/([^/]+)\/access_tokens$/.exec(path);
    if (exchange && req.method === "POST") {
      const op = findOperation("POST", path)!.op;
      const jwt = /^bearer\s+(.+)$/i.exec(auth)?.[1] ?? "";
      const checked = checkJwt(jwt, opts, Math.floor(now() / 1000));
      if ("refused" in checked) {
        problems.push(`token exchange refused: ${checked.refused}`);
        return json(res, 401, { message: "A JSON web token could not be decoded", documentation_url: "https://docs.github.com/rest", status: "401" });
      }
      if (exchange[1] !== opts.installationId)
        return json(res, 404, { message: "Not Found", documentation_url: "https://docs.github.com/rest", status: "404" });
      const token = `ghs_${randomBytes(18).toString("base64url")}`;
      const expiresAt = now() + ttl;
      live.set(token, expiresAt);
      exchanges.push({ installationId: exchange[1], claims: checked.claims, token });
      const answer = {
        token,
        expires_at: new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, "Z"),
        permissions: { contents: "write", metadata: "read" },
        repository_selection: "selected",
      };
      const problem = validateResponse(op, 201, answer);
      if (problem) problems.push(`stub answer breaks the contract: ${problem}`);
      return json(res, 201, answer);
    }
    const token = /^(?:token|bearer)\s+(.+)$/i.exec(auth)?.[1] ?? "";
    const expires = live.get(token);
    if (expires === undefined || expires <= now()) {
      problems.push(`${req.method} ${path} with ${expires === undefined ? "an unknown" : "an expired"} token`);
      return json(res, 401, { message: "Bad credentials", documentation_url: "https://docs.github.com/rest", status: "401" });
    }
    const headers: Record<string, string> = { authorization: `token ${opts.upstreamToken}` };
    for (const name of ["content-type", "accept", "user-agent"]) if (req.headers[name]) headers[name] = String(req.headers[name]);
    const upstream = await fetch(`${opts.upstream}${req.url ?? "/"}`, { method: req.method ?? "GET", headers, ...(body.length ? { body } : {}) });
    const out: Record<string, string> = {};
    upstream.headers.forEach((v, k) => {
      if (k === "content-type" || k === "retry-after" || k.startsWith("x-")) out[k] = v;
    });
    res.writeHead(upstream.status, out).end(Buffer.from(await upstream.arrayBuffer()));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      problems.push(`stub crashed: ${String(err)}`);
      if (!res.headersSent) json(res, 500, { message: "Server Error" });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    exchanges,
    problems,
    revoke: (token) => void live.delete(token),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
