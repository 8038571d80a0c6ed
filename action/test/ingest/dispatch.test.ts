import { describe, expect, it } from "vitest";
import { accepted, ingest, rejected } from "./helpers.js";

const am = {
  version: "4",
  groupKey: '{}:{alertname="X"}',
  status: "firing",
  receiver: "relay",
  alerts: [
    {
      status: "firing",
      labels: { alertname: "AirflowTaskFailed", dag_id: "orders_daily" },
      annotations: {},
      startsAt: "2026-03-14T01:00:00Z",
      endsAt: "0001-01-01T00:00:00Z",
      fingerprint: "aa11bb22cc33dd44",
    },
  ],
};

describe("repository_dispatch bodies", () => {
  it("accepts client_payload as the source body itself", () => {
    const [a] = accepted(ingest({ event_type: "pipemedic-alert", client_payload: am }), "alertmanager");
    expect(a!.fingerprint).toBe("aa11bb22cc33dd44");
  });

  it("accepts the {source, payload} wrapper with the payload as an object or as JSON text", () => {
    const direct = accepted(ingest({ event_type: "alert", client_payload: { source: "alertmanager", payload: am } }));
    const text = accepted(ingest({ event_type: "alert", client_payload: { payload: JSON.stringify(am), fingerprint: "aa11bb22cc33dd44" } }));
    expect(text.map((a) => a.id)).toEqual(direct.map((a) => a.id));
  });

  it("gives the same ids as the bare body", () => {
    const bare = accepted(ingest(am));
    const wrapped = accepted(ingest({ event_type: "alert", client_payload: { payload: am } }));
    expect(wrapped.map((a) => a.id)).toEqual(bare.map((a) => a.id));
  });

  it("accepts the event GitHub hands the workflow (action instead of event_type)", () => {
    accepted(ingest({ action: "alert", client_payload: { payload: am }, repository: { full_name: "acme/ops" }, sender: { login: "bot" } }), "alertmanager");
  });

  it("uses the declared source over detection, and says when the body does not fit it", () => {
    expect(rejected(ingest({ event_type: "alert", client_payload: { source: "grafana", payload: { ruleName: ["x"] } } }))).toBe(
      "grafana: ruleName: expected a string, got an array",
    );
  });

  it("rejects an unknown declared source, a payload that is not JSON, and an empty client_payload", () => {
    expect(rejected(ingest({ event_type: "alert", client_payload: { source: "nagios", payload: am } }))).toMatch(
      /^dispatch: client_payload\.source: unknown source "nagios"; expected one of alertmanager, grafana/,
    );
    expect(rejected(ingest({ event_type: "alert", client_payload: { payload: "{not json" } }))).toMatch(
      /^dispatch: client_payload\.payload: a string that is not valid JSON \(invalid JSON at byte offset 1\)/,
    );
    expect(rejected(ingest({ event_type: "alert", client_payload: { payload: 12 } }))).toMatch(
      /^dispatch: client_payload\.payload: expected the source's body/,
    );
    expect(rejected(ingest({ event_type: "alert", client_payload: null }))).toMatch(/^dispatch: client_payload: expected an object/);
    expect(rejected(ingest({ event_type: "alert", client_payload: { payload: am, headers: { a: [1] } } }))).toBe(
      "dispatch: client_payload.headers.a: expected a string, got an array",
    );
  });

  it("checks the nesting of a payload sent as JSON text", () => {
    const deep = "[".repeat(40) + "]".repeat(40);
    expect(rejected(ingest({ event_type: "alert", client_payload: { payload: `{"a":${deep}}` } }))).toBe(
      "dispatch: client_payload.payload: nests deeper than 32 levels",
    );
  });

  it("does not mistake a body with extra top-level keys for a dispatch", () => {
    expect(rejected(ingest({ event_type: "x", client_payload: { payload: am }, other: 1 }))).toMatch(/^unknown payload shape/);
  });
});
