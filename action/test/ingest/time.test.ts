import { describe, expect, it } from "vitest";
import { time } from "../../src/ingest/sources/time.js";
import { ParseError } from "../../src/ingest/sources/types.js";

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
