import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { RELAY_SOURCES, SECRET_VARIABLES, type RelayConfig, type RelaySource } from "./config.js";
import type { Dispatcher } from "./dispatch.js";
import { verifyWebhook, type Headers } from "./verify.js";
import { wrapWebhook } from "./wrap.js";

/** One structured log line per request outcome (and per warning). */
export type RelayLog = (entry: { level: "info" | "warn" | "error"; msg: string } & Record<string, unknown>) => void;

/** What the relay needs to serve webhooks. */
export interface RelayServerOptions {
  config: Pick<RelayConfig, "owner" | "repo" | "secrets" | "maxBodyBytes" | "maxPending">;
  dispatcher: Dispatcher;
  log?: RelayLog;
  now?: () => number;
  /** The id given to each accepted webhook; a random UUID by default. */
  newId?: () => string;
}

/** A listening relay. */
export interface RunningRelay {
  url: string;
  server: Server;
  /** Stops accepting connections and resolves once every webhook in progress has been answered. */
  close(): Promise<void>;
}

/** A JSON line on stderr: what container platforms collect. */
export const stderrLog: RelayLog = (entry) => process.stderr.write(`${JSON.stringify({ at: new Date().toISOString(), ...entry })}\n`);

function reply(res: ServerResponse, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers }).end(`${JSON.stringify(body)}\n`);
}

/** The body, or null once it grows past `max` bytes (the rest is not read). */
async function readBody(req: IncomingMessage, max: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function headersOf(req: IncomingMessage): Headers {
  const out: Headers = {};
  for (const [k, v] of Object.entries(req.headers)) out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}

/**
 * The relay's request handler: `GET /healthz`, and `POST /hooks/<source>` which verifies the
 * webhook, wraps it into repository_dispatch bodies and answers 2xx only after GitHub accepted
 * every one of them. Any failure after the webhook was verified is a 503 the sender retries.
 */
export function relayHandler(opts: RelayServerOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { config, dispatcher } = opts;
  const log = opts.log ?? stderrLog;
  const now = opts.now ?? Date.now;
  const newId = opts.newId ?? randomUUID;
  const configured = RELAY_SOURCES.filter((s) => config.secrets[s]?.length);
  let pending = 0;

  async function hook(source: RelaySource, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = now();
    const declared = Number(req.headers["content-length"]);
    const tooLarge = () => {
      reply(
        res,
        413,
        { error: `body over ${config.maxBodyBytes} bytes (PIPEMEDIC_RELAY_MAX_BODY_BYTES); lower the sender's max_alerts or raise the limit` },
        { connection: "close" },
      );
      log({ level: "warn", msg: "refused: body too large", source, limit: config.maxBodyBytes });
    };
    if (Number.isFinite(declared) && declared > config.maxBodyBytes) return tooLarge();
    const body = await readBody(req, config.maxBodyBytes);
    if (!body) return tooLarge();
    const headers = headersOf(req);
    const verdict = verifyWebhook(source, body, headers, config.secrets[source] ?? []);
    if (!verdict.ok) {
      log({ level: "warn", msg: "refused: bad signature", source, reason: verdict.reason });
      return reply(res, 401, { error: verdict.reason });
    }
    const delivery = newId();
    const wrapped = wrapWebhook(source, body, headers, { receivedAt: new Date(started).toISOString(), delivery });
    if (!wrapped.ok) {
      log({ level: "error", msg: "refused: cannot fit a repository_dispatch", source, delivery, reason: wrapped.reason });
      return reply(res, 413, { error: wrapped.reason, delivery });
    }
    if (wrapped.trimmed.length) log({ level: "warn", msg: "trimmed to fit a repository_dispatch", source, delivery, trimmed: wrapped.trimmed });
    const parts = wrapped.bodies.length;
    let sent = 0;
    try {
      // In order and one at a time: GitHub asks for serial writes, and a failure stops the rest.
      for (const b of wrapped.bodies) {
        await dispatcher.dispatch(b);
        sent++;
      }
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      log({ level: "error", msg: "not delivered: answered 503 so the sender retries", source, delivery, parts, dispatched: sent, reason, ms: now() - started });
      return reply(res, 503, { error: `not delivered, retry later: ${reason}`, delivery }, { "retry-after": "30" });
    }
    log({ level: "info", msg: "delivered", source, delivery, parts, bytes: body.length, ms: now() - started });
    reply(res, 202, { delivery, dispatches: parts });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://relay").pathname;
    if (path === "/healthz") {
      if (req.method !== "GET" && req.method !== "HEAD") return reply(res, 405, { error: "use GET /healthz" }, { allow: "GET, HEAD" });
      return reply(res, 200, { status: "ok", repository: `${config.owner}/${config.repo}`, sources: configured, pending });
    }
    const match = /^\/hooks\/([^/]+)\/?$/.exec(path);
    if (!match) return reply(res, 404, { error: `no route ${path}: POST webhooks to /hooks/<source> (${configured.join(", ")})` });
    const name = decodeURIComponent(match[1]!);
    const source = RELAY_SOURCES.find((s) => s === name);
    if (!source)
      return reply(res, 404, { error: `unknown source "${name.slice(0, 40)}": this relay serves ${configured.map((s) => `/hooks/${s}`).join(", ")}` });
    if (!config.secrets[source]?.length) return reply(res, 404, { error: `source ${source} is not configured: set ${SECRET_VARIABLES[source]} on the relay` });
    if (req.method !== "POST") return reply(res, 405, { error: `use POST /hooks/${source}` }, { allow: "POST" });
    if (pending >= config.maxPending) {
      log({ level: "warn", msg: "refused: too many webhooks waiting for GitHub", source, pending });
      return reply(res, 503, { error: `${pending} webhooks are waiting for GitHub; retry later` }, { "retry-after": "30" });
    }
    pending++;
    try {
      await hook(source, req, res);
    } finally {
      pending--;
    }
  }

  return handle;
}

/** Starts the relay on host:port (port 0: any free port). */
export async function startRelayServer(opts: RelayServerOptions & { host: string; port: number }): Promise<RunningRelay> {
  const log = opts.log ?? stderrLog;
  const handle = relayHandler(opts);
  const inFlight = new Set<Promise<void>>();
  const server = createServer((req, res) => {
    const p = handle(req, res)
      .catch((err: unknown) => {
        log({
          level: "error",
          msg: "relay crashed on a request; answered 500",
          path: req.url,
          reason: err instanceof Error ? (err.stack ?? err.message) : String(err),
        });
        reply(res, 500, { error: "relay error; retry later" });
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  });
  // Slow or stalled senders cannot hold connections open for long.
  server.headersTimeout = 30_000;
  server.requestTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    server,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await Promise.allSettled([...inFlight]);
      server.closeAllConnections();
      await closed;
    },
  };
}
