/**
 * The one HTTP client every telemetry adapter uses: the caller's signal plus a timeout of its own, a
 * cap on the bytes read, bounded retries of 429 and 5xx that never wait past the request's deadline,
 * and JSON parsing whose errors name the backend and the URL path (never the query string or
 * credentials, which may hold secrets).
 */

export interface HttpOptions {
  /** Backend name for error messages: "prometheus", "loki", … */
  backend: string;
  /** The caller's signal (the check's deadline). */
  signal: AbortSignal;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  /** A JSON request body (sent with content-type application/json). */
  json?: unknown;
  /** This request's own deadline, retries included; default 30 s. */
  timeoutMs?: number;
  /** The most bytes read from a response body; default 32 MiB. */
  maxBytes?: number;
  /** How many times a 429 or 5xx is retried; default 2. */
  retries?: number;
}

export interface HttpJson {
  status: number;
  /** The parsed JSON body. */
  body: unknown;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_BYTES = 32 * 1024 * 1024;
const DEFAULT_RETRIES = 2;

/** Milliseconds a Retry-After header asks for (seconds or an HTTP date), or null when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isFinite(at) ? Math.max(0, at - now) : null;
}

/** One line of a body for an error message: whitespace collapsed, cut short. */
function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

/** Moves `user:password@` out of the URL into a basic Authorization header (fetch refuses credentials in URLs). */
function splitCredentials(url: URL, headers: Record<string, string>): { url: URL; headers: Record<string, string> } {
  if (!url.username && !url.password) return { url, headers };
  const clean = new URL(url);
  clean.username = "";
  clean.password = "";
  const hasAuth = Object.keys(headers).some((h) => h.toLowerCase() === "authorization");
  const basic = Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString("base64");
  return { url: clean, headers: hasAuth ? headers : { ...headers, authorization: `Basic ${basic}` } };
}

/** Sleeps, or rejects as soon as the signal aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Reads a body up to `maxBytes`, cancelling the stream (and so the connection) past the cap. */
async function readCapped(res: Response, maxBytes: number, where: string): Promise<string> {
  const declared = Number(res.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw new Error(`${where}: response of ${declared} bytes is larger than ${maxBytes} bytes; narrow the query or raise the limit`);
  }
  if (!res.body) return "";
  // fetch's body is a byte stream; undici types it as ReadableStream<any>
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new Error(`${where}: response larger than ${maxBytes} bytes; narrow the query or raise the limit`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Sends one request and parses its JSON body, retrying 429 and 5xx within the deadline. Any
 * status is returned when its body is JSON, so an adapter can read the API's own error fields; a
 * non-JSON body, a transport error, a timeout or an oversized body rejects with an Error naming
 * the backend, method and path.
 */
export async function requestJson(target: URL, opts: HttpOptions): Promise<HttpJson> {
  const method = opts.method ?? (opts.json === undefined ? "GET" : "POST");
  const where = `${opts.backend} ${method} ${target.pathname}`;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const retries = opts.retries ?? DEFAULT_RETRIES;
  const deadline = Date.now() + timeoutMs;
  const own = AbortSignal.timeout(timeoutMs);
  const signal = AbortSignal.any([opts.signal, own]);
  const { url, headers } = splitCredentials(target, { accept: "application/json", ...opts.headers });
  const init: RequestInit = {
    method,
    headers: opts.json === undefined ? headers : { "content-type": "application/json", ...headers },
    ...(opts.json === undefined ? {} : { body: JSON.stringify(opts.json) }),
    signal,
  };

  /** Turns an abort or a network failure into an error that says which and where. */
  const failure = (e: unknown): Error => {
    if (own.aborted && !opts.signal.aborted) return new Error(`${where}: no answer within ${timeoutMs} ms (the adapter's timeout)`);
    if (opts.signal.aborted) {
      const reason = opts.signal.reason as { name?: string; message?: string } | undefined;
      const why = reason?.name === "TimeoutError" ? "the check's deadline passed" : (reason?.message ?? "aborted by the caller");
      return new Error(`${where}: abandoned: ${why}`);
    }
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    return new Error(`${where}: cannot reach the backend (${cause?.code ?? cause?.message ?? (e as Error).message})`);
  };

  for (let attempt = 0; ; attempt++) {
    let res: Response;
    try {
      res = await fetch(url, init);
    } catch (e) {
      throw failure(e);
    }
    if ((res.status === 429 || res.status >= 500) && attempt < retries) {
      const asked = retryAfterMs(res.headers.get("retry-after"));
      const wait = asked ?? 200 * 2 ** attempt;
      await res.body?.cancel().catch(() => undefined);
      // Waiting past the deadline only to be abandoned helps nobody: say so now.
      if (Date.now() + wait >= deadline) {
        throw new Error(
          `${where}: HTTP ${res.status}${asked !== null ? `, Retry-After ${Math.ceil(asked / 1000)} s` : ""} reaches past the request's deadline (${timeoutMs} ms); not retried`,
        );
      }
      try {
        await sleep(wait, signal);
      } catch (e) {
        throw failure(e);
      }
      continue;
    }
    let text: string;
    try {
      text = await readCapped(res, maxBytes, where);
    } catch (e) {
      if (signal.aborted) throw failure(e);
      throw e;
    }
    try {
      return { status: res.status, body: JSON.parse(text) as unknown };
    } catch {
      if (res.ok) throw new Error(`${where}: HTTP ${res.status} but the body is not JSON (${excerpt(text) || "empty"})`);
      throw new Error(`${where}: HTTP ${res.status}: ${excerpt(text) || res.statusText || "no body"}`);
    }
  }
}
