import type { Labels, LogQuery, Matcher, MetricQuery } from "../model/index.js";
import { labelSynonyms } from "../subjects/vocabulary.js";
import { compilePattern } from "../patterns.js";

/**
 * Adapts a runbook's query to the stack it runs against: a label the runbook spells one way
 * (`consumergroup`) is read under the spelling the stack's series or streams carry (`group`,
 * `consumer_group`), and an alert's scope (its cluster or namespace) is kept only where the series
 * carry it. Pure: the label sets come from discovery calls the runner makes.
 */

/** True when a label set satisfies the matchers (regular expressions, runbook or LLM text, run on RE2). */
export function matchesAll(labels: Labels, matchers: readonly Matcher[]): boolean {
  return matchers.every((m) => {
    const v = labels[m.label] ?? "";
    if (m.op === "=") return v === m.value;
    if (m.op === "!=") return v !== m.value;
    const re = compilePattern(m.value, `label matcher ${m.label}${m.op}`, { whole: true });
    return m.op === "=~" ? re.test(v) : !re.test(v);
  });
}

/** The metric query with labels spelled as the metric's series spell them and the scopes they carry; optional matchers never reach an adapter. */
export function adaptMetricQuery(q: MetricQuery, series: Labels[]): MetricQuery {
  const required = q.matchers.filter((m) => !m.optional);
  if (!series.length) return { ...q, matchers: required };
  const carried = (label: string) => series.some((s) => label in s);
  // The spelling under which the subject's value is found wins: a runbook's spelling carried only by
  // other series (another exporter's, noise) must not hide the value under its synonym.
  const holds = (label: string, m: Matcher) => series.some((s) => label in s && matchesAll(s, [{ ...m, label }]));
  const matchers: Matcher[] = required.map((m) => {
    const spellings = labelSynonyms(m.label);
    const found = m.op === "=" || m.op === "=~" ? spellings.find((l) => holds(l, m)) : undefined;
    if (found) return { ...m, label: found };
    if (carried(m.label)) return m;
    const alt = spellings.find(carried);
    return alt ? { ...m, label: alt } : m;
  });
  const selected = series.filter((s) => matchesAll(s, matchers));
  for (const scope of q.matchers.filter((m) => m.optional)) {
    const label = labelSynonyms(scope.label).find((l) => selected.some((s) => s[l] === scope.value));
    if (label) matchers.push({ label, op: "=", value: scope.value });
  }
  return { ...q, matchers };
}

/** The selector key a runbook uses for "any label": `logs: { "*": scheduler }` reads every stream some label of which names a scheduler. */
export const ANY_LABEL = "*";

/** True when a label value names `word` as a whole segment (`scheduler`, `airflow-scheduler-5d8f`, `airflow_scheduler.service`). */
export function namesSegment(value: string, word: string): boolean {
  const v = value.toLowerCase();
  const w = word.toLowerCase();
  for (let i = v.indexOf(w); i >= 0; i = v.indexOf(w, i + 1)) {
    const before = i === 0 ? "" : v[i - 1]!;
    const after = v[i + w.length] ?? "";
    if (!/[a-z0-9]/.test(before) && !/[a-z0-9]/.test(after)) return true;
  }
  return false;
}

/** The log query with its selector spelled as the streams spell it, or why no stream can answer it. */
export function adaptLogQuery(q: LogQuery, streams: Labels[]): LogQuery | { noStream: string } {
  const { [ANY_LABEL]: word, ...rest } = q.selector;
  if (!streams.length) {
    // Nothing to discover with: an "any label" selector cannot be sent as it is.
    return word === undefined ? q : { noStream: `no log streams were found to look for one naming "${word}"` };
  }
  const selector: Labels = {};
  for (const [label, first] of Object.entries(rest)) {
    // The subject's value the streams carry, under the spelling they carry it: the runbook's first.
    let chosen: [string, string] = [label, first];
    for (const value of [first, ...(q.alternatives?.[label] ?? [])]) {
      const found = labelSynonyms(label).find((l) => streams.some((s) => s[l] === value));
      if (found) {
        chosen = [found, value];
        break;
      }
    }
    selector[chosen[0]] = chosen[1];
  }
  const entries = Object.entries(selector);
  let candidates = streams.filter((s) => entries.every(([k, v]) => s[k] === v));
  const described = [...entries.map(([k, v]) => `${k}="${v}"`), ...(word === undefined ? [] : [`a label naming "${word}"`])].join(", ");
  if (word !== undefined) candidates = candidates.filter((s) => Object.values(s).some((v) => namesSegment(v, word)));
  if (!candidates.length) return { noStream: `no log stream carries ${described} in the window` };
  // Every stream: a log store needs at least one stream label, so name them (when they are few enough).
  if (!entries.length && word === undefined) return candidates.length <= 20 ? { ...q, selector, streams: candidates } : { ...q, selector };
  const { alternatives: _a, ...plain } = q;
  if (word === undefined) return { ...plain, selector };
  return { ...plain, selector, streams: candidates.slice(0, 20) };
}
