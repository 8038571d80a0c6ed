import pLimit from "p-limit";
import type { Check, Evidence, Labels, LogQuery, MetricQuery, Progress, Series, Telemetry, TimeRange } from "../model/index.js";
import { adaptLogQuery, adaptMetricQuery } from "./adapt.js";
import { METRIC_SYNONYMS } from "../subjects/vocabulary.js";
import { evaluatePassIf } from "./compare.js";
import { primitives, recordThreshold, type Measurement, type TelemetryRecord } from "./primitives/index.js";
import { applyWhere, fromAlerts, fromChanges, fromEvents, fromLogs, fromObjects, recordsAsSeries } from "./records.js";
import { aggregate, toRate } from "./series.js";
import { compilePattern } from "../patterns.js";

/** Limits of one investigation's check execution. */
export interface Budget {
  /** Checks running at once. */
  concurrency: number;
  /** Per check, including its backend calls. */
  checkTimeoutMs: number;
  /** For the whole investigation; checks not started by then are inconclusive. */
  totalMs: number;
  /** Rounds of follow-up hypotheses. */
  maxRounds: number;
  /** Checks in total. */
  maxChecks: number;
}

export const DEFAULT_BUDGET: Budget = { concurrency: 8, checkTimeoutMs: 10_000, totalMs: 120_000, maxRounds: 3, maxChecks: 200 };

/** Runs checks with a concurrency limit, a per-check timeout and a total deadline; identical queries share one fetch. */
export class CheckRunner {
  private readonly limit;
  private readonly cache = new Map<string, Promise<unknown>>();
  /** Discovery answers (series of a metric, streams of a window), shared by every check that asks the same. */
  private readonly discovered = new Map<string, Promise<Labels[]>>();
  private readonly deadline: number;
  private readonly started = Date.now();

  constructor(
    private readonly telemetry: Telemetry,
    private readonly budget: Budget,
    private readonly progress: Progress,
  ) {
    this.limit = pLimit(budget.concurrency);
    this.deadline = this.started + budget.totalMs;
  }

  /** True once the total budget is spent. */
  get exhausted(): boolean {
    return Date.now() >= this.deadline;
  }

  /** Runs every check of a round in parallel; results come back in the checks' order. */
  run(checks: Check[], round: number): Promise<Evidence[]> {
    return Promise.all(checks.map((c) => this.limit(() => this.runOne(c, round))));
  }

  private async runOne(check: Check, round: number): Promise<Evidence> {
    const t0 = Date.now();
    const base = {
      key: check.key,
      check: check.id,
      hypothesis: check.hypothesis,
      weight: check.weight,
      role: check.role,
      ...(check.spec.necessary === false ? { necessary: false } : {}),
      ...(check.proposedBy ? { proposedBy: check.proposedBy } : {}),
      round,
      query: this.safeDescribe(check),
    };
    const inconclusive = (reason: string, data: unknown = null): Evidence => ({
      ...base,
      verdict: "inconclusive",
      finding: `inconclusive: ${reason}`,
      observed: {},
      data,
      ms: Date.now() - t0,
      reason,
    });
    let evidence: Evidence;
    if (check.unresolved) evidence = inconclusive(check.unresolved);
    else if (!this.telemetry.capabilities.has(check.capability)) evidence = inconclusive(`no ${check.capability} source is configured`);
    else if (this.exhausted) evidence = inconclusive("the investigation's time budget was spent before this check ran");
    else {
      const remaining = this.deadline - Date.now();
      const signal = AbortSignal.timeout(Math.max(1, Math.min(this.budget.checkTimeoutMs, remaining)));
      try {
        evidence = await withSignal(this.evaluate(check, base, signal, t0), signal);
      } catch (err) {
        const reason = signal.aborted
          ? `timed out after ${Math.min(this.budget.checkTimeoutMs, remaining)} ms`
          : `backend error: ${err instanceof Error ? err.message : String(err)}`;
        evidence = inconclusive(reason);
      }
    }
    this.progress.check({ key: evidence.key, verdict: evidence.verdict, finding: evidence.finding, ms: evidence.ms });
    return evidence;
  }

