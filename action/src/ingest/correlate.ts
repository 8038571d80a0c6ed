import { hash } from "node:crypto";
import type { Alert, Incident, Severity } from "../model/index.js";
import { incidentPath } from "../record/paths.js";
import { addGroupKeys, groupingFacts, groupingKeys, identityKey, mentionKey, type GroupingFacts } from "./grouping.js";

/** What correlation needs to know beyond the alerts: lineage and windows. */
export interface CorrelateOptions {
  /** Epoch ms of this run. */
  now: number;
  /** Alerts of another fingerprint join an incident whose last alert is this close (and a resolved one this soon after it resolved). */
  groupWindowMs: number;
  /** A re-fire this soon after resolution reopens an incident; an incident still firing stays open this long to alerts of its entities. */
  reopenWindowMs: number;
  /** An incident with no new alert for this long is closed, resolved or not (see `closesAt`); default `QUIET_PERIOD_MS`. */
  quietPeriodMs?: number;
  /** Epoch ms at which the delivery that brought an alert was received; default `now`. */
  receivedAt?(alert: Alert): number | undefined;
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

/** The default quiet period: a day without a new alert closes an incident. */
export const QUIET_PERIOD_MS = 24 * 3_600_000;

/** How far a start time may lie after its receive time before it is taken for a wrong clock. */
export const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * When an incident closes (epoch ms): a resolved one (no firing alert left) once the reopen window
 * after its resolution has passed, and any one once the quiet period after its last alert has passed,
 * even if a firing alert never resolved (sources lose resolve notifications). A closed incident
 * takes no new firing alert: the same fingerprint then opens a new incident, a recurrence that links
 * to it (`recurrenceOf`). `resolved` is what the alerts say; closed is derived from the windows, so
 * the index keeps no separate status for it.
 */
export function closesAt(inc: Pick<Incident, "status" | "updatedAt" | "resolvedAt">, windows: { reopenWindowMs: number; quietPeriodMs?: number }): number {
  return closesAtMs(inc.status, Date.parse(inc.updatedAt), inc.resolvedAt === null ? NaN : Date.parse(inc.resolvedAt), windows);
}

/** `closesAt` over epoch times (`resolved` NaN when unset). */
function closesAtMs(status: Incident["status"], updated: number, resolvedAt: number, windows: { reopenWindowMs: number; quietPeriodMs?: number }): number {
  const resolved = status === "resolved" ? resolvedAt : NaN;
  const quiet = Math.max(updated, Number.isFinite(resolved) ? resolved : updated) + (windows.quietPeriodMs ?? QUIET_PERIOD_MS);
  return Number.isFinite(resolved) ? Math.min(resolved + windows.reopenWindowMs, quiet) : quiet;
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
  const h = hash("sha256", alert.fingerprint, "hex").slice(0, 4);
  return `${day}-${about}-${h}`;
}

/**
 * The first 13 hex digits of an alert id (ingest/fingerprint.ts `alertId`: 16 of them) as a number,
 * which orders ids as their text does; NaN for any other id, which then compares as text.
 */
function idOrder(id: string): number {
  if (id.length !== 16) return NaN;
  let n = 0;
  for (let i = 0; i < 13; i++) {
    const c = id.charCodeAt(i);
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
    if (d < 0) return NaN;
    n = n * 16 + d;
  }
  return n;
}

function alertTime(a: Alert, fallback: number): number {
  const t = a.startsAt ? Date.parse(a.startsAt) : NaN;
  return Number.isFinite(t) ? t : fallback;
}

/**
 * Attaches alerts to incidents, first match wins: the same fingerprint; the same pipeline (knowledge);
 * the same rule on the same labels but the volatile ones (partition, pod, instance…); the same vendor
 * notification group whose group labels name something; the same entity (consumer group, DAG, Flink
 * job, table, service, … or a host or cluster for alerts that name nothing more specific); an
 * entity one of them names in its text; a lineage neighbour (knowledge). A pipeline or lineage join
 * needs the group window; the entity rules accept any incident that still fires within the reopen
 * window of its last alert, as a vendor keeps a group open while it fires. Anything else opens an
 * incident. Every join records its reason. An alert id already recorded is a duplicate and changes
 * nothing. No rule joins a closed incident (`closesAt`) except the resolution of one of its alerts;
 * a firing alert of a closed incident's fingerprint opens a recurrence linked to it (`recurrenceOf`).
 * A start time more than `CLOCK_SKEW_MS` after its delivery's receive time is clamped to the receive
 * time, recorded so (the alert's `startsAt` in its assignment, and `startClamped` on the incident):
 * a wrong clock never opens an incident in a future day or month. Pure and linear: every rule is an
 * index lookup, never a scan of the incidents.
 */
export function correlate(state: Incident[], alerts: Alert[], opts: CorrelateOptions): Correlation {
  // Copies of every list correlation grows: the caller's state stays as it was.
  const incidents = state.map((i) => ({
    ...i,
    alerts: [...i.alerts],
    fingerprints: [...i.fingerprints],
    resolvedFingerprints: [...i.resolvedFingerprints],
    pipelines: [...i.pipelines],
    alertnames: [...i.alertnames],
    deliveries: [...i.deliveries],
    groupingReasons: [...i.groupingReasons],
    ...(i.groupKeys ? { groupKeys: [...i.groupKeys] } : {}),
  }));
  const byId = new Map(incidents.map((i) => [i.id, i]));
  // Incidents already recorded keep their opening time: an older alert replayed into one adds to it but does not reopen it earlier.
  const recorded = new Set(state.map((i) => i.id));
  const seenAlert = new Map<string, string>();
  for (const i of incidents) for (const a of i.alerts) seenAlert.set(a, i.id);
  // The incidents correlation looks at or changes, as epoch times and sets; written back once at the end.
  const working = new Map<Incident, Working>();
  let last: Working | undefined;
  const work = (i: Incident) => {
    if (last?.inc === i) return last;
    let w = working.get(i);
    if (!w) working.set(i, (w = new Working(i)));
    return (last = w);
  };
  // Indexes keep correlation linear in the number of alerts, however many incidents are open.
  const byFingerprint = new Map<string, Incident[]>();
  const byPipeline = new Map<string, Incident[]>();
  const indexIn = (map: Map<string, Incident[]>, key: string, i: Incident) => {
    const list = map.get(key);
    if (!list) map.set(key, [i]);
    else if (!list.includes(i)) list.push(i);
  };
  // Grouping keys → the incidents that hold them, most recently joined last (a few per key suffice).
  const byKey = new Map<string, Incident[]>();
  const indexKey = (key: string, i: Incident) => {
    const list = byKey.get(key);
    if (!list) byKey.set(key, [i]);
    else if (list[list.length - 1] !== i) {
      const at = list.indexOf(i);
      if (at >= 0) list.splice(at, 1);
      list.push(i);
      if (list.length > 4) list.shift();
    }
  };
  for (const i of incidents) {
    for (const f of i.fingerprints) indexIn(byFingerprint, f, i);
    for (const p of i.pipelines) indexIn(byPipeline, p, i);
  }
  // Each alert's time, parsed once (sorting would parse it at every comparison); a start after its
  // receive time (beyond clock skew) is placed at the receive time, and the claimed start kept.
  // Typed arrays, not an object per alert: a storm sorts hundreds of thousands.
  const times = new Float64Array(alerts.length);
  const orders = new Float64Array(alerts.length);
  const claims = new Map<number, number>();
  let earliest = Infinity;
  for (let n = 0; n < alerts.length; n++) {
    const alert = alerts[n]!;
    let at = alertTime(alert, opts.now);
    const received = opts.receivedAt?.(alert) ?? opts.now;
    if (at > received + CLOCK_SKEW_MS) {
      claims.set(n, at);
      at = received;
    }
    times[n] = at;
    orders[n] = idOrder(alert.id);
    if (at < earliest) earliest = at;
  }
  // Alerts already recorded, looked up in the order they came (which is the order they lie in memory).
  const recordedIn = alerts.map((a) => seenAlert.get(a.id));
  // A copy of an alert earlier in this batch (a notification delivered twice) comes right after it in
  // time order, unless a wrong clock placed the copies apart: then every alert of the run is remembered.
  const rememberAll = claims.size > 0;
  let previousId = "";
  let previousIncident = "";
  // Only incidents some alert of this run could still join are worth indexing by their keys.
  const horizon = earliest - Math.max(opts.groupWindowMs, opts.reopenWindowMs);
  const reachable = incidents.filter((i) => i.groupKeys?.length && Date.parse(i.updatedAt) >= horizon);
  for (const i of reachable.sort((a, b) => a.updatedAt.localeCompare(b.updatedAt))) for (const k of i.groupKeys!) indexKey(k, i);
  const touched = new Set<string>();
  const assignments: Assignment[] = [];
  // Within the group window of an incident's last alert, while it is open or resolved within the reopen window.
  const closed = (inc: Incident, at: number) => {
    const w = work(inc);
    return at > closesAtMs(inc.status, w.updated, w.resolved, opts);
  };
  const near = (inc: Incident, at: number) => {
    const w = work(inc);
    return (
      Math.abs(at - w.updated) <= opts.groupWindowMs &&
      (inc.status === "open" || (Number.isFinite(w.resolved) && Math.abs(at - w.resolved) <= opts.reopenWindowMs)) &&
      !closed(inc, at)
    );
  };
  // The entity rules also reach an incident that still fires, for the reopen window after its last alert.
  const live = (inc: Incident, at: number) =>
    near(inc, at) || (inc.status === "open" && Math.abs(at - work(inc).updated) <= opts.reopenWindowMs && !closed(inc, at));
  // Incidents each delivery of this run has joined: alerts of one vendor notification belong together
  // whatever their start times (a week-old warning re-sent beside today's failure).
  const byDelivery = new Map<string, Set<Incident>>();
  let delivery = "";
  // Incidents of this run merged into another (see below), which nothing joins any more.
  const gone = new Set<Incident>();
  // `strict`: only within the group window of the incident's last alert; `skip`: an incident not to return.
  const lookup = (key: string, at: number, strict = false, skip?: Incident): Incident | undefined => {
    const list = byKey.get(key);
    if (!list) return undefined;
    const other = (i: Incident) => i !== skip && !gone.has(i);
    for (let n = list.length - 1; n >= 0; n--) if (other(list[n]!) && (strict ? near : live)(list[n]!, at)) return list[n];
    if (key.startsWith("g:")) {
      const same = byDelivery.get(delivery);
      for (let n = list.length - 1; n >= 0; n--) if (other(list[n]!) && same?.has(list[n]!)) return list[n];
    }
    return undefined;
  };
  const addKeys = (w: Working, keys: string[]) => {
    for (const k of addGroupKeys((w.inc.groupKeys ??= []), w.keys, keys)) indexKey(k, w.inc);
  };
  // The incidents this run opened, with the facts of the alert that opened each.
  const opened = new Map<Incident, { facts: GroupingFacts; at: number; name: string; delivery: string }>();

  // By time, then by id (the same order whatever order the alerts came in); `orders` compares most ids without reading them.
  const sequence = Uint32Array.from(alerts.keys()).sort((a, b) => {
    if (times[a] !== times[b]) return times[a]! - times[b]!;
    // NaN (an id of another form) compares as text.
    if (orders[a] !== orders[b] && !Number.isNaN(orders[a]! + orders[b]!)) return orders[a]! - orders[b]!;
    const [x, y] = [alerts[a]!.id, alerts[b]!.id];
    return x < y ? -1 : x > y ? 1 : 0;
  });
  for (const n of sequence) {
    const incoming = alerts[n]!;
    const at = times[n]!;
    const future = claims.size ? claims.get(n) : undefined;
    // The alert as recorded: at the time it was placed.
    const alert = future === undefined ? incoming : { ...incoming, startsAt: new Date(at).toISOString() };
    // Recorded before this run, or earlier in it (a notification delivered twice in one batch).
    const known = recordedIn[n] ?? (previousId === alert.id ? previousIncident : rememberAll ? seenAlert.get(alert.id) : undefined);
    if (known) {
      // A re-delivery (or a source's repeat notification) of a recorded alert changes nothing.
      assignments.push({ alert, incidentId: known, reason: "already recorded", duplicate: true });
      continue;
    }
    const pipelines = opts.pipelinesOf(alert);
    // A repeat of a fingerprint the incident holds adds no key its first alert did not: facts are computed only when needed.
    let facts: GroupingFacts | undefined;
    delivery = alert.raw.delivery;
    let target: Incident | undefined;
    let reason = "";
    // The closed incident a firing alert of its fingerprint recurs after.
    let earlier: Incident | undefined;
    const sameFp = latest(byFingerprint.get(alert.fingerprint), work);
    if (sameFp) {
      if (!closed(sameFp, at) || alert.status === "resolved") {
        target = sameFp;
        reason =
          sameFp.status === "open" ? "same fingerprint" : alert.status === "resolved" ? "resolution of a known alert" : "re-fired within the reopen window";
      } else earlier = sameFp;
    }
    if (!target) {
      // Open incidents, and ones resolved within the reopen window, absorb alerts of the same pipeline:
      // deliveries arrive in any order, a resolution can come before its firing.
      search: for (const p of pipelines) {
        for (const inc of byPipeline.get(p) ?? []) {
          if (near(inc, at)) {
            target = inc;
            reason = `same pipeline ${p} within the group window`;
            break search;
          }
        }
      }
    }
    if (!target) ({ target, reason } = byEntity((facts = groupingFacts(alert)), at, lookup));
    if (!target) {
      search: for (const p of pipelines) {
        for (const q of opts.neighboursOf(p)) {
          for (const inc of byPipeline.get(q) ?? []) {
            if (near(inc, at)) {
              target = inc;
              reason = `lineage neighbours ${p} and ${q} within the group window`;
              break search;
            }
          }
        }
      }
    }
    if (!target) {
      let id = incidentIdFor(alert, pipelines[0], at);
      const existing = byId.get(id);
      if (existing && existing.status === "open" && !closed(existing, at)) target = existing;
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
          groupKeys: [],
          ...(earlier ? { recurrenceOf: earlier.id } : {}),
        };
        incidents.push(target);
        byId.set(id, target);
      }
      reason = reason || (earlier && target.recurrenceOf === earlier.id ? `recurrence of ${earlier.id}, which had closed` : "new problem");
    }
    const w = work(target);
    if (!target.alerts.length) opened.set(target, { facts: (facts ??= groupingFacts(alert)), at, name: alert.labels.alertname ?? alert.title, delivery });
    const newPipelines = pipelines.length ? pipelines.filter((p) => !w.hasPipeline(p)) : pipelines;
    const repeat = !w.attach(alert, pipelines, reason, at, recorded.has(target.id));
    if (future !== undefined) flagClamped(target, future, at);
    if (!repeat) {
      indexIn(byFingerprint, alert.fingerprint, target);
      addKeys(w, groupingKeys(facts ?? groupingFacts(alert)));
    }
    for (const p of newPipelines) indexIn(byPipeline, p, target);
    const joined = byDelivery.get(delivery);
    if (joined) joined.add(target);
    else byDelivery.set(delivery, new Set([target]));
    if (rememberAll) seenAlert.set(alert.id, target.id);
    previousId = alert.id;
    previousIncident = target.id;
    if (!w.touched) {
      w.touched = true;
      touched.add(target.id);
    }
    assignments.push({ alert, incidentId: target.id, reason, duplicate: false });
  }
  // A second look, because alerts start in whatever order: an incident this run opened joins the one
  // its first alert would have joined had that one's alerts started first (a client's TLS error a
  // minute before the probe of its server failed). A recurrence stays what its fingerprint made it.
  const movedTo = new Map<string, string>();
  for (const [from, first] of opened) {
    if (from.recurrenceOf) continue;
    delivery = first.delivery;
    const { target: into, reason } = byEntity(first.facts, first.at, (key, at, strict) => lookup(key, at, strict, from));
    if (!into) continue;
    const w = work(into);
    w.merge(work(from), `${first.name}: ${reason}`, recorded.has(into.id));
    gone.add(from);
    byId.delete(from.id);
    addKeys(w, from.groupKeys ?? []);
    for (const f of from.fingerprints) indexIn(byFingerprint, f, into);
    for (const p of from.pipelines) indexIn(byPipeline, p, into);
    movedTo.set(from.id, into.id);
    touched.delete(from.id);
    touched.add(into.id);
  }
  if (movedTo.size) {
    // An incident merged into one that merged on: follow to the last.
    const last = (id: string): string => (movedTo.has(id) ? last(movedTo.get(id)!) : id);
    for (const a of assignments) a.incidentId = last(a.incidentId);
  }
  for (const w of working.values()) w.writeTimes();
  return { incidents: gone.size ? incidents.filter((i) => !gone.has(i)) : incidents, assignments, touched: [...touched] };
}

