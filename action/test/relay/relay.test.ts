import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { normalize } from "../../src/ingest/normalize.js";
import { alertmanagerGroup, dbtCloudRunErrored, dispatchViolations, SECRETS, sentryIssueAlert, signed, startRig, type RelayRig } from "./harness.js";
import { anyString, objectContaining, stringContaining } from "../support/match.js";

let rig: RelayRig;

beforeAll(async () => {
  rig = await startRig({ sources: ["alertmanager", "sentry", "pagerduty", "dbt-cloud"], maxBodyBytes: 512 * 1024 });
});
afterAll(async () => {
  await rig?.close();
});
beforeEach(() => {
  rig.emu.dispatches.length = 0;
  rig.logs.length = 0;
});
afterEach(() => {
  rig.emu.assertNoViolations();
  for (const d of rig.emu.dispatches) expect(dispatchViolations(d.client_payload, d.event_type)).toEqual([]);
});

/** Each dispatch the emulator accepted, normalized the way the Action does. */
function normalizedDispatches() {
  return rig.emu.dispatches.map((d, i) =>
    normalize({
      id: `d${i}`,
      body: JSON.stringify({ event_type: d.event_type, client_payload: d.client_payload }),
      headers: {},
      receivedAt: "2026-03-14T01:05:00Z",
    }),
  );
}

