import { parse } from "yaml";
import type { z } from "zod";
import type { Files, Incident, Severity } from "../model/index.js";
import { AlertSchema, IncidentIndexSchema, IncidentSchema } from "../model/index.js";
import { redact } from "../redact.js";
import { renderIncidentIndex } from "./index.js";
import { breakMentions, oneLine } from "./markdown/inert.js";
import { IncidentFrontmatterSchema, type IncidentFrontmatter } from "./markdown/frontmatter.js";
import { monthsOf, renderScorecard, scorecardPath } from "./scorecard.js";

/**
 * Incident history rebuilt from the repository's files: incidents/index.json when it is sound, else
 * every incident folder's README frontmatter and alerts.jsonl. Returns the index files and one
 * scorecard per month. A damaged folder is reported and left out; it never stops the others.
 */

// The same paths and serialization as pipeline.ts `indexFiles`; a test holds the two equal.
const INDEX_PATH = "incidents/index.json";
const INDEX_MD = "incidents/README.md";
const README = /^(incidents\/[0-9]{4}\/[0-9]{2}\/([^/]+))\/README\.md$/;
const FENCED = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;
const SEVERITY_ORDER: Severity[] = ["critical", "high", "medium", "low", "info"];
// The alert fields an index entry is rebuilt from, checked as the model defines them; the rest is not read.
const RecordedAlertSchema = AlertSchema.pick({ id: true, title: true, severity: true, status: true, fingerprint: true, labels: true, startsAt: true, pipeline: true, raw: true });
type RecordedAlert = z.infer<typeof RecordedAlertSchema>;

/** A folder that could not be read (fully): the file, the field and what is wrong. */
export interface FolderError {
  path: string;
  field: string;
  message: string;
}

/** What `rebuildHistory` found and wrote. */
export interface RebuildResult {
  /** `index`: incidents/index.json was sound and used; `folders`: rebuilt from the incident folders. */
  source: "index" | "folders";
  /** Why incidents/index.json was not used (missing, damaged, or a rebuild was asked for); null when it was. */
  indexProblem: string | null;
  incidents: Incident[];
  /** incidents/index.json, incidents/README.md and incidents/scorecards/YYYY-MM.md, by path. */
  files: Files;
  errors: FolderError[];
  /** Folders a sound index does not list: left out, since correlation never saw them (imported history). */
  unlisted: string[];
  /** Index entries whose folder has no README.md. */
  missingFolders: string[];
}

/** Why the index cannot be used, or its incidents. */
function readIndexFile(text: string | undefined): { incidents: Incident[] } | { problem: string } {
  if (text === undefined) return { problem: `${INDEX_PATH}: missing` };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return { problem: `${INDEX_PATH}: not valid JSON (${(err as Error).message})` };
  }
  const parsed = IncidentIndexSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { problem: `${INDEX_PATH}: ${issue.path.join(".") || "(top level)"}: ${issue.message}` };
  }
  return { incidents: parsed.data.incidents };
}

/** Not the plain shape quickYaml reads: the full YAML parser decides. */
const UNSURE = Symbol("unsure");

// YAML 1.2 core schema, as `yaml` resolves plain scalars (yaml/dist/schema/core).
const CORE_NULL = /^(?:~|[Nn]ull|NULL)$/;
const CORE_BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const CORE_INT = /^[-+]?[0-9]{1,15}$/;
const CORE_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
// Plain scalars that mean something else to YAML (octal, hex, infinity, NaN, long numbers): left to the parser.
const CORE_OTHER = /^(?:0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?[0-9]{16,})$/;
const KEY = /^([a-z_][a-z0-9_]*):(?: (.*))?$/;
const JSON_STRING = /^"(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"$/;
// Controls, line and paragraph separators, byte-order marks and lone surrogates: YAML has views on each.
const ODD_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const SINGLE_QUOTED = /^'(?:[^'\u0000-\u001f]|'')*'$/;

