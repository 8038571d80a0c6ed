import type { Alert, Delivery, Source } from "../model/index.js";
import { adapterFor, detectSource } from "./detect.js";
import { asciiExcerpt, isRecord, jsonProblem, kind, MAX_ITEMS } from "./sources/fields.js";
import { unwrapDispatch, type Unwrapped } from "./sources/dispatch.js";
import { genericMatches } from "./sources/generic.js";
import { inferAlerts } from "./sources/inferred.js";
import { GenericMappingSchema, type GenericMapping, type GenericMappingInput } from "./sources/generic-mapping.js";
import { ParseError, type SourceAdapter } from "./sources/types.js";

/**
 * Alerts of one source, or the reason the body was rejected (recorded under incidents/_unparsed/).
 * `inferred` is set when no source recognized the body and its alerts were read from fields that
 * look like an alert's (sources/inferred.ts): the body is then recorded under incidents/_unparsed/
 * as well, for a human to map.
 */
export type IngestOutcome = { ok: true; source: Source; alerts: Alert[]; inferred?: { fields: string[]; list: string | null } } | { ok: false; reason: string };

/** How to read a delivery; every field is optional. */
export interface NormalizeOptions {
  /** Use this source's adapter instead of detecting one. */
  source?: Source;
  /**
   * The `generic` source's field mapping (validated here with GenericMappingSchema); a body its
   * `detect` rule matches, or that no other adapter recognizes, is read through it.
   */
  generic?: GenericMapping | GenericMappingInput;
  /** Bodies larger than this many bytes are rejected; repository_dispatch bodies are under 64 KB. */
  maxBytes?: number;
}

/** repository_dispatch refuses a client_payload of 64 KB or more, so nothing larger arrives by that road. */
export const DEFAULT_MAX_BYTES = 64 * 1024;
/** Deeper nesting than any source sends; deeper bodies are hostile or broken. */
export const MAX_DEPTH = 32;
const MAX_NODES = 200_000;

/** The problem with a parsed body's shape (too deep, too many values), or null. */
function shapeProblem(value: unknown): string | null {
  const count = { nodes: 0 };
  return visit(value, 1, count);
}

/**
 * Visits `v` at depth `d`, then its children last to first (the order of a stack walk, so a body
 * that breaks both limits gets the same reason). Recursion stops at MAX_DEPTH, and nothing is
 * allocated per value: this runs over every value of every body.
 */
function visit(v: unknown, d: number, count: { nodes: number }): string | null {
  if (d > MAX_DEPTH) return `body nests deeper than ${MAX_DEPTH} levels`;
  if (++count.nodes > MAX_NODES) return `body holds more than ${MAX_NODES} values`;
  if (v === null || typeof v !== "object") return null;
  const children: readonly unknown[] = Array.isArray(v) ? v : Object.values(v);
  for (let i = children.length - 1; i >= 0; i--) {
    const c = children[i];
    // A scalar child is counted here, without a call.
    if (c !== null && typeof c === "object") {
      const problem = visit(c, d + 1, count);
      if (problem) return problem;
    } else {
      if (d + 1 > MAX_DEPTH) return `body nests deeper than ${MAX_DEPTH} levels`;
      if (++count.nodes > MAX_NODES) return `body holds more than ${MAX_NODES} values`;
    }
  }
  return null;
}

