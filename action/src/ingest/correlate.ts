import { createHash } from "node:crypto";
import type { Alert, Incident, Severity } from "../model/index.js";
import { incidentPath } from "../record/paths.js";

/** What correlation needs to know beyond the alerts: lineage and windows. */
export interface CorrelateOptions {
  /** Epoch ms of this run. */
  now: number;
  groupWindowMs: number;
  reopenWindowMs: number;
  /** Impacted pipeline ids of an alert (from labels and knowledge). */
  pipelinesOf(alert: Alert): string[];
  /** The lineage neighbours (upstream and downstream) of a pipeline. */
  neighboursOf(pipeline: string): string[];
}

export interface Assignment {
  alert: Alert;
  incidentId: string;
  reason: string;
  duplicate: boolean;
}

export interface Correlation {
  /** Every incident, updated; new ones appended. */
  incidents: Incident[];
  assignments: Assignment[];
  /** Ids of incidents this batch created or changed. */
  touched: string[];
}

const SEVERITY_ORDER: Severity[] = ["critical", "high", "medium", "low", "info"];

/** The more severe of two severities. */
function worst(a: Severity, b: Severity): Severity {
  return SEVERITY_ORDER.indexOf(a) <= SEVERITY_ORDER.indexOf(b) ? a : b;
}

/** Lower-case kebab text that can never traverse a path. */
export function slug(text: string, max = 40): string {
  const s = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, max)
    .replace(/-+$/g, "");
  return s || "incident";
}

/** A deterministic incident id: the day it opened, what it is about, and a hash of its first fingerprint. */
export function incidentIdFor(alert: Alert, pipeline: string | undefined, at: number): string {
  const day = new Date(at).toISOString().slice(0, 10);
  const about = slug(pipeline ?? alert.labels.alertname ?? alert.title, 32);
  const h = createHash("sha256").update(alert.fingerprint).digest("hex").slice(0, 4);
  return `${day}-${about}-${h}`;
}

function alertTime(a: Alert, fallback: number): number {
  const t = a.startsAt ? Date.parse(a.startsAt) : NaN;
  return Number.isFinite(t) ? t : fallback;
}

/**
 * Attaches alerts to incidents: the same fingerprint joins its incident; another fingerprint on the
 * same pipeline or a lineage neighbour within the group window joins too, with the reason recorded;
 * anything else opens an incident. An alert id already recorded is a duplicate and changes nothing.
 * Pure: the same state and alerts always give the same result.
 */
