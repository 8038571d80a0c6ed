/**
 * Test harness of the relay: the relay on 127.0.0.1 in front of the GitHub emulator (which holds
 * every dispatch to GitHub's OpenAPI description), plus signing helpers written independently of
 * the relay's own verification code.
 */
import { createHmac } from "node:crypto";
import type { RelayConfig, RelaySource } from "../../src/relay/config.js";
import { githubDispatcher } from "../../src/relay/dispatch.js";
import { startRelayServer, type RunningRelay } from "../../src/relay/server.js";
import { startGitHubEmulator, type GitHubEmulator } from "../support/github-emulator/index.js";

export const OWNER = "acme";
export const REPO = "data-ops";
export const TOKEN = "ghs_relay_test_token";

/** Secrets of every source, one each. */
export const SECRETS: Record<RelaySource, string> = {
  alertmanager: "am-shared-secret",
  grafana: "grafana-shared-secret",
  sentry: "sentry-client-secret",
  pagerduty: "pagerduty-webhook-secret",
  "dbt-cloud": "dbt-cloud-hmac-secret",
};

/** The signature headers a genuine sender attaches to `body`. */
export function signed(source: RelaySource, body: string | Buffer, secret = SECRETS[source]): Record<string, string> {
  const hex = createHmac("sha256", secret).update(body).digest("hex");
  switch (source) {
    case "sentry":
      return { "sentry-hook-signature": hex, "sentry-hook-resource": "event_alert" };
    case "pagerduty":
      return { "x-pagerduty-signature": `v1=${hex}` };
    case "dbt-cloud":
      return { authorization: hex };
    default:
      return { authorization: `Bearer ${secret}` };
  }
}