function quickScalar(text: string): unknown {
  if (!text || text !== text.trim() || ODD_CHARACTER.test(text)) return UNSURE;
  if (text === "[]") return [];
  if (text === "{}") return {};
  if (text[0] === '"') return JSON_STRING.test(text) ? JSON.parse(text) : UNSURE;
  if (text[0] === "'") return SINGLE_QUOTED.test(text) ? text.slice(1, -1).replaceAll("''", "'") : UNSURE;
  if (CORE_NULL.test(text)) return null;
  if (CORE_BOOL.test(text)) return text[0] === "t" || text[0] === "T";
  if (CORE_OTHER.test(text)) return UNSURE;
  if (CORE_INT.test(text)) return parseInt(text, 10);
  if (CORE_FLOAT.test(text)) return parseFloat(text);
  // A plain string: nothing YAML could read as an indicator, a comment, a key or a document marker.
  if (/^[-?:,[\]{}#&*!|>'"%@`]/.test(text) || /: |:$| #/.test(text) || text.startsWith("...")) return UNSURE;
  return text;
}

/**
 * Frontmatter as `yaml.parse` would read it, for the plain shape `frontmatterYaml` writes: block
 * mappings with lower-case keys, block sequences of scalars, two-space indents, one line per scalar.
 * Anything else (comments, blank lines, flow or block scalars, anchors, tags, tabs) returns undefined
 * and goes to the full parser: rebuilding 10,000 folders otherwise spends two seconds in YAML alone.
 */
export function quickYaml(text: string): unknown {
  const lines = text.split("\n");
  const indentOf = (line: string) => line.length - line.trimStart().length;
  if (lines.some((l) => !l.trim() || l.includes("\t") || l.includes("\r") || l.trimStart().startsWith("#"))) return undefined;
  let i = 0;
  const block = (indent: number): unknown => {
    const first = lines[i]!.slice(indent);
    if (first.startsWith("- ")) {
      const items: unknown[] = [];
      while (i < lines.length && indentOf(lines[i]!) === indent && lines[i]!.startsWith("- ", indent)) {
        const item = quickScalar(lines[i]!.slice(indent + 2));
        if (item === UNSURE) return UNSURE;
        items.push(item);
        i++;
      }
      return i < lines.length && indentOf(lines[i]!) > indent ? UNSURE : items;
    }
    const map: Record<string, unknown> = {};
    while (i < lines.length && indentOf(lines[i]!) === indent) {
      const m = KEY.exec(lines[i]!.slice(indent));
      if (!m || Object.hasOwn(map, m[1]!) || m[1] === "__proto__" || CORE_NULL.test(m[1]!) || CORE_BOOL.test(m[1]!)) return UNSURE;
      i++;
      let value: unknown;
      if (m[2] !== undefined) value = quickScalar(m[2]);
      else if (i < lines.length && indentOf(lines[i]!) === indent + 2) value = block(indent + 2);
      else if (i < lines.length && indentOf(lines[i]!) > indent) return UNSURE;
      else if (i < lines.length && lines[i]!.startsWith("- ", indent)) return UNSURE; // a sequence at the key's own indent
      else value = null;
      if (value === UNSURE) return UNSURE;
      map[m[1]!] = value;
    }
    return i < lines.length && indentOf(lines[i]!) > indent ? UNSURE : map;
  };
  const value = block(0);
  return value === UNSURE || i < lines.length ? undefined : value;
}

function frontmatterOf(path: string, readme: string): { fm: IncidentFrontmatter } | { error: FolderError } {
  const m = FENCED.exec(readme);
  if (!m) return { error: { path, field: "(frontmatter)", message: "no YAML frontmatter between two `---` lines at the top; restore the file from git history" } };
  let data: unknown = quickYaml(m[1]!);
  try {
    if (data === undefined) data = parse(m[1]!);
  } catch (err) {
    return { error: { path, field: "(frontmatter)", message: `not valid YAML (${(err as Error).message.split("\n")[0]}); fix the YAML between the \`---\` lines` } };
  }
  const parsed = IncidentFrontmatterSchema.safeParse(data ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { error: { path, field: issue.path.length ? issue.path.join(".") : "(top level)", message: `${issue.message}; correct that field (only \`feedback\` is meant to be edited by hand)` } };
  }
  return { fm: parsed.data };
}

function alertsOf(path: string, text: string, errors: FolderError[]): RecordedAlert[] {
  const out: RecordedAlert[] = [];
  const seen = new Set<string>();
  const lines = text.split("\n");
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    if (!line.trim()) continue;
    let data: unknown;
    try {
      data = JSON.parse(line);
    } catch (err) {
      errors.push({ path, field: `line ${n + 1}`, message: `not valid JSON (${(err as Error).message}); this alert's id is not recorded` });
      continue;
    }
    const parsed = RecordedAlertSchema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      errors.push({ path, field: `line ${n + 1}: ${issue.path.join(".") || "(alert)"}`, message: `${issue.message}; this alert's id is not recorded` });
      continue;
    }
    if (seen.has(parsed.data.id)) continue;
    seen.add(parsed.data.id);
    out.push(parsed.data);
  }
  return out;
}

