import type { RootContent } from "mdast";
import type { Investigation, Problem } from "../../model/index.js";
import { KEY_FALLBACKS } from "../../subjects/vocabulary.js";
import { block, code, inert } from "./inert.js";
import { codeBlock, heading, paragraph, table, type Inline } from "./nodes.js";

/** Where a subject came from, in a reader's words. */
const ORIGIN: Record<string, string> = {
  knowledge: "knowledge",
  label: "the alert",
  annotation: "the alert",
  expression: "the alert's query",
  mention: "named in the alert's text",
  discovery: "discovery",
};

/** plan.md's subjects: every entity the investigation is about, each value with where it came from. */
export function subjectsSection(problem: Problem): RootContent[] {
  const rows: Inline[][] = Object.entries(problem.subjects)
    .filter(([, values]) => values.length)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, values]) => [
      code(key, 80),
      values.slice(0, 5).flatMap((v, i) => [...(i ? [", "] : []), code(v.value, 120)]),
      values.slice(0, 5).flatMap((v, i) => [...(i ? "; " : ""), `${ORIGIN[v.origin] ?? v.origin}: `, ...inert(v.from, 120)]),
    ]);
  return [
    heading(2, "Subjects"),
    rows.length
      ? table(["Subject", "Values", "From"], rows)
      : paragraph("Neither knowledge, the alert nor discovery named an entity; every check reads its data unnarrowed."),
  ];
}

/** Template keys checks needed and nobody could fill, each with the checks that ran wider because of it. */
export function missingSubjects(investigation: Investigation | null): Map<string, string[]> {
  const missing = new Map<string, string[]>();
  for (const h of investigation?.hypotheses ?? []) {
    for (const c of h.checks) for (const key of c.unscoped ?? []) missing.set(key, [...(missing.get(key) ?? []), c.key]);
  }
  return missing;
}

/** knowledge/ fields by subject key: component kind and field, or the pipeline's services. */
function knowledgeField(key: string): { kind: string; field: string } | "services" | "paths" | null {
  if (key === "service") return "services";
  if (key === "paths") return "paths";
  if (key === "probe.target") return { kind: "dependency", field: "probe" };
  const dot = key.indexOf(".");
  if (dot <= 0 || key.startsWith("config.")) return null;
  return { kind: key.slice(0, dot), field: key.slice(dot + 1) };
}

/**
 * The honest gap: which subjects no one named, what ran wider because of it, and the lines of
 * knowledge/ that would name them, with the values discovery suggests filled in, ready to paste.
 */
export function knowledgeGapSection(problem: Problem, investigation: Investigation | null): RootContent[] {
  const missing = missingSubjects(investigation);
  if (!missing.size) return [];
  const known = (key: string) => problem.subjects[key]?.[0]?.value ?? problem.subjects[KEY_FALLBACKS[key] ?? ""]?.[0]?.value;
  const components = new Map<string, Record<string, string>>();
  let services: string[] = [];
  let paths = false;
  for (const key of new Set([...missing.keys(), ...Object.keys(problem.subjects)])) {
    const field = knowledgeField(key);
    if (!field) continue;
    if (field === "paths") paths = true;
    else if (field === "services") services = problem.subjects.service?.map((v) => v.value).slice(0, 3) ?? [];
    else if (missing.has(key) || problem.subjects[key]?.some((v) => v.origin !== "knowledge")) {
      const c = components.get(field.kind) ?? {};
      c[field.field] = known(key) ?? `<${key}>`;
      components.set(field.kind, c);
    }
  }
  const name =
    (problem.subjects.service?.[0]?.value ?? problem.alertnames[0] ?? "pipeline")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 40) || "pipeline";
  const yaml = [
    "---",
    `id: ${name}`,
    "components:",
    ...[...components].map(
      ([kind, fields]) =>
        `  - {kind: ${kind}, ${Object.entries(fields)
          .map(([f, v]) => `${f}: ${JSON.stringify(v)}`)
          .join(", ")}}`,
    ),
    ...(services.length ? [`services: [${services.map((s) => JSON.stringify(s)).join(", ")}]`] : ['services: ["<service>"]']),
    ...(paths ? ['paths: ["<folder of this pipeline in the repository>/**"]'] : []),
    "---",
  ].join("\n");
  const rows: Inline[][] = [...missing].map(([key, checks]) => [
    code(key, 80),
    String(checks.length),
    checks.slice(0, 4).flatMap((k, i) => [...(i ? [", "] : []), code(k, 120)]),
  ]);
  return [
    heading(2, "What knowledge would sharpen"),
    paragraph(
      "These checks needed a subject that neither knowledge, the alert nor discovery named, so they read every series or stream instead and weigh one step less. ",
      `A file such as `,
      code(`knowledge/pipelines/${name}.md`),
      " names them (values in angle brackets are yours to fill; the others are what this investigation found):",
    ),
    table(["Subject", "Checks", "Examples"], rows),
    codeBlock(block(yaml, 60), "yaml"),
  ];
}
