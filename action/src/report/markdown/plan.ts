import type { Root, RootContent } from "mdast";
import type { Check, CheckSpec, Hypothesis, LogQuery, MetricQuery } from "../../model/index.js";
import type { PreparedInput } from "../artifacts.js";
import { count, utc } from "./format.js";
import { code, inert } from "./inert.js";
import { hrefFrom } from "./links.js";
import { heading, link, paragraph, table, type Inline } from "./nodes.js";
import { causeName } from "./readme.js";
import { knowledgeGapSection, subjectsSection } from "./subjects.js";

const labelsText = (labels: Record<string, string>) =>
  `{${Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(", ")}}`;

/** Which data a check reads, as the runbook wrote it. */
function dataSource(spec: CheckSpec): Inline[] {
  if (spec.metric !== undefined) {
    const how = [spec.rate ? "rate" : "", spec.aggregate !== "none" ? spec.aggregate : ""].filter(Boolean).join(", ");
    return ["metric ", code(spec.metric, 200), ...(how ? [` (${how})`] : [])];
  }
  if (spec.logs) return ["logs ", code(labelsText(spec.logs), 200), ...(spec.match ? [" matching ", code(spec.match, 200)] : [])];
  if (spec.changes) {
    const paths = spec.changes.paths.length ? [" touching ", code(spec.changes.paths.join(", "), 200)] : [];
    return [
      `${spec.changes.kind === "any" ? "commits and deployments" : spec.changes.kind}`,
      ...paths,
      spec.changes.scope === "pipeline" ? " of the impacted pipelines" : "",
    ];
  }
  if (spec.events)
    return ["events ", code(spec.events.kind, 80), ...(Object.keys(spec.events.labels).length ? [" ", code(labelsText(spec.events.labels), 200)] : [])];
  const records = spec.orchestrator ? (["orchestrator", spec.orchestrator] as const) : spec.warehouse ? (["warehouse", spec.warehouse] as const) : null;
  if (records) {
    const where = Object.keys(records[1].where).length ? [" where ", code(JSON.stringify(records[1].where), 200)] : [];
    return [`${records[0]} `, code(records[1].kind), ...where, ...(spec.match ? [" matching ", code(spec.match, 200)] : [])];
  }
  return ["—"];
}

/** The check's query with its templates resolved (alert values included, so shown as code). */
function query(check: Check): Inline[] {
  if (check.unresolved) return ["unresolved: ", ...inert(check.unresolved, 200)];
  const q = check.query;
  const wider = check.unscoped?.length ? `; wider: no value for ${check.unscoped.join(", ")}` : "";
  const window = ` from ${utc(q.start)} to ${utc(q.end)}${wider}`;
  switch (check.capability) {
    case "metrics": {
      const m = q as MetricQuery;
      const sel = `${m.name}{${m.matchers.map((x) => `${x.label}${x.op}${JSON.stringify(x.value)}`).join(", ")}}`;
      return [code(sel, 300), window];
    }
    case "logs": {
      const l = q as LogQuery;
      return [code(`${labelsText(l.selector)}${l.pattern ? ` |~ ${JSON.stringify(l.pattern)}` : ""}`, 300), window];
    }
    case "changes": {
      const repos = (q as { repos?: string[] }).repos;
      return [repos?.length ? code(repos.join(", "), 200) : "all repositories", window];
    }
    case "events": {
      const kinds = (q as { kinds?: string[] }).kinds;
      return [kinds?.length ? code(kinds.join(", "), 200) : "all events", window];
    }
    default:
      return [code((q as { kind?: string }).kind ?? check.capability, 80), window];
  }
}

function primitive(spec: CheckSpec): Inline[] {
  const extras = [`window ${spec.window.replace(/^-/, "")} before ${spec.anchor}`];
  if (spec.primitive === "threshold") extras.push(`reduce ${spec.reduce}`);
  if (spec.across === "all") extras.push("all series");
  return [code(spec.primitive), ` (${extras.join(", ")})`];
}

function passIf(spec: CheckSpec): Inline[] {
  const parts = Object.entries(spec.pass_if).map(([k, v]) => `${k} ${v}`);
  return parts.length ? [code(parts.join(" and "), 200)] : ["—"];
}

function hypothesis(input: PreparedInput, h: Hypothesis): RootContent[] {
  const file = h.runbookFile ?? input.runbooks[h.id]?.file;
  const href = file ? hrefFrom(input.incident.path, file, input.link) : null;
  const origin: Inline[] =
    h.origin === "runbook"
      ? ["From ", href ? link(href, "its runbook") : "its runbook"]
      : h.origin === "memory"
        ? ["From memory of past incidents"]
        : ["Proposed by the LLM"];
  const facts: Inline[] = [...origin, `, round ${h.round}, prior ${h.prior.toFixed(2)}. Why: `, ...inert(h.reason, 240), "."];
  if (h.parent) facts.push(" Asked for as the deeper cause of ", code(h.parent), ".");
  if (h.deeper.length) facts.push(" Deeper causes to look for next: ", ...h.deeper.flatMap((d, i) => (i ? [", ", code(d)] : [code(d)])), ".");
  const rows = h.checks.map((c) => [
    code(c.id, 60),
    dataSource(c.spec),
    query(c),
    primitive(c.spec),
    passIf(c.spec),
    c.weight,
    c.role === "rule_out" ? "rule out" : "confirm",
  ]);
  return [
    heading(2, ...causeName(input, h.id, h.title)),
    paragraph(...facts),
    rows.length ? table(["Check", "Data source", "Query", "Primitive", "Pass if", "Weight", "Role"], rows) : paragraph("No checks."),
  ];
}

/** plan.md: each hypothesis with its checks (data source, query, primitive, pass criteria, weight, role), as planned. */
export function buildPlan(input: PreparedInput): Root {
  const hyps = [...(input.investigation?.hypotheses ?? [])].sort((a, b) => a.round - b.round || b.prior - a.prior || a.id.localeCompare(b.id));
  const checks = hyps.reduce((n, h) => n + h.checks.length, 0);
  return {
    type: "root",
    children: [
      heading(1, "Plan: ", ...inert(input.incident.title, 200)),
      paragraph(
        `${count(hyps.length, "hypothesis", "hypotheses")} with ${count(checks, "check")}, in the order they were planned. A `,
        code("confirm"),
        " check that passes supports its cause; a ",
        code("rule out"),
        " check that passes counts against it. Missing data or an error makes a check inconclusive, never a pass. Results are in ",
        link("hypotheses.md", "hypotheses.md"),
        ".",
      ),
      ...subjectsSection(input.problem),
      ...knowledgeGapSection(input.problem, input.investigation),
      ...hyps.flatMap((h) => hypothesis(input, h)),
    ],
  };
}
