import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LogLine } from "../../src/model/index.js";
import { datadogQuery, datadogTelemetry } from "../../src/telemetry/datadog.js";
import { startDatadogEmulator, type DatadogEmulator } from "../support/http-emulators/datadog.js";

const START = Date.parse("2026-03-14T01:00:00Z");
const logs: LogLine[] = [
  ...Array.from({ length: 25 }, (_, i) => ({
    ts: new Date(START + i * 60_000).toISOString(),
    labels: { service: "orders-enricher", level: i % 10 === 3 ? "error" : "info" },
    line: i % 10 === 3 ? `CommitFailedException #${i}` : `poll ok ${i}`,
  })),
  { ts: new Date(START + 60_000).toISOString(), labels: { service: "billing", level: "error" }, line: "CommitFailedException elsewhere" },
];
let emu: DatadogEmulator;
beforeAll(async () => {
  emu = await startDatadogEmulator({
    series: ["0", "1"].map((p, i) => ({
      labels: { __name__: "kafka.consumer_lag", consumer_group: "orders-enricher", partition: p },
      points: [
        [START, 10 * (i + 1)],
        [START + 60_000, null],
      ],
    })),
    logs,
  });
});
afterAll(async () => emu?.close());

describe("the Datadog adapter against a Datadog emulator", () => {
  it("queries metrics in seconds and reads milliseconds back, with tags as labels", async () => {
    const t = datadogTelemetry({ url: emu.url, apiKey: "api", appKey: "app", groupBy: ["partition"] });
    const series = await t.metrics(
      {
        name: "kafka.consumer_lag",
        matchers: [{ label: "consumer_group", op: "=", value: "orders-enricher" }],
        start: START,
        end: START + 3_600_000,
        stepMs: 60_000,
      },
      AbortSignal.timeout(5000),
    );
    expect(emu.requests.at(-1)).toMatchObject({
      path: "/api/v1/query",
      query: "avg:kafka.consumer_lag{consumer_group:orders-enricher} by {partition}",
      from: String(START / 1000),
      to: String(START / 1000 + 3600),
      keys: true,
    });
    expect(series.map((s) => [s.labels.partition, s.points])).toEqual([
      [
        "0",
        [
          [START, 10],
          [START + 60_000, null],
        ],
      ],
      [
        "1",
        [
          [START, 20],
          [START + 60_000, null],
        ],
      ],
    ]);
  });

  it("searches logs page by page and keeps only lines that match the pattern, up to the limit", async () => {
    const t = datadogTelemetry({ url: emu.url, apiKey: "api", appKey: "app" });
    const before = emu.requests.length;
    const lines = await t.logs(
      { selector: { service: "orders-enricher" }, pattern: "commitfailed", limit: 100, start: START, end: START + 3_600_000 },
      AbortSignal.timeout(5000),
    );
    expect(lines).toEqual(
      [3, 13, 23].map((i) => ({
        ts: new Date(START + i * 60_000).toISOString(),
        labels: { service: "orders-enricher", level: "error" },
        line: `CommitFailedException #${i}`,
      })),
    );
    const bodies = emu.requests.slice(before).map((r) => JSON.parse(r.body) as { filter: { query: string }; page: { cursor?: string } });
    expect(bodies[0]!.filter.query).toBe("service:orders-enricher");
    expect(bodies.length).toBe(1); // 26 lines fit one page of 100

    const few = await t.logs({ selector: { service: "orders-enricher" }, limit: 10, start: START, end: START + 3_600_000 }, AbortSignal.timeout(5000));
    expect(few.map((l) => l.line)).toEqual(Array.from({ length: 10 }, (_, i) => (i === 3 ? "CommitFailedException #3" : `poll ok ${i}`)));
    const matched = await t.logs(
      { selector: { service: "orders-enricher" }, pattern: "commitfailed", limit: 2, start: START, end: START + 3_600_000 },
      AbortSignal.timeout(5000),
    );
    expect(matched.map((l) => l.line)).toEqual(["CommitFailedException #3", "CommitFailedException #13"]);
    // Two lines matched only on the second page: the cursor was followed.
    expect(
      emu.requests.filter((r) => r.path === "/api/v2/logs/events/search").some((r) => (JSON.parse(r.body) as { page: { cursor?: string } }).page.cursor),
    ).toBe(true);
  });

  it("refuses values it cannot quote safely and names the failure on bad keys", async () => {
    expect(() => datadogQuery({ name: "m", matchers: [{ label: "group", op: "=", value: "a} or {*" }], start: 0, end: 1, stepMs: 60_000 })).toThrow(
      /cannot quote/,
    );
    expect(() => datadogQuery({ name: "m", matchers: [{ label: "group", op: "=~", value: "a.*" }], start: 0, end: 1, stepMs: 60_000 })).toThrow(
      /no safe Datadog form/,
    );
    const good = datadogTelemetry({ url: emu.url, apiKey: "api", appKey: "app" });
    await expect(good.logs({ selector: { service: "x OR service:*" }, limit: 10, start: 0, end: 1 }, AbortSignal.timeout(5000))).rejects.toThrow(
      /cannot quote/,
    );
    const bad = datadogTelemetry({ url: emu.url, apiKey: "wrong", appKey: "app" });
    await expect(bad.metrics({ name: "m", matchers: [], start: 0, end: 60_000, stepMs: 60_000 }, AbortSignal.timeout(5000))).rejects.toThrow(
      "datadog GET /api/v1/query: HTTP 403: Forbidden",
    );
    await expect(bad.logs({ selector: { service: "x" }, limit: 10, start: 0, end: 60_000 }, AbortSignal.timeout(5000))).rejects.toThrow(
      "datadog POST /api/v2/logs/events/search: HTTP 403: Forbidden",
    );
  });
});
