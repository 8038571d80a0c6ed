import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { airflowTelemetry } from "../../src/telemetry/airflow.js";
import { githubChangesTelemetry, type GitHubRequest } from "../../src/telemetry/changes-github.js";
import { datadogTelemetry } from "../../src/telemetry/datadog.js";
import { lokiTelemetry } from "../../src/telemetry/loki.js";
import { prometheusTelemetry } from "../../src/telemetry/prometheus.js";

type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;
const servers: Array<() => Promise<void>> = [];
afterEach(async () => Promise.all(servers.splice(0).map((c) => c())));

/** A backend that misbehaves as told, counting the requests it got. */
async function backend(handler: Handler): Promise<{ url: string; count: () => number }> {
  let n = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => handler(req, res, ++n));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  servers.push(() => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, count: () => n };
}

/** A URL on loopback where nothing listens (a port that was just freed). */
async function downUrl(): Promise<string> {
  const b = await backend(() => undefined);
  await servers.pop()!();
  return b.url;
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));

/** Streams far more than any cap, without a content-length, until the client goes away. */
function flood(res: ServerResponse): void {
  res.writeHead(200, { "content-type": "application/json" });
  const chunk = `[${"1,".repeat(32 * 1024)}`;
  let sent = 0;
  const pump = () => {
    while (sent < 2000 && res.write(chunk)) sent++;
    if (sent < 2000) res.once("drain", pump);
    else res.end();
  };
  res.on("close", () => res.removeAllListeners("drain"));
  pump();
}

const T0 = 1773450000000; // 2026-03-14T01:00:00Z
const WINDOW = { start: T0, end: T0 + 60_000 };

/** Each HTTP adapter: how to call it, a good answer, and the same answer in the wrong time units (when its API has units). */
interface Subject {
  name: string;
  backend: string;
  call(url: string, signal: AbortSignal, extra?: { timeoutMs?: number; maxBytes?: number }): Promise<unknown>;
  ok: unknown;
  expected: unknown;
  wrongUnits?: { body: unknown; error: RegExp };
}

const subjects: Subject[] = [
  {
    name: "Prometheus",
    backend: "prometheus GET /api/v1/query_range",
    call: (url, signal, extra) => prometheusTelemetry({ url, ...extra }).metrics({ name: "up", matchers: [], ...WINDOW, stepMs: 60_000 }, signal),
    ok: { status: "success", data: { resultType: "matrix", result: [{ metric: { __name__: "up" }, values: [[T0 / 1000, "1"]] }] } },
    expected: [{ labels: { __name__: "up" }, points: [[T0, 1]] }],
    wrongUnits: {
      body: { status: "success", data: { resultType: "matrix", result: [{ metric: { __name__: "up" }, values: [[T0, "1"]] }] } },
      error: /outside the requested window .* not in seconds/,
    },
  },
  {
    name: "Loki",
    backend: "loki GET /loki/api/v1/query_range",
    call: (url, signal, extra) => lokiTelemetry({ url, ...extra }).logs({ selector: { app: "a" }, ...WINDOW, limit: 10 }, signal),
    ok: { status: "success", data: { resultType: "streams", result: [{ stream: { app: "a" }, values: [[`${T0}000000`, "hello"]] }] } },
    expected: [{ ts: "2026-03-14T01:00:00Z", labels: { app: "a" }, line: "hello" }],
    wrongUnits: {
      body: { status: "success", data: { resultType: "streams", result: [{ stream: { app: "a" }, values: [[`${T0}`, "hello"]] }] } },
      error: /outside the requested window; timestamps are not nanoseconds/,
    },
  },
  ...([1, 2] as const).map((version): Subject => ({
    name: `Airflow v${version}`,
    backend: `airflow GET /api/v${version}/pools`,
    call: (url, signal, extra) => airflowTelemetry({ url, version, auth: { token: "t" }, ...extra }).orchestrator({ kind: "pools", ...WINDOW }, signal),
    ok: { pools: [{ name: "default_pool", slots: 16, open_slots: 0 }], total_entries: 1 },
    expected: [{ name: "default_pool", slots: 16, open_slots: 0 }],
  })),
  {
    name: "Datadog metrics",
    backend: "datadog GET /api/v1/query",
    call: (url, signal, extra) =>
      datadogTelemetry({ url, apiKey: "k", appKey: "a", ...extra }).metrics({ name: "kafka.lag", matchers: [], ...WINDOW, stepMs: 60_000 }, signal),
    ok: { status: "ok", series: [{ metric: "kafka.lag", tag_set: [], pointlist: [[T0, 5]] }] },
    expected: [{ labels: { __name__: "kafka.lag" }, points: [[T0, 5]] }],
    wrongUnits: { body: { status: "ok", series: [{ metric: "kafka.lag", tag_set: [], pointlist: [[T0 / 1000, 5]] }] }, error: /not in milliseconds/ },
  },
  {
    name: "Datadog logs",
    backend: "datadog POST /api/v2/logs/events/search",
    call: (url, signal, extra) =>
      datadogTelemetry({ url, apiKey: "k", appKey: "a", ...extra }).logs({ selector: { service: "x" }, ...WINDOW, limit: 10 }, signal),
    ok: {
      data: [{ id: "1", type: "log", attributes: { timestamp: "2026-03-14T01:00:00Z", message: "hello", service: "x" } }],
      meta: { status: "done", page: {} },
    },
    expected: [{ ts: "2026-03-14T01:00:00.000Z", labels: { service: "x" }, line: "hello" }],
  },
];

