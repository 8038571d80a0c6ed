import type { Code } from "mdast";
import { z } from "zod";
import type { TimelineEntry } from "../../model/index.js";
import { visible } from "./inert.js";

/**
 * Mermaid blocks generated from data. Mermaid has no escaping that holds in every diagram type, so
 * labels keep only letters, digits and a few harmless marks: alert text cannot close a bracket,
 * start a comment (`%%`), add a statement (`;`), draw an arrow (`-->`) or end the fence.
 */

/** A label safe inside any Mermaid statement and inside double quotes. */
export function mermaidLabel(text: string, max = 60): string {
  const kept = visible(text)
    .replace(/[^\p{L}\p{N} ._\-/=+(),]/gu, " ")
    .replace(/-{2,}/g, "-")
    .replace(/\s+/g, " ")
    .trim();
  if (!kept) return "-";
  return kept.length > max ? `${kept.slice(0, max - 1).trimEnd()}…` : kept;
}

/** A `mermaid` code node. */
function mermaid(lines: string[]): Code {
  return { type: "code", lang: "mermaid", meta: null, value: lines.join("\n") };
}

// The timeline's period cannot hold a colon, so times read 10.02 rather than 10:02.
function clock(at: Date): string {
  return at.toISOString().slice(11, 16).replace(":", ".");
}

/**
 * A `timeline` of dated entries, one section per day (UTC) and one period per minute, at most `max`
 * entries; null when none has a valid time. Mermaid lays a timeline's periods side by side at a fixed
 * width (about 200 px each), so GitHub shrinks a long one to fit its column. Measured in Chromium with
 * Mermaid 11 at 880 px: 3 periods draw text at 14.2 px, 4 at 11.8 px, 5 at 10.1 px and less with a
 * long unbroken word (9.8 px), 8 at 7 px. Callers keep it to `TIMELINE_MAX` and list the rest.
 */
export function timelineChart(
  entries: Array<Pick<TimelineEntry, "at" | "text"> & { kind: string }>,
  max = TIMELINE_MAX,
  title = "Timeline (UTC)",
): Code | null {
  const dated = entries
    .map((e) => ({ ...e, d: new Date(e.at) }))
    .filter((e) => !Number.isNaN(e.d.getTime()))
    .sort((a, b) => a.d.getTime() - b.d.getTime())
    .slice(0, max);
  if (!dated.length) return null;
  const lines = ["timeline", `    title ${mermaidLabel(title, 60)}`];
  let day = "";
  let minute = "";
  for (const e of dated) {
    const d = e.d.toISOString().slice(0, 10);
    if (d !== day) {
      lines.push(`    section ${d}`);
      day = d;
      minute = "";
    }
    const label = timelineLabel(e.kind, e.text).label;
    // Events of the same minute stack in one period rather than widening the timeline.
    if (clock(e.d) === minute) lines[lines.length - 1] += ` : ${label}`;
    else lines.push(`        ${clock(e.d)} : ${label}`);
    minute = clock(e.d);
  }
  return mermaid(lines);
}

/** The most entries a Mermaid timeline holds and still reads at GitHub's width (see `timelineChart`). */
export const TIMELINE_MAX = 4;

/** The most characters of a timeline entry's text; a longer one is cut with an ellipsis. */
const TIMELINE_CHARS = 80;

/**
 * A timeline entry's text as its box shows it, and whether it was cut short (then the full text
 * belongs in a table beside the chart). Mermaid wraps a timeline's text at spaces only, at 150 px (its
 * `timeline.width`) inside a 190 px box, so a long word (`care_mgmt__gaps_in_care_daily`, a
 * CloudWatch alarm name) runs out of its box: such a word gets a space after a separator or before a
 * capital, where Mermaid's wrapping can break it. Not `<br>`: a timeline breaks at it through
 * `mermaid.render`, but `mermaid.run`, which renders a page's blocks (and many Markdown previews), first
 * rewrites it to `<br/>`, which a timeline prints as it stands (Chromium, Mermaid 11.17).
 */
export function timelineLabel(kind: string, text: string): { label: string; cut: boolean } {
  const label = mermaidLabel(`${kind} ${text}`, TIMELINE_CHARS);
  return { label: label.split(" ").map(breakWord).join(" "), cut: label !== mermaidLabel(`${kind} ${text}`, Infinity) };
}

