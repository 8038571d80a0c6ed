import { mkdirSync } from "node:fs";
import { join, relative } from "node:path";
import type { Nodes, Root } from "mdast";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectMemory, replayLoaded, scenarioRepoFiles } from "../../src/eval/replay.js";
import { timelineChart } from "../../src/report/markdown/mermaid.js";
import { MemoryStore } from "../../src/store/memory.js";
import { findScenarioDirs, loadScenario } from "../../src/telemetry/replay/load.js";
import { BACKGROUNDS, chromiumPath, contrast, GITHUB_WIDTH, openMermaidPage, type MermaidPage, type Rendered } from "../support/browser.js";
import { REPO_ROOT } from "../support/runner.js";
import { requireService } from "../support/service.js";
import { parsed } from "./mdast-helpers.js";

/**
 * Every Mermaid block of every report of the golden suite (each incident's README.md and problem.md,
 * and the monthly scorecards), rendered by Mermaid in a real browser at GitHub's width: it must parse
 * and render, and a reader must be able to read it there — x labels that do not overlap, no text
 * under 10 px once GitHub scales the SVG to its 880 px column, no text running out of the box a
 * timeline draws around it, and series colours that stand out on the light and the dark page (3:1,
 * WCAG's minimum for graphics).
 *
 * Set PIPEMEDIC_SCREENSHOTS=<dir> to also save two incidents' README (decisive evidence and timeline)
 * as PNGs at 880 px, the review artefacts in docs/img/.
 */

const executable = chromiumPath();
const live = requireService("Chromium", executable !== null, "apt-get install chromium (or run .ci/services.sh)");

const MIN_PX = 10;
const MIN_CONTRAST = 3;

interface Block {
  /** scenario / file path / block number */
  where: string;
  code: string;
}

/** Every Markdown file each scenario's replay writes under incidents/, by scenario. */
async function goldenReports(): Promise<Map<string, Record<string, string>>> {
  const memory = await projectMemory(REPO_ROOT);
  const root = join(REPO_ROOT, "action", "scenarios");
  const out = new Map<string, Record<string, string>>();
  for (const dir of await findScenarioDirs(root)) {
    const scenario = await loadScenario(dir);
    const store = new MemoryStore(scenarioRepoFiles(scenario));
    await replayLoaded(scenario, { projectRoot: REPO_ROOT, memory, store: () => Promise.resolve(store) });
    const head = await store.snapshot();
    const files: Record<string, string> = {};
    const seeded = scenarioRepoFiles(scenario);
    for (const p of await head.list("incidents")) {
      const md = p.endsWith(".md") ? await head.read(p) : null;
      // What the scenario's history/ holds as it was is its input, not a report this run wrote.
      if (md !== null && md !== seeded[p]) files[p] = md;
    }
    out.set(relative(root, dir), files);
  }
  return out;
}

function mermaidBlocks(markdown: string): string[] {
  return parsed(markdown)
    .nodes.filter((n) => n.type === "code" && n.lang === "mermaid")
    .map((n) => (n as { value: string }).value);
}

/** What keeps a rendered block from being read at GitHub's width; empty when it reads. */
export function illegible(r: Rendered): string[] {
  if (r.error !== undefined) return [`does not render: ${r.error}`];
  const out: string[] = [];
  const small = (r.texts ?? []).filter((t) => t.px < MIN_PX);
  if (small.length)
    out.push(`${small.length} texts under ${MIN_PX} px at ${GITHUB_WIDTH} px, e.g. "${small[0]!.text.slice(0, 40)}" at ${small[0]!.px.toFixed(1)} px`);
  const spill = r.overflows ?? [];
  if (spill.length) out.push(`${spill.length} texts overflow their box, e.g. "${spill[0]!.text.slice(0, 40)}" by ${spill[0]!.by.toFixed(1)} px`);
  const labels = r.xLabels ?? [];
  for (let i = 1; i < labels.length; i++) {
    const [a, b] = [labels[i - 1]!, labels[i]!];
    if (a.right > b.left + 0.5 && a.bottom > b.top && b.bottom > a.top) {
      out.push(`x labels "${a.text}" and "${b.text}" overlap`);
      break;
    }
  }
  for (const colour of r.seriesColours ?? []) {
    for (const bg of BACKGROUNDS) {
      const ratio = /^#[0-9a-f]{6}$/i.test(colour) ? contrast(colour, bg) : 0;
      if (ratio < MIN_CONTRAST) out.push(`series colour ${colour} has contrast ${ratio.toFixed(2)} on ${bg}`);
    }
  }
  return out;
}

