import type { Pattern } from "../patterns.js";
import type { Alert, Files, IncidentOutcome, LifecycleWindows, Runbook, Snapshot, Store, Unparsed } from "../model/index.js";
import { unframedProblem } from "../frame/problem.js";
import type { Correlation } from "../ingest/correlate.js";
import {
  dedupeAlerts,
  incidentFiles,
  indexFiles,
  mergeUnparsed,
  readAlerts,
  readIndexFile,
  serializeAlerts,
  unparsedFiles,
  unparsedPath,
} from "../record/index.js";
import { keptRecord, parseIncidentFrontmatter, recordedFix, updateFrontmatter } from "../record/index.js";
import { buildIncidentFiles } from "../report/artifacts.js";
import { redact } from "../redact.js";
import type { Correlator } from "./correlate.js";

/**
 * What one commit of the persist stage writes: some of the run's outcomes (all of them in the commit
 * that records the run, then each investigation as it finishes), the unparsed bodies, and how the run
 * correlated.
 */
export interface PersistInput {
  outcomes: IncidentOutcome[];
  unparsed: Unparsed[];
  /** The run's alerts, named in the commit message of the commit that records them; empty in later commits. */
  alerts: Alert[];
  /**
   * Ids of the incidents this run is about to investigate: recorded as they are (a new one stays
   * `pending`) instead of `awaiting`, because a later commit of this run writes their investigation.
   */
  queued?: ReadonlySet<string>;
  /** The correlation the run investigated on, and how to redo it on another state of the index. */
  correlation: Correlation;
  correlate: Correlator;
  /** The index the run read; a commit attempt on the same state reuses `correlation`. */
  before: { updatedAt: string }[];
  runbooks: Runbook[];
  now: number;
  redactPatterns: Pattern[];
  /** The policy's windows, for the incident index page (incidents closed by the quiet period). */
  windows?: LifecycleWindows;
}

/**
 * Stage 5, persist: one compare-and-swap commit of the given outcomes' incident folders (their alerts
 * and report), the unparsed bodies and the index with its scorecard. A run calls it first with every
 * incident it touched, before any investigation (so a job killed later keeps every alert), then with
 * each batch of finished investigations; every commit rewrites the index from the state it lands on.
 * The files are rebuilt on every attempt, because another run may have landed first: alerts follow
 * the incident they landed in, a human's feedback survives. In a commit after the run's first, its
 * alerts are already recorded: correlation on that state finds them where they landed.
 */
export async function persist(store: Store, input: PersistInput): Promise<{ sha: string | null; attempts: number }> {
  const { outcomes, correlation } = input;
  // What the run decided, kept apart from the incidents a rebuild may replace.
  const decided = outcomes.map((o) => ({
    id: o.incident.id,
    rootCause: o.incident.rootCause,
    investigatedAt: o.incident.investigatedAt ?? null,
    fresh: new Set(correlation.assignments.filter((a) => a.incidentId === o.incident.id && !a.duplicate).map((a) => a.alert.id)),
    queued: input.queued?.has(o.incident.id) === true,
  }));
  return store.commit(commitMessage(outcomes, input.alerts.length, input.unparsed.length), async (current) => {
    const { incidents: state, unparsed: listed } = await readIndexFile(current);
    const same = state.length === input.before.length && state.every((s, i) => s.updatedAt === input.before[i]!.updatedAt);
    const redo = same ? correlation : input.correlate(state);
    const files: Files = {};
    // Evidence files come from buildIncidentFiles, whose last step redacts every file: the largest files
    // of a folder (every telemetry answer an investigation read) are not redacted a second time.
    const redacted = new Set<string>();
    for (const [n, o] of outcomes.entries()) {
      const { id, rootCause, investigatedAt, fresh, queued } = decided[n]!;
      // Another run may have opened the incident these alerts belong to: follow them to where they landed.
      const landed = redo.assignments.find((a) => fresh.has(a.alert.id))?.incidentId ?? id;
      const target = redo.incidents.find((i) => i.id === landed) ?? o.incident;
      const investigatedElsewhere = landed !== id && target.investigation === "done";
      const ours = o.investigated && !investigatedElsewhere;
      if (ours) {
        target.investigation = "done";
        target.rootCause = rootCause;
        if (investigatedAt) target.investigatedAt = investigatedAt;
      } else if (target.investigation === "pending" && !queued) {
        target.investigation = "awaiting";
      }
      o.incident = target;
      o.reportPath = incidentFiles.readme(target);
      const alerts = dedupeAlerts([...(await readAlerts(current, target)), ...redo.assignments.filter((a) => a.incidentId === target.id).map((a) => a.alert)]);
      const folder = await incidentFolder(current, o, alerts, ours, { ...input, link: (p) => store.linkTo(p) });
      Object.assign(files, folder);
      for (const p of Object.keys(folder)) if (p.startsWith(`${target.path}/evidence/`)) redacted.add(p);
      files[incidentFiles.alerts(target)] = serializeAlerts(alerts);
    }
    for (const u of input.unparsed) files[unparsedPath(u)] = `${JSON.stringify(u, null, 2)}\n`;
    if (!Object.keys(files).length && redo.touched.length === 0) return null;
    // The index lists the kept bodies (first on its page), those of earlier runs whose file is still there included.
    const unparsed = mergeUnparsed(listed, input.unparsed, await unparsedFiles(current));
    Object.assign(files, indexFiles(redo.incidents, input.redactPatterns, undefined, input.windows, unparsed));
    return Object.fromEntries(Object.entries(files).map(([p, c]) => [p, redacted.has(p) ? c : redact(c, input.redactPatterns)]));
  });
}

