import { kind, quote } from "./fields.js";
import { ParseError } from "./types.js";

/**
 * Timestamps as sources send them, turned into RFC 3339 UTC with milliseconds. Date.parse is not
 * used on its own: it accepts text such as "garbage 2020" and reads zone-less times in the host's
 * zone, which would make alert ids depend on the machine.
 */

declare const timestampBrand: unique symbol;
/** RFC 3339 UTC with milliseconds as `time()` writes it (`2026-03-14T01:52:27.531Z`); only `time()` makes one. */
export type Timestamp = string & { readonly [timestampBrand]: true };

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|UTC|[+-]\d{2}(?::?\d{2})?)?$/;

/** Epoch numbers: seconds, milliseconds, microseconds or nanoseconds, told apart by magnitude (Opsgenie mixes ms and ns). */
function fromEpoch(n: number): number {
  const abs = Math.abs(n);
  if (abs < 1e11) return n * 1000;
  if (abs < 1e14) return n;
  if (abs < 1e17) return n / 1e3;
  return n / 1e6;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** The shape nearly every source sends; Date.parse reads it exactly, once the day is known to exist. */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

function fromIso(s: string): number | null {
  const fast = RFC3339.exec(s);
  if (fast) {
    const year = Number(fast[1]);
    const month = Number(fast[2]);
    const day = Number(fast[3]);
    if (year >= 1970 && month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month)) return Date.parse(s);
  }
  const m = ISO.exec(s);
  if (!m) return null;
  const [, y, mo, d, h = "0", mi = "0", sec = "0", frac = "", zone = "Z"] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  // Date.UTC would roll 2026-02-31 over to March; impossible dates are rejected instead.
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || Number(h) > 23 || Number(mi) > 59 || Number(sec) > 60) return null;
  const ms = Number(frac.padEnd(3, "0").slice(0, 3));
  let t = Date.UTC(year, month - 1, day, Number(h), Number(mi), Number(sec), ms);
  if (year < 100) t = new Date(t).setUTCFullYear(year);
  if (zone !== "Z" && zone !== "z" && zone !== "UTC") {
    // "+0000" (CloudWatch) as well as "+00:00".
    const sign = zone.startsWith("-") ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    const offset = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || "0");
    t -= sign * offset * 60_000;
  }
  return t;
}

/** The value of `len` decimal digits of `s` from `at`, or -1 when one of them is not a digit. */
function digits(s: string, at: number, len: number): number {
  let n = 0;
  for (let i = at; i < at + len; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * `s` as `time()` returns it when `s` already has that form, `2026-03-14T01:52:27.531Z`, or the
 * same without milliseconds (what Alertmanager and most sources send): read without a regular
 * expression or a Date. Null for anything else, which the general path reads.
 */
function canonical(s: string): Timestamp | null {
  const n = s.length;
  if (n !== 24 && n !== 20) return null;
  if (s[4] !== "-" || s[7] !== "-" || s[10] !== "T" || s[13] !== ":" || s[16] !== ":" || s[n - 1] !== "Z") return null;
  if (n === 24 && (s[19] !== "." || digits(s, 20, 3) < 0)) return null;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  // -1 (not all digits) fails every range; years before 1970 take the general path, and its error.
  if (year < 1970 || month < 1 || month > 12) return null;
  const day = digits(s, 8, 2);
  if (day < 1 || day > daysIn(year, month)) return null;
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const second = digits(s, 17, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return null;
  return (n === 24 ? s : `${s.slice(0, 19)}.000Z`) as Timestamp;
}

/**
 * An RFC 3339 time, or null when absent, empty or Go's zero time (`0001-01-01T00:00:00Z`, which
 * Alertmanager sends for "unset"). Accepts ISO 8601 with or without a colon in the offset, and epoch
 * numbers or numeric strings in s/ms/µs/ns. Zone-less times are read as UTC. Anything else is a ParseError.
 */
export function time(value: unknown, field: string): Timestamp | null {
  if (value === undefined || value === null || value === "" || value === 0 || value === "0") return null;
  if (typeof value === "string" && value.startsWith("0001-01-01")) return null;
  let t: number | null = null;
  if (typeof value === "number") t = Number.isFinite(value) ? fromEpoch(value) : null;
  else if (typeof value === "string") {
    const s = value.trim();
    const fast = canonical(s);
    if (fast !== null) return fast;
    t = /^-?\d+(\.\d+)?$/.test(s) ? fromEpoch(Number(s)) : fromIso(s);
    if (t !== null && s.startsWith("0001-01-01")) return null;
  } else throw new ParseError(field, `expected a time, got ${kind(value)}`);
  if (t === null || !Number.isFinite(t)) {
    throw new ParseError(field, `expected an RFC 3339 time or epoch number, got ${typeof value === "string" ? quote(value) : String(value)}`);
  }
  const date = new Date(t);
  const year = date.getUTCFullYear();
  if (year < 1970 || year > 9999) throw new ParseError(field, `time is out of range (year ${year})`);
  return date.toISOString() as Timestamp;
}
