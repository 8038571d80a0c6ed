import { posix } from "node:path";
import { AliasesSchema, PipelineSchema, ServiceSchema, type Aliases, type Knowledge, type Pipeline, type Service } from "../model/index.js";
import { issuesToLint, parseFrontmatter, type LintError } from "./frontmatter.js";

/** Knowledge with nothing in it: what a repository without knowledge/ has. */
export const EMPTY_KNOWLEDGE: Knowledge = { pipelines: [], services: [], aliases: { metrics: {}, labels: {} } };

const HINTS: Record<string, string> = {
  id: "give a kebab-case id, the file name without .md (orders-streaming)",
  kind: "name the component's kind (kafka, airflow, dbt, warehouse, service, …)",
  components: "list components as {kind: kafka, topic: orders, consumer_group: orders-enricher}",
  upstream: "list pipeline ids, as in [orders-streaming]",
  downstream: "list pipeline ids, as in [orders-analytics]",
  config: "map a config name to a repository path, as in {consumer: pipelines/orders/consumer.yaml}",
  metrics: "map a standard metric name to yours, as in {airflow_executor_open_slots: my_open_slots}",
  labels: "map a standard label name to yours, as in {consumergroup: group_id}",
};

/** The `.md` files directly inside `folder` (README.md is documentation, not data). */
function markdownIn(files: Record<string, string>, folder: string): string[] {
  return Object.keys(files)
    .filter((f) => posix.dirname(f) === folder && f.endsWith(".md") && posix.basename(f).toLowerCase() !== "readme.md")
    .sort();
}

/** Reads one frontmatter entity; errors name the file, the field and the fix. */
function readEntity<T>(
  files: Record<string, string>,
  file: string,
  parse: (data: unknown) => { success: true; data: T } | { success: false; error: { issues: ReadonlyArray<unknown> } },
  errors: LintError[],
): { value: T; line: (key: string) => number | undefined; lines: Record<string, number> } | null {
  const fm = parseFrontmatter(files[file] ?? "", file);
  if (!fm.ok) {
    errors.push(fm.error);
    return null;
  }
  const r = parse(fm.value.data);
  if (!r.success) {
    errors.push(...issuesToLint(file, r.error.issues, fm.value.lineOf, HINTS));
    return null;
  }
  return { value: r.data, line: (k) => fm.value.lines[k], lines: fm.value.lines };
}

/** Loads knowledge/pipelines/*.md, knowledge/services/*.md and knowledge/aliases.md; missing folders are empty. */
export function loadKnowledge(files: Record<string, string>): {
  knowledge: Knowledge;
  errors: LintError[];
  /** Where each pipeline was read from, with the line of each top-level key (for lint). */
  sources: Record<string, { file: string; lines: Record<string, number> }>;
} {
  const errors: LintError[] = [];
  const sources: Record<string, { file: string; lines: Record<string, number> }> = {};
  const pipelines: Pipeline[] = [];
  const services: Service[] = [];
  const parseOpts = { reportInput: true };
  for (const file of markdownIn(files, "knowledge/pipelines")) {
    const e = readEntity(files, file, (d) => PipelineSchema.safeParse(d, parseOpts), errors);
    if (!e) continue;
    const stem = posix.basename(file, ".md");
    const dup = pipelines.find((p) => p.id === e.value.id);
    if (dup) {
      errors.push({
        file,
        line: e.line("id"),
        field: "id",
        message: `pipeline id "${e.value.id}" is already used by another file`,
        fix: "give every pipeline a unique id; this file is ignored until then",
        severity: "error",
      });
      continue;
    }
    if (stem !== e.value.id) {
      errors.push({
        file,
        line: e.line("id"),
        field: "id",
        message: `id "${e.value.id}" differs from the file name "${stem}"`,
        fix: `rename the file to ${e.value.id}.md or the id to ${stem}`,
        severity: "warning",
      });
    }
    pipelines.push(e.value);
    sources[e.value.id] = { file, lines: e.lines };
  }
  for (const file of markdownIn(files, "knowledge/services")) {
    const e = readEntity(files, file, (d) => ServiceSchema.safeParse(d, parseOpts), errors);
    if (!e) continue;
    if (services.some((s) => s.id === e.value.id)) {
      errors.push({
        file,
        line: e.line("id"),
        field: "id",
        message: `service id "${e.value.id}" is already used by another file`,
        fix: "give every service a unique id; this file is ignored until then",
        severity: "error",
      });
      continue;
    }
    services.push(e.value);
  }
  let aliases: Aliases = { metrics: {}, labels: {} };
  if (files["knowledge/aliases.md"] !== undefined) {
    const e = readEntity(files, "knowledge/aliases.md", (d) => AliasesSchema.safeParse(d, parseOpts), errors);
    if (e) aliases = e.value;
  }
  return { knowledge: { pipelines, services, aliases }, errors, sources };
}

