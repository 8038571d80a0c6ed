// Relay throughput on loopback: 200 signed webhooks (Sentry, PagerDuty, dbt Cloud, Alertmanager in
// turn) sent at once to the relay, which dispatches each to the GitHub emulator (every request held
// to GitHub's OpenAPI description). Target: all 200 answered 2xx and received as dispatches.
// A second row keeps Octokit's throttling on (writes one second apart, as GitHub asks of API
// clients) with fewer webhooks, to show what bounds throughput in production.
// A third table floods a relay (in a process of its own, so its memory is its own) with 150
// unauthenticated 2 MiB uploads sent slowly (half Sentry with a forged signature, half Alertmanager
// with a wrong secret), while a genuine Sentry and a genuine Alertmanager webhook arrive: their
// answers, and the relay's peak memory. Target: genuine webhooks are delivered, or told to retry
// (503 with Retry-After), and memory stays near the idle figure.
import { fork } from "node:child_process";
import { createHmac } from "node:crypto";
import { request } from "node:http";
import { githubDispatcher } from "../src/relay/dispatch.js";
import type { RelaySource } from "../src/relay/config.js";
import { startRelayServer } from "../src/relay/server.js";
import { startGitHubEmulator } from "../test/support/github-emulator/index.js";
import { printTable } from "./table.js";

const TOKEN = "ghs_bench";
const SECRET = "bench-secret";
const SOURCES: RelaySource[] = ["sentry", "pagerduty", "dbt-cloud", "alertmanager"];
const REQUEST_TIMEOUT_MS = 120_000;