/**
 * An incident while correlation changes it: its times as epoch ms and its lists mirrored by sets, so
 * that an alert costs the same whatever the incident holds (a storm of thousands of fingerprints);
 * the times are written back as text once, at the end (`writeTimes`).
 */
class Working {
  opened: number;
  updated: number;
  /** NaN while the incident has no resolution time. */
  resolved: number;
  /** The incident's group keys, as a set. */
  readonly keys: Set<string>;
  /** Whether this run changed the incident (`Correlation.touched`). */
  touched = false;
  private readonly fingerprints: Members;
  private readonly resolvedFingerprints: Members;
  private readonly deliveries: Members;
  private readonly alertnames: Members;
  private readonly pipelines: Members;
  /** The resolution time as the alert that resolved it gave it, kept verbatim; undefined when derived. */
  private resolvedText: string | null | undefined;
  private readonly changed = { opened: false, updated: false, resolved: false };

  constructor(readonly inc: Incident) {
    this.opened = Date.parse(inc.openedAt);
    this.updated = Date.parse(inc.updatedAt);
    this.resolved = inc.resolvedAt === null ? NaN : Date.parse(inc.resolvedAt);
    this.resolvedText = inc.resolvedAt;
    this.keys = new Set(inc.groupKeys ?? []);
    this.fingerprints = new Members(inc.fingerprints);
    this.resolvedFingerprints = new Members(inc.resolvedFingerprints);
    this.deliveries = new Members(inc.deliveries);
    this.alertnames = new Members(inc.alertnames);
    this.pipelines = new Members(inc.pipelines);
  }