function replaceById<T extends { id: string }>(base: T[], over: T[]): T[] {
  const out = [...base];
  for (const item of over) {
    const i = out.findIndex((b) => b.id === item.id);
    if (i >= 0) out[i] = item;
    else out.push(item);
  }
  return out;
}

/** Merges `over` onto `base`: a pipeline or service with the same id replaces; aliases merge key by key. */
export function mergeKnowledge(base: Knowledge, over: Knowledge): Knowledge {
  return {
    pipelines: replaceById(base.pipelines, over.pipelines),
    services: replaceById(base.services, over.services),
    aliases: {
      metrics: { ...base.aliases.metrics, ...over.aliases.metrics },
      labels: { ...base.aliases.labels, ...over.aliases.labels },
    },
  };
}

/** Alert label → the component field it names (docs/knowledge.md keeps this table for people). */
export const LABEL_TO_COMPONENT_FIELD: Readonly<Record<string, string>> = {
  consumergroup: "consumer_group",
  consumer_group: "consumer_group",
  group: "consumer_group",
  topic: "topic",
  dag_id: "dag_id",
  pool: "pool",
  model: "model",
  model_name: "model",
  table: "table",
  job: "job",
  job_name: "job",
};

/** Alert labels that name one of a pipeline's `services`. */
export const SERVICE_LABELS: readonly string[] = ["service", "app"];

/** Maps this company's label names back to the standard ones (aliases.labels is standard → local). */
export function standardLabels(knowledge: Knowledge, labels: Record<string, string>): Record<string, string> {
  const out = { ...labels };
  for (const [standard, local] of Object.entries(knowledge.aliases.labels)) {
    const v = labels[local];
    if (v !== undefined && out[standard] === undefined) out[standard] = v;
  }
  return out;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Component fields for resources that many pipelines share by design: they name a pipeline only when no other one uses the value. */
const SHARED_FIELDS: ReadonlySet<string> = new Set(["pool"]);

/** Values that name no pipeline whatever the field: the defaults every deployment has. */
const GENERIC_VALUES: ReadonlySet<string> = new Set(["default_pool", "default"]);

const names = (p: Pipeline, field: string, v: string) => p.components.some((c) => c[field] !== undefined && same(String(c[field]), v));

/**
 * The pipelines an alert's labels name: by `pipeline` id, or by a label equal to a component field or
 * service (after aliases). A match rests on an identifying value: a default (`default_pool`) names
 * nothing, and a pool names a pipeline only when it is the only one using it (a shared pool is a
 * resource, not an identity).
 */
export function findPipelines(knowledge: Knowledge, labels: Record<string, string>): Pipeline[] {
  const l = standardLabels(knowledge, labels);
  const identifying = (field: string, v: string) =>
    !GENERIC_VALUES.has(v.toLowerCase()) && (!SHARED_FIELDS.has(field) || knowledge.pipelines.filter((q) => names(q, field, v)).length === 1);
  return knowledge.pipelines.filter((p) => {
    if (l.pipeline !== undefined && same(l.pipeline, p.id)) return true;
    for (const [label, field] of Object.entries(LABEL_TO_COMPONENT_FIELD)) {
      const v = l[label];
      if (v === undefined || v === "") continue;
      if (names(p, field, v) && identifying(field, v)) return true;
    }
    for (const label of SERVICE_LABELS) {
      const v = l[label];
      if (v !== undefined && v !== "" && p.services.some((s) => same(s, v))) return true;
    }
    return false;
  });
}

/** A pipeline's lineage neighbours, from both directions (A lists B downstream, or B lists A upstream). */
export function neighbours(knowledge: Knowledge, pipelineId: string): { upstream: string[]; downstream: string[] } {
  const self = knowledge.pipelines.find((p) => p.id === pipelineId);
  const upstream = new Set(self?.upstream ?? []);
  const downstream = new Set(self?.downstream ?? []);
  for (const q of knowledge.pipelines) {
    if (q.id === pipelineId) continue;
    if (q.downstream.includes(pipelineId)) upstream.add(q.id);
    if (q.upstream.includes(pipelineId)) downstream.add(q.id);
  }
  upstream.delete(pipelineId);
  downstream.delete(pipelineId);
  return { upstream: [...upstream], downstream: [...downstream] };
}

/** The local name of a standard metric: its alias, or itself. */
export function resolveMetricName(knowledge: Knowledge, standardName: string): string {
  return knowledge.aliases.metrics[standardName] ?? standardName;
}
