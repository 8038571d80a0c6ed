import type { CheckSpec, Series } from "../../model/index.js";

/** What every primitive knows besides its data. */
export interface PrimitiveContext {
  spec: CheckSpec;
  /** Epoch ms. */
  start: number;
  end: number;
  onset: number | null;
}

/** One measurement: the numbers pass_if compares, and for which series or records. */
export interface Measurement {
  subject: string;
  observed: Record<string, number>;
}

/** A primitive over metric series. Returns no measurement when the data cannot say anything. */
export interface SeriesPrimitive {
  input: "series";
  measure(series: Series[], ctx: PrimitiveContext): Measurement[] | { noData: string };
}

/** A record: a log line, an event, a change, an orchestrator or warehouse object, made uniform. */
export interface TelemetryRecord {
  at: number | null;
  /** The text a `match` pattern is tested against. */
  text: string;
  fields: Record<string, unknown>;
  /** A short human label for timelines and findings. */
  label: string;
  ref?: string;
  repo?: string;
  files?: string[];
}

/** A primitive over records. */
export interface RecordPrimitive {
  input: "records";
  measure(records: TelemetryRecord[], ctx: PrimitiveContext): { measurement: Measurement; matched: TelemetryRecord[] } | { noData: string };
}

export type PrimitiveImpl = SeriesPrimitive | RecordPrimitive;
