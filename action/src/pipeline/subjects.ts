import type { Problem, Progress, Telemetry } from "../model/index.js";
import { discoverSubjects } from "../subjects/discover.js";
import { subjectComponents } from "../subjects/resolve.js";

/** Discovery gets this long; what it has not found by then stays unknown (and the report says so). */
const DISCOVERY_TIMEOUT_MS = 15_000;

/**
 * Stage 4a, subjects: the entities the framed problem already names (knowledge, the alert) plus
 * those discovery finds in the telemetry, each with its provenance, before any check runs.
 */
export async function resolveSubjectsStage(problem: Problem, telemetry: Telemetry, progress: Progress): Promise<Problem> {
  const subjects = await discoverSubjects(problem, telemetry, AbortSignal.timeout(DISCOVERY_TIMEOUT_MS));
  const lines = Object.entries(subjects).map(([key, values]) => `${key}=${values.map((v) => `${v.value} (${v.origin})`).join(", ")}`);
  progress.info(lines.length ? `subjects: ${lines.join("; ")}` : "subjects: none named by knowledge, the alert or the telemetry");
  // A name the alert only mentioned, once the telemetry says what it is, involves its component too.
  return { ...problem, subjects, components: [...new Set([...problem.components, ...subjectComponents(subjects)])] };
}
