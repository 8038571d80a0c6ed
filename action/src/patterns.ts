import { RE2JS } from "re2js";

/**
 * Regular expressions that come from outside our code: runbook check `match` patterns and label
 * matchers, the LLM's proposals, `.github/pipemedic.yml` redaction patterns. They run over
 * attacker-controlled text (log lines, label values), so they run on RE2 (re2js): time linear in the
 * text whatever the pattern, where a backtracking engine given `(a|a)*$` and a long line would block
 * the run past any timeout. Our own hard-coded regexes stay native.
 */

/** The fix every refusal names: what RE2 does not take. */
export const RE2_FIX = "RE2 syntax: no lookaround or backreferences";

export interface PatternOptions {
  /** Case-insensitive (runbook `match` and log patterns are). */
  ignoreCase?: boolean;
  /** The whole text must match, `.` matching newlines too (PromQL label matchers). */
  whole?: boolean;
}

/** A pattern compiled on RE2: the subset of RegExp's use the callers need, without its `lastIndex` state. */
export interface Pattern {
  readonly source: string;
  test(text: string): boolean;
  /** The first match and its groups (unmatched groups undefined), or null. */
  exec(text: string): RegExpExecArray | null;
  /** Every match replaced by `replacement` (taken literally, no `$` expansion). */
  replace(text: string, replacement: string): string;
}

/** A pattern RE2 refuses, named with where it came from and the fix. */
export class PatternError extends Error {
  constructor(
    readonly pattern: string,
    readonly origin: string,
    readonly detail: string,
  ) {
    super(`${origin}: the pattern ${JSON.stringify(pattern)} ${detail}; use ${RE2_FIX}`);
    this.name = "PatternError";
  }
}

const flagsOf = (o: PatternOptions) => (o.ignoreCase ? RE2JS.CASE_INSENSITIVE : 0) | (o.whole ? RE2JS.DOTALL : 0);

/** Why RE2 refuses a pattern, in words a runbook author acts on. */
function refusal(source: string, err: unknown): string {
  if (/\(\?<?[=!]/.test(source)) return "uses lookaround ((?=, (?!, (?<=, (?<!), which RE2 does not support";
  if (/\\[1-9]|\\k</.test(source)) return "uses a backreference (\\1, \\k<name>), which RE2 does not support";
  return `is not valid RE2 syntax (${err instanceof Error ? err.message.replace(/^error parsing regexp: /, "") : String(err)})`;
}

class Re2Pattern implements Pattern {
  constructor(
    readonly source: string,
    private readonly re: RE2JS,
    private readonly whole: boolean,
  ) {}

  test(text: string): boolean {
    return this.whole ? this.re.testExact(text) : this.re.test(text);
  }

  exec(text: string): RegExpExecArray | null {
    return this.re.exec(text) as RegExpExecArray | null;
  }

  replace(text: string, replacement: string): string {
    return this.re.matcher(text).replaceAll(() => replacement);
  }
}

/** A value as a pattern that matches it literally (RE2's and LogQL's syntax alike): an alert label or a name from the telemetry cannot widen a match. */
export function escapeRegex(v: string): string {
  return v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Compiled patterns by flags and source: checks and label matchers repeat the same few across series. */
const cache = new Map<string, Pattern>();
const CACHE_MAX = 512;

/** Compiles an outside pattern on RE2; throws PatternError naming `origin` (a runbook file and check, a config key) when RE2 cannot take it. */
export function compilePattern(source: string, origin: string, options: PatternOptions = {}): Pattern {
  const key = `${flagsOf(options)}\u0000${source}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let re: RE2JS;
  try {
    re = RE2JS.compile(source, flagsOf(options));
  } catch (err) {
    throw new PatternError(source, origin, refusal(source, err));
  }
  if (cache.size >= CACHE_MAX) cache.clear();
  const pattern = new Re2Pattern(source, re, options.whole ?? false);
  cache.set(key, pattern);
  return pattern;
}

/** Why RE2 refuses a pattern (lookaround, a backreference, bad syntax), or null when it compiles. */
export function patternProblem(source: string, options: PatternOptions = {}): string | null {
  try {
    compilePattern(source, "", options);
    return null;
  } catch (err) {
    return err instanceof PatternError ? err.detail : String(err);
  }
}

/** A literal text as a pattern source (an escaped label value, a glob's fixed parts). */
export function quotePattern(text: string): string {
  return RE2JS.quote(text);
}
