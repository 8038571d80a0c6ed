import fc from "fast-check";
import type { Nodes, Table } from "mdast";
import { describe, expect, it } from "vitest";
import { buildIncidentFiles } from "../../src/report/artifacts.js";
import { renderIncidentIndex } from "../../src/report/index.js";
import { inert } from "../../src/report/markdown/inert.js";
import { mermaidLabel, timelineChart, timelineLabel } from "../../src/report/markdown/mermaid.js";
import { paragraph, table } from "../../src/report/markdown/nodes.js";
import { toMarkdown } from "../../src/report/markdown/serialize.js";
import { renderPullRequestBody } from "../../src/report/pull-request.js";
import { renderJobSummary } from "../../src/report/summary.js";
import { alert, fixture } from "./fixture.js";
import { MENTION, OWN_LINK, parsed, strayMermaidLines, textOf, visibleText } from "./mdast-helpers.js";

/** Text an attacker controls through an alert, a label, a log line or a commit message. */
const HOSTILE = [
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  "[click me](https://evil.example/phish)",
  "![pixel](https://evil.example/p.png)",
  "<https://evil.example/auto>",
  "www.evil.example/path and admin@evil.example",
  "ping @acme/data-platform and @octocat",
  "a | b | c",
  "`tick` and ``` fence\n```\n# injected heading\n```",
  "../../../etc/passwd",
  "x]-->y[ %% comment ;click x call alert() ",
  "&lt;b&gt; &#x3C;script&#x3E;",
  "\u202Egnp.exe",
  "---\nfoo: bar\n---",
  "[^1]: footnote and [ref]: https://evil.example",
  "~~~\nbreak\n~~~",
];
const ALL = HOSTILE.join(" ");

function hostileInput(all = ALL) {
  const a0 = alert({
    title: `OrdersLag ${all}`,
    labels: { alertname: "OrdersLag", note: all, "bad|key": "@octocat" },
    annotations: { summary: all },
    links: [{ title: "<b>x</b>", url: "javascript:alert(1)" }],
  });
  const a1 = alert({ id: "am-2", title: HOSTILE[8]!, fingerprint: "../../x", pipeline: "@octocat" });
  const input = fixture({
    alerts: [a0, a1],
    title: `OrdersLag ${all}`,
    hypothesisId: "../../etc/passwd",
    labels: { log: all, note: all },
    commitMessage: `fix: ${HOSTILE[8]}\n\n${all}`,
    findings: { members: `Members oscillate: ${all}`, logs: HOSTILE[8]!, lag: `Lag ]-->%% ${all}`, broker: all, deploy: all },
  });
  input.problem.similar[0]!.reason = all;
  input.problem.pipelines[0]!.title = all;
  input.problem.pipelines[0]!.description = all;
  input.problem.timeline.push({ at: "2026-03-14T10:20:00Z", kind: "event", text: all });
  input.fix!.description = all;
  input.investigation!.rca.gaps.push(`x/y: ${all}`);
  input.investigation!.hypotheses[0]!.reason = all;
  return input;
}

const FORBIDDEN_NODES = new Set(["html", "image", "imageReference", "linkReference", "definition", "footnoteReference", "footnoteDefinition"]);

/** Asserts one Markdown artifact renders every hostile string inert. */
function expectInert(markdown: string, expected: { mermaid: number; code: number }) {
  const { nodes } = parsed(markdown);
  expect(nodes.filter((n) => FORBIDDEN_NODES.has(n.type)).map((n) => n.type)).toEqual([]);
  for (const n of nodes) if (n.type === "link") expect(n.url).toMatch(OWN_LINK);
  expect(markdown).not.toMatch(MENTION);
  const codes = nodes.filter((n) => n.type === "code");
  const mermaid = codes.filter((n) => n.lang === "mermaid");
  expect(mermaid).toHaveLength(expected.mermaid);
  expect(codes.length - mermaid.length).toBe(expected.code);
  for (const m of mermaid) expect(strayMermaidLines(m.value)).toEqual([]);
  for (const t of nodes.filter((n): n is Table => n.type === "table")) {
    const width = t.children[0]!.children.length;
    for (const row of t.children) expect(row.children).toHaveLength(width);
  }
  expect(nodes.filter((n) => n.type === "heading").map((h) => textOf(h as Nodes))).not.toContain("injected heading");
}

