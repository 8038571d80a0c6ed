import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { requestJson, retryAfterMs } from "../../src/telemetry/http.js";

type Handler = (req: IncomingMessage, res: ServerResponse, n: number, body: string) => void;
const servers: Array<() => Promise<void>> = [];
afterEach(async () => Promise.all(servers.splice(0).map((c) => c())));

/** A loopback server that answers as told, counting requests and keeping what it received. */
async function server(
  handler: Handler,
): Promise<{ url: string; count: () => number; seen: Array<{ headers: IncomingMessage["headers"]; body: string; method: string }> }> {
  let n = 0;
  const seen: Array<{ headers: IncomingMessage["headers"]; body: string; method: string }> = [];
  const srv = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      seen.push({ headers: req.headers, body, method: req.method ?? "" });
      handler(req, res, ++n, body);
    });
  });
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  servers.push(() => new Promise((r) => (srv.closeAllConnections(), srv.close(() => r()))));
  return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, count: () => n, seen };
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));

describe("requestJson", () => {
  it("reads Retry-After as seconds or as an HTTP date", () => {
    expect(retryAfterMs("2")).toBe(2000);
    expect(retryAfterMs("0.5")).toBe(500);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(retryAfterMs("soon")).toBeNull();
    expect(retryAfterMs(null)).toBeNull();
  });

  it("retries 5xx and 429 within the deadline, then returns the answer", async () => {
    const s = await server((_req, res, n) => {
      if (n === 1) return json(res, 502, { error: "bad gateway" });
      if (n === 2) return json(res, 429, { error: "slow down" }, { "retry-after": "0" });
      json(res, 200, { ok: true });
    });
    const got = await requestJson(new URL(`${s.url}/x`), { backend: "test", signal: AbortSignal.timeout(10_000) });
    expect(got).toEqual({ status: 200, body: { ok: true } });
    expect(s.count()).toBe(3);
  });

  it("returns the last JSON error once retries are spent, so the adapter can read the API's message", async () => {
    const s = await server((_req, res) => json(res, 503, { status: "error", error: "overloaded" }, { "retry-after": "0" }));
    const got = await requestJson(new URL(`${s.url}/x`), { backend: "test", signal: AbortSignal.timeout(10_000), retries: 1 });
    expect(got).toEqual({ status: 503, body: { status: "error", error: "overloaded" } });
    expect(s.count()).toBe(2);
  });

  it("does not wait for a Retry-After that reaches past its deadline", async () => {
    const s = await server((_req, res) => json(res, 429, {}, { "retry-after": "3600" }));
    await expect(
      requestJson(new URL(`${s.url}/api/v1/query_range`), { backend: "prometheus", signal: AbortSignal.timeout(60_000), timeoutMs: 5_000 }),
    ).rejects.toThrow("prometheus GET /api/v1/query_range: HTTP 429, Retry-After 3600 s reaches past the request's deadline (5000 ms); not retried");
    expect(s.count()).toBe(1);
  });

  it("stops a Retry-After wait when the caller's signal aborts", async () => {
    const s = await server((_req, res) => json(res, 429, {}, { "retry-after": "20" }));
    const ctl = new AbortController();
    const pending = requestJson(new URL(`${s.url}/p`), { backend: "test", signal: ctl.signal, timeoutMs: 60_000 });
    while (s.count() === 0) await new Promise((r) => setTimeout(r, 5));
    ctl.abort(new Error("budget spent"));
    await expect(pending).rejects.toThrow("test GET /p: abandoned: budget spent");
    expect(s.count()).toBe(1);
  });

  it("names its own timeout and the caller's deadline differently", async () => {
    const s = await server(() => undefined); // never answers
    await expect(requestJson(new URL(`${s.url}/slow`), { backend: "test", signal: AbortSignal.timeout(60_000), timeoutMs: 100 })).rejects.toThrow(
      "test GET /slow: no answer within 100 ms (the adapter's timeout)",
    );
    await expect(requestJson(new URL(`${s.url}/slow`), { backend: "test", signal: AbortSignal.timeout(100), timeoutMs: 60_000 })).rejects.toThrow(
      "test GET /slow: abandoned: the check's deadline passed",
    );
  });

  it("reports a backend that is down", async () => {
    const s = await server(() => undefined);
    const url = new URL(`${s.url}/gone`);
    await servers.pop()!();
    await expect(requestJson(url, { backend: "test", signal: AbortSignal.timeout(5_000), retries: 0 })).rejects.toThrow(
      /^test GET \/gone: cannot reach the backend \(ECONNREFUSED\)/,
    );
  });

  it("caps the bytes read, by content-length and while streaming", async () => {
    const declared = await server((_req, res) => res.writeHead(200, { "content-length": String(10_000_000) }).end());
    await expect(requestJson(new URL(`${declared.url}/big`), { backend: "test", signal: AbortSignal.timeout(5_000), maxBytes: 1000 })).rejects.toThrow(
      "test GET /big: response of 10000000 bytes is larger than 1000 bytes",
    );
    let written = 0;
    const streamed = await server((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = "x".repeat(16 * 1024);
      const pump = () => {
        while (written < 10_000 && res.write(chunk)) written++;
        if (written < 10_000) res.once("drain", pump);
        else res.end();
      };
      res.on("close", () => res.removeAllListeners("drain"));
      pump();
    });
    await expect(requestJson(new URL(`${streamed.url}/stream`), { backend: "test", signal: AbortSignal.timeout(10_000), maxBytes: 64 * 1024 })).rejects.toThrow(
      "test GET /stream: response larger than 65536 bytes",
    );
    // The server stopped being read long before its 160 MB were out.
    expect(written).toBeLessThan(10_000);
  });

  it("refuses a body that is not JSON, quoting a little of it and never the query string", async () => {
    const s = await server((_req, res, n) =>
      n === 1 ? res.writeHead(200).end("<html>proxy login</html>") : res.writeHead(400, { "content-type": "text/plain" }).end("parse error at line 1"),
    );
    const url = new URL(`${s.url}/api/v1/query?api_key=secret-value`);
    const first = requestJson(url, { backend: "test", signal: AbortSignal.timeout(5_000) });
    await expect(first).rejects.toThrow("test GET /api/v1/query: HTTP 200 but the body is not JSON (<html>proxy login</html>)");
    await expect(requestJson(url, { backend: "test", signal: AbortSignal.timeout(5_000) })).rejects.toThrow(
      "test GET /api/v1/query: HTTP 400: parse error at line 1",
    );
    await first.catch((e: Error) => expect(e.message).not.toContain("secret-value"));
  });

  it("posts JSON, and turns credentials in the URL into a basic Authorization header kept out of messages", async () => {
    const s = await server((_req, res) => json(res, 500, "not an object"));
    const url = new URL(s.url.replace("http://", "http://user:p%40ss@") + "/search");
    const got = await requestJson(url, { backend: "test", signal: AbortSignal.timeout(5_000), json: { q: 1 }, retries: 0 });
    expect(got.status).toBe(500);
    expect(s.seen[0]).toMatchObject({
      method: "POST",
      body: '{"q":1}',
      headers: { authorization: `Basic ${Buffer.from("user:p@ss").toString("base64")}`, "content-type": "application/json" },
    });
    const down = new URL("http://user:hunter2@127.0.0.1:9/x");
    await expect(requestJson(down, { backend: "test", signal: AbortSignal.timeout(5_000), retries: 0 })).rejects.toThrow(/^test GET \/x: cannot reach/);
    await requestJson(down, { backend: "test", signal: AbortSignal.timeout(5_000), retries: 0 }).catch((e: Error) =>
      expect(e.message).not.toMatch(/hunter2|user/),
    );
  });
});
