import { LineCounter, parseDocument, isMap, isScalar, isSeq, type Node } from "yaml";
import type { z } from "zod";
import { CONFIG_PATH, ConfigSchema, type Knowledge, type Runbook } from "../model/index.js";
import { redactValue } from "../redact.js";
import { issuesToLint, yamlMessage, type LintError } from "./frontmatter.js";
import { loadKnowledge } from "./knowledge.js";
import { loadRunbooks, templatesIn } from "./runbooks.js";

export { formatLintError, type LintError } from "./frontmatter.js";

const KNOWN_CONFIG_KEYS = new Set([
  "investigate",
  "autonomy",
  "connectors",
  "budgets",
  "redaction",
  "store",
  "remediation",
  "llm",
  ...Object.keys(ConfigSchema.shape),
]);

/**
 * The schemas the run reads parts of `.github/pipemedic.yml` with, beyond the model's ConfigSchema
 * (`connectors` by the telemetry adapters, `llm` by the LLM client), passed in by the entry so that
 * lint checks the file exactly as a run will read it.
 */
export type ConfigSections = Record<string, z.ZodType>;

/** The fields of an object schema at a path inside it (through optional, default and prefault wrappers), if it is one. */
function schemaShapeAt(schema: z.ZodType, path: ReadonlyArray<PropertyKey>): Record<string, z.ZodType> | null {
  let at: unknown = schema;
  const unwrap = () => {
    for (let n = 0; n < 5; n++) {
      const def = (at as { def?: { innerType?: unknown } }).def;
      if (def?.innerType) at = def.innerType;
      else break;
    }
  };
  unwrap();
  for (const p of path) {
    const shape = (at as { shape?: Record<string, unknown> }).shape;
    if (!shape || typeof p !== "string" || !(p in shape)) return null;
    at = shape[p];
    unwrap();
  }
  return (at as { shape?: Record<string, z.ZodType> }).shape ?? null;
}

/** Every scalar of a YAML node with its path and line: what the credential check looks at. */
function scalarsOf(
  node: unknown,
  path: Array<string | number>,
  counter: LineCounter,
  out: Array<{ path: Array<string | number>; value: unknown; line: number }>,
) {
  if (isMap(node)) {
    for (const item of node.items) {
      const key = isScalar(item.key) ? String(item.key.value) : "?";
      scalarsOf(item.value, [...path, key], counter, out);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => scalarsOf(item, [...path, i], counter, out));
  } else if (isScalar(node)) {
    const at = (node as Node).range?.[0];
    out.push({ path, value: node.value, line: at === undefined ? 1 : counter.linePos(at).line });
  }
}

/**
 * Values that the redaction function would change: a credential pasted into the file, which is
 * committed for everyone who can read the repository. A value under a `…_env` key is the name of a
 * variable, never the secret itself, and is not looked at.
 */
function credentialsIn(contents: unknown, counter: LineCounter): LintError[] {
  const scalars: Array<{ path: Array<string | number>; value: unknown; line: number }> = [];
  scalarsOf(contents, [], counter, scalars);
  const errors: LintError[] = [];
  for (const { path, value, line } of scalars) {
    if (typeof value !== "string" || !value) continue;
    if (path.some((p) => typeof p === "string" && /_env$/i.test(p))) continue;
    const key = [...path].reverse().find((p): p is string => typeof p === "string") ?? "value";
    if (redactValue({ [key]: value })[key] === value) continue;
    errors.push({
      file: CONFIG_PATH,
      line,
      field: path.reduce<string>((a, p) => (typeof p === "number" ? `${a}[${p}]` : a ? `${a}.${p}` : p), ""),
      message: "looks like a credential; this file is committed and readable by everyone with access to the repository",
      fix: "remove it, rotate it, store it as a repository secret and name the environment variable that holds it (a `…_env` key, see docs/configuration.md)",
      severity: "error",
    });
  }
  return errors;
}

