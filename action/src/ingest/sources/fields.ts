import { ParseError } from "./types.js";

/**
 * Typed readers over untrusted JSON. Each names the field it reads, so a rejection says where the
 * payload went wrong (`alerts[3].labels: expected an object of strings, got number`). Reasons never
 * echo payload text except through `quote`, which keeps a short, inert excerpt.
 */

export type Obj = Record<string, unknown>;

/** Most entries an array may hold before the payload is rejected (alerts, records, tags). */
export const MAX_ITEMS = 1000;

/** C0 and C1 controls and DEL; tab, newline and carriage return are allowed in multi-line text. */
// eslint-disable-next-line no-control-regex -- finding control characters is what these patterns are for
const CONTROL_MULTILINE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
// eslint-disable-next-line no-control-regex -- finding control characters is what these patterns are for
const CONTROL_SINGLE_LINE = /[\u0000-\u001F\u007F-\u009F]/;
/** An unpaired UTF-16 surrogate cannot be written as UTF-8 and would be silently replaced downstream. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** The one key that would reach an object's prototype if ever assigned with `obj[key] = …`. */
const RESERVED_KEYS = new Set(["__proto__"]);

/** True for a plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** How a value's type reads in a rejection: `null`, `an array`, `number`, … */
export function kind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return typeof value;
}

/**
 * A short excerpt of payload text for a rejection reason or a log line: cut to `max` characters,
 * anything but plain ASCII letters, digits and a few marks replaced by `?`. (Reports render text
 * through report/markdown/inert.ts instead, which keeps Unicode and neutralises Markdown.)
 */
export function asciiExcerpt(value: string, max = 40): string {
  const cut = value.length > max ? `${value.slice(0, max)}…` : value;
  return cut.replace(/[^A-Za-z0-9 _.:/@+=(),'-]/g, "?").replace(/…$/, "...");
}

/** A short excerpt of untrusted text, quoted (see `asciiExcerpt`). */
export function quote(value: string): string {
  return `"${asciiExcerpt(value)}"`;
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]{0,63}(\.[A-Za-z_][A-Za-z0-9_-]{0,63}){0,4}$/;
/** Keys seen before and whether they are plain; field paths are built for every field read, so this is hot. */
const plainKeys = new Map<string, boolean>();

function isPlainKey(key: string): boolean {
  let plain = plainKeys.get(key);
  if (plain === undefined) {
    plain = PLAIN_KEY.test(key);
    if (plainKeys.size < 10_000) plainKeys.set(key, plain);
  }
  return plain;
}

/** The path of a child field: `alerts[3]`, `labels.severity`, `data.issue.title`, `labels["odd key"]` (odd keys made inert). */
export function at(parent: string, key: string | number): string {
  if (typeof key === "number") return `${parent}[${key}]`;
  if (!isPlainKey(key)) return `${parent}[${quote(key)}]`;
  return parent ? `${parent}.${key}` : key;
}

/** A plain object, or a ParseError naming the field. */
export function record(value: unknown, field: string): Obj {
  if (isRecord(value)) return value;
  throw new ParseError(field, `expected an object, got ${kind(value)}`);
}

/** A plain object, undefined when absent or null, or a ParseError naming the field. */
export function optRecord(value: unknown, field: string): Obj | undefined {
  return value === undefined || value === null ? undefined : record(value, field);
}

/** An array of at most `max` entries, or a ParseError naming the field. */
export function array(value: unknown, field: string, max = MAX_ITEMS): unknown[] {
  if (!Array.isArray(value)) throw new ParseError(field, `expected an array, got ${kind(value)}`);
  if (value.length > max) throw new ParseError(field, `${value.length} entries, over the limit of ${max}; split the notification`);
  return value;
}

/** An array, empty when absent or null. */
export function optArray(value: unknown, field: string, max = MAX_ITEMS): unknown[] {
  return value === undefined || value === null ? [] : array(value, field, max);
}

/** Anything that needs a closer look: a control character, tab or newline, or half of a surrogate pair. */
// eslint-disable-next-line no-control-regex -- a control character is one of the things it looks for
const SUSPECT = /[\u0000-\u001F\u007F-\u009F\uD800-\uDFFF]/;

/** True when text certainly passes `cleanText`, checked with one scan (the common case). */
export function plainText(value: string): boolean {
  return !SUSPECT.test(value);
}

/** Rejects text holding control characters or broken Unicode; returns it unchanged otherwise. */
export function cleanText(value: string, field: string, multiline = true): string {
  if (!SUSPECT.test(value)) return value;
  const control = (multiline ? CONTROL_MULTILINE : CONTROL_SINGLE_LINE).exec(value);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");
    throw new ParseError(field, `contains the control character U+${code}; remove it at the source`);
  }
  if (LONE_SURROGATE.test(value)) throw new ParseError(field, "contains an unpaired UTF-16 surrogate (broken Unicode)");
  return value;
}

/** A string (numbers and booleans are written out, as templated payloads often send them), or a ParseError. */
export function text(value: unknown, field: string, multiline = true): string {
  if (typeof value === "string") return cleanText(value, field, multiline);
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "boolean") return String(value);
  throw new ParseError(field, `expected a string, got ${kind(value)}`);
}

