import type { Code, Heading, Link, Table, Yaml } from "mdast";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { Incident } from "../../src/model/index.js";
import { indexFiles, scorecardPath } from "../../src/record/index.js";
import { monthsOf, renderScorecard, scorecardFigures, TIME_TO_ROOT_CAUSE_MEASURES } from "../../src/report/scorecard.js";
import { MENTION, OWN_LINK, parsed, strayMermaidLines, textOf } from "./mdast-helpers.js";
import { compilePatterns } from "../../src/redact.js";

const MIN = 60_000;

/** An index entry opened at `openedAt`, last changed `after` ms later. */
function inc(id: string, openedAt: string, after: number, over: Partial<Incident> = {}): Incident {
  const fullId = `${openedAt.slice(0, 10)}-${id}`;
  return {
    id: fullId,
    path: `incidents/${fullId.slice(0, 4)}/${fullId.slice(5, 7)}/${fullId}`,
    title: `Incident ${id}`,
    status: "resolved",
    investigation: "done",
    severity: "high",
    pipelines: [],
    fingerprints: [`fp-${id}`],
    alertnames: ["Alert"],
    alerts: [`alert-${id}`],
    resolvedFingerprints: [],
    deliveries: [`d-${id}`],
    openedAt,
    updatedAt: new Date(Date.parse(openedAt) + after).toISOString(),
    resolvedAt: null,
    rootCause: null,
    groupingReasons: [],
    duplicates: 0,
    ...over,
  };
}

const lag = (status: string) => ({ id: "kafka-lag", confidence: 0.9, status });
const unknown = { id: "unknown", confidence: 0, status: "inconclusive" };
const drift = { id: "schema-drift", confidence: 0.7, status: "likely" };

// March 2026, hand-built so every figure can be worked out on paper (see the expectations).
const MARCH = [
  inc("a", "2026-03-01T10:00:00.000Z", 2 * MIN, { rootCause: lag("confirmed"), pipelines: ["orders"], duplicates: 3 }),
  inc("b", "2026-03-01T12:00:00.000Z", 10 * MIN, { rootCause: lag("confirmed-by-review"), pipelines: ["orders"] }),
  inc("c", "2026-03-05T09:00:00.000Z", 1 * MIN, { rootCause: unknown, pipelines: ["payments"], duplicates: 1 }),
  inc("d", "2026-03-05T09:30:00.000Z", 30 * MIN, { rootCause: unknown, pipelines: ["payments"], fingerprints: ["fp-c"] }),
  inc("i", "2026-03-10T08:00:00.000Z", 3 * MIN, { rootCause: lag("confirmed"), pipelines: ["inventory"] }),
  inc("e", "2026-03-20T00:00:00.000Z", 60 * MIN, { investigation: "awaiting", status: "open", pipelines: ["payments"], duplicates: 5 }),
  inc("f", "2026-03-31T23:59:00.000Z", 60 * MIN, { rootCause: drift, pipelines: ["payments"] }),
  // An offset timestamp: 2026-03-31T22:30Z, so March, and before f.
  inc("h", "2026-04-01T00:30:00+02:00", 5 * MIN, { id: "2026-03-31-h", path: "incidents/2026/03/2026-03-31-h", rootCause: drift, pipelines: ["payments"] }),
];
// Other months: a February incident with a's fingerprint is not a repeat within March.
const OTHERS = [
  inc("g", "2026-02-28T23:00:00.000Z", MIN, { fingerprints: ["fp-a"], rootCause: lag("confirmed"), pipelines: ["orders"] }),
  inc("j", "2026-04-02T00:00:00.000Z", MIN),
];
const ALL = [...OTHERS, ...MARCH];
const id = (s: string) => MARCH.find((i) => i.id.endsWith(`-${s}`))!.id;

describe("scorecardFigures", () => {
  const f = scorecardFigures("2026-03", ALL);

  it("counts the month's incidents, investigated and confirmed by review", () => {
    expect(f.incidents).toBe(8);
    expect(f.open).toBe(1);
    expect(f.investigated).toBe(7);
    expect(f.notInvestigated).toBe(1);
    expect(f.confirmedByReview).toBe(1);
    expect(f.duplicatesAbsorbed).toBe(9);
  });

  it("gives nearest-rank median and p90 of opened → updated over investigated incidents", () => {
    // Investigated waits in minutes: 1, 2, 3, 5, 10, 30, 60 (e's 60 is not investigated, so not counted).
    expect(f.timeToRootCause).toEqual({ incidents: 7, medianMs: 5 * MIN, p90Ms: 60 * MIN });
  });

  it("ranks causes with unknown included, ties by id", () => {
    expect(f.topCauses).toEqual([
      { id: "kafka-lag", incidents: 3 },
      { id: "schema-drift", incidents: 2 },
      { id: "unknown", incidents: 2 },
    ]);
  });

  it("finds repeats within the month: same fingerprint, or same pipeline and cause (never `unknown`)", () => {
    expect(f.repeats).toEqual([
      { incident: id("b"), of: id("a"), reason: "same pipeline and cause" },
      { incident: id("d"), of: id("c"), reason: "same fingerprint" },
      { incident: id("f"), of: "2026-03-31-h", reason: "same pipeline and cause" },
    ]);
  });

  it("groups repeats by the first incident, most repeated first", () => {
    const again = [1, 2, 3].map((n) =>
      inc(`a${n}`, `2026-03-0${n + 1}T10:00:00.000Z`, MIN, { fingerprints: ["fp-a"], rootCause: lag("confirmed"), pipelines: ["orders"] }),
    );
    const g = scorecardFigures("2026-03", [...MARCH, ...again]).repeated;
    expect(g[0]).toEqual({ first: id("a"), repeats: 4, reasons: ["same pipeline and cause", "same fingerprint"], latest: again[2]!.id });
    expect(g).toHaveLength(3);
  });

  it("counts incidents per UTC day", () => {
    expect(f.perDay).toHaveLength(31);
    expect(Object.fromEntries(f.perDay.map((n, d) => [d + 1, n]).filter(([, n]) => n))).toEqual({ 1: 2, 5: 2, 10: 1, 20: 1, 31: 2 });
  });

  it("is empty for a month without incidents", () => {
    const none = scorecardFigures("2025-02", ALL);
    expect(none.incidents).toBe(0);
    expect(none.perDay).toHaveLength(28);
    expect(none.timeToRootCause).toEqual({ incidents: 0, medianMs: null, p90Ms: null });
  });
});

