import type { Labels, LogQuery, Matcher, MetricQuery } from "../model/index.js";
import { labelSynonyms } from "../subjects/vocabulary.js";

/**
 * Adapts a runbook's query to the stack it runs against: a label the runbook spells one way
 * (`consumergroup`) is read under the spelling the stack's series or streams carry (`group`,
 * `consumer_group`), and an alert's scope (its cluster or namespace) is kept only where the series
 * carry it. Pure: the label sets come from discovery calls the runner makes.
 */

/** True when a label set satisfies the matchers (regular expressions are runbook text or escaped values). */
export function matchesAll(labels: Labels, matchers: readonly Matcher[]): boolean {
  return matchers.every((m) => {
    const v = labels[m.label] ?? "";
    if (m.op === "=") return v === m.value;
    if (m.op === "!=") return v !== m.value;
    const re = new RegExp(`^(?:${m.value})$`, "s");
    return m.op === "=~" ? re.test(v) : !re.test(v);
  });
}

/** The metric query with labels spelled as the metric's series spell them and the scopes they carry; optional matchers never reach an adapter. */
export function adaptMetricQuery(q: MetricQuery, series: Labels[]): MetricQuery {
  const required = q.matchers.filter((m) => !m.optional);
  if (!series.length) return { ...q, matchers: required };
  const carried = (label: string) => series.some((s) => label in s);
  const matchers: Matcher[] = required.map((m) => {
    if (carried(m.label)) return m;
    const alt = labelSynonyms(m.label).find(carried);
    return alt ? { ...m, label: alt } : m;
  });
  const selected = series.filter((s) => matchesAll(s, matchers));
  for (const scope of q.matchers.filter((m) => m.optional)) {
    const label = labelSynonyms(scope.label).find((l) => selected.some((s) => s[l] === scope.value));
    if (label) matchers.push({ label, op: "=", value: scope.value });
  }
  return { ...q, matchers };
}

/** The log query with its selector spelled as the streams spell it, or why no stream can answer it. */
export function adaptLogQuery(q: LogQuery, streams: Labels[]): LogQuery | { noStream: string } {
  if (!streams.length) return q;
  const selector: Labels = {};
  for (const [label, value] of Object.entries(q.selector)) {
    const found = labelSynonyms(label).find((l) => streams.some((s) => s[l] === value));
    selector[found ?? label] = value;
  }
  const entries = Object.entries(selector);
  if (!streams.some((s) => entries.every(([k, v]) => s[k] === v))) {
    return { noStream: `no log stream carries ${entries.map(([k, v]) => `${k}="${v}"`).join(", ")} in the window` };
  }
  return { ...q, selector };
}
