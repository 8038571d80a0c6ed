import type { Alert, Clock, Config, Delivery, Files, Forge, IncidentOutcome, Llm, PipelineResult, Progress, Store, Telemetry } from "../model/index.js";
import { DEFAULT_BUDGET, type Budget } from "../checks/runtime.js";
import { parseDuration } from "../model/index.js";
import { compilePatterns } from "../redact.js";
import { loadHistory } from "../memory/history.js";
import { dedupeAlerts, readAlerts, readIndex } from "../record/index.js";
import { correlator, lifecycleWindows, touchedIncidents } from "./correlate.js";
import { ingest } from "./ingest.js";
import { investigateIncident } from "./investigate.js";
import { loadMemory } from "./memory.js";
import { persist } from "./persist.js";

/** The ports one run uses. The forge is absent locally, where a fix stays a branch. */
export interface PipelinePorts {
  telemetry: Telemetry;
  store: Store;
  clock: Clock;
  progress: Progress;
  forge?: Forge;
  /** Optional: adds hypotheses and prose; never decides a verdict. */
  llm?: Llm;
}

export interface PipelineOptions {
  config: Config;
  /** knowledge/ and runbooks/ files (path → content). */
  memory: Files;
  /** More knowledge/ and runbooks/ files merged over `memory` (same id replaces): a scenario's own. */
  overlay?: Files;
  budget?: Partial<Budget>;
  /** Investigate this incident now, whatever the policy says (a manual trigger). */
  incidentId?: string;
  /** Investigate every touched incident regardless of policy (replay and eval). */
  investigateAll?: boolean;
  /** A source to force for every delivery (`--source`). */
  source?: Alert["source"];
}

/**
 * The one flow: memory → ingest → correlate → investigate (frame → reason ⇄ execute → conclude →
 * remediate) → persist (report + store). The Action, the CLI, replay and eval all call this with
 * different adapters.
 */
export async function runPipeline(deliveries: Delivery[], ports: PipelinePorts, options: PipelineOptions): Promise<PipelineResult> {
  const { config, progress } = { config: options.config, progress: ports.progress };
  const now = ports.clock.now();
  const redactPatterns = compilePatterns(config.redaction.patterns);

  progress.phase("memory");
  const memory = loadMemory(options.memory, options.overlay ?? {}, progress);

  progress.phase("ingest");
  const { alerts, unparsed } = ingest(deliveries, { config, memory, ...(options.source ? { source: options.source } : {}), redactPatterns, progress });

  progress.phase("correlate");
  const head = await ports.store.snapshot();
  const before = await readIndex(head);
  const received = new Map(deliveries.map((d) => [d.id, Date.parse(d.receivedAt)] as const).filter(([, t]) => Number.isFinite(t)));
  const correlate = correlator(alerts, { config, memory, now, received });
  const correlation = correlate(before);
  const history = await loadHistory(head, before);

  const outcomes: IncidentOutcome[] = [];
  for (const id of touchedIncidents(correlation, options.incidentId)) {
    const incident = correlation.incidents.find((i) => i.id === id)!;
    const fresh = correlation.assignments.filter((a) => a.incidentId === id && !a.duplicate).map((a) => a.alert);
    const all = dedupeAlerts([...(await readAlerts(head, incident)), ...fresh]);
    outcomes.push(
      await investigateIncident(
        incident,
        { all, fresh },
        {
          ports,
          config,
          memory,
          budget: budgetOf(config, options.budget),
          history,
          head,
          now,
          redactPatterns,
          ...(options.incidentId ? { incidentId: options.incidentId } : {}),
          ...(options.investigateAll ? { investigateAll: true } : {}),
        },
      ),
    );
  }

  progress.phase("store");
  const commit = await persist(ports.store, {
    outcomes,
    unparsed,
    alerts,
    correlation,
    correlate,
    before,
    runbooks: memory.runbooks,
    now,
    redactPatterns,
    windows: lifecycleWindows(config),
  });
  const duplicates = correlation.assignments.filter((a) => a.duplicate).length;
  return { outcomes, unparsed, alerts, duplicates, commit, memoryErrors: memory.errors, runbooks: memory.runbooks };
}

/** One investigation's limits: the policy's budgets, with a caller's overrides (tests, benchmarks). */
function budgetOf(config: Config, override: Partial<Budget> = {}): Budget {
  return {
    ...DEFAULT_BUDGET,
    concurrency: config.budgets.concurrency,
    checkTimeoutMs: parseDuration(config.budgets.check_timeout),
    totalMs: parseDuration(config.budgets.total),
    maxRounds: config.budgets.max_rounds,
    maxChecks: config.budgets.max_checks,
    ...override,
  };
}
