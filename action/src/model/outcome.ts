import type { Alert, Unparsed } from "./alert.js";
import type { Incident } from "./incident.js";
import type { Fix, Investigation, LlmUsage } from "./investigation.js";
import type { Problem } from "./problem.js";
import type { TelemetryRecording } from "./recording.js";
import type { Runbook } from "./runbook.js";

/** A fix ready to become a branch and a pull request: the files it changes and how to present it. */
export interface FixProposal {
  kind: "config-patch" | "revert";
  cause: string;
  path: string;
  files: Record<string, string>;
  branch: string;
  title: string;
  message: string;
  /** What changes and why, for the pull request body and the report. */
  description: string;
  rollback: string;
  reversible: boolean;
  draft: boolean;
}

/** What happened to one incident in a run. */
export interface IncidentOutcome {
  incident: Incident;
  investigated: boolean;
  reason: string;
  /** The framed problem; for an incident recorded but not investigated, the facts of its alerts alone. */
  /**
   * Set when the policy starts the incident but this run did not reach it (its cap of investigations
   * or its deadline): why. The incident is recorded awaiting a manual trigger.
   */
  deferred?: string;
  problem: Problem;
  investigation: Investigation | null;
  fix: Fix | null;
  proposal: FixProposal | null;
  reportPath: string;
  /** Prose an LLM wrote from the verified findings, when one is configured. */
  narrative: string | null;
  llm: LlmUsage | null;
  /** What the investigation read from telemetry (evidence/telemetry.json), when it ran. */
  recording?: TelemetryRecording;
}

/** What one run of the pipeline did. */
export interface PipelineResult {
  outcomes: IncidentOutcome[];
  unparsed: Unparsed[];
  alerts: Alert[];
  duplicates: number;
  commit: { sha: string | null; attempts: number };
  /** Problems with knowledge/ or runbooks/ files; the run went on without the broken files. */
  memoryErrors: string[];
  /** The run's last commit that landed (sha null when nothing changed); `commits` has every one. */
  /** The runbooks the run used (the built-in ones with the repository's over them), for eval's baselines. */
  /**
   * Every commit of the run in order: the record of its alerts and incidents first, then the
   * investigations as they finish (a commit whose content was already there has sha null).
   */
  commits?: Array<{ sha: string | null; attempts: number }>;
  runbooks: Runbook[];
}
