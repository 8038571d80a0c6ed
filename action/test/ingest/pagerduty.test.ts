import { describe, expect, it } from "vitest";
import { accepted, clone, ingest, rejected } from "./helpers.js";

const service = { id: "PF9KMXH", summary: "orders-enricher", type: "service_reference", html_url: "https://acme.pagerduty.com/services/PF9KMXH" };
const incident = {
  id: "Q1Z9LWQ7XYN8",
  type: "incident",
  html_url: "https://acme.pagerduty.com/incidents/Q1Z9LWQ7XYN8",
  number: 1042,
  status: "triggered",
  incident_key: "orders-lag",
  created_at: "2026-03-14T01:53:00Z",
  title: "Orders consumer lag above 50k",
  service,
  assignees: [],
  escalation_policy: { id: "PUS0KTE", summary: "Data on-call", type: "escalation_policy_reference" },
  teams: [{ id: "PFCVPS0", summary: "Data Platform", type: "team_reference" }],
  priority: null,
  urgency: "high",
  conference_bridge: { conference_number: 1000, conference_url: "https://example.com" },
  resolve_reason: null,
};
const v3 = (event_type: string, data: unknown = incident, occurred_at = "2026-03-14T01:53:02.458Z") => ({
  event: { id: `01${event_type.length}DWL3NYY7LUFPZCC28QUCMK`, event_type, resource_type: "incident", occurred_at, agent: null, client: null, data },
});

describe("pagerduty webhooks v3", () => {
  it("reads incident.triggered: incident id as fingerprint, urgency as severity without a priority", () => {
    const [a] = accepted(ingest(v3("incident.triggered")), "pagerduty");
    expect(a).toMatchObject({
      title: "Orders consumer lag above 50k",
      status: "firing",
      severity: "high",
      fingerprint: "Q1Z9LWQ7XYN8",
      fingerprintComputed: false,
      service: "orders-enricher",
      startsAt: "2026-03-14T01:53:00.000Z",
    });
    expect(a!.labels).toMatchObject({ incident_key: "orders-lag", incident_number: "1042", team: "Data Platform", urgency: "high" });
    expect(a!.links).toEqual([{ title: "pagerduty", url: "https://acme.pagerduty.com/incidents/Q1Z9LWQ7XYN8" }]);
  });

  it("prefers the priority (P1…) over urgency", () => {
    const withPriority = { ...incident, priority: { id: "PSO75BM", summary: "P1", type: "priority_reference" }, urgency: "low" };
    expect(accepted(ingest(v3("incident.priority_updated", withPriority)))[0]!.severity).toBe("critical");
    expect(accepted(ingest(v3("incident.triggered", { ...incident, urgency: "low" })))[0]!.severity).toBe("low");
  });

  it("resolves with the event's time as the end, under the same fingerprint", () => {
    const [fired] = accepted(ingest(v3("incident.triggered")));
    const [resolved] = accepted(ingest(v3("incident.resolved", { ...incident, status: "resolved" }, "2026-03-14T03:00:00Z")));
    expect(resolved).toMatchObject({ status: "resolved", endsAt: "2026-03-14T03:00:00.000Z", fingerprint: fired!.fingerprint });
  });

  it("takes other incident events' status from the incident, and an acknowledgement repeats the trigger's id", () => {
    const [fired] = accepted(ingest(v3("incident.triggered")));
    const [acked] = accepted(ingest(v3("incident.acknowledged", { ...incident, status: "acknowledged" })));
    expect(acked!.status).toBe("firing");
    expect(acked!.id).toBe(fired!.id);
  });

  it("rejects events that are not about an incident, or carry no incident", () => {
    expect(rejected(ingest(v3("service.updated", { id: "PF9KMXH", type: "service" })))).toBe(
      'pagerduty: event.event_type: "service.updated" is not about an incident, so it is not an alert',
    );
    expect(rejected(ingest(v3("incident.annotated", { type: "incident_note", content: "looking", incident: { id: "Q1Z9LWQ7XYN8" } })))).toBe(
      'pagerduty: event.data.type: "incident_note": a incident.annotated event carries no incident, so it is not an alert',
    );
  });

  it("names a mistyped field", () => {
    const body = clone(v3("incident.triggered")) as { event: { data: Record<string, unknown> } };
    body.event.data.service = "orders";
    expect(rejected(ingest(body))).toBe("pagerduty: event.data.service: expected an object, got string");
  });

  it("starts an incident.triggered without created_at at the event's occurred_at, and only a trigger or reopen", () => {
    const { created_at: _created, ...withoutCreated } = incident;
    const [fired] = accepted(ingest(v3("incident.triggered", withoutCreated, "2026-03-14T01:53:02.458Z")));
    expect(fired).toMatchObject({ status: "firing", startsAt: "2026-03-14T01:53:02.458Z" });
    expect(accepted(ingest(v3("incident.reopened", withoutCreated, "2026-03-14T04:00:00Z")))[0]!.startsAt).toBe("2026-03-14T04:00:00.000Z");
    // An acknowledgement happens later than the trigger: its time is not the start.
    expect(accepted(ingest(v3("incident.acknowledged", { ...withoutCreated, status: "acknowledged" })))[0]!.startsAt).toBeNull();
    // created_at, when present, wins over the event's time.
    expect(accepted(ingest(v3("incident.triggered", incident, "2026-03-14T01:59:00Z")))[0]!.startsAt).toBe("2026-03-14T01:53:00.000Z");
  });

  it("accepts a bare incident object as a relay may post it", () => {
    expect(accepted(ingest(incident), "pagerduty")[0]!.fingerprint).toBe("Q1Z9LWQ7XYN8");
  });
});

