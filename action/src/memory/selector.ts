import type { Matcher } from "../model/index.js";
import { RE2_FIX, patternProblem } from "../patterns.js";

/**
 * Runbooks name metrics as plain selectors `name{label="value", label=~"re"}`; primitives do the
 * maths, so functions, operators and ranges are refused here with a message that says what to use.
 */

export interface Selector {
  name: string;
  matchers: Matcher[];
}

const EXPECTED = 'expected a metric selector name{label="value"}';
const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const OPS = ["=~", "!~", "!=", "="] as const;
const KEYWORDS = new Set(["by", "without", "offset", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless"]);
const ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", "\\": "\\", '"': '"', "'": "'" };

/** The error a selector that is not a plain selector raises; `detail` says what was found and what to use instead. */
export class SelectorError extends Error {
  constructor(
    readonly input: string,
    readonly detail: string,
  ) {
    super(`${EXPECTED}, got ${JSON.stringify(input)}: ${detail}`);
    this.name = "SelectorError";
  }
}

/** Explains an unexpected character after a complete name or selector. */
function unexpected(text: string, at: number): string {
  const rest = text.slice(at).trimStart();
  const col = text.length - rest.length + 1;
  const c = rest[0] ?? "";
  if (c === "(") return `functions are not supported (found "(" at column ${col}); name the bare metric and use the check's \`rate\` and \`aggregate\` fields`;
  if (c === "[") return `range vectors are not supported (found "[" at column ${col}); the check's \`window\` sets the range`;
  if (/^[+\-*/%^<>=!]/.test(c)) return `operators are not supported (found "${c}" at column ${col}); compare with \`pass_if\` instead`;
  const word = /^[a-z_]+/.exec(rest)?.[0];
  if (word && KEYWORDS.has(word)) return `"${word}" is not supported (at column ${col}); a check reads one plain selector, use \`aggregate\` to combine series`;
  return `unexpected ${JSON.stringify(rest.slice(0, 12))} at column ${col}`;
}

/** Parses `name{label="value", …}`; values keep `{{templates}}` verbatim. Throws a SelectorError for anything else. */
export function parseSelector(text: string): Selector {
  let i = 0;
  const skip = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const fail = (detail: string): never => {
    throw new SelectorError(text, detail);
  };
  skip();
  const name = NAME.exec(text.slice(i))?.[0];
  if (!name) {
    if (text.slice(i).startsWith("{")) fail('the metric name is missing before "{"');
    fail(text.trim() ? `a metric name starts with a letter, "_" or ":" (column ${i + 1})` : "the selector is empty");
  }
  i += name!.length;
  skip();
  const matchers: Matcher[] = [];
  if (text[i] === "{") {
    i++;
    for (;;) {
      skip();
      if (text[i] === "}") break;
      const label = LABEL.exec(text.slice(i))?.[0];
      if (!label) fail(i >= text.length ? 'the selector is not closed with "}"' : `expected a label name at column ${i + 1}`);
      i += label!.length;
      skip();
      const op = OPS.find((o) => text.startsWith(o, i));
      if (!op) fail(`expected =, !=, =~ or !~ after label "${label}" at column ${i + 1}`);
      i += op!.length;
      skip();
      const quote = text[i];
      if (quote !== '"' && quote !== "'") fail(`the value of label "${label}" must be quoted, as in ${label}${op}"value" (column ${i + 1})`);
      i++;
      let value = "";
      for (;;) {
        if (i >= text.length) fail(`the value of label "${label}" is not closed with ${quote}`);
        const c = text[i]!;
        if (c === quote) break;
        if (c === "\\") {
          const n = text[i + 1];
          if (n === undefined) fail(`the value of label "${label}" ends with a lone backslash`);
          // Unknown escapes (\d, \.) stay as written so regular expressions read naturally.
          value += ESCAPES[n!] ?? `\\${n}`;
          i += 2;
          continue;
        }
        value += c;
        i++;
      }
      i++;
      if (op === "=~" || op === "!~") {
        const bad = /\{\{/.test(value) ? null : patternProblem(value, { whole: true });
        if (bad) fail(`the regular expression of label "${label}" ${bad}; use ${RE2_FIX}`);
      }
      matchers.push({ label: label!, op: op!, value });
      skip();
      if (text[i] === ",") {
        i++;
        continue;
      }
      if (text[i] === "}") break;
      fail(i >= text.length ? 'the selector is not closed with "}"' : `expected "," or "}" at column ${i + 1}`);
    }
    i++;
  }
  skip();
  if (i < text.length) fail(unexpected(text, i));
  return { name: name!, matchers };
}