  private safeDescribe(check: Check): string {
    try {
      return this.telemetry.describe(check.capability, check.query);
    } catch {
      return `${check.capability} query`;
    }
  }

  private fetch<T>(check: Check, signal: AbortSignal): Promise<T> {
    const key = `${check.capability}:${JSON.stringify(check.query)}`;
    let hit = this.cache.get(key) as Promise<T> | undefined;
    if (!hit) {
      const t = this.telemetry;
      const q = check.query as never;
      const call: Promise<unknown> = {
        metrics: () => t.metrics(q, signal),
        logs: () => t.logs(q, signal),
        changes: () => t.changes(q, signal),
        events: () => t.events(q, signal),
        orchestrator: () => t.orchestrator(q, signal),
        warehouse: () => t.warehouse(q, signal),
        alerts: () => (t.alerts ? t.alerts(q, signal) : Promise.reject(new Error("no alerts source"))),
      }[check.capability]();
      // A failed fetch must not poison later checks that could retry it.
      call.catch(() => this.cache.delete(key));
      this.cache.set(key, call);
      hit = call as Promise<T>;
    }
    return hit;
  }

  /** A discovery call through the cache (a failure is not cached, and means "no catalogue"). */
  private discover(key: string, call: () => Promise<Labels[]>): Promise<Labels[]> {
    let hit = this.discovered.get(key);
    if (!hit) {
      hit = call().catch(() => {
        this.discovered.delete(key);
        return [];
      });
      this.discovered.set(key, hit);
    }
    return hit;
  }

  /**
   * The check as it runs on this stack: label spellings and scopes from the metric's series or the
   * window's streams, or the reason it cannot run (no stream carries its selector).
   */
  private async adapt(check: Check, signal: AbortSignal): Promise<Check | { noData: string }> {
    const t = this.telemetry;
    if (check.capability === "metrics") {
      let q = check.query as MetricQuery;
      if (!t.series) return { ...check, query: adaptMetricQuery(q, []) };
      const named = (name: string, op: "=" | "=~") =>
        this.discover(`series:${op}${name}:${q.start}:${q.end}`, () =>
          t.series!({ start: q.start, end: q.end, selectors: [[{ label: "__name__", op, value: name }]], limit: 5_000 }, signal),
        );
      let series = await named(q.name, "=");
      if (!series.length) {
        // The exporter may name it with a qualifier inside (statsd mappings add the executor class:
        // airflow_celery_executor_open_slots for airflow_executor_open_slots): the closest such name.
        const near = await named(qualifiedName(q.name), "=~");
        const name = [...new Set(near.map((s) => s.__name__ ?? ""))].filter(Boolean).sort((a, b) => a.length - b.length || a.localeCompare(b))[0];
        if (name) {
          q = { ...q, name };
          series = near.filter((s) => s.__name__ === name);
        }
      }
      // Or another exporter's name for it altogether (KMinion, kafka-lag-exporter, Datadog, the kubelet).
      for (const other of series.length ? [] : (METRIC_SYNONYMS[q.name] ?? [])) {
        const found = await named(other, "=");
        if (found.length) {
          q = { ...q, name: other };
          series = found;
          break;
        }
      }
      return { ...check, query: adaptMetricQuery(q, series) };
    }
    if (check.capability === "logs" && t.streams) {
      const q = check.query as LogQuery;
      const streams = await this.discover(`streams:${q.start}:${q.end}`, () => t.streams!({ start: q.start, end: q.end, selector: {}, limit: 5_000 }, signal));
      const adapted = adaptLogQuery(q, streams);
      return "noStream" in adapted ? { noData: adapted.noStream } : { ...check, query: adapted };
    }
    return check;
  }

