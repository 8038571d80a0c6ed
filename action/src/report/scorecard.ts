import type { Pattern } from "../patterns.js";
import type { Code, Root, RootContent } from "mdast";
import { Document, isSeq } from "yaml";
import type { Incident } from "../model/index.js";
import { INDEX_MD, INDEX_PATH, incidentFiles, monthFolder, SCORECARDS_DIR, scorecardPath } from "../record/paths.js";
import { redact, redactValue } from "../redact.js";
import { confidence, count, duration, round2, utc } from "./markdown/format.js";
import { code, inert } from "./markdown/inert.js";
import { hrefFrom } from "./markdown/links.js";
import { CHART_COLOURS, mermaidLabel, xyInit } from "./markdown/mermaid.js";
import { heading, link, paragraph, table, type Inline } from "./markdown/nodes.js";
import { toMarkdown } from "./markdown/serialize.js";
import { correctedCause } from "./index.js";

/**
 * incidents/scorecards/YYYY-MM.md: one month of incidents for the team, with the figures in YAML
 * frontmatter for machines. Everything is computed from index entries only, so the scorecard the
 * pipeline commits and the one `pipemedic index` rebuilds are the same file.
 */

const TOP_CAUSES = 10;
const TOP_REPEATED = 20;
// A month can hold hundreds of incidents: the newest are listed, the month's folder holds them all.
const LISTED = 100;
const MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** What the time-to-root-cause figure measures, written into the file for people and machines. */
export const TIME_TO_ROOT_CAUSE_MEASURES =
  "opened_at to investigated_at of investigated incidents (index.json): the first alert's start to the start of the run that investigated it (updated_at for incidents recorded before investigated_at was kept)";

/** The month (YYYY-MM, UTC) a timestamp falls in; null when it is not a date. */
export function monthOf(at: string): string | null {
  // Index timestamps are UTC (`…Z`) already; only an offset timestamp needs the Date round trip.
  if (/^[0-9]{4}-[0-9]{2}-[0-9]{2}T[^+]*Z$/.test(at)) return at.slice(0, 7);
  const t = Date.parse(at);
  return Number.isNaN(t) ? null : new Date(t).toISOString().slice(0, 7);
}

/** The months (YYYY-MM, UTC) in which incidents opened, oldest first. */
export function monthsOf(incidents: Incident[]): string[] {
  const months = new Set<string>();
  for (const i of incidents) {
    const m = monthOf(i.openedAt);
    if (m) months.add(m);
  }
  return [...months].sort();
}

/** An incident seen again within the month: the same alerting condition, or the same cause on the same pipeline. */
export interface Repeat {
  incident: string;
  /** The earliest incident of the month it repeats. */
  of: string;
  reason: "same fingerprint" | "same pipeline and cause";
}

/** The incidents that came back after one first incident of the month. */
export interface RepeatGroup {
  first: string;
  /** How many later incidents repeat it. */
  repeats: number;
  reasons: Repeat["reason"][];
  latest: string;
}

/** One month's figures, as the frontmatter records them. */
export interface ScorecardFigures {
  month: string;
  incidents: number;
  open: number;
  /** Investigation done (automatically or after a manual trigger). */
  investigated: number;
  /** Recorded, waiting for a manual trigger (or still pending). */
  notInvestigated: number;
  confirmedByReview: number;
  /** A person corrected the cause (feedback.actual_root_cause). */
  correctedByReview: number;
  /** Repeat firings of known alerts absorbed into incidents rather than paging again. */
  duplicatesAbsorbed: number;
  timeToRootCause: { incidents: number; medianMs: number | null; p90Ms: number | null };
  /** Incidents per root cause id (`unknown` included), most frequent first. */
  topCauses: Array<{ id: string; incidents: number }>;
  repeats: Repeat[];
  /** Repeats grouped by the first incident they repeat, most repeated first. */
  repeated: RepeatGroup[];
  /** Incidents opened on each day of the month (UTC), day 1 first. */
  perDay: number[];
}

