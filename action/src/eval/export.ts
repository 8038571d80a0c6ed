import { stringify } from "yaml";
import type { z } from "zod";
import {
  AlertSchema,
  ChangesFileSchema,
  EventsFileSchema,
  MetricsFileSchema,
  OrchestratorFileSchema,
  ScenarioFileSchema,
  WarehouseFileSchema,
  LogLineSchema,
  type Alert,
  type Labels,
  type Snapshot,
} from "../model/index.js";
import { RECORDING_FILE, TelemetryRecordingSchema, type TelemetryRecording } from "../model/recording.js";
import { alertLines, ALERTS_FILE, parseIncidentFrontmatter, README_FILE, type IncidentFrontmatter } from "../record/index.js";
import { labelPredicate } from "../telemetry/replay/select.js";
import { rewrapAlerts } from "./rewrap.js";

/**
 * `pipemedic export`: an incident folder turned back into a replay scenario (format v1). Everything
 * comes from the folder: the alerts from alerts.jsonl (re-wrapped per source), the telemetry every
 * check and every discovery read from evidence/telemetry.json, `now` from the investigation's clock,
 * and the truth from the README's frontmatter (a person's correction first). Nothing else is read, so
 * nothing leaves the folder that was not already in it.
 */

/** An incident folder's files could not make a scenario; the message names the file, the field and the fix. */
export class ExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ExportError";
  }
}

export interface ExportedScenario {
  id: string;
  /** Path inside the scenario folder → content. */
  files: Record<string, string>;
  /** What the scenario could not keep exactly as it was (a source's body), for the person exporting. */
  notes: string[];
}

/** The scenario's truth: a person's correction, else the cause the investigation found. */
export function expectedCause(fm: IncidentFrontmatter): string {
  return fm.feedback.actual_root_cause?.trim() || fm.root_cause?.id || "unknown";
}

/**
 * A time inside `range` (epoch ms) outside every window in `avoid`: where a discovered label set can be
 * placed without showing up in a discovery that did not find it. The range's end when nothing else
 * fits (a note is then due, but replay stays close).
 */
function placeWithin(range: [number, number], avoid: Array<[number, number]>): number {
  const inside = (t: number) => avoid.some(([s, e]) => t >= s && t <= e);
  const candidates = [range[1], range[0], ...avoid.flatMap(([s, e]) => [s - 1, e + 1])].filter((t) => t >= range[0] && t <= range[1]);
  return candidates.find((t) => !inside(t)) ?? range[1];
}

const rangeMs = ([a, b]: [string, string] | readonly [string, string]): [number, number] => [Date.parse(a), Date.parse(b)];