  /** The check's data over `range` (its own, or a baseline), measured by its primitive. */
  private async measure(
    check: Check,
    range: TimeRange,
    signal: AbortSignal,
    baseline = false,
  ): Promise<{ measured: Measurement[] | { noData: string }; data: unknown; matched: TelemetryRecord[] }> {
    const at: Check = { ...check, query: { ...check.query, start: range.start, end: range.end } };
    const spec = check.spec;
    const ctx = { spec, start: range.start, end: range.end, onset: check.onset };
    const impl = primitives[check.primitive];
    if (check.capability === "metrics") {
      let series = await this.fetch<Series[]>(at, signal);
      if (spec.rate) series = series.map(toRate);
      if (spec.aggregate !== "none") series = aggregate(series, spec.aggregate);
      return {
        measured: impl.input === "series" ? impl.measure(series, ctx) : { noData: `${check.primitive} does not read metrics` },
        data: { series: series.slice(0, 10).map(thin) },
        matched: [],
      };
    }
    let records = await this.records(at, signal);
    // A baseline counts only what it can date inside itself: a run still queued, or an object with no time, is not "before".
    if (baseline) records = records.filter((r) => r.at !== null && r.at >= range.start && r.at <= range.end);
    records = applyWhere(records, (spec.orchestrator ?? spec.warehouse)?.where);
    if (spec.match) {
      const re = compilePattern(spec.match, `check ${check.key} match`, { ignoreCase: true });
      records = records.filter((r) => re.test(r.text));
    }
    const data = {
      records: records.slice(0, 20).map((r) => ({ at: r.at === null ? null : new Date(r.at).toISOString(), label: r.label })),
      total: records.length,
    };
    if (impl.input === "series" && check.primitive !== "threshold" && spec.field) {
      // Records come at their own cadence (a daily load, a DAG's runs): with none since the onset,
      // the latest one is what the incident shows.
      const series = recordsAsSeries(records, spec.field);
      const latest = Math.max(...series.flatMap((s) => s.points.map(([t]) => t)));
      const split = ctx.onset !== null && Number.isFinite(latest) ? Math.min(ctx.onset, latest) : ctx.onset;
      return { measured: impl.measure(series, { ...ctx, onset: split }), data, matched: [] };
    }
    const out =
      check.primitive === "threshold"
        ? recordThreshold.measure(records, ctx)
        : impl.input === "records"
          ? impl.measure(records, ctx)
          : { noData: `${check.primitive} does not read ${check.capability}` };
    if ("noData" in out) return { measured: out, data, matched: [] };
    return { measured: [out.measurement], data, matched: out.matched };
  }

  /**
   * Whether a passing check is background: it passes on the window just before the incident's data
   * and on the one before that as well (a detector alert often fires after its cause began, so one
   * earlier window alone can still hold the cause), and on every window further back, at twice the
   * distance each time, as far as the data reaches within a day: an alert of late data (a stale
   * table, a missed SLA or heartbeat) fires hours after its cause began, and a condition that began
   * within the day is that cause's trace, not the stack's usual state. `background` is the finding of
   * that baseline when it is background, "" when it is not; `began` dates a condition that held
   * before the onset but not further back. Null when no baseline applies or the data cannot say.
   */
  private async background(
    check: Check,
    range: TimeRange,
    signal: AbortSignal,
    incident: { observed: Record<string, number>; passing: string[] },
  ): Promise<{ background: string; began?: TimeRange } | null> {
    const first = baselineRange(check, range);
    if (!first) return null;
    const len = first.end - first.start;
    // The same question on an earlier window: null when the data cannot say.
    const holds = async (window: TimeRange): Promise<{ text: string } | false | null> => {
      // A primitive that compares around the onset (a step, changes before it) is asked the same
      // question one window earlier: its onset moves with the window.
      const at = BASELINED.has(check.primitive) || check.onset === null ? check : { ...check, onset: check.onset - (range.end - window.end) };
      const b = await this.measure(at, window, signal, true);
      const again = "noData" in b.measured ? null : judge(check, b.measured);
      if (!again || "missing" in again) return null;
      // A count that merely holds is not background when the incident has several times as much of it.
      const fainter = check.primitive === "count" && (again.observed.count ?? 0) * 2 < (incident.observed.count ?? 0);
      // Background is the same series holding before: another series that held then says nothing of this one.
      const same = check.spec.across === "all" || again.passing.some((subject) => incident.passing.includes(subject));
      return again.pass && !fainter && same ? { text: again.text } : false;
    };
    let text = "";
    for (const window of [first, { start: first.start - len, end: first.start }]) {
      const held = await holds(window);
      if (held === null) return null;
      if (!held) return { background: "" };
      text ||= held.text;
    }
    // Further back, at 4, 8, 16… windows' distance: the first window that does not hold dates the start.
    let since = first.start - len;
    for (let k = 4; k * len <= BACKGROUND_LOOKBACK_MS; k *= 2) {
      const window = { start: first.end - k * len, end: first.end - (k - 1) * len };
      const held = await holds(window);
      if (held === null) break;
      if (!held) return { background: "", began: { start: window.end, end: since } };
      since = window.start;
    }
    return { background: text };
  }

