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

/** A `timeline` of dated entries, one section per day (UTC), at most `max` entries; null when none has a valid time. */
export function timelineChart(entries: Array<Pick<TimelineEntry, "at" | "kind" | "text">>, max = 30): Code | null {
  const dated = entries
    .map((e) => ({ ...e, d: new Date(e.at) }))
    .filter((e) => !Number.isNaN(e.d.getTime()))
    .sort((a, b) => a.d.getTime() - b.d.getTime())
    .slice(0, max);
  if (!dated.length) return null;
  const lines = ["timeline", "    title Timeline (UTC)"];
  let day = "";
  for (const e of dated) {
    const d = e.d.toISOString().slice(0, 10);
    if (d !== day) {
      lines.push(`    section ${d}`);
      day = d;
    }
    lines.push(`        ${clock(e.d)} : ${mermaidLabel(`${e.kind} ${e.text}`, 80)}`);
  }
  return mermaid(lines);
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

// xychart-beta reads plain decimals only: no exponents, no NaN.
function num(v: number): string {
  const c = Math.max(-1e15, Math.min(1e15, v));
  const r = Math.abs(c) >= 100 ? Math.round(c) : Math.round(c * 1000) / 1000;
  return Object.is(r, -0) ? "0" : String(r);
}

/**
 * An `xychart-beta` line chart of up to `maxLines` series from evidence data, over the instants every
 * charted series has a value, thinned to `maxPoints`. Null when the data has no series or fewer than two points.
 */
export function seriesChart(
  data: unknown,
  title: string,
  opts: { maxLines?: number; maxPoints?: number } = {},
): { chart: Code; series: SeriesData["series"] } | null {
  const parsed = SeriesDataSchema.safeParse(data);
  if (!parsed.success) return null;
  const finite = (p: [number, number | null]) => p[1] !== null && Number.isFinite(p[1]) && Number.isFinite(p[0]);
  let charted = parsed.data.series.filter((s) => s.points.filter(finite).length >= 2).slice(0, opts.maxLines ?? 3);
  const common = (set: typeof charted) => {
    const maps = set.map((s) => new Map(s.points.filter(finite).map((p) => [p[0], p[1] as number])));
    const times = [...(maps[0]?.keys() ?? [])].filter((t) => maps.every((m) => m.has(t))).sort((a, b) => a - b);
    return { maps, times };
  };
  let { maps, times } = common(charted);
  if (times.length < 2 && charted.length > 1) {
    charted = charted.slice(0, 1);
    ({ maps, times } = common(charted));
  }
  if (times.length < 2) return null;
  const max = opts.maxPoints ?? 30;
  const step = Math.max(1, Math.ceil(times.length / max));
  const ticks = times.filter((_, i) => i % step === 0 || i === times.length - 1);
  const lines = [
    "xychart-beta",
    `    title "${mermaidLabel(title, 70)}"`,
    `    x-axis [${ticks.map((t) => `"${clock(new Date(t))}"`).join(", ")}]`,
    `    y-axis "value"`,
    ...maps.map((m) => `    line [${ticks.map((t) => num(m.get(t)!)).join(", ")}]`),
  ];
  return { chart: mermaid(lines), series: charted };
}
