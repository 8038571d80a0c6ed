import { describe, expect, it } from "vitest";
import type { PipelineResult } from "../../src/model/index.js";
import { renderJobSummary, SUMMARY_MAX_BYTES } from "../../src/report/summary.js";
import { awaitingFixture, fixture } from "./fixture.js";
import { parsed } from "./mdast-helpers.js";

const bytes = (s: string) => new TextEncoder().encode(s).length;

describe("renderJobSummary", () => {
  const input = { ...fixture(), reportPath: "incidents/2026/03/2026-03-14-orders-consumer-lag-7f3a/README.md" };

  it("matches the snapshot", () => {
    expect(renderJobSummary(input)).toMatchSnapshot();
  });

  it("leads with the cause, its confidence, the evidence and the report", () => {
    const md = renderJobSummary({ ...input, link: (p) => `https://github.com/acme/data/blob/main/${p}` });
    expect(md).toContain("**Root cause:** Slow consumer processing after a deploy (`kafka-lag-slow-consumer`)");
    expect(md).toContain("**confirmed**, confidence 0.87");
    expect(md).toContain("Lag stepped up at onset: ratio 40.2 >= 3");
    const links = parsed(md)
      .nodes.filter((n) => n.type === "link")
      .map((n) => (n as { url: string }).url);
    expect(links).toEqual([`https://github.com/acme/data/blob/main/${input.reportPath}`]);
  });

  it("tells how to trigger an incident that was not investigated", () => {
    const md = renderJobSummary({ ...awaitingFixture(), reportPath: "r/README.md" });
    expect(md).toContain("**Not investigated:**");
    expect(md).toContain("`2026-03-14-orders-consumer-lag-7f3a`");
  });

  it("stays under the limit, keeping the head and saying it was cut", () => {
    const big = fixture({ findings: { lag: "x".repeat(200) } });
    big.investigation!.rca.gaps = Array.from({ length: 5000 }, (_, i) => `gap ${i}: ${"y".repeat(200)}`);
    const full = renderJobSummary({ ...big, reportPath: "r/README.md" });
    const md = renderJobSummary({ ...big, reportPath: "r/README.md" }, { maxBytes: 600 });
    expect(bytes(full)).toBeGreaterThan(600);
    expect(bytes(md)).toBeLessThanOrEqual(600);
    expect(md).toContain("truncated");
    expect(md).toContain("Root cause");
    expect(SUMMARY_MAX_BYTES).toBeLessThan(1024 * 1024);
  });

  it("renders a whole pipeline run, one section per incident", () => {
    const a = fixture();
    const b = awaitingFixture();
    const result = {
      outcomes: [
        {
          incident: a.incident,
          investigated: true,
          reason: "policy",
          problem: a.problem,
          investigation: a.investigation,
          fix: a.fix,
          proposal: null,
          reportPath: `${a.incident.path}/README.md`,
          narrative: null,
          llm: null,
        },
        {
          incident: { ...b.incident, id: "2026-03-14-other-1" },
          investigated: false,
          reason: "low severity",
          problem: b.problem,
          investigation: null,
          fix: null,
          proposal: null,
          reportPath: "incidents/x/README.md",
          narrative: null,
          llm: null,
        },
      ],
      unparsed: [],
      alerts: a.alerts,
      duplicates: 0,
      commit: { sha: null, attempts: 1 },
      memoryErrors: [],
      runbooks: [],
    } satisfies PipelineResult;
    const md = renderJobSummary(result);
    const h2 = parsed(md).nodes.filter((n) => n.type === "heading" && n.depth === 2);
    expect(h2).toHaveLength(2);
    expect(md).toContain("2026-03-14-other-1");
  });
});