describe("scorecardPath and monthsOf", () => {
  it("names the file by month and refuses anything else", () => {
    expect(scorecardPath("2026-03")).toBe("incidents/scorecards/2026-03.md");
    for (const bad of ["2026-3", "2026-13", "../x", "2026-03/../../x"]) expect(() => scorecardPath(bad)).toThrow(/YYYY-MM/);
  });

  it("lists the months incidents opened in, oldest first, in UTC", () => {
    expect(monthsOf(ALL)).toEqual(["2026-02", "2026-03", "2026-04"]);
  });
});

describe("renderScorecard", () => {
  const md = renderScorecard("2026-03", ALL);
  const { tree, nodes } = parsed(md);
  const headings = (depth: number) => nodes.filter((n): n is Heading => n.type === "heading" && n.depth === depth).map(textOf);
  const tables = nodes.filter((n): n is Table => n.type === "table");
  const rowsOf = (t: Table) => t.children.slice(1).map((r) => r.children.map(textOf));

  it("records the figures as YAML frontmatter", () => {
    const yaml = tree.children[0] as Yaml;
    expect(yaml.type).toBe("yaml");
    const data = parse(yaml.value) as Record<string, unknown>;
    expect(data).toMatchObject({
      month: "2026-03",
      incidents: 8,
      investigated: 7,
      investigated_share: 0.88,
      confirmed_by_review: 1,
      confirmed_by_review_share: 0.13,
      duplicates_absorbed: 9,
      time_to_root_cause: { measures: TIME_TO_ROOT_CAUSE_MEASURES, incidents: 7, median_ms: 5 * MIN, p90_ms: 60 * MIN },
      top_causes: [
        { id: "kafka-lag", incidents: 3 },
        { id: "schema-drift", incidents: 2 },
        { id: "unknown", incidents: 2 },
      ],
    });
    expect(data.repeats).toBe(3);
    expect(data.repeated).toEqual([
      { first: id("a"), repeats: 1, reasons: ["same pipeline and cause"], latest: id("b") },
      { first: id("c"), repeats: 1, reasons: ["same fingerprint"], latest: id("d") },
      { first: "2026-03-31-h", repeats: 1, reasons: ["same pipeline and cause"], latest: id("f") },
    ]);
    expect((data.incidents_per_day as number[]).reduce((a, b) => a + b, 0)).toBe(8);
  });

  it("has its sections, figures and tables", () => {
    expect(headings(1)).toEqual(["Scorecard: March 2026"]);
    expect(headings(2)).toEqual(["Figures", "Incidents per day", "Time to root cause", "Top causes", "Repeats", "Incidents (8)"]);
    const figures = Object.fromEntries(rowsOf(tables[0]!).map((r): [string, string | undefined] => [r[0] ?? "", r[1]]));
    expect(figures).toMatchObject({
      "Incidents opened": "8",
      Investigated: "7 (88%)",
      "Confirmed by review": "1 (13%)",
      "Alerts absorbed as duplicates": "9",
      "Time to root cause, median": "5.0 min",
      "Time to root cause, p90": "60.0 min",
      Repeats: "3",
    });
    expect(rowsOf(tables[1]!)).toEqual([
      ["kafka-lag", "3"],
      ["schema-drift", "2"],
      ["unknown (no cause confirmed)", "2"],
    ]);
    expect(rowsOf(tables[2]!)).toEqual([
      [id("a"), "1", "same pipeline and cause", id("b")],
      [id("c"), "1", "same fingerprint", id("d")],
      ["2026-03-31-h", "1", "same pipeline and cause", id("f")],
    ]);
    const listed = rowsOf(tables[3]!).map((r) => r[0]);
    expect(listed).toHaveLength(8);
    expect(listed[0]).toBe(id("f")); // newest first, like the index
  });

  it("says what the time to root cause measures", () => {
    const section = md.slice(md.indexOf("## Time to root cause"), md.indexOf("## Top causes"));
    expect(section).toMatch(/opened_at/);
    expect(section).toMatch(/updated_at/);
    expect(section).toMatch(/does not record the moment the investigation was committed/);
  });

  it("charts incidents per day as an xychart-beta bar chart", () => {
    const charts = nodes.filter((n): n is Code => n.type === "code" && n.lang === "mermaid");
    expect(charts).toHaveLength(1);
    const [init, ...lines] = charts[0]!.value.split("\n");
    // Its own palette: Mermaid's default draws the first series in a pale lavender that vanishes on white.
    expect(init).toContain('"plotColorPalette":"#0969da"');
    expect(lines[0]).toBe("xychart-beta");
    expect(lines[1]).toMatch(/^ {4}title "[\p{L}\p{N} ._\-/=+(),]+"$/u);
    expect(lines[2]).toMatch(/^ {4}x-axis \["01"(, "\d{2}"){30}\]$/);
    // At most 2 a day, but the axis reaches 8 so that its ticks are whole incidents (0.2 apart below that).
    expect(lines[3]).toBe('    y-axis "incidents" 0 --> 8');
    expect(lines[4]).toMatch(/^ {4}bar \[2, 0, 0, 0, 2,/);
  });

  it("links every incident relative to incidents/scorecards/ and back to the index", () => {
    const urls = nodes.filter((n): n is Link => n.type === "link").map((l) => l.url);
    expect(urls).toContain("../README.md");
    expect(urls).toContain(`../2026/03/${id("a")}/README.md`);
    for (const u of urls.filter((u) => u !== "../README.md")) expect(u).toMatch(OWN_LINK);
  });

  it("is the file the pipeline commits for the newest month", () => {
    const files = indexFiles(MARCH);
    expect(files[scorecardPath("2026-03")]).toBe(renderScorecard("2026-03", MARCH));
    expect(Object.keys(indexFiles(ALL))).toEqual(["incidents/index.json", "incidents/README.md", "incidents/scorecards/2026-04.md"]);
    expect(Object.keys(indexFiles([]))).toEqual(["incidents/index.json", "incidents/README.md"]);
  });

  it("lists the newest 100 incidents of a busy month and points to its folder for the rest", () => {
    const busy = Array.from({ length: 130 }, (_, n) => inc(`n${n}`, new Date(Date.parse("2026-03-01T00:00:00Z") + n * 3_600_000).toISOString(), MIN));
    const p = parsed(renderScorecard("2026-03", busy));
    const last = p.nodes.filter((n): n is Table => n.type === "table").at(-1)!;
    expect(last.children).toHaveLength(101);
    expect(textOf(last.children[1]!.children[0]!)).toBe(busy.at(-1)!.id);
    expect(p.nodes.filter((n): n is Heading => n.type === "heading").map(textOf)).toContain("Incidents (130)");
    expect(p.nodes.filter((n): n is Link => n.type === "link").map((l) => l.url)).toContain("../2026/03/");
  });

  it("keeps hostile titles and cause ids inert, and the chart intact", () => {
    const hostile = [
      inc("x", "2026-03-02T00:00:00.000Z", MIN, {
        title: "<script>alert(1)</script> [click](https://evil.example) @octocat ``` fence\n# injected\n--- %% ;click x",
        rootCause: { id: "[x](https://evil.example) @octocat", confidence: 0.5, status: "likely" },
        pipelines: ["<img src=x onerror=alert(1)>"],
      }),
    ];
    const out = renderScorecard("2026-03", hostile);
    const p = parsed(out);
    expect(p.nodes.some((n) => n.type === "html")).toBe(false);
    expect(
      p.nodes
        .filter((n): n is Link => n.type === "link")
        .map((l) => l.url)
        .every((u) => u === "../README.md" || OWN_LINK.test(u)),
    ).toBe(true);
    expect(p.nodes.filter((n): n is Heading => n.type === "heading").map(textOf)).not.toContain("injected");
    const text = p.nodes
      .filter((n) => n.type === "text")
      .map((n) => (n as { value: string }).value)
      .join(" ");
    expect(text).not.toMatch(MENTION);
    const chart = p.nodes.find((n): n is Code => n.type === "code" && n.lang === "mermaid")!;
    expect(chart.value.split("\n")).toHaveLength(6);
    expect(strayMermaidLines(chart.value)).toEqual([]);
    // The YAML frontmatter still parses and carries the hostile id as a plain string.
    expect((parse((p.tree.children[0] as Yaml).value) as { top_causes: Array<{ id: string }> }).top_causes[0]!.id).toBe("[x](https://evil.example) @octocat");
  });

  it("redacts secrets in titles with the repository's patterns", () => {
    const out = renderScorecard("2026-03", [inc("s", "2026-03-03T00:00:00.000Z", MIN, { title: "db down: password ACME-SECRET-123" })], {
      redactPatterns: compilePatterns(["ACME-SECRET-\\d+"]),
    });
    expect(out).not.toContain("ACME-SECRET-123");
  });
});
