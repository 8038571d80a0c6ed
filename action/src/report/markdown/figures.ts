import type { RootContent } from "mdast";
import { PROMQL_RESERVED, type Check, type Evidence, type Investigation } from "../../model/index.js";
import type { PreparedInput } from "../artifacts.js";
import { decisiveEvidence } from "./decisive.js";
import { utc } from "./format.js";
import { code, inert } from "./inert.js";
import { checkThreshold, metricChart, TIMELINE_MAX, timelineChart, timelineLabel, type MetricChart } from "./mermaid.js";
import { link, paragraph, table, type Inline } from "./nodes.js";

/**
 * The README's pictures: the decisive metric as a chart a reader understands at a glance, and a
 * timeline of what matters to this incident only. The whole timeline stays in problem.md.
 */

function checksByKey(inv: Investigation): Map<string, Check> {
  return new Map(inv.hypotheses.flatMap((h) => h.checks).map((c) => [c.key, c]));
}

/** The metric a query reads: its first name that is neither a function, a keyword, a grouping label nor inside braces or brackets. */
export function metricOf(query: string | undefined): string | undefined {
  if (!query) return undefined;
  const bare = query
    .replace(/\{[^}]*\}/g, "")
    .replace(/\[[^\]]*\]/g, "")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/gi, "");
  for (const m of bare.matchAll(/[A-Za-z_:][\w:]*/g)) {
    const after = bare.slice(m.index + m[0].length).trimStart();
    if (!after.startsWith("(") && !PROMQL_RESERVED.has(m[0].toLowerCase())) return m[0];
  }
  return undefined;
}

/** The chart of the first decisive evidence that carries series, with its key in words and the series named. */
export function decisiveChart(input: PreparedInput, inv: Investigation, evidence: Evidence[]): RootContent[] {
  const checks = checksByKey(inv);
  for (const e of evidence) {
    const chart = chartOf(input, e, checks.get(e.key));
    if (!chart) continue;
    const labels = Object.entries(chart.series.labels)
      .map(([k, v]) => `${k}="${v}"`)
      .join(", ");
    const key: Inline[] = chart.legend.flatMap((l, i) => [i ? "; " : "", `${l.colour}: ${l.text}`]);
    return [
      paragraph("The key metric, as check ", code(e.check, 60), " saw it:"),
      chart.chart,
      paragraph(...key, "."),
      paragraph(
        "The series: ",
        code(`{${labels}}`, 200),
        chart.of > 1 ? ` — the one the finding names, of the ${chart.of} series the check read (all are in its data file).` : ".",
      ),
    ];
  }
  return [];
}

function chartOf(input: PreparedInput, e: Evidence, check: Check | undefined): MetricChart | null {
  return metricChart({
    data: e.data,
    title: e.finding.split(":")[0] ?? e.check,
    metric: metricOf(check?.spec.metric),
    rate: check?.spec.rate ?? false,
    finding: e.finding,
    threshold: check ? checkThreshold(check.primitive, check.spec.pass_if, e.observed) : null,
    onset: check?.onset ?? input.problem.onset,
  });
}

type Entry = { at: string; kind: string; text: string };

const byTime = (a: Entry, b: Entry) => Date.parse(a.at) - Date.parse(b.at);

/**
 * What matters to this incident, most telling first: the first alert, the decisive findings, the
 * changes a ranked cause considered (a change check matched them), then the other alerts.
 */
