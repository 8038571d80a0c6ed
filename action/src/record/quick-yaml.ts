/**
 * The fast path for incident frontmatter: the plain YAML `frontmatterYaml` writes, read without the
 * full parser. It reads exactly what `yaml.parse` reads or declines (a property test holds the two
 * equal), so a caller falls back to the parser whenever it returns undefined.
 */

/** Not the plain shape quickYaml reads: the full YAML parser decides. */
const UNSURE = Symbol("unsure");

// YAML 1.2 core schema, as `yaml` resolves plain scalars (yaml/dist/schema/core).
const CORE_NULL = /^(?:~|[Nn]ull|NULL)$/;
const CORE_BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const CORE_INT = /^[-+]?[0-9]{1,15}$/;
const CORE_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
// Plain scalars that mean something else to YAML (octal, hex, infinity, NaN, long numbers): left to the parser.
const CORE_OTHER = /^(?:0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?[0-9]{16,})$/;
const KEY = /^([a-z_][a-z0-9_]*):(?: (.*))?$/;
// eslint-disable-next-line no-control-regex -- a raw control character makes a JSON string invalid: the pattern excludes them
const JSON_STRING = /^"(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"$/;
// Controls, line and paragraph separators, byte-order marks and lone surrogates: YAML has views on each.
// eslint-disable-next-line no-control-regex -- finding control characters is what this pattern is for
const ODD_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// eslint-disable-next-line no-control-regex -- a single-quoted YAML scalar cannot hold a raw control character: the pattern excludes them
const SINGLE_QUOTED = /^'(?:[^'\u0000-\u001f]|'')*'$/;

function quickScalar(text: string): unknown {
  if (!text || text !== text.trim() || ODD_CHARACTER.test(text)) return UNSURE;
  if (text === "[]") return [];
  if (text === "{}") return {};
  if (text[0] === '"') return JSON_STRING.test(text) ? JSON.parse(text) : UNSURE;
  if (text[0] === "'") return SINGLE_QUOTED.test(text) ? text.slice(1, -1).replaceAll("''", "'") : UNSURE;
  if (CORE_NULL.test(text)) return null;
  if (CORE_BOOL.test(text)) return text[0] === "t" || text[0] === "T";
  if (CORE_OTHER.test(text)) return UNSURE;
  if (CORE_INT.test(text)) return parseInt(text, 10);
  if (CORE_FLOAT.test(text)) return parseFloat(text);
  // A plain string: nothing YAML could read as an indicator, a comment, a key or a document marker.
  if (/^[-?:,[\]{}#&*!|>'"%@`]/.test(text) || /: |:$| #/.test(text) || text.startsWith("...")) return UNSURE;
  return text;
}

/**
 * Frontmatter as `yaml.parse` would read it, for the plain shape `frontmatterYaml` writes: block
 * mappings with lower-case keys, block sequences of scalars, two-space indents, one line per scalar.
 * Anything else (comments, blank lines, flow or block scalars, anchors, tags, tabs) returns undefined
 * and goes to the full parser: rebuilding 10,000 folders otherwise spends two seconds in YAML alone.
 */
export function quickYaml(text: string): unknown {
  const lines = text.split("\n");
  const indentOf = (line: string) => line.length - line.trimStart().length;
  if (lines.some((l) => !l.trim() || l.includes("\t") || l.includes("\r") || l.trimStart().startsWith("#"))) return undefined;
  let i = 0;
  const block = (indent: number): unknown => {
    const first = lines[i]!.slice(indent);
    if (first.startsWith("- ")) {
      const items: unknown[] = [];
      while (i < lines.length && indentOf(lines[i]!) === indent && lines[i]!.startsWith("- ", indent)) {
        const item = quickScalar(lines[i]!.slice(indent + 2));
        if (item === UNSURE) return UNSURE;
        items.push(item);
        i++;
      }
      return i < lines.length && indentOf(lines[i]!) > indent ? UNSURE : items;
    }
    const map: Record<string, unknown> = {};
    while (i < lines.length && indentOf(lines[i]!) === indent) {
      const m = KEY.exec(lines[i]!.slice(indent));
      if (!m || Object.hasOwn(map, m[1]!) || m[1] === "__proto__" || CORE_NULL.test(m[1]!) || CORE_BOOL.test(m[1]!)) return UNSURE;
      i++;
      let value: unknown;
      if (m[2] !== undefined) value = quickScalar(m[2]);
      else if (i < lines.length && indentOf(lines[i]!) === indent + 2) value = block(indent + 2);
      else if (i < lines.length && indentOf(lines[i]!) > indent) return UNSURE;
      else if (i < lines.length && lines[i]!.startsWith("- ", indent))
        return UNSURE; // a sequence at the key's own indent
      else value = null;
      if (value === UNSURE) return UNSURE;
      map[m[1]!] = value;
    }
    return i < lines.length && indentOf(lines[i]!) > indent ? UNSURE : map;
  };
  const value = block(0);
  return value === UNSURE || i < lines.length ? undefined : value;
}
