import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { RELAY_SOURCES, SECRET_VARIABLES, type RelayConfig, type RelaySource } from "./config.js";
import type { Dispatcher } from "./dispatch.js";
import { checkHeaders, verifyWebhook, type Headers } from "./verify.js";
import { wrapWebhook } from "./wrap.js";

/** One structured log line per request outcome (and per warning). */
export type RelayLog = (entry: { level: "info" | "warn" | "error"; msg: string } & Record<string, unknown>) => void;

/** What the relay needs to serve webhooks. */
export interface RelayServerOptions {
  config: Pick<RelayConfig, "owner" | "repo" | "secrets" | "maxBodyBytes" | "maxPending"> & Partial<Pick<RelayConfig, "maxUnverified">>;
  dispatcher: Dispatcher;
  log?: RelayLog;
  now?: () => number;
  /** The id given to each accepted webhook; a random UUID by default. */
  newId?: () => string;
  /** A body not read to the end within this many milliseconds is answered 408 (default 10 s). */
  readTimeoutMs?: number;
  /** How long a delivered signed webhook is remembered so that a replay is not dispatched again (default 1 hour). */
  replayWindowMs?: number;
  /** How many delivered signed webhooks are remembered at most (default 10,000; the oldest is forgotten first). */
  replayCacheSize?: number;
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

export const DEFAULT_MAX_UNVERIFIED = 8;
const DEFAULT_READ_TIMEOUT_MS = 10_000;
const DEFAULT_REPLAY_WINDOW_MS = 60 * 60_000;
const DEFAULT_REPLAY_CACHE_SIZE = 10_000;
/** Longer paths are refused with 400 before any routing (the routes are a few dozen characters). */
const MAX_PATH = 1024;

function reply(res: ServerResponse, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers }).end(`${JSON.stringify(body)}\n`);
}

/** A refusal before the body was read: the connection closes, so the unread body is never buffered. */
function refuse(res: ServerResponse, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): void {
  reply(res, status, body, { connection: "close", ...headers });
}

type Read = { ok: true; body: Buffer } | { ok: false; why: "too-large" | "timeout" | "aborted" };

/** The body, unless it grows past `max` bytes, takes longer than `timeoutMs`, or the sender goes away (the rest is not read). */
function readBody(req: IncomingMessage, max: number, timeoutMs: number): Promise<Read> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (r: Read) => {
      clearTimeout(timer);
      req.off("data", onData).off("end", onEnd).off("error", onAbort).off("close", onClose);
      if (!r.ok) {
        chunks.length = 0;
        req.pause();
      }
      resolve(r);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) return done({ ok: false, why: "too-large" });
      chunks.push(chunk);
    };
    const onEnd = () => done({ ok: true, body: Buffer.concat(chunks) });
    const onAbort = () => done({ ok: false, why: "aborted" });
    const onClose = () => {
      if (!req.complete) onAbort();
    };
    const timer = setTimeout(() => done({ ok: false, why: "timeout" }), timeoutMs);
    req.on("data", onData).on("end", onEnd).on("error", onAbort).on("close", onClose);
  });
}

function headersOf(req: IncomingMessage): Headers {
  const out: Headers = {};
  for (const [k, v] of Object.entries(req.headers)) out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}

