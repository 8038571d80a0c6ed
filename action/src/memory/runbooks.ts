import { posix } from "node:path";
import { RunbookSchema, type CheckSpec, type Primitive, type Runbook, type RunbookMeta } from "../model/index.js";
import { isRecord, issuesToLint, parseFrontmatter, type FieldPath, type LintError } from "./frontmatter.js";
import { SelectorError, parseSelector } from "./selector.js";
import { RE2_FIX, patternProblem } from "../patterns.js";

export { formatLintError, LintErrorSchema, type LintError } from "./frontmatter.js";

const HINTS: Record<string, string> = {
  id: "give a kebab-case id from docs/root-causes.md, the file name without .md",
  title: "add a one-line title",
  applies_to: 'add applies_to: { alerts: ["KafkaConsumerGroupLag*"], components: [kafka] }',
  checks: "add at least one check (see docs/runbooks.md)",
  primitive: "use one of threshold, step_change, oscillation, growth, skew, count, change_in_window, schema_diff",
  window: 'write a duration such as "15m" or "2h"',
  pass_if: 'write comparisons such as { count: ">= 1" }',
  "pass_if.*": 'write a comparison such as ">= 1", "< 0.5" or "== 0"',
  weight: "use strong, moderate or weak",
  role: "use confirm or rule_out",
  anchor: "use now or onset",
  kind: "use a kind listed in docs/runbooks.md",
  prior: "write a probability between 0 and 1",
  deeper: "list runbook ids, as in [kafka-lag-slow-consumer]",
  "(custom)": "give the check exactly one of metric, logs, changes, events, orchestrator, warehouse, alert",
};

/** The pass_if keys each primitive produces (docs/runbooks.md explains them). */
export const PASS_IF_KEYS: Readonly<Record<Primitive, readonly string[]>> = {
  threshold: ["value"],
  step_change: ["ratio", "delta", "before", "after"],
  oscillation: ["changes"],
  growth: ["rising", "increase", "ratio"],
  skew: ["share", "ratio_to_even"],
  count: ["count"],
  change_in_window: ["count"],
  schema_diff: ["removed", "added"],
};

const SOURCES = ["metric", "logs", "changes", "events", "orchestrator", "warehouse", "alert"] as const;
type Source = (typeof SOURCES)[number];

/** The data source a check reads (the schema guarantees exactly one). */
export function sourceOf(check: CheckSpec): Source {
  return SOURCES.find((s) => check[s] !== undefined) ?? "metric";
}

/** Why a primitive cannot read a source, or null when it can. */
function incompatibility(check: CheckSpec): { message: string; fix: string } | null {
  const source = sourceOf(check);
  switch (check.primitive) {
    case "threshold":
      if (source === "metric") return null;
      if ((source === "orchestrator" || source === "warehouse") && check.field) return null;
      if (source === "orchestrator" || source === "warehouse") {
        return {
          message: `threshold over ${source} records needs \`field\` (the numeric field to test)`,
          fix: "add field: <a numeric record field>, for example field: queued_slots",
        };
      }
      return {
        message: `threshold reads a metric, or orchestrator/warehouse records with \`field\`; this check reads ${source}`,
        fix: "use count for logs, events or changes, or read a metric",
      };
    case "step_change":
      // Over records, the `field` of each object in time order (a DAG's run durations) is a series.
      if (source === "metric" || ((source === "orchestrator" || source === "warehouse") && check.field)) return null;
      return {
        message: `step_change reads a metric, or orchestrator/warehouse records with \`field\`; this check reads ${source}`,
        fix: "read a metric selector, or add field: <a numeric record field>",
      };
    case "oscillation":
    case "growth":
    case "skew":
      return source === "metric"
        ? null
        : { message: `${check.primitive} reads a metric; this check reads ${source}`, fix: "read a metric selector, or use count for records" };
    case "count":
      return source === "metric"
        ? {
            message: "count reads records (logs, events, changes, orchestrator, warehouse or the alert); this check reads a metric",
            fix: "use threshold, step_change or growth for a metric",
          }
        : null;
    case "change_in_window":
      return source === "changes" || source === "events"
        ? null
        : { message: `change_in_window reads changes or events; this check reads ${source}`, fix: "read changes: {…} or events: {kind: …}" };
    case "schema_diff":
      return source === "warehouse" && check.warehouse?.kind === "schemas"
        ? null
        : { message: "schema_diff reads warehouse schema snapshots", fix: "read warehouse: { kind: schemas, where: { table: … } }" };
  }
}

