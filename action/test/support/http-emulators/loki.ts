import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { LogLine } from "../../../src/model/index.js";

/**
 * A Loki emulator serving recorded lines through `/loki/api/v1/query_range` in Loki's documented
 * response shape. It parses the LogQL Pipemedic sends (a stream selector of equality matchers and an
 * optional `|~` filter) with the language's own string rules, and answers 400 to anything else.
 */
export async function startLokiEmulator(lines: LogLine[]): Promise<{ url: string; queries: string[]; close(): Promise<void> }> {
  const queries: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname !== "/loki/api/v1/query_range") return void res.writeHead(404).end("404 page not found");
    const query = url.searchParams.get("query") ?? "";
    queries.push(query);
    const parsed = parseLogql(query);
    if (!parsed) return void res.writeHead(400, { "content-type": "text/plain" }).end(`parse error: ${query}`);
    const start = BigInt(url.searchParams.get("start") ?? "0");
    const end = BigInt(url.searchParams.get("end") ?? "0");
    const limit = Number(url.searchParams.get("limit") ?? 100);
    const filter = parsed.filter ? new RegExp(parsed.filter.replace(/^\(\?i\)/, ""), parsed.filter.startsWith("(?i)") ? "i" : "") : null;
    const hits = lines
      .map((l) => ({ l, t: BigInt(Date.parse(l.ts)) * 1_000_000n }))
      .filter(({ l, t }) => t >= start && t <= end && Object.entries(parsed.selector).every(([k, v]) => l.labels[k] === v) && (!filter || filter.test(l.line)))
      .slice(0, limit);
    const streams = new Map<string, { stream: Record<string, string>; values: Array<[string, string]> }>();
    for (const { l, t } of hits) {
      const key = JSON.stringify(Object.entries(l.labels).sort());
      const s = streams.get(key) ?? { stream: l.labels, values: [] };
      s.values.push([String(t), l.line]);
      streams.set(key, s);
    }
    res.writeHead(200, { "content-type": "application/json" }).end(
      JSON.stringify({ status: "success", data: { resultType: "streams", result: [...streams.values()], stats: {} } }),
    );
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    queries,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** Reads a LogQL double-quoted string starting at `i` (after the quote); Go escape rules. */
function readString(s: string, i: number): [string, number] | null {
  let out = "";
  for (; i < s.length; i++) {
    const c = s[i]!;
    if (c === '"') return [out, i + 1];
    if (c === "\\") {
      const n = s[++i];
      if (n === "n") out += "\n";
      else if (n === "t") out += "\t";
      else if (n === "r") out += "\r";
      else if (n === "x") {
        out += String.fromCharCode(parseInt(s.slice(i + 1, i + 3), 16));
        i += 2;
      } else out += n ?? "";
    } else out += c;
  }
  return null;
}

function parseLogql(q: string): { selector: Record<string, string>; filter?: string } | null {
  let i = 0;
  const skip = () => {
    while (q[i] === " ") i++;
  };
  if (q[i++] !== "{") return null;
  const selector: Record<string, string> = {};
  for (;;) {
    skip();
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(q.slice(i));
    if (!m) return null;
    i += m[0].length;
    if (q[i] !== "=" || q[i + 1] !== '"') return null;
    const r = readString(q, i + 2);
    if (!r) return null;
    selector[m[0]] = r[0];
    i = r[1];
    skip();
    if (q[i] === ",") {
      i++;
      continue;
    }
    if (q[i] === "}") {
      i++;
      break;
    }
    return null;
  }
  skip();
  if (i === q.length) return { selector };
  if (q.slice(i, i + 2) !== "|~") return null;
  i += 2;
  skip();
  if (q[i] !== '"') return null;
  const r = readString(q, i + 1);
  if (!r || r[1] !== q.length) return null;
  return { selector, filter: r[0] };
}