/** Header names lower-cased, values as strings. */
function lowerHeaders(headers: unknown): Record<string, string> {
  if (!isRecord(headers)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (typeof v === "string") out[k.toLowerCase()] = v;
  return out;
}

function topKeys(body: unknown): string {
  if (!isRecord(body)) return kind(body);
  const keys = Object.keys(body);
  return keys.length
    ? `top-level keys: ${keys
        .slice(0, 10)
        .map((k) => asciiExcerpt(k, 30))
        .join(", ")}${keys.length > 10 ? ", ..." : ""}`
    : "an empty object";
}

function reject(reason: string): IngestOutcome {
  return { ok: false, reason };
}

function run(delivery: Delivery, options: NormalizeOptions): IngestOutcome {
  let mapping: GenericMapping | undefined;
  if (options.generic !== undefined) {
    const parsed = GenericMappingSchema.safeParse(options.generic);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return reject(`generic mapping: ${["generic", ...(issue?.path ?? [])].join(".")}: ${issue?.message ?? "invalid"}; fix it in .github/pipemedic.yml`);
    }
    mapping = parsed.data;
  }
  if (typeof delivery.body !== "string") return reject(`body is ${kind(delivery.body)}, expected the webhook's text`);
  const max = typeof options.maxBytes === "number" && options.maxBytes > 0 ? options.maxBytes : DEFAULT_MAX_BYTES;
  const size = Buffer.byteLength(delivery.body, "utf8");
  if (size > max)
    return reject(`body is ${size} bytes, over the ${max}-byte limit; send fewer alerts per notification (Alertmanager max_alerts) or raise the limit`);
  if (!delivery.body.trim()) return reject("body is empty");
  let parsed: unknown;
  try {
    parsed = JSON.parse(delivery.body);
  } catch (err) {
    return reject(`body is not JSON (${jsonProblem(err)})`);
  }
  if (!isRecord(parsed) && !Array.isArray(parsed)) return reject(`body is a JSON ${kind(parsed)}, expected an object`);
  const shape = shapeProblem(parsed);
  if (shape) return reject(shape);

  let inner: Unwrapped;
  try {
    inner = unwrapDispatch(parsed, lowerHeaders(delivery.headers));
  } catch (err) {
    if (err instanceof ParseError) return reject(`dispatch: ${err.message}`);
    throw err;
  }
  if (inner.dispatched) {
    const innerShape = shapeProblem(inner.body);
    if (innerShape) return reject(`dispatch: client_payload.payload: ${innerShape.replace(/^body /, "")}`);
  }

  // A mapping with its own detect rule is the operator's explicit word and goes first; without one, generic is the fallback.
  const wanted =
    options.source ??
    inner.source ??
    (mapping?.detect && genericMatches(inner.body, mapping) ? "generic" : null) ??
    detectSource(inner.body, inner.headers) ??
    (mapping && !mapping.detect && genericMatches(inner.body, mapping) ? "generic" : null);
  if (!wanted) {
    // Nothing recognizes the body: read it by its field names when it looks like alerts (kept under _unparsed/ all the same).
    const inferred = inferAlerts(inner.body, { delivery: delivery.id, receivedAt: delivery.receivedAt, headers: inner.headers });
    if (inferred) return { ok: true, source: "generic", alerts: inferred.alerts, inferred: { fields: inferred.fields, list: inferred.list } };
    const hint = delivery.sourceHint ? ` (the file name suggests ${asciiExcerpt(delivery.sourceHint, 30)})` : "";
    return reject(
      `unknown payload shape: no source recognizes it${hint}; ${topKeys(inner.body)}; see docs/sources.md for the accepted shapes, or configure a generic mapping`,
    );
  }
  const adapter: SourceAdapter | undefined = adapterFor(wanted);
  if (!adapter) return reject(`${wanted}: no adapter for this source`);
  let alerts: Alert[];
  try {
    alerts = adapter.parse(inner.body, {
      delivery: delivery.id,
      receivedAt: delivery.receivedAt,
      headers: inner.headers,
      ...(mapping ? { generic: mapping } : {}),
    });
  } catch (err) {
    if (err instanceof ParseError) return reject(`${adapter.source}: ${err.message}`);
    return reject(`${adapter.source}: unexpected payload shape (${err instanceof Error ? asciiExcerpt(`${err.name}: ${err.message}`, 120) : "unknown error"})`);
  }
  if (!alerts.length) return reject(`${adapter.source}: the payload holds no alerts`);
  if (alerts.length > MAX_ITEMS) return reject(`${adapter.source}: ${alerts.length} alerts in one body, over the limit of ${MAX_ITEMS}`);
  return { ok: true, source: adapter.source, alerts };
}

/**
 * Normalizes one delivery into validated alerts, or a rejection naming the problem and, where it
 * can, the field. Never throws: whatever the body, the caller gets alerts or a reason to record.
 */
export function normalize(delivery: Delivery, options: NormalizeOptions = {}): IngestOutcome {
  try {
    return run(delivery, options);
  } catch (err) {
    return reject(
      `could not normalize the delivery (${err instanceof Error ? asciiExcerpt(`${err.name}: ${err.message}`, 120) : "unknown error"}); this is a Pipemedic bug, please report it`,
    );
  }
}

export { detectSource } from "./detect.js";
