import { readdir, readFile, stat } from "node:fs/promises";
import { isAbsolute, join, relative, sep } from "node:path";
import { LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import {
  ChangesFileSchema,
  EventsFileSchema,
  LogLineSchema,
  MetricsFileSchema,
  OrchestratorFileSchema,
  ScenarioFileSchema,
  WarehouseFileSchema,
  type Capability,
  type LogLine,
  type Scenario,
  type ScenarioTelemetry,
} from "../../model/index.js";
import { describeIssue, formatField, yamlMessage } from "../../memory/frontmatter.js";
import { markAvailable } from "./telemetry.js";

/**
 * Reads a scenario folder (docs/scenario-format.md, version 1). Unknown fields and files are
 * ignored; every error names the file and the field and says how to fix it.
 */

const SPEC = "see docs/scenario-format.md";

const HINTS: Record<string, string> = {
  version: "write version: 1",
  id: "write a kebab-case id equal to the folder name",
  now: "write the investigation clock as RFC 3339 with a zone, such as 2026-03-14T02:10:00Z",
  expect: "add expect: { root_cause: <catalogue id or unknown> }",
  root_cause: "name the expected cause: an id from docs/root-causes.md, or unknown",
  at: "write an RFC 3339 time with a zone, such as 2026-03-14T01:48:00Z",
  ts: "write an RFC 3339 time with a zone, such as 2026-03-14T01:48:00.123Z",
  onset: "write an RFC 3339 time with a zone, such as 2026-03-14T01:48:00Z",
  start: "write an RFC 3339 time with a zone, such as 2026-03-14T01:48:00Z",
  step: 'write a duration such as "60s"',
  values: "list numbers, with null for a missing sample",
  samples: 'list [time, value] pairs, such as [["2026-03-14T01:40:00Z", 6]]',
  labels: 'map label names to string values, such as {"service": "orders-enricher"}',
  line: "give the raw log line as a string",
  kind: "use config-patch, revert or none",
};

/** An error in a scenario's files, with the file, the field and the fix in its message. */
export class ScenarioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ScenarioError";
  }
}

/** How a path is shown in errors: relative to the working directory when inside it. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel.split(sep).join("/") : path;
}

async function readIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
}

/** Parses a value with a schema, or throws one ScenarioError listing every issue. */
function parseWith<S extends z.ZodType>(schema: S, value: unknown, file: string, lineOf?: (p: ReadonlyArray<PropertyKey>) => number | undefined): z.output<S> {
  const r = schema.safeParse(value, { reportInput: true });
  if (r.success) return r.data;
  const lines = r.error.issues.slice(0, 5).map((i) => {
    const d = describeIssue(i, HINTS);
    const line = lineOf?.(d.path);
    return `${file}${line ? `:${line}` : ""}: ${formatField(d.path).replace("(frontmatter)", "(top level)")}: ${d.message} (fix: ${d.fix})`;
  });
  const more = r.error.issues.length > 5 ? `\n… and ${r.error.issues.length - 5} more` : "";
  throw new ScenarioError(lines.join("\n") + more);
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ScenarioError(`${file}: not valid JSON: ${(e as Error).message} (fix: correct the JSON syntax; ${SPEC})`);
  }
}

/** Reads every file under `dir` into a map keyed `prefix + relative path` (with `/`); a missing folder is empty. */
async function readTree(dir: string, prefix: string): Promise<Record<string, string>> {
  let entries;
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw e;
  }
  const out: Record<string, string> = {};
  const files = entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
  for (const abs of files) out[prefix + relative(dir, abs).split(sep).join("/")] = await readFile(abs, "utf8");
  return out;
}

/** Reads scenario.yaml with line numbers for its fields. */
async function readMeta(dir: string) {
  const file = `${shown(dir)}/scenario.yaml`;
  const text = await readIfExists(join(dir, "scenario.yaml"));
  if (text === null) {
    const exists = await stat(dir).then(
      (s) => s.isDirectory(),
      () => false,
    );
    throw new ScenarioError(
      exists
        ? `${file}: missing (fix: every scenario folder needs a scenario.yaml with version, id, now and expect; ${SPEC})`
        : `${shown(dir)}: no such scenario folder (fix: pass the path of a folder that holds scenario.yaml)`,
    );
  }
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: true });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    throw new ScenarioError(`${file}:${e.linePos?.[0]?.line ?? 1}: not valid YAML: ${yamlMessage(e.message)} (fix: correct the YAML syntax)`);
  }
  const lineOf = (path: ReadonlyArray<PropertyKey>) => {
    const node = doc.getIn(path as unknown[], true) as { range?: [number, number, number] } | undefined;
    return node?.range ? counter.linePos(node.range[0]).line : undefined;
  };
  return { file, meta: parseWith(ScenarioFileSchema, doc.toJS() ?? {}, file, lineOf) };
}

