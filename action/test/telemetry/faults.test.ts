import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { prometheusTelemetry } from "../../src/telemetry/prometheus.js";

type Handler = (res: ServerResponse, n: number) => void;
const servers: Array<() => Promise<void>> = [];
afterEach(async () => Promise.all(servers.splice(0).map((c) => c())));

/** A backend that misbehaves as told, counting the requests it got. */
async function backend(handler: Handler): Promise<{ url: string; count: () => number }> {
  let n = 0;
  const server = createServer((_req, res) => handler(res, ++n));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  servers.push(() => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, count: () => n };
}

const ok = JSON.stringify({ status: "success", data: { resultType: "matrix", result: [{ metric: { __name__: "up" }, values: [[1773450000, "1"]] }] } });
const query = { name: "up", matchers: [], start: 1773450000000, end: 1773450060000, stepMs: 60_000 };

describe("telemetry faults: the adapter fails clearly (the check goes inconclusive), never hangs, never invents data", () => {
  it("retries a 5xx and a 429 (honouring Retry-After) within the deadline", async () => {
    const b = await backend((res, n) => {
      if (n === 1) return void res.writeHead(503, { "content-type": "application/json" }).end(JSON.stringify({ status: "error", errorType: "unavailable", error: "busy" }));
      if (n === 2) return void res.writeHead(429, { "retry-after": "1" }).end("slow down");
      res.writeHead(200, { "content-type": "application/json" }).end(ok);
    });
    const series = await prometheusTelemetry({ url: b.url }).metrics(query, AbortSignal.timeout(10_000));
    expect(series[0]!.points).toEqual([[1773450000000, 1]]);
    expect(b.count()).toBe(3);
  });

  it("reports Prometheus' own error for a bad query", async () => {
    const b = await backend((res) => res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ status: "error", errorType: "bad_data", error: 'parse error at char 5: unexpected "}"' })));
    await expect(prometheusTelemetry({ url: b.url }).metrics(query, AbortSignal.timeout(5000))).rejects.toThrow(/HTTP 400 bad_data: parse error at char 5/);
  });

  it("rejects malformed JSON and a wrong result type", async () => {
    const broken = await backend((res) => res.writeHead(200).end("{not json"));
    await expect(prometheusTelemetry({ url: broken.url }).metrics(query, AbortSignal.timeout(5000))).rejects.toThrow(/not JSON/);
    const vector = await backend((res) => res.writeHead(200).end(JSON.stringify({ status: "success", data: { resultType: "vector", result: [] } })));
    await expect(prometheusTelemetry({ url: vector.url }).metrics(query, AbortSignal.timeout(5000))).rejects.toThrow(/expected a matrix/);
  });

  it("stops reading a response far larger than expected", async () => {
    const huge = await backend((res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = "x".repeat(64 * 1024);
      let sent = 0;
      const pump = () => {
        while (sent < 200 && res.write(chunk)) sent++;
        if (sent < 200) res.once("drain", pump);
        else res.end();
      };
      pump();
    });
    await expect(prometheusTelemetry({ url: huge.url, maxBytes: 1024 * 1024 }).metrics(query, AbortSignal.timeout(10_000))).rejects.toThrow(/larger than 1048576 bytes/);
  });

  it("gives up when the backend is down or slower than the check's deadline", async () => {
    await expect(prometheusTelemetry({ url: "http://127.0.0.1:9" }).metrics(query, AbortSignal.timeout(5000))).rejects.toThrow();
    const slow = await backend(() => undefined); // never answers
    await expect(prometheusTelemetry({ url: slow.url }).metrics(query, AbortSignal.timeout(200))).rejects.toThrow();
  });
});