/** The decoded path segments of a request target, or null when it is not a well-formed origin-form path. */
export function pathSegments(target: string | undefined): string[] | null {
  const raw = (target ?? "").split(/[?#]/, 1)[0] ?? "";
  if (!raw.startsWith("/") || raw.startsWith("//") || raw.length > MAX_PATH) return null;
  const segments: string[] = [];
  for (const s of raw.slice(1).split("/")) {
    try {
      segments.push(decodeURIComponent(s));
    } catch {
      return null;
    }
  }
  // a trailing slash is tolerated (`/hooks/sentry/`)
  if (segments.length > 1 && segments[segments.length - 1] === "") segments.pop();
  return segments;
}

/** Signed webhooks delivered recently, by source and body digest: a replay is answered without a second dispatch. */
class Delivered {
  private readonly done = new Map<string, { delivery: string; at: number }>();
  private readonly delivering = new Set<string>();
  constructor(
    private readonly windowMs: number,
    private readonly size: number,
  ) {}

  /** Whether the same webhook is being delivered right now. */
  inFlight(key: string): boolean {
    return this.delivering.has(key);
  }

  /** The delivery id of an earlier delivery of the same webhook within the window, or null. */
  seen(key: string, now: number): string | null {
    const hit = this.done.get(key);
    if (!hit) return null;
    if (now - hit.at > this.windowMs) {
      this.done.delete(key);
      return null;
    }
    return hit.delivery;
  }

  start(key: string): void {
    this.delivering.add(key);
  }

  /** Ends a delivery; only a delivered one is remembered, so the sender's retry of a failed one goes through. */
  finish(key: string, delivery: string | null, now: number): void {
    this.delivering.delete(key);
    if (delivery === null) return;
    this.done.delete(key);
    this.done.set(key, { delivery, at: now });
    for (const [k, v] of this.done) {
      if (this.done.size <= this.size && now - v.at <= this.windowMs) break; // oldest first: the rest is newer
      this.done.delete(k);
    }
  }
}

/**
 * The relay's request handler: `GET /healthz`, and `POST /hooks/<source>` which authenticates the
 * webhook (from the headers alone where the credential is a header; signed bodies are read by a
 * bounded number of unverified connections at a time), wraps it into repository_dispatch bodies and
 * answers 2xx only after GitHub accepted every one of them. Any failure after the webhook was
 * verified is a 503 the sender retries.
 */
export function relayHandler(opts: RelayServerOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { config, dispatcher } = opts;
  const log = opts.log ?? stderrLog;
  const now = opts.now ?? Date.now;
  const newId = opts.newId ?? randomUUID;
  const maxUnverified = config.maxUnverified ?? DEFAULT_MAX_UNVERIFIED;
  const readTimeoutMs = opts.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
  const delivered = new Delivered(opts.replayWindowMs ?? DEFAULT_REPLAY_WINDOW_MS, opts.replayCacheSize ?? DEFAULT_REPLAY_CACHE_SIZE);
  const configured = RELAY_SOURCES.filter((s) => config.secrets[s]?.length);
  let pending = 0;
  let unverified = 0;

  const tooLarge = (res: ServerResponse, source: RelaySource) => {
    refuse(res, 413, {
      error: `body over ${config.maxBodyBytes} bytes (PIPEMEDIC_RELAY_MAX_BODY_BYTES); lower the sender's max_alerts or raise the limit`,
    });
    log({ level: "warn", msg: "refused: body too large", source, limit: config.maxBodyBytes });
  };

  /** Reads the body; answers the refusal itself and returns null when it cannot be read. */
  async function read(source: RelaySource, req: IncomingMessage, res: ServerResponse): Promise<Buffer | null> {
    const got = await readBody(req, config.maxBodyBytes, readTimeoutMs);
    if (got.ok) return got.body;
    if (got.why === "too-large") tooLarge(res, source);
    else if (got.why === "timeout") {
      refuse(res, 408, { error: `the body was not received within ${readTimeoutMs / 1000} s` });
      log({ level: "warn", msg: "refused: body too slow", source, ms: readTimeoutMs });
    } else log({ level: "warn", msg: "sender went away before the body ended", source });
    return null;
  }

  /** Counts a verified webhook as pending while it is delivered; 503 when too many already wait for GitHub. */
  async function whilePending(source: RelaySource, res: ServerResponse, work: () => Promise<void>): Promise<void> {
    if (pending >= config.maxPending) {
      log({ level: "warn", msg: "refused: too many webhooks waiting for GitHub", source, pending });
      return refuse(res, 503, { error: `${pending} webhooks are waiting for GitHub; retry later` }, { "retry-after": "30" });
    }
    pending++;
    try {
      await work();
    } finally {
      pending--;
    }
  }

  /** Wraps and dispatches a verified webhook and answers; the delivery id once GitHub accepted every part, else null. */
  async function deliver(source: RelaySource, body: Buffer, headers: Headers, started: number, res: ServerResponse): Promise<string | null> {
    const delivery = newId();
    const wrapped = wrapWebhook(source, body, headers, { receivedAt: new Date(started).toISOString(), delivery });
    if (!wrapped.ok) {
      log({ level: "error", msg: "refused: cannot fit a repository_dispatch", source, delivery, reason: wrapped.reason });
      reply(res, 413, { error: wrapped.reason, delivery });
      return null;
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
      reply(res, 503, { error: `not delivered, retry later: ${reason}`, delivery }, { "retry-after": "30" });
      return null;
    }
    log({ level: "info", msg: "delivered", source, delivery, parts, bytes: body.length, ms: now() - started });
    reply(res, 202, { delivery, dispatches: parts });
    return delivery;
  }

  async function hook(source: RelaySource, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = now();
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > config.maxBodyBytes) return tooLarge(res, source);
    const headers = headersOf(req);
    const secrets = config.secrets[source] ?? [];
    const first = checkHeaders(source, headers, secrets, started);
    if (!first.ok) {
      log({ level: "warn", msg: "refused: bad credentials", source, reason: first.reason });
      return refuse(res, 401, { error: first.reason });
    }
    if (first.authenticated) {
      // A shared secret in the headers: authenticated before a byte of the body is read.
      return whilePending(source, res, async () => {
        const body = await read(source, req, res);
        if (body) await deliver(source, body, headers, started, res);
      });
    }
    // A signed body: read by a bounded number of connections at a time, within the read timeout.
    if (unverified >= maxUnverified) {
      log({ level: "warn", msg: "refused: too many unverified webhooks being read", source, unverified });
      return refuse(res, 503, { error: "too many webhooks being received; retry later" }, { "retry-after": "10" });
    }
    unverified++;
    let body: Buffer | null;
    try {
      body = await read(source, req, res);
    } finally {
      unverified--;
    }
    if (!body) return;
    const verdict = verifyWebhook(source, body, headers, secrets);
    if (!verdict.ok) {
      log({ level: "warn", msg: "refused: bad signature", source, reason: verdict.reason });
      return reply(res, 401, { error: verdict.reason });
    }
    const key = `${source}:${createHash("sha256").update(body).digest("hex")}`;
    if (delivered.inFlight(key)) {
      log({ level: "warn", msg: "refused: the same webhook is being delivered", source });
      return reply(res, 503, { error: "the same webhook is being delivered; retry later" }, { "retry-after": "30" });
    }
    const earlier = delivered.seen(key, now());
    if (earlier !== null) {
      log({ level: "warn", msg: "duplicate: already delivered, not dispatched again", source, delivery: earlier });
      return reply(res, 200, { delivery: earlier, duplicate: true, dispatches: 0 });
    }
    return whilePending(source, res, async () => {
      delivered.start(key);
      let id: string | null = null;
      try {
        id = await deliver(source, body, headers, started, res);
      } finally {
        delivered.finish(key, id, now());
      }
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const segments = pathSegments(req.url);
    if (!segments) {
      log({ level: "warn", msg: "refused: malformed request target", target: (req.url ?? "").slice(0, 100) });
      return refuse(res, 400, { error: "malformed request path" });
    }
    if (segments.length === 1 && segments[0] === "healthz") {
      if (req.method !== "GET" && req.method !== "HEAD") return refuse(res, 405, { error: "use GET /healthz" }, { allow: "GET, HEAD" });
      if (res.headersSent) return;
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" }).end("ok\n");
      return;
    }
    const name = segments.length === 2 && segments[0] === "hooks" ? segments[1]! : null;
    const source = configured.find((s) => s === name);
    if (!source) {
      // The answer names nothing (routes, sources, variables): that is for the operator's log.
      const why =
        name === null
          ? "no such route: POST webhooks to /hooks/<source>"
          : RELAY_SOURCES.some((s) => s === name)
            ? `source ${name} is not configured: set ${SECRET_VARIABLES[name as RelaySource]} on the relay`
            : "unknown source";
      log({ level: "warn", msg: `not found: ${why}`, path: (req.url ?? "").slice(0, 100), configured });
      return refuse(res, 404, { error: "not found" });
    }
    if (req.method !== "POST") return refuse(res, 405, { error: `use POST /hooks/${source}` }, { allow: "POST" });
    await hook(source, req, res);
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
  // A request Node cannot parse (a request line or headers over 16 KB, bad syntax) gets a plain 400, never a stack trace.
  server.on("clientError", (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || err.code === "ECONNRESET") return void socket.destroy();
    const status = err.code === "ERR_HTTP_REQUEST_TIMEOUT" ? "408 Request Timeout" : "400 Bad Request";
    const body = `${JSON.stringify({ error: "malformed request" })}\n`;
    socket.end(
      `HTTP/1.1 ${status}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
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
