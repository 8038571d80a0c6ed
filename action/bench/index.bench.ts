// History: 10,000 incident folders generated in memory (README frontmatter written by the report's
// own frontmatterYaml, alerts.jsonl as the pipeline writes it), rebuilt with rebuildHistory, then the
// index page and the scorecards rendered alone. Target: a full rebuild from the folders under 2 s.
import { createHash } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { Alert, Files, Incident, Severity } from "../src/model/index.js";
import { indexFiles } from "../src/record/index.js";
import { renderIncidentIndex } from "../src/report/index.js";
import { frontmatterYaml, type IncidentFrontmatter } from "../src/record/frontmatter.js";
import { rebuildHistory } from "../src/report/rebuild.js";
import { monthsOf, renderScorecard, scorecardFigures } from "../src/report/scorecard.js";
import { printTable } from "./table.js";

const FOLDERS = 10_000;
const START = Date.parse("2025-04-01T00:00:00Z");
const SPAN = 365 * 86_400_000; // a year of incidents: twelve scorecards
const PIPELINES = Array.from(
  { length: 24 },
  (_, n) => `${["orders", "payments", "clickstream", "inventory", "ledger", "finance"][n % 6]}-${["streaming", "daily", "ingest", "marts"][n % 4]}`,
);
const CAUSES = [
  "kafka-lag-rebalance-storm",
  "kafka-lag-slow-consumer",
  "kafka-lag-traffic-spike",
  "af-pool-starvation",
  "dbt-schema-drift",
  "warehouse-quota",
  "upstream-late",
  "spark-oom",
  "plat-bad-deploy-config-change",
  "unknown",
];
// Weighted as pages are: mostly medium and high. The default policy investigates all but low.
const SEVERITIES: Severity[] = ["critical", "high", "high", "high", "medium", "medium", "medium", "medium", "low", "low"];

// A deterministic generator, so every run measures the same history.
let seed = 42;
const rand = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
const hash = (s: string) => createHash("sha256").update(s).digest("hex");

// Shared prose: folders differ in their records, not in the size of the text around them.
const BODY = `\n# Consumer lag on the orders pipeline\n\n${"Evidence, the ranked causes and what was ruled out, as the report writes them. ".repeat(40)}\n`;

function folder(n: number): Files {
  const opened = START + Math.floor(rand() * SPAN);
  const pipeline = pick(PIPELINES);
  const alertname = pick(["KafkaConsumerGroupLag", "OrdersFreshnessSLA", "DagRunFailed", "DbtTestFailed", "SparkJobFailed"]);
  const day = new Date(opened).toISOString().slice(0, 10);
  const id = `${day}-${pipeline}-${hash(String(n)).slice(0, 4)}-${n}`;
  const dir = `incidents/${day.slice(0, 4)}/${day.slice(5, 7)}/${id}`;
  // Recurring fingerprints make repeats; 1 to 6 alerts, some repeat firings, some resolved.
  const fingerprint = hash(`${pipeline}/${alertname}/${Math.floor(rand() * 40)}`).slice(0, 16);
  const alerts: Alert[] = Array.from({ length: 1 + Math.floor(rand() * 6) }, (_, k) => ({
    id: hash(`${id}/${k}`).slice(0, 20),
    source: "alertmanager",
    title: `${alertname}: ${pipeline} lag above threshold (partition ${k})`,
    severity: pick(SEVERITIES),
    status: k > 0 && rand() < 0.2 ? "resolved" : "firing",
    environment: "prod",
    fingerprint: k > 0 && rand() < 0.5 ? fingerprint : k === 0 ? fingerprint : `${fingerprint}-${k}`,
    fingerprintComputed: false,
    labels: { alertname, pipeline, partition: String(k), severity: "warning" },
    annotations: { summary: `Consumer group of ${pipeline} is behind` },
    startsAt: new Date(opened + k * 45_000).toISOString(),
    endsAt: null,
    links: [{ title: "Grafana", url: "https://grafana.example.com/d/lag" }],
    pipeline,
    service: `${pipeline}-consumer`,
    raw: { delivery: `dispatch-${n}-${Math.floor(k / 2)}`, index: k },
  }));
  const done = alerts[0]!.severity !== "low";
  const cause = pick(CAUSES);
  // Alerts resolve: only incidents of the last days are still open.
  const resolved = opened < START + SPAN - 3 * 86_400_000 || rand() < 0.5;
  const record: IncidentFrontmatter = {
    id,
    title: alerts[0]!.title,
    status: resolved ? "resolved" : "open",
    severity: alerts[0]!.severity,
    pipelines: [pipeline],
    fingerprints: [...new Set(alerts.map((a) => a.fingerprint))],
    alertnames: [alertname],
    opened_at: new Date(opened).toISOString(),
    resolved_at: resolved ? new Date(opened + 3_600_000).toISOString() : null,
    investigation: done ? "done" : "awaiting",
    root_cause: done
      ? {
          id: cause,
          confidence: cause === "unknown" ? 0 : 0.87,
          status: cause === "unknown" ? "inconclusive" : rand() < 0.3 ? "confirmed-by-review" : "confirmed",
        }
      : null,
    chain: done && cause !== "unknown" ? [cause] : [],
    fix: done ? { kind: "config-patch", pr: 100 + n, branch: `pipemedic/fix/${id}`, state: "open" } : null,
    feedback: { actual_root_cause: null, notes: null },
    similar: [],
    cost: { checks: 12, ms: 2400, llm: null },
  };
  return {
    [`${dir}/README.md`]: `---\n${frontmatterYaml(record)}\n---\n${BODY}`,
    [`${dir}/alerts.jsonl`]: `${alerts.map((a) => JSON.stringify(a)).join("\n")}\n`,
    [`${dir}/problem.md`]: BODY,
    [`${dir}/plan.md`]: BODY,
    [`${dir}/hypotheses.md`]: BODY,
    [`${dir}/evidence/members-oscillate.json`]: "{}\n",
  };
}

