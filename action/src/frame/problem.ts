import type { Alert, Changes, Incident, Pipeline, Problem, SimilarIncident, Telemetry, TimelineEntry } from "../model/index.js";
import { resolveSubjects, subjectComponents } from "../subjects/resolve.js";

/** How far before the onset framing looks for changes. */
const CHANGE_LOOKBACK_MS = 24 * 3_600_000;

/** Labels every firing alert agrees on (all alerts when none fire). */
export function commonLabels(alerts: Alert[]): Record<string, string> {
  const pool = alerts.some((a) => a.status === "firing") ? alerts.filter((a) => a.status === "firing") : alerts;
  const [first, ...rest] = pool;
  if (!first) return {};
  return Object.fromEntries(Object.entries(first.labels).filter(([k, v]) => rest.every((a) => a.labels[k] === v)));
}

/**
 * The alert names of an incident: each alert's rule name, and for a notification relayed through
 * PagerDuty, Opsgenie or a chat tool with Alertmanager's default title (`[FIRING:2] RuleName (group
 * label values)`), the rule name inside it as well.
 */
export function alertNames(alerts: Alert[]): string[] {
  const names = new Set<string>();
  for (const a of alerts) {
    const name = a.labels.alertname ?? a.title;
    if (!name) continue;
    names.add(name);
    const relayed = /^\[(?:FIRING|RESOLVED)(?::\d+)?\]\s+([A-Za-z_:][A-Za-z0-9_:.-]*)/.exec(name);
    if (relayed) names.add(relayed[1]!);
  }
  return [...names];
}

/** An SLA as Airflow's callback writes it (a timedelta: `0:30:00`, `1 day, 2:00:00`) or as seconds; null when it is neither. */
export function slaMs(text: string | undefined): number | null {
  if (!text) return null;
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  const m = /^(?:(\d+) days?, )?(\d+):(\d{2}):(\d{2})(?:\.\d+)?$/.exec(t);
  if (!m) return null;
  return (((Number(m[1] ?? 0) * 24 + Number(m[2])) * 60 + Number(m[3])) * 60 + Number(m[4])) * 1000;
}

/**
 * The onset: the earliest start among firing alerts (or all alerts), or null when no alert gives
 * one. An SLA miss starts when the SLA was missed, but the run it is about was late from its start:
 * the SLA before the miss.
 */
export function onsetOf(alerts: Alert[]): number | null {
  const pool = alerts.some((a) => a.status === "firing") ? alerts.filter((a) => a.status === "firing") : alerts;
  const times = pool.flatMap((a) => (a.startsAt ? [Date.parse(a.startsAt) - (slaMs(a.annotations.sla) ?? 0)] : [])).filter(Number.isFinite);
  return times.length ? Math.min(...times) : null;
}

/** The timeline: alerts, resolutions, commits and deployments in time order. */
export function timeline(alerts: Alert[], changes: Changes): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  for (const a of alerts) {
    const name = a.labels.alertname ?? a.title;
    if (a.startsAt) out.push({ at: a.startsAt, kind: "alert", text: `${name} fired (${a.severity})` });
    if (a.status === "resolved" && a.endsAt) out.push({ at: a.endsAt, kind: "resolved", text: `${name} resolved` });
  }
  for (const c of changes.commits) {
    out.push({ at: c.at, kind: "commit", text: `${c.sha.slice(0, 7)} in ${c.repo}: ${c.message.split("\n")[0] ?? ""}` });
  }
  for (const d of changes.deployments) {
    out.push({ at: d.at, kind: "deployment", text: `${d.service || d.repo} ${d.ref} to ${d.environment} (${d.status})` });
  }
  return out.sort((a, b) => a.at.localeCompare(b.at));
}

/**
 * Frames the problem from facts only: what fired and since when, which pipelines and their
 * neighbours, recent changes and similar past incidents. It never guesses a cause.
 */
export async function frame(input: {
  incident: Incident;
  alerts: Alert[];
  pipelinesOf: (alert: Alert) => Pipeline[];
  neighbours: (pipelineId: string) => { upstream: string[]; downstream: string[] };
  similar: SimilarIncident[];
  telemetry: Telemetry;
  now: number;
}): Promise<Problem> {
  const { incident, alerts } = input;
  const onset = onsetOf(alerts);
  const pipelines = new Map<string, Pipeline>();
  for (const a of alerts) for (const p of input.pipelinesOf(a)) pipelines.set(p.id, p);
  const impacted = [...pipelines.values()];
  const upstream = new Set<string>();
  const downstream = new Set<string>();
  for (const p of impacted) {
    const n = input.neighbours(p.id);
    n.upstream.forEach((x) => upstream.add(x));
    n.downstream.forEach((x) => downstream.add(x));
  }
  let changes: Changes = { commits: [], deployments: [] };
  let changesRead: NonNullable<Problem["changesRead"]> = "no-source";
  if (input.telemetry.capabilities.has("changes")) {
    const start = (onset ?? input.now) - CHANGE_LOOKBACK_MS;
    try {
      changes = await input.telemetry.changes({ start, end: input.now }, AbortSignal.timeout(10_000));
      changesRead = "read";
    } catch {
      // Framing states facts; an unreachable change source is reported by the checks that need it.
      changesRead = "unreachable";
    }
  }
  const alertnames = alertNames(alerts);
  const labels = commonLabels(alerts);
  const { subjects, metrics, mentions } = resolveSubjects({ alerts, labels, pipelines: impacted });
  return {
    incidentId: incident.id,
    title: incident.title,
    now: input.now,
    onset,
    alerts,
    alertnames,
    labels,
    pipelines: impacted,
    upstream: [...upstream].filter((u) => !pipelines.has(u)),
    downstream: [...downstream].filter((d) => !pipelines.has(d)),
    components: [...new Set([...impacted.flatMap((p) => p.components.map((c) => c.kind)), ...subjectComponents(subjects)])],
    subjects,
    metrics,
    mentions,
    changes,
    changesRead,
    similar: input.similar,
    timeline: timeline(alerts, changes),
  };
}

/**
 * The facts of an incident that is recorded but not investigated (awaiting a trigger): what fired
 * and when, from its alerts alone; no lineage, changes or history are looked up for it.
 */
export function unframedProblem(incident: Incident, alerts: Alert[], now: number): Problem {
  const labels = commonLabels(alerts);
  const { subjects, metrics } = resolveSubjects({ alerts, labels, pipelines: [] });
  return {
    incidentId: incident.id,
    title: incident.title,
    now,
    onset: onsetOf(alerts),
    alerts,
    alertnames: incident.alertnames,
    labels,
    pipelines: [],
    upstream: [],
    downstream: [],
    components: subjectComponents(subjects),
    subjects,
    metrics,
    changes: { commits: [], deployments: [] },
    changesRead: "not-looked-up",
    similar: [],
    timeline: timeline(alerts, { commits: [], deployments: [] }),
  };
}