describe("hostile alert text in every artifact", () => {
  const input = hostileInput();
  const files = buildIncidentFiles(input);

  it("names files from ids without any path traversal", () => {
    for (const path of Object.keys(files)) expect(path).toMatch(/^(README\.md|problem\.md|plan\.md|hypotheses\.md|alerts\.jsonl|evidence\/[a-z0-9-]+\.json)$/);
    expect(Object.keys(files)).toContain("evidence/etc-passwd--members-oscillate.json");
  });

  it("README.md stays inert and shows the hostile title as plain text", () => {
    expectInert(files["README.md"]!, { mermaid: 2, code: 0 });
    const h1 = parsed(files["README.md"]!).nodes.find((n) => n.type === "heading" && n.depth === 1)!;
    expect(textOf(h1)).toContain("<script>alert(1)</script>");
    expect(textOf(h1)).toContain("[click me](https://evil.example/phish)");
  });

  it("problem.md, plan.md and hypotheses.md stay inert", () => {
    expectInert(files["problem.md"]!, { mermaid: 1, code: 0 });
    expectInert(files["plan.md"]!, { mermaid: 0, code: 0 });
    expectInert(files["hypotheses.md"]!, { mermaid: 0, code: 0 });
  });

  it("the job summary and the incident index stay inert", () => {
    expectInert(renderJobSummary({ ...input, reportPath: `${input.incident.path}/README.md` }), { mermaid: 0, code: 0 });
    expectInert(renderIncidentIndex([input.incident, { ...input.incident, id: "2026-03-15-x", title: HOSTILE[8]!, pipelines: ["@octocat"] }]), {
      mermaid: 0,
      code: 0,
    });
  });

  it("keeps JSON files valid JSON with the data as it was", () => {
    const e = JSON.parse(files["evidence/etc-passwd--commit-failed-logs.json"]!) as { data: { records: Array<{ label: string }> } };
    expect(e.data.records[0]!.label).toBe(ALL);
    for (const line of files["alerts.jsonl"]!.trimEnd().split("\n")) expect((): unknown => JSON.parse(line)).not.toThrow();
  });
});

describe("inert text, for any input", () => {
  it("parses back as one paragraph of text and inline code, without mentions", () => {
    const piece = fc.constantFrom(
      ...HOSTILE,
      "@",
      "@a",
      "|",
      "`",
      "\n",
      "<",
      ">",
      "[",
      "]",
      "(",
      ")",
      "!",
      "*",
      "_",
      "#",
      "&",
      "https://",
      "www.",
      "x@y.z",
      "\\",
      " ",
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(piece, fc.string()), { maxLength: 12 }), (parts) => {
        const md = toMarkdown({ type: "root", children: [paragraph(...inert(parts.join("")))] });
        const { tree, nodes } = parsed(md);
        expect(tree.children.map((c) => c.type)).toEqual(["paragraph"]);
        for (const n of nodes.slice(2)) expect(["text", "inlineCode"]).toContain(n.type);
        expect(md).not.toMatch(MENTION);
        const cell = parsed(toMarkdown({ type: "root", children: [table(["a", "b"], [[inert(parts.join("")), "end"]])] }));
        expect(cell.tree.children.map((c) => c.type)).toEqual(["table"]);
        const rows = (cell.tree.children[0] as Table).children;
        expect(rows.map((r) => r.children.length)).toEqual([2, 2]);
        expect(textOf(rows[1]!.children[1]!)).toBe("end");
      }),
      { numRuns: 300 },
    );
  });

  it("Mermaid labels keep only letters, digits and harmless marks", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        expect(mermaidLabel(s)).toMatch(/^[\p{L}\p{N} ._\-/=+(),…]+$/u);
        expect(mermaidLabel(s)).not.toMatch(/--|%%/);
      }),
    );
    const chart = timelineChart([{ at: "2026-03-14T10:00:00Z", kind: "alert", text: "x]-->y[ %% ; \n```\nclick" }])!;
    expect(strayMermaidLines(chart.value)).toEqual([]);
  });

  it("a timeline label only adds spaces to its Mermaid label, and keeps none of a hostile <br>", () => {
    // Long words of separators, cases, digits, wide and foreign letters, and the characters a label drops.
    const unit = fc.constantFrom("a", "Z", "_", "-", ".", "/", "1", "W", "é", "日", " ", ":", "<", ">", "br", "%", "\n");
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit, maxLength: 120 }), fc.string({ maxLength: 120 })), (text) => {
        const { label } = timelineLabel("alert", text);
        expect(label).toMatch(/^[\p{L}\p{N} ._\-/=+(),…]+$/u);
        expect(label.replaceAll(" ", "")).toBe(mermaidLabel(`alert ${text}`, 80).replaceAll(" ", ""));
      }),
    );
    const chart = timelineChart([{ at: "2026-03-14T10:00:00Z", kind: "alert", text: `care_mgmt__gaps_in_care_daily<br>x]-->y[<br/>%%${"_".repeat(40)}` }])!;
    expect(strayMermaidLines(chart.value)).toEqual([]);
    expect(chart.value.split("\n").at(-1)).toBe("        10.00 : alert care_mgmt__gaps_ in_care_daily br x - y br/ ________________ ______________…");
  });
});

