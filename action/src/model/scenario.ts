import { z } from "zod";
import { TimestampSchema } from "./alert.js";
import { DurationSchema } from "./runbook.js";
import { CommitSchema, DeploymentSchema, EventSchema, LabelsSchema, LogLineSchema, OrchestratorRecordSchema } from "./telemetry.js";

/**
 * Replay scenario format, version 1 (docs/scenario-format.md). A contract: unknown fields are
 * ignored (loose objects), every documented field is accepted.
 */

const Value = z.number().nullable();

export const ScenarioSeriesSchema = z.union([
  z.looseObject({
    labels: LabelsSchema,
    start: TimestampSchema,
    step: DurationSchema,
    values: z.array(Value),
  }),
  z.looseObject({
    labels: LabelsSchema,
    samples: z.array(z.tuple([TimestampSchema, Value])),
  }),
]);
export type ScenarioSeries = z.infer<typeof ScenarioSeriesSchema>;

export const MetricsFileSchema = z.looseObject({ series: z.array(ScenarioSeriesSchema).default([]) });
export const ChangesFileSchema = z.looseObject({
  commits: z.array(CommitSchema).default([]),
  deployments: z.array(DeploymentSchema).default([]),
});
export const EventsFileSchema = z.looseObject({ events: z.array(EventSchema).default([]) });
export const OrchestratorFileSchema = z.looseObject({
  dag_runs: z.array(OrchestratorRecordSchema).default([]),
  task_instances: z.array(OrchestratorRecordSchema).default([]),
  import_errors: z.array(OrchestratorRecordSchema).default([]),
  pools: z.array(OrchestratorRecordSchema).default([]),
});
export const WarehouseFileSchema = z.looseObject({
  schemas: z.array(z.looseObject({ at: TimestampSchema, table: z.string(), columns: z.record(z.string(), z.string()) })).default([]),
  query_errors: z.array(OrchestratorRecordSchema).default([]),
  tables: z.array(OrchestratorRecordSchema).default([]),
});

export const ScenarioTelemetrySchema = z.object({
  metrics: MetricsFileSchema.default({ series: [] }),
  logs: z.array(LogLineSchema).default([]),
  changes: ChangesFileSchema.default({ commits: [], deployments: [] }),
  events: EventsFileSchema.default({ events: [] }),
  orchestrator: OrchestratorFileSchema.default({ dag_runs: [], task_instances: [], import_errors: [], pools: [] }),
  warehouse: WarehouseFileSchema.default({ schemas: [], query_errors: [], tables: [] }),
});
export type ScenarioTelemetry = z.infer<typeof ScenarioTelemetrySchema>;

export const ScenarioFileSchema = z.looseObject({
  version: z.literal(1),
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "kebab-case id equal to the folder name"),
  title: z.string().default(""),
  now: TimestampSchema,
  tags: z.array(z.string()).default([]),
  deliver: z.array(z.looseObject({ file: z.string(), at: TimestampSchema })).default([]),
  expect: z.looseObject({
    root_cause: z.string().min(1),
    acceptable: z.array(z.string()).default([]),
    not: z.array(z.string()).default([]),
    incidents: z.number().int().positive().default(1),
    pipelines: z.array(z.string()).optional(),
    onset: TimestampSchema.optional(),
    fix: z.looseObject({ kind: z.enum(["config-patch", "revert", "none"]), path: z.string().optional() }).optional(),
  }),
});
export type ScenarioFile = z.infer<typeof ScenarioFileSchema>;

/** A scenario folder, loaded. */
export interface Scenario {
  dir: string;
  meta: ScenarioFile;
  alerts: Array<{ file: string; body: string; headers: Record<string, string>; at: string }>;
  telemetry: ScenarioTelemetry;
  /** Relative path → content, for knowledge/, runbooks/, repo/ and history/. */
  knowledge: Record<string, string>;
  runbooks: Record<string, string>;
  repo: Record<string, string>;
  history: Record<string, string>;
}
