import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { time } from "../../src/ingest/sources/time.js";
import { ParseError } from "../../src/ingest/sources/types.js";
import { referenceTime } from "./time-reference.js";

describe("time", () => {
  it.each([
    ["2026-03-14T01:52:27.531Z", "2026-03-14T01:52:27.531Z"],
    ["2018-03-07T06:33:21.873077559-05:00", "2018-03-07T11:33:21.873Z"],
    ["2015-06-03T17:43:27.123+0000", "2015-06-03T17:43:27.123Z"],
    ["2023-01-31T21:15:20.419714619Z", "2023-01-31T21:15:20.419Z"],
    ["2026-03-14 01:52:27", "2026-03-14T01:52:27.000Z"],
    ["2026-03-14T01:52:27", "2026-03-14T01:52:27.000Z"],
    ["2026-03-14", "2026-03-14T00:00:00.000Z"],
    [1773453147, "2026-03-14T01:52:27.000Z"],
    [1773453147.5, "2026-03-14T01:52:27.500Z"],
    ["1773453147531", "2026-03-14T01:52:27.531Z"],
    [1773453147531, "2026-03-14T01:52:27.531Z"],
    [1773453147531000, "2026-03-14T01:52:27.531Z"],
    [1773453147531002000, "2026-03-14T01:52:27.531Z"],
  ] as const)("reads %s", (input, expected) => {
    expect(time(input, "t")).toBe(expected);
  });

  it("treats absent and zero times as unset", () => {
    for (const v of [undefined, null, "", 0, "0", "0001-01-01T00:00:00Z"]) expect(time(v, "t")).toBeNull();
  });

  it("rejects what Date.parse would guess at, naming the field", () => {
    for (const v of ["garbage 2020", "2026-02-31T00:00:00Z", "2026-13-01", "Tue, 03 Jun 2015 17:43:27 GMT", "25:00", true, {}, [], -5, "1e400"]) {
      expect(() => time(v, "alerts[0].startsAt")).toThrow(ParseError);
    }
    expect(() => time("soon", "alerts[0].startsAt")).toThrow('alerts[0].startsAt: expected an RFC 3339 time or epoch number, got "soon"');
  });
});

/** What a call gives: the time, or the error's message. */
function outcome(read: (value: unknown, field: string) => string | null, value: unknown): { ok: string | null } | { error: string } {
  try {
    return { ok: read(value, "t") };
  } catch (err) {
    return { error: err instanceof ParseError ? `ParseError: ${err.message}` : String(err) };
  }
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");

/** Timestamps field by field, each field in and just out of its range, in the shapes sources send and a few they should not. */
const timestamp: fc.Arbitrary<string> = fc
  .record({
    year: fc.oneof(fc.integer({ min: 1960, max: 2100 }), fc.integer({ min: 0, max: 9999 })),
    month: fc.integer({ min: 0, max: 13 }),
    day: fc.integer({ min: 0, max: 32 }),
    hour: fc.integer({ min: 0, max: 25 }),
    minute: fc.integer({ min: 0, max: 61 }),
    second: fc.integer({ min: 0, max: 61 }),
    fraction: fc.oneof(fc.constant(""), fc.stringMatching(/^[.,]\d{1,10}$/), fc.constant(".")),
    separator: fc.constantFrom("T", "T", "T", " ", "t"),
    zone: fc.constantFrom("Z", "Z", "Z", "z", "UTC", "", "+00:00", "+02:00", "-05:30", "+0000", "-0800", "+02", "+2:00", "Zulu"),
    around: fc.constantFrom("", "", "", " ", "\t", "\n"),
  })
  .map(
    (p) =>
      `${p.around}${pad(p.year, 4)}-${pad(p.month, 2)}-${pad(p.day, 2)}${p.separator}${pad(p.hour, 2)}:${pad(p.minute, 2)}:${pad(p.second, 2)}${p.fraction}${p.zone}${p.around}`,
  );

/** A text with one character replaced, inserted or removed: near misses of the canonical shape. */
const nearMiss: fc.Arbitrary<string> = fc
  .tuple(
    fc.oneof(
      timestamp,
      fc.date({ min: new Date("1900-01-01T00:00:00Z"), max: new Date("9999-12-31T23:59:59.999Z"), noInvalidDate: true }).map((d) => d.toISOString()),
    ),
    fc.nat(),
    fc.constantFrom("replace", "insert", "remove"),
    fc.constantFrom(..."0123456789-:.TZz +x\u0660".split("")),
  )
  .map(([s, at, how, c]) => {
    const i = at % (s.length + 1);
    if (how === "insert") return s.slice(0, i) + c + s.slice(i);
    if (how === "remove") return s.slice(0, i) + s.slice(i + 1);
    return s.slice(0, i) + c + s.slice(i + 1);
  });

describe("time, against its implementation before the fast path (time-reference.ts)", () => {
  it("gives the same time or the same error for every generated timestamp", () => {
    fc.assert(
      fc.property(fc.oneof(timestamp, nearMiss), (value) => {
        expect(outcome(time, value)).toEqual(outcome(referenceTime, value));
      }),
      { numRuns: 20_000 },
    );
  });

  it("gives the same for every instant written as toISOString writes it, with and without milliseconds", () => {
    fc.assert(
      fc.property(fc.date({ min: new Date("1900-01-01T00:00:00Z"), max: new Date("9999-12-31T23:59:59.999Z"), noInvalidDate: true }), (d) => {
        const iso = d.toISOString();
        for (const value of [iso, `${iso.slice(0, 19)}Z`, ` ${iso} `]) expect(outcome(time, value)).toEqual(outcome(referenceTime, value));
      }),
      { numRuns: 5_000 },
    );
  });

  it("gives the same for epoch numbers and other values", () => {
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.integer(), fc.integer().map(String), fc.string(), fc.anything({ maxDepth: 1 })), (value) => {
        expect(outcome(time, value)).toEqual(outcome(referenceTime, value));
      }),
      { numRuns: 5_000 },
    );
  });
});
