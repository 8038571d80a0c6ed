import { z } from "zod";
import { TimestampSchema, type Alert } from "./alert.js";

/**
 * The raw data shapes every telemetry adapter returns. They mirror docs/scenario-format.md so that
 * a replayed scenario and a live backend hand the primitives identical data.
 */

export const LabelsSchema = z.record(z.string(), z.string());
export type Labels = z.infer<typeof LabelsSchema>;

/** A metric series as points (epoch milliseconds, value); null marks a missing sample. */
export interface Series {
  labels: Labels;
  points: Array<[number, number | null]>;
}

export const LogLineSchema = z.object({ ts: TimestampSchema, labels: LabelsSchema.default({}), line: z.string() });
export type LogLine = z.infer<typeof LogLineSchema>;

export const ChangedFileSchema = z.looseObject({
  path: z.string(),
  status: z.string().default("modified"),
  patch: z.string().optional(),
});

export const CommitSchema = z.looseObject({
  repo: z.string().default(""),
  sha: z.string(),
  at: TimestampSchema,
  author: z.string().default(""),
  message: z.string().default(""),
  files: z.array(ChangedFileSchema).default([]),
});
export type Commit = z.infer<typeof CommitSchema>;

export const DeploymentSchema = z.looseObject({
  repo: z.string().default(""),
  service: z.string().default(""),
  environment: z.string().default(""),
  ref: z.string().default(""),
  sha: z.string().default(""),
  at: TimestampSchema,
  status: z.string().default("success"),
});
export type Deployment = z.infer<typeof DeploymentSchema>;

export const EventSchema = z.looseObject({
  at: TimestampSchema,
  kind: z.string(),
  labels: LabelsSchema.default({}),
  message: z.string().default(""),
});
export type TelemetryEvent = z.infer<typeof EventSchema>;

/** Airflow REST objects keep Airflow's own field names; we only require what we read. */
export const OrchestratorRecordSchema = z.record(z.string(), z.unknown());
export type OrchestratorRecord = z.infer<typeof OrchestratorRecordSchema>;

/**
 * A field of a loosely typed object (an Airflow object, a warehouse row, a record's fields) as text:
 * a string as it is, a number, boolean or bigint written out, absent or null as "", and an object or
 * array as its JSON (never "[object Object]", which would make any two objects read the same).
 */
export function fieldText(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  return JSON.stringify(value) ?? "";
}

export const OrchestratorKindSchema = z.enum(["dag_runs", "task_instances", "import_errors", "pools"]);
export type OrchestratorKind = z.infer<typeof OrchestratorKindSchema>;

export const WarehouseKindSchema = z.enum(["schemas", "query_errors", "tables"]);
export type WarehouseKind = z.infer<typeof WarehouseKindSchema>;

/** A label matcher of a metric selector; `value` is data, escaped by the adapter that renders it. */
export interface Matcher {
  label: string;
  op: "=" | "!=" | "=~" | "!~";
  value: string;
  /**
   * A scope from the alert (its cluster, namespace, environment): the check runner keeps it only
   * where the metric's series carry that label with that value, and drops it otherwise.
   */
  optional?: boolean;
}

export interface TimeRange {
  /** Epoch milliseconds. */
  start: number;
  end: number;
}

export interface MetricQuery extends TimeRange {
  name: string;
  matchers: Matcher[];
  /** Preferred resolution in milliseconds; adapters may pick a coarser one within their limits. */
  stepMs: number;
}

export interface LogQuery extends TimeRange {
  /** Stream selector: label equality only (values escaped by the adapter). */
  selector: Labels;
  /**
   * Only these streams (label sets discovery found, each combined with `selector`): how a runbook's
   * "any stream whose labels name the scheduler" reaches an adapter as concrete selectors.
   */
  streams?: Labels[];
  /** Other values of a selector label's subject (the runner uses the first the streams carry); adapters ignore it. */
  alternatives?: Record<string, string[]>;
  /**
   * A regular expression from a runbook (trusted text), never from an alert; or discovery's
   * alternation of names it looks for, each escaped to match literally.
   */
  pattern?: string;
  limit: number;
}

export interface ChangeQuery extends TimeRange {
  repos?: string[];
}

export interface EventQuery extends TimeRange {
  kinds?: string[];
}

/** Discovery: the series any of these selectors match (a union, as Prometheus' repeated `match[]`). */
export interface SeriesQuery extends TimeRange {
  selectors: Matcher[][];
  /** At most this many label sets. */
  limit: number;
}

/** Discovery: the log streams (label sets) in a range, optionally narrowed by label equality. */
export interface StreamQuery extends TimeRange {
  selector: Labels;
  limit: number;
}

export interface RecordQuery<K> extends TimeRange {
  kind: K;
}

export interface Changes {
  commits: Commit[];
  deployments: Deployment[];
}

/** What a telemetry backend can answer; an absent capability makes a check inconclusive. */
export type Capability = "metrics" | "logs" | "changes" | "events" | "orchestrator" | "warehouse" | "alerts";

/** The incident's own alerts as a source of evidence: their titles, annotations and labels (exception text, a callback's error). */
export interface AlertQuery extends TimeRange {
  /** Always the incident's alerts; the range is kept for the runner's uniform handling. */
  incident: true;
}

/** The telemetry port: every adapter (replay, Prometheus, Loki, Airflow, GitHub, PostgreSQL) implements part of it. */
export interface Telemetry {
  readonly capabilities: ReadonlySet<Capability>;
  /** Describes a query the way its backend would see it (PromQL, LogQL, SQL); kept as evidence. */
  describe(kind: Capability, query: MetricQuery | LogQuery | ChangeQuery | EventQuery | RecordQuery<string> | AlertQuery): string;
  metrics(query: MetricQuery, signal: AbortSignal): Promise<Series[]>;
  logs(query: LogQuery, signal: AbortSignal): Promise<LogLine[]>;
  changes(query: ChangeQuery, signal: AbortSignal): Promise<Changes>;
  events(query: EventQuery, signal: AbortSignal): Promise<TelemetryEvent[]>;
  orchestrator(query: RecordQuery<OrchestratorKind>, signal: AbortSignal): Promise<OrchestratorRecord[]>;
  warehouse(query: RecordQuery<WarehouseKind>, signal: AbortSignal): Promise<OrchestratorRecord[]>;
  /** The incident's own alerts (optional; the pipeline adds it): what the alert itself says is evidence too. */
  alerts?(query: AlertQuery, signal: AbortSignal): Promise<Alert[]>;
  /** Discovery (optional): label sets of the series matching selectors, without samples (Prometheus `/api/v1/series`). */
  series?(query: SeriesQuery, signal: AbortSignal): Promise<Labels[]>;
  /** Discovery (optional): label sets of the log streams in a range (Loki `/loki/api/v1/series`). */
  streams?(query: StreamQuery, signal: AbortSignal): Promise<Labels[]>;
}

/**
 * Words the PromQL lexer reads as keywords, numbers or aggregators (case-insensitively): as a bare
 * metric name they would change the expression's shape, so such a name is selected through
 * `__name__` instead.
 */
export const PROMQL_RESERVED = new Set([
  "and",
  "or",
  "unless",
  "atan2",
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "bool",
  "offset",
  "inf",
  "nan",
  "start",
  "end",
  "step",
  "sum",
  "avg",
  "count",
  "min",
  "max",
  "group",
  "stddev",
  "stdvar",
  "topk",
  "bottomk",
  "count_values",
  "quantile",
  "limitk",
  "limit_ratio",
]);
