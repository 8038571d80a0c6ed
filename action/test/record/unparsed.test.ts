import { describe, expect, it } from "vitest";
import { mergeUnparsed, parseIndex, serializeIndex, unparsedEntry, unparsedPath } from "../../src/record/index.js";
import { renderIncidentIndex } from "../../src/report/index.js";

// Issue #17, item 8: unparsed bodies in the index, a cut one marked, no `….json.json`.

const at = "2026-03-14T10:00:00Z";

describe("unparsed bodies in the record", () => {
  it("are named by day and delivery, with one .json", () => {
    expect(unparsedPath({ delivery: "cli-body.json", receivedAt: at })).toBe("incidents/_unparsed/2026-03-14-cli-body.json");
    expect(unparsedPath({ delivery: "cli-BODY.JSON", receivedAt: at })).toBe("incidents/_unparsed/2026-03-14-cli-BODY.json");
    expect(unparsedPath({ delivery: "gh-delivery 42/x", receivedAt: at })).toBe("incidents/_unparsed/2026-03-14-gh-delivery-42-x.json");
    expect(unparsedPath({ delivery: "..", receivedAt: at })).toBe("incidents/_unparsed/2026-03-14-delivery.json");
  });

  it("are listed newest first, a later run's added, a deleted file's dropped, and survive index.json", () => {
    const a = { delivery: "a", reason: "body is not JSON", receivedAt: "2026-03-14T09:00:00Z", body: "x" };
    const b = { delivery: "b", reason: "no source", receivedAt: "2026-03-14T11:00:00Z", body: "y", truncated: { length: 70_000, kept: 65_536 } };
    const first = mergeUnparsed([], [a], []);
    expect(first).toEqual([{ path: "incidents/_unparsed/2026-03-14-a.json", delivery: "a", receivedAt: a.receivedAt, reason: a.reason }]);
    const second = mergeUnparsed(first, [b], [first[0]!.path]);
    expect(second.map((e) => e.delivery)).toEqual(["b", "a"]);
    expect(second[0]!.truncated).toEqual({ length: 70_000, kept: 65_536 });
    // A person mapped the first body and deleted its file: the next commit no longer lists it.
    expect(mergeUnparsed(second, [], [second[0]!.path]).map((e) => e.delivery)).toEqual(["b"]);
    const parsed = parseIndex(serializeIndex([], second));
    expect("unparsed" in parsed && parsed.unparsed).toEqual(second);
    expect(serializeIndex([])).not.toContain("unparsed");
  });

  it("come first on the index page, with their reason, a cut one saying so", () => {
    const entries = [
      unparsedEntry({ delivery: "big", reason: "no source recognizes this body", receivedAt: at, body: "", truncated: { length: 70_000, kept: 65_536 } }),
      unparsedEntry({ delivery: "small", reason: "body is not JSON", receivedAt: at, body: "" }),
    ];
    const page = renderIncidentIndex([], { unparsed: entries });
    expect(page.indexOf("## Unparsed bodies (2)")).toBeLessThan(page.indexOf("## Open (0)"));
    expect(page).toContain(
      "- [`_unparsed/2026-03-14-big.json`](_unparsed/2026-03-14-big.json) — received 2026-03-14 10:00 UTC: no source recognizes this body (cut: the file keeps the first 65,536 of 70,000 characters)",
    );
    expect(page).toContain("- [`_unparsed/2026-03-14-small.json`](_unparsed/2026-03-14-small.json) — received 2026-03-14 10:00 UTC: body is not JSON\n");
    expect(renderIncidentIndex([], {})).not.toContain("Unparsed bodies");
  });
});
