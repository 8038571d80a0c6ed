import { SelectorError, parseSelector, type Selector } from "../../memory/selector.js";
import { badTemplates } from "../../memory/runbooks.js";

/**
 * Validators for the query text an LLM proposes. A runbook is trusted text reviewed in a pull
 * request; an LLM proposal is not, so its selectors, patterns and templates are checked before any
 * of it reaches the check runtime.
 */

const TEMPLATE = /\{\{\s*([^}]*?)\s*\}\}/g;
/** Longest regular expression accepted: a discriminating log pattern is short. */
const MAX_PATTERN = 200;

/** Names an unknown template in text, or null when every `{{…}}` is one the runtime resolves (the runbook linter's rule). */
export function badTemplate(text: string): string | null {
  const bad = badTemplates(text)[0];
  return bad === undefined ? null : `unknown template ${bad}`;
}

/**
 * Why a regular expression is unsafe or invalid, or null. Rejects nested quantifiers and
 * backreferences: the runtime runs patterns over thousands of log lines, and catastrophic
 * backtracking there would stall the whole investigation.
 */
export function badPattern(pattern: string): string | null {
  if (pattern.length > MAX_PATTERN) return `pattern longer than ${MAX_PATTERN} characters`;
  try {
    new RegExp(pattern, "i");
  } catch (err) {
    return `invalid regular expression: ${(err as Error).message}`;
  }
  if (/\\[1-9]|\\k</.test(pattern)) return "backreferences are not allowed";
  // A group that contains a quantifier and is itself quantified: (a+)+, (x*y)*, (a{2,})+ …
  if (/\((?:[^()\\]|\\.)*(?:[+*]|\{\d+,?\d*\})(?:[^()\\]|\\.)*\)\s*(?:[+*]|\{\d+,?\d*\})/.test(pattern)) {
    return "nested quantifiers are not allowed";
  }
  return null;
}

/**
 * Why a metric selector is not one the runtime accepts, or null. The runtime's own parser decides
 * the syntax (`name{label="value", …}`, no functions, operators or ranges); on top, every value's
 * templates must be known and every regular-expression matcher safe.
 */
export function badSelector(selector: string): string | null {
  let parsed: Selector;
  try {
    parsed = parseSelector(selector);
  } catch (err) {
    return err instanceof SelectorError ? err.message : `invalid metric selector: ${String(err)}`;
  }
  for (const m of parsed.matchers) {
    const template = badTemplate(m.value);
    if (template) return template;
    if (m.op === "=~" || m.op === "!~") {
      // Templates resolve to escaped literals, so the pattern is checked with them taken out.
      const bad = badPattern(m.value.replace(TEMPLATE, "x"));
      if (bad) return `label "${m.label}": ${bad}`;
    }
  }
  return null;
}

/** Why a label or field name is not a plain identifier, or null. */
export function badName(name: string): string | null {
  return /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/.test(name) ? null : `"${name.slice(0, 40)}" is not a plain label or field name`;
}
