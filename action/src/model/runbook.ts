import { z } from "zod";
import { OrchestratorKindSchema, WarehouseKindSchema } from "./telemetry.js";

const DURATION = /^-?(\d+)(ms|s|m|h|d)$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A duration such as `30s`, `5m`, `2h`, `1d`; a leading `-` (a lookback) is accepted and ignored. */
export const DurationSchema = z.string().regex(DURATION, 'expected a duration such as "30s", "5m", "2h"');

/** Milliseconds of a duration such as `30s`, `2h` or `-1h` (a lookback's sign is ignored); null when it is not one. */
export function durationMs(text: string): number | null {
  const m = DURATION.exec(text.trim());
  return m ? Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS] : null;
}

/** Milliseconds of a duration that must be one (a parsed policy, runbook or scenario field); throws otherwise. */
export function parseDuration(text: string): number {
  const ms = durationMs(text);
  if (ms === null) throw new Error(`expected a duration such as "5m" or "2h", got "${text}"`);
  return ms;
}

/** A comparison such as ">= 3", "< 0.5", "== 0". */
export const ComparisonSchema = z
  .union([z.string(), z.number()])
  .transform((v) => String(v).trim())
  .pipe(z.string().regex(/^(>=|<=|==|!=|>|<)\s*-?\d+(\.\d+)?$/, 'expected a comparison such as ">= 3"'));

export const PrimitiveSchema = z.enum(["threshold", "step_change", "oscillation", "growth", "skew", "count", "change_in_window", "schema_diff"]);
export type Primitive = z.infer<typeof PrimitiveSchema>;

export const WeightSchema = z.enum(["strong", "moderate", "weak"]);
export type Weight = z.infer<typeof WeightSchema>;

const TemplatedMap = z.record(z.string(), z.string());

/** Filters on record fields: equality, or one of a list. Values may be templates. */
const WhereSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]));

/** One check of a runbook, as written. Exactly one data source: metric, logs, changes, events, orchestrator, warehouse. */
export const CheckSpecSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "kebab-case id"),
    title: z.string().optional(),
    /** A metric selector `name{label="value", …}`; values may hold `{{templates}}`. No functions, no operators. */
    metric: z.string().optional(),
    /** Per-second rate of a counter (resets handled) before the primitive sees it. */
    rate: z.boolean().default(false),
    /** Combine series point by point before the primitive; `none` keeps every series. */
    aggregate: z.enum(["none", "sum", "max", "min", "avg"]).default("none"),
    /** A log stream selector (label equality); values may be templates. */
    logs: TemplatedMap.optional(),
    changes: z
      .object({
        kind: z.enum(["commits", "deployments", "any"]).default("any"),
        /** Globs; a commit counts when it touches one of them. */
        paths: z.array(z.string()).default([]),
        /** Only changes to the impacted pipelines (their paths, services or repositories). */
        scope: z.enum(["pipeline", "any"]).default("any"),
      })
      .optional(),
    events: z.object({ kind: z.string(), labels: TemplatedMap.default({}) }).optional(),
    orchestrator: z.object({ kind: OrchestratorKindSchema, where: WhereSchema.default({}) }).optional(),
    warehouse: z.object({ kind: WarehouseKindSchema, where: WhereSchema.default({}) }).optional(),
    /** The incident's own alerts (titles, annotations, labels: a callback's exception, a vendor's message), read with `match`. */
    alert: z.object({}).strict().optional(),
    /**
     * A signature: a cheap log, event or alert match that is this cause's fingerprint. Signatures of
     * every runbook are swept over the incident's window (against a baseline before the onset), and a
     * runbook whose signature holds is investigated even when no alert name or metric led to it.
     * Default: a confirming `count` over logs, events or alerts with a `match` or an event kind.
     */
    signature: z.boolean().optional(),
    /** A regular expression matched against log lines, messages and stack traces. */
    match: z.string().optional(),
    primitive: PrimitiveSchema,
    /** For record primitives over orchestrator or warehouse records: the numeric field to test. */
    field: z.string().optional(),
    /** How far back from the anchor the data goes. */
    window: DurationSchema.default("2h"),
    /** `now` (the investigation clock) or `onset` (the problem's onset). */
    anchor: z.enum(["now", "onset"]).default("now"),
    /** Reduction for threshold: the value of the series that is compared. */
    reduce: z.enum(["last", "max", "min", "avg"]).default("last"),
    /** With several series: pass when any series passes, or only when all do. */
    across: z.enum(["any", "all"]).default("any"),
    pass_if: z.record(z.string(), ComparisonSchema),
    weight: WeightSchema.default("moderate"),
    /** `confirm`: passing supports the cause. `rule_out`: passing is evidence against it. */
    role: z.enum(["confirm", "rule_out"]).default("confirm"),
    /**
     * false for one of several alternative signs of a cause (an upstream run that failed, or one that
     * ran late): passing supports it, failing says nothing either way.
     */
    necessary: z.boolean().default(true),
  })
  .superRefine((c, ctx) => {
    const sources = ["metric", "logs", "changes", "events", "orchestrator", "warehouse", "alert"].filter((k) => c[k as keyof typeof c] !== undefined);
    if (sources.length !== 1) {
      ctx.addIssue({
        code: "custom",
        message: `a check reads exactly one of metric, logs, changes, events, orchestrator, warehouse, alert; got ${sources.length ? sources.join(", ") : "none"}`,
      });
    }
  });
export type CheckSpec = z.infer<typeof CheckSpecSchema>;

export const RemediationSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("config-patch"),
    /** A path template such as `{{pipeline.config.consumer}}`. */
    path: z.string(),
    /** Keys to set; dotted keys address nested maps unless the key itself exists with dots. */
    set: z.record(z.string(), z.unknown()),
    reversible: z.boolean().default(true),
    description: z.string().optional(),
  }),
  z.object({
    kind: z.literal("revert"),
    /** Which change to revert: the one the named check found. */
    from_check: z.string(),
    reversible: z.boolean().default(true),
    description: z.string().optional(),
  }),
  z.object({ kind: z.literal("none"), description: z.string().optional() }),
]);
export type Remediation = z.infer<typeof RemediationSchema>;

/** A runbook's YAML frontmatter. */
export const RunbookSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "kebab-case catalogue id"),
  title: z.string().min(1),
  applies_to: z.object({
    /** Globs over alert names (the `alertname` label, or the title). */
    alerts: z.array(z.string()).default([]),
    /** Component kinds of the impacted pipelines, or of the subjects the alert names (kafka, airflow, dbt, …). */
    components: z.array(z.string()).default([]),
    /** Globs over the metric names the alert is about (its PromQL expression, its query). */
    metrics: z.array(z.string()).default([]),
  }),
  /** Prior probability before evidence, 0..1. */
  prior: z.number().min(0).max(1).default(0.1),
  /** Causes that often sit beneath this one; investigated when this one gains support. */
  deeper: z.array(z.string()).default([]),
  checks: z.array(CheckSpecSchema).min(1),
  remediation: RemediationSchema.optional(),
});
export type RunbookMeta = z.infer<typeof RunbookSchema>;

/** A runbook with its prose and where it came from. */
export interface Runbook extends RunbookMeta {
  file: string;
  body: string;
}