function daysIn(month: string): number {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** Nearest-rank percentile: always a figure that was observed, never an interpolation. */
function percentile(sorted: number[], p: number): number | null {
  if (!sorted.length) return null;
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function share(part: number, whole: number): number | null {
  return whole ? round2(part / whole) : null;
}

/** The incidents that opened in a month, oldest first (ties by id, so the order is stable). */
function ofMonth(month: string, incidents: Incident[]): Incident[] {
  // By instant, not by text: a timestamp with an offset sorts where it happened.
  return incidents.filter((i) => monthOf(i.openedAt) === month).sort((a, b) => Date.parse(a.openedAt) - Date.parse(b.openedAt) || a.id.localeCompare(b.id));
}

function repeatsOf(incidents: Incident[]): Repeat[] {
  const byFingerprint = new Map<string, string>();
  const byPipelineCause = new Map<string, string>();
  const out: Repeat[] = [];
  for (const i of incidents) {
    // `unknown` is no cause: two incidents nobody explained are not the same failure.
    const cause = i.rootCause && i.rootCause.id !== "unknown" ? i.rootCause.id : null;
    const keys = cause ? i.pipelines.map((p) => `${p}\u0000${cause}`) : [];
    const fp = i.fingerprints.map((f) => byFingerprint.get(f)).find((x) => x !== undefined);
    const pc = keys.map((k) => byPipelineCause.get(k)).find((x) => x !== undefined);
    if (fp) out.push({ incident: i.id, of: fp, reason: "same fingerprint" });
    else if (pc) out.push({ incident: i.id, of: pc, reason: "same pipeline and cause" });
    for (const f of i.fingerprints) if (!byFingerprint.has(f)) byFingerprint.set(f, i.id);
    for (const k of keys) if (!byPipelineCause.has(k)) byPipelineCause.set(k, i.id);
  }
  return out;
}

function groupRepeats(repeats: Repeat[]): RepeatGroup[] {
  const groups = new Map<string, RepeatGroup>();
  for (const r of repeats) {
    const g = groups.get(r.of) ?? { first: r.of, repeats: 0, reasons: [], latest: r.incident };
    g.repeats += 1;
    g.latest = r.incident; // repeats arrive oldest first
    if (!g.reasons.includes(r.reason)) g.reasons.push(r.reason);
    groups.set(r.of, g);
  }
  return [...groups.values()].sort((a, b) => b.repeats - a.repeats || a.first.localeCompare(b.first));
}

/** The figures of one month (incidents opened in it, UTC), computed from index entries. */
export function scorecardFigures(month: string, incidents: Incident[]): ScorecardFigures {
  scorecardPath(month);
  const rows = ofMonth(month, incidents);
  const investigated = rows.filter((i) => i.investigation === "done");
  const waits = investigated
    .map((i) => Date.parse(i.investigatedAt ?? i.updatedAt) - Date.parse(i.openedAt))
    .filter((ms) => Number.isFinite(ms))
    .map((ms) => Math.max(0, ms))
    .sort((a, b) => a - b);
  const repeats = repeatsOf(rows);
  const causes = new Map<string, number>();
  for (const i of rows) if (i.rootCause) causes.set(i.rootCause.id, (causes.get(i.rootCause.id) ?? 0) + 1);
  const perDay = Array.from({ length: daysIn(month) }, () => 0);
  for (const i of rows) {
    const day = Number(new Date(i.openedAt).toISOString().slice(8, 10));
    perDay[day - 1] = (perDay[day - 1] ?? 0) + 1;
  }
  return {
    month,
    incidents: rows.length,
    open: rows.filter((i) => i.status === "open").length,
    investigated: investigated.length,
    notInvestigated: rows.length - investigated.length,
    confirmedByReview: rows.filter((i) => i.rootCause?.status === "confirmed-by-review").length,
    correctedByReview: rows.filter((i) => i.rootCause?.status === "corrected-by-review").length,
    duplicatesAbsorbed: rows.reduce((n, i) => n + i.duplicates, 0),
    timeToRootCause: { incidents: waits.length, medianMs: percentile(waits, 50), p90Ms: percentile(waits, 90) },
    topCauses: [...causes].map(([id, n]) => ({ id, incidents: n })).sort((a, b) => b.incidents - a.incidents || a.id.localeCompare(b.id)),
    repeats,
    repeated: groupRepeats(repeats),
    perDay,
  };
}

/** The frontmatter record: snake_case like an incident README's, shares as two decimals. */
function record(f: ScorecardFigures): Record<string, unknown> {
  return {
    month: f.month,
    incidents: f.incidents,
    open: f.open,
    investigated: f.investigated,
    investigated_share: share(f.investigated, f.incidents),
    not_investigated: f.notInvestigated,
    confirmed_by_review: f.confirmedByReview,
    confirmed_by_review_share: share(f.confirmedByReview, f.incidents),
    corrected_by_review: f.correctedByReview,
    duplicates_absorbed: f.duplicatesAbsorbed,
    time_to_root_cause: {
      measures: TIME_TO_ROOT_CAUSE_MEASURES,
      incidents: f.timeToRootCause.incidents,
      median_ms: f.timeToRootCause.medianMs,
      p90_ms: f.timeToRootCause.p90Ms,
    },
    top_causes: f.topCauses,
    repeats: f.repeats.length,
    repeated: f.repeated,
    incidents_per_day: f.perDay,
  };
}

/** The record as YAML; the per-day counts on one line, so the figures stay readable at the top of the file. */
function frontmatterYaml(f: ScorecardFigures): string {
  const doc = new Document(record(f));
  const perDay = doc.get("incidents_per_day", true);
  if (isSeq(perDay)) perDay.flow = true;
  return doc.toString({ lineWidth: 0 }).replace(/\n$/, "");
}

/** A span for people: minutes under two hours, then hours, then days. */
function span(ms: number | null): string {
  if (ms === null) return "—";
  if (ms < 2 * 3_600_000) return duration(ms);
  if (ms < 2 * 86_400_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  return `${(ms / 86_400_000).toFixed(1)} d`;
}

function percent(part: number, whole: number): string {
  return whole ? `${part} (${Math.round((part / whole) * 100)}%)` : String(part);
}

function incidentLink(i: Pick<Incident, "id" | "path">): Inline {
  const href = hrefFrom(SCORECARDS_DIR, incidentFiles.readme(i));
  return href ? link(href, code(i.id, 80)) : code(i.id, 80);
}

function perDayChart(month: string, perDay: number[]): Code {
  // Our own labels, sanitized all the same: nothing but digits should ever reach Mermaid here.
  const labels = perDay.map((_, d) => `"${mermaidLabel(String(d + 1).padStart(2, "0"), 2)}"`);
  // Mermaid's y axis draws d3's ten ticks, which fall on fractions below 8 (0.1 apart for 0 --> 1):
  // reaching 8 at least keeps every tick a whole number of incidents.
  const top = Math.max(8, ...perDay);
  return {
    type: "code",
    lang: "mermaid",
    meta: null,
    value: [
      xyInit([CHART_COLOURS.bar], 360),
      "xychart-beta",
      `    title "${mermaidLabel(`Incidents opened per day, ${month} (UTC)`, 70)}"`,
      `    x-axis [${labels.join(", ")}]`,
      `    y-axis "incidents" 0 --> ${top}`,
      `    bar [${perDay.join(", ")}]`,
    ].join("\n"),
  };
}

function causeCell(i: Pick<Incident, "rootCause" | "investigation">): Inline[] {
  if (!i.rootCause) return [i.investigation === "done" ? "—" : "not investigated"];
  if (i.rootCause.status === "corrected-by-review") return correctedCause(i.rootCause);
  if (i.rootCause.id === "unknown") return [`unknown (${i.rootCause.status})`];
  return [code(i.rootCause.id, 80), ` (${i.rootCause.status}, ${confidence(i.rootCause.confidence)})`];
}

function monthName(month: string): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return `${MONTH_NAMES[m - 1]} ${y}`;
}

/**
 * A month's scorecard (incidents/scorecards/YYYY-MM.md): figures, incidents per day, top causes,
 * repeats and the month's newest incidents, with the figures as YAML frontmatter.
 */
export function renderScorecard(month: string, incidents: Incident[], opts: { now?: string; redactPatterns?: Pattern[] } = {}): string {
  const patterns = opts.redactPatterns ?? [];
  const f = scorecardFigures(month, incidents);
  const monthly = ofMonth(month, incidents);
  const linked = new Set([...monthly.slice(-LISTED).map((i) => i.id), ...f.repeated.slice(0, TOP_REPEATED).flatMap((g) => [g.first, g.latest])]);
  // Only what is shown, and only the fields shown: titles are alert text, redacted before they are cut to fit a cell.
  const shown = redactValue(
    monthly
      .filter((i) => linked.has(i.id))
      .map(({ id, path, title, openedAt, severity, status, investigation, rootCause }) => ({
        id,
        path,
        title,
        openedAt,
        severity,
        status,
        investigation,
        rootCause,
      })),
    patterns,
  );
  const byId = new Map(shown.map((i) => [i.id, i]));
  const rows = monthly
    .slice(-LISTED)
    .reverse()
    .map((i) => byId.get(i.id)!);
  const ref = (id: string) => (byId.has(id) ? incidentLink(byId.get(id)!) : code(id, 80));
  const ttrc = f.timeToRootCause;
  const children: RootContent[] = [
    { type: "yaml", value: frontmatterYaml(f) },
    heading(1, `Scorecard: ${monthName(month)}`),
    paragraph(
      `Written by Pipemedic from the incident index: ${count(f.incidents, "incident")} opened in ${monthName(month)} (UTC), ${f.open} still open. `,
      link(hrefFrom(SCORECARDS_DIR, INDEX_MD)!, "All incidents"),
      ".",
      ...(opts.now ? [` Updated ${utc(opts.now)}.`] : []),
    ),
    heading(2, "Figures"),
    table(
      ["Figure", "Value", "What it counts"],
      [
        ["Incidents opened", String(f.incidents), "Incidents whose first alert started this month (UTC)."],
        ["Investigated", percent(f.investigated, f.incidents), "Investigation done, by policy or after a manual trigger."],
        ["Not investigated", String(f.notInvestigated), "Recorded and awaiting a manual trigger."],
        ["Confirmed by review", percent(f.confirmedByReview, f.incidents), "A merged fix confirmed the cause Pipemedic named."],
        ["Corrected by review", percent(f.correctedByReview, f.incidents), "A person set the cause in the incident's feedback.actual_root_cause."],
        ["Alerts absorbed as duplicates", String(f.duplicatesAbsorbed), "Repeat firings of a known alert grouped into its incident: pages saved."],
        ["Time to root cause, median", span(ttrc.medianMs), `Over ${count(ttrc.incidents, "investigated incident")}; see below.`],
        ["Time to root cause, p90", span(ttrc.p90Ms), "Nine in ten investigated incidents took this long or less."],
        ["Repeats", String(f.repeats.length), "Incidents that repeat an earlier one of the month; see below."],
      ],
    ),
    heading(2, "Incidents per day"),
    perDayChart(month, f.perDay),
    heading(2, "Time to root cause"),
    paragraph(
      "Measured from an incident's ",
      code("opened_at"),
      " (the start of its first alert) to its ",
      code("updated_at"),
      " in ",
      code(INDEX_PATH),
      " (its last recorded change), over investigated incidents; median and p90 are nearest-rank values. The index does not record the moment the investigation was committed: an incident that kept firing after its cause was found, or whose fix was reviewed later, counts that time too, and an incident investigated as its only alert arrived counts 0. Each incident README's ",
      code("cost.ms"),
      " gives the investigation's own run time.",
    ),
    heading(2, "Top causes"),
    ...(f.topCauses.length
      ? [
          table(
            ["Root cause", "Incidents"],
            f.topCauses.slice(0, TOP_CAUSES).map((c) => [c.id === "unknown" ? "unknown (no cause confirmed)" : code(c.id, 80), String(c.incidents)]),
          ),
          ...(f.topCauses.length > TOP_CAUSES ? [paragraph(`${f.topCauses.length - TOP_CAUSES} more causes are listed in the frontmatter.`)] : []),
        ]
      : [paragraph("No incident was investigated this month.")]),
    heading(2, "Repeats"),
    ...(f.repeated.length
      ? [
          paragraph(
            `${count(f.repeats.length, "incident")} repeated an earlier incident of the month: the same fingerprint, or the same root cause on the same pipeline. The most repeated are candidates for a lasting fix.`,
          ),
          table(
            ["First incident", "Seen again", "Why", "Latest"],
            f.repeated.slice(0, TOP_REPEATED).map((g) => [ref(g.first), String(g.repeats), g.reasons.join("; "), ref(g.latest)]),
          ),
          ...(f.repeated.length > TOP_REPEATED
            ? [paragraph(`${f.repeated.length - TOP_REPEATED} more repeated incidents are listed in the frontmatter.`)]
            : []),
        ]
      : [paragraph("No repeats: no fingerprint and no pipeline with the same cause came back this month.")]),
    heading(2, `Incidents (${f.incidents})`),
    ...(rows.length
      ? [
          table(
            ["Incident", "Title", "Opened", "Severity", "Status", "Root cause"],
            rows.map((i) => [incidentLink(i), inert(i.title, 120), utc(i.openedAt), i.severity, i.status, causeCell(i)]),
          ),
        ]
      : [paragraph("No incidents opened this month.")]),
    ...(f.incidents > LISTED
      ? [
          paragraph(
            `The newest ${LISTED} are listed; every incident of the month has its folder under `,
            link(`${hrefFrom(SCORECARDS_DIR, monthFolder(month))}/`, code(`${monthFolder(month)}/`)),
            ".",
          ),
        ]
      : []),
  ];
  const root: Root = { type: "root", children };
  return redact(toMarkdown(root), patterns);
}
