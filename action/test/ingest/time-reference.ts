import { kind, quote } from "../../src/ingest/sources/fields.js";
import { ParseError } from "../../src/ingest/sources/types.js";

/**
 * `time()` as it was before its fast path for canonical texts (ingest/sources/time.ts), kept
 * unchanged so a property test can hold the fast one to exactly the same answers and errors.
 */

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|UTC|[+-]\d{2}(?::?\d{2})?)?$/;

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
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || Number(h) > 23 || Number(mi) > 59 || Number(sec) > 60) return null;
  const ms = Number(frac.padEnd(3, "0").slice(0, 3));
  let t = Date.UTC(year, month - 1, day, Number(h), Number(mi), Number(sec), ms);
  if (year < 100) t = new Date(t).setUTCFullYear(year);
  if (zone !== "Z" && zone !== "z" && zone !== "UTC") {
    const sign = zone.startsWith("-") ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    const offset = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || "0");
    t -= sign * offset * 60_000;
  }
  return t;
}

export function referenceTime(value: unknown, field: string): string | null {
  if (value === undefined || value === null || value === "" || value === 0 || value === "0") return null;
  if (typeof value === "string" && value.startsWith("0001-01-01")) return null;
  let t: number | null = null;
  if (typeof value === "number") t = Number.isFinite(value) ? fromEpoch(value) : null;
  else if (typeof value === "string") {
    const s = value.trim();
    t = /^-?\d+(\.\d+)?$/.test(s) ? fromEpoch(Number(s)) : fromIso(s);
    if (t !== null && s.startsWith("0001-01-01")) return null;
  } else throw new ParseError(field, `expected a time, got ${kind(value)}`);
  if (t === null || !Number.isFinite(t)) {
    throw new ParseError(field, `expected an RFC 3339 time or epoch number, got ${typeof value === "string" ? quote(value) : String(value)}`);
  }
  const date = new Date(t);
  const year = date.getUTCFullYear();
  if (year < 1970 || year > 9999) throw new ParseError(field, `time is out of range (year ${year})`);
  return date.toISOString();
}
