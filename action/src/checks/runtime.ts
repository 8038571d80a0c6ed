import pLimit from "p-limit";
import type { Check, Evidence, Progress, Series, Telemetry } from "../model/index.js";
import { evaluatePassIf } from "./compare.js";
import { primitives, recordThreshold, type Measurement, type TelemetryRecord } from "./primitives/index.js";
import { applyWhere, fromChanges, fromEvents, fromLogs, fromObjects } from "./records.js";
import { aggregate, toRate } from "./series.js";

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
      }[check.capability]();
      // A failed fetch must not poison later checks that could retry it.
      call.catch(() => this.cache.delete(key));
      this.cache.set(key, call);
      hit = call as Promise<T>;
    }
    return hit;
  }

  private async evaluate(
    check: Check,
    base: Omit<Evidence, "verdict" | "finding" | "observed" | "data" | "ms">,
    signal: AbortSignal,
    t0: number,
  ): Promise<Evidence> {
    const spec = check.spec;
    const range = check.query as { start: number; end: number };
    const ctx = { spec, start: range.start, end: range.end, onset: check.onset };
    const impl = primitives[check.primitive];
    let measured: Measurement[] | { noData: string };
    let data: unknown;
    let matched: TelemetryRecord[] = [];
    if (check.capability === "metrics") {
      let series = await this.fetch<Series[]>(check, signal);
      if (spec.rate) series = series.map(toRate);
      if (spec.aggregate !== "none") series = aggregate(series, spec.aggregate);
      data = { series: series.slice(0, 10).map(thin) };
      measured = impl.input === "series" ? impl.measure(series, ctx) : { noData: `${check.primitive} does not read metrics` };
    } else {
      let records = await this.records(check, signal);
      records = applyWhere(records, (spec.orchestrator ?? spec.warehouse)?.where);
      if (spec.match) {
        const re = new RegExp(spec.match, "i");
        records = records.filter((r) => re.test(r.text));
      }
      data = { records: records.slice(0, 20).map((r) => ({ at: r.at === null ? null : new Date(r.at).toISOString(), label: r.label })), total: records.length };
      const out =
        check.primitive === "threshold"
          ? recordThreshold.measure(records, ctx)
          : impl.input === "records"
            ? impl.measure(records, ctx)
            : { noData: `${check.primitive} does not read ${check.capability}` };
      if ("noData" in out) measured = out;
      else {
        measured = [out.measurement];
        matched = out.matched;
      }
    }
    const ms = () => Date.now() - t0;
    if ("noData" in measured) {
      return { ...base, verdict: "inconclusive", finding: `inconclusive: ${measured.noData}`, observed: {}, data, ms: ms(), reason: measured.noData };
    }
    const passIf = spec.pass_if as Record<string, string>;
    const judged = measured.map((m) => ({ m, r: evaluatePassIf(passIf, m.observed) }));
    const missing = judged.find((j) => j.r.missing.length);
    if (missing) {
      const reason = `the data gave no ${missing.r.missing.join(", ")}`;
      return { ...base, verdict: "inconclusive", finding: `inconclusive: ${reason}`, observed: missing.m.observed, data, ms: ms(), reason };
    }
    const passing = judged.filter((j) => j.r.pass);
    const pass = spec.across === "all" ? passing.length === judged.length : passing.length > 0;
    const shown = pass ? (passing[0] ?? judged[0]!) : (judged.find((j) => !j.r.pass) ?? judged[0]!);
    const subject = judged.length > 1 ? `${spec.across === "all" ? "all" : pass ? "one" : "no"} of ${judged.length} series (${shown.m.subject}): ` : "";
    const finding = `${check.title}: ${subject}${shown.r.parts.join("; ")}`;
    const evidence: Evidence = {
      ...base,
      verdict: pass ? "pass" : "fail",
      finding,
      observed: shown.m.observed,
      data,
      ms: ms(),
    };
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
      default:
        return [];
    }
  }
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

