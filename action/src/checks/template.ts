import type { Weight, Capability, Check, CheckSpec, Knowledge, Matcher, Problem, Runbook } from "../model/index.js";
import { KNOWLEDGE_PATH_TEMPLATE } from "../memory/runbooks.js";
import { parseSelector } from "../memory/selector.js";
import { subjectValue } from "../model/index.js";
import { canonicalKey, KEY_FALLBACKS, SUBJECT_KINDS } from "../subjects/vocabulary.js";
import { parseDuration } from "../model/index.js";
import { escapeRegex } from "../patterns.js";

/**
 * Safe interpolation. Templates are resolved into structured query fields (a matcher's value, a
 * stream label's value, a filter's value), never spliced into query text: the adapter that renders the
 * query escapes each value for its language. Values landing in a regular-expression matcher are
 * regex-escaped here, so an alert label cannot widen a match.
 */

const TEMPLATE = /\{\{\s*([a-zA-Z0-9_.-]+)\s*\}\}/g;

/** The values templates may name, built from the problem and knowledge. */
export interface TemplateContext {
  lookup(path: string): string | undefined;
}

/**
 * Builds the template context of a problem: the alert's labels and annotations, and the problem's
 * subjects (`{{kafka.consumer_group}}`; `{{pipeline.kafka.consumer_group}}` is the same subject,
 * as knowledge named it first). `{{pipeline.id}}` is the first impacted pipeline.
 */
export function templateContext(problem: Problem): TemplateContext {
  const first = problem.alerts.find((a) => a.status === "firing") ?? problem.alerts[0];
  return {
    lookup(path) {
      const [root, ...rest] = path.split(".");
      if (root === "alert") {
        const [kind, ...name] = rest;
        const key = name.join(".");
        if (kind === "labels") return problem.labels[key] ?? undefined;
        if (kind === "annotations") return first?.annotations[key];
        return undefined;
      }
      if (path === "pipeline.id") return problem.pipelines[0]?.id;
      const key = canonicalKey(path);
      const fallback = KEY_FALLBACKS[key];
      return subjectValue(problem.subjects, key) ?? (fallback ? subjectValue(problem.subjects, fallback) : undefined);
    },
  };
}

/** The template context of a fix path: knowledge only (a config path from `knowledge/pipelines`, the impacted pipeline's id). */
export function knowledgeContext(problem: Problem): TemplateContext {
  return {
    lookup(path) {
      if (!KNOWLEDGE_PATH_TEMPLATE.test(path)) return undefined;
      if (path === "pipeline.id") return problem.pipelines[0]?.id;
      const key = `config.${path.slice("pipeline.config.".length)}`;
      return problem.subjects[key]?.find((v) => v.origin === "knowledge")?.value;
    },
  };
}

/** Scopes from the alert itself (its cluster, namespace, environment) that a metric check keeps where its series carry them. */
function scopeMatchers(problem: Problem, named: Set<string>): Matcher[] {
  const out: Matcher[] = [];
  for (const kind of SUBJECT_KINDS) {
    if (!kind.scope || kind.labels.some((l) => named.has(l))) continue;
    const values = (problem.subjects[kind.key] ?? []).filter((v) => v.origin === "label" || v.origin === "expression" || v.origin === "mention");
    if (values.length === 1) out.push({ label: kind.labels[0]!, op: "=", value: values[0]!.value, optional: true });
  }
  return out;
}

/** Replaces every `{{path}}` in text; returns the names it could not resolve. */
export function interpolate(text: string, ctx: TemplateContext, escape: (v: string) => string = (v) => v): { value: string; missing: string[] } {
  const missing: string[] = [];
  const value = text.replace(TEMPLATE, (_, path: string) => {
    const v = ctx.lookup(path);
    if (v === undefined) {
      missing.push(path);
      return "";
    }
    return escape(v);
  });
  return { value, missing };
}

function capabilityOf(spec: CheckSpec): Capability {
  if (spec.metric !== undefined) return "metrics";
  if (spec.logs !== undefined) return "logs";
  if (spec.changes !== undefined) return "changes";
  if (spec.events !== undefined) return "events";
  if (spec.orchestrator !== undefined) return "orchestrator";
  if (spec.alert !== undefined) return "alerts";
  return "warehouse";
}