function worst(a: Severity, b: Severity): Severity {
  return SEVERITY_ORDER.indexOf(a) <= SEVERITY_ORDER.indexOf(b) ? a : b;
}

function ms(at: string | null | undefined): number {
  return at ? Date.parse(at) : NaN;
}

/**
 * An index entry from a folder. alerts.jsonl is replayed the way correlation attached its alerts
 * (ids, deliveries, fingerprints, alert names, severity, duplicates), because the README frontmatter
 * is written when the incident is investigated and only its status is kept current afterwards.
 */
function incidentFrom(dir: string, fm: IncidentFrontmatter, alerts: RecordedAlert[]): Incident {
  const fingerprints: string[] = alerts.length ? [] : [...fm.fingerprints];
  const alertnames: string[] = alerts.length ? [] : [...fm.alertnames];
  const pipelines = [...fm.pipelines];
  const resolved = new Set<string>();
  const groupingReasons: string[] = [];
  const deliveries: string[] = [];
  let severity: Severity = alerts[0]?.severity ?? fm.severity;
  let duplicates = 0;
  let opened = ms(fm.opened_at);
  let updated = opened;
  alerts.forEach((a, n) => {
    if (!deliveries.includes(a.raw.delivery)) deliveries.push(a.raw.delivery);
    if (a.pipeline && !pipelines.includes(a.pipeline)) pipelines.push(a.pipeline);
    if (fingerprints.includes(a.fingerprint)) {
      if (a.status === "firing") duplicates += 1;
    } else {
      fingerprints.push(a.fingerprint);
      // Correlation's reason (same pipeline, lineage neighbour) is not kept in the folder.
      if (n > 0) groupingReasons.push(`${a.labels.alertname ?? a.title}: grouped (reason not kept in the incident folder)`);
    }
    const name = a.labels.alertname ?? a.title;
    if (name && !alertnames.includes(name)) alertnames.push(name);
    if (a.status === "firing") severity = worst(severity, a.severity);
    if (a.status === "resolved") resolved.add(a.fingerprint);
    else resolved.delete(a.fingerprint);
    // An alert without a start time was placed at its run's clock, which the folder does not keep.
    const t = ms(a.startsAt);
    if (Number.isFinite(t)) {
      if (t > updated || !Number.isFinite(updated)) updated = t;
      if (a.status === "firing" && t < opened) opened = t;
    }
  });
  // A merged fix resolves an open incident at the review's time, which is then its last change;
  // the folder keeps that time only as resolved_at (exact when the merge resolved the incident).
  const merged = fm.fix?.state === "merged" && fm.resolved_at !== null && ms(fm.resolved_at) > updated;
  if (merged) updated = ms(fm.resolved_at);
  const iso = (t: number, given: string) => (t === ms(given) ? given : new Date(t).toISOString());
  const opener = alerts[0];
  const openerTitle = opener ? opener.title || opener.labels.alertname || "alert" : null;
  // The frontmatter keeps the title cut to one line; the opening alert has it whole when it agrees.
  const title = openerTitle !== null && breakMentions(oneLine(openerTitle, 200)) === fm.title ? openerTitle : fm.title;
  return {
    id: fm.id,
    path: dir,
    title,
    status: fm.status,
    investigation: fm.investigation,
    severity,
    pipelines,
    fingerprints,
    alertnames,
    alerts: alerts.map((a) => a.id),
    resolvedFingerprints: [...resolved],
    deliveries,
    openedAt: iso(opened, fm.opened_at),
    updatedAt: merged ? fm.resolved_at! : iso(updated, fm.opened_at),
    resolvedAt: fm.resolved_at,
    rootCause: fm.root_cause,
    groupingReasons,
    duplicates,
  };
}

