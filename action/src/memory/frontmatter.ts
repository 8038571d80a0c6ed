import matter from "gray-matter";
import { LineCounter, parseDocument, isMap, isScalar, isCollection, type Document } from "yaml";
import { z } from "zod";

/** One problem found in a memory file; `line` is 1-based in the file when known. */
export const LintErrorSchema = z.object({
  file: z.string(),
  line: z.number().int().positive().optional(),
  field: z.string(),
  message: z.string(),
  fix: z.string(),
  severity: z.enum(["error", "warning"]),
});
export type LintError = z.infer<typeof LintErrorSchema>;

/** Formats a lint error as `file:line: field: message (fix: …)`, warnings marked at the end. */
export function formatLintError(e: LintError): string {
  const where = e.line ? `${e.file}:${e.line}` : e.file;
  return `${where}: ${e.field}: ${e.message} (fix: ${e.fix})${e.severity === "warning" ? " [warning]" : ""}`;
}

/** A path into parsed YAML, as zod reports it. */
export type FieldPath = ReadonlyArray<PropertyKey>;

/** Renders a path as `checks[1].metric`; the empty path is the frontmatter as a whole. */
export function formatField(path: FieldPath): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || "(frontmatter)";
}

export interface Frontmatter {
  /** The YAML fields: a mapping (anything else is refused). */
  data: Record<string, unknown>;
  body: string;
  /** Line of each top-level key in the file. */
  lines: Record<string, number>;
  /** Line of the deepest existing node on `path` (falls back to its closest parent, then the first line); a plain function, safe to pass on. */
  lineOf: (path: FieldPath) => number;
}

export type FrontmatterResult = { ok: true; value: Frontmatter } | { ok: false; error: LintError };

const OPENING = /^\uFEFF?---[ \t]*([^\r\n]*)\r?\n/;
const CLOSING = /(^|\r?\n)---[ \t]*(\r?\n|$)/;

/**
 * Parses a Markdown file's YAML frontmatter, which must be a mapping. gray-matter is given engines that refuse everything but
 * YAML, because its default `---js` engine evaluates the block as code.
 */
export function parseFrontmatter(text: string, file: string): FrontmatterResult {
  const fail = (line: number | undefined, message: string, fix: string): FrontmatterResult => ({
    ok: false,
    error: { file, ...(line ? { line } : {}), field: "(frontmatter)", message, fix, severity: "error" },
  });
  const open = OPENING.exec(text);
  if (!open) {
    return fail(1, "the file has no YAML frontmatter", 'start the file with a line "---", the YAML fields, then a closing "---"');
  }
  const language = (open[1] ?? "").trim();
  if (language && !/^ya?ml$/i.test(language)) {
    return fail(1, `frontmatter language "${language}" is not supported`, 'write plain YAML after a bare "---" line');
  }
  if (!CLOSING.test(text.slice(open[0].length))) {
    return fail(1, "the frontmatter is never closed", 'end the YAML block with a line "---"');
  }

  let doc: Document | undefined;
  const counter = new LineCounter();
  const refuse = (name: string) => () => {
    throw new Error(`frontmatter language "${name}" is not supported`);
  };
  let parsed: { data: unknown; content: string };
  try {
    // gray-matter looks for "\n---": Windows line ends would leave a "\r" in the last YAML value.
    parsed = matter(text.replace(/\r\n/g, "\n"), {
      language: "yaml",
      engines: {
        yaml: (src: string) => {
          doc = parseDocument(src, { lineCounter: counter, uniqueKeys: true, prettyErrors: true });
          const [error] = doc.errors;
          if (error) throw error;
          return doc.toJS({ maxAliasCount: 100 }) as object;
        },
        javascript: refuse("javascript"),
        js: refuse("js"),
        json: refuse("json"),
        coffee: refuse("coffee"),
      },
    });
  } catch (err) {
    const e = err as Error & { linePos?: Array<{ line: number }> };
    // gray-matter hands the engine the text after the opening "---", which starts with that line's
    // newline, so line n of the block is line n of the file.
    const line = e.linePos?.[0]?.line;
    const first = yamlMessage(e.message ?? String(err));
    return fail(line, `not valid YAML: ${first}`, "fix the YAML syntax (indentation, quoting, a duplicated key)");
  }

  const lines: Record<string, number> = {};
  const root = doc?.contents;
  if (isMap(root)) {
    for (const item of root.items) {
      if (isScalar(item.key) && item.key.range) lines[String(item.key.value)] = counter.linePos(item.key.range[0]).line;
    }
  }
  const lineOf = (path: FieldPath): number => {
    let node: unknown = root;
    let best = 1;
    if (root && isCollection(root) && root.range) best = counter.linePos(root.range[0]).line;
    for (const key of path) {
      if (!isCollection(node)) break;
      const pair = isMap(node) ? node.items.find((i) => isScalar(i.key) && String(i.key.value) === String(key)) : undefined;
      const next: unknown = isMap(node) ? pair?.value : typeof key === "number" ? node.items[key] : undefined;
      const range = pair && isScalar(pair.key) ? pair.key.range : (next as { range?: [number, number, number] } | undefined)?.range;
      if (!range) break;
      best = counter.linePos(range[0]).line;
      node = next;
    }
    return best;
  };
  const data: unknown = doc ? parsed.data : {};
  if (!isRecord(data)) return fail(1, "the frontmatter is not a YAML mapping", "write the fields as `key: value` lines");
  return { ok: true, value: { data, body: parsed.content, lines, lineOf } };
}