  private async evaluate(
    original: Check,
    base: Omit<Evidence, "verdict" | "finding" | "observed" | "data" | "ms">,
    signal: AbortSignal,
    t0: number,
  ): Promise<Evidence> {
    const ms = () => Date.now() - t0;
    const adapted = await this.adapt(original, signal);
    if ("noData" in adapted) {
      return { ...base, verdict: "inconclusive", finding: `inconclusive: ${adapted.noData}`, observed: {}, data: null, ms: ms(), reason: adapted.noData };
    }
    const check = adapted;
    base = { ...base, query: this.safeDescribe(check) };
    const range: TimeRange = check.query;
    const { measured, data, matched } = await this.measure(check, range, signal);
    if ("noData" in measured) {
      return { ...base, verdict: "inconclusive", finding: `inconclusive: ${measured.noData}`, observed: {}, data, ms: ms(), reason: measured.noData };
    }
    const judged = judge(check, measured);
    if ("missing" in judged) {
      const reason = `the data gave no ${judged.missing.join(", ")}`;
      return { ...base, verdict: "inconclusive", finding: `inconclusive: ${reason}`, observed: judged.observed, data, ms: ms(), reason };
    }
    const evidence: Evidence = {
      ...base,
      verdict: judged.pass ? "pass" : "fail",
      finding: `${check.title}: ${judged.text}`,
      observed: judged.observed,
      data,
      ms: ms(),
    };
    if (judged.pass) {
      // Evidence counts only where it discriminates: background holds in the windows before the onset too.
      const baseline = await this.background(check, range, signal, judged);
      if (baseline !== null) {
        evidence.specific = !baseline.background;
        if (baseline.background) evidence.finding += `; but also before the onset (${baseline.background}): not specific to this incident`;
        else if (baseline.began)
          evidence.finding += `; it began before the alert, ${began(baseline.began, check.onset ?? range.start)}, and did not hold earlier`;
      } else if (check.proposedBy) {
        // The model's check must earn its weight: one nothing earlier could be compared with proves nothing.
        evidence.specific = false;
        evidence.finding += "; not specific: no window before the onset could show that it discriminates, and a check the LLM wrote counts only when it does";
      }
    }
    if (matched.length && (check.capability === "changes" || check.capability === "events")) {
      evidence.matched = matched.slice(-10).map((r) => ({
        at: r.at === null ? "" : new Date(r.at).toISOString(),
        label: r.label,
        ...(r.ref ? { ref: r.ref } : {}),
        ...(r.repo ? { repo: r.repo } : {}),
        ...(r.files ? { files: r.files } : {}),
      }));
    }
    return evidence;
  }