describe.each(subjects)("$name faults: a clear error (the check goes inconclusive), never a hang, never invented data", (s) => {
  it("answers a well-formed response (the baseline the faults below depart from)", async () => {
    const b = await backend((_req, res) => json(res, 200, s.ok));
    await expect(s.call(b.url, AbortSignal.timeout(10_000))).resolves.toEqual(s.expected);
  });

  it("retries a 5xx and a 429 within the deadline", async () => {
    const b = await backend((_req, res, n) => {
      if (n === 1) return json(res, 503, { error: "busy" });
      if (n === 2) return json(res, 429, { errors: ["rate limited"] }, { "retry-after": "0" });
      json(res, 200, s.ok);
    });
    await expect(s.call(b.url, AbortSignal.timeout(10_000))).resolves.toEqual(s.expected);
    expect(b.count()).toBe(3);
  });

  it("does not wait for a Retry-After past its deadline, and says so", async () => {
    const b = await backend((_req, res) => json(res, 429, { errors: ["rate limited"] }, { "retry-after": "600" }));
    await expect(s.call(b.url, AbortSignal.timeout(60_000), { timeoutMs: 2_000 })).rejects.toThrow(
      `${s.backend}: HTTP 429, Retry-After 600 s reaches past the request's deadline`,
    );
    expect(b.count()).toBe(1);
  });

  it("names the backend and the status when 5xx persists", async () => {
    const b = await backend((_req, res) => res.writeHead(502, { "content-type": "text/html" }).end("<h1>Bad Gateway</h1>"));
    await expect(s.call(b.url, AbortSignal.timeout(10_000))).rejects.toThrow(`${s.backend}: HTTP 502: <h1>Bad Gateway</h1>`);
    expect(b.count()).toBe(3);
  });

  it("rejects malformed JSON", async () => {
    const b = await backend((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end('{"status": "success", "data": {'));
    await expect(s.call(b.url, AbortSignal.timeout(5_000))).rejects.toThrow(`${s.backend}: HTTP 200 but the body is not JSON`);
  });

  it("rejects a well-formed JSON answer of the wrong shape", async () => {
    const b = await backend((_req, res) => json(res, 200, { unexpected: true }));
    await expect(s.call(b.url, AbortSignal.timeout(5_000))).rejects.toThrow(new RegExp(`^${s.backend.split(" ")[0]}`));
  });

  it("stops reading a response far larger than its cap", async () => {
    const b = await backend((_req, res) => flood(res));
    await expect(s.call(b.url, AbortSignal.timeout(10_000), { maxBytes: 256 * 1024 })).rejects.toThrow(`${s.backend}: response larger than 262144 bytes`);
  });

  it("gives up on a backend that is down", async () => {
    await expect(s.call(await downUrl(), AbortSignal.timeout(5_000))).rejects.toThrow(`${s.backend}: cannot reach the backend (ECONNREFUSED)`);
  });

  it("abandons a backend slower than the check's deadline, or than its own timeout", async () => {
    const b = await backend(() => undefined); // never answers
    await expect(s.call(b.url, AbortSignal.timeout(200))).rejects.toThrow(`${s.backend}: abandoned: the check's deadline passed`);
    await expect(s.call(b.url, AbortSignal.timeout(60_000), { timeoutMs: 200 })).rejects.toThrow(`${s.backend}: no answer within 200 ms`);
  });

  // Only APIs whose timestamps carry units (Airflow and Datadog logs speak RFC 3339).
  const wrongUnits = s.wrongUnits;
  if (wrongUnits) {
    it("refuses timestamps in the wrong units instead of misplacing the data", async () => {
      const b = await backend((_req, res) => json(res, 200, wrongUnits.body));
      await expect(s.call(b.url, AbortSignal.timeout(5_000))).rejects.toThrow(wrongUnits.error);
    });
  }
});

describe("backend errors in the API's own words", () => {
  it("Prometheus: 400 bad_data, 422 execution, 503 timeout", async () => {
    for (const [status, errorType, error] of [
      [400, "bad_data", 'parse error at char 5: unexpected "}"'],
      [422, "execution", "query processing would load too many samples into memory"],
      [503, "timeout", "query timed out in expression evaluation"],
    ] as const) {
      const b = await backend((_req, res) => json(res, status, { status: "error", errorType, error }, { "retry-after": "0" }));
      await expect(
        prometheusTelemetry({ url: b.url }).metrics({ name: "up", matchers: [], ...WINDOW, stepMs: 60_000 }, AbortSignal.timeout(5000)),
      ).rejects.toThrow(`prometheus GET /api/v1/query_range: HTTP ${status} ${errorType}: ${error}`);
    }
  });

  it("Prometheus: the step keeps a long window within 11,000 points and the query carries a server-side timeout", async () => {
    let seen: URLSearchParams | null = null;
    const b = await backend((req, res) => {
      seen = new URL(req.url ?? "/", "http://x").searchParams;
      json(res, 200, { status: "success", data: { resultType: "matrix", result: [] } });
    });
    const month = 30 * 86_400_000;
    await prometheusTelemetry({ url: b.url, timeoutMs: 7_500 }).metrics(
      { name: "up", matchers: [], start: T0 - month, end: T0, stepMs: 1_000 },
      AbortSignal.timeout(5000),
    );
    const p = seen!;
    const step = Number(p.get("step"));
    expect((Number(p.get("end")) - Number(p.get("start"))) / step).toBeLessThanOrEqual(11_000);
    expect(step).toBeGreaterThanOrEqual(1);
    expect(p.get("timeout")).toBe("7s");
    expect(p.get("query")).toBe("up");
  });

  it("Airflow: the problem detail, and a hint on credentials", async () => {
    const b = await backend((_req, res, n) =>
      n === 1
        ? json(res, 400, { type: "about:blank", title: "Bad Request", status: 400, detail: "limit must be <= 100" })
        : json(res, 403, { title: "Forbidden", status: 403 }),
    );
    const t = airflowTelemetry({ url: b.url, version: 2, auth: { token: "t" } });
    await expect(t.orchestrator({ kind: "pools", ...WINDOW }, AbortSignal.timeout(5000))).rejects.toThrow(
      "airflow GET /api/v2/pools: HTTP 400: limit must be <= 100",
    );
    await expect(t.orchestrator({ kind: "pools", ...WINDOW }, AbortSignal.timeout(5000))).rejects.toThrow(
      "airflow GET /api/v2/pools: HTTP 403: check the connector's credentials",
    );
  });

  it("Datadog: a timed-out log search is refused rather than read as complete", async () => {
    const b = await backend((_req, res) => json(res, 200, { data: [], meta: { status: "timeout" } }));
    await expect(
      datadogTelemetry({ url: b.url, apiKey: "k", appKey: "a" }).logs({ selector: { service: "x" }, ...WINDOW, limit: 10 }, AbortSignal.timeout(5000)),
    ).rejects.toThrow(/timed out on Datadog's side/);
  });
});

describe("GitHub changes faults (through the request function)", () => {
  const q = { start: T0 - 3_600_000, end: T0 };

  it("names the route, the repository and GitHub's status", async () => {
    const request: GitHubRequest = async () => {
      throw Object.assign(new Error("Server Error"), { status: 500 });
    };
    await expect(githubChangesTelemetry({ request, repos: ["acme/pipelines"] }).changes(q, AbortSignal.timeout(5000))).rejects.toThrow(
      "github GET /repos/acme/pipelines/commits: HTTP 500: Server Error",
    );
  });

  it("refuses a response of the wrong shape", async () => {
    const request: GitHubRequest = async () => ({ data: [{ sha: 42 }] });
    await expect(githubChangesTelemetry({ request, repos: ["acme/pipelines"] }).changes(q, AbortSignal.timeout(5000))).rejects.toThrow(
      /^github GET \/repos\/acme\/pipelines\/commits: unexpected response at 0\.sha/,
    );
  });

  it("abandons a request function that never settles, and passes it the signal", async () => {
    let got: AbortSignal | undefined;
    const request: GitHubRequest = (_route, params) => {
      got = (params?.request as { signal?: AbortSignal } | undefined)?.signal;
      return new Promise(() => undefined);
    };
    await expect(githubChangesTelemetry({ request, repos: ["acme/pipelines"] }).changes(q, AbortSignal.timeout(200))).rejects.toThrow(
      "github GET /repos/acme/pipelines/commits: abandoned: the check's deadline passed",
    );
    expect(got?.aborted).toBe(true);
  });

  it("refuses a repository name that is not owner/repo", async () => {
    const request: GitHubRequest = async () => ({ data: [] });
    await expect(githubChangesTelemetry({ request, repos: ["acme/pipelines/extra"] }).changes(q, AbortSignal.timeout(5000))).rejects.toThrow(
      'github: "acme/pipelines/extra" is not an owner/repo name',
    );
  });
});