// Issue #16, section 6: alert or model text must not cross-reference or close an issue through our text.
describe("issue references and closing keywords in hostile text", () => {
  const REFERENCES = [
    "closes #4242",
    "Fixes victim/repo#4242",
    "resolves: #4242",
    "FIXED victim#4242",
    "GH-4242",
    "victim/repo#4242",
    "see #4242",
    "Closed https://github.com/victim/repo/issues/4242",
  ];
  const all = REFERENCES.join(" and ");
  const input = hostileInput(all);
  const files = buildIncidentFiles(input);
  const investigation = input.investigation!;
  const prBody = renderPullRequestBody({
    proposal: {
      kind: "config-patch",
      cause: investigation.rca.rootCause,
      path: "pipelines/orders/consumer.yaml",
      files: { "pipelines/orders/consumer.yaml": "x: 1\n" },
      branch: "pipemedic/fix/x",
      title: "Fix",
      message: "fix",
      description: all,
      rollback: all,
      reversible: true,
      draft: false,
    },
    investigation,
    reportUrl: "https://github.example/acme/data-ops/blob/main/incidents/x/README.md",
    incidentId: input.incident.id,
  });
  const artifacts: Record<string, string> = {
    "README.md": files["README.md"]!,
    "problem.md": files["problem.md"]!,
    "hypotheses.md": files["hypotheses.md"]!,
    "job summary": renderJobSummary({ ...input, reportPath: `${input.incident.path}/README.md` }),
    "incident index": renderIncidentIndex([{ ...input.incident, title: all }]),
    "pull request body": prBody,
  };

  it.each(Object.keys(artifacts))("%s: no reference GitHub would link and no closing keyword it would act on, yet the text is shown", (name) => {
    const md = artifacts[name]!;
    const { nodes } = parsed(md);
    // GitHub reads references in text, not in code spans or blocks.
    for (const n of nodes) if (n.type === "text") expect(n.value).not.toMatch(/(?<![\w/])(?:[\w.-]+(?:\/[\w.-]+)?)?#4242|\bgh-4242/i);
    // A closing keyword is judged on each block's whole text, code included: stricter than GitHub.
    for (const n of nodes.filter((x) => ["paragraph", "heading", "tableCell", "listItem"].includes(x.type))) {
      expect(textOf(n)).not.toMatch(/\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?):?\s+(?:#|gh-|[\w.-]+(?:\/[\w.-]+)?#|https?:\/\/)/i);
    }
    expect(visibleText(md)).toContain("closes #4242");
  });
});