/** The time range a check reads, from its anchor and window (change_in_window looks back from the onset). */
export function checkRange(spec: CheckSpec, now: number, onset: number | null): { start: number; end: number } | null {
  const window = parseDuration(spec.window);
  if (spec.primitive === "change_in_window") {
    if (onset === null) return null;
    return { start: onset - window, end: Math.min(now, onset + 2 * 60_000) };
  }
  if (spec.anchor === "onset") {
    if (onset === null) return null;
    return { start: onset - window, end: now };
  }
  return { start: now - window, end: now };
}

/** Metric resolution: one point a minute up to 12 hours, coarser beyond, so a query stays under ~720 points. */
function stepFor(range: { start: number; end: number }): number {
  return Math.max(60_000, Math.ceil((range.end - range.start) / 720 / 60_000) * 60_000);
}

/** Identity keys whose values name the problem's entities in changes (files, repositories, services). */
const NAME_KEYS = ["service", "airflow.dag_id", "flink.job", "spark.app", "kafka.consumer_group", "dbt.model", "dbt.job"];

/**
 * Subjects that name a neighbour of the problem of its own kind (its upstream DAG): left out, the
 * check would read the problem's own DAG among the others, and mean something else.
 */
const RELATIONAL = new Set(["sensor.external_dag_id"]);

/** One weight step less: evidence from a check that could not be narrowed to the problem's own subjects. */
const WEAKER: Record<Weight, Weight> = { strong: "moderate", moderate: "weak", weak: "weak" };

/**
 * Resolves a runbook's checks against the problem: templates filled, aliases applied, ranges
 * computed. A part of a query whose template nobody can fill (no knowledge, no label, nothing
 * discovered) is left out rather than guessed: the check runs wider, weighs less, and says so.
 */
