import { describe, expect, it } from "vitest";
import { normalize } from "../../src/ingest/normalize.js";
import { EVENT_TYPE, wrapWebhook } from "../../src/relay/wrap.js";
import { alertmanagerGroup, dispatchViolations, sentryIssueAlert } from "./harness.js";
import { arrayContaining, stringContaining, stringMatching } from "../support/match.js";

const meta = { receivedAt: "2026-03-14T01:02:03.000Z", delivery: "d0c0ffee-0000-4000-8000-000000000001" };

describe("wrapping a webhook into repository_dispatch bodies", () => {
  it("a small body becomes one dispatch: source, payload as JSON, received_at and delivery, nothing else", () => {
    const group = alertmanagerGroup(3);
    const out = wrapWebhook("alertmanager", Buffer.from(JSON.stringify(group)), { authorization: "Bearer x" }, meta);
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.bodies).toHaveLength(1);
    const [b] = out.bodies;
    expect(b!.event_type).toBe(EVENT_TYPE);
    expect(b!.client_payload).toEqual({ source: "alertmanager", payload: group, received_at: meta.receivedAt, delivery: meta.delivery });
  });

  it("forwards only the headers the adapter reads (Sentry's resource), never the signature", () => {
    const out = wrapWebhook("sentry", Buffer.from("{}"), { "sentry-hook-resource": "event_alert", "sentry-hook-signature": "abc", authorization: "x" }, meta);
    expect(out.ok && out.bodies[0]!.client_payload.headers).toEqual({ "sentry-hook-resource": "event_alert" });
  });

  it("a body that is not JSON is forwarded as text, so the Action records it as unparsed with the reason", () => {
    const out = wrapWebhook("dbt-cloud", Buffer.from("not json {"), {}, meta);
    expect(out.ok && out.bodies[0]!.client_payload.payload).toBe("not json {");
    const res = normalize({ id: "x", body: JSON.stringify(out.ok && out.bodies[0]), headers: {}, receivedAt: meta.receivedAt });
    expect(res.ok).toBe(false);
  });

  it("a 300-alert Alertmanager group splits into several valid bodies under 64 KB, with every alert exactly once", () => {
    const group = alertmanagerGroup(300);
    const raw = Buffer.from(JSON.stringify(group));
    expect(raw.length).toBeGreaterThan(100 * 1024);
    const out = wrapWebhook("alertmanager", raw, {}, meta);
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.bodies.length).toBeGreaterThan(1);
    const seen: string[] = [];
    out.bodies.forEach((b, i) => {
      expect(dispatchViolations(b.client_payload as unknown as Record<string, unknown>, b.event_type)).toEqual([]);
      expect(b.client_payload.delivery).toBe(`${meta.delivery}:${i + 1}/${out.bodies.length}`);
      const part = b.client_payload.payload as { alerts: Array<{ fingerprint: string; status: string }>; status: string; groupKey: string };
      expect(part.groupKey).toBe(group.groupKey);
      // the group status is recomputed per part: firing while any of its alerts fires
      expect(part.status).toBe(part.alerts.some((a) => a.status === "firing") ? "firing" : "resolved");
      const res = normalize({ id: `part-${i}`, body: JSON.stringify(b), headers: {}, receivedAt: meta.receivedAt });
      expect(res.ok, res.ok ? "" : res.reason).toBe(true);
      if (res.ok) {
        expect(res.source).toBe("alertmanager");
        expect(res.alerts).toHaveLength(part.alerts.length);
      }
      seen.push(...part.alerts.map((a) => a.fingerprint));
    });
    expect(seen).toEqual((group.alerts as Array<{ fingerprint: string }>).map((a) => a.fingerprint));
  });

  it("parts are packed: no two consecutive parts would have fit in one", () => {
    const out = wrapWebhook("grafana", Buffer.from(JSON.stringify({ ...alertmanagerGroup(300), version: "1", orgId: 1 })), {}, meta);
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    const sizes = out.bodies.map((b) => Buffer.byteLength(JSON.stringify(b)));
    for (let i = 1; i < sizes.length; i++) expect(sizes[i - 1]! + sizes[i]!).toBeGreaterThan(64 * 1024);
  });

  it("a single alert too large to fit is refused with the reason, not cut", () => {
    const out = wrapWebhook("alertmanager", Buffer.from(JSON.stringify(alertmanagerGroup(2, 70_000))), {}, meta);
    expect(out).toMatchObject({ ok: false, reason: stringContaining("shorten its annotations") });
  });

  it("a Sentry event over 64 KB loses its stack traces and breadcrumbs and keeps what the adapter reads", () => {
    const fixture = sentryIssueAlert();
    fixture.data.event.breadcrumbs = { values: Array.from({ length: 2000 }, (_, i) => ({ message: `crumb ${i}`, category: "http" })) };
    const out = wrapWebhook("sentry", Buffer.from(JSON.stringify(fixture)), { "sentry-hook-resource": "event_alert" }, meta);
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.trimmed).toEqual(arrayContaining(["data.event.breadcrumbs", "data.event.exception"]));
    const event = (out.bodies[0]!.client_payload.payload as { data: { event: Record<string, unknown> } }).data.event;
    expect(event.title).toBe(fixture.data.event.title);
    expect(event.breadcrumbs).toBeUndefined();
    const res = normalize({ id: "s", body: JSON.stringify(out.bodies[0]), headers: {}, receivedAt: meta.receivedAt });
    expect(res.ok && res.source).toBe("sentry");
    expect(res.ok && res.alerts[0]!.title).toBe(fixture.data.event.title);
  });

  it("another source's body that does not fit is refused, naming the size and the limit", () => {
    const out = wrapWebhook("pagerduty", Buffer.from(JSON.stringify({ event: { data: { title: "x".repeat(70_000) } } })), {}, meta);
    expect(out).toMatchObject({ ok: false, reason: stringMatching(/\d+ bytes .* under 65536 bytes/) });
  });
});