  hasPipeline(pipeline: string): boolean {
    return this.pipelines.has(pipeline);
  }

  /** Adds an alert; false when its fingerprint was already the incident's (a repeat). */
  attach(alert: Alert, pipelines: string[], reason: string, at: number, recorded: boolean): boolean {
    const inc = this.inc;
    inc.alerts.push(alert.id);
    this.deliveries.add(alert.raw.delivery);
    for (const p of pipelines) this.pipelines.add(p);
    const fresh = this.fingerprints.add(alert.fingerprint);
    if (!fresh) {
      if (alert.status === "firing") inc.duplicates += 1; // a repeat of a known alert: noise absorbed
    } else if (inc.alerts.length > 1) inc.groupingReasons.push(`${alert.labels.alertname ?? alert.title}: ${reason}`);
    const name = alert.labels.alertname ?? alert.title;
    if (name) this.alertnames.add(name);
    if (alert.status === "firing") inc.severity = worst(inc.severity, alert.severity);
    if (alert.status === "resolved") this.resolvedFingerprints.add(alert.fingerprint);
    else this.resolvedFingerprints.delete(alert.fingerprint);
    const allResolved = this.allResolved();
    if (allResolved && inc.status === "open") {
      inc.status = "resolved";
      this.setResolved(alert.endsAt ? Date.parse(alert.endsAt) : Math.max(at, this.opened), alert.endsAt ?? undefined);
    } else if (!allResolved && inc.status === "resolved") {
      inc.status = "open";
      this.setResolved(NaN, null);
    }
    if (at > this.updated) {
      this.updated = at;
      this.changed.updated = true;
    }
    if (alert.status === "firing" && at < this.opened && !recorded) {
      this.opened = at;
      this.changed.opened = true;
    }
    return fresh;
  }

