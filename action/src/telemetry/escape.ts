import type { Matcher } from "../model/index.js";
import { PROMQL_RESERVED } from "../model/index.js";

/**
 * Escaping for the query languages template values land in. A value is always a double-quoted
 * string literal; these functions make sure it stays exactly one literal with exactly the intended
 * content, whatever an alert label holds. PromQL and LogQL both read such literals with Go's
 * `strconv.Unquote` rules, so one encoder serves both; the names say where a value is going.
 */

/** Prometheus' classic metric-name grammar (no quoting of UTF-8 names: we refuse what we cannot render plainly). */
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
/** Label names in PromQL and LogQL. */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** RE2 metacharacters (Go's regexp.QuoteMeta set). */
const RE2_META = /[\\.+*?()|[\]{}^$]/g;

/** The content of a Go double-quoted literal: backslash, quote, line breaks and every control character escaped. */
function goStringContent(value: string, where: string): string {
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    // A lone UTF-16 surrogate has no UTF-8 form: sending it would silently become U+FFFD, another value.
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += value[i]! + value[i + 1]!;
        i++;
        continue;
      }
      throw new Error(`${where}: the value holds a lone UTF-16 surrogate at index ${i}; it has no exact form in a query`);
    }
    if (code >= 0xdc00 && code <= 0xdfff) throw new Error(`${where}: the value holds a lone UTF-16 surrogate at index ${i}; it has no exact form in a query`);
    const c = value[i]!;
    if (c === "\\") out += "\\\\";
    else if (c === '"') out += '\\"';
    else if (c === "\n") out += "\\n";
    else if (c === "\r") out += "\\r";
    else if (c === "\t") out += "\\t";
    // C0, DEL and C1 controls as \u escapes (not \x: in Go \x is a raw byte, invalid UTF-8 above 0x7f).
    else if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += c;
  }
  return out;
}

/** A PromQL string literal's content for a label value (put between double quotes). */
export function promqlLabelValue(value: string): string {
  return goStringContent(value, "PromQL label value");
}

/** An RE2 regular expression that matches `literal` and nothing else (Go's regexp.QuoteMeta). */
export function re2QuoteMeta(literal: string): string {
  return literal.replace(RE2_META, "\\$&");
}

/** A PromQL string literal's content for a regex matcher that matches `literal` exactly (RE2-quoted, then escaped). */
export function promqlRegexValue(literal: string): string {
  return goStringContent(re2QuoteMeta(literal), "PromQL regex value");
}

/** A LogQL string literal's content for a stream-selector label value (put between double quotes). */
export function logqlLabelValue(value: string): string {
  return goStringContent(value, "LogQL label value");
}

/** A LogQL regex line filter `|~ "…"` for a runbook's pattern; case-insensitive unless told otherwise. */
export function logqlLineFilter(pattern: string, opts: { caseSensitive?: boolean } = {}): string {
  return `|~ "${goStringContent(`${opts.caseSensitive ? "" : "(?i)"}${pattern}`, "LogQL line filter")}"`;
}

/** Whether a string is a valid classic Prometheus metric name. */
export function isMetricName(name: string): boolean {
  return METRIC_NAME.test(name);
}

/** Whether a string is a valid PromQL/LogQL label name. */
export function isLabelName(name: string): boolean {
  return LABEL_NAME.test(name);
}

/**
 * Renders the PromQL vector selector `name{label op "value", …}`. Names that do not fit their grammar
 * are refused, never quoted into shape; values are escaped; a name the lexer would read as a keyword
 * is selected with `__name__`.
 */
export function renderSelector(name: string, matchers: readonly Matcher[]): string {
  if (!METRIC_NAME.test(name)) throw new Error(`PromQL selector: ${JSON.stringify(name)} is not a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)`);
  const parts = matchers.map((m) => {
    if (!LABEL_NAME.test(m.label)) throw new Error(`PromQL selector: ${JSON.stringify(m.label)} is not a valid label name ([a-zA-Z_][a-zA-Z0-9_]*)`);
    if (m.op !== "=" && m.op !== "!=" && m.op !== "=~" && m.op !== "!~") throw new Error(`PromQL selector: ${JSON.stringify(m.op)} is not a matcher operator`);
    return `${m.label}${m.op}"${promqlLabelValue(m.value)}"`;
  });
  if (PROMQL_RESERVED.has(name.toLowerCase())) return `{${[`__name__="${name}"`, ...parts].join(", ")}}`;
  return parts.length ? `${name}{${parts.join(", ")}}` : name;
}

/** Renders a series selector for discovery: a metric name from an `__name__=` matcher, or a bare `{…}` of label matchers. */
export function renderSeriesSelector(matchers: readonly Matcher[]): string {
  const name = matchers.find((m) => m.label === "__name__" && m.op === "=");
  const rest = matchers.filter((m) => m !== name);
  if (name) return renderSelector(name.value, rest);
  if (!rest.length) throw new Error("PromQL selector: a series selector needs at least one matcher");
  return `{${rest
    .map((m) => {
      if (m.label !== "__name__" && !LABEL_NAME.test(m.label))
        throw new Error(`PromQL selector: ${JSON.stringify(m.label)} is not a valid label name ([a-zA-Z_][a-zA-Z0-9_]*)`);
      if (m.op !== "=" && m.op !== "!=" && m.op !== "=~" && m.op !== "!~")
        throw new Error(`PromQL selector: ${JSON.stringify(m.op)} is not a matcher operator`);
      return `${m.label}${m.op}"${promqlLabelValue(m.value)}"`;
    })
    .join(", ")}}`;
}

/** Renders a LogQL stream selector of equality matchers plus an optional case-insensitive `|~` line filter. */
export function renderLogSelector(selector: Readonly<Record<string, string>>, pattern?: string): string {
  const labels = Object.entries(selector).map(([k, v]) => {
    if (!LABEL_NAME.test(k)) throw new Error(`LogQL selector: ${JSON.stringify(k)} is not a valid label name ([a-zA-Z_][a-zA-Z0-9_]*)`);
    return `${k}="${logqlLabelValue(v)}"`;
  });
  if (!labels.length) throw new Error("LogQL selector: a LogQL query needs at least one stream label");
  return `{${labels.join(", ")}}${pattern ? ` ${logqlLineFilter(pattern)}` : ""}`;
}
