import type { Matcher } from "../model/index.js";

/**
 * Escaping for the query languages template values land in. A value is always a quoted string
 * literal; these functions make sure it stays one, whatever an alert label holds.
 */

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A PromQL/LogQL double-quoted string literal's content: backslash, quote and control characters escaped. */
export function quotedValue(value: string): string {
  return value
    .replace(/\\/g, "\\\\")
    .replace(/"/g, '\\"')
    .replace(/\n/g, "\\n")
    .replace(/\r/g, "\\r")
    .replace(/\t/g, "\\t")
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/** Renders `name{label="value", …}`; names that are not valid identifiers are refused, never quoted into shape. */
export function renderSelector(name: string, matchers: Matcher[]): string {
  if (!METRIC_NAME.test(name)) throw new Error(`"${name}" is not a valid metric name`);
  const parts = matchers.map((m) => {
    if (!LABEL_NAME.test(m.label)) throw new Error(`"${m.label}" is not a valid label name`);
    return `${m.label}${m.op}"${quotedValue(m.value)}"`;
  });
  return parts.length ? `${name}{${parts.join(", ")}}` : name;
}

/** Renders a LogQL stream selector with a case-insensitive line filter. */
export function renderLogSelector(selector: Record<string, string>, pattern?: string): string {
  const labels = Object.entries(selector).map(([k, v]) => {
    if (!LABEL_NAME.test(k)) throw new Error(`"${k}" is not a valid label name`);
    return `${k}="${quotedValue(v)}"`;
  });
  if (!labels.length) throw new Error("a LogQL query needs at least one stream label");
  return `{${labels.join(", ")}}${pattern ? ` |~ "(?i)${quotedValue(pattern)}"` : ""}`;
}