export function relevantEntries(input: PreparedInput, inv: Investigation | null): Entry[] {
  const findings: Entry[] = [];
  const changes: Entry[] = [];
  if (inv) {
    const checks = checksByKey(inv);
    for (const e of decisiveEvidence(inv).evidence) {
      for (const m of e.matched ?? []) if (m.at) findings.push({ at: m.at, kind: "finding", text: m.label });
      // A metric's decisive moment: when the series first met the check's threshold.
      const crossed = e.data ? chartOf(input, e, checks.get(e.key)) : null;
      if (crossed?.crossedAt)
        findings.push({
          at: new Date(crossed.crossedAt).toISOString(),
          kind: "finding",
          text: `${crossed.name} crossed the threshold, ${e.finding.split(":")[0] ?? e.check}`,
        });
    }
    const ranked = new Set(inv.rca.ranked.map((c) => c.id));
    for (const e of inv.evidence) {
      if (!ranked.has(e.hypothesis) || checks.get(e.key)?.capability !== "changes") continue;
      for (const m of e.matched ?? []) {
        if (!m.at) continue;
        // The framed timeline's words for the same change, when it lists it.
        const framed = input.problem.timeline.find((t) => (t.kind === "commit" || t.kind === "deployment") && Date.parse(t.at) === Date.parse(m.at));
        changes.push(framed ? { ...framed } : { at: m.at, kind: "change", text: m.label });
      }
    }
  }
  const alerts = input.problem.timeline.filter((t) => t.kind === "alert" || t.kind === "resolved").sort(byTime);
  // A finding repeated (the same log line every ten minutes) is one entry, with its count.
  const collapsed = new Map<string, Entry & { times: number; last: string }>();
  for (const f of findings.sort(byTime)) {
    const had = collapsed.get(f.text);
    if (had) Object.assign(had, { times: had.times + 1, last: f.at });
    else collapsed.set(f.text, { ...f, times: 1, last: f.at });
  }
  const found: Entry[] = [...collapsed.values()].map((f) => ({
    at: f.at,
    kind: f.kind,
    text: f.times > 1 ? `${f.text} (${f.times} times, the last at ${utc(f.last).slice(11)})` : f.text,
  }));
  // A change that a finding already names (a change check's match) is that finding.
  const findingTimes = new Set(findings.map((f) => Date.parse(f.at)));
  const considered = changes.filter((c) => !findingTimes.has(Date.parse(c.at)));
  const seen = new Set<string>();
  // The first alert, then what decided, then the changes considered, then the other alerts.
  return [...alerts.slice(0, 1), ...found, ...considered, ...alerts.slice(1)].filter((e) => {
    const k = `${Date.parse(e.at)}|${e.text}`;
    if (Number.isNaN(Date.parse(e.at)) || seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * The README's timeline: the few entries that matter as a Mermaid timeline, the rest as a table below
 * it, with the entries whose text the chart cut short (their full text is nowhere else in the README).
 */
export function incidentTimeline(input: PreparedInput, inv: Investigation | null): RootContent[] {
  const entries = relevantEntries(input, inv);
  const charted = entries.slice(0, TIMELINE_MAX).sort(byTime);
  const rest = entries.slice(TIMELINE_MAX).sort(byTime);
  const chart = timelineChart(charted);
  if (!chart) return [paragraph("No dated alerts, findings or changes; every event of the window is in ", link("problem.md", "problem.md"), ".")];
  const out: RootContent[] = [chart];
  const cut = charted.filter((e) => timelineLabel(e.kind, e.text).cut);
  if (rest.length || cut.length) {
    const what = [
      ...(cut.length ? [`${cut.length === 1 ? "the entry" : `the ${cut.length} entries`} the chart shortens, in full`] : []),
      ...(rest.length ? [rest.length === 1 ? "one more entry" : `${rest.length} more entries`] : []),
    ].join(", and ");
    out.push(
      paragraph(`${what.charAt(0).toUpperCase()}${what.slice(1)}:`),
      table(
        ["Time", "Kind", "Event"],
        [...cut, ...rest.slice(0, 50)].sort(byTime).map((e) => [utc(e.at), e.kind, inert(e.text, 240)]),
      ),
    );
  }
  const left = rest.length > 50 ? `${rest.length - 50} more are not shown here; ` : "";
  out.push(
    paragraph(
      `${inv ? "The alerts, the decisive findings and the changes a ranked cause considered" : "The alerts"}, in UTC; ${left}every event of the window, related or not, is in `,
      link("problem.md", "problem.md"),
      ".",
    ),
  );
  return out;
}
