import type {
  Alert,
  Clock,
  Config,
  Delivery,
  Files,
  Forge,
  IncidentOutcome,
  Llm,
  PipelineResult,
  Progress,
  Severity,
  Store,
  Telemetry,
} from "../model/index.js";
import { DEFAULT_BUDGET, type Budget } from "../checks/runtime.js";
import { parseDuration } from "../model/index.js";
import { compilePatterns } from "../redact.js";
import { loadHistory } from "../memory/history.js";
import { dedupeAlerts, readAlerts, readIndex } from "../record/index.js";
import { correlator, lifecycleWindows, touchedIncidents } from "./correlate.js";
import { ingest } from "./ingest.js";
import { investigateIncident, planIncident, type IncidentPlan, type InvestigateContext } from "./investigate.js";
import { loadMemory } from "./memory.js";
import { persist, type PersistInput } from "./persist.js";

/** The ports one run uses. The forge is absent locally, where a fix stays a branch. */
export interface PipelinePorts {
  telemetry: Telemetry;
  store: Store;
  clock: Clock;
  progress: Progress;
  forge?: Forge;
  /** Optional: adds hypotheses and prose; never decides a verdict. */
  llm?: Llm;
  /**
   * The wall clock the run's deadline (`budgets.run`) is measured on; the system's by default. Apart
   * from `clock`, the investigation's time, which a replay fixes at its scenario's `now`.
   */
  wall?: Clock;
}

const SYSTEM_CLOCK: Clock = { now: () => Date.now() };

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
 * The one flow: memory → ingest → correlate → record (one commit of every alert, unparsed body and
 * incident) → investigate (frame → reason ⇄ execute → conclude → remediate), most severe first within
 * the run's cap and deadline → persist (report + store) as investigations finish. The Action, the CLI,
 * replay and eval all call this with different adapters.
 */
