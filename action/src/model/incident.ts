import { z } from "zod";
import { SeveritySchema, TimestampSchema } from "./alert.js";

export const IncidentStatusSchema = z.enum(["open", "resolved"]);

/** An incident id: the day it opened, then lower-case kebab words; never a path of its own. */
export const IncidentIdSchema = z.string().regex(/^[0-9]{4}-[0-9]{2}-[0-9]{2}-[a-z0-9-]+$/);

/** One incident's entry in incidents/index.json: the state correlation reads. */
export const IncidentSchema = z.object({
  id: IncidentIdSchema,
  /** The folder, relative to the repository root. */
  path: z.string(),
  title: z.string(),
  status: IncidentStatusSchema,
  /** `awaiting`: recorded, waiting for a manual trigger; `done`: investigated. */
  investigation: z.enum(["pending", "awaiting", "done"]),
  severity: SeveritySchema,
  pipelines: z.array(z.string()).default([]),
  fingerprints: z.array(z.string()).default([]),
  alertnames: z.array(z.string()).default([]),
  /** Alert ids already recorded, so a re-delivery changes nothing. */
  alerts: z.array(z.string()).default([]),
  /** Fingerprints whose latest alert is resolved. */
  resolvedFingerprints: z.array(z.string()).default([]),
  deliveries: z.array(z.string()).default([]),
  openedAt: TimestampSchema,
  updatedAt: TimestampSchema,
  resolvedAt: TimestampSchema.nullable().default(null),
  /**
   * The cause as review left it: Pipemedic's (status confirmed, likely, inconclusive), or a merged fix's
   * `confirmed-by-review`, or a person's `corrected-by-review` (feedback.actual_root_cause), which keeps
   * the cause Pipemedic had named in `named`.
   */
  rootCause: z.object({ id: z.string(), confidence: z.number(), status: z.string(), named: z.string().optional() }).nullable().default(null),
  /** When the run that investigated it started: time to root cause is counted from openedAt to this. Absent before it was recorded. */
  investigatedAt: TimestampSchema.nullable().optional(),
  groupingReasons: z.array(z.string()).default([]),
  duplicates: z.number().int().nonnegative().default(0),
  /**
   * What later alerts of the same problem share with this one (ingest/grouping.ts): its rules on their
   * labels, vendor notification groups, entity names, and hashes of entity-like words of its text.
   */
  groupKeys: z.array(z.string()).optional(),
  /**
   * The closed incident this one recurs after: a firing alert of its fingerprint came once it had
   * closed (resolved past the reopen window, or quiet past the quiet period; ingest/correlate.ts).
   */
  recurrenceOf: IncidentIdSchema.optional(),
  /**
   * Alerts that claimed a start after their delivery's receive time (beyond clock skew) and were placed
   * at the receive time instead: how many, the furthest claimed start, and the first placement.
   */
  startClamped: z.object({ alerts: z.number().int().positive(), claimed: TimestampSchema, placed: TimestampSchema }).optional(),
});
export type Incident = z.infer<typeof IncidentSchema>;

/** The policy's windows that decide when an incident closes (see ingest/correlate.ts `closesAt`). */
export interface LifecycleWindows {
  reopenWindowMs: number;
  /** Default: 24 hours. */
  quietPeriodMs?: number;
}

/**
 * A body kept under incidents/_unparsed/, as the index lists it: the file, why no source read it, and
 * whether it was cut to fit (`truncated`: its length and what was kept, in characters).
 */
export const UnparsedEntrySchema = z.object({
  path: z.string(),
  delivery: z.string(),
  receivedAt: z.string(),
  reason: z.string(),
  /** Alerts were inferred from it (investigated all the same); the body waits for a generic mapping. */
  inferred: z.boolean().optional(),
  truncated: z.object({ length: z.number().int().nonnegative(), kept: z.number().int().nonnegative() }).optional(),
});
export type UnparsedEntry = z.infer<typeof UnparsedEntrySchema>;

export const IncidentIndexSchema = z.object({
  version: z.literal(1),
  incidents: z.array(IncidentSchema),
  /** The bodies kept under incidents/_unparsed/, newest first (optional: indexes written before it have none). */
  unparsed: z.array(UnparsedEntrySchema).optional(),
});
export type IncidentIndex = z.infer<typeof IncidentIndexSchema>;
