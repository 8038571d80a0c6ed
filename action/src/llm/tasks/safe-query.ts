import { SelectorError, parseSelector, type Selector } from "../../memory/selector.js";
import { badTemplates } from "../../memory/runbooks.js";
import { RE2_FIX, patternProblem } from "../../patterns.js";

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
 * Why a regular expression is invalid, or null. The runtime runs patterns on RE2 (linear time, so
 * no pattern can stall an investigation), which takes no lookaround and no backreferences.
 */
export function badPattern(pattern: string): string | null {
  if (pattern.length > MAX_PATTERN) return `pattern longer than ${MAX_PATTERN} characters`;
  const bad = patternProblem(pattern, { ignoreCase: true });
  return bad ? `the pattern ${bad}; use ${RE2_FIX}` : null;
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
