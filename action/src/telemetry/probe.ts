import type { Capability, Telemetry } from "../model/index.js";

/** What one question to a backend gave: an answer (with a count), or the error it met. */
export interface ProbeResult {
  capability: Capability;
  ok: boolean;
  /** "12 series", "3 pools", or the error's message. */
  detail: string;
  ms: number;
}

/** A question each kind of data answers cheaply over the last hour: nothing an investigation depends on, only whether the backend answers. */
const QUESTIONS: Partial<Record<Capability, (t: Telemetry, range: { start: number; end: number }, signal: AbortSignal) => Promise<string>>> = {
  metrics: async (t, r, s) => `${(await t.metrics({ ...r, name: "up", matchers: [], stepMs: 60_000 }, s)).length} series of up`,
  logs: async (t, r, s) =>
    t.streams
      ? `${(await t.streams({ ...r, selector: {}, limit: 10 }, s)).length} log streams`
      : `${(await t.logs({ ...r, selector: {}, limit: 10 }, s)).length} log lines`,
  changes: async (t, r, s) => {
    const c = await t.changes(r, s);
    return `${c.commits.length} commits and ${c.deployments.length} deployments`;
  },
  events: async (t, r, s) => `${(await t.events(r, s)).length} events`,
  orchestrator: async (t, r, s) => `${(await t.orchestrator({ ...r, kind: "pools" }, s)).length} pools`,
  warehouse: async (t, r, s) => `${(await t.warehouse({ ...r, kind: "tables" }, s)).length} tables`,
};

/**
 * Asks a backend one cheap question per kind of data it says it answers, each within `timeoutMs`:
 * whether it works (reachable, credentials accepted, the API it expects) before an incident needs it.
 */
export async function probeTelemetry(telemetry: Telemetry, opts: { now: number; timeoutMs?: number }): Promise<ProbeResult[]> {
  const range = { start: opts.now - 3_600_000, end: opts.now };
  const out: ProbeResult[] = [];
  for (const capability of [...telemetry.capabilities].sort()) {
    const ask = QUESTIONS[capability];
    if (!ask) continue;
    const started = Date.now();
    const signal = AbortSignal.timeout(opts.timeoutMs ?? 10_000);
    try {
      const detail = await ask(telemetry, range, signal);
      out.push({ capability, ok: true, detail, ms: Date.now() - started });
    } catch (err) {
      const message = signal.aborted ? `no answer within ${Math.round((opts.timeoutMs ?? 10_000) / 1000)} s` : err instanceof Error ? err.message : String(err);
      out.push({ capability, ok: false, detail: message.split("\n")[0]!.slice(0, 300), ms: Date.now() - started });
    }
  }
  return out;
}