function webhook(i: number): { source: RelaySource; body: string; headers: Record<string, string> } {
  const source = SOURCES[i % SOURCES.length]!;
  const at = new Date(Date.UTC(2026, 2, 14, 1, 0, i % 60)).toISOString();
  const bodies: Record<RelaySource, unknown> = {
    sentry: { action: "triggered", data: { event: { title: `KeyError ${i}`, level: "error", issue_id: String(i), datetime: at }, triggered_rule: "errors" } },
    pagerduty: {
      event: {
        id: `E${i}`,
        event_type: "incident.triggered",
        resource_type: "incident",
        occurred_at: at,
        data: { id: `P${i}`, type: "incident", title: `lag ${i}`, urgency: "high", status: "triggered", created_at: at },
      },
    },
    "dbt-cloud": {
      accountId: 1,
      eventId: `wev_${i}`,
      eventType: "job.run.errored",
      timestamp: at,
      data: { jobId: String(i), jobName: "marts", runId: String(i), runStatus: "Errored", runStatusCode: 20, runStartedAt: at },
    },
    alertmanager: {
      version: "4",
      groupKey: `{}:{n="${i}"}`,
      status: "firing",
      receiver: "pipemedic",
      groupLabels: {},
      commonLabels: {},
      commonAnnotations: {},
      externalURL: "",
      alerts: [
        { status: "firing", labels: { alertname: "Lag", n: String(i) }, annotations: {}, startsAt: at, endsAt: "0001-01-01T00:00:00Z", fingerprint: `f${i}` },
      ],
    },
    grafana: {},
  };
  const body = JSON.stringify(bodies[source]);
  const hex = createHmac("sha256", SECRET).update(body).digest("hex");
  const headers: Record<string, Record<string, string>> = {
    sentry: { "sentry-hook-signature": hex, "sentry-hook-resource": "event_alert" },
    pagerduty: { "x-pagerduty-signature": `v1=${hex}` },
    "dbt-cloud": { authorization: hex },
    alertmanager: { authorization: `Bearer ${SECRET}` },
  };
  return { source, body, headers: { "content-type": "application/json", ...headers[source] } };
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

async function run(label: string, count: number, throttle: boolean): Promise<string[]> {
  const emu = await startGitHubEmulator({ token: TOKEN });
  await emu.createRepo("acme", "data-ops");
  const config = {
    owner: "acme",
    repo: "data-ops",
    auth: { kind: "token" as const, token: TOKEN },
    apiUrl: emu.url,
    secrets: Object.fromEntries(SOURCES.map((s) => [s, [SECRET]])),
    maxBodyBytes: 1 << 20,
    maxPending: 1000,
  };
  const dispatcher = githubDispatcher({ config, octokit: { throttle: { enabled: throttle, id: `bench-${label}` } }, warn: () => undefined });
  const relay = await startRelayServer({ config, dispatcher, host: "127.0.0.1", port: 0, log: () => undefined });
  const hooks = Array.from({ length: count }, (_, i) => webhook(i));
  const latencies: number[] = [];
  let ok = 0;
  const t0 = performance.now();
  await Promise.all(
    hooks.map(async (h) => {
      const start = performance.now();
      try {
        const res = await fetch(`${relay.url}/hooks/${h.source}`, {
          method: "POST",
          headers: h.headers,
          body: h.body,
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        await res.arrayBuffer();
        if (res.status >= 200 && res.status < 300) ok++;
      } catch {
        // counted as not 2xx
      }
      latencies.push(performance.now() - start);
    }),
  );
  const wall = (performance.now() - t0) / 1000;
  const received = emu.dispatches.length;
  const violations = emu.violations.length;
  await relay.close();
  await emu.close();
  latencies.sort((a, b) => a - b);
  return [
    label,
    String(count),
    String(ok),
    `${received}${violations ? ` (${violations} violations)` : ""}`,
    wall.toFixed(2),
    (count / wall).toFixed(0),
    pct(latencies, 50).toFixed(0),
    pct(latencies, 90).toFixed(0),
    pct(latencies, 99).toFixed(0),
  ];
}

const rows = [["relay → emulator", "webhooks", "2xx", "dispatches received", "wall s", "webhooks/s", "p50 ms", "p90 ms", "p99 ms"]];
rows.push(await run("200 at once, throttling off", 200, false));
rows.push(await run("10 at once, writes 1 s apart", 10, true));
printTable("Relay: concurrent signed webhooks on loopback (target: every webhook answered 2xx and received)", rows);

/** One slow upload: `bytes` in 64 KiB pieces `gapMs` apart; resolves with the status, or the error code when the relay cut it. */
function upload(url: string, path: string, headers: Record<string, string>, bytes: number, gapMs: number): Promise<string> {
  return new Promise((resolve) => {
    const req = request(`${url}${path}`, {
      method: "POST",
      agent: false,
      headers: { "content-type": "application/json", "content-length": String(bytes), ...headers },
    });
    let done = false;
    const finish = (outcome: string) => {
      if (!done) resolve(outcome);
      done = true;
    };
    req.on("response", (res) => {
      res.resume();
      finish(String(res.statusCode));
    });
    req.on("error", (err: NodeJS.ErrnoException) => finish(err.code ?? "error"));
    const piece = Buffer.alloc(64 * 1024, 0x61);
    let sent = 0;
    const next = () => {
      if (done || req.destroyed) return;
      const n = Math.min(piece.length, bytes - sent);
      if (n <= 0) return void req.end();
      sent += n;
      req.write(piece.subarray(0, n));
      setTimeout(next, gapMs);
    };
    next();
  });
}

type Mem = { rss: number; maxRss: number; dispatched: number };

async function flood(label: string, uploads: number, maxPending: number): Promise<string[]> {
  const child = fork(new URL("./relay-process.ts", import.meta.url), {
    execArgv: ["--import", "tsx", "--expose-gc"],
    env: { ...process.env, BENCH_RELAY_SECRET: SECRET, BENCH_RELAY_MAX_PENDING: String(maxPending) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const next = <T>() => new Promise<T>((resolve) => child.once("message", (m) => resolve(m as T)));
  const { url } = await next<{ url: string }>();
  const ask = async () => {
    const answer = next<Mem>();
    child.send("mem");
    return answer;
  };
  const before = await ask();
  const size = 2 * 1024 * 1024;
  const sent = Array.from({ length: uploads }, (_, i) =>
    i % 2
      ? upload(url, "/hooks/sentry", { "sentry-hook-signature": "0".repeat(64) }, size, 50)
      : upload(url, "/hooks/alertmanager", { authorization: "Bearer not-the-secret" }, size, 50),
  );
  await new Promise((r) => setTimeout(r, 500));
  // A genuine signed webhook (Sentry) and a genuine shared-secret one (Alertmanager) during the flood.
  const genuine = await Promise.all(
    [webhook(0), webhook(3)].map((g) =>
      fetch(`${url}/hooks/${g.source}`, { method: "POST", headers: g.headers, body: g.body }).then(
        (r) => `${g.source} ${r.status}`,
        (e: Error) => `${g.source} ${e.message}`,
      ),
    ),
  );
  const outcomes = await Promise.all(sent);
  const after = await ask();
  child.send("close");
  await new Promise((r) => child.once("exit", r));
  const counts = new Map<string, number>();
  for (const o of outcomes) counts.set(o, (counts.get(o) ?? 0) + 1);
  const mb = (n: number) => (n / 1024 / 1024).toFixed(0);
  return [
    label,
    String(uploads),
    [...counts].map(([k, v]) => `${v}× ${k}`).join(", "),
    `${genuine.join(", ")} (${after.dispatched} dispatched)`,
    mb(before.rss),
    mb(after.maxRss),
  ];
}

const floodRows = [["flood", "uploads", "flood answered", "genuine webhooks", "RSS before MB", "peak RSS MB"]];
floodRows.push(await flood("150 × 2 MiB unauthenticated, slow", 150, 1000));
floodRows.push(await flood("same, PIPEMEDIC_RELAY_MAX_PENDING=5", 150, 5));
printTable("Relay: unauthenticated upload flood (target: genuine webhooks delivered or told to retry; peak memory near the idle figure)", floodRows);