  /** Takes in an incident opened in this run, with the reason they join. */
  merge(from: Working, reason: string, recorded: boolean): void {
    const [into, other] = [this.inc, from.inc];
    into.alerts.push(...other.alerts);
    for (const d of other.deliveries) this.deliveries.add(d);
    for (const p of other.pipelines) this.pipelines.add(p);
    for (const f of other.fingerprints) this.fingerprints.add(f);
    for (const n of other.alertnames) this.alertnames.add(n);
    for (const f of other.resolvedFingerprints) this.resolvedFingerprints.add(f);
    into.groupingReasons.push(reason, ...other.groupingReasons);
    into.duplicates += other.duplicates;
    into.severity = worst(into.severity, other.severity);
    if (from.opened < this.opened && !recorded) {
      this.opened = from.opened;
      this.changed.opened = true;
    }
    if (from.updated > this.updated) {
      this.updated = from.updated;
      this.changed.updated = true;
    }
    if (other.startClamped && !into.startClamped) into.startClamped = other.startClamped;
    if (this.allResolved()) {
      into.status = "resolved";
      // The later of the two resolutions, else the last alert.
      const later = !(from.resolved <= this.resolved) && Number.isFinite(from.resolved) ? from : Number.isFinite(this.resolved) ? this : null;
      this.setResolved(later ? later.resolved : this.updated, later?.resolvedText ?? undefined);
    } else {
      into.status = "open";
      this.setResolved(NaN, null);
    }
  }