const TEMPLATE_OPEN = /\{\{/g;
const TEMPLATE = /^\{\{\s*([^{}]*?)\s*\}\}/;
const ALLOWED_TEMPLATE = [
  /^alert\.labels\.[A-Za-z0-9_.-]+$/,
  /^alert\.annotations\.[A-Za-z0-9_.-]+$/,
  /^pipeline\.(id|service)$/,
  /^pipeline\.config\.[A-Za-z0-9_.-]+$/,
  /^pipeline\.[a-z0-9_-]+\.[A-Za-z0-9_-]+$/,
  // subjects: `{{kafka.consumer_group}}`, `{{airflow.dag_id}}`, `{{service}}`, … (docs/subjects.md):
  // only the kinds the vocabulary and knowledge name, so `{{secrets.TOKEN}}` or `{{env.HOME}}` never pass
  /^(service|env|cluster)$/,
  /^(kafka|airflow|flink|spark|dbt|warehouse|host|k8s|probe|sensor|dependency)\.[a-z0-9_]+$/,
];

/** Every template in a string that is not one of the documented forms. */
export function badTemplates(text: string): string[] {
  const bad: string[] = [];
  for (const m of text.matchAll(TEMPLATE_OPEN)) {
    const rest = text.slice(m.index);
    const t = TEMPLATE.exec(rest);
    if (!t) {
      bad.push(rest.slice(0, 30));
      continue;
    }
    if (!ALLOWED_TEMPLATE.some((re) => re.test(t[1] ?? ""))) bad.push(t[0]);
  }
  return bad;
}

/**
 * The templates a fix path (`remediation.path`) may use: what knowledge names (`{{pipeline.config.<name>}}`,
 * `{{pipeline.id}}`), never what the alert says (`{{alert.labels.x}}`, or a subject read from its
 * labels): an alert must not choose the file a fix edits.
 */
export const KNOWLEDGE_PATH_TEMPLATE = /^pipeline\.(?:id|config\.[A-Za-z0-9_.-]+)$/;

/** The `{{templates}}` of a fix path that are not knowledge-only. */
export function nonKnowledgeTemplates(path: string): string[] {
  return [...path.matchAll(/\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g)].map((m) => m[1]!).filter((name) => !KNOWLEDGE_PATH_TEMPLATE.test(name));
}

/** Names of every `{{template}}` variable a runbook's frontmatter uses, with where. */
export function templatesIn(meta: RunbookMeta): Array<{ path: Array<string | number>; name: string }> {
  const out: Array<{ path: Array<string | number>; name: string }> = [];
  walkStrings(meta, [], (path, s) => {
    for (const m of s.matchAll(/\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g)) out.push({ path, name: m[1]! });
  });
  return out;
}

// Prose and regular expressions are not interpolated, so they are not template-checked.
const NOT_TEMPLATED = new Set(["title", "description", "match", "id"]);

function walkStrings(v: unknown, path: Array<string | number>, visit: (path: Array<string | number>, s: string) => void): void {
  if (typeof v === "string") visit(path, v);
  else if (Array.isArray(v)) v.forEach((x, i) => walkStrings(x, [...path, i], visit));
  else if (isRecord(v)) {
    for (const [k, x] of Object.entries(v)) if (!NOT_TEMPLATED.has(k)) walkStrings(x, [...path, k], visit);
  }
}

/** Checks beyond the schema: selectors, regexes, primitive/source fit, pass_if keys, templates, ids. */
function validate(meta: RunbookMeta, file: string, lineOf: (p: FieldPath) => number): LintError[] {
  const errors: LintError[] = [];
  const add = (path: Array<string | number>, message: string, fix: string, severity: LintError["severity"] = "error") => {
    const field = path.reduce<string>((acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), "");
    errors.push({ file, line: lineOf(path), field, message, fix, severity });
  };
  const seen = new Set<string>();
  meta.checks.forEach((c, i) => {
    const at = (...rest: Array<string | number>) => ["checks", i, ...rest];
    if (seen.has(c.id)) add(at("id"), `check id "${c.id}" is used twice`, "give every check of a runbook its own id");
    seen.add(c.id);
    if (c.metric !== undefined) {
      try {
        parseSelector(c.metric);
      } catch (e) {
        const detail = e instanceof SelectorError ? e.detail : (e as Error).message;
        add(at("metric"), `expected a metric selector name{label="value"}, got ${JSON.stringify(c.metric)}`, detail);
      }
    }
    if (c.match !== undefined) {
      const bad = patternProblem(c.match, { ignoreCase: true });
      if (bad) add(at("match"), `the pattern ${JSON.stringify(c.match)} ${bad}`, `use ${RE2_FIX}; escape special characters such as ( [ { with a backslash`);
    }
    const bad = incompatibility(c);
    if (bad) add(at("primitive"), bad.message, bad.fix);
    const allowed = PASS_IF_KEYS[c.primitive];
    const keys = Object.keys(c.pass_if);
    if (!keys.length) add(at("pass_if"), "pass_if has no comparison, so the check could never fail", `add a comparison on ${allowed.join(", ")}`);
    for (const k of keys) {
      if (!allowed.includes(k)) add(at("pass_if", k), `${c.primitive} produces no "${k}"`, `compare one of ${allowed.join(", ")}`);
    }
    if (c.field !== undefined && c.primitive !== "threshold" && c.primitive !== "count" && c.primitive !== "step_change") {
      add(at("field"), `field is only read by threshold and step_change over records; ${c.primitive} ignores it`, "remove field", "warning");
    }
    if (sourceOf(c) !== "metric" && (c.rate || c.aggregate !== "none")) {
      add(at(c.rate ? "rate" : "aggregate"), "rate and aggregate apply to metrics only", "remove them from this check", "warning");
    }
  });
  walkStrings(meta, [], (path, s) => {
    for (const t of badTemplates(s)) {
      add(
        path,
        `unknown template ${JSON.stringify(t)}`,
        "use a subject such as {{kafka.consumer_group}}, {{airflow.dag_id}} or {{service}} (docs/subjects.md), {{alert.labels.x}}, {{alert.annotations.x}}, {{pipeline.id}} or {{pipeline.config.<name>}}",
      );
    }
  });
  const rem = meta.remediation;
  if (rem?.kind === "config-patch") {
    for (const t of nonKnowledgeTemplates(rem.path)) {
      add(
        ["remediation", "path"],
        `remediation.path may be templated from knowledge only, never from the alert: {{${t}}} would let an alert choose the file a fix edits`,
        "name the file through knowledge: {{pipeline.config.<name>}} (a config path in knowledge/pipelines) or {{pipeline.id}}",
      );
    }
  }
  if (rem?.kind === "revert" && !meta.checks.some((c) => c.id === rem.from_check)) {
    add(["remediation", "from_check"], `no check has id "${rem.from_check}"`, `name one of ${meta.checks.map((c) => c.id).join(", ")}`);
  }
  return errors;
}

/** Loads runbooks/*.md; a runbook with errors is left out and reported, so one bad file never stops an investigation. */
export function loadRunbooks(files: Record<string, string>): { runbooks: Runbook[]; errors: LintError[] } {
  const errors: LintError[] = [];
  const runbooks: Runbook[] = [];
  const lines = new Map<string, (p: FieldPath) => number>();
  const paths = Object.keys(files)
    .filter((f) => f.startsWith("runbooks/") && f.endsWith(".md") && posix.basename(f).toLowerCase() !== "readme.md")
    .sort();
  const read: Array<{ file: string; runbook: NonNullable<RunbookFile["runbook"]> }> = [];
  for (const file of paths) {
    const one = readRunbookFile(file, files[file] ?? "");
    errors.push(...one.errors);
    if (one.runbook) read.push({ file, runbook: one.runbook });
  }
  // Two files with one id: the one named after the id is used (else the first by path), and every
  // file of the id is named in the error, so nobody wonders which one a run read.
  const kept = new Map<string, string>();
  for (const { runbook } of read) {
    const id = runbook.meta.id;
    if (kept.has(id)) continue;
    const all = read.filter((r) => r.runbook.meta.id === id);
    kept.set(id, (all.find((r) => posix.basename(r.file, ".md") === id) ?? all[0]!).file);
  }
  for (const { file, runbook } of read) {
    const { meta, body, lineOf } = runbook;
    const winner = kept.get(meta.id)!;
    if (winner !== file) {
      errors.push({
        file,
        line: lineOf(["id"]),
        field: "id",
        message: `runbook id "${meta.id}" is used by both ${winner} and ${file}; ${winner} is used and ${file} is ignored`,
        fix: `give each runbook its own id (the file name without .md): rename the id in ${file} or in ${winner}`,
        severity: "error",
      });
      continue;
    }
    const stem = posix.basename(file, ".md");
    if (stem !== meta.id) {
      errors.push({
        file,
        line: lineOf(["id"]),
        field: "id",
        message: `id "${meta.id}" differs from the file name "${stem}"`,
        fix: `rename the file to ${meta.id}.md or the id to ${stem}`,
        severity: "warning",
      });
    }
    lines.set(meta.id, lineOf);
    runbooks.push({ ...meta, file, body });
  }
  const ids = new Set(runbooks.map((r) => r.id));
  for (const r of runbooks) {
    r.deeper.forEach((d, i) => {
      if (!ids.has(d)) {
        errors.push({
          file: r.file,
          line: lines.get(r.id)?.(["deeper", i]),
          field: `deeper[${i}]`,
          message: `no runbook has id "${d}"`,
          fix: "write that runbook, or remove the id",
          severity: "warning",
        });
      }
    });
  }
  return { runbooks, errors };
}

/** One runbook file, parsed and validated on its own (before the checks across files). */
interface RunbookFile {
  runbook: { meta: RunbookMeta; body: string; lineOf: (p: FieldPath) => number } | null;
  errors: LintError[];
}

// Parsing is pure and every run of an eval or a long-lived relay reads the same files: one parse
// per file content. Bounded, so a process fed ever-new runbooks does not grow without end.
const parsedFiles = new Map<string, RunbookFile>();
const PARSED_FILES_MAX = 1_000;

function readRunbookFile(file: string, text: string): RunbookFile {
  const key = `${file}\u0000${text}`;
  const hit = parsedFiles.get(key);
  if (hit) return hit;
  const out = parseRunbookFile(file, text);
  if (parsedFiles.size >= PARSED_FILES_MAX) parsedFiles.delete(parsedFiles.keys().next().value!);
  parsedFiles.set(key, out);
  return out;
}

function parseRunbookFile(file: string, text: string): RunbookFile {
  const fm = parseFrontmatter(text, file);
  if (!fm.ok) return { runbook: null, errors: [fm.error] };
  const { data, body, lineOf } = fm.value;
  const parsed = RunbookSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) return { runbook: null, errors: issuesToLint(file, parsed.error.issues, lineOf, HINTS) };
  const found = validate(parsed.data, file, lineOf);
  if (found.some((e) => e.severity === "error")) return { runbook: null, errors: found };
  return { runbook: { meta: parsed.data, body, lineOf }, errors: found };
}

/** Adds `over` to `base`: a runbook with the same id replaces the base one. */
export function mergeRunbooks(base: Runbook[], over: Runbook[]): Runbook[] {
  const out = [...base];
  for (const r of over) {
    const i = out.findIndex((b) => b.id === r.id);
    if (i >= 0) out[i] = r;
    else out.push(r);
  }
  return out;
}