/** Every incident folder's entry, with what went wrong in each. */
function fromFolders(files: Record<string, string>, readmes: Array<{ path: string; dir: string; name: string }>): { incidents: Incident[]; errors: FolderError[] } {
  const incidents: Incident[] = [];
  const errors: FolderError[] = [];
  const seen = new Map<string, string>();
  for (const { path, dir, name } of readmes) {
    const read = frontmatterOf(path, files[path]!);
    if ("error" in read) {
      errors.push(read.error);
      continue;
    }
    const { fm } = read;
    if (fm.id !== name) {
      errors.push({ path, field: "id", message: `${JSON.stringify(fm.id)} does not match the folder name ${JSON.stringify(name)}; the id is the folder's name` });
      continue;
    }
    if (seen.has(fm.id)) {
      errors.push({ path, field: "id", message: `${fm.id} is also the incident in ${seen.get(fm.id)}; keep one of the two folders` });
      continue;
    }
    const alertsPath = `${dir}/alerts.jsonl`;
    const text = files[alertsPath];
    if (text === undefined) errors.push({ path: alertsPath, field: "(file)", message: "missing: the incident is rebuilt from its README alone, without its alert ids (a re-delivered alert would be recorded again)" });
    const alerts = text === undefined ? [] : alertsOf(alertsPath, text, errors);
    const checked = IncidentSchema.safeParse(incidentFrom(dir, fm, alerts));
    if (!checked.success) {
      const issue = checked.error.issues[0]!;
      errors.push({ path, field: issue.path.join(".") || "(incident)", message: `${issue.message}; the incident is left out of the index` });
      continue;
    }
    seen.set(fm.id, dir);
    incidents.push(checked.data);
  }
  return { incidents, errors };
}

/**
 * Rebuilds incident history from a repository's incidents/ files (path → content): the index from
 * incidents/index.json when it is sound (unless `fromFolders`), else from every incident folder;
 * then incidents/index.json, incidents/README.md and a scorecard per month, redacted like a commit.
 */
export function rebuildHistory(files: Record<string, string>, opts: { fromFolders?: boolean; redactPatterns?: RegExp[] } = {}): RebuildResult {
  const patterns = opts.redactPatterns ?? [];
  const readmes = Object.keys(files)
    .map((path) => ({ path, m: README.exec(path) }))
    .filter((x): x is { path: string; m: RegExpExecArray } => x.m !== null)
    .map(({ path, m }) => ({ path, dir: m[1]!, name: m[2]! }))
    .sort((a, b) => a.path.localeCompare(b.path));
  const index = readIndexFile(files[INDEX_PATH]);
  let result: Pick<RebuildResult, "source" | "indexProblem" | "incidents" | "errors" | "unlisted" | "missingFolders">;
  if ("incidents" in index && !opts.fromFolders) {
    const listed = new Set(index.incidents.map((i) => i.path));
    const present = new Set(readmes.map((r) => r.dir));
    result = {
      source: "index",
      indexProblem: null,
      incidents: index.incidents,
      errors: [],
      unlisted: readmes.filter((r) => !listed.has(r.dir)).map((r) => r.dir),
      missingFolders: index.incidents.filter((i) => !present.has(i.path)).map((i) => i.path),
    };
  } else {
    const rebuilt = fromFolders(files, readmes);
    result = {
      source: "folders",
      indexProblem: "problem" in index ? index.problem : `${INDEX_PATH}: sound, but not read: a rebuild from the folders was asked for`,
      ...rebuilt,
      unlisted: [],
      missingFolders: [],
    };
  }
  const ordered = [...result.incidents].sort((a, b) => a.openedAt.localeCompare(b.openedAt) || a.id.localeCompare(b.id));
  // The page shows none of the per-alert lists: leaving them out spares redacting 10,000 incidents' alert ids.
  const page = ordered.map((i) => ({ ...i, alerts: [], deliveries: [], resolvedFingerprints: [], groupingReasons: [] }));
  // Both renderers redact what they write; index.json is redacted here, as a commit would.
  const out: Files = {
    [INDEX_PATH]: redact(`${JSON.stringify({ version: 1, incidents: ordered }, null, 1)}\n`, patterns),
    [INDEX_MD]: renderIncidentIndex(page, { redactPatterns: patterns }),
  };
  for (const month of monthsOf(ordered)) out[scorecardPath(month)] = renderScorecard(month, ordered, { redactPatterns: patterns });
  return { ...result, incidents: ordered, files: out };
}
