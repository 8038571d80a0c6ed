/**
 * A strict reader for what the escape tests check: a whole text that is exactly one vector selector
 * (`name{l op "v", …}` or `{…}`), or one LogQL stream selector with at most one `|~` filter. String
 * literals are decoded with Go's `strconv.Unquote` rules (the rules Prometheus and Loki use), written
 * here independently of the encoder under test. Anything else returns null.
 */

export interface ReadMatcher {
  label: string;
  op: string;
  value: string;
}

const HEX: Record<string, number> = { x: 2, u: 4, U: 8 };
const SIMPLE: Record<string, string> = { a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\", '"': '"' };

/** Decodes a Go double-quoted literal starting at `i` (the opening quote); returns the value and the index after it. */
export function readGoString(s: string, i: number): [string, number] | null {
  if (s[i] !== '"') return null;
  const bytes: number[] = [];
  const pushText = (t: string) => bytes.push(...Buffer.from(t, "utf8"));
  for (i++; i < s.length;) {
    const c = s[i]!;
    if (c === '"') return [Buffer.from(bytes).toString("utf8"), i + 1];
    if (c === "\n") return null;
    if (c !== "\\") {
      const cp = s.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      pushText(ch);
      i += ch.length;
      continue;
    }
    const e = s[i + 1];
    if (e === undefined) return null;
    if (e in SIMPLE) {
      pushText(SIMPLE[e]!);
      i += 2;
    } else if (e in HEX) {
      const n = HEX[e]!;
      const digits = s.slice(i + 2, i + 2 + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(digits)) return null;
      const v = parseInt(digits, 16);
      if (e === "x") bytes.push(v);
      else pushText(String.fromCodePoint(v));
      i += 2 + n;
    } else if (/[0-7]/.test(e)) {
      const digits = s.slice(i + 1, i + 4);
      if (!/^[0-7]{3}$/.test(digits)) return null;
      bytes.push(parseInt(digits, 8));
      i += 4;
    } else return null;
  }
  return null;
}

/** Reads `{l op "v", …}` at `i`; returns the matchers and the index after the brace. */
function readMatchers(s: string, i: number, ops: RegExp): [ReadMatcher[], number] | null {
  if (s[i] !== "{") return null;
  i++;
  const out: ReadMatcher[] = [];
  const ws = () => {
    while (s[i] === " ") i++;
  };
  ws();
  if (s[i] === "}") return [out, i + 1];
  for (;;) {
    ws();
    const name = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(s.slice(i))?.[0];
    if (!name) return null;
    i += name.length;
    ws();
    const op = ops.exec(s.slice(i))?.[0];
    if (!op) return null;
    i += op.length;
    ws();
    const str = readGoString(s, i);
    if (!str) return null;
    out.push({ label: name, op, value: str[0] });
    i = str[1];
    ws();
    if (s[i] === ",") {
      i++;
      ws();
      if (s[i] === "}") return [out, i + 1];
      continue;
    }
    if (s[i] === "}") return [out, i + 1];
    return null;
  }
}

/** Reads a text that must be exactly one PromQL vector selector; the name comes back as a `__name__` matcher when written so. */
export function readVectorSelector(text: string): { name: string | null; matchers: ReadMatcher[] } | null {
  const s = text.trim();
  const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(s)?.[0] ?? null;
  const i = name ? name.length : 0;
  if (i === s.length) return name ? { name, matchers: [] } : null;
  const read = readMatchers(s, i, /^(=~|!~|!=|=)/);
  if (!read || read[1] !== s.length) return null;
  return { name, matchers: read[0] };
}

/** Reads a text that must be exactly one LogQL stream selector (equality only) with at most one `|~` filter. */
export function readLogSelector(text: string): { selector: ReadMatcher[]; filter: string | null } | null {
  const read = readMatchers(text, 0, /^=(?![~=])/);
  if (!read) return null;
  let i = read[1];
  while (text[i] === " ") i++;
  if (i === text.length) return { selector: read[0], filter: null };
  if (text.slice(i, i + 2) !== "|~") return null;
  i += 2;
  while (text[i] === " ") i++;
  const str = readGoString(text, i);
  if (!str || str[1] !== text.length) return null;
  return { selector: read[0], filter: str[0] };
}
