import { SourceSchema, type Source } from "../../model/index.js";
import { isRecord, jsonProblem, kind, quote, stringMap } from "./fields.js";
import { ParseError } from "./types.js";

/** Keys of a repository_dispatch body as sent to the API, or of the event GitHub hands the workflow. */
const ENVELOPE_KEYS = new Set(["event_type", "client_payload", "action", "branch", "repository", "sender", "installation", "organization", "enterprise"]);

/**
 * Keys of the `{source?, payload, headers?}` wrapper. `fingerprint`, `severity`, `title`, `links`,
 * `received_at` and `delivery` may sit beside the payload for the workflow's own use (a
 * `concurrency` group per fingerprint); they are accepted and ignored, because the payload is the truth.
 */
const WRAPPER_KEYS = new Set(["source", "payload", "headers", "fingerprint", "severity", "title", "links", "received_at", "receivedAt", "delivery"]);

/** A source body taken out of its repository_dispatch envelope (or the body itself). */
export interface Unwrapped {
  /** The source body. */
  body: unknown;
  /** The delivery's headers merged with the wrapper's `headers`, names lower-cased. */
  headers: Record<string, string>;
  /** The source the wrapper declares, if any. */
  source?: Source;
  /** True when the body was a repository_dispatch envelope. */
  dispatched: boolean;
}

/** True for a whole repository_dispatch body: `{"event_type": …, "client_payload": …}` (or the workflow's event). */
export function isDispatch(body: unknown): body is Record<string, unknown> {
  return isRecord(body) && "client_payload" in body && Object.keys(body).every((k) => ENVELOPE_KEYS.has(k));
}

/**
 * Unwraps a repository_dispatch body. `client_payload` is either the source body itself or
 * `{source?, payload: <object | JSON string>, headers?}`; anything else is returned unchanged.
 */
export function unwrapDispatch(body: unknown, headers: Record<string, string>): Unwrapped {
  if (!isDispatch(body)) return { body, headers, dispatched: false };
  const cp = body.client_payload;
  if (!isRecord(cp)) throw new ParseError("client_payload", `expected an object (the alert body or {source, payload, headers}), got ${kind(cp)}`);
  const keys = Object.keys(cp);
  if (!("payload" in cp) || !keys.every((k) => WRAPPER_KEYS.has(k)) || (cp.source !== undefined && typeof cp.source !== "string")) {
    return { body: cp, headers, dispatched: true };
  }
  let source: Source | undefined;
  if (cp.source !== undefined) {
    const parsed = SourceSchema.safeParse(String(cp.source).trim().toLowerCase());
    if (!parsed.success) {
      throw new ParseError("client_payload.source", `unknown source ${quote(String(cp.source))}; expected one of ${SourceSchema.options.join(", ")}`);
    }
    source = parsed.data;
  }
  let payload = cp.payload;
  if (typeof payload === "string") {
    try {
      payload = JSON.parse(payload) as unknown;
    } catch (err) {
      throw new ParseError("client_payload.payload", `a string that is not valid JSON (${jsonProblem(err)}); send the body as an object or as its JSON text`);
    }
  }
  if (!isRecord(payload) && !Array.isArray(payload)) {
    throw new ParseError("client_payload.payload", `expected the source's body (an object, or a JSON string of one), got ${kind(payload)}`);
  }
  const extra = stringMap(cp.headers, "client_payload.headers");
  const merged = { ...headers };
  for (const [k, v] of Object.entries(extra)) merged[k.toLowerCase()] = v;
  return { body: payload, headers: merged, ...(source ? { source } : {}), dispatched: true };
}