  /** Writes the times that changed back into the incident, as RFC 3339 text. */
  writeTimes(): void {
    const iso = (t: number) => new Date(t).toISOString();
    if (this.changed.opened) this.inc.openedAt = iso(this.opened);
    if (this.changed.updated) this.inc.updatedAt = iso(this.updated);
    if (this.changed.resolved) this.inc.resolvedAt = Number.isFinite(this.resolved) ? (this.resolvedText ?? iso(this.resolved)) : null;
  }

  private allResolved(): boolean {
    if (this.resolvedFingerprints.list.length < this.fingerprints.list.length) return false;
    return this.fingerprints.list.every((f) => this.resolvedFingerprints.has(f));
  }

  private setResolved(at: number, text: string | null | undefined): void {
    this.resolved = at;
    this.resolvedText = text;
    this.changed.resolved = true;
  }
}

/**
 * A list of distinct values with membership in constant time: a set mirrors it once it is long
 * enough for `includes` to cost (a storm's thousands of fingerprints); most incidents hold a few.
 */
class Members {
  private set: Set<string> | undefined;

  constructor(readonly list: string[]) {
    if (list.length > Members.SHORT) this.set = new Set(list);
  }

  static readonly SHORT = 16;

  has(value: string): boolean {
    return this.set ? this.set.has(value) : this.list.includes(value);
  }

