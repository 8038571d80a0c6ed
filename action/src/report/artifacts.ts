import type { Pattern } from "../patterns.js";
import type { LlmUsage, Alert, Evidence, Fix, Incident, Investigation, Problem } from "../model/index.js";
import { RECORDING_FILE, type TelemetryRecording } from "../model/recording.js";
import { serializeAlerts } from "../record/alerts.js";
import type { RecordedFix } from "../record/frontmatter.js";
import { ALERTS_FILE, README_FILE } from "../record/paths.js";
import { redact, redactValue } from "../redact.js";
import { evidenceFiles } from "./evidence-files.js";
import { buildHypotheses } from "./markdown/hypotheses.js";
import { buildPlan } from "./markdown/plan.js";
import { buildProblem } from "./markdown/problem.js";
import { buildReadme } from "./markdown/readme.js";
import { toMarkdown } from "./markdown/serialize.js";

/** A runbook as the report needs it: its title, its repository file and its prose. */
export interface RunbookRef {
  title: string;
  file: string;
  body: string;
}

/** Everything one incident folder is built from. */
export interface ReportInput {
  incident: Incident;
  problem: Problem;
  /** Null when the incident was recorded but not investigated (it awaits a manual trigger). */
  investigation: Investigation | null;
  fix: Fix | null;
  /**
   * The fix an earlier investigation of the incident recorded (its README's frontmatter, `recordedFix`):
   * still the incident's fix when this run proposes none.
   */
  recordedFix?: RecordedFix | null;
  alerts: Alert[];
  /** Runbooks by id, for titles, links and the "how to confirm by hand" section. */
  runbooks: Record<string, RunbookRef>;
  /** A link or path that shows a repository path to a person (the store's `linkTo`). */
  link: (repoPath: string) => string;
  /** Prose an LLM wrote from the verified findings only; rendered inert and labelled as such. */
  narrative?: string | null;
  /** The incident's LLM use, when an LLM is configured. */
  llm?: LlmUsage | null;
  /** Why a run that would have investigated the incident did not reach it (its cap or its deadline). */
  deferred?: string;
}

/** What an investigation read from telemetry, written as evidence/telemetry.json for replay (pipemedic export). */
export interface RecordingInput {
  recording?: TelemetryRecording | null;
}

/** A report input whose text has been redacted, with each evidence record's file. */
export interface PreparedInput extends ReportInput, RecordingInput {
  evidenceFile: Map<Evidence, string>;
}

/** Redacts every string of the input once, before any Markdown escaping could split a secret. */
export function prepareInput(input: ReportInput & RecordingInput, patterns: Pattern[] = []): PreparedInput {
  const { link, ...data } = input;
  const safe = redactValue(data, patterns);
  return { ...safe, link, evidenceFile: evidenceFiles(safe.investigation?.evidence ?? []) };
}

/**
 * Every file of an incident folder, by path relative to the folder: README.md (the RCA), problem.md,
 * plan.md, hypotheses.md, evidence/*.json and alerts.jsonl. Redaction runs on the input first and on
 * every file's content last.
 */
export function buildIncidentFiles(input: ReportInput & RecordingInput, opts: { redactPatterns?: Pattern[] } = {}): Record<string, string> {
  const patterns = opts.redactPatterns ?? [];
  const prepared = prepareInput(input, patterns);
  const files: Record<string, string> = {
    [README_FILE]: toMarkdown(buildReadme(prepared)),
    "problem.md": toMarkdown(buildProblem(prepared)),
  };
  if (prepared.investigation) {
    files["plan.md"] = toMarkdown(buildPlan(prepared));
    files["hypotheses.md"] = toMarkdown(buildHypotheses(prepared));
    for (const [e, path] of prepared.evidenceFile) files[path] = `${JSON.stringify(e, null, 2)}\n`;
    if (prepared.recording) files[RECORDING_FILE] = recordingJson(prepared.recording);
  }
  files[ALERTS_FILE] = serializeAlerts(prepared.alerts);
  return Object.fromEntries(Object.entries(files).map(([path, content]) => [path, redact(content, patterns)]));
}

/**
 * The recording as JSON with one record per line (a series with its samples, a log line, a commit):
 * readable, diffable, and a fraction of the size of fully indented JSON.
 */
export function recordingJson(recording: TelemetryRecording): string {
  const value = (v: unknown, indent: string): string => {
    if (Array.isArray(v)) return v.length ? `[\n${v.map((x) => `${indent}  ${JSON.stringify(x)}`).join(",\n")}\n${indent}]` : "[]";
    if (v && typeof v === "object") {
      const entries = Object.entries(v);
      return entries.length ? `{\n${entries.map(([k, x]) => `${indent}  ${JSON.stringify(k)}: ${value(x, `${indent}  `)}`).join(",\n")}\n${indent}}` : "{}";
    }
    return JSON.stringify(v);
  };
  return `${value(recording, "")}\n`;
}
