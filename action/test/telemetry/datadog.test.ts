import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { datadogQuery, datadogTelemetry } from "../../src/telemetry/datadog.js";

let url: string;
const seen: Array<{ path: string; query: string; from: string; to: string; keys: boolean; body: string }> = [];
let close: () => Promise<void>;
beforeAll(async () => {
  // A Datadog emulator: the documented v1 query and v2 logs search shapes, keys required.
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      const u = new URL(req.url ?? "/", "http://x");
      const keys = req.headers["dd-api-key"] === "api" && req.headers["dd-application-key"] === "app";
      seen.push({ path: u.pathname, query: u.searchParams.get("query") ?? "", from: u.searchParams.get("from") ?? "", to: u.searchParams.get("to") ?? "", keys, body });
      if (!keys) return void res.writeHead(403).end(JSON.stringify({ errors: ["Forbidden"] }));
      if (u.pathname === "/api/v1/query") {
        const from = Number(u.searchParams.get("from")) * 1000;
        return void res.writeHead(200, { "content-type": "application/json" }).end(
          JSON.stringify({
            status: "ok", res_type: "time_series", query: u.searchParams.get("query"), from_date: from, to_date: from + 120_000, group_by: ["partition"],
            series: ["0", "1"].map((p, i) => ({ metric: "kafka.consumer_lag", tag_set: [`partition:${p}`], pointlist: [[from, 10 * (i + 1)], [from + 60_000, null]], scope: `partition:${p}`, expression: "x", interval: 60, length: 2 })),
          }),
        );
      }
      res.writeHead(200, { "content-type": "application/json" }).end(
        JSON.stringify({ data: [{ id: "1", type: "log", attributes: { timestamp: "2026-03-14T01:50:00.000Z", message: "CommitFailedException: group rebalanced", service: "orders-enricher", status: "ERROR", tags: [] } }, { id: "2", type: "log", attributes: { timestamp: "2026-03-14T01:51:00.000Z", message: "ok", service: "orders-enricher", status: "INFO", tags: [] } }], meta: { page: {} } }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((r) => server.close(() => r()));
});
afterAll(async () => close());

describe("the Datadog adapter against a Datadog emulator", () => {
  it("queries metrics in seconds and reads milliseconds back, with tags as labels", async () => {
    const t = datadogTelemetry({ url, apiKey: "api", appKey: "app", groupBy: ["partition"] });
    const start = Date.parse("2026-03-14T01:00:00Z");
    const series = await t.metrics({ name: "kafka.consumer_lag", matchers: [{ label: "consumer_group", op: "=", value: "orders-enricher" }], start, end: start + 3_600_000, stepMs: 60_000 }, AbortSignal.timeout(5000));
    expect(seen.at(-1)).toMatchObject({ path: "/api/v1/query", query: "avg:kafka.consumer_lag{consumer_group:orders-enricher} by {partition}", from: String(start / 1000), keys: true });
    expect(series.map((s) => [s.labels.partition, s.points])).toEqual([
      ["0", [[start, 10], [start + 60_000, null]]],
      ["1", [[start, 20], [start + 60_000, null]]],
    ]);
  });

  it("searches logs and keeps only lines that match the pattern", async () => {
    const t = datadogTelemetry({ url, apiKey: "api", appKey: "app" });
    const lines = await t.logs({ selector: { service: "orders-enricher" }, pattern: "commitfailed", limit: 100, start: 0, end: Date.parse("2026-03-15T00:00:00Z") }, AbortSignal.timeout(5000));
    expect(lines).toEqual([{ ts: "2026-03-14T01:50:00.000Z", labels: { service: "orders-enricher", level: "error" }, line: "CommitFailedException: group rebalanced" }]);
    expect(JSON.parse(seen.at(-1)!.body).filter.query).toBe("service:orders-enricher");
  });

  it("refuses values it cannot quote safely and fails on bad keys", async () => {
    expect(() => datadogQuery({ name: "m", matchers: [{ label: "group", op: "=", value: "a} or {*" }], start: 0, end: 1, stepMs: 60_000 })).toThrow(/cannot quote/);
    expect(() => datadogQuery({ name: "m", matchers: [{ label: "group", op: "=~", value: "a.*" }], start: 0, end: 1, stepMs: 60_000 })).toThrow(/no safe Datadog form/);
    const t = datadogTelemetry({ url, apiKey: "wrong", appKey: "app" });
    await expect(t.metrics({ name: "m", matchers: [], start: 0, end: 60_000, stepMs: 60_000 }, AbortSignal.timeout(5000))).rejects.toThrow(/HTTP 403/);
  });
});
