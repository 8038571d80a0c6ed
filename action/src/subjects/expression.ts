import { PROMQL_RESERVED } from "../model/index.js";

/**
 * Reads what an alert's own query is about: metric names and equality matchers of a PromQL-like
 * expression (Alertmanager's `generatorURL` carries it as `g0.expr`; Grafana and Datadog carry
 * queries too). A hand-written linear scanner: the text is untrusted, so no regular expression
 * with backtracking ever runs over it, and nothing it finds is spliced into a query.
 */

const KEYWORDS = new Set([
  ...PROMQL_RESERVED,
  // functions and constants: never a metric either
  "rate",
  "irate",
  "increase",
  "delta",
  "idelta",
  "deriv",
  "predict_linear",
  "abs",
  "absent",
  "absent_over_time",
  "ceil",
  "floor",
  "round",
  "clamp",
  "clamp_min",
  "clamp_max",
  "changes",
  "resets",
  "histogram_quantile",
  "label_replace",
  "label_join",
  "time",
  "timestamp",
  "vector",
  "scalar",
  "sort",
  "sort_desc",
  "avg_over_time",
  "min_over_time",
  "max_over_time",
  "sum_over_time",
  "count_over_time",
  "last_over_time",
  "quantile_over_time",
  "stddev_over_time",
  "present_over_time",
  "exp",
  "ln",
  "log2",
  "log10",
  "sqrt",
  "day_of_week",
  "hour",
  "minute",
  "month",
  "year",
  "days_in_month",
  "e",
  "pi",
]);

const MAX_EXPRESSION = 4_000;

/** Modifiers followed by a parenthesised list of label names. */
const GROUPING = new Set(["by", "without", "on", "ignoring", "group_left", "group_right"]);

/** What an expression names: metric names and `label="value"` matchers (regex matchers are not values). */
export interface ExpressionFacts {
  metrics: string[];
  matchers: Array<{ label: string; value: string }>;
}

const isStart = (c: string) => (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_" || c === ":";
// Dots too: Datadog's metric names (kafka.consumer_lag); PromQL names never contain one.
const isPart = (c: string) => isStart(c) || (c >= "0" && c <= "9") || c === ".";

/** Datadog's timeframe in a monitor query (`avg(last_5m):…`). */
const TIMEFRAME = /^last_\d+[smhdw]$/;
/** A label name: no colon, no dot (those belong to metric names). */
const isLabelPart = (c: string) => (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_" || (c >= "0" && c <= "9");

/** Datadog's space aggregator before a metric (`avg:kafka.consumer_lag`). */
const AGGREGATOR = /^(avg|sum|min|max|count):/;

/** Scans a PromQL-like expression. Unknown syntax is skipped, never an error. */
export function readExpression(text: string): ExpressionFacts {
  const s = text.slice(0, MAX_EXPRESSION);
  const metrics: string[] = [];
  const matchers: Array<{ label: string; value: string }> = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '"' || c === "'") {
      i = skipString(s, i).end;
      continue;
    }
    if (c === "[") {
      // a range selector or subquery: [5m], [1h:1m]
      while (i < s.length && s[i] !== "]") i++;
      i++;
      continue;
    }
    if (c === "{") {
      i = readMatchers(s, i + 1, matchers);
      continue;
    }
    if (isStart(c)) {
      let j = i;
      while (j < s.length && isPart(s[j]!)) j++;
      const word = s.slice(i, j).replace(/^:+/, "").replace(AGGREGATOR, "").replace(/\.+$/, "");
      let k = j;
      while (k < s.length && s[k] === " ") k++;
      const call = s[k] === "(";
      if (call && GROUPING.has(word.toLowerCase())) {
        // `by (topic)`, `on (group)`: a list of label names, not metrics
        while (k < s.length && s[k] !== ")") k++;
        i = k + 1;
        continue;
      }
      if (word && !call && !KEYWORDS.has(word.toLowerCase()) && !TIMEFRAME.test(word) && !metrics.includes(word)) metrics.push(word);
      i = j;
      continue;
    }
    i++;
  }
  return { metrics, matchers };
}

/** Reads `label op "value", …}` from after a `{`; keeps equality matchers. Returns the index after `}`. */
function readMatchers(s: string, from: number, out: Array<{ label: string; value: string }>): number {
  let i = from;
  while (i < s.length && s[i] !== "}") {
    while (i < s.length && (s[i] === " " || s[i] === ",")) i++;
    let j = i;
    while (j < s.length && isLabelPart(s[j]!)) j++;
    const label = s.slice(i, j);
    let k = j;
    while (k < s.length && s[k] === " ") k++;
    let op = "";
    while (k < s.length && "=!~".includes(s[k]!)) op += s[k++];
    while (k < s.length && s[k] === " ") k++;
    if (!op && s[k] === ":") {
      // Datadog's tag filter: {consumer_group:billing-sink,env:prod}
      let e = k + 1;
      while (e < s.length && s[e] !== "," && s[e] !== "}" && s[e] !== " ") e++;
      const value = s.slice(k + 1, e);
      if (label && value && value !== "*") out.push({ label, value });
      i = e;
      continue;
    }
    if (s[k] !== '"' && s[k] !== "'") {
      // not a matcher we understand: skip to the next comma or the end
      while (k < s.length && s[k] !== "," && s[k] !== "}") k++;
      i = k;
      continue;
    }
    const str = skipString(s, k);
    if (op === "=" && label && label !== "__name__") out.push({ label, value: str.value });
    i = str.end;
  }
  return i + 1;
}

/** A quoted string from `start` (its quote): the unescaped value and the index after the closing quote. */
function skipString(s: string, start: number): { value: string; end: number } {
  const quote = s[start]!;
  let value = "";
  let i = start + 1;
  while (i < s.length && s[i] !== quote) {
    if (s[i] === "\\" && i + 1 < s.length) {
      value += s[i + 1];
      i += 2;
    } else value += s[i++];
  }
  return { value, end: i + 1 };
}

/** The expression an alert link carries: Prometheus' `g0.expr`, or a Grafana/Datadog `query`/`expr` parameter. */
export function expressionOfUrl(url: string): string | null {
  // No query string, no expression: most links (a console, a dashboard) are never parsed.
  if (!url.includes("?")) return null;
  let parsed: URL;
  try {
    parsed = new URL(url, "http://relative.invalid");
  } catch {
    return null;
  }
  for (const [k, v] of parsed.searchParams) {
    if (/^g\d+\.expr$/.test(k) || k === "expr" || k === "query") return v;
  }
  return null;
}