const labelKey = (l: Labels) => JSON.stringify(Object.entries(l).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/**
 * Metric series as recorded, plus what discovery saw: a label set discovery returned in a window where
 * no query read a sample of it gets one sample in that window (its latest recorded value, or 0), placed
 * outside the windows of discoveries that did not return it, so that replay's discovery, which finds
 * series by their samples, returns the same label sets.
 */
function metricsFile(r: TelemetryRecording): z.input<typeof MetricsFileSchema> {
  const series = new Map<string, { labels: Labels; samples: Array<[string, number | null]> }>();
  for (const s of r.metrics.series) series.set(labelKey(s.labels), { labels: s.labels, samples: [...s.samples] });
  for (const d of r.discovered.series) {
    const k = labelKey(d.labels);
    const s = series.get(k) ?? { labels: d.labels, samples: [] };
    const found = new Set(d.ranges.map(([a, b]) => `${Date.parse(a)}:${Date.parse(b)}`));
    // Windows of discoveries that would have matched this series and did not return it.
    const avoid = r.discovered.queries.series
      .filter((q) => !q.cut && !found.has(`${Date.parse(q.range[0])}:${Date.parse(q.range[1])}`) && q.selectors.some((sel) => labelPredicate(sel)(d.labels)))
      .map((q) => rangeMs(q.range));
    for (const range of d.ranges) {
      const [start, end] = rangeMs(range);
      const seen = s.samples.some(([t, v]) => v !== null && Date.parse(t) >= start && Date.parse(t) <= end);
      if (seen) continue;
      const last = [...s.samples].reverse().find(([, v]) => v !== null)?.[1] ?? 0;
      s.samples.push([new Date(placeWithin([start, end], avoid)).toISOString(), last]);
    }
    s.samples.sort((a, b) => Date.parse(a[0]) - Date.parse(b[0]));
    series.set(k, s);
  }
  return { series: [...series.values()] };
}

/** Log lines as recorded, plus an empty line in each window where discovery found a stream no query read a line of (placed as series are). */
function logLines(r: TelemetryRecording): Array<z.input<typeof LogLineSchema>> {
  const lines = r.logs.map((l) => ({ ts: l.ts, labels: l.labels, line: l.line }));
  const byStream = new Map<string, number[]>();
  for (const l of lines) {
    const k = labelKey(l.labels);
    byStream.set(k, [...(byStream.get(k) ?? []), Date.parse(l.ts)]);
  }
  for (const d of r.discovered.streams) {
    const times = byStream.get(labelKey(d.labels)) ?? [];
    const found = new Set(d.ranges.map(([a, b]) => `${Date.parse(a)}:${Date.parse(b)}`));
    const avoid = r.discovered.queries.streams
      .filter(
        (q) => !q.cut && !found.has(`${Date.parse(q.range[0])}:${Date.parse(q.range[1])}`) && Object.entries(q.selector).every(([k, v]) => d.labels[k] === v),
      )
      .map((q) => rangeMs(q.range));
    for (const range of d.ranges) {
      const [start, end] = rangeMs(range);
      if (times.some((t) => t >= start && t <= end)) continue;
      const at = placeWithin([start, end], avoid);
      lines.push({ ts: new Date(at).toISOString(), labels: d.labels, line: "" });
      times.push(at);
    }
    byStream.set(labelKey(d.labels), times);
  }
  // Stable: lines of one time keep the order they were read in.
  return lines
    .map((l, i) => ({ l, i, t: Date.parse(l.ts) }))
    .sort((a, b) => a.t - b.t || a.i - b.i)
    .map((x) => x.l);
}

/** Validates a built file against its schema; a failure is a bug of the exporter, named with the file. */
function checked<S extends z.ZodType>(schema: S, value: unknown, file: string): unknown {
  const r = schema.safeParse(value);
  if (!r.success) throw new ExportError(`${file}: the exported content is not valid scenario format v1: ${r.error.issues[0]?.message ?? "invalid"}`);
  return value;
}

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

/** Reads the incident folder at `folder` (a repository path such as incidents/2026/03/<id>) and builds its scenario. */
export async function exportIncident(snapshot: Snapshot, folder: string, opts: { id?: string } = {}): Promise<ExportedScenario> {
  const at = (file: string) => `${folder}/${file}`;
  const readme = await snapshot.read(at(README_FILE));
  if (readme === null)
    throw new ExportError(`${at(README_FILE)}: missing (fix: name an incident folder, incidents/YYYY/MM/<id>, or an incident id in incidents/index.json)`);
  let fm: IncidentFrontmatter;
  try {
    fm = parseIncidentFrontmatter(readme, at(README_FILE));
  } catch (err) {
    throw new ExportError(`${(err as Error).message} (fix: correct the frontmatter, or restore it with git)`);
  }
  if (fm.investigation !== "done") {
    throw new ExportError(
      `${at(README_FILE)}: investigation: ${fm.investigation}: the incident was never investigated, so nothing recorded what its checks read (fix: investigate it first, with the workflow's manual trigger or pipemedic investigate)`,
    );
  }
  const recordingText = await snapshot.read(at(RECORDING_FILE));
  if (recordingText === null) {
    throw new ExportError(
      `${at(RECORDING_FILE)}: missing: the incident was investigated by a Pipemedic that did not yet keep what its checks read (fix: investigate it again with the manual trigger, then export it)`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(recordingText);
  } catch (err) {
    throw new ExportError(`${at(RECORDING_FILE)}: not valid JSON: ${(err as Error).message} (fix: restore the file with git)`);
  }
  const parsed = TelemetryRecordingSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ExportError(`${at(RECORDING_FILE)}: ${issue?.path.join(".") || "(top level)"}: ${issue?.message ?? "invalid"} (fix: restore the file with git)`);
  }
  const recording = parsed.data;

  const alertsText = (await snapshot.read(at(ALERTS_FILE))) ?? "";
  const alerts: Alert[] = [];
  for (const line of alertLines(alertsText)) {
    if (!("value" in line)) throw new ExportError(`${at(ALERTS_FILE)}:${line.line}: not valid JSON: ${line.problem} (fix: restore the file with git)`);
    const a = AlertSchema.safeParse(line.value);
    if (!a.success) {
      const issue = a.error.issues[0];
      throw new ExportError(
        `${at(ALERTS_FILE)}:${line.line}: ${issue?.path.join(".") || "(alert)"}: ${issue?.message ?? "invalid"} (fix: restore the file with git)`,
      );
    }
    alerts.push(a.data);
  }
  if (!alerts.length) throw new ExportError(`${at(ALERTS_FILE)}: no alerts (fix: restore the file with git; a scenario needs at least one alert)`);

  const id = opts.id ?? fm.id;
  const bodies = rewrapAlerts(alerts);
  const corrected = Boolean(fm.feedback.actual_root_cause?.trim());
  const meta: z.input<typeof ScenarioFileSchema> = {
    version: 1,
    id,
    title: fm.title,
    now: recording.now,
    tags: ["exported", ...(corrected ? ["corrected"] : []), ...(fm.fix?.state === "merged" ? ["fix-merged"] : [])],
    expect: {
      root_cause: expectedCause(fm),
      incidents: 1,
      ...(fm.pipelines.length ? { pipelines: fm.pipelines } : {}),
      ...(fm.fix?.state === "merged" && fm.fix.kind !== "none" ? { fix: { kind: fm.fix.kind, ...(fixPath(fm) ? { path: fixPath(fm)! } : {}) } } : {}),
    },
  };
  const metaChecked = ScenarioFileSchema.safeParse(meta);
  if (!metaChecked.success) {
    const issue = metaChecked.error.issues[0];
    throw new ExportError(`scenario.yaml: ${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"} (fix: pass --id with a kebab-case scenario id)`);
  }
  const header = [
    `# Exported by pipemedic export from ${folder}: alerts from ${ALERTS_FILE}, telemetry from ${RECORDING_FILE},`,
    `# expect from the README frontmatter (${corrected ? "feedback.actual_root_cause" : "root_cause"}). Scenario format v1.`,
  ].join("\n");
  const files: Record<string, string> = { "scenario.yaml": `${header}\n${stringify(meta, { lineWidth: 0 })}` };
  for (const b of bodies) files[`alerts/${b.file}`] = b.body;

  const has = new Set(recording.capabilities);
  if (has.has("metrics")) files["telemetry/metrics.json"] = metricsJson(checked(MetricsFileSchema, metricsFile(recording), "telemetry/metrics.json"));
  if (has.has("logs")) {
    const lines = logLines(recording);
    lines.forEach((l, i) => checked(LogLineSchema, l, `telemetry/logs.jsonl:${i + 1}`));
    files["telemetry/logs.jsonl"] = lines.map((l) => `${JSON.stringify(l)}\n`).join("");
  }
  if (has.has("changes")) files["telemetry/changes.json"] = json(checked(ChangesFileSchema, recording.changes, "telemetry/changes.json"));
  if (has.has("events")) files["telemetry/events.json"] = json(checked(EventsFileSchema, recording.events, "telemetry/events.json"));
  if (has.has("orchestrator"))
    files["telemetry/orchestrator.json"] = json(checked(OrchestratorFileSchema, recording.orchestrator, "telemetry/orchestrator.json"));
  if (has.has("warehouse")) files["telemetry/warehouse.json"] = json(checked(WarehouseFileSchema, recording.warehouse, "telemetry/warehouse.json"));
  return { id, files, notes: bodies.flatMap((b) => b.notes) };
}

/** The path a merged fix changed: the frontmatter keeps only its kind and branch, the README names the path. */
function fixPath(fm: IncidentFrontmatter): string | null {
  const path = (fm.fix as { path?: unknown } | null)?.path;
  return typeof path === "string" && path ? path : null;
}

/** metrics.json with one series per line. */
function metricsJson(file: unknown): string {
  const series = (file as { series: unknown[] }).series;
  return series.length ? `{\n  "series": [\n${series.map((s) => `    ${JSON.stringify(s)}`).join(",\n")}\n  ]\n}\n` : `{ "series": [] }\n`;
}