/** A relay and the emulator it dispatches to. */
export interface RelayRig {
  emu: GitHubEmulator;
  relay: RunningRelay;
  logs: Array<Record<string, unknown>>;
  /** POSTs a body to /hooks/<source> with the given headers. */
  post(source: string, body: string | Buffer, headers?: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

/** Options of a rig: which sources are configured, where GitHub is, how long retries wait. */
export interface RigOptions {
  sources?: RelaySource[];
  /** Dispatch to this URL instead of the emulator (with `auth`). */
  apiUrl?: string;
  auth?: RelayConfig["auth"];
  retries?: number;
  maxBodyBytes?: number;
  maxPending?: number;
  maxUnverified?: number;
  readTimeoutMs?: number;
  now?: () => number;
  emulator?: GitHubEmulator;
}

/** Starts the emulator (with repository acme/data-ops) and a relay dispatching to it; throttling is off so tests do not wait a second per write. */
export async function startRig(opts: RigOptions = {}): Promise<RelayRig> {
  const emu = opts.emulator ?? (await startGitHubEmulator({ token: TOKEN }));
  if (!opts.emulator) await emu.createRepo(OWNER, REPO);
  const sources = opts.sources ?? (Object.keys(SECRETS) as RelaySource[]);
  const config = {
    owner: OWNER,
    repo: REPO,
    auth: opts.auth ?? ({ kind: "token", token: TOKEN } as const),
    apiUrl: opts.apiUrl ?? emu.url,
    secrets: Object.fromEntries(sources.map((s) => [s, [SECRETS[s]]])),
    maxBodyBytes: opts.maxBodyBytes ?? 2 * 1024 * 1024,
    maxPending: opts.maxPending ?? 1000,
    maxUnverified: opts.maxUnverified ?? 8,
  };
  const logs: Array<Record<string, unknown>> = [];
  const dispatcher = githubDispatcher({
    config,
    octokit: { retry: { retries: opts.retries ?? 2, retryAfterBaseValue: 1 }, throttle: { enabled: false } },
    warn: (msg) => logs.push({ level: "warn", msg }),
  });
  const relay = await startRelayServer({
    config,
    dispatcher,
    log: (e) => logs.push(e),
    host: "127.0.0.1",
    port: 0,
    ...(opts.readTimeoutMs ? { readTimeoutMs: opts.readTimeoutMs } : {}),
    ...(opts.now ? { now: opts.now } : {}),
  });
  return {
    emu,
    relay,
    logs,
    async post(source, body, headers = {}) {
      const res = await fetch(`${relay.url}/hooks/${source}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    },
    async close() {
      await relay.close();
      if (!opts.emulator) await emu.close();
    },
  };
}

/** The documented dispatch limits, checked on what the emulator received (it checks the keys and event_type itself). */
export function dispatchViolations(client_payload: Record<string, unknown>, event_type: string): string[] {
  const problems: string[] = [];
  const bytes = Buffer.byteLength(JSON.stringify({ event_type, client_payload }), "utf8");
  // GitHub: "The total size of the JSON payload must be less than 64KB" (written out, not taken from the relay).
  if (bytes >= 64 * 1024) problems.push(`body is ${bytes} bytes, not under 65536`);
  if (Object.keys(client_payload).length > 10) problems.push(`client_payload has ${Object.keys(client_payload).length} keys`);
  if (event_type.length > 100) problems.push(`event_type is ${event_type.length} characters`);
  return problems;
}

/** An Alertmanager group of `n` firing alerts, each with a distinct fingerprint and some bulk in its annotations. */
export function alertmanagerGroup(n: number, annotationBytes = 400): Record<string, unknown> {
  return {
    version: "4",
    groupKey: '{}:{alertname="KafkaConsumerLagHigh"}',
    truncatedAlerts: 0,
    status: "firing",
    receiver: "pipemedic",
    groupLabels: { alertname: "KafkaConsumerLagHigh" },
    commonLabels: { alertname: "KafkaConsumerLagHigh", severity: "critical" },
    commonAnnotations: {},
    externalURL: "http://alertmanager.example:9093",
    alerts: Array.from({ length: n }, (_, i) => ({
      status: i % 10 === 9 ? "resolved" : "firing",
      labels: { alertname: "KafkaConsumerLagHigh", severity: "critical", consumergroup: "orders-enricher", partition: String(i) },
      annotations: { summary: `lag on orders partition ${i}`, description: "x".repeat(annotationBytes) },
      startsAt: new Date(Date.UTC(2026, 2, 14, 1, 0, i % 60)).toISOString(),
      endsAt: i % 10 === 9 ? "2026-03-14T02:00:00Z" : "0001-01-01T00:00:00Z",
      generatorURL: "http://prometheus.example:9090/graph",
      fingerprint: `fp${i.toString(16).padStart(4, "0")}`,
    })),
  };
}

/** A Sentry issue alert (`Sentry-Hook-Resource: event_alert`) in the documented envelope, with a stack trace. */
export function sentryIssueAlert(): {
  action: string;
  data: { event: Record<string, unknown>; triggered_rule: string };
  installation: { uuid: string };
  actor: Record<string, string>;
} {
  return {
    action: "triggered",
    installation: { uuid: "a8e5d37a-696c-4c54-adb5-b3f28d64c7de" },
    actor: { id: "sentry", name: "Sentry", type: "application" },
    data: {
      triggered_rule: "orders-enricher errors",
      event: {
        event_id: "e4874d664c3540c1a32eab185f12c5ab",
        issue_id: "1170820242",
        project: 1,
        title: "KeyError: 'customer_id'",
        level: "error",
        platform: "python",
        culprit: "enrich.join_customer",
        datetime: "2026-03-14T01:02:03.000000Z",
        environment: "production",
        tags: [
          ["environment", "production"],
          ["release", "orders-enricher@2.3.0"],
        ],
        metadata: { type: "KeyError", value: "'customer_id'" },
        web_url: "https://acme.sentry.example/organizations/acme/issues/1170820242/events/e4874d664c3540c1a32eab185f12c5ab/",
        exception: {
          values: [{ type: "KeyError", value: "'customer_id'", stacktrace: { frames: [{ filename: "enrich.py", lineno: 88, function: "join_customer" }] } }],
        },
      },
    },
  };
}

/** dbt Cloud's job.run.errored webhook (as its docs show it) for the orders marts job in prod. */
export function dbtCloudRunErrored(): Record<string, unknown> {
  return {
    accountId: 1,
    webhooksID: "wsu_12345abcde",
    eventId: "wev_2L6m5BggBw9uPNuSmtg4MUiW4Re",
    timestamp: "2026-03-14T01:15:20.419714619Z",
    eventType: "job.run.errored",
    webhookName: "pipemedic",
    data: {
      jobId: "123",
      jobName: "orders marts",
      runId: "12345",
      environmentId: "1234",
      environmentName: "prod",
      projectName: "analytics",
      projectId: "167194",
      runStatus: "Errored",
      runStatusCode: 20,
      runStatusMessage: "None",
      runReason: "scheduled",
      runStartedAt: "2026-03-14T01:14:41Z",
      runErroredAt: "2026-03-14T01:15:20Z",
    },
  };
}