describe("pagerduty legacy webhooks", () => {
  it("splits a V2 batch and maps trigger and resolve", () => {
    const body = {
      messages: [
        { id: "m1", event: "incident.trigger", created_on: "2026-03-14T01:53:00Z", incident: { ...incident, incident_number: 1042, number: undefined } },
        { id: "m2", event: "incident.resolve", created_on: "2026-03-14T03:00:00Z", incident: { ...incident, id: "OTHER", status: "resolved" } },
        { id: "m3", event: "ping" },
      ],
    };
    const alerts = accepted(ingest(body), "pagerduty");
    expect(alerts.map((a) => [a.status, a.fingerprint, a.raw.index])).toEqual([
      ["firing", "Q1Z9LWQ7XYN8", 0],
      ["resolved", "OTHER", 1],
    ]);
    expect(alerts[1]!.endsAt).toBe("2026-03-14T03:00:00.000Z");
  });

  it("reads a V1 message with trigger_summary_data", () => {
    const body = {
      messages: [
        {
          type: "incident.trigger",
          id: "m1",
          created_on: "2026-03-14T01:53:00Z",
          data: {
            incident: {
              id: "PIJ90N7",
              incident_number: 1,
              created_on: "2026-03-14T01:53:00Z",
              status: "triggered",
              trigger_summary_data: { subject: "Disk full on kafka-1" },
              service: { id: "P1", name: "kafka" },
            },
          },
        },
      ],
    };
    const [a] = accepted(ingest(body), "pagerduty");
    expect(a).toMatchObject({ title: "Disk full on kafka-1", service: "kafka", fingerprint: "PIJ90N7", startsAt: "2026-03-14T01:53:00.000Z" });
  });

  it("starts a legacy trigger at the incident's created_on, else at the message's created_on", () => {
    const message = (inc: Record<string, unknown>) => ({
      messages: [{ event: "incident.trigger", id: "m1", created_on: "2026-03-14T01:53:30Z", incident: { id: "PIJ90N7", status: "triggered", ...inc } }],
    });
    expect(accepted(ingest(message({ created_on: "2026-03-14T01:53:00Z" })))[0]!.startsAt).toBe("2026-03-14T01:53:00.000Z");
    expect(accepted(ingest(message({})))[0]!.startsAt).toBe("2026-03-14T01:53:30.000Z");
    const acked = { messages: [{ event: "incident.acknowledge", created_on: "2026-03-14T02:10:00Z", incident: { id: "PIJ90N7", status: "acknowledged" } }] };
    expect(accepted(ingest(acked))[0]).toMatchObject({ status: "firing", startsAt: null });
  });

  it("rejects a batch without incident messages, and names a malformed one", () => {
    expect(rejected(ingest({ messages: [{ event: "incident.trigger", incident: 5 }] }))).toBe(
      "pagerduty: messages[0].incident: expected an object, got number",
    );
    expect(rejected(ingest({ messages: [{ type: "incident.trigger", data: {} }] }))).toBe(
      "pagerduty: messages[0].data.incident: expected an object, got undefined",
    );
    expect(rejected(ingest({ messages: [{ event: "incident.ping" }] }, {}, { source: "pagerduty" }))).toBe(
      "pagerduty: messages[0].data.incident: expected an object, got undefined",
    );
    expect(rejected(ingest({ messages: [{ event: "ping" }] }, {}, { source: "pagerduty" }))).toBe(
      "pagerduty: messages: no incident message in the batch, so no alert",
    );
  });
});