/** Lints `.github/pipemedic.yml`: valid YAML, a mapping at the top, known keys, the run's schemas, no credentials. */
function lintConfig(text: string, sections: ConfigSections): LintError[] {
  const file = CONFIG_PATH;
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    return [
      {
        file,
        line: e.linePos?.[0]?.line,
        field: "(file)",
        message: `not valid YAML: ${yamlMessage(e.message)}`,
        fix: "fix the YAML syntax (indentation, quoting, a duplicated key)",
        severity: "error",
      },
    ];
  }
  if (doc.contents === null) return [];
  if (!isMap(doc.contents)) {
    return [
      {
        file,
        line: 1,
        field: "(file)",
        message: "the top level is not a mapping",
        fix: "write top-level keys such as `investigate:` and `budgets:`",
        severity: "error",
      },
    ];
  }
  const errors: LintError[] = [];
  for (const item of doc.contents.items) {
    if (!isScalar(item.key)) continue;
    const key = String(item.key.value);
    const line = item.key.range ? counter.linePos(item.key.range[0]).line : undefined;
    if (!KNOWN_CONFIG_KEYS.has(key)) {
      errors.push({
        file,
        line,
        field: key,
        message: `unknown top-level key "${key}" is ignored`,
        fix: `use one of ${[...KNOWN_CONFIG_KEYS].join(", ")}`,
        severity: "warning",
      });
    }
  }
  const lineIn = (path: ReadonlyArray<PropertyKey>): number => {
    for (let n = path.length; n > 0; n--) {
      const node = doc.getIn(path.slice(0, n) as unknown[], true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return counter.linePos(node.range[0]).line;
    }
    return 1;
  };
  const raw = doc.toJS() as Record<string, unknown> | null;
  const parsed = ConfigSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    errors.push(...issuesToLint(file, parsed.error.issues, (p) => lineIn(p), { "(custom)": "see docs/configuration.md" }));
  }
  // The line of a key itself (`lineIn` gives its value's, which for a mapping is the line after).
  const keyLine = (path: Array<string | number>): number => {
    const parent = doc.getIn(path.slice(0, -1), true);
    const pair = isMap(parent) ? parent.items.find((i) => isScalar(i.key) && String(i.key.value) === String(path.at(-1))) : undefined;
    const at = pair && isScalar(pair.key) ? pair.key.range?.[0] : undefined;
    return at === undefined ? lineIn(path) : counter.linePos(at).line;
  };
  for (const [key, schema] of Object.entries(sections)) {
    const value = raw?.[key];
    if (value === undefined || value === null) continue;
    const section = schema.safeParse(value);
    const unknown = (path: Array<string | number>, name: string, known: string[]): LintError => ({
      file,
      line: keyLine([...path, name]),
      field: [...path, name].join("."),
      message:
        key === "connectors" && path.length === 1
          ? `no connector is named "${name}" in this version; a run ignores it`
          : `"${name}" is not a setting of ${path.join(".")}; a run does not read it`,
      fix: known.length ? `use one of ${known.join(", ")}` : "remove it",
      severity: "error",
    });
    const reported = new Set<string>();
    if (!section.success) {
      const rest = [];
      for (const issue of section.error.issues) {
        if (issue.code !== "unrecognized_keys") {
          rest.push({ ...issue, path: [key, ...issue.path] });
          continue;
        }
        const path = [key, ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))];
        const known = doc.getIn(path, true);
        const shape = schemaShapeAt(schema, issue.path);
        for (const name of issue.keys) {
          reported.add([...path, name].join("."));
          errors.push(unknown(path, name, isMap(known) && shape ? Object.keys(shape) : []));
        }
      }
      errors.push(...issuesToLint(file, rest, (p) => lineIn(p), { "(custom)": "see docs/configuration.md" }));
    }
    // A loose section (connectors) lets any name through, and the run ignores the names it has no reader for.
    const shape = schemaShapeAt(schema, []);
    if (shape && typeof value === "object" && !Array.isArray(value)) {
      for (const name of Object.keys(value)) {
        if (!(name in shape) && !reported.has(`${key}.${name}`)) errors.push(unknown([key], name, Object.keys(shape)));
      }
    }
  }
  errors.push(...credentialsIn(doc.contents, counter));
  return errors;
}

/** Cross-file checks of knowledge: lineage names existing pipelines. */
function lintLineage(k: ReturnType<typeof loadKnowledge>): LintError[] {
  const ids = new Set(k.knowledge.pipelines.map((p) => p.id));
  const errors: LintError[] = [];
  for (const p of k.knowledge.pipelines) {
    const source = k.sources[p.id];
    const file = source?.file ?? `knowledge/pipelines/${p.id}.md`;
    for (const dir of ["upstream", "downstream"] as const) {
      p[dir].forEach((q, i) => {
        const at = { file, line: source?.lines[dir], field: `${dir}[${i}]`, severity: "error" as const };
        if (q === p.id) errors.push({ ...at, message: "a pipeline cannot be its own neighbour", fix: "remove the id" });
        else if (!ids.has(q)) errors.push({ ...at, message: `no pipeline has id "${q}"`, fix: `write knowledge/pipelines/${q}.md, or correct the id` });
      });
    }
  }
  return errors;
}

/** Cross-file checks of runbooks against knowledge: component templates some pipeline can fill. */
function lintTemplates(runbooks: Runbook[], knowledge: Knowledge): LintError[] {
  if (!knowledge.pipelines.length) return [];
  const errors: LintError[] = [];
  for (const r of runbooks) {
    for (const t of templatesIn(r)) {
      const [root, kind, field, ...more] = t.name.split(".");
      if (root !== "pipeline" || !kind || !field || more.length || kind === "config") continue;
      if (!knowledge.pipelines.some((p) => p.components.some((c) => c.kind === kind && c[field] !== undefined))) {
        errors.push({
          file: r.file,
          field: t.path.reduce<string>((a, p) => (typeof p === "number" ? `${a}[${p}]` : a ? `${a}.${p}` : p), ""),
          message: `no pipeline in knowledge/ has a ${kind} component with a "${field}" field, so {{${t.name}}} is always missing`,
          fix: `add ${field} to a ${kind} component in knowledge/pipelines/, or correct the template`,
          severity: "warning",
        });
      }
    }
  }
  return errors;
}

/**
 * Lints knowledge/, runbooks/ and `.github/pipemedic.yml`; what `npx pipemedic lint` prints. `sections`
 * are the schemas the run reads parts of the policy file with (connectors, llm).
 */
export function lint(files: Record<string, string>, sections: ConfigSections = {}): LintError[] {
  const k = loadKnowledge(files);
  const r = loadRunbooks(files);
  const config = files[CONFIG_PATH];
  return [
    ...k.errors,
    ...lintLineage(k),
    ...r.errors,
    ...lintTemplates(r.runbooks, k.knowledge),
    ...(config !== undefined ? lintConfig(config, sections) : []),
  ];
}