export async function runPipeline(deliveries: Delivery[], ports: PipelinePorts, options: PipelineOptions): Promise<PipelineResult> {
  const { config, progress } = { config: options.config, progress: ports.progress };
  const now = ports.clock.now();
  const wall = ports.wall ?? SYSTEM_CLOCK;
  const started = wall.now();
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

  const ctx: InvestigateContext = {
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
  };
  const plans: IncidentPlan[] = [];
  for (const id of touchedIncidents(correlation, options.incidentId)) {
    const incident = correlation.incidents.find((i) => i.id === id)!;
    const fresh = correlation.assignments.filter((a) => a.incidentId === id && !a.duplicate).map((a) => a.alert);
    const all = dedupeAlerts([...(await readAlerts(head, incident)), ...fresh]);
    plans.push(planIncident(incident, { all, fresh }, ctx));
  }
  const outcomes = plans.map((p) => p.outcome);
  const { queue, capped } = investigationQueue(plans, config, options.investigateAll === true);
  for (const p of capped)
    defer(p, `it was not among the ${config.investigate.max_per_run} most severe incidents this run investigates (investigate.max_per_run)`);

  // Record first: every alert, unparsed body and incident is committed before any investigation starts.
  const commits: PipelineResult["commits"] = [];
  const commitOf = (input: Pick<PersistInput, "outcomes" | "unparsed" | "alerts" | "queued">) =>
    persist(ports.store, {
      ...input,
      correlation,
      correlate,
      before,
      runbooks: memory.runbooks,
      now,
      redactPatterns,
      windows: lifecycleWindows(config),
    }).then((c) => void commits.push(c));
  progress.phase("record");
  const planned = new Map(queue.map((p) => [p, p.outcome.incident.id] as const));
  await commitOf({ outcomes, unparsed, alerts, queued: new Set(queue.map((p) => p.outcome.incident.id)) });
  if (capped.length)
    progress.info(`${capped.length} incident(s) recorded awaiting a manual trigger: investigate.max_per_run is ${config.investigate.max_per_run}`);

  // Investigate second, most severe first, within the run's deadline; each batch is committed as it finishes.
  const runMs = parseDuration(config.budgets.run);
  const deadline = started + runMs;
  // Less time than this left, an investigation would be cut short to an inconclusive end: it waits for a trigger instead.
  const least = Math.min(ctx.budget.totalMs, runMs / 10);
  const batch: IncidentOutcome[] = [];
  let lastCommit = wall.now();
  const flush = async (more: IncidentOutcome[] = []) => {
    const these = [...batch.splice(0), ...more];
    if (!these.length) return;
    progress.phase("store");
    await commitOf({ outcomes: these, unparsed: [], alerts: [] });
    lastCommit = wall.now();
  };
  const late: IncidentOutcome[] = [];
  try {
    for (const plan of queue) {
      // Alerts that landed in an incident another run has already investigated need no second investigation.
      if (plan.outcome.incident.id !== planned.get(plan) && plan.outcome.incident.investigation === "done") continue;
      const left = deadline - wall.now();
      if (left < least && !plan.manual) {
        defer(plan, `the run's time (budgets.run, ${config.budgets.run}) ran out before it was reached`);
        late.push(plan.outcome);
        continue;
      }
      await investigateIncident(plan, { ...ctx, budget: { ...ctx.budget, totalMs: Math.max(least, Math.min(ctx.budget.totalMs, left)) } });
      batch.push(plan.outcome);
      if (batch.length >= BATCH_INCIDENTS || wall.now() - lastCommit >= BATCH_MS) await flush();
    }
  } finally {
    // A failure keeps what was done: the finished investigations, and the rest awaiting a trigger.
    const unreached = queue.filter((p) => !p.outcome.investigated && !p.outcome.deferred && p.outcome.incident.investigation === "pending");
    for (const p of unreached) defer(p, "the run stopped before it was reached");
    await flush([...late, ...unreached.map((p) => p.outcome)]);
  }
  if (late.length) progress.info(`${late.length} incident(s) recorded awaiting a manual trigger: the run's deadline (budgets.run) passed`);

  const duplicates = correlation.assignments.filter((a) => a.duplicate).length;
  const commit = commits.findLast((c) => c.sha !== null) ?? { sha: null, attempts: commits.reduce((n, c) => n + c.attempts, 0) };
  return { outcomes, unparsed, alerts, duplicates, commit, commits, memoryErrors: memory.errors, runbooks: memory.runbooks };
}

/** A batch of finished investigations is committed at this many incidents, or this long after the last commit. */
const BATCH_INCIDENTS = 5;
const BATCH_MS = 15_000;

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };

/**
 * The incidents the run investigates, in order: a manual trigger's first, then the most severe, then
 * the earliest opened; at most `investigate.max_per_run` (replay and eval take them all). `capped`
 * are those the policy starts that the cap leaves for a manual trigger.
 */
export function investigationQueue(plans: IncidentPlan[], config: Config, all: boolean): { queue: IncidentPlan[]; capped: IncidentPlan[] } {
  const ordered = plans
    .filter((p) => p.investigate)
    .map((p, n) => ({ p, n }))
    .sort(
      (a, b) =>
        Number(b.p.manual) - Number(a.p.manual) ||
        SEVERITY_RANK[a.p.outcome.incident.severity] - SEVERITY_RANK[b.p.outcome.incident.severity] ||
        a.p.outcome.incident.openedAt.localeCompare(b.p.outcome.incident.openedAt) ||
        a.n - b.n,
    )
    .map(({ p }) => p);
  if (all) return { queue: ordered, capped: [] };
  const cap = config.investigate.max_per_run;
  return { queue: ordered.filter((p, n) => n < cap || p.manual), capped: ordered.filter((p, n) => n >= cap && !p.manual) };
}

/** An incident the policy starts that this run does not reach: recorded awaiting a manual trigger, with why. */
function defer(plan: IncidentPlan, why: string): void {
  plan.outcome.deferred = why;
  plan.outcome.reason = `${why}; awaiting a manual trigger`;
  if (plan.outcome.incident.investigation === "pending") plan.outcome.incident.investigation = "awaiting";
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