describe.runIf(live)("the golden reports' Mermaid blocks in Chromium", () => {
  let page: MermaidPage;
  let reports: Map<string, Record<string, string>>;
  const blocks: Block[] = [];
  const rendered: Array<{ block: Block; r: Rendered }> = [];

  beforeAll(async () => {
    page = await openMermaidPage(executable!);
    const t0 = performance.now();
    reports = await goldenReports();
    const t1 = performance.now();
    const seen = new Set<string>();
    for (const [scenario, files] of reports)
      for (const [path, md] of Object.entries(files))
        mermaidBlocks(md).forEach((code, i) => {
          if (seen.has(code)) return; // a scorecard repeats across scenarios of the same month
          seen.add(code);
          blocks.push({ where: `${scenario} ${path} #${i + 1}`, code });
        });
    // One page, one block at a time.
    for (const block of blocks) rendered.push({ block, r: await page.render(block.code) });
    const s = (ms: number) => `${(ms / 1000).toFixed(0)} s`;
    console.log(`legible: replayed ${reports.size} scenarios in ${s(t1 - t0)}, rendered ${blocks.length} blocks in ${s(performance.now() - t1)}`);
    // Measured on 2 cores: replaying the 104 scenarios takes 36 s on an idle machine, rendering their
    // 356 distinct blocks 34 s (about 140 ms a chart, 70 ms a timeline); shared with other test runs the
    // whole took 145 s to 435 s. Hence a hook timeout well above the default.
  }, 900_000);

  afterAll(async () => {
    await page?.close();
  });

  it("finds charts and timelines in README.md, problem.md and the scorecards", () => {
    const where = (re: RegExp) => blocks.filter((b) => re.test(b.where));
    expect(where(/\/README\.md #/).length).toBeGreaterThan(50);
    expect(where(/problem\.md #/).length).toBeGreaterThan(50);
    expect(where(/scorecards\/\d{4}-\d{2}\.md #/).length).toBeGreaterThan(3);
    expect(blocks.some((b) => b.code.includes("xychart-beta\n") && b.where.includes("/README.md"))).toBe(true);
  });

  it("every block parses and renders", () => {
    const failed = rendered.filter(({ r }) => r.error !== undefined).map(({ block, r }) => `${block.where}: ${r.error}`);
    expect(failed).toEqual([]);
  });

  it("every block reads at GitHub's width: labels apart, text of 10 px or more inside its box, series that stand out", () => {
    const problems = rendered.flatMap(({ block, r }) => illegible(r).map((p) => `${block.where}: ${p}`));
    expect(problems).toEqual([]);
    // Measured, not assumed: every chart showed its x labels and series.
    const charts = rendered.filter(({ block }) => block.code.includes("xychart-beta"));
    for (const { block, r } of charts) {
      expect(r.xLabels!.length, block.where).toBeGreaterThan(1);
      expect(r.seriesColours!.length, block.where).toBeGreaterThan(0);
    }
  });

  it("the checks fail a chart drawn the old way: crowded labels, raw values, the default palette's pale first series, a name out of its box", async () => {
    const times = Array.from({ length: 30 }, (_, i) => `"16.${String(10 + i).padStart(2, "0")}"`);
    const old = [
      "xychart-beta",
      '    title "a Kafka log directory ran out of space"',
      `    x-axis [${times.join(", ")}]`,
      '    y-axis "value"',
      `    line [${times.map((_, i) => 167243400998 - i * 1e6).join(", ")}]`,
    ].join("\n");
    const found = illegible(await page.render(old));
    expect(found.some((p) => p.includes("overlap"))).toBe(true);
    expect(found.some((p) => p.toLowerCase().includes("series colour #ececff"))).toBe(true);
    const timeline = [
      "timeline",
      "    title Timeline (UTC)",
      ...Array.from({ length: 9 }, (_, i) => `        1${i}.00 : deployment service-${i} v1.2.${i} to production (success)`),
    ];
    expect(illegible(await page.render(timeline.join("\n"))).some((p) => p.includes("under 10 px"))).toBe(true);
    // A long name as one word, the way Mermaid's own wrapping (at spaces only) leaves it.
    const spilled = ["timeline", "    section 2026-04-28", "        10.00 : alert care_mgmt__gaps_in_care_daily is expired (high)"];
    expect(illegible(await page.render(spilled.join("\n"))).some((p) => p.includes("overflow their box"))).toBe(true);
    expect((await page.render("xychart-beta\n    line [1, oops]")).error).toBeDefined();
  });

  it("long alert names stay inside their timeline boxes, broken at underscores, dashes and case changes (anywhere in a hash)", async () => {
    const at = (m: number) => new Date(Date.UTC(2026, 3, 28, 10, m)).toISOString();
    const names = [
      "care_mgmt__gaps_in_care_daily is expired",
      // CloudWatch alarm names run to 255 characters; these are 60.
      "prod-orders-api-ApplicationELB-HTTPCode-Target-5XX-Count-High",
      "TargetTracking-table/orders-ProvisionedCapacityHigh-8f3c2a1b",
      "KafkaConsumerGroupLagTooHighForTheOrdersEnrichmentConsumers",
      "deadbeefcafebabe0123456789abcdef0123456789abcdef",
      "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWW MMMMMMMMMMMMMMMMMMMMMM",
      "日本語のアラート名がとても長い場合のテストケースです",
    ];
    // One chart per name (four entries at most), then all of them stacked in one minute.
    const charts = [
      ...names.map((text) => timelineChart([{ at: at(0), kind: "alert", text }, ...[1, 2, 3].map((m) => ({ at: at(m), kind: "alert", text }))])!),
      timelineChart(
        names.map((text) => ({ at: at(0), kind: "alert", text })),
        names.length,
      )!,
    ];
    const problems: string[] = [];
    for (const chart of charts) for (const p of illegible(await page.render(chart.value))) problems.push(`${chart.value.split("\n")[3]!.trim()}: ${p}`);
    expect(problems).toEqual([]);
  });

  it("saves a Kafka and an Airflow incident as screenshots when asked (PIPEMEDIC_SCREENSHOTS)", async () => {
    const dir = process.env.PIPEMEDIC_SCREENSHOTS;
    const wanted: Array<[string, string]> = [
      ["kafka-broker-disk-full", "kafka-broker-disk-full.png"],
      ["attribution-executor-full", "airflow-executor-full.png"],
    ];
    for (const [scenario, png] of wanted) {
      const files = reports.get(scenario);
      expect(files, scenario).toBeDefined();
      const readme = Object.entries(files!).find(([p]) => /incidents\/\d{4}\/\d{2}\/[^/]+\/README\.md$/.test(p))?.[1];
      expect(readme, scenario).toContain("```mermaid");
      if (!dir) continue;
      mkdirSync(dir, { recursive: true });
      await page.screenshot(htmlOf(parsed(readme!).tree, ["Decisive evidence", "Timeline"]), join(dir, png));
    }
  });
});

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** A plain HTML rendering of the title and some sections of a report, enough for a screenshot. */
function htmlOf(tree: Root, sections: string[]): string {
  const inline = (n: Nodes): string => {
    if (n.type === "text") return esc(n.value);
    if (n.type === "inlineCode") return `<code>${esc(n.value)}</code>`;
    if (n.type === "strong") return `<strong>${n.children.map(inline).join("")}</strong>`;
    if (n.type === "link") return `<a href="#">${n.children.map(inline).join("")}</a>`;
    return "children" in n ? (n.children as Nodes[]).map(inline).join("") : "";
  };
  const block = (n: Nodes): string => {
    switch (n.type) {
      case "heading":
        return `<h${n.depth}>${n.children.map(inline).join("")}</h${n.depth}>`;
      case "paragraph":
        return `<p>${n.children.map(inline).join("")}</p>`;
      case "list":
        return `<${n.ordered ? "ol" : "ul"}>${n.children.map((li) => `<li>${li.children.map((c) => (c.type === "paragraph" ? c.children.map(inline).join("") : block(c))).join("")}</li>`).join("")}</${n.ordered ? "ol" : "ul"}>`;
      case "code":
        return n.lang === "mermaid" ? `<pre class="mermaid">${esc(n.value)}</pre>` : `<pre>${esc(n.value)}</pre>`;
      case "table":
        return `<table>${n.children.map((row, i) => `<tr>${row.children.map((c) => `<t${i ? "d" : "h"}>${c.children.map(inline).join("")}</t${i ? "d" : "h"}>`).join("")}</tr>`).join("")}</table>`;
      default:
        return "";
    }
  };
  let keep = false;
  const out: string[] = [];
  for (const n of tree.children) {
    if (n.type === "heading" && n.depth === 1) out.push(block(n));
    if (n.type === "heading" && n.depth === 2) keep = sections.includes(n.children.map(inline).join(""));
    if (keep) out.push(block(n));
  }
  return out.join("\n");
}
