import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { LogLine, Series } from "../../../src/model/index.js";

export interface DatadogEmulator {
  url: string;
  /** Every request: path, the v1 query parameters, the v2 body, whether both keys were right. */
  requests: Array<{ path: string; query: string; from: string; to: string; keys: boolean; body: string }>;
  close(): Promise<void>;
}

/**
 * A Datadog API emulator: `GET /api/v1/query` (seconds in, `pointlist` in milliseconds out, series
 * split by the `by {…}` tags and filtered by `{tag:value}`) and `POST /api/v2/logs/events/search`
 * (attribute `key:value` terms, time range, pages of `page.limit` chained by `meta.page.after`), both
 * requiring DD-API-KEY and DD-APPLICATION-KEY, answering `{"errors": [...]}` otherwise.
 */
export async function startDatadogEmulator(data: { series: Series[]; logs: LogLine[] }, keys = { api: "api", app: "app" }): Promise<DatadogEmulator> {
  const requests: DatadogEmulator["requests"] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      const u = new URL(req.url ?? "/", "http://x");
      const ok = req.headers["dd-api-key"] === keys.api && req.headers["dd-application-key"] === keys.app;
      requests.push({
        path: u.pathname,
        query: u.searchParams.get("query") ?? "",
        from: u.searchParams.get("from") ?? "",
        to: u.searchParams.get("to") ?? "",
        keys: ok,
        body,
      });
      const send = (status: number, payload: unknown) => void res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(payload));
      if (!ok) return send(403, { errors: ["Forbidden"] });
      if (u.pathname === "/api/v1/query" && req.method === "GET") {
        const from = Number(u.searchParams.get("from")) * 1000;
        const to = Number(u.searchParams.get("to")) * 1000;
        const m = /^avg:([A-Za-z0-9_.]+)\{([^}]*)\}(?: by \{([^}]*)\})?$/.exec(u.searchParams.get("query") ?? "");
        if (!m || !Number.isFinite(from) || !Number.isFinite(to)) return send(400, { errors: ["Error parsing query"] });
        const filters = m[2] === "*" ? [] : m[2]!.split(",").map((t) => [t.slice(0, t.indexOf(":")), t.slice(t.indexOf(":") + 1)] as const);
        const by = m[3] ? m[3].split(",") : [];
        const series = data.series
          .filter((s) => s.labels.__name__ === m[1] && filters.every(([k, v]) => s.labels[k] === v))
          .map((s) => ({
            metric: m[1],
            display_name: m[1],
            tag_set: by.map((b) => `${b}:${s.labels[b] ?? "n/a"}`),
            scope: filters.map(([k, v]) => `${k}:${v}`).join(",") || "*",
            expression: u.searchParams.get("query"),
            pointlist: s.points.filter(([t]) => t >= from && t <= to),
            interval: 60,
            unit: null,
            aggr: "avg",
          }))
          .map((s) => ({ ...s, length: s.pointlist.length, start: s.pointlist[0]?.[0] ?? from, end: s.pointlist.at(-1)?.[0] ?? to }));
        return send(200, {
          status: "ok",
          res_type: "time_series",
          query: u.searchParams.get("query"),
          from_date: from,
          to_date: to,
          group_by: by,
          series,
          message: "",
        });
      }
      if (u.pathname === "/api/v2/logs/events/search" && req.method === "POST") {
        let q: { filter?: { query?: string; from?: string; to?: string }; page?: { limit?: number; cursor?: string } };
        try {
          q = JSON.parse(body) as typeof q;
        } catch {
          return send(400, { errors: ["Malformed request body"] });
        }
        const terms = (q.filter?.query ?? "")
          .split(" ")
          .filter(Boolean)
          .map((t) => [t.slice(0, t.indexOf(":")), t.slice(t.indexOf(":") + 1)] as const);
        const from = Date.parse(q.filter?.from ?? "");
        const to = Date.parse(q.filter?.to ?? "");
        const limit = q.page?.limit ?? 10;
        if (limit > 1000) return send(400, { errors: ["page[limit] must be <= 1000"] });
        const hits = data.logs.filter((l) => {
          const t = Date.parse(l.ts);
          return t >= from && t <= to && terms.every(([k, v]) => l.labels[k] === v);
        });
        const start = q.page?.cursor ? Number(Buffer.from(q.page.cursor, "base64url").toString()) : 0;
        const page = hits.slice(start, start + limit);
        const next = start + limit < hits.length ? Buffer.from(String(start + limit)).toString("base64url") : undefined;
        return send(200, {
          data: page.map((l, i) => ({
            id: `log-${start + i}`,
            type: "log",
            attributes: {
              timestamp: l.ts,
              message: l.line,
              service: l.labels.service,
              status: (l.labels.level ?? "info").toUpperCase(),
              host: "i-0123",
              tags: [],
              attributes: {},
            },
          })),
          links: next ? { next: `/api/v2/logs/events?page[cursor]=${next}` } : {},
          meta: { elapsed: 1, request_id: "r", status: "done", page: next ? { after: next } : {} },
        });
      }
      send(404, { errors: ["Not found"] });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}
