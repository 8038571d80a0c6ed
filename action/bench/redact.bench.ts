// Redaction time on 64 KB inputs: everything Pipemedic writes or sends passes through redact(), so
// it must stay linear whatever an attacker puts in an alert or a log line. Target: 64 KB in at most
// 20 ms. Inputs: hostile repeats (each aims at one rule's worst case: `a-` made the old redactor
// quadratic, 7 s), the golden scenarios' recorded log lines, and JSON as the report and the LLM
// see it. Times are the best of five runs after a warm-up (the first call compiles the rules).
import { readdirSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { redact } from "../src/redact.js";
import { printTable } from "./table.js";

const SIZE = 64 * 1024;
const TARGET_MS = 20;
const scenarios = fileURLToPath(new URL("../scenarios/", import.meta.url));

const fill = (seed: string) => seed.repeat(Math.ceil(SIZE / seed.length)).slice(0, SIZE);

/** The scenarios' recorded log lines, one per line, as an alert annotation or a check's data quotes them. */
function realisticLog(): string {
  const lines: string[] = [];
  for (const dir of readdirSync(scenarios).sort()) {
    let text: string;
    try {
      text = readFileSync(`${scenarios}${dir}/telemetry/logs.jsonl`, "utf8");
    } catch {
      continue;
    }
    for (const row of text.split("\n")) {
      if (!row.trim()) continue;
      const { ts, labels, line } = JSON.parse(row) as { ts: string; labels: Record<string, string>; line: string };
      lines.push(`${ts} ${Object.values(labels).join(" ")} ${line}`);
    }
    if (lines.join("\n").length > SIZE) break;
  }
  return lines.join("\n").slice(0, SIZE);
}

/** Alerts as JSON, with a few credentials in their annotations the way they leak. */
function alertsJson(): string {
  const alerts = Array.from({ length: 300 }, (_, i) => ({
    id: `3f2504e0-4f89-11d3-9a0c-${String(i).padStart(12, "0")}`,
    labels: { alertname: "KafkaConsumerGroupLag", consumergroup: "orders-enricher", topic: "orders.v2", partition: String(i % 12), severity: "critical" },
    annotations: {
      summary: `lag ${1000 + i} on orders-enricher`,
      description: i % 50 === 0 ? `consumer failed: password=hunter${i} Authorization: Bearer abcdef0123456789${i}` : "token_count 512, retries 3",
    },
    startsAt: "2026-03-14T01:50:00Z",
    commit: "9fceb02d0ae598e95dc970b74764e4f5c6a1b2c3",
  }));
  return JSON.stringify(alerts, null, 1).slice(0, SIZE);
}

const inputs: Array<[string, string]> = [
  ["hostile: `a-` repeated", fill("a-")],
  ["hostile: `password=` repeated", fill("password=")],
  ['hostile: `"pass":"` repeated', fill('"pass":"')],
  ["hostile: `password 1` repeated", fill("password 1")],
  ["hostile: `x://a:` repeated", fill("x://a:")],
  ["hostile: `-----BEGIN RSA PRIVATE KEY-----` repeated", fill("-----BEGIN RSA PRIVATE KEY-----")],
  ["hostile: `eyJ-` repeated", fill("eyJ-")],
  ["hostile: `ghp_` repeated (a vendor keyword)", fill("ghp_")],
  ["hostile: `glpat-` repeated (a vendor match per 6 characters)", fill("glpat-")],
  ["hostile: `authorization: Bearer ` repeated", fill("authorization: Bearer ")],
  ["hostile: `cookie: a=` repeated", fill("cookie: a=")],
  ["hostile: `ab<ZWSP>` repeated (one 64 KB word of split tokens)", fill("ab\u200b")],
  ["hostile: `a<ZWSP> ` repeated (11,000 words with an invisible character)", fill("a\u200b ")],
  ["hostile: `%3D%26` repeated (URL-encoded delimiters)", fill("%3D%26")],
  ["realistic: golden scenarios' log lines", realisticLog()],
  ["realistic: alerts as JSON", alertsJson()],
];

for (const [, text] of inputs) for (let i = 0; i < 2; i++) redact(text);

const rows = [["input (64 KB)", "ms (best of 5)", `≤ ${TARGET_MS} ms`]];
for (const [name, text] of inputs) {
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    redact(text);
    best = Math.min(best, performance.now() - t0);
  }
  rows.push([name, best.toFixed(1), best <= TARGET_MS ? "yes" : "NO"]);
}
// A loaded machine stretches every time: the load average says how much to trust them.
printTable(`redact(): 64 KB inputs, target ≤ ${TARGET_MS} ms (load average ${loadavg()[0]!.toFixed(1)})`, rows);
