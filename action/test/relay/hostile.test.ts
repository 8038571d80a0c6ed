/**
 * The relay under attack (issue #16, section 5): credentials are checked before a body is read,
 * unauthenticated senders cannot crowd out genuine webhooks, a replayed signed webhook is not
 * dispatched twice, and malformed requests get a 400 that reveals nothing. Every attack runs on real
 * sockets against the relay in front of the GitHub emulator.
 */
import { request } from "node:http";
import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { dbtCloudRunErrored, SECRETS, sentryIssueAlert, signed, startRig, type RelayRig } from "./harness.js";
import { objectContaining } from "../support/match.js";

const rigs: RelayRig[] = [];
const uploads: Array<() => void> = [];
afterEach(async () => {
  // Uploads still open (a relay that waits for their body) are cut first, so closing never waits on them.
  for (const abort of uploads.splice(0)) abort();
  await Promise.all(rigs.splice(0).map((r) => r.close()));
});
async function rig(opts: Parameters<typeof startRig>[0] = {}): Promise<RelayRig> {
  const r = await startRig(opts);
  rigs.push(r);
  return r;
}

/** A request whose headers announce `declared` bytes and whose body is never sent: the relay must answer from the headers alone. */
function stalled(url: string, path: string, headers: Record<string, string>, declared = 2 * 1024 * 1024) {
  const req = request(`${url}${path}`, {
    method: "POST",
    agent: false,
    headers: { "content-type": "application/json", "content-length": String(declared), ...headers },
  });
  const answer = new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    req.on("response", (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
  });
  req.flushHeaders();
  const abort = () => {
    answer.catch(() => undefined); // an upload cut before any answer
    req.destroy();
  };
  uploads.push(abort);
  return { answer, abort };
}

/** Raw bytes on a socket, and everything the relay answers until it closes the connection. */
function raw(url: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(bytes));
    let got = "";
    socket.on("data", (d: Buffer) => (got += d.toString()));
    socket.on("end", () => resolve(got));
    socket.on("error", reject);
  });
}

describe("credentials before the body", () => {
  it("a wrong bearer secret is refused from the headers alone: 401 while the 2 MiB body was never sent", async () => {
    const r = await rig({ sources: ["alertmanager"] });
    const upload = stalled(r.relay.url, "/hooks/alertmanager", { authorization: "Bearer guessed" });
    const res = await upload.answer;
    upload.abort();
    expect(res.status).toBe(401);
    expect(res.headers.connection).toBe("close");
    expect(r.emu.dispatches).toHaveLength(0);
  });

  it("a signed source without its signature header, or with one that cannot be a signature, is refused before its body", async () => {
    const r = await rig({ sources: ["sentry", "pagerduty", "dbt-cloud"] });
    const attempts = [
      stalled(r.relay.url, "/hooks/sentry", {}),
      stalled(r.relay.url, "/hooks/sentry", { "sentry-hook-signature": "not-hex" }),
      stalled(r.relay.url, "/hooks/pagerduty", { "x-pagerduty-signature": "v0=abc" }),
      stalled(r.relay.url, "/hooks/dbt-cloud", { authorization: "Bearer something" }),
    ];
    const answers = await Promise.all(attempts.map((a) => a.answer));
    attempts.forEach((a) => a.abort());
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401]);
  });
});

describe("unauthenticated senders do not crowd out genuine webhooks", () => {
  it("five slow unverified uploads hold no pending slot: with MAX_PENDING=2 a genuine webhook is still delivered", async () => {
    const r = await rig({ sources: ["sentry", "alertmanager"], maxPending: 2 });
    const slow = Array.from({ length: 5 }, () => stalled(r.relay.url, "/hooks/sentry", { "sentry-hook-signature": "0".repeat(64) }));
    await new Promise((res) => setTimeout(res, 100)); // the uploads are open; none will ever finish
    const body = JSON.stringify(sentryIssueAlert());
    const genuine = await r.post("sentry", body, signed("sentry", body));
    const am = JSON.stringify({ version: "4", status: "firing", alerts: [] });
    const bearer = await r.post("alertmanager", am, signed("alertmanager", am));
    slow.forEach((s) => s.abort());
    expect(genuine.status).toBe(202);
    expect(bearer.status).toBe(202);
    expect(r.emu.dispatches).toHaveLength(2);
  });

  it("unverified uploads beyond MAX_UNVERIFIED get 503 with Retry-After at once, and authenticated webhooks still pass", async () => {
    const r = await rig({ sources: ["sentry", "alertmanager"], maxUnverified: 2 });
    const slow = [0, 1].map(() => stalled(r.relay.url, "/hooks/sentry", { "sentry-hook-signature": "0".repeat(64) }));
    await new Promise((res) => setTimeout(res, 100));
    const third = stalled(r.relay.url, "/hooks/sentry", { "sentry-hook-signature": "1".repeat(64) });
    const refused = await third.answer;
    third.abort();
    expect(refused.status).toBe(503);
    expect(refused.headers["retry-after"]).toBe("10");
    const am = JSON.stringify({ version: "4", status: "firing", alerts: [] });
    expect((await r.post("alertmanager", am, signed("alertmanager", am))).status).toBe(202);
    slow.forEach((s) => s.abort());
  });

  it("an unverified body that does not arrive within the read timeout gets 408 and frees its slot for a genuine webhook", async () => {
    const r = await rig({ sources: ["sentry"], maxUnverified: 1, readTimeoutMs: 200 });
    const slow = stalled(r.relay.url, "/hooks/sentry", { "sentry-hook-signature": "0".repeat(64) });
    const timedOut = await slow.answer;
    slow.abort();
    expect(timedOut.status).toBe(408);
    const body = JSON.stringify(sentryIssueAlert());
    expect((await r.post("sentry", body, signed("sentry", body))).status).toBe(202);
  });
});