/** Reads alerts/: bodies sorted by name, `.headers.json` siblings attached, delivery times from `deliver` or `now`. */
async function readAlerts(dir: string, meta: z.output<typeof ScenarioFileSchema>, metaFile: string): Promise<Scenario["alerts"]> {
  const alertsDir = join(dir, "alerts");
  const where = `${shown(dir)}/alerts/`;
  let names: string[];
  try {
    names = (await readdir(alertsDir, { withFileTypes: true }))
      .filter((e) => e.isFile() && !e.name.startsWith("."))
      .map((e) => e.name)
      .sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    names = [];
  }
  const bodies = names.filter((n) => !n.endsWith(".headers.json"));
  if (!bodies.length) throw new ScenarioError(`${where}: no alert files (fix: add at least one webhook body as alerts/01-<source>.json; ${SPEC})`);

  const headers = new Map<string, Record<string, string>>();
  for (const n of names.filter((x) => x.endsWith(".headers.json"))) {
    const body = n.replace(/\.headers\.json$/, ".json");
    const file = `${where}${n}`;
    if (!bodies.includes(body))
      throw new ScenarioError(`${file}: no alert body ${body} beside it (fix: rename it after its body file, as 01-sentry.headers.json for 01-sentry.json)`);
    const value = parseJson(await readFile(join(alertsDir, n), "utf8"), file);
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new ScenarioError(`${file}: expected an object of header names to values (fix: write {"sentry-hook-resource": "event_alert"})`);
    }
    headers.set(body, Object.fromEntries(Object.entries(value).map(([k, v]) => [k.toLowerCase(), typeof v === "string" ? v : JSON.stringify(v)])));
  }

  const at = new Map<string, string>();
  meta.deliver.forEach((d, i) => {
    if (!bodies.includes(d.file)) {
      throw new ScenarioError(`${metaFile}: deliver[${i}].file: no alert file "${d.file}" (fix: name a file in alerts/, one of ${bodies.join(", ")})`);
    }
    at.set(d.file, d.at);
  });
  const alerts = await Promise.all(
    bodies.map(async (file) => ({ file, body: await readFile(join(alertsDir, file), "utf8"), headers: headers.get(file) ?? {}, at: at.get(file) ?? meta.now })),
  );
  // Alerts arrive in delivery order; equal times keep file-name order (the sort is stable).
  return alerts.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

/** Reads logs.jsonl line by line, naming the line of any error. */
function parseLogs(text: string, file: string): LogLine[] {
  const out: LogLine[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (!raw.trim()) return;
    const at = `${file}:${i + 1}`;
    out.push(parseWith(LogLineSchema, parseJson(raw, at), at));
  });
  return out;
}

/** Reads telemetry/: every file optional; records which kinds the scenario has files for. */
async function readTelemetry(dir: string): Promise<ScenarioTelemetry> {
  const base = join(dir, "telemetry");
  const where = `${shown(dir)}/telemetry/`;
  const available: Capability[] = [];
  const json = async <S extends z.ZodType>(name: string, kind: Capability, schema: S): Promise<z.output<S> | null> => {
    const text = await readIfExists(join(base, name));
    if (text === null) return null;
    available.push(kind);
    return parseWith(schema, parseJson(text, `${where}${name}`), `${where}${name}`);
  };
  const [metrics, changes, events, orchestrator, warehouse, logsText] = await Promise.all([
    json("metrics.json", "metrics", MetricsFileSchema),
    json("changes.json", "changes", ChangesFileSchema),
    json("events.json", "events", EventsFileSchema),
    json("orchestrator.json", "orchestrator", OrchestratorFileSchema),
    json("warehouse.json", "warehouse", WarehouseFileSchema),
    readIfExists(join(base, "logs.jsonl")),
  ]);
  if (logsText !== null) available.push("logs");
  const telemetry: ScenarioTelemetry = {
    metrics: metrics ?? { series: [] },
    logs: logsText !== null ? parseLogs(logsText, `${where}logs.jsonl`) : [],
    changes: changes ?? { commits: [], deployments: [] },
    events: events ?? { events: [] },
    orchestrator: orchestrator ?? { dag_runs: [], task_instances: [], import_errors: [], pools: [] },
    warehouse: warehouse ?? { schemas: [], query_errors: [], tables: [] },
  };
  markAvailable(telemetry, available);
  return telemetry;
}

/** Loads a scenario folder: scenario.yaml, alerts/, telemetry/ and the optional knowledge/, runbooks/, repo/, history/. */
export async function loadScenario(dir: string): Promise<Scenario> {
  const { file, meta } = await readMeta(dir);
  const [alerts, telemetry, knowledge, runbooks, repo, history] = await Promise.all([
    readAlerts(dir, meta, file),
    readTelemetry(dir),
    readTree(join(dir, "knowledge"), "knowledge/"),
    readTree(join(dir, "runbooks"), "runbooks/"),
    readTree(join(dir, "repo"), ""),
    readTree(join(dir, "history"), "incidents/"),
  ]);
  return { dir, meta, alerts, telemetry, knowledge, runbooks, repo, history };
}

const SKIP = new Set(["node_modules"]);

/** Every folder under `root` (recursively) that holds a scenario.yaml, sorted; a missing root has none. */
export async function findScenarioDirs(root: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT" || (e as NodeJS.ErrnoException).code === "ENOTDIR") return;
      throw e;
    }
    if (entries.some((e) => e.isFile() && e.name === "scenario.yaml")) found.push(dir);
    await Promise.all(entries.filter((e) => e.isDirectory() && !e.name.startsWith(".") && !SKIP.has(e.name)).map((e) => walk(join(dir, e.name))));
  };
  await walk(root);
  return found.sort();
}
