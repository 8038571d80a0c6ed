// LLM prompt size per investigation: every scenario of the golden suite is replayed through the one
// pipeline (real ingest, framing and checks), then the LLM tasks run against the OpenAI-compatible
// stub, which reports prompt_tokens as request characters / 4. Prints input and output tokens per
// investigation and the median. Target: a median of at most 12,000 input tokens.
import { fileURLToPath } from "node:url";
import type { Alert, Investigation, Problem } from "../src/model/index.js";
import { replayScenario, projectMemory } from "../src/eval/replay.js";
import { findScenarioDirs } from "../src/telemetry/replay/load.js";
import { replayTelemetry } from "../src/telemetry/replay/telemetry.js";
import { createLlm, DEFAULT_LLM_BUDGET, estimateTokens, PROPOSALS_SYSTEM, proposeHypotheses, writeNarrative } from "../src/llm/index.js";
import { startOpenAiStub } from "../test/support/openai-stub.js";
import { printTable } from "./table.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const TARGET = 12_000;

interface Case {
  name: string;
  problem: Problem;
  investigation: Investigation | null;
  capabilities: string[];
}

/** A plausible reply: two hypotheses of three checks, about what a real model writes. */
const PROPOSALS_REPLY = {
  proposals: [0, 1].map((i) => ({
    id: `bench-cause-${i}`,
    title: "A dependency of the consumer became slow",
    prior: 0.15,
    rationale: "The lag began without a change in the produce rate, and the consumer calls a remote service for every record.",
    checks: [
      {
        id: "latency-step",
        metric: 'probe_duration_seconds{target=~"{{pipeline.dependency.name}}.*"}',
        primitive: "step_change",
        anchor: "onset",
        pass_if: { ratio: ">= 3" },
        weight: "strong",
      },
      {
        id: "timeout-logs",
        logs: { service: "{{pipeline.service}}" },
        match: "ReadTimeout|timed out",
        primitive: "count",
        window: "1h",
        pass_if: { count: ">= 5" },
      },
      {
        id: "rate-flat",
        metric: 'kafka_topic_partition_current_offset{topic="{{pipeline.kafka.topic}}"}',
        rate: true,
        aggregate: "sum",
        primitive: "step_change",
        anchor: "onset",
        pass_if: { ratio: "< 1.5" },
        role: "confirm",
      },
    ],
  })),
};
const NARRATIVE_REPLY = {
  narrative:
    "Consumer lag on the orders stream rose from about 2,000 to 180,000 messages after 19:14. The produce rate more than doubled at the same time while consumer throughput stayed flat, which supports a traffic spike as the likely cause. Checks for a slow dependency and for a rebalance storm failed. Whether a campaign was announced could not be checked because no events source is configured.",
};

/** An alert storm: the stress case, outside the median. */
function storm(base: Problem): Problem {
  const long = "org.apache.kafka.common.errors.TimeoutException: Expiring 42 record(s) for orders.v1-3: 120000 ms has passed since batch creation ".repeat(20);
  const alerts: Alert[] = Array.from({ length: 300 }, (_, i) => ({
    ...(base.alerts[0] as Alert),
    id: `storm-${i}`,
    title: `KafkaConsumerGroupLag partition ${i % 12}`,
    labels: { ...base.alerts[0]?.labels, partition: String(i % 12), pod: `orders-enricher-${i}` },
    annotations: { description: long, summary: long.slice(0, 400) },
  }));
  return {
    ...base,
    alerts,
    changes: {
      commits: Array.from({ length: 120 }, (_, i) => ({
        repo: "shopfront/orders-enricher",
        sha: `${i}`.padStart(40, "c"),
        at: "2026-02-10T18:00:00Z",
        author: "dev",
        message: `chore: bump dependency ${i}\n\n${long}`,
        files: Array.from({ length: 30 }, (_, j) => ({ path: `src/module-${j}.py`, status: "modified" })),
      })),
      deployments: base.changes.deployments,
    },
    timeline: Array.from({ length: 400 }, (_, i) => ({ at: "2026-02-10T19:00:00Z", kind: "alert" as const, text: `${i}: ${long.slice(0, 300)}` })),
  };
}

