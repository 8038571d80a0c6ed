import picomatch from "picomatch";
import { fieldText, type Alert, type Changes, type Check, type LogLine, type OrchestratorRecord, type Series, type TelemetryEvent } from "../model/index.js";
import type { TelemetryRecord } from "./primitives/index.js";

/** Turns each kind of telemetry into uniform records that the record primitives and filters understand. */

function ms(value: unknown): number | null {
  if (typeof value !== "string" && typeof value !== "number") return null;
  const t = typeof value === "number" ? value : Date.parse(value);
  return Number.isFinite(t) ? t : null;
}

/** Log lines as records. */
export function fromLogs(lines: LogLine[]): TelemetryRecord[] {
  return lines.map((l) => ({
    at: ms(l.ts),
    text: l.line,
    fields: { ...l.labels, line: l.line },
    label: l.line.length > 160 ? `${l.line.slice(0, 157)}…` : l.line,
  }));
}

/** The incident's alerts as records: title, annotations (a callback's exception, a vendor's message) and label values. */
export function fromAlerts(alerts: Alert[]): TelemetryRecord[] {
  return alerts.map((a) => ({
    at: ms(a.startsAt),
    text: [a.title, ...Object.values(a.annotations), ...Object.entries(a.labels).map(([k, v]) => `${k}=${v}`)].join("\n"),
    fields: { ...a.labels, source: a.source, status: a.status },
    label: `${a.source} alert: ${a.title.length > 140 ? `${a.title.slice(0, 137)}…` : a.title}`,
  }));
}

/** Events as records, filtered by kind glob and labels. */
export function fromEvents(events: TelemetryEvent[], check: Check): TelemetryRecord[] {
  const spec = check.spec.events;
  const kindOk = spec ? picomatch(spec.kind, { dot: true }) : () => true;
  return events
    .filter((e) => kindOk(e.kind))
    .filter((e) => !spec || Object.entries(spec.labels).every(([k, v]) => e.labels[k] === v))
    .map((e) => ({
      at: ms(e.at),
      text: `${e.kind} ${e.message}`,
      fields: { ...e.labels, kind: e.kind, message: e.message },
      label: `${e.kind}: ${e.message}`,
    }));
}

/** Words too common in service and file names to tie a change to one entity. */
const GENERIC = new Set([
  "svc",
  "service",
  "services",
  "api",
  "app",
  "apps",
  "prod",
  "production",
  "staging",
  "dev",
  "data",
  "daily",
  "hourly",
  "raw",
  "mart",
  "marts",
  "job",
  "jobs",
  "dag",
  "dags",
  "src",
  "main",
  "java",
  "com",
  "the",
  "and",
  "v1",
  "v2",
  "v3",
  "etl",
  "pipeline",
  "pipelines",
  "config",
  "configs",
  "yaml",
  "yml",
  "json",
  "docs",
]);

/** The distinctive words of a name or path: lower case, split at separators and case changes. */
function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length >= 3 && !GENERIC.has(w));
}

/**
 * Whether a text (a path, a repository, a service) names one of the subjects: the whole name, or two
 * of its distinctive words (`fare-quote-publisher` is named by `avro/pricing/fare_quote.avsc`).
 */
export function namesAny(names: string[]): (text: string) => boolean {
  const subjects = names.filter((n) => n.length >= 4).map((n) => ({ whole: n.toLowerCase(), words: [...new Set(words(n))] }));
  return (text) => {
    const lower = text.toLowerCase();
    const have = new Set(words(text));
    return subjects.some((n) => lower.includes(n.whole) || (n.words.length >= 2 && n.words.filter((w) => have.has(w)).length >= 2));
  };
}