/**
 * Widths (px) of the characters of a timeline's text, 16 px in Mermaid's `"trebuchet ms", verdana,
 * arial, sans-serif`, measured in Chromium with Debian's DejaVu Sans (as wide as Verdana; Trebuchet
 * is narrower): i j l I J . , / - ( ) f r t 4.4 to 6.3, m w M W = + … 13 to 16, A to Z up to 12.6,
 * a to z, digits and _ up to 10.2. Rounded up by class; other scripts count as a full 16 px em.
 */
function charWidth(c: string): number {
  if (/[ijlIJ.,/\-()frt]/.test(c)) return 6.4;
  if (/[mwMW=+…]/.test(c)) return 16;
  if (/[A-Z]/.test(c)) return 12.8;
  if (/[a-z0-9_]/.test(c)) return 10.4;
  return 16;
}

/**
 * The widest a piece of a broken word may be, by `charWidth` (an upper bound for DejaVu Sans, close to
 * Verdana): 10 px inside each side of the 190 px box. Mermaid wraps at 150 px, so such a piece may
 * take a line of its own, and two short ones may share a line (then they read with a space between).
 */
const LINE_PX = 170;

// Where a word breaks well: after a run of separators (snake_case, dashes, paths), and between a lower-case letter and a capital (CamelCase).
const SEPARATOR = /[._\-/=+,]/;
function breaksBefore(chars: string[], i: number): boolean {
  const [a, b] = [chars[i - 1]!, chars[i]!];
  if (SEPARATOR.test(a)) return !SEPARATOR.test(b);
  return /\p{Ll}/u.test(a) && /\p{Lu}/u.test(b);
}

/**
 * A word wider than `LINE_PX`, as pieces that fit, joined by spaces: each piece ends at the last good
 * break that keeps a third of what fits, else where it fills (a hash, a long run of one case).
 */
function breakWord(word: string): string {
  const chars = Array.from(word);
  const pieces: string[] = [];
  let start = 0;
  for (;;) {
    let end = start;
    let px = 0;
    while (end < chars.length && px + charWidth(chars[end]!) <= LINE_PX) px += charWidth(chars[end++]!);
    if (end >= chars.length) break;
    let cut = end;
    while (cut > start && !breaksBefore(chars, cut)) cut--;
    if (cut - start < (end - start) / 3) cut = Math.max(end, start + 1);
    pieces.push(chars.slice(start, cut).join(""));
    start = cut;
  }
  pieces.push(chars.slice(start).join(""));
  return pieces.join(" ");
}

/*
 * Colours. Mermaid's default xychart palette draws the first series in #ECECFF, which vanishes on
 * white, so each chart sets its own with an init directive (`themeVariables.xyChart.plotColorPalette`).
 * Does GitHub honour it? GitHub renders ```mermaid blocks with Mermaid itself (in an iframe), and
 * Mermaid applies an init directive's keys unless the site lists them in `secure` (by default only
 * security settings, not theme variables). No GitHub document promises or forbids it; the one public
 * report we found (a review thread, nanotaboada/Dotnet.Samples.AspNetCore.WebApi#313, searched
 * 2026-12) says GitHub accepts `%%{init}%%` with `themeVariables` but pins its Mermaid version and may
 * override some styling. We could not check github.com itself from here. So we use it, and order the
 * plots so that the chart still reads when a renderer ignores it: the default palette's pale first
 * colour goes to the onset marker, the decisive series comes second (#8493A6, still 3:1 on white),
 * the threshold third; the title and the legend name the series, not only its colour.
 * Every colour here has a contrast of at least 3:1 against GitHub's light (#ffffff) and dark (#0d1117)
 * backgrounds (WCAG's minimum for graphics); the browser test checks it on every rendered chart.
 */
export const CHART_COLOURS = { marker: "#6e7781", series: "#0969da", threshold: "#cf222e", bar: "#0969da" } as const;

/** GitHub's content column is about 880 px wide; a chart drawn at this width is never scaled down. */
export const CHART_WIDTH = 860;

/** The init directive of an xychart: its palette, in plot order, and a size that fits GitHub's column. */
export function xyInit(palette: string[], height = 420): string {
  const config = {
    themeVariables: { xyChart: { plotColorPalette: palette.join(", ") } },
    xyChart: { width: CHART_WIDTH, height, showLegend: true },
  };
  return `%%{init: ${JSON.stringify(config)}}%%`;
}

