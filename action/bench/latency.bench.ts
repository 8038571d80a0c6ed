// The check runtime under backend latency: 40 checks over 3 rounds, every call taking 150 ms,
// against the ideal critical path (each round's checks in waves of `concurrency`). Target ratio ≤ 1.2.
import type { Hypothesis, Series, Telemetry } from "../src/model/index.js";
import { CheckSpecSchema, silentProgress } from "../src/model/index.js";
import { DEFAULT_BUDGET } from "../src/checks/runtime.js";
import { resolveChecks } from "../src/checks/template.js";
import { investigate } from "../src/reason/investigate.js";
import { problemOf } from "../test/support/problem.js";
import { printTable } from "./table.js";

const LATENCY = 150;
const NOW = Date.parse("2026-03-14T02:00:00Z");
const ONSET = NOW - 30 * 60_000;
const problem = problemOf({ incidentId: "bench", title: "bench", now: NOW, onset: ONSET, alertnames: ["Bench"] });

/** Every metric answers after LATENCY ms with a step up at the onset, so every check passes. */
const slow: Telemetry = {
  capabilities: new Set(["metrics"]),
  describe: () => "bench",
  metrics: (q) =>
    new Promise<Series[]>((resolve) =>
      setTimeout(
        () =>
          resolve([
            {
              labels: { __name__: q.name },
              points: Array.from({ length: 60 }, (_, i) => [NOW - (60 - i) * 60_000, NOW - (60 - i) * 60_000 < ONSET ? 1 : 10] as [number, number]),
            },
          ]),
        LATENCY,
      ),
    ),
  logs: () => Promise.resolve([]),
  changes: () => Promise.resolve({ commits: [], deployments: [] }),
  events: () => Promise.resolve([]),
  orchestrator: () => Promise.resolve([]),
  warehouse: () => Promise.resolve([]),
};

function hypothesis(id: string, checks: number, deeper: string[], round: number): Hypothesis {
  const specs = Array.from({ length: checks }, (_, i) =>
    CheckSpecSchema.parse({ id: `c${i}`, metric: `m_${id.replace(/-/g, "_")}_${i}`, primitive: "step_change", pass_if: { ratio: ">= 2" }, weight: "strong" }),
  );
  return {
    id,
    title: id,
    origin: "runbook",
    prior: 0.3,
    reason: "bench",
    deeper,
    round,
    checks: resolveChecks({ id, checks: specs }, problem, { pipelines: [], services: [], aliases: { metrics: {}, labels: {} } }),
  };
}

// Round 1: 4 causes × 5 checks; round 2: their 3 deeper causes × 4; round 3: 2 deepest × 4. 40 checks.
const r1 = [0, 1, 2, 3].map((i) => hypothesis(`r1-${i}`, 5, i < 3 ? [`r2-${i}`] : [], 1));
const r2 = new Map([0, 1, 2].map((i) => [`r2-${i}`, hypothesis(`r2-${i}`, 4, i < 2 ? [`r3-${i}`] : [], 2)]));
const r3 = new Map([0, 1].map((i) => [`r3-${i}`, hypothesis(`r3-${i}`, 4, [], 3)]));
const rows = [["concurrency", "checks", "rounds", "wall ms", "ideal ms", "ratio"]];
for (const concurrency of [4, DEFAULT_BUDGET.concurrency, 16]) {
  const t0 = performance.now();
  const inv = await investigate(
    problem,
    r1,
    { telemetry: slow, progress: silentProgress },
    { ...DEFAULT_BUDGET, concurrency },
    (id) => r2.get(id) ?? r3.get(id) ?? null,
  );
  const wall = performance.now() - t0;
  const waves = [20, 12, 8].reduce((sum, n) => sum + Math.ceil(n / concurrency), 0);
  const ideal = waves * LATENCY;
  rows.push([
    `${concurrency}${concurrency === DEFAULT_BUDGET.concurrency ? " (default)" : ""}`,
    String(inv.evidence.length),
    String(inv.rca.rounds),
    wall.toFixed(0),
    String(ideal),
    (wall / ideal).toFixed(2),
  ]);
}
printTable(`check runtime with ${LATENCY} ms per backend call (target ratio ≤ 1.2 at the default concurrency)`, rows);
