import type { Alert } from "./alert.js";
import type { Commit, Deployment } from "./telemetry.js";
import type { Pipeline } from "./knowledge.js";
import type { Subjects } from "./subjects.js";

/** One line of the problem's timeline. */
export interface TimelineEntry {
  at: string;
  kind: "alert" | "resolved" | "commit" | "deployment" | "event" | "finding";
  text: string;
}

/** A past incident that resembles this one. */
export interface SimilarIncident {
  id: string;
  path: string;
  rootCause: string | null;
  /** Review vouched for the cause: a merged fix, or a person's correction. */
  confirmed: boolean;
  /** The cause is a person's correction (feedback.actual_root_cause), not the one Pipemedic named. */
  corrected?: boolean;
  reason: string;
}

/** The framed problem: facts only, no guesses. */
export interface Problem {
  incidentId: string;
  title: string;
  /** The investigation clock (epoch ms). */
  now: number;
  /** When the problem began: the earliest firing alert's start (epoch ms), if any alert gave one. */
  onset: number | null;
  alerts: Alert[];
  alertnames: string[];
  /** Labels every firing alert agrees on. */
  labels: Record<string, string>;
  pipelines: Pipeline[];
  upstream: string[];
  downstream: string[];
  components: string[];
  /** The entities the investigation is about, with provenance (knowledge, the alert, discovery). */
  subjects: Subjects;
  /** Metric names the alert is about (from its expression or query), when the source says. */
  metrics: string[];
  /** Identifier-like words the alerts' titles and summaries mention without naming their kind; discovery resolves them. */
  mentions?: string[];
  changes: { commits: Commit[]; deployments: Deployment[] };
  /**
   * Whether `changes` was read: `read` (empty means none happened), `no-source` (no change source is
   * configured, so nothing is known), `unreachable` (the source failed), `not-looked-up` (the incident
   * was not framed). Absent means read, as in records written before it existed.
   */
  changesRead?: "read" | "no-source" | "unreachable" | "not-looked-up";
  similar: SimilarIncident[];
  timeline: TimelineEntry[];
}