/** Runs `fn` once to warm up, then `runs` times; the median and fastest in milliseconds. */
function time<T>(fn: () => T, runs = 5): { median: number; min: number; result: T } {
  let result = fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    result = fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { median: ms[Math.floor(ms.length / 2)]!, min: ms[0]!, result };
}

const t0 = performance.now();
const files: Files = {};
for (let n = 0; n < FOLDERS; n++) Object.assign(files, folder(n));
const generated = performance.now() - t0;

const fromFolders = time(() => rebuildHistory(files));
const incidents: Incident[] = fromFolders.result.incidents;
const withIndex: Files = { ...files, ...fromFolders.result.files };
const fromIndex = time(() => rebuildHistory(withIndex));
const months = monthsOf(incidents);
const newest = months.at(-1)!;
const perMonth = incidents.filter((i) => i.openedAt.startsWith(newest)).length;
const page = time(() => renderIncidentIndex(incidents));
const oneCard = time(() => renderScorecard(newest, incidents));
const allCards = time(() => months.map((m) => renderScorecard(m, incidents)));
const commit = time(() => indexFiles(incidents));

const f = (ms: number) => ms.toFixed(0);
printTable(`history: ${FOLDERS} incident folders (${Object.keys(files).length} files, generated in ${f(generated)} ms), ${months.length} months`, [
  ["step", "incidents", "median ms", "min ms", "target"],
  ["rebuildHistory, index.json missing (folders)", String(fromFolders.result.incidents.length), f(fromFolders.median), f(fromFolders.min), "< 2000"],
  ["rebuildHistory, index.json sound", String(fromIndex.result.incidents.length), f(fromIndex.median), f(fromIndex.min), ""],
  ["renderIncidentIndex (incidents/README.md)", String(incidents.length), f(page.median), f(page.min), ""],
  [`renderScorecard ${newest}`, String(perMonth), f(oneCard.median), f(oneCard.min), ""],
  [`renderScorecard x ${months.length} months`, String(incidents.length), f(allCards.median), f(allCards.min), ""],
  ["indexFiles (what every pipeline commit adds)", String(incidents.length), f(commit.median), f(commit.min), ""],
]);
const figures = scorecardFigures(newest, incidents);
process.stdout.write(
  `folder errors: ${fromFolders.result.errors.length}; ${newest}: ${figures.repeats.length} repeats, ${figures.duplicatesAbsorbed} duplicates absorbed, ${figures.topCauses.length} causes\n`,
);