/** Evidence data of a metric check, as the checks runtime records it. */
export const SeriesDataSchema = z.object({
  series: z.array(
    z.object({
      labels: z.record(z.string(), z.string()).default({}),
      points: z.array(z.tuple([z.number(), z.number().nullable()])),
    }),
  ),
});
export type SeriesData = z.infer<typeof SeriesDataSchema>;
type ChartSeries = SeriesData["series"][number];

// xychart-beta reads plain decimals only: no exponents, no NaN.
function num(v: number): string {
  const c = Math.max(-1e15, Math.min(1e15, v));
  const r = Math.abs(c) >= 100 ? Math.round(c) : Math.abs(c) >= 1 ? Math.round(c * 100) / 100 : Math.round(c * 1000) / 1000;
  return Object.is(r, -0) ? "0" : String(r);
}

/** A unit for people: values are divided by `factor` and the axis says `label`. */
export interface Unit {
  label: string;
  factor: number;
}

const BINARY = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB"];

/**
 * The unit a metric's values read in, from the metric's name (Prometheus' naming conventions: a
 * `_bytes` or `Size` suffix, `_seconds`, `_ratio`, milliseconds per second) scaled to the largest
 * value shown; counts above ten thousand read in thousands or millions.
 */
export function unitOf(metric: string, rate: boolean, maxAbs: number): Unit {
  const per = rate ? "/s" : "";
  const m = metric.toLowerCase();
  if (/bytes|size$/.test(m)) {
    let i = 0;
    while (i < BINARY.length - 1 && maxAbs >= 1024 ** (i + 1)) i++;
    return { label: `${BINARY[i]}${per}`, factor: 1024 ** i };
  }
  if (/mspersecond$/.test(m)) return { label: "% of the time", factor: 10 };
  if (/_ratio$/.test(m)) return { label: "%", factor: 0.01 };
  const seconds = /_seconds(_total)?$/.test(m) ? 1 : /(_ms|_milliseconds|ms)$/.test(m) && !rate ? 0.001 : 0;
  if (seconds) {
    const s = maxAbs * seconds;
    if (s >= 7200) return { label: "hours", factor: 3600 / seconds };
    if (s >= 120) return { label: "minutes", factor: 60 / seconds };
    if (s < 1) return { label: "ms", factor: 0.001 / seconds };
    return { label: "seconds", factor: 1 / seconds };
  }
  const what = /lag/.test(m) ? "messages" : /slots/.test(m) ? "slots" : /offset/.test(m) ? (rate ? "messages" : "offset") : rate ? "events" : "";
  const scale = maxAbs >= 1e7 ? { word: "millions", factor: 1e6 } : maxAbs >= 1e4 ? { word: "thousands", factor: 1e3 } : { word: "", factor: 1 };
  const label = what ? (scale.word ? `${scale.word} of ${what}` : what) : scale.word || "count";
  return { label: `${label}${per}`, factor: scale.factor };
}

/** A series' name as the checks runtime writes it into a finding: its labels but `__name__`, `k=v` joined by commas. */
export function seriesName(s: Pick<ChartSeries, "labels">): string {
  const parts = Object.entries(s.labels)
    .filter(([k]) => k !== "__name__")
    .map(([k, v]) => `${k}=${v}`);
  return parts.length ? parts.join(",") : (s.labels.__name__ ?? "series");
}

/**
 * A short name for a series on a chart: the values of the labels that tell it apart from the other
 * series the check read (else its first two), without the metric name.
 */
function shortName(s: ChartSeries, among: ChartSeries[]): string {
  const keys = Object.keys(s.labels).filter((k) => k !== "__name__" && k !== "__aggregate__");
  const varying = keys.filter((k) => among.some((o) => o.labels[k] !== s.labels[k]));
  const values = (varying.length ? varying : keys.slice(0, 2)).map((k) => s.labels[k]!);
  if (values.length) return values.join(" ");
  return s.labels.__aggregate__ ? `${s.labels.__aggregate__} of all series` : "the series";
}

/** The time axis: offsets from a reference instant in a unit that keeps the numbers small. */
function timeAxis(start: number, end: number, onset: number | null): { ref: number; unit: string; per: number; fromOnset: boolean } {
  const span = end - start;
  const [unit, per] = span <= 3 * 3_600_000 ? ["minutes", 60_000] : span <= 3 * 86_400_000 ? ["hours", 3_600_000] : ["days", 86_400_000];
  const fromOnset = onset !== null && onset >= start && onset <= end;
  return { ref: fromOnset ? onset : end, unit: unit, per: per, fromOnset };
}

