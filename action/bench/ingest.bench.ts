// Ingest and correlate throughput: 100,000 alerts (Alertmanager bodies of 10 alerts each) against
// 10,000 open incidents. Target: at least 50,000 alerts per second.
import type { Alert, Incident } from "../src/model/index.js";
import { correlate } from "../src/ingest/correlate.js";
import { normalize } from "../src/ingest/normalize.js";
import { printTable } from "./table.js";

const OPEN = 10_000;
const ALERTS = 100_000;
const PER_BODY = 10;
const T0 = Date.parse("2026-03-14T00:00:00Z");

function body(batch: number): string {
  const alerts = Array.from({ length: PER_BODY }, (_, i) => {
    const n = batch * PER_BODY + i;
    const problem = n % (OPEN * 2); // half join open incidents, half open new ones
    return {
      status: n % 11 === 0 ? "resolved" : "firing",
      labels: { alertname: `Lag${problem % 50}`, pipeline: `p-${problem}`, severity: "critical", partition: String(n % 7) },
      annotations: { summary: `lag on p-${problem}` },
      startsAt: new Date(T0 + (n % 3600) * 1000).toISOString(),
      endsAt: "0001-01-01T00:00:00Z",
      generatorURL: "http://prometheus.example/graph",
      fingerprint: `fp${problem.toString(16)}`,
    };
  });
  return JSON.stringify({
    version: "4",
    groupKey: `{}:{batch="${batch}"}`,
    status: "firing",
    receiver: "pipemedic",
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: "http://am.example",
    alerts,
  });
}

function openIncidents(): Incident[] {
  return Array.from({ length: OPEN }, (_, i) => {
    const at = new Date(T0 + (i % 3600) * 1000).toISOString();
    return {
      id: `2026-03-14-p-${i}-0000`,
      path: `incidents/2026/03/2026-03-14-p-${i}-0000`,
      title: `p-${i}`,
      status: "open",
      investigation: "done",
      severity: "high",
      pipelines: [`p-${i}`],
      fingerprints: [`fp${i.toString(16)}`],
      alertnames: [`Lag${i % 50}`],
      alerts: [`seed-${i}`],
      resolvedFingerprints: [],
      deliveries: [],
      openedAt: at,
      updatedAt: at,
      resolvedAt: null,
      rootCause: null,
      groupingReasons: [],
      duplicates: 0,
    } satisfies Incident;
  });
}

const bodies = Array.from({ length: ALERTS / PER_BODY }, (_, b) => body(b));
const state = openIncidents();
const heapBefore = process.memoryUsage().heapUsed;

const t0 = performance.now();
const alerts: Alert[] = [];
for (const [i, b] of bodies.entries()) {
  const out = normalize({ id: `d${i}`, body: b, headers: {}, receivedAt: new Date(T0 + 3_600_000).toISOString() });
  if (!out.ok) throw new Error(out.reason);
  alerts.push(...out.alerts);
}
const t1 = performance.now();
const result = correlate(state, alerts, {
  now: T0 + 3_600_000,
  groupWindowMs: 30 * 60_000,
  reopenWindowMs: 2 * 3_600_000,
  pipelinesOf: (a) => (a.pipeline ? [a.pipeline] : []),
  neighboursOf: () => [],
});
const t2 = performance.now();
const heapAfter = process.memoryUsage().heapUsed;

const recorded = new Set(result.incidents.flatMap((i) => i.alerts)).size - OPEN;
printTable("ingest + correlate: 100,000 alerts against 10,000 open incidents", [
  ["phase", "ms", "alerts/s"],
  ["normalize", (t1 - t0).toFixed(0), Math.round(ALERTS / ((t1 - t0) / 1000)).toLocaleString("en-US")],
  ["correlate", (t2 - t1).toFixed(0), Math.round(ALERTS / ((t2 - t1) / 1000)).toLocaleString("en-US")],
  ["total", (t2 - t0).toFixed(0), Math.round(ALERTS / ((t2 - t0) / 1000)).toLocaleString("en-US")],
]);
printTable("result", [
  ["incidents", "alerts recorded", "duplicates", "heap growth MiB", "target"],
  [
    String(result.incidents.length),
    String(recorded),
    String(result.assignments.filter((a) => a.duplicate).length),
    ((heapAfter - heapBefore) / 2 ** 20).toFixed(0),
    ">= 50,000 alerts/s total",
  ],
]);