/** Commits and deployments as records, filtered by kind, path globs and the pipeline scope. */
export function fromChanges(changes: Changes, check: Check): TelemetryRecord[] {
  const spec = check.spec.changes ?? { kind: "any" as const, paths: [], scope: "any" as const };
  const pathOk = spec.paths.length ? picomatch(spec.paths, { dot: true }) : null;
  const scope = check.scope ?? { paths: [], services: [], repos: [], names: [] };
  const scopePath = scope.paths.length ? picomatch(scope.paths, { dot: true }) : null;
  // Without knowledge's paths and repositories, a change belongs to the problem when it names one of its subjects.
  const named = namesAny(scope.names ?? []);
  const inScopeCommit = (repo: string, files: string[]) =>
    (scopePath !== null && files.some((f) => scopePath(f))) ||
    (scope.paths.length === 0 && scope.repos.includes(repo)) ||
    (scope.paths.length === 0 && scope.repos.length === 0 && (named(repo) || files.some(named)));
  const out: TelemetryRecord[] = [];
  if (spec.kind !== "deployments") {
    for (const c of changes.commits) {
      const files = c.files.map((f) => f.path);
      if (pathOk && !files.some((f) => pathOk(f))) continue;
      if (spec.scope === "pipeline" && !inScopeCommit(c.repo, files)) continue;
      out.push({
        at: ms(c.at),
        text: `${c.message}\n${files.join("\n")}`,
        fields: { type: "commit", repo: c.repo, sha: c.sha, author: c.author, message: c.message },
        label: `commit ${c.sha.slice(0, 7)} in ${c.repo}: ${c.message.split("\n")[0]}`,
        ref: c.sha,
        repo: c.repo,
        files,
      });
    }
  }
  if (spec.kind !== "commits" && !pathOk) {
    for (const d of changes.deployments) {
      if (
        spec.scope === "pipeline" &&
        !scope.services.includes(d.service) &&
        !scope.repos.includes(d.repo) &&
        !(scope.repos.length === 0 && (named(d.service) || named(d.repo)))
      )
        continue;
      out.push({
        at: ms(d.at),
        text: `deploy ${d.service} ${d.ref} ${d.environment} ${d.status}`,
        fields: { type: "deployment", ...d },
        label: `deploy of ${d.service || d.repo} ${d.ref} to ${d.environment} (${d.status})`,
        ref: d.sha,
        repo: d.repo,
      });
    }
  }
  return out;
}

const TIME_FIELDS = ["end_date", "start_date", "queued_when", "logical_date", "execution_date", "timestamp", "at"];
const TEXT_FIELDS = ["state", "stack_trace", "message", "error_code", "note", "dag_id", "task_id", "filename", "name", "table"];

/**
 * Orchestrator and warehouse objects as records. A run or task instance with a start and an end
 * also gets `duration_s`, so checks can compare a DAG's latest run with its usual ones.
 */
export function fromObjects(objects: OrchestratorRecord[], kind: string): TelemetryRecord[] {
  return objects.map((o) => {
    const at = TIME_FIELDS.map((f) => ms(o[f])).find((t) => t !== null) ?? null;
    const text = TEXT_FIELDS.flatMap((f) => (typeof o[f] === "string" ? [o[f]] : [])).join(" ");
    const name = ["dag_id", "task_id", "table", "name", "filename"].flatMap((f) => (typeof o[f] === "string" ? [o[f]] : []));
    const start = ms(o.start_date);
    const end = ms(o.end_date);
    const fields = o.duration_s === undefined && start !== null && end !== null && end >= start ? { ...o, duration_s: (end - start) / 1000 } : o;
    return { at, text, fields, label: `${kind} ${name.join("/")}${typeof o.state === "string" ? ` ${o.state}` : ""}`.trim() };
  });
}

/** Records as series for a series primitive: the numeric `field` of each record at its time, one series per DAG, task or table. */
export function recordsAsSeries(records: TelemetryRecord[], field: string): Series[] {
  const groups = new Map<string, Array<[number, number | null]>>();
  for (const r of records) {
    const v = Number(r.fields[field]);
    if (r.at === null || !Number.isFinite(v)) continue;
    const key =
      ["dag_id", "task_id", "table", "name"]
        .map((f) => r.fields[f])
        .filter((x) => typeof x === "string")
        .join("/") || field;
    const points = groups.get(key) ?? [];
    points.push([r.at, v]);
    groups.set(key, points);
  }
  return [...groups].map(([key, points]) => ({ labels: { __name__: field, subject: key }, points: points.sort((a, b) => a[0] - b[0]) }));
}

/** Keeps records whose fields equal the `where` values (or one of a list), compared as text. */
export function applyWhere(records: TelemetryRecord[], where: Record<string, unknown> | undefined): TelemetryRecord[] {
  if (!where || !Object.keys(where).length) return records;
  return records.filter((r) =>
    Object.entries(where).every(([k, want]) => {
      const have = r.fields[k];
      if (have === undefined || have === null) return false;
      const text = fieldText(have).toLowerCase();
      return Array.isArray(want) ? want.some((w) => String(w).toLowerCase() === text) : String(want).toLowerCase() === text;
    }),
  );
}