  /** Appends a value; false when it was there already. */
  add(value: string): boolean {
    if (this.has(value)) return false;
    this.list.push(value);
    if (this.set) this.set.add(value);
    else if (this.list.length > Members.SHORT) this.set = new Set(this.list);
    return true;
  }

  delete(value: string): void {
    if (!this.has(value)) return;
    this.list.splice(this.list.indexOf(value), 1);
    this.set?.delete(value);
  }
}

/** The most recently updated of some incidents (the first of equals). */
function latest(list: Incident[] | undefined, work: (i: Incident) => Working): Incident | undefined {
  if (!list?.length) return undefined;
  let best = list[0]!;
  for (let n = 1; n < list.length; n++) if (work(list[n]!).updated > work(best).updated) best = list[n]!;
  return best;
}

/** The entity rules, strongest first: rule and labels, vendor group, shared entity, named entity. */
function byEntity(
  facts: GroupingFacts,
  at: number,
  lookup: (key: string, at: number, strict?: boolean) => Incident | undefined,
): { target: Incident | undefined; reason: string } {
  const { rule, group, identities, mentions, names } = facts;
  let target = lookup(rule.key, at);
  if (target) {
    const apart = rule.volatile.length ? ` apart from ${rule.volatile.join(", ")}` : "";
    return { target, reason: `same rule ${rule.name} on the same labels${apart}` };
  }
  if (group && (target = lookup(group.key, at))) return { target, reason: `same notification group {${group.labels}}` };
  for (const [value, what] of identities) {
    if ((target = lookup(identityKey(value), at))) return { target, reason: `same ${what} ${value}` };
  }
  for (const [value, what] of identities) {
    if ((target = lookup(mentionKey(value), at))) return { target, reason: `the incident names its ${what} ${value}` };
  }
  for (const token of mentions) {
    if ((target = lookup(identityKey(token), at))) return { target, reason: `names ${token}, an entity of the incident` };
  }
  for (const [key, { words, value, what }] of names) {
    if ((target = lookup(key, at)))
      return { target, reason: `similar names: its ${what} ${value} shares ${words.map((w) => `"${w}"`).join(" and ")} with a name of the incident` };
  }
  for (const { key, why, strict } of facts.reaches) if ((target = lookup(key, at, strict))) return { target, reason: why };
  return { target: undefined, reason: "" };
}

/** Records on an incident that an alert claimed a start after its receive time and was placed at `placed`. */
function flagClamped(inc: Incident, claimedAt: number, placed: number): void {
  const claimed = new Date(claimedAt).toISOString();
  const prev = inc.startClamped;
  inc.startClamped = prev
    ? { alerts: prev.alerts + 1, claimed: claimed > prev.claimed ? claimed : prev.claimed, placed: prev.placed }
    : { alerts: 1, claimed, placed: new Date(placed).toISOString() };
}
