import type { Alert, Delivery, Source } from "../model/index.js";
import { ADAPTERS, detectSource } from "./detect.js";
import { ParseError } from "./sources/types.js";

export type IngestOutcome = { ok: true; source: Source; alerts: Alert[] } | { ok: false; reason: string };

export interface NormalizeOptions {
  /** Force a source instead of detecting it. */
  source?: Source;
  /** Bodies larger than this are rejected (bytes); repository_dispatch bodies are under 64 KB. */
  maxBytes?: number;
}

const MAX_DEPTH = 32;
const MAX_ALERTS = 1000;

function depth(value: unknown, limit: number): number {
  const stack: Array<[unknown, number]> = [[value, 1]];
  let max = 0;
  while (stack.length) {
    const [v, d] = stack.pop()!;
    max = Math.max(max, d);
    if (max > limit) return max;
    if (v && typeof v === "object") for (const c of Object.values(v)) stack.push([c, d + 1]);
  }
  return max;
}

/**
 * Unwraps a repository_dispatch body: `client_payload` is either the source body itself or
 * `{source?, payload: <object | JSON string>, headers?}`.
 */
function unwrap(body: unknown, headers: Record<string, string>): { body: unknown; headers: Record<string, string>; source?: string } {
  if (!body || typeof body !== "object" || !("client_payload" in body) || !("event_type" in body)) return { body, headers };
  const cp = (body as { client_payload: unknown }).client_payload;
  if (cp && typeof cp === "object" && "payload" in cp) {
    const w = cp as { payload: unknown; source?: unknown; headers?: unknown };
    let payload = w.payload;
    if (typeof payload === "string") payload = JSON.parse(payload);
    const extra = w.headers && typeof w.headers === "object" ? Object.fromEntries(Object.entries(w.headers).map(([k, v]) => [k.toLowerCase(), String(v)])) : {};
    return { body: payload, headers: { ...headers, ...extra }, ...(typeof w.source === "string" ? { source: w.source } : {}) };
  }
  return { body: cp, headers };
}

/** Normalizes one delivery into alerts, or a rejection naming the problem. Never throws. */
export function normalize(delivery: Delivery, options: NormalizeOptions = {}): IngestOutcome {
  const max = options.maxBytes ?? 64 * 1024;
  const size = Buffer.byteLength(delivery.body, "utf8");
  if (size > max) return { ok: false, reason: `body is ${size} bytes, over the ${max}-byte limit; split the notification or raise the limit` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(delivery.body);
  } catch (err) {
    return { ok: false, reason: `body is not valid JSON (${(err as Error).message})` };
  }
  if (depth(parsed, MAX_DEPTH) > MAX_DEPTH) return { ok: false, reason: `body nests deeper than ${MAX_DEPTH} levels` };
  const headers = Object.fromEntries(Object.entries(delivery.headers).map(([k, v]) => [k.toLowerCase(), v]));
  let inner: ReturnType<typeof unwrap>;
  try {
    inner = unwrap(parsed, headers);
  } catch (err) {
    return { ok: false, reason: `client_payload.payload is a string but not valid JSON (${(err as Error).message})` };
  }
  const wanted = options.source ?? (inner.source as Source | undefined) ?? detectSource(inner.body, inner.headers);
  const adapter = ADAPTERS.find((a) => a.source === wanted);
  if (!adapter) {
    return {
      ok: false,
      reason: wanted
        ? `no adapter for source "${wanted}"`
        : `unknown payload shape: no source recognizes it (top-level keys: ${inner.body && typeof inner.body === "object" ? Object.keys(inner.body).slice(0, 10).join(", ") || "none" : typeof inner.body}); see docs/sources.md`,
    };
  }
  try {
    const alerts = adapter.parse(inner.body, { delivery: delivery.id, receivedAt: delivery.receivedAt, headers: inner.headers });
    if (!alerts.length) return { ok: false, reason: `${adapter.source}: the payload holds no alerts` };
    if (alerts.length > MAX_ALERTS) return { ok: false, reason: `${adapter.source}: ${alerts.length} alerts in one body, over the ${MAX_ALERTS} limit` };
    return { ok: true, source: adapter.source, alerts };
  } catch (err) {
    const reason = err instanceof ParseError ? err.message : `unexpected payload (${err instanceof Error ? err.message : String(err)})`;
    return { ok: false, reason: `${adapter.source}: ${reason}` };
  }
}
