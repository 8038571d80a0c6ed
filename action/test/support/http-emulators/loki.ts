import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { LogLine } from "../../../src/model/index.js";
import { readLogSelector } from "./query-reader.js";

/**
 * A Loki emulator serving recorded lines through `/loki/api/v1/query_range`, and their streams through
 * `/loki/api/v1/series` and `/loki/api/v1/labels`, in Loki's documented response shapes. It parses the LogQL Pipemedic sends (a stream selector of equality matchers and an
 * optional `|~` filter, or `{name=~".+"}` for every stream carrying a label) with the language's own string rules, and answers 400 (text/plain, as Loki
 * does) to anything else. Entries carry nanosecond string timestamps; with `metadata`, a third element.
 */
export async function startLokiEmulator(
  lines: LogLine[],
  opts: { metadata?: boolean } = {},
): Promise<{ url: string; queries: string[]; tenants: Array<string | undefined>; close(): Promise<void> }> {
  const queries: string[] = [];
  const tenants: Array<string | undefined> = [];
  // Parsed once: a golden scenario's log checks send hundreds of requests over the same lines.
  const entries = lines
    .map((l) => ({ l, t: BigInt(Date.parse(l.ts)) * 1_000_000n, stream: JSON.stringify(Object.entries(l.labels).sort()) }))
    .sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0));
  const streamLabels = new Map(entries.map((e) => [e.stream, e.l.labels]));
  /** The streams (keys) whose labels satisfy a test: selectors match streams, then entries are read. */
  const streamsWhere = (test: (labels: Record<string, string>) => boolean) =>
    new Set([...streamLabels].filter(([, labels]) => test(labels)).map(([key]) => key));
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const from = BigInt(url.searchParams.get("start") ?? "0");
    const to = BigInt(url.searchParams.get("end") ?? String(BigInt(Date.now()) * 1_000_000n));
    const inRange = entries.filter((e) => e.t >= from && e.t <= to);
    if (url.pathname === "/loki/api/v1/labels") {
      const names = new Set(inRange.flatMap((e) => Object.keys(e.l.labels)));
      return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "success", data: [...names].sort() }));
    }
    if (url.pathname === "/loki/api/v1/series") {
      const matchers = url.searchParams.getAll("match[]").map(parseSeriesMatch);
      if (!matchers.length || matchers.some((m) => m === null)) return void res.writeHead(400, { "content-type": "text/plain" }).end("parse error: match[]");
      const selected = streamsWhere((labels) => matchers.some((m) => m!.every(([k, op, v]) => (op === "=" ? labels[k] === v : (labels[k] ?? "") !== ""))));
      const found = new Map<string, Record<string, string>>();
      for (const e of inRange) if (selected.has(e.stream)) found.set(e.stream, e.l.labels);
      return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "success", data: [...found.values()] }));
    }
    if (url.pathname !== "/loki/api/v1/query_range") return void res.writeHead(404).end("404 page not found");
    const query = url.searchParams.get("query") ?? "";
    queries.push(query);
    tenants.push(req.headers["x-scope-orgid"] as string | undefined);
    if (url.searchParams.get("direction") !== "forward" && url.searchParams.get("direction") !== "backward") {
      return void res.writeHead(400, { "content-type": "text/plain" }).end("invalid direction");
    }
    const parsed = parseLogql(query);
    if (!parsed) return void res.writeHead(400, { "content-type": "text/plain" }).end(`parse error: ${query}`);
    const limit = Number(url.searchParams.get("limit") ?? 100);
    const filter = parsed.filter ? new RegExp(parsed.filter.replace(/^\(\?i\)/, ""), parsed.filter.startsWith("(?i)") ? "i" : "") : null;
    const selected = streamsWhere(
      (labels) => Object.entries(parsed.selector).every(([k, v]) => labels[k] === v) && (parsed.carries === undefined || (labels[parsed.carries] ?? "") !== ""),
    );
    // The limit cuts in the query's direction: forward keeps the oldest entries, backward the newest, newest first.
    const matching = inRange.filter((e) => selected.has(e.stream) && (!filter || filter.test(e.l.line)));
    const hits = url.searchParams.get("direction") === "backward" ? matching.reverse().slice(0, limit) : matching.slice(0, limit);
    const streams = new Map<string, { stream: Record<string, string>; values: Array<[string, string] | [string, string, Record<string, string>]> }>();
    for (const { l, t, stream: key } of hits) {
      const s = streams.get(key) ?? { stream: l.labels, values: [] };
      // Loki 3 may add structured metadata as a third element of an entry.
      s.values.push(opts.metadata ? [String(t), l.line, { trace_id: "abc" }] : [String(t), l.line]);
      streams.set(key, s);
    }
    res
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify({ status: "success", data: { resultType: "streams", result: [...streams.values()], stats: {} } }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    queries,
    tenants,
    close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

/**
 * The emulator's LogQL: the strict reader the escape tests check (Go string rules, one selector, one
 * filter at most). The selector is equality matchers, or `{name=~".+"}` (every stream carrying the
 * label: a regex matcher is fully anchored and, not matching the empty string, is a valid selector alone).
 */
function parseLogql(q: string): { selector: Record<string, string>; carries?: string; filter?: string } | null {
  const any = /^\{([a-zA-Z_][a-zA-Z0-9_]*)=~"\.\+"\}/.exec(q);
  const read = readLogSelector(any ? `{}${q.slice(any[0].length)}` : q);
  if (!read || (!any && !read.selector.length)) return null;
  return {
    selector: Object.fromEntries(read.selector.map((m) => [m.label, m.value])),
    ...(any ? { carries: any[1]! } : {}),
    ...(read.filter !== null ? { filter: read.filter } : {}),
  };
}

/** A `/series` match: equality matchers as Pipemedic renders them, or the `{name=~".+"}` it sends to list every stream. */
function parseSeriesMatch(q: string): Array<[string, "=" | "nonempty", string]> | null {
  const any = /^\{([a-zA-Z_][a-zA-Z0-9_]*)=~"\.\+"\}$/.exec(q);
  if (any) return [[any[1]!, "nonempty", ""]];
  const read = readLogSelector(q);
  if (!read || read.filter !== null) return null;
  return read.selector.map((m) => [m.label, "=", m.value]);
}
