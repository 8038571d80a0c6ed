import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { Delivery, Incident } from "../../src/model/index.js";
import { ConfigSchema, silentProgress } from "../../src/model/index.js";
import { runPipeline } from "../../src/pipeline/index.js";
import { MemoryStore } from "../../src/store/memory.js";
import { combineTelemetry } from "../../src/telemetry/combine.js";
import { alertmanagerNotification } from "../support/payloads.js";

const T0 = Date.parse("2026-03-14T01:00:00Z");
const PROBLEMS = ["orders-streaming", "payments-ledger", "clickstream-ingest", "inventory-sync", "finance-marts"];
const memory = {
  ...Object.fromEntries(PROBLEMS.map((p) => [`knowledge/pipelines/${p}.md`, `---\nid: ${p}\ncomponents: [{kind: kafka, consumer_group: ${p}-group}]\n---\n`])),
};

/** One Alertmanager notification: a problem's alert, firing or resolved, on one of its partitions. */
function delivery(problem: number, n: number): Delivery {
  const status = n % 10 === 9 ? ("resolved" as const) : ("firing" as const);
  const group = `${PROBLEMS[problem]}-group`;
  const body = alertmanagerNotification({
    status,
    labels: { alertname: n % 2 ? "KafkaConsumerLagHigh" : "KafkaConsumerLagRising", consumergroup: group, partition: String(n % 6), severity: "warning" },
    annotations: { summary: `lag on ${group}` },
    startsAt: new Date(T0 + problem * 60_000 + n * 1000).toISOString(),
    endsAt: status === "resolved" ? new Date(T0 + 3_600_000).toISOString() : "0001-01-01T00:00:00Z",
    fingerprint: `${problem}-${n % 6}-${n % 2}`,
  });
  return { id: `d-${problem}-${n}`, body: JSON.stringify(body), headers: {}, receivedAt: new Date(T0 + 600_000).toISOString() };
}

describe("an alert storm through the pipeline, one run per delivery", () => {
  // Two orders of 540 pipeline runs each (a commit of the index per run): measured 12 s on a quiet
  // 2-core machine, 26 s beside another test file, 77 s with other suites running; 240 s carries that.
  it("500 alerts from 5 problems in random order, with re-deliveries and resolutions, give 5 incidents recording all 500", { timeout: 240_000 }, async () => {
    const all = PROBLEMS.flatMap((_, p) => Array.from({ length: 100 }, (_, n) => delivery(p, n)));
    const config = ConfigSchema.parse({ investigate: { auto: [] } }); // record only: nothing matches, so every incident awaits a trigger
    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }), fc.integer({ min: 1, max: 40 }), async (order, dupes) => {
        const store = new MemoryStore();
        const ports = { telemetry: combineTelemetry([]), store, clock: { now: () => T0 + 3_600_000 }, progress: silentProgress };
        for (const d of [...order, ...order.slice(0, dupes)]) await runPipeline([d], ports, { config, memory });
        const index = JSON.parse(store.get("incidents/index.json")!) as { incidents: Incident[] };
        const recorded = new Set(index.incidents.flatMap((i) => i.alerts));
        const lines = index.incidents.flatMap((i) => store.get(`${i.path}/alerts.jsonl`)!.trim().split("\n"));
        expect(index.incidents).toHaveLength(5);
        expect(recorded.size).toBe(500);
        expect(lines).toHaveLength(500);
        expect(index.incidents.every((i) => i.investigation === "awaiting")).toBe(true);
        expect(store.get("incidents/README.md")).toMatch(/awaiting/i);
      }),
      { numRuns: 2 },
    );
  });
});