export function resolveChecks(runbook: Pick<Runbook, "id" | "checks">, problem: Problem, knowledge: Knowledge): Check[] {
  const ctx = templateContext(problem);
  const scope = {
    paths: problem.pipelines.flatMap((p) => p.paths),
    services: [...new Set([...problem.pipelines.flatMap((p) => p.services), ...(problem.subjects.service ?? []).map((v) => v.value)])],
    repos: problem.pipelines.flatMap((p) => (p.repository ? [p.repository] : [])),
    names: NAME_KEYS.flatMap((k) => (problem.subjects[k] ?? []).map((v) => v.value)),
  };
  return runbook.checks.map((spec) => {
    const missing: string[] = [];
    /** Fills a template; null when it names a subject nobody resolved (the part is then left out). */
    const fill = (text: string, esc?: (v: string) => string): string | null => {
      const r = interpolate(text, ctx, esc);
      if (r.missing.length) {
        missing.push(...r.missing);
        return null;
      }
      return r.value;
    };
    const capability = capabilityOf(spec);
    const range = checkRange(spec, problem.now, problem.onset);
    const base = range ?? { start: problem.now, end: problem.now };
    let query: Check["query"];
    switch (capability) {
      case "metrics": {
        const sel = parseSelector(spec.metric!);
        const matchers: Matcher[] = sel.matchers.flatMap((m): Matcher[] => {
          const value = fill(m.value, m.op === "=~" || m.op === "!~" ? escapeRegex : undefined);
          if (value === null) return [];
          const label = knowledge.aliases.labels[m.label] ?? m.label;
          // A subject spelled several ways (an app's name with and without its run date): any of them.
          const all = m.op === "=" ? valuesOf(m.value, problem) : [];
          if (all.length > 1) return [{ label, op: "=~", value: all.map(escapeRegex).join("|") }];
          return [{ label, op: m.op, value }];
        });
        query = {
          ...base,
          name: knowledge.aliases.metrics[sel.name] ?? sel.name,
          matchers: [...matchers, ...scopeMatchers(problem, new Set(matchers.map((m) => m.label)))],
          stepMs: stepFor(base),
        };
        break;
      }
      case "logs": {
        const entries = Object.entries(spec.logs!);
        const selector: Record<string, string> = Object.fromEntries(
          entries.flatMap(([k, v]): Array<[string, string]> => {
            const value = fill(v);
            return value === null ? [] : [[k, value]];
          }),
        );
        const alternatives = Object.fromEntries(entries.map(([k, v]): [string, string[]] => [k, valuesOf(v, problem).slice(1)]).filter(([, vs]) => vs.length));
        query = { ...base, selector, pattern: spec.match, limit: 5000, ...(Object.keys(alternatives).length ? { alternatives } : {}) };
        break;
      }
      case "changes":
        query = { ...base };
        break;
      case "events":
        query = { ...base, kinds: [spec.events!.kind] };
        break;
      case "orchestrator":
        query = { ...base, kind: spec.orchestrator!.kind };
        break;
      case "warehouse":
        query = { ...base, kind: spec.warehouse!.kind };
        break;
      case "alerts":
        query = { ...base, incident: true };
        break;
    }
    const fillAll = (values: string[]) =>
      values.flatMap((x) => {
        const v = fill(x);
        return v === null ? [] : [v];
      });
    const where = spec.orchestrator?.where ?? spec.warehouse?.where;
    const resolvedWhere = where
      ? Object.fromEntries(
          Object.entries(where).flatMap(([k, v]): Array<[string, string | number | boolean | string[]]> => {
            if (Array.isArray(v)) {
              const kept = fillAll(v);
              return kept.length ? [[k, kept]] : [];
            }
            if (typeof v !== "string") return [[k, v]];
            // A templated filter may stand for several subjects (every principal that began failing): match any of them.
            const one = interpolate(v, ctx);
            if (one.missing.length) {
              missing.push(...one.missing);
              return [];
            }
            const all = valuesOf(v, problem);
            return [[k, all.length > 1 ? all : one.value]];
          }),
        )
      : undefined;
    const eventLabels = spec.events
      ? Object.fromEntries(
          Object.entries(spec.events.labels).flatMap(([k, v]) => {
            const value = fill(v);
            return value === null ? [] : [[k, value]];
          }),
        )
      : undefined;
    // Without knowledge's paths or repositories, a change is tied to the pipeline only by a name it mentions.
    if (spec.changes?.scope === "pipeline" && !scope.paths.length && !scope.repos.length) missing.push("pipeline.paths");
    const unscoped = [...new Set(missing)];
    const check: Check = {
      key: `${runbook.id}/${spec.id}`,
      id: spec.id,
      hypothesis: runbook.id,
      title: spec.title ?? spec.id.replace(/-/g, " "),
      spec: {
        ...spec,
        ...(resolvedWhere && spec.orchestrator ? { orchestrator: { ...spec.orchestrator, where: resolvedWhere } } : {}),
        ...(resolvedWhere && spec.warehouse ? { warehouse: { ...spec.warehouse, where: resolvedWhere } } : {}),
        ...(eventLabels ? { events: { ...spec.events!, labels: eventLabels } } : {}),
      },
      capability,
      query,
      primitive: spec.primitive,
      weight: unscoped.length ? WEAKER[spec.weight] : spec.weight,
      role: spec.role,
      scope,
      onset: problem.onset,
    };
    if (unscoped.length) check.unscoped = unscoped.map((m) => canonicalKey(m));
    const relational = unscoped.filter((m) => RELATIONAL.has(canonicalKey(m)));
    if (relational.length)
      check.unresolved = `no value for ${relational.map((m) => `{{${m}}}`).join(", ")}: without it the check would read other entities' data`;
    else if (!range) check.unresolved = "the problem has no onset to anchor this check on";
    return check;
  });
}

/** Every value of a template that is exactly one subject (`{{dbt.user}}` → each principal); otherwise none. */
function valuesOf(text: string, problem: Problem): string[] {
  const m = /^\{\{\s*([a-zA-Z0-9_.-]+)\s*\}\}$/.exec(text.trim());
  if (!m || m[1]!.startsWith("alert.") || m[1] === "pipeline.id") return [];
  const values = problem.subjects[canonicalKey(m[1]!)] ?? [];
  const best = values[0]?.origin;
  return values.filter((v) => v.origin === best).map((v) => v.value);
}