/** The first line of a yaml error without its "at line n, column m" tail (the line is reported apart). */
export function yamlMessage(message: string): string {
  return (message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, "");
}

/** Whether a value is a plain object (YAML mapping). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A zod issue, as much of it as we read (zod 4's issue union is wide). */
interface Issue {
  code: string;
  path: PropertyKey[];
  message: string;
  input?: unknown;
  expected?: string;
  values?: unknown[];
  origin?: string;
  minimum?: number | bigint;
  inclusive?: boolean;
  errors?: Issue[][];
}

/** Picks the issue of a failed union branch that explains the most (the branch that got furthest). */
function flatten(issue: Issue): Issue {
  if (issue.code !== "invalid_union" || !issue.errors?.length) return issue;
  const branches = issue.errors.filter((b) => b.length > 0);
  const best = branches.sort((a, b) => deepest(b) - deepest(a) || a.length - b.length)[0];
  const inner = best?.[0];
  return inner ? flatten({ ...inner, path: [...issue.path, ...inner.path] }) : issue;
}

function deepest(b: Issue[]): number {
  return Math.max(...b.map((i) => i.path.length));
}

function show(v: unknown): string {
  const s = typeof v === "string" ? `"${v}"` : (JSON.stringify(v) ?? String(v));
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
}

/**
 * Turns a zod issue into a message and a fix. `hints` gives per-field advice, keyed by the field's
 * last name, `parent.*` for any key of a map, or `(custom)` for refinements.
 */
export function describeIssue(raw: Issue, hints: Record<string, string> = {}): { path: PropertyKey[]; message: string; fix: string } {
  const issue = flatten(raw);
  const last = issue.path[issue.path.length - 1];
  // A hint describes a named field; an issue on a list item or a whole object gets the generic fix.
  const parent = issue.path[issue.path.length - 2];
  const hint =
    issue.code === "custom"
      ? hints["(custom)"]
      : typeof last === "string"
        ? (hints[last] ?? (typeof parent === "string" ? hints[`${parent}.*`] : undefined))
        : undefined;
  const name = typeof last === "string" ? `\`${last}\`` : "the field";
  let message = issue.message;
  let fix: string;
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) {
        message = "Required";
        fix = hint ?? `add ${name}`;
      } else {
        message = `expected ${issue.expected}, got ${show(issue.input)}`;
        fix = hint ?? `write ${name} as ${/^[aeiou]/.test(issue.expected ?? "") ? "an" : "a"} ${issue.expected}`;
      }
      break;
    case "invalid_value":
      message = `expected one of ${(issue.values ?? []).map((v) => show(v)).join(", ")}, got ${show(issue.input)}`;
      fix = hint ?? `use one of ${(issue.values ?? []).map((v) => show(v)).join(", ")}`;
      break;
    case "invalid_format":
      message = issue.input !== undefined ? `${issue.message}, got ${show(issue.input)}` : issue.message;
      fix = hint ?? `rewrite ${name} in the expected format`;
      break;
    case "too_small":
      fix =
        hint ??
        (issue.origin === "array"
          ? `add at least ${issue.minimum} item(s) to ${name}`
          : `raise ${name} to ${issue.inclusive === false ? "above" : "at least"} ${issue.minimum}`);
      break;
    case "too_big":
      fix = hint ?? `lower ${name}`;
      break;
    default:
      fix = hint ?? "see the file format in docs/";
  }
  return { path: issue.path, message, fix };
}

/** Converts every issue of a failed parse into lint errors located in `file`. */
export function issuesToLint(
  file: string,
  issues: ReadonlyArray<unknown>,
  lineOf: (path: FieldPath) => number,
  hints: Record<string, string> = {},
): LintError[] {
  return issues.map((i) => {
    const d = describeIssue(i as Issue, hints);
    return { file, line: lineOf(d.path), field: formatField(d.path), message: d.message, fix: d.fix, severity: "error" as const };
  });
}