/**
 * The incident's report files: written in full when this run investigated it, or it has none yet, or
 * it has only the stub of a run that meant to investigate it (`pending`); else only its status.
 */
async function incidentFolder(
  current: Snapshot,
  o: IncidentOutcome,
  alerts: Alert[],
  ours: boolean,
  input: PersistInput & { link: (path: string) => string },
): Promise<Files> {
  const target = o.incident;
  const readmePath = incidentFiles.readme(target);
  const previous = await current.read(readmePath);
  if (!ours && previous && !isPendingStub(previous))
    return { [readmePath]: updateFrontmatter(previous, { status: target.status, resolved_at: target.resolvedAt }) };
  const built = buildIncidentFiles(
    {
      incident: target,
      problem: ours ? o.problem : unframedProblem(target, alerts, input.now),
      investigation: o.investigation,
      fix: o.fix,
      // A re-investigation that proposes no fix leaves the incident's recorded one in place (its pull request stands).
      recordedFix: previous ? recordedFix(previous) : null,
      alerts,
      runbooks: Object.fromEntries(input.runbooks.map((rb) => [rb.id, { title: rb.title, file: rb.file, body: rb.body }])),
      link: input.link,
      narrative: o.narrative,
      llm: o.llm,
      ...(ours && o.recording ? { recording: o.recording } : {}),
      ...(o.deferred && !ours ? { deferred: o.deferred } : {}),
    },
    { redactPatterns: input.redactPatterns },
  );
  const files: Files = Object.fromEntries(Object.entries(built).map(([p, c]) => [`${target.path}/${p}`, c]));
  // A re-investigation adds and updates: a human's correction and the opening time outlive it.
  const kept = previous ? keptRecord(previous, files[readmePath]!) : {};
  if (Object.keys(kept).length) files[readmePath] = updateFrontmatter(files[readmePath]!, kept);
  return files;
}

/** Whether a README is the stub a run wrote before investigating the incident (a run stopped before it finished leaves it). */
function isPendingStub(readme: string): boolean {
  try {
    return parseIncidentFrontmatter(readme).investigation === "pending";
  } catch {
    return false;
  }
}

/** `pipemedic: incident X: 3 alert(s)` for the commit that records a run, `pipemedic: incident X: investigated` for a later one. */
function commitMessage(outcomes: IncidentOutcome[], alerts: number, unparsed: number): string {
  const head = outcomes.length === 1 ? `incident ${outcomes[0]!.incident.id}` : `${outcomes.length} incidents`;
  const what = alerts || unparsed || !outcomes.some((o) => o.investigated) ? `${alerts} alert(s)${unparsed ? `, ${unparsed} unparsed` : ""}` : "investigated";
  const causes = outcomes
    .filter((o) => o.investigation)
    .map((o) => `- ${o.incident.id}: ${o.investigation!.rca.rootCause} (${o.investigation!.rca.conclusion}, ${o.investigation!.rca.confidence})`);
  return [`pipemedic: ${head}: ${what}`, "", ...causes].join("\n");
}