/** A threshold line: the level the check compared against, and its words. */
export interface ChartThreshold {
  value: number;
  /** The comparison that passes: `<=`, `>=`, … */
  op: string;
  /** For a step change: the ratio to the level before the onset. */
  ratio?: number;
}

export interface MetricChartInput {
  /** The evidence's data: `{ series: [{ labels, points }] }`. */
  data: unknown;
  /** What the check says (its finding's head): the chart's title. */
  title: string;
  /** The metric the check read, for its unit; the series' `__name__` when absent. */
  metric?: string;
  /** Whether the check read the metric's per-second rate. */
  rate?: boolean;
  /** The finding, which names the series that decided when there are several. */
  finding?: string;
  /** The level the check compared against, in the metric's raw unit. */
  threshold?: ChartThreshold | null;
  /** The onset, epoch ms. */
  onset?: number | null;
  /** Most points drawn for the series. */
  maxPoints?: number;
}

export interface MetricChart {
  chart: Code;
  /** The series drawn: the one the check decided on. */
  series: ChartSeries;
  /** How many series the check read. */
  of: number;
  unit: Unit;
  /** A short name of the series drawn (its telling label values). */
  name: string;
  /** When the series first met the check's threshold (epoch ms), for a threshold check. */
  crossedAt: number | null;
  /** The chart's key in words, plot by plot, for a sentence under it. */
  legend: Array<{ colour: string; text: string }>;
}

// Points of the onset marker: at 860 px they sit 8 px apart, so its spike draws as a thin vertical line.
const MARKER_POINTS = 101;

/**
 * An `xychart-beta` line chart of the series a metric check decided on: its values in a human unit,
 * over a numeric time axis (minutes, hours or days from the onset), with the check's threshold as a
 * horizontal line and the onset as a thin spike. Null when the data has no series with two points.
 */
