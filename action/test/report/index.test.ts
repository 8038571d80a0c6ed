import type { Heading, Table } from "mdast";
import { describe, expect, it } from "vitest";
import type { Incident } from "../../src/model/index.js";
import { renderIncidentIndex } from "../../src/report/index.js";
import { fixture } from "./fixture.js";
import { parsed, textOf } from "./mdast-helpers.js";

function incident(n: number, over: Partial<Incident> = {}): Incident {
  const base = fixture().incident;
  const day = String(1 + (n % 28)).padStart(2, "0");
  const id = `2026-02-${day}-lag-${n}`;
  return {
    ...base,
    id,
    path: `incidents/2026/02/${id}`,
    title: `Lag ${n}`,
    openedAt: `2026-02-${day}T10:${String(n % 60).padStart(2, "0")}:00Z`,
    status: "resolved",
    ...over,
  };
}

describe("renderIncidentIndex", () => {
  const incidents = [
    ...Array.from({ length: 60 }, (_, n) => incident(n, { pipelines: n % 2 ? ["orders"] : ["payments"] })),
    incident(100, { status: "open", pipelines: [] }),
    incident(101, { status: "open", investigation: "awaiting", rootCause: null, pipelines: ["orders"] }),
  ];
  const md = renderIncidentIndex(incidents, { now: "2026-03-01T00:00:00Z" });
  const { nodes } = parsed(md);
  const h = (depth: number) => nodes.filter((n): n is Heading => n.type === "heading" && n.depth === depth).map(textOf);
  const tables = nodes.filter((n): n is Table => n.type === "table");

  it("matches the snapshot", () => {
    expect(renderIncidentIndex(incidents.slice(0, 3).concat(incidents.slice(-2)), { now: "2026-03-01T00:00:00Z" })).toMatchSnapshot();
  });

  it("lists open, awaiting, the latest 50 and a section per pipeline", () => {
    expect(h(2)).toEqual(["Open (2)", "Awaiting a manual trigger (1)", "Latest 50 (50)", "By pipeline"]);
    expect(h(3)).toEqual(["orders (31)", "payments (30)", "No known pipeline (1)"]);
    expect(tables.map((t) => t.children.length - 1)).toEqual([2, 1, 50, 20, 20, 1]);
    expect(md).toContain("Updated 2026-03-01 00:00 UTC.");
  });

  it("links each incident relative to incidents/", () => {
    const urls = nodes.filter((n) => n.type === "link").map((n) => (n as { url: string }).url);
    expect(urls).toContain(`2026/02/${incidents.at(-1)!.id}/README.md`);
    for (const u of urls) expect(u).toMatch(/^2026\/02\/[a-z0-9-]+\/README\.md$/);
  });

  it("orders newest first", () => {
    const latest = tables[2]!.children.slice(1).map((r) => textOf(r.children[0]!));
    const dates = latest.map((id) => id.slice(0, 10));
    expect([...dates].sort().reverse()).toEqual(dates);
  });
});

describe("renderIncidentIndex and the lifecycle", () => {
  const HOUR = 3_600_000;
  const at = (h: number) => new Date(Date.parse("2026-02-10T00:00:00Z") + h * HOUR).toISOString();
  const incidents = [
    // Never resolved, no alert for two days before the newest one: closed by the quiet period.
    incident(1, { status: "open", openedAt: at(0), updatedAt: at(1), resolvedAt: null }),
    // Open and recent: open.
    incident(2, { status: "open", openedAt: at(40), updatedAt: at(48), resolvedAt: null }),
    // Resolved: resolved, whatever its age.
    incident(3, { status: "resolved", openedAt: at(2), updatedAt: at(3), resolvedAt: at(4) }),
  ];
  const windows = { reopenWindowMs: 2 * HOUR, quietPeriodMs: 24 * HOUR };
  const statuses = (md: string) =>
    Object.fromEntries(
      parsed(md)
        .nodes.filter((n): n is Table => n.type === "table")[0]!
        .children.slice(1)
        .map((r) => [textOf(r.children[0]!), textOf(r.children[2]!)]),
    );

  it("shows an open incident quiet past the quiet period as closed, as of the latest time the index records, and leaves it out of Open", () => {
    const md = renderIncidentIndex(incidents, { windows });
    expect(md).toContain("3 incidents, 1 open. 1 incident closed by the quiet period");
    expect(statuses(md)).toEqual({ [incidents[1]!.id]: "open" });
    const { nodes } = parsed(md);
    const latest = nodes.filter((n): n is Table => n.type === "table")[1]!;
    expect(Object.fromEntries(latest.children.slice(1).map((r) => [textOf(r.children[0]!), textOf(r.children[2]!)]))).toEqual({
      [incidents[0]!.id]: "closed (quiet)",
      [incidents[1]!.id]: "open",
      [incidents[2]!.id]: "resolved",
    });
    // A longer quiet period keeps it open; without the policy's windows the page shows the alerts' status.
    expect(statuses(renderIncidentIndex(incidents, { windows: { ...windows, quietPeriodMs: 72 * HOUR } }))).toEqual({
      [incidents[0]!.id]: "open",
      [incidents[1]!.id]: "open",
    });
    expect(renderIncidentIndex(incidents)).not.toContain("closed (quiet)");
  });
});