export function correlate(state: Incident[], alerts: Alert[], opts: CorrelateOptions): Correlation {
  const incidents = state.map((i) => ({ ...i, alerts: [...i.alerts], fingerprints: [...i.fingerprints] }));
  const byId = new Map(incidents.map((i) => [i.id, i]));
  const seenAlert = new Map<string, string>();
  for (const i of incidents) for (const a of i.alerts) seenAlert.set(a, i.id);
  // Indexes keep correlation linear in the number of alerts, however many incidents are open.
  const byFingerprint = new Map<string, Incident[]>();
  const byPipeline = new Map<string, Set<Incident>>();
  const index = (i: Incident) => {
    for (const f of i.fingerprints) {
      const list = byFingerprint.get(f) ?? [];
      if (!list.includes(i)) list.push(i);
      byFingerprint.set(f, list);
    }
    for (const p of i.pipelines) {
      const set = byPipeline.get(p) ?? new Set();
      set.add(i);
      byPipeline.set(p, set);
    }
  };
  incidents.forEach(index);
  const touched = new Set<string>();
  const assignments: Assignment[] = [];

  const ordered = [...alerts].sort((a, b) => alertTime(a, opts.now) - alertTime(b, opts.now) || a.id.localeCompare(b.id));
  for (const alert of ordered) {
    const known = seenAlert.get(alert.id);
    if (known) {
      // A re-delivery (or a source's repeat notification) of a recorded alert changes nothing.
      assignments.push({ alert, incidentId: known, reason: "already recorded", duplicate: true });
      continue;
    }
    const at = alertTime(alert, opts.now);
    const pipelines = opts.pipelinesOf(alert);
    let target: Incident | undefined;
    let reason = "";
    const sameFp = [...(byFingerprint.get(alert.fingerprint) ?? [])]
      .sort((a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt))[0];
    if (sameFp) {
      const reopenable = sameFp.status === "open" || (sameFp.resolvedAt !== null && at - Date.parse(sameFp.resolvedAt) <= opts.reopenWindowMs);
      if (reopenable || alert.status === "resolved") {
        target = sameFp;
        reason = sameFp.status === "open" ? "same fingerprint" : alert.status === "resolved" ? "resolution of a known alert" : "re-fired within the reopen window";
      }
    }
    if (!target) {
      // Open incidents, and ones resolved within the reopen window, absorb alerts of the same pipeline
      // or a lineage neighbour: deliveries arrive in any order, a resolution can come before its firing.
      const near = (inc: Incident) =>
        Math.abs(at - Date.parse(inc.updatedAt)) <= opts.groupWindowMs &&
        (inc.status === "open" || (inc.resolvedAt !== null && Math.abs(at - Date.parse(inc.resolvedAt)) <= opts.reopenWindowMs));
      search: for (const p of pipelines) {
        for (const inc of byPipeline.get(p) ?? []) {
          if (near(inc)) {
            target = inc;
            reason = `same pipeline ${p} within the group window`;
            break search;
          }
        }
      }
      if (!target) {
        search: for (const p of pipelines) {
          for (const q of opts.neighboursOf(p)) {
            for (const inc of byPipeline.get(q) ?? []) {
              if (near(inc)) {
                target = inc;
                reason = `lineage neighbours ${p} and ${q} within the group window`;
                break search;
              }
            }
          }
        }
      }
    }
    if (!target) {
      let id = incidentIdFor(alert, pipelines[0], at);
      const existing = byId.get(id);
      if (existing && existing.status === "open") target = existing;
      else {
        // A closed incident keeps its id; a new problem the same day gets the time as a suffix (still deterministic).
        if (existing) id = `${id}-${new Date(at).toISOString().slice(11, 16).replace(":", "")}`;
        const iso = new Date(at).toISOString();
        target = {
          id,
          path: incidentPath(id),
          title: alert.title || alert.labels.alertname || "alert",
          status: "open",
          investigation: "pending",
          severity: alert.severity,
          pipelines: [],
          fingerprints: [],
          alertnames: [],
          alerts: [],
          resolvedFingerprints: [],
          deliveries: [],
          openedAt: iso,
          updatedAt: iso,
          resolvedAt: null,
          rootCause: null,
          groupingReasons: [],
          duplicates: 0,
        };
        incidents.push(target);
        byId.set(id, target);
      }
      reason = reason || "new problem";
    }
    attach(target, alert, pipelines, reason, at);
    index(target);
    seenAlert.set(alert.id, target.id);
    touched.add(target.id);
    assignments.push({ alert, incidentId: target.id, reason, duplicate: false });
  }
  return { incidents, assignments, touched: [...touched] };
}

function attach(inc: Incident, alert: Alert, pipelines: string[], reason: string, at: number): void {
  inc.alerts.push(alert.id);
  if (!inc.deliveries.includes(alert.raw.delivery)) inc.deliveries.push(alert.raw.delivery);
  for (const p of pipelines) if (!inc.pipelines.includes(p)) inc.pipelines.push(p);
  if (inc.fingerprints.includes(alert.fingerprint)) {
    if (alert.status === "firing") inc.duplicates += 1; // a repeat of a known alert: noise absorbed
  } else {
    inc.fingerprints.push(alert.fingerprint);
    if (inc.alerts.length > 1) inc.groupingReasons.push(`${alert.labels.alertname ?? alert.title}: ${reason}`);
  }
  const name = alert.labels.alertname ?? alert.title;
  if (name && !inc.alertnames.includes(name)) inc.alertnames.push(name);
  inc.severity = alert.status === "firing" ? worst(inc.severity, alert.severity) : inc.severity;
  const resolved = new Set(inc.resolvedFingerprints);
  if (alert.status === "resolved") resolved.add(alert.fingerprint);
  else resolved.delete(alert.fingerprint);
  inc.resolvedFingerprints = [...resolved];
  const allResolved = inc.fingerprints.every((f) => resolved.has(f));
  if (allResolved && inc.status === "open") {
    inc.status = "resolved";
    inc.resolvedAt = alert.endsAt ?? new Date(Math.max(at, Date.parse(inc.openedAt))).toISOString();
  } else if (!allResolved && inc.status === "resolved") {
    inc.status = "open";
    inc.resolvedAt = null;
  }
  const t = new Date(at).toISOString();
  inc.updatedAt = t > inc.updatedAt ? t : inc.updatedAt;
  if (t < inc.openedAt && alert.status === "firing") inc.openedAt = t;
}