export function metricChart(input: MetricChartInput): MetricChart | null {
  const parsed = SeriesDataSchema.safeParse(input.data);
  if (!parsed.success) return null;
  const finite = (p: [number, number | null]): p is [number, number] => p[1] !== null && Number.isFinite(p[1]) && Number.isFinite(p[0]);
  const usable = parsed.data.series.filter((s) => s.points.filter(finite).length >= 2);
  if (!usable.length) return null;
  // The series the finding names ("one of 3 series (instance=kafka-1,…)"), else the first.
  const named = input.finding ? usable.find((s) => input.finding!.includes(`(${seriesName(s)})`)) : undefined;
  const series = named ?? usable[0]!;
  const points = series.points.filter(finite).sort((a, b) => a[0] - b[0]);
  const start = points[0]![0];
  const end = points[points.length - 1]![0];
  if (end <= start) return null;

  // Evenly spaced instants (a numeric x axis spreads a line's values evenly), each the nearest sample.
  const n = Math.min(points.length, input.maxPoints ?? 60);
  const sampled: number[] = [];
  for (let i = 0, j = 0; i < n; i++) {
    const t = start + ((end - start) * i) / (n - 1);
    while (j < points.length - 1 && Math.abs(points[j + 1]![0] - t) <= Math.abs(points[j]![0] - t)) j++;
    sampled.push(points[j]![1]);
  }
  const threshold = input.threshold && Number.isFinite(input.threshold.value) ? input.threshold : null;
  const all = threshold ? [...sampled, threshold.value] : sampled;
  const metric = input.metric ?? series.labels.__name__ ?? "";
  const unit = unitOf(metric, input.rate ?? false, Math.max(...all.map(Math.abs)));
  const scaled = sampled.map((v) => v / unit.factor);
  const lo = Math.min(0, ...all.map((v) => v / unit.factor));
  let hi = Math.max(...all.map((v) => v / unit.factor));
  hi = hi > lo ? niceCeil(hi + (hi - lo) * 0.05) : lo + 1;
  // Whole counts get whole ticks: d3's ten ticks fall on fractions below a range of 8.
  if (unit.factor === 1 && sampled.every((v) => Number.isInteger(v)) && lo === 0) hi = Math.max(hi, 8);

  const axis = timeAxis(start, end, input.onset ?? null);
  const x0 = (start - axis.ref) / axis.per;
  const x1 = (end - axis.ref) / axis.per;
  const refClock = `${new Date(axis.ref).toISOString().slice(0, 10)} ${clock(new Date(axis.ref))} UTC`;
  const xTitle = axis.fromOnset ? `${axis.unit} from the onset, ${refClock}` : `${axis.unit} before ${refClock}`;

  const short = shortName(series, parsed.data.series);
  const name = mermaidLabel(short, 24);
  const plots: Array<{ colour: string; line: string; text: string }> = [];
  if (axis.fromOnset) {
    const at = Math.round(((axis.ref - start) / (end - start)) * (MARKER_POINTS - 1));
    const spike = Array.from({ length: MARKER_POINTS }, (_, i) => (i === at ? num(hi) : num(lo)));
    plots.push({
      colour: CHART_COLOURS.marker,
      line: `    line "onset ${clock(new Date(axis.ref))}" [${spike.join(", ")}]`,
      text: `the onset, ${refClock} (x = 0)`,
    });
  }
  plots.push({
    colour: CHART_COLOURS.series,
    line: `    line "${name}" [${scaled.map(num).join(", ")}]`,
    text: `the series the check decided on, in ${unit.label}`,
  });
  if (threshold) {
    const level = num(threshold.value / unit.factor);
    plots.push({
      colour: CHART_COLOURS.threshold,
      line: `    line "${mermaidLabel(`threshold ${level} ${unit.label}`, 24)}" [${level}, ${level}]`,
      text:
        threshold.ratio === undefined
          ? `the check's threshold: passes at ${threshold.op} ${level} ${unit.label}`
          : `the check's threshold: passes at ${threshold.op} ${num(threshold.ratio)} × the level before the onset (${level} ${unit.label})`,
    });
  }
  const lines = [
    xyInit(plots.map((p) => p.colour)),
    "xychart-beta",
    `    title "${mermaidLabel(`${short}, ${input.title}`, 70)}"`,
    `    x-axis "${mermaidLabel(xTitle, 70)}" ${num(Math.round(x0 * 10) / 10)} --> ${num(Math.round(x1 * 10) / 10)}`,
    `    y-axis "${mermaidLabel(metric ? `${unit.label} (${metric})` : unit.label, 60)}" ${num(lo)} --> ${num(hi)}`,
    ...plots.map((p) => p.line),
  ];
  return {
    chart: mermaid(lines),
    series,
    name: short,
    crossedAt: threshold && threshold.ratio === undefined ? (points.find((p) => meets(p[1], threshold.op, threshold.value))?.[0] ?? null) : null,
    of: parsed.data.series.length,
    unit,
    legend: plots.map((p) => ({ colour: colourName(p.colour), text: p.text })),
  };
}

/** The smallest round number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten) at or above x > 0. */
function niceCeil(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return x;
  const p = 10 ** Math.floor(Math.log10(x));
  const m = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].find((k) => k * p >= x * (1 - 1e-9)) ?? 10;
  return Math.round(m * p * 1e6) / 1e6;
}

function meets(v: number, op: string, level: number): boolean {
  switch (op) {
    case "<=":
      return v <= level;
    case ">=":
      return v >= level;
    case "<":
      return v < level;
    case ">":
      return v > level;
    case "==":
      return v === level;
    default:
      return v !== level;
  }
}

function colourName(hex: string): string {
  return hex === CHART_COLOURS.series ? "blue" : hex === CHART_COLOURS.threshold ? "red" : "grey";
}

/**
 * The level a check compared its series against, from its `pass_if`: a threshold's `value`, or a step
 * change's ratio times the level before the onset. Null for other primitives.
 */
export function checkThreshold(primitive: string, passIf: Record<string, string>, observed: Record<string, number>): ChartThreshold | null {
  const parse = (c: string | undefined) => {
    const m = c?.match(/^(>=|<=|==|!=|>|<)\s*(-?\d+(?:\.\d+)?)$/);
    return m ? { op: m[1]!, n: Number(m[2]) } : null;
  };
  if (primitive === "threshold") {
    const c = parse(passIf.value);
    return c ? { value: c.n, op: c.op } : null;
  }
  if (primitive === "step_change") {
    const c = parse(passIf.ratio);
    const before = observed.before;
    if (c && before !== undefined && Number.isFinite(before)) return { value: before * c.n, op: c.op, ratio: c.n };
  }
  return null;
}