async function scenarioCases(): Promise<Case[]> {
  const memory = await projectMemory(ROOT);
  const cases: Case[] = [];
  for (const dir of await findScenarioDirs(`${ROOT}action/scenarios`)) {
    try {
      const run = await replayScenario(dir, { projectRoot: ROOT, memory });
      const capabilities = [...replayTelemetry(run.scenario.telemetry).capabilities];
      for (const o of run.result.outcomes) {
        if (o.problem) cases.push({ name: run.scenario.meta.id, problem: o.problem, investigation: o.investigation, capabilities });
      }
    } catch (err) {
      process.stdout.write(`skipped ${dir}: ${(err as Error).message.slice(0, 120)}\n`);
    }
  }
  return cases;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : Math.round((s[m - 1]! + s[m]!) / 2);
};

const memory = await projectMemory(ROOT);
const catalogue = Object.keys(memory)
  .filter((p) => p.startsWith("runbooks/") && p.endsWith(".md"))
  .map((p) => p.slice("runbooks/".length, -3));
const cases = await scenarioCases();
if (!cases.length) throw new Error("no scenario could be replayed; nothing to measure");

const stub = await startOpenAiStub();
stub.respondWith((req) => {
  const system = (req.json?.messages as Array<{ content: string }> | undefined)?.[0]?.content ?? "";
  return { json: system === PROPOSALS_SYSTEM ? PROPOSALS_REPLY : NARRATIVE_REPLY };
});

const rows = [["investigation", "alerts", "commits", "proposals in", "narrative in", "input", "output", "calls", "degraded"]];
const inputs: number[] = [];
const measure = async (c: Case, counted: boolean) => {
  const llm = createLlm({ baseURL: stub.baseURL, apiKey: "bench-key", model: "stub-model", budget: DEFAULT_LLM_BUDGET })!;
  const proposals = await proposeHypotheses(llm, c.problem, {
    knownCauseIds: catalogue,
    capabilities: c.capabilities,
    existing: c.investigation?.hypotheses.map((h) => h.id) ?? [],
  });
  const afterProposals = proposals.usage.input_tokens;
  await writeNarrative(llm, {
    summary: `${c.problem.title}: ${c.problem.alertnames.join(", ")} on ${c.problem.pipelines.map((p) => p.id).join(", ") || "no known pipeline"}`,
    findings: c.investigation?.evidence.map((e) => ({ key: e.key, verdict: e.verdict, finding: e.finding })) ?? [],
    rca: c.investigation?.rca ?? {
      conclusion: "inconclusive",
      rootCause: "unknown",
      confidence: 0,
      ranked: [],
      chain: [],
      gaps: [],
      rounds: 0,
      checksRun: 0,
      budgetExhausted: false,
    },
  });
  const u = llm.usage();
  if (counted) inputs.push(u.input_tokens);
  rows.push([
    c.name,
    String(c.problem.alerts.length),
    String(c.problem.changes.commits.length),
    String(afterProposals),
    String(u.input_tokens - afterProposals),
    String(u.input_tokens),
    String(u.output_tokens),
    String(u.calls),
    String(u.degraded),
  ]);
};
for (const c of cases) await measure(c, true);
await measure({ ...cases[0]!, name: "(stress) alert storm, not in the median", problem: storm(cases[0]!.problem) }, false);
await stub.close();

printTable("LLM tokens per investigation (stub: prompt_tokens = request characters / 4)", rows);
const m = median(inputs);
process.stdout.write(
  `\nmedian input tokens per investigation: ${m} (target <= ${TARGET}: ${m <= TARGET ? "met" : "NOT MET"}) over ${inputs.length} investigations\n` +
    `stable system prefix (cacheable): about ${estimateTokens(PROPOSALS_SYSTEM)} tokens of each proposals request\n`,
);
if (stub.violations.length) process.stdout.write(`stub violations: ${stub.violations.join("; ")}\n`);