describe("replayed signed webhooks", () => {
  it("the same signed Sentry and dbt Cloud bodies sent again are answered 200 with the first delivery id and dispatched once", async () => {
    const r = await rig({ sources: ["sentry", "dbt-cloud"] });
    for (const [source, body] of [
      ["sentry", JSON.stringify(sentryIssueAlert())],
      ["dbt-cloud", JSON.stringify(dbtCloudRunErrored())],
    ] as const) {
      const first = await r.post(source, body, signed(source, body));
      const replay = await r.post(source, body, signed(source, body));
      expect(first.status).toBe(202);
      expect(replay).toEqual({ status: 200, body: { delivery: first.body.delivery, duplicate: true, dispatches: 0 } });
    }
    expect(r.emu.dispatches.map((d) => d.client_payload.source)).toEqual(["sentry", "dbt-cloud"]);
  });

  it("two copies of a signed webhook at the same moment make one dispatch", async () => {
    const r = await rig({ sources: ["pagerduty"] });
    const body = JSON.stringify({ event: { id: "01DEN4HPBQAZCAA4ZMPVCMNUO3", event_type: "incident.triggered", data: { id: "P1", title: "lag" } } });
    const answers = await Promise.all([r.post("pagerduty", body, signed("pagerduty", body)), r.post("pagerduty", body, signed("pagerduty", body))]);
    expect(answers.map((a) => a.status).sort()).toEqual([202, expect.any(Number)]);
    expect([200, 503]).toContain(answers.find((a) => a.status !== 202)?.status);
    expect(r.emu.dispatches).toHaveLength(1);
  });

  it("a webhook answered 503 (GitHub down) is not remembered: the sender's retry is delivered", async () => {
    const r = await rig({ sources: ["dbt-cloud"], retries: 0 });
    const body = JSON.stringify(dbtCloudRunErrored());
    r.emu.inject({ method: "POST", path: /\/dispatches$/, status: 502, times: 1 });
    expect((await r.post("dbt-cloud", body, signed("dbt-cloud", body))).status).toBe(503);
    expect((await r.post("dbt-cloud", body, signed("dbt-cloud", body))).status).toBe(202);
    expect(r.emu.dispatches).toHaveLength(1);
  });

  it("a Sentry webhook whose sentry-hook-timestamp is older than five minutes is refused; a current one passes", async () => {
    const r = await rig({ sources: ["sentry"] });
    const body = JSON.stringify(sentryIssueAlert());
    const seconds = Math.floor(Date.now() / 1000);
    const stale = await r.post("sentry", body, { ...signed("sentry", body), "sentry-hook-timestamp": String(seconds - 10 * 60) });
    expect(stale.status).toBe(401);
    expect(stale.body.error).toContain("sentry-hook-timestamp");
    const current = await r.post("sentry", body, { ...signed("sentry", body), "sentry-hook-timestamp": String(seconds) });
    expect(current.status).toBe(202);
    expect(r.emu.dispatches).toHaveLength(1);
  });
});

describe("malformed requests", () => {
  const targets = ["/%zz", "//", "/hooks/%E0%A4%A", `/${"a".repeat(5000)}`, `/hooks/${"b".repeat(20_000)}`];
  it.each(targets.map((t) => [t.length > 40 ? `${t.slice(0, 12)}… (${t.length} characters)` : t, t]))(
    "GET %s gets 400 with no stack trace and nothing configured",
    async (_, target) => {
      const r = await rig({ sources: ["sentry"] });
      const answer = await raw(r.relay.url, `GET ${target} HTTP/1.1\r\nhost: relay\r\nconnection: close\r\n\r\n`);
      expect(answer.split("\r\n")[0]).toBe("HTTP/1.1 400 Bad Request");
      expect(answer).not.toMatch(/\bat \w|Error|sentry|500/);
      expect(r.logs).not.toContainEqual(objectContaining({ level: "error" }));
    },
  );

  it("a known source's secret never appears in any refusal", async () => {
    const r = await rig({ sources: ["alertmanager"] });
    const res = await r.post("alertmanager", "{}", { authorization: "Bearer wrong" });
    expect(res.status).toBe(401);
    expect(JSON.stringify(res.body)).not.toContain(SECRETS.alertmanager);
  });
});