describe("relay routes", () => {
  it("answers GET /healthz with only ok: no repository, sources or counters", async () => {
    const res = await fetch(`${rig.relay.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("ok\n");
  });

  it("404 for an unknown source, a known source without a secret and any other path, naming nothing configured; the log says what to do", async () => {
    const unknown = await rig.post("nagios", "{}");
    const unconfigured = await rig.post("grafana", "{}", { authorization: `Bearer ${SECRETS.grafana}` });
    const other = await fetch(`${rig.relay.url}/other`);
    expect([unknown.status, unconfigured.status, other.status]).toEqual([404, 404, 404]);
    for (const answer of [unknown.body, unconfigured.body, (await other.json()) as Record<string, unknown>]) {
      expect(answer).toEqual({ error: "not found" });
    }
    expect(rig.logs).toContainEqual(objectContaining({ level: "warn", msg: stringContaining("PIPEMEDIC_RELAY_GRAFANA_SECRET") }));
  });

  it("405 for GET on a hook", async () => {
    const res = await fetch(`${rig.relay.url}/hooks/sentry`);
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
  });

  it("401 for a bad signature, and nothing is dispatched", async () => {
    const body = JSON.stringify(sentryIssueAlert());
    const res = await rig.post("sentry", body, signed("sentry", body, "not-the-client-secret"));
    expect(res.status).toBe(401);
    expect(res.body.error).toContain("sentry-hook-signature does not match");
    expect(rig.emu.dispatches).toHaveLength(0);
  });

  it("413 for a body over the cap, before verifying or dispatching", async () => {
    const body = JSON.stringify(alertmanagerGroup(2000));
    const res = await rig.post("alertmanager", body, signed("alertmanager", body));
    expect(res.status).toBe(413);
    expect(res.body.error).toContain("PIPEMEDIC_RELAY_MAX_BODY_BYTES");
    expect(rig.emu.dispatches).toHaveLength(0);
  });
});

describe("relay delivery", () => {
  it("a signed Sentry issue alert reaches GitHub as one dispatch the Action accepts as sentry, with its title and severity", async () => {
    const body = JSON.stringify(sentryIssueAlert());
    const res = await rig.post("sentry", body, signed("sentry", body));
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ dispatches: 1, delivery: anyString() });
    expect(rig.emu.dispatches).toHaveLength(1);
    expect(rig.emu.dispatches[0]).toMatchObject({
      event_type: "pipemedic-alert",
      client_payload: { source: "sentry", headers: { "sentry-hook-resource": "event_alert" }, delivery: res.body.delivery },
    });
    const [out] = normalizedDispatches();
    expect(out!.ok && out!.source).toBe("sentry");
    expect(out!.ok && out!.alerts.map((a) => [a.title, a.severity])).toEqual([["KeyError: 'customer_id'", "high"]]);
  });

  it("a 300-alert Alertmanager group arrives as several dispatches, each valid and under the limits, with all 300 alerts", async () => {
    const group = alertmanagerGroup(300);
    const body = JSON.stringify(group);
    const res = await rig.post("alertmanager", body, signed("alertmanager", body));
    expect(res.status).toBe(202);
    const n = rig.emu.dispatches.length;
    expect(n).toBeGreaterThan(1);
    expect(res.body.dispatches).toBe(n);
    const fingerprints = normalizedDispatches().flatMap((out) => {
      if (!out.ok) expect.fail(out.reason);
      expect(out.source).toBe("alertmanager");
      return out.alerts.map((a) => a.fingerprint);
    });
    expect(new Set(fingerprints).size).toBe(300);
    expect(fingerprints).toHaveLength(300);
  });

  it("GitHub answers 502 then 204: the relay retries, one dispatch lands, the sender gets 2xx", async () => {
    rig.emu.inject({ method: "POST", path: /\/dispatches$/, status: 502, times: 1 });
    const body = JSON.stringify(alertmanagerGroup(2));
    const res = await rig.post("alertmanager", body, signed("alertmanager", body));
    expect(res.status).toBe(202);
    const attempts = rig.emu.callsTo("repos/create-dispatch-event").slice(-2);
    expect(attempts.map((c) => c.status)).toEqual([502, 204]);
    expect(rig.emu.dispatches).toHaveLength(1);
  });

  it("GitHub keeps failing: the sender gets 503 with retry-after, nothing is claimed delivered, and the log says why", async () => {
    // every attempt fails: the first try and the rig's two retries
    rig.emu.inject({ method: "POST", path: /\/dispatches$/, status: 502, times: 3 });
    const body = JSON.stringify(alertmanagerGroup(2));
    const res = await fetch(`${rig.relay.url}/hooks/alertmanager`, { method: "POST", body, headers: signed("alertmanager", body) });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("30");
    const answer = (await res.json()) as Record<string, unknown>;
    expect(answer.error).toMatch(/not delivered, retry later: .*502/);
    expect(answer.dispatches).toBeUndefined();
    expect(rig.emu.dispatches).toHaveLength(0);
    expect(
      rig.emu
        .callsTo("repos/create-dispatch-event")
        .slice(-3)
        .map((c) => c.status),
    ).toEqual([502, 502, 502]);
    expect(rig.logs).toContainEqual(objectContaining({ level: "error", msg: stringContaining("503"), dispatched: 0, parts: 1 }));
  });

  it("a split group whose second part fails is answered 503; the sender's retry delivers every alert", async () => {
    const group = alertmanagerGroup(300);
    const body = JSON.stringify(group);
    // part 1 lands; part 2 fails all three attempts (the first try and two retries)
    let calls = 0;
    const stop = rig.emu.onDispatch(() => {
      if (++calls === 1) rig.emu.inject({ method: "POST", path: /\/dispatches$/, status: 503, times: 3 });
    });
    const first = await rig.post("alertmanager", body, signed("alertmanager", body));
    stop();
    expect(first.status).toBe(503);
    expect(rig.logs).toContainEqual(objectContaining({ level: "error", dispatched: 1 }));
    const retry = await rig.post("alertmanager", body, signed("alertmanager", body));
    expect(retry.status).toBe(202);
    const fingerprints = new Set(normalizedDispatches().flatMap((o) => (o.ok ? o.alerts.map((a) => a.fingerprint) : [])));
    expect(fingerprints.size).toBe(300);
  });

  it("PagerDuty v3 and dbt Cloud webhooks are forwarded unchanged and read by the Action with their source, title and severity", async () => {
    const pd = JSON.stringify({
      event: {
        id: "01DEN4HPBQAZCAA4ZMPVCMNUO3",
        event_type: "incident.triggered",
        resource_type: "incident",
        occurred_at: "2026-03-14T01:00:00.000Z",
        agent: null,
        client: null,
        data: {
          id: "PGR0VU2",
          type: "incident",
          self: "https://api.pagerduty.com/incidents/PGR0VU2",
          html_url: "https://acme.pagerduty.com/incidents/PGR0VU2",
          number: 2,
          status: "triggered",
          incident_key: "d3640fbd41094207a1f1f5b7e3c3d5b6",
          created_at: "2026-03-14T00:59:58Z",
          title: "orders-enricher consumer lag",
          urgency: "high",
          service: { id: "PF9KMXH", type: "service_reference", summary: "orders-enricher" },
          priority: { id: "PSO75BM", type: "priority_reference", summary: "P1" },
        },
      },
    });
    const dbt = JSON.stringify(dbtCloudRunErrored());
    expect((await rig.post("pagerduty", pd, signed("pagerduty", pd))).status).toBe(202);
    expect((await rig.post("dbt-cloud", dbt, signed("dbt-cloud", dbt))).status).toBe(202);
    expect(rig.emu.dispatches.map((d) => d.client_payload.source)).toEqual(["pagerduty", "dbt-cloud"]);
    expect(rig.emu.dispatches.map((d) => JSON.stringify(d.client_payload.payload))).toEqual([JSON.stringify(JSON.parse(pd)), JSON.stringify(JSON.parse(dbt))]);
    expect(normalizedDispatches().map((o) => (o.ok ? [o.source, o.alerts[0]!.title, o.alerts[0]!.severity] : o.reason))).toEqual([
      ["pagerduty", "orders-enricher consumer lag", "critical"],
      ["dbt-cloud", stringContaining("orders marts"), "high"],
    ]);
  });
});

describe("relay without GitHub", () => {
  it("GitHub unreachable: 503, and the reason names the network or GITHUB_API_URL", async () => {
    const offline = await startRig({ sources: ["dbt-cloud"], apiUrl: "http://127.0.0.1:9", retries: 0 });
    try {
      const body = JSON.stringify({ eventType: "job.run.errored", data: { jobName: "marts" } });
      const res = await offline.post("dbt-cloud", body, signed("dbt-cloud", body));
      expect(res.status).toBe(503);
      expect(res.body.error).toContain("could not be reached (network or GITHUB_API_URL)");
    } finally {
      await offline.close();
    }
  });
});
