import { PASS_IF_KEYS as RUNBOOK_PASS_IF_KEYS } from "../../memory/runbooks.js";
import { OrchestratorKindSchema, PrimitiveSchema, WarehouseKindSchema, type Capability, type Primitive } from "../../model/index.js";

/**
 * The closed check vocabulary an LLM proposal may use, derived from the model so that the prompt and
 * the validation follow the runtime. The `Record<Primitive, …>` types make a new primitive a compile
 * error here until the LLM is told what it measures.
 */

/** The data source keys of a check and the telemetry capability each needs. */
export const DATA_SOURCES = {
  metric: "metrics",
  logs: "logs",
  changes: "changes",
  events: "events",
  orchestrator: "orchestrator",
  warehouse: "warehouse",
} as const satisfies Record<string, Capability>;
export type DataSource = keyof typeof DATA_SOURCES;

/** The pass_if keys each primitive may compare: the runbook linter's list, so an LLM check can say no more than a runbook. */
export const PASS_IF_KEYS: Readonly<Record<Primitive, readonly string[]>> = RUNBOOK_PASS_IF_KEYS;

/** What a primitive measures, in one line for the prompt. */
export const PRIMITIVE_MEANING: Record<Primitive, string> = {
  threshold: "metric: the series reduced by `reduce` (last|max|min|avg); orchestrator/warehouse records with `field`: that numeric field, reduced the same way",
  step_change: "metric: median before the onset vs from the onset on",
  oscillation: "metric: direction reversals in the window",
  growth: "metric: share of rising steps, increase and last/first ratio",
  skew: "metric with several series: the largest series' share of the sum after the onset",
  count: "records (logs with `match`, events, orchestrator, warehouse) in the window",
  change_in_window: "changes (commits, deployments) before the onset; window looks back from the onset",
  schema_diff: "warehouse `schemas` snapshots: columns removed or added",
};

/** Which data sources each primitive reads: a series primitive on logs would only ever be inconclusive. */
export const PRIMITIVE_SOURCES: Record<Primitive, readonly DataSource[]> = {
  threshold: ["metric", "orchestrator", "warehouse"],
  step_change: ["metric"],
  oscillation: ["metric"],
  growth: ["metric"],
  skew: ["metric"],
  count: ["logs", "events", "orchestrator", "warehouse", "changes"],
  change_in_window: ["changes", "events"],
  schema_diff: ["warehouse"],
};

export const PRIMITIVES: readonly Primitive[] = PrimitiveSchema.options;
export const ORCHESTRATOR_KINDS: readonly string[] = OrchestratorKindSchema.options;
export const WAREHOUSE_KINDS: readonly string[] = WarehouseKindSchema.options;

/** The longest lookback a proposed check may read: a week is plenty, and bounds the query cost. */
export const MAX_WINDOW_MS = 7 * 86_400_000;

/** Most checks one proposal may carry. */
export const MAX_CHECKS = 6;
