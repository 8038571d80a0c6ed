import { z } from "zod";

/** The sources Pipemedic understands; `generic` uses a field mapping from policy, `unparsed` marks a rejected body. */
export const SourceSchema = z.enum(["alertmanager", "grafana", "datadog", "sentry", "pagerduty", "opsgenie", "cloudwatch", "airflow", "dbt-cloud", "generic"]);
export type Source = z.infer<typeof SourceSchema>;

/** A closed severity scale; each source's words map onto it (see ingest/severity.ts). */
export const SeveritySchema = z.enum(["critical", "high", "medium", "low", "info"]);
export type Severity = z.infer<typeof SeveritySchema>;

export const AlertStatusSchema = z.enum(["firing", "resolved"]);
export type AlertStatus = z.infer<typeof AlertStatusSchema>;

/** RFC 3339 timestamp with a zone. */
export const TimestampSchema = z.iso.datetime({ offset: true });

/** One normalized alert, whatever the source. */
export const AlertSchema = z.object({
  /** Stable id of this alert occurrence: source + fingerprint + startsAt, hashed. */
  id: z.string().min(1),
  source: SourceSchema,
  title: z.string(),
  severity: SeveritySchema,
  status: AlertStatusSchema,
  environment: z.string().nullable().default(null),
  /** Identity of the alerting condition across deliveries; equal fingerprints belong to one incident. */
  fingerprint: z.string().min(1),
  /** True when the source gave no fingerprint and Pipemedic computed one from the labels. */
  fingerprintComputed: z.boolean().default(false),
  labels: z.record(z.string(), z.string()).default({}),
  annotations: z.record(z.string(), z.string()).default({}),
  startsAt: TimestampSchema.nullable(),
  endsAt: TimestampSchema.nullable().default(null),
  links: z.array(z.object({ title: z.string(), url: z.string() })).default([]),
  pipeline: z.string().nullable().default(null),
  service: z.string().nullable().default(null),
  /** Where the raw payload lives (a scenario file, a delivery id); never the payload itself. */
  raw: z.object({ delivery: z.string(), index: z.number().int().nonnegative() }),
  /**
   * Present only when no source recognized the body and the alert was read from fields that look
   * like an alert's (ingest/sources/inferred.ts); `fields` are the paths read, from the body's root
   * (`alerts[2].severity`, `context.dag_id`). The body is also kept under incidents/_unparsed/ so a
   * human can write a `generic:` mapping for it.
   */
  inferred: z.object({ fields: z.array(z.string()) }).optional(),
});
export type Alert = z.infer<typeof AlertSchema>;

/** One webhook body as received, before any parsing. */
export interface Delivery {
  /** Unique id of the delivery (dispatch id, file name, hash of the body). Re-delivery keeps it. */
  id: string;
  body: string;
  headers: Record<string, string>;
  /** A hint such as a file name's `<source>`; detection never depends on it. */
  sourceHint?: string;
  receivedAt: string;
}

/**
 * A body no adapter accepted; recorded under incidents/_unparsed/ with its reason. A body whose
 * alerts were inferred is recorded too (they are investigated all the same), with `inferred` set.
 */
export interface Unparsed {
  delivery: string;
  reason: string;
  /** Set when alerts were inferred from the body: how many, and the fields read (relative to each entry of `list`, when the body held a list). */
  inferred?: { alerts: number; fields: string[]; list: string | null };
  receivedAt: string;
  /** The redacted body, cut to a safe size. */
  body: string;
  /** Set when the body was cut to that size: its length and what was kept, in characters. */
  truncated?: { length: number; kept: number };
}
