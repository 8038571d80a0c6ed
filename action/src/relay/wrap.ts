import type { RelaySource } from "./config.js";
import type { Headers } from "./verify.js";

/** The event_type the Investigate workflow listens for (`repository_dispatch: types: [pipemedic-alert]`). */
export const EVENT_TYPE = "pipemedic-alert";

/** GitHub refuses a dispatch body of 64 KB or more ("the total size of the JSON payload must be less than 64KB"). */
export const DISPATCH_LIMIT_BYTES = 64 * 1024;

/**
 * The client_payload the relay sends: keys the Action's dispatch unwrapping knows
 * (ingest/sources/dispatch.ts), well under GitHub's 10. `delivery` is the relay's id of the
 * webhook (with `:<part>/<parts>` when it was split), the same id the relay logs.
 */
export interface ClientPayload {
  source: RelaySource;
  /** The source's body as received (parsed JSON), or its text when it is not JSON, so the Action records why. */
  payload: unknown;
  /** Only the request headers the source's adapter reads. */
  headers?: Record<string, string>;
  received_at: string;
  delivery: string;
}

/** One `POST /repos/{owner}/{repo}/dispatches` body. */
export interface DispatchBody {
  event_type: string;
  client_payload: ClientPayload;
}

/** The headers each source's adapter needs besides the body. */
const FORWARDED_HEADERS: Readonly<Record<RelaySource, readonly string[]>> = {
  sentry: ["sentry-hook-resource"],
  alertmanager: [],
  grafana: [],
  pagerduty: [],
  "dbt-cloud": [],
};

/** Fields of a Sentry event that are large and that no adapter reads; dropped only when the body would not fit. */
const SENTRY_BULK = [
  "exception",
  "threads",
  "stacktrace",
  "breadcrumbs",
  "contexts",
  "request",
  "modules",
  "extra",
  "sdk",
  "debug_meta",
  "_meta",
  "entries",
  "user",
];

export type Wrapped = { ok: true; bodies: DispatchBody[]; trimmed: string[] } | { ok: false; reason: string };

/** Bytes of a value's JSON text. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), "utf8");
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function parseBody(raw: Buffer): unknown {
  const text = raw.toString("utf8");
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Not JSON: forwarded as text, so the Action records the body as unparsed with the reason.
    return text;
  }
}

/**
 * Packs an Alertmanager-shaped group (Alertmanager, Grafana unified alerting) into as few bodies as
 * fit, each a complete notification of the same group with a subset of its alerts and the group
 * status recomputed. Fewer parts mean fewer workflow runs for one notification.
 */
function splitGroup(
  group: Record<string, unknown> & { alerts: unknown[] },
  wrap: (payload: unknown, delivery: string) => DispatchBody,
  delivery: string,
): DispatchBody[] | null {
  // The id of the last part is the longest; "resolved" is the longer status: the estimate is an upper bound.
  const reserve = `${delivery}:${group.alerts.length}/${group.alerts.length}`;
  const base = jsonBytes(wrap({ ...group, status: "resolved", alerts: [] }, reserve));
  const chunks: unknown[][] = [];
  let current: unknown[] = [];
  let size = base;
  for (const alert of group.alerts) {
    const add = jsonBytes(alert) + (current.length ? 1 : 0);
    if (size + add >= DISPATCH_LIMIT_BYTES) {
      if (!current.length) return null; // one alert alone does not fit
      chunks.push(current);
      current = [];
      size = base + jsonBytes(alert);
    } else size += add;
    current.push(alert);
  }
  if (current.length) chunks.push(current);
  return chunks.map((alerts, i) => {
    const firing = alerts.some((a) => isRecord(a) && a.status !== "resolved");
    return wrap({ ...group, status: firing ? "firing" : "resolved", alerts }, `${delivery}:${i + 1}/${chunks.length}`);
  });
}

/** A copy of a Sentry body without the event's bulky fields, and the paths dropped. */
function trimSentry(body: Record<string, unknown>): { body: Record<string, unknown>; trimmed: string[] } {
  const trimmed: string[] = [];
  const strip = (event: unknown, path: string): unknown => {
    if (!isRecord(event)) return event;
    const copy = { ...event };
    for (const key of SENTRY_BULK) {
      if (key in copy) {
        delete copy[key];
        trimmed.push(`${path}.${key}`);
      }
    }
    return copy;
  };
  const out = { ...body };
  if (isRecord(out.data)) out.data = { ...out.data, event: strip(out.data.event, "data.event") };
  if (isRecord(out.event)) out.event = strip(out.event, "event"); // the legacy plugin's shape
  return { body: out, trimmed };
}

/**
 * Wraps one verified webhook into repository_dispatch bodies, each under 64 KB: a large
 * Alertmanager or Grafana group is split by alerts, a large Sentry event loses its stack traces and
 * breadcrumbs; anything else that does not fit is refused with the reason.
 */
export function wrapWebhook(source: RelaySource, raw: Buffer, headers: Headers, meta: { receivedAt: string; delivery: string }): Wrapped {
  const forwarded: Record<string, string> = {};
  for (const name of FORWARDED_HEADERS[source]) {
    const value = headers[name];
    if (value !== undefined) forwarded[name] = value;
  }
  const wrap = (payload: unknown, delivery: string): DispatchBody => ({
    event_type: EVENT_TYPE,
    client_payload: {
      source,
      payload,
      ...(Object.keys(forwarded).length ? { headers: forwarded } : {}),
      received_at: meta.receivedAt,
      delivery,
    },
  });
  const payload = parseBody(raw);
  const whole = wrap(payload, meta.delivery);
  const size = jsonBytes(whole);
  if (size < DISPATCH_LIMIT_BYTES) return { ok: true, bodies: [whole], trimmed: [] };

  if ((source === "alertmanager" || source === "grafana") && isRecord(payload) && Array.isArray(payload.alerts) && payload.alerts.length > 1) {
    const parts = splitGroup(payload as Record<string, unknown> & { alerts: unknown[] }, wrap, meta.delivery);
    if (parts) return { ok: true, bodies: parts, trimmed: [] };
    return { ok: false, reason: `one alert of the group is ${DISPATCH_LIMIT_BYTES} bytes or more once wrapped; shorten its annotations` };
  }
  if (source === "sentry" && isRecord(payload)) {
    const { body, trimmed } = trimSentry(payload);
    const slim = wrap(body, meta.delivery);
    if (jsonBytes(slim) < DISPATCH_LIMIT_BYTES) return { ok: true, bodies: [slim], trimmed };
  }
  return {
    ok: false,
    reason: `the wrapped body is ${size} bytes and GitHub accepts repository_dispatch bodies under ${DISPATCH_LIMIT_BYTES} bytes; this ${source} body cannot be split`,
  };
}