  private async records(check: Check, signal: AbortSignal): Promise<TelemetryRecord[]> {
    switch (check.capability) {
      case "logs":
        return fromLogs(await this.fetch(check, signal));
      case "events":
        return fromEvents(await this.fetch(check, signal), check);
      case "changes":
        return fromChanges(await this.fetch(check, signal), check);
      case "orchestrator":
      case "warehouse":
        return fromObjects(await this.fetch(check, signal), (check.query as { kind: string }).kind);
      case "alerts":
        return fromAlerts(await this.fetch(check, signal));
      default:
        return [];
    }
  }
}

/** A metric name's words in order, with qualifiers allowed between them: `airflow(_\w+)*_executor(_\w+)*_open…`. */
export function qualifiedName(name: string): string {
  return name
    .split("_")
    .filter(Boolean)
    .map((w) => w.replace(/[^A-Za-z0-9:]/g, ""))
    .join("(?:_[A-Za-z0-9]+)*_");
}

/** The verdict of a check's measurements against its pass_if, with the finding's text. */
function judge(
  check: Check,
  measured: Measurement[],
): { pass: boolean; text: string; observed: Record<string, number>; passing: string[] } | { missing: string[]; observed: Record<string, number> } {
  const spec = check.spec;
  const judged = measured.map((m) => ({ m, r: evaluatePassIf(spec.pass_if, m.observed) }));
  const missing = judged.find((j) => j.r.missing.length);
  if (missing) return { missing: missing.r.missing, observed: missing.m.observed };
  const passing = judged.filter((j) => j.r.pass);
  const pass = spec.across === "all" ? passing.length === judged.length : passing.length > 0;
  const shown = pass ? (passing[0] ?? judged[0]!) : (judged.find((j) => !j.r.pass) ?? judged[0]!);
  const subject = judged.length > 1 ? `${spec.across === "all" ? "all" : pass ? "one" : "no"} of ${judged.length} series (${shown.m.subject}): ` : "";
  return { pass, text: `${subject}${shown.r.parts.join("; ")}`, observed: shown.m.observed, passing: passing.map((j) => j.m.subject) };
}

/** How far back a condition that held before the onset is followed before it is taken for the stack's usual state. */
const BACKGROUND_LOOKBACK_MS = 24 * 3_600_000;

/** When a condition began, relative to the onset: `between 3 h and 1.5 h before the onset`. */
function began(range: TimeRange, onset: number): string {
  const ago = (t: number) => {
    const min = Math.round((onset - t) / 60_000);
    return min < 120 ? `${min} min` : `${Math.round(min / 6) / 10} h`;
  };
  return `between ${ago(range.start)} and ${ago(range.end)} before the onset`;
}

/** Primitives whose verdict is a state within the window, which a window before the onset can show too. */
const BASELINED = new Set(["count", "threshold", "oscillation", "growth", "skew", "schema_diff"]);

/**
 * The baseline of a check: a window as long as its own that ends where the incident's data begins
 * (its start, or the onset when earlier). Changes, step changes (which compare around the onset
 * themselves), current-state records (pools) and the alert itself have none.
 */
export function baselineRange(check: Check, range: TimeRange): TimeRange | null {
  // A check the LLM wrote is always compared with the windows before (see CheckRunner.background).
  if (!BASELINED.has(check.primitive) && !check.proposedBy) return null;
  if ((check.capability === "changes" && !check.proposedBy) || check.capability === "alerts") return null;
  if ((check.query as { kind?: string }).kind === "pools") return null;
  const len = range.end - range.start;
  const end = Math.min(range.start, check.onset ?? range.start);
  return { start: end - len, end };
}

/** Keeps evidence files small: at most 240 points per series, evenly spaced. */
function thin(s: Series): Series {
  if (s.points.length <= 240) return s;
  const stride = Math.ceil(s.points.length / 240);
  return { labels: s.labels, points: s.points.filter((_, i) => i % stride === 0) };
}

/** Rejects when the signal aborts, even if the backend ignores it. */
function withSignal<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}
