import { z } from "zod";
import { TimestampSchema } from "./alert.js";
import { ChangesFileSchema, EventsFileSchema, OrchestratorFileSchema, WarehouseFileSchema } from "./scenario.js";
import { LabelsSchema, LogLineSchema } from "./telemetry.js";

/**
 * What an investigation read from telemetry, kept in the incident folder as `evidence/telemetry.json`
 * so the incident can be replayed (`pipemedic export` turns it into a scenario, format v1). It holds
 * the backends' answers as they came (series samples before any rate or aggregation, whole log
 * lines, change, event, orchestrator and warehouse records), each once however many checks read it,
 * and the label sets discovery found with the windows it looked at. Redacted like every file of the
 * folder.
 */

export const RECORDING_FILE = "evidence/telemetry.json";

const Value = z.number().nullable();
const MatcherSchema = z.looseObject({ label: z.string(), op: z.enum(["=", "!=", "=~", "!~"]), value: z.string() });
const Range = z.tuple([TimestampSchema, TimestampSchema]);

export const RecordedSeriesSchema = z.looseObject({
  labels: LabelsSchema,
  /** The points the backend returned, from every query that read this series (time order, each time once). */
  samples: z.array(z.tuple([TimestampSchema, Value])),
});

/** A label set discovery returned (a series or a log stream), with the windows in which it was found. */
export const DiscoveredSchema = z.looseObject({ labels: LabelsSchema, ranges: z.array(Range).default([]) });

export const TelemetryRecordingSchema = z.looseObject({
  version: z.literal(1),
  /** The investigation's clock. */
  now: TimestampSchema,
  /** The kinds of telemetry the run could read (a kind absent here made its checks inconclusive). */
  capabilities: z.array(z.string()).default([]),
  metrics: z.looseObject({ series: z.array(RecordedSeriesSchema).default([]) }).prefault({}),
  logs: z.array(LogLineSchema).default([]),
  changes: ChangesFileSchema.prefault({}),
  events: EventsFileSchema.prefault({}),
  orchestrator: OrchestratorFileSchema.prefault({}),
  warehouse: WarehouseFileSchema.prefault({}),
  discovered: z
    .looseObject({
      series: z.array(DiscoveredSchema).default([]),
      streams: z.array(DiscoveredSchema).default([]),
      /** Every discovery query: where a label set was not found matters as much as where it was. */
      queries: z
        .looseObject({
          series: z.array(z.looseObject({ selectors: z.array(z.array(MatcherSchema)), range: Range, cut: z.boolean().default(false) })).default([]),
          streams: z.array(z.looseObject({ selector: LabelsSchema, range: Range, cut: z.boolean().default(false) })).default([]),
        })
        .prefault({}),
    })
    .prefault({}),
});
export type TelemetryRecording = z.infer<typeof TelemetryRecordingSchema>;
