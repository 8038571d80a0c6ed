import type { Alert, Knowledge, Pipeline, Subjects } from "../model/index.js";
import { addSubject } from "../model/index.js";
import { expressionOfUrl, readExpression } from "./expression.js";
import { canonicalKey, kindOfKey, kindOfLabel, plausibleValue } from "./vocabulary.js";

/** Fields of a source's payload that name a subject although their label name is generic. */
const SOURCE_FIELDS: Partial<Record<Alert["source"], Record<string, string>>> = {
  "dbt-cloud": { job: "dbt.job", project: "dbt.project", run_id: "dbt.run_id" },
  pagerduty: { service: "service" },
};

/** Labels that describe the alert rule, not an entity. */
const NOT_SUBJECTS = new Set(["alertname", "severity", "priority", "urgency", "status", "state", "alertstate", "team", "receiver"]);

/**
 * Subjects from what is already known, without telemetry: knowledge's impacted pipelines (the
 * override), the alerts' labels through the vocabulary, source fields, and the alert's own query
 * expression. Values shared by every firing alert come first, then those of single alerts.
 */
export function resolveSubjects(input: { alerts: Alert[]; labels: Record<string, string>; pipelines: Pipeline[]; knowledge?: Knowledge }): {
  subjects: Subjects;
  metrics: string[];
  mentions: string[];
} {
  const subjects: Subjects = {};
  for (const p of input.pipelines) {
    const from = `knowledge/pipelines/${p.id}.md`;
    for (const c of p.components) {
      for (const [field, value] of Object.entries(c)) {
        if (field === "kind" || typeof value === "object") continue;
        addSubject(subjects, canonicalKey(`${c.kind}.${field}`), { value: String(value), origin: "knowledge", from });
      }
    }
    for (const s of p.services) addSubject(subjects, "service", { value: s, origin: "knowledge", from });
    for (const [name, path] of Object.entries(p.config)) addSubject(subjects, `config.${name}`, { value: path, origin: "knowledge", from });
  }
  const metrics = addAlertSubjects(subjects, input.alerts, input.labels);
  const known = new Set(Object.values(subjects).flatMap((vs) => vs.map((v) => v.value)));
  const mentions = [...new Set(input.alerts.flatMap(mentionsOf))].filter((m) => !known.has(m) && !metrics.includes(m)).slice(0, MAX_MENTIONS);
  return { subjects, metrics, mentions };
}

/**
 * Adds the subjects the alerts name by themselves: their labels through the vocabulary (and `labels`,
 * common to all), source fields, a source's service, annotations, and the matchers of the query
 * expressions they carry. Values of firing alerts only, when any fires. Returns the metrics those
 * expressions read. Grouping (ingest/grouping.ts) reads one alert's subjects this way.
 */
export function addAlertSubjects(subjects: Subjects, alerts: Alert[], labels: Record<string, string>): string[] {
  const fromLabels = (labels: Record<string, string>, alert: Alert | null) => {
    for (const [label, value] of Object.entries(labels)) {
      if (NOT_SUBJECTS.has(label) || !value) continue;
      const sourceKey = alert ? SOURCE_FIELDS[alert.source]?.[label] : undefined;
      const key = sourceKey ?? kindOfLabel(label)?.key;
      if (key && plausibleValue(key, value)) addSubject(subjects, key, { value, origin: "label", from: `alert label ${label}` });
    }
  };
  fromLabels(labels, null);
  const firing = alerts.filter((a) => a.status === "firing");
  for (const a of firing.length ? firing : alerts) {
    fromLabels(a.labels, a);
    // A source's service, unless it is only the Prometheus scrape job that exported the metric.
    if (a.service && a.service !== a.labels.job && plausibleValue("service", a.service))
      addSubject(subjects, "service", { value: a.service, origin: "label", from: `${a.source} service` });
    for (const [name, value] of Object.entries(a.annotations)) {
      const key = kindOfLabel(name)?.key;
      if (key && value.length <= 200) addSubject(subjects, key, { value, origin: "annotation", from: `alert annotation ${name}` });
    }
  }
  const metrics: string[] = [];
  for (const a of alerts) {
    for (const text of expressionsOf(a)) {
      const facts = readExpression(text);
      for (const m of facts.metrics) if (!metrics.includes(m)) metrics.push(m);
      for (const { label, value } of facts.matchers) {
        const key = kindOfLabel(label)?.key;
        if (key && value) addSubject(subjects, key, { value, origin: "expression", from: `alert expression ${label}="…"` });
      }
    }
  }
  return metrics;
}

/** Mentions looked up per problem: enough for a relayed title's group labels, few enough to stay cheap. */
const MAX_MENTIONS = 12;
/** An identifier: letters, digits and separators, at least one separator (`points-accrual`, `claims__adjudication_daily`). */
const IDENTIFIER = /^[a-z0-9][a-z0-9._:-]{2,78}[a-z0-9]$/i;

/**
 * Identifier-like words of an alert's title and summary: what a relayed notification (PagerDuty,
 * Opsgenie, Slack) keeps of the labels it lost. The text is untrusted: it is only split and tested
 * by linear patterns, and a mention becomes a subject only where the telemetry carries it as a label value.
 */
function mentionsOf(a: Alert): string[] {
  const text = [a.title, a.annotations.summary ?? "", a.annotations.message ?? "", a.annotations.description ?? ""].join(" ").slice(0, 2_000);
  return text
    .split(/[\s,;()[\]{}<>"'`|=]+/)
    .map((w) => w.replace(/[.:]+$/, ""))
    .filter((w) => IDENTIFIER.test(w) && /[-_.]/.test(w) && /[a-z]/i.test(w) && !w.includes("://") && !/^\d+([.:-]\d+)*$/.test(w));
}

/** The query texts an alert carries: expressions in its links, and query-like annotations. */
function expressionsOf(a: Alert): string[] {
  const out: string[] = [];
  for (const l of a.links) {
    const e = expressionOfUrl(l.url);
    if (e) out.push(e);
  }
  for (const [k, v] of Object.entries(a.annotations)) if (/^(query|expr|expression|metric_query)$/i.test(k)) out.push(v);
  if (a.labels.metric) out.push(a.labels.metric);
  return out;
}

/** Component kinds the subjects show involved (`kafka` for a consumer group), from the alert, knowledge, and what discovery found involved. */
export function subjectComponents(subjects: Subjects): string[] {
  const kinds = new Set<string>();
  for (const [key, values] of Object.entries(subjects)) {
    const kind = kindOfKey(key)?.component;
    if (kind && values.some((v) => v.origin !== "discovery" || v.involved)) kinds.add(kind);
  }
  return [...kinds];
}
