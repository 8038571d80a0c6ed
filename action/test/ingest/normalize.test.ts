import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalize } from "../../src/ingest/normalize.js";
import type { Delivery } from "../../src/model/index.js";
import { accepted, ingest, rejected } from "./helpers.js";

const am = (alerts: unknown[]) => ({ version: "4", groupKey: "{}:{}", status: "firing", receiver: "r", alerts });
const alert = (labels: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  status: "firing",
  labels: { alertname: "OrdersLag", ...labels },
  annotations: {},
  startsAt: "2026-03-14T01:00:00Z",
  endsAt: "0001-01-01T00:00:00Z",
  ...extra,
});

describe("normalize", () => {
  it("rejects a body over 64 KB by default, and honours maxBytes", () => {
    const big = JSON.stringify(am([alert({ pad: "x".repeat(70_000) })]));
    expect(rejected(ingest(big))).toMatch(/^body is \d+ bytes, over the 65536-byte limit; send fewer alerts per notification/);
    accepted(ingest(big, {}, { maxBytes: 200_000 }));
    expect(rejected(ingest(am([alert({})]), {}, { maxBytes: 10 }))).toMatch(/over the 10-byte limit/);
  });

  it("rejects bodies that are not JSON objects without echoing them", () => {
    expect(rejected(ingest("<html>oops</html>"))).toBe("body is not JSON (invalid JSON)");
    expect(rejected(ingest('{"alerts": ['))).toBe("body is not JSON (the JSON ends too early (truncated?))");
    expect(rejected(ingest("   "))).toBe("body is empty");
    expect(rejected(ingest("42"))).toBe("body is a JSON number, expected an object");
    expect(rejected(ingest("null"))).toBe("body is a JSON null, expected an object");
  });

  it("rejects deep nesting", () => {
    const deep = `{"a":${"[".repeat(100)}${"]".repeat(100)}}`;
    expect(rejected(ingest(deep))).toBe("body nests deeper than 32 levels");
    // 32 levels are allowed, a scalar on the 33rd is not.
    expect(rejected(ingest(`{"a":${"[".repeat(31)}${"]".repeat(31)}}`))).toMatch(/^unknown payload shape/);
    expect(rejected(ingest(`{"a":${"[".repeat(31)}1${"]".repeat(31)}}`))).toBe("body nests deeper than 32 levels");
  });

  it("rejects a body of more than 200,000 values, and tells the two limits apart in one fixed order", () => {
    const options = { maxBytes: 2_000_000 };
    const values = (n: number) => Array.from({ length: n }, () => "0").join(",");
    const deep = `${"[".repeat(40)}${"]".repeat(40)}`;
    // The object and the array count as values too.
    expect(rejected(ingest(`{"a":[${values(199_998)}]}`, {}, options))).toMatch(/^unknown payload shape/);
    expect(rejected(ingest(`{"a":[${values(199_999)}]}`, {}, options))).toBe("body holds more than 200000 values");
    // Values are walked last to first: whichever limit that walk meets first is the reason.
    expect(rejected(ingest(`{"a":[${deep},${values(200_000)}]}`, {}, options))).toBe("body holds more than 200000 values");
    expect(rejected(ingest(`{"a":[${values(200_000)},${deep}]}`, {}, options))).toBe("body nests deeper than 32 levels");
    expect(rejected(ingest(`{"b":${deep},"a":[${values(200_000)}]}`, {}, options))).toBe("body holds more than 200000 values");
    expect(rejected(ingest(`{"a":[${values(200_000)}],"b":${deep}}`, {}, options))).toBe("body nests deeper than 32 levels");
  });

  it("checks the shape of a payload inside a dispatch envelope as well", () => {
    const payload = { a: JSON.parse(`${"[".repeat(40)}${"]".repeat(40)}`) as unknown };
    expect(rejected(ingest({ event_type: "alert", client_payload: { payload: JSON.stringify(payload) } }))).toBe(
      "dispatch: client_payload.payload: nests deeper than 32 levels",
    );
  });

  it("names the top-level keys of an unknown shape, made inert", () => {
    const reason = rejected(ingest({ "<img src=x onerror=alert(1)>": 1, "@everyone": 2 }));
    expect(reason).toMatch(/^unknown payload shape: no source recognizes it; top-level keys: /);
    expect(reason).not.toContain("<");
    expect(reason).not.toContain(">");
  });

  it("never detects by the file-name hint, but mentions it", () => {
    const out = normalize({
      id: "01-datadog.json",
      body: JSON.stringify({ hello: "world" }),
      headers: {},
      receivedAt: "2026-03-14T02:00:00Z",
      sourceHint: "datadog",
    });
    expect(rejected(out)).toMatch(/\(the file name suggests datadog\)/);
  });

  it("rejects control characters and broken Unicode in what it keeps, naming the field", () => {
    expect(rejected(ingest(am([alert({}, { annotations: { summary: "bell\u0007" } })])))).toBe(
      "alertmanager: alerts[0].annotations.summary: contains the control character U+0007; remove it at the source",
    );
    expect(rejected(ingest(am([alert({ "bad\nkey": "v" })])))).toMatch(
      /^alertmanager: alerts\[0\]\.labels\["bad\?key"\]: contains the control character U\+000A/,
    );
    expect(rejected(ingest(am([alert({ team: "\ud800" })])))).toBe(
      "alertmanager: alerts[0].labels.team: contains an unpaired UTF-16 surrogate (broken Unicode)",
    );
  });

  it("keeps valid Unicode (emoji, accents) and markup as plain data", () => {
    const [a] = accepted(ingest(am([alert({ team: "données 📉" }, { annotations: { summary: "<b>@channel</b> lag 📈" } })])));
    expect(a!.labels.team).toBe("données 📉");
    expect(a!.title).toBe("<b>@channel</b> lag 📈");
  });

  it("cuts a long title to one line of at most 500 characters", () => {
    const [a] = accepted(ingest(am([alert({}, { annotations: { summary: `line one\nline two ${"é".repeat(600)}` } })])));
    expect(a!.title.startsWith("line one line two")).toBe(true);
    expect(Array.from(a!.title)).toHaveLength(500);
  });

  it("writes any title on one line: white space runs become one space, none at either end", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom("a", "b", " ", "  ", "\t", "\n", "\r", "\u00a0", "\u2028", "\u3000", "\ufeff", "\u200a"), maxLength: 12 }),
        (summary) => {
          const [a] = accepted(ingest(am([alert({}, { annotations: { summary } })])));
          expect(a!.title).toBe(summary.replace(/\s+/g, " ").trim() || "OrdersLag");
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("rejects more than 1000 alerts in one body", () => {
    const many = am(Array.from({ length: 1001 }, (_, i) => alert({ i: String(i) })));
    expect(rejected(ingest(many, {}, { maxBytes: 1_000_000 }))).toBe("alertmanager: alerts: 1001 entries, over the limit of 1000; split the notification");
  });

  it("uses a forced source even when detection would pick another", () => {
    expect(rejected(ingest(am([alert({})]), {}, { source: "datadog" }))).toMatch(/^datadog: title: expected the alert title/);
  });

  it("does not throw on a delivery whose fields have the wrong types", () => {
    const broken = { id: "x", body: 12, headers: null, receivedAt: "now" } as unknown as Delivery;
    expect(rejected(normalize(broken))).toBe("body is number, expected the webhook's text");
    const headersOdd = { id: "x", body: JSON.stringify(am([alert({})])), headers: { a: 1 }, receivedAt: "now" } as unknown as Delivery;
    accepted(normalize(headersOdd));
  });

  it("validates every alert against AlertSchema (ids are 16 hex characters, raw points at the delivery)", () => {
    const alerts = accepted(ingest(am([alert({ a: "1" }), alert({ a: "2" })]), {}, {}, "delivery-7"));
    for (const [i, a] of alerts.entries()) {
      expect(a.id).toMatch(/^[0-9a-f]{16}$/);
      expect(a.raw).toEqual({ delivery: "delivery-7", index: i });
    }
  });
});