/** A non-empty string, or undefined when absent, null or blank; a wrong type is a ParseError. */
export function optText(value: unknown, field: string, multiline = true): string | undefined {
  if (value === undefined || value === null) return undefined;
  const s = text(value, field, multiline).trim();
  return s ? s : undefined;
}

/** A label name: single-line, not a prototype key. */
export function labelKey(key: string, field: string): string {
  cleanText(key, field, false);
  if (RESERVED_KEYS.has(key)) throw new ParseError(field, `"${key}" cannot be used as a label or annotation name`);
  return key;
}

/** A map of strings (labels, annotations). Numbers and booleans are written out, nulls skipped, anything else rejected. */
export function stringMap(value: unknown, field: string): Record<string, string> {
  return stringMapInto({}, value, field);
}

/**
 * `stringMap` written into `out` (its entries win over those `out` holds, and null ones leave them
 * as they are), so labels merged from several maps are copied once: `{...common, ...stringMap(v)}`
 * as `stringMapInto({...common}, v)`. Returns `out`.
 */
export function stringMapInto(out: Record<string, string>, value: unknown, field: string): Record<string, string> {
  if (value === undefined || value === null) return out;
  if (!isRecord(value)) throw new ParseError(field, `expected an object of strings, got ${kind(value)}`);
  const keys = Object.keys(value);
  if (keys.length > MAX_ITEMS) throw new ParseError(field, `${keys.length} keys, over the limit of ${MAX_ITEMS}`);
  for (const k of keys) {
    const v = value[k];
    // The field path is only built when something is wrong: labels are the bulk of every payload.
    if (typeof v === "string" && k !== "__proto__" && plainText(k) && plainText(v)) {
      out[k] = v;
      continue;
    }
    const f = at(field, k);
    labelKey(k, f);
    if (v === null || v === undefined) continue;
    if (typeof v === "object") throw new ParseError(f, `expected a string, got ${kind(v)}`);
    out[k] = text(v, f);
  }
  return out;
}

/** Sets `key` only when it is missing and the value is non-empty: source fields fill labels the sender did not set. */
export function fill(labels: Record<string, string>, key: string, value: string | undefined): void {
  if (value !== undefined && value !== "" && labels[key] === undefined) labels[key] = value;
}

/** `key:value` tags to labels; repeated keys keep every value, bare tags (such as `monitor`) carry no label. */
export function tagLabels(tags: string[]): Record<string, string> {
  const out = new Map<string, string[]>();
  for (const t of tags) {
    const i = t.indexOf(":");
    if (i <= 0) continue;
    const k = t.slice(0, i).trim();
    const v = t.slice(i + 1).trim();
    if (!/^[A-Za-z_][\w.\-/]*$/.test(k) || k === "__proto__") continue;
    out.set(k, [...(out.get(k) ?? []), v]);
  }
  return Object.fromEntries([...out].map(([k, v]) => [k, [...new Set(v)].join(",")]));
}

/** Why JSON.parse failed, without the excerpt of the input V8 puts in its message. */
export function jsonProblem(err: unknown): string {
  const message = err instanceof Error ? err.message : "";
  const position = /position (\d+)/.exec(message);
  if (/end of JSON input|Unterminated/i.test(message)) return "the JSON ends too early (truncated?)";
  return position ? `invalid JSON at byte offset ${position[1]}` : "invalid JSON";
}
