import type { Heading, Nodes, Table } from "mdast";
import { describe, expect, it } from "vitest";
import { AlertSchema } from "../../src/model/index.js";
import { parseIncidentFrontmatter, updateFrontmatter } from "../../src/record/frontmatter.js";
import { buildIncidentFiles } from "../../src/report/artifacts.js";
import { awaitingFixture, fixture } from "./fixture.js";
import { OWN_LINK, parsed, strayMermaidLines, textOf } from "./mdast-helpers.js";

const headings = (nodes: Nodes[], depth: number) => nodes.filter((n): n is Heading => n.type === "heading" && n.depth === depth).map((h) => textOf(h));
const tables = (nodes: Nodes[]) => nodes.filter((n): n is Table => n.type === "table");
const mermaid = (nodes: Nodes[]) => nodes.filter((n) => n.type === "code" && n.lang === "mermaid").map((n) => (n as { value: string }).value);

describe("buildIncidentFiles on an investigated incident", () => {
  const files = buildIncidentFiles(fixture());

  it("writes exactly the folder's files, with evidence named from ids", () => {
    expect(Object.keys(files).sort()).toEqual([
      "README.md",
      "alerts.jsonl",
      "evidence/kafka-broker-down--under-replicated.json",
      "evidence/kafka-lag-rebalance-storm--commit-failed-logs.json",
      "evidence/kafka-lag-rebalance-storm--members-oscillate.json",
      "evidence/kafka-lag-slow-consumer--deploy-before-onset.json",
      "evidence/kafka-lag-slow-consumer--lag-step.json",
      "evidence/warehouse-schema-drift--schema-diff.json",
      "hypotheses.md",
      "plan.md",
      "problem.md",
    ]);
  });

  it.each(["README.md", "problem.md", "plan.md", "hypotheses.md", "alerts.jsonl", "evidence/kafka-lag-slow-consumer--lag-step.json"])(
    "matches the snapshot of %s",
    (path) => {
      expect(files[path]).toMatchSnapshot();
    },
  );

  it("README.md: frontmatter record, sections, chart and timeline", () => {
    const readme = files["README.md"]!;
    const { nodes } = parsed(readme);
    expect(nodes.filter((n) => n.type === "yaml")).toHaveLength(1);
    expect(headings(nodes, 1)).toEqual(["KafkaConsumerGroupLag: orders-consumer lag above 50000"]);
    expect(headings(nodes, 2)).toEqual([
      "Root cause",
      "Decisive evidence",
      "Timeline",
      "Ranked causes",
      "Ruled out",
      "Could not check",
      "Fix",
      "Similar past incidents",
      "Confirm or correct",
      "Files",
    ]);
    const [ranked] = tables(nodes);
    expect(ranked!.children).toHaveLength(1 + 4);
    expect(textOf(ranked!.children[1]!)).toContain("kafka-lag-slow-consumer");
    const charts = mermaid(nodes);
    expect(charts.map((c) => c.split("\n").find((l) => !l.startsWith("%%")))).toEqual(["xychart-beta", "timeline"]);
    for (const c of charts) expect(strayMermaidLines(c)).toEqual([]);
    // The decisive series in thousands of messages over minutes from the onset, which a thin spike marks.
    expect(charts[0]).toContain('x-axis "minutes from the onset, 2026-03-14 10.02 UTC" -32 --> 28');
    expect(charts[0]).toContain('y-axis "thousands of messages (kafka_consumergroup_lag)" 0 --> 200');
    expect(charts[0]).toMatch(/line "onset 10\.02" \[0, [0, ]*200, 0/);
    // The null sample at 10:05 is left out rather than drawn as zero.
    const series = charts[0]!.split("\n").find((l) => l.startsWith('    line "orders-consumer'))!;
    expect(series).toContain("[1.2, 1.21, 1.22, 1.23, 1.24, 1.25, 102, 120,");
    expect(series).not.toMatch(/[[ ]0[,\]]/);
    expect(charts[1]).toContain("09.58 : deployment orders-consumer v2.14.0 to prod");
    const links = nodes.filter((n) => n.type === "link").map((n) => (n as { url: string }).url);
    expect(links).toContain("evidence/kafka-lag-slow-consumer--lag-step.json");
    expect(links).toContain("../../02/2026-02-20-orders-consumer-lag-1c2d/README.md");
    for (const url of links) expect(url).toMatch(OWN_LINK);
    // The runbook's "How to confirm by hand" section is carried over, without its raw HTML.
    expect(readme).toContain("Compare the processing time per batch");
    expect(readme).not.toContain("<details>");
  });

  it("README.md frontmatter parses back into the record memory reads", () => {
    const fm = parseIncidentFrontmatter(files["README.md"]!);
    expect(fm).toMatchObject({
      id: "2026-03-14-orders-consumer-lag-7f3a",
      status: "open",
      severity: "high",
      investigation: "done",
      root_cause: { id: "kafka-lag-slow-consumer", confidence: 0.87, status: "confirmed" },
      chain: ["kafka-lag-rebalance-storm", "kafka-lag-slow-consumer"],
      fix: { kind: "config-patch", pr: 128, branch: "pipemedic/fix/2026-03-14-orders-consumer-lag-7f3a", state: "open" },
      feedback: { actual_root_cause: null, notes: null },
      similar: ["2026-02-20-orders-consumer-lag-1c2d"],
      cost: { checks: 6, ms: 2140 },
    });
  });

  it("keeps the record readable after a status update and a human correction", () => {
    let readme = updateFrontmatter(files["README.md"]!, { status: "resolved", resolved_at: "2026-03-14T11:00:00Z" });
    readme = readme.replace("actual_root_cause: null", "actual_root_cause: kafka-lag-rebalance-storm");
    const fm = parseIncidentFrontmatter(readme);
    expect(fm.status).toBe("resolved");
    expect(fm.resolved_at).toBe("2026-03-14T11:00:00Z");
    expect(fm.feedback.actual_root_cause).toBe("kafka-lag-rebalance-storm");
  });

  it("problem.md: an alerts table with one row per alert, timeline, pipelines and changes", () => {
    const { nodes } = parsed(files["problem.md"]!);
    expect(headings(nodes, 2)).toEqual(["What fired", "Onset", "Timeline", "Impacted pipelines", "Recent changes", "Similar past incidents"]);
    const [alerts] = tables(nodes);
    expect(alerts!.children).toHaveLength(1 + 2);
    for (const row of alerts!.children) expect(row.children).toHaveLength(7);
    expect(mermaid(nodes)).toHaveLength(1);
    expect(files["problem.md"]).toContain("a1b2c3d4e5f6");
  });

  it("plan.md: the subjects with where each came from, then one section per hypothesis with a row per check", () => {
    const { nodes } = parsed(files["plan.md"]!);
    const h2 = headings(nodes, 2);
    expect(h2[0]).toBe("Subjects");
    expect(h2.slice(1)).toHaveLength(4);
    const [subjects, ...checks] = tables(nodes);
    expect(textOf(subjects!.children[0]!)).toBe("SubjectValuesFrom");
    expect(subjects!.children.slice(1).map((r) => textOf(r.children[0]!))).toEqual([
      "config.consumer",
      "kafka.cluster",
      "kafka.consumer_group",
      "kafka.topic",
      "service",
    ]);
    expect(textOf(subjects!.children[2]!)).toContain("discovery: series of kafka_consumergroup_lag");
    expect(checks.map((t) => t.children.length - 1)).toEqual([2, 1, 1, 2]);
    expect(textOf(checks[0]!.children[0]!)).toBe("CheckData sourceQueryPrimitivePass ifWeightRole");
    // Every check had its subjects: nothing ran wider, so no knowledge is asked for.
    expect(h2).not.toContain("What knowledge would sharpen");
  });

  it("plan.md: with no subject named, says so, and asks for the knowledge/ lines a check that ran wider lacked", () => {
    const input = fixture();
    input.problem.subjects = { "kafka.topic": [{ value: "orders.v2", origin: "label", from: "alert label topic" }] };
    input.investigation!.hypotheses[0]!.checks[0]!.unscoped = ["kafka.consumer_group"];
    const plan = buildIncidentFiles(input)["plan.md"]!;
    const { nodes } = parsed(plan);
    expect(headings(nodes, 2)).toContain("What knowledge would sharpen");
    expect(plan).toContain('consumer_group: "<kafka.consumer_group>"');
    expect(plan).toContain('topic: "orders.v2"');
    input.problem.subjects = {};
    expect(buildIncidentFiles(input)["plan.md"]).toContain("Neither knowledge, the alert nor discovery named an entity");
  });

  it("hypotheses.md: rounds in order, every check with its verdict and an evidence link", () => {
    const { nodes } = parsed(files["hypotheses.md"]!);
    expect(headings(nodes, 2)).toEqual(["Round 1", "Round 2"]);
    const rows = tables(nodes).flatMap((t) => t.children.slice(1));
    expect(rows).toHaveLength(6);
    const links = nodes.filter((n) => n.type === "link").map((n) => (n as { url: string }).url);
    for (const path of Object.keys(files).filter((p) => p.startsWith("evidence/"))) expect(links).toContain(path);
  });

  it("evidence files are pretty JSON of the evidence; alerts.jsonl holds one valid alert per line", () => {
    const e = JSON.parse(files["evidence/kafka-lag-slow-consumer--lag-step.json"]!) as { key: string; data: { series: Array<{ points: unknown[] }> } };
    expect(e.key).toBe("kafka-lag-slow-consumer/lag-step");
    expect(e.data.series[0]!.points).toHaveLength(13);
    const lines = files["alerts.jsonl"]!.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(AlertSchema.safeParse(JSON.parse(l)).success).toBe(true);
  });
});

describe("the README timeline", () => {
  it("lists in full, below the chart, an entry whose text the chart cut short", () => {
    const input = fixture();
    const long =
      "prod-orders-api-ApplicationELB-HTTPCode-Target-5XX-Count-High in ALARM: Threshold Crossed: 3 datapoints were greater than the threshold (25.0)";
    input.problem.timeline.find((t) => t.kind === "alert")!.text = long;
    const { nodes } = parsed(buildIncidentFiles(input)["README.md"]!);
    const at = nodes.findIndex((n) => n.type === "heading" && textOf(n) === "Timeline");
    const [chart, intro, rows] = nodes
      .slice(at + 1)
      .filter((n) => n.type !== "text" && n.type !== "inlineCode")
      .slice(0, 3) as [Nodes, Nodes, Table];
    expect(chart.type).toBe("code");
    expect((chart as { value: string }).value).toContain("10.02 : alert prod-orders-api- ApplicationELB- HTTPCode-Target- 5XX-Count-High in ALARM Th…\n");
    expect(textOf(intro)).toBe("The entry the chart shortens, in full:");
    expect(rows.children.slice(1).map((r) => textOf(r))).toEqual([`2026-03-14 10:02 UTCalert${long}`]);
  });
});

describe("buildIncidentFiles on an incident awaiting a manual trigger", () => {
  const files = buildIncidentFiles(awaitingFixture());

  it("writes the README, problem and alerts only", () => {
    expect(Object.keys(files).sort()).toEqual(["README.md", "alerts.jsonl", "problem.md"]);
    expect(files["README.md"]).toMatchSnapshot();
  });

  it("says it was not investigated and how to trigger it", () => {
    const readme = files["README.md"]!;
    expect(readme).toContain("Not investigated yet.");
    expect(readme).toContain("`workflow_dispatch`");
    expect(readme).toContain("gh workflow run investigate.yml -f incident-id=2026-03-14-orders-consumer-lag-7f3a");
    const fm = parseIncidentFrontmatter(readme);
    expect(fm.investigation).toBe("awaiting");
    expect(fm.root_cause).toBeNull();
    expect(fm.cost).toEqual({ checks: 0, ms: 0, llm: null });
    const links = parsed(readme)
      .nodes.filter((n) => n.type === "link")
      .map((n) => (n as { url: string }).url);
    expect(links).not.toContain("plan.md");
  });
});

describe("an inconclusive investigation", () => {
  const input = fixture();
  const inv = input.investigation!;
  inv.rca = {
    ...inv.rca,
    conclusion: "inconclusive",
    rootCause: "unknown",
    confidence: 0.4,
    chain: [],
    ranked: inv.rca.ranked.map((c) => ({ ...c, status: c.status === "confirmed" ? "possible" : c.status, confidence: Math.min(c.confidence, 0.4) })),
    gaps: ["kafka-lag-slow-consumer/lag-step: timeout after 10s", "warehouse-schema-drift/schema-diff: no events backend configured"],
  };
  const files = buildIncidentFiles(input);

  it("says plainly that the cause is unknown and names what is missing", () => {
    const readme = files["README.md"]!;
    expect(readme).toContain("**Root cause unknown.**");
    expect(readme).toContain("**What is missing:**");
    expect(readme).toContain("kafka-lag-slow-consumer/lag-step: timeout after 10s");
    expect(parseIncidentFrontmatter(readme).root_cause).toEqual({ id: "unknown", confidence: 0.4, status: "inconclusive" });
  });
});

describe("parseIncidentFrontmatter", () => {
  const readme = buildIncidentFiles(fixture())["README.md"]!;

  it("names the file and the field when a hand edit breaks the record", () => {
    const broken = readme.replace("severity: high", "severity: urgent");
    expect(() => parseIncidentFrontmatter(broken, "incidents/x/README.md")).toThrow(/^incidents\/x\/README\.md: frontmatter severity: .*correct that field/);
  });

  it("rejects a file without frontmatter and invalid YAML with a fix", () => {
    expect(() => parseIncidentFrontmatter("# no record\n")).toThrow(/README\.md: no YAML frontmatter.*restore it/);
    expect(() => parseIncidentFrontmatter("---\nid: [unclosed\n---\n")).toThrow(/not valid YAML.*fix the YAML/);
  });
});

describe("an incident's lifecycle in its README", () => {
  const base = awaitingFixture();
  const input = {
    ...base,
    incident: {
      ...base.incident,
      recurrenceOf: "2026-02-11-orders-consumer-lag-7f3a",
      startClamped: { alerts: 2, claimed: "2026-04-30T09:00:00Z", placed: "2026-03-14T10:00:00Z" },
    },
  };
  const readme = buildIncidentFiles(input)["README.md"]!;

  it("links the incident it recurs after, and says a start time was clamped", () => {
    const { nodes } = parsed(readme);
    const recurrence = nodes.find((n) => n.type === "paragraph" && textOf(n).startsWith("Recurrence of"))!;
    expect(textOf(recurrence)).toBe(
      "Recurrence of 2026-02-11-orders-consumer-lag-7f3a: the same alert fired again after that incident had closed; memory considers it first.",
    );
    const href = nodes.find((n): n is Nodes & { type: "link"; url: string } => n.type === "link" && textOf(n) === "2026-02-11-orders-consumer-lag-7f3a")!.url;
    expect(href).toBe("../../02/2026-02-11-orders-consumer-lag-7f3a/README.md");
    expect(readme).toContain("**Start time clamped:** 2 alerts claimed to start in the future (as late as 2026-04-30 09:00 UTC)");
    expect(readme).toContain("placed at the time they were received (2026-03-14 10:00 UTC)");
  });

  it("records both in the frontmatter, and a README without them has neither", () => {
    const fm = parseIncidentFrontmatter(readme);
    expect(fm.recurrence_of).toBe("2026-02-11-orders-consumer-lag-7f3a");
    expect(fm.start_clamped).toEqual({ alerts: 2, claimed: "2026-04-30T09:00:00Z", placed: "2026-03-14T10:00:00Z" });
    const plain = buildIncidentFiles(base)["README.md"]!;
    expect(plain).not.toMatch(/recurrence_of|start_clamped|Recurrence of|Start time clamped/);
  });
});
