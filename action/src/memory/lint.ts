import { LineCounter, parseDocument, isMap, isScalar } from "yaml";
import { CONFIG_PATH, ConfigSchema, type Knowledge, type Runbook } from "../model/index.js";
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

/** Lints `.github/pipemedic.yml`: valid YAML, a mapping at the top, known keys, and the schema. */
function lintConfig(text: string): LintError[] {
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
  const parsed = ConfigSchema.safeParse(doc.toJS(), { reportInput: true });
  if (!parsed.success) {
    errors.push(...issuesToLint(file, parsed.error.issues, (p) => lineIn(p), { "(custom)": "see docs/configuration.md" }));
  }
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

/** Lints knowledge/, runbooks/ and `.github/pipemedic.yml`; what `npx pipemedic lint` prints. */
export function lint(files: Record<string, string>): LintError[] {
  const k = loadKnowledge(files);
  const r = loadRunbooks(files);
  const config = files[CONFIG_PATH];
  return [...k.errors, ...lintLineage(k), ...r.errors, ...lintTemplates(r.runbooks, k.knowledge), ...(config !== undefined ? lintConfig(config) : [])];
}
