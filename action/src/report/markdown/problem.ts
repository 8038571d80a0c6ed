import type { Root, RootContent } from "mdast";
import type { Alert, Pipeline } from "../../model/index.js";
import type { PreparedInput } from "../artifacts.js";
import { count, utc } from "./format.js";
import { code, inert } from "./inert.js";
import { TIMELINE_MAX, timelineChart } from "./mermaid.js";
import { heading, list, paragraph, table, type Inline } from "./nodes.js";
import { similarList } from "./shared-sections.js";

const MAX_ROWS = 200;

function codes(values: string[], max = 10): Inline[] {
  if (!values.length) return ["—"];
  const shown = values.slice(0, max).flatMap((v, i) => (i ? [", ", code(v, 80)] : [code(v, 80)]));
  return values.length > max ? [...shown, ` +${values.length - max}`] : shown;
}

function more(total: number, what: string): RootContent[] {
  return total > MAX_ROWS ? [paragraph(`The first ${MAX_ROWS} of ${total} ${what} are shown.`)] : [];
}

function whatFired(input: PreparedInput): RootContent[] {
  const alerts = [...input.problem.alerts].sort((a, b) => (a.startsAt ?? "").localeCompare(b.startsAt ?? ""));
  const row = (a: Alert): Inline[] => [
    inert(a.title, 160),
    a.source,
    a.severity,
    a.status,
    utc(a.startsAt),
    a.pipeline ? code(a.pipeline) : "—",
    code(a.fingerprint, 40),
  ];
  const out: RootContent[] = [
    heading(2, "What fired"),
    paragraph(`${count(alerts.length, "alert")}, ${count(input.problem.alertnames.length, "distinct name")}.`),
    table(["Alert", "Source", "Severity", "Status", "Started", "Pipeline", "Fingerprint"], alerts.slice(0, MAX_ROWS).map(row)),
    ...more(alerts.length, "alerts"),
  ];
  const labels = Object.entries(input.problem.labels);
  if (labels.length) {
    out.push(
      paragraph("Labels every firing alert agrees on:"),
      table(
        ["Label", "Value"],
        labels.slice(0, MAX_ROWS).map(([k, v]) => [code(k, 80), inert(v, 200)]),
      ),
    );
  }
  return out;
}

function onset(input: PreparedInput): RootContent[] {
  const o = input.problem.onset;
  return [
    heading(2, "Onset"),
    o === null
      ? paragraph("Unknown: no firing alert gave a start time.")
      : paragraph(`${utc(o)}: the start of the earliest firing alert. Investigated at ${utc(input.problem.now)}.`),
  ];
}

function timeline(input: PreparedInput): RootContent[] {
  const entries = [...input.problem.timeline].sort((a, b) => a.at.localeCompare(b.at));
  const out: RootContent[] = [heading(2, "Timeline")];
  if (!entries.length) return [...out, paragraph("No dated events.")];
  // Mermaid's timeline reads at GitHub's width only up to a few entries: it pictures the first alerts, and the table lists everything.
  const alerts = entries.filter((e) => e.kind === "alert" || e.kind === "resolved");
  const chart = timelineChart(alerts, TIMELINE_MAX, alerts.length > TIMELINE_MAX ? `The first ${TIMELINE_MAX} alerts (UTC)` : "Alerts (UTC)");
  if (chart) out.push(chart, paragraph("Every event of the window, in UTC:"));
  out.push(
    table(
      ["Time", "Kind", "Event"],
      entries.slice(0, MAX_ROWS).map((e) => [utc(e.at), e.kind, inert(e.text, 240)]),
    ),
    ...more(entries.length, "events"),
  );
  return out;
}

function pipeline(p: Pipeline): RootContent[] {
  const components = p.components.map((c) => {
    const name = Object.entries(c)
      .filter(([k]) => k !== "kind")
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(" ");
    return [code(c.kind, 40), ...(name ? [" ", code(name, 160)] : [])];
  });
  const items: Inline[][] = [
    ["owners: ", ...codes(p.owners)],
    ["upstream: ", ...codes(p.upstream)],
    ["downstream: ", ...codes(p.downstream)],
  ];
  if (p.sla) items.push(["SLA: ", ...inert(p.sla, 120)]);
  if (p.repository) items.push(["repository: ", code(p.repository, 120)]);
  const out: RootContent[] = [heading(3, code(p.id), ...(p.title ? [" — ", ...inert(p.title, 120)] : []))];
  if (p.description) out.push(paragraph(...inert(p.description, 400)));
  out.push(list(items));
  if (components.length) out.push(paragraph("Components:"), list(components));
  return out;
}

function impacted(input: PreparedInput): RootContent[] {
  const pr = input.problem;
  const out: RootContent[] = [heading(2, "Impacted pipelines")];
  if (!pr.pipelines.length)
    out.push(paragraph("No pipeline in knowledge/ matches these alerts; add one under knowledge/pipelines/ to get lineage and owners."));
  for (const p of pr.pipelines) out.push(...pipeline(p));
  out.push(paragraph("Upstream of the impacted pipelines: ", ...codes(pr.upstream, 20), ". Downstream: ", ...codes(pr.downstream, 20), "."));
  if (pr.components.length) out.push(paragraph("Component kinds: ", ...codes(pr.components, 20), "."));
  return out;
}

/** What an empty list of changes means, by how it was read: "none" only when a source was asked. */
const NO_CHANGES: Record<NonNullable<PreparedInput["problem"]["changesRead"]>, string> = {
  read: "No commits or deployments in the window.",
  "no-source":
    "Not checked: no change source is configured, so commits and deployments are unknown, not absent. Name the repositories to read under connectors.github in .github/pipemedic.yml (docs/configuration.md).",
  unreachable: "Not checked: the change source could not be read, so commits and deployments are unknown, not absent.",
  "not-looked-up": "Not looked up: changes are read when the incident is investigated.",
};

function changes(input: PreparedInput): RootContent[] {
  const { commits, deployments } = input.problem.changes;
  const out: RootContent[] = [heading(2, "Recent changes")];
  if (!commits.length && !deployments.length) return [...out, paragraph(NO_CHANGES[input.problem.changesRead ?? "read"])];
  if (commits.length) {
    const sorted = [...commits].sort((a, b) => b.at.localeCompare(a.at));
    out.push(
      heading(3, "Commits"),
      table(
        ["Time", "Repository", "Commit", "Author", "Message", "Files"],
        sorted
          .slice(0, MAX_ROWS)
          .map((c) => [
            utc(c.at),
            c.repo ? code(c.repo, 80) : "—",
            code(c.sha.slice(0, 12)),
            inert(c.author || "—", 60),
            inert(c.message.split("\n")[0] ?? "", 160),
            String(c.files.length),
          ]),
      ),
      ...more(commits.length, "commits"),
    );
  }
  if (deployments.length) {
    const sorted = [...deployments].sort((a, b) => b.at.localeCompare(a.at));
    out.push(
      heading(3, "Deployments"),
      table(
        ["Time", "Service", "Environment", "Ref", "Commit", "Status"],
        sorted
          .slice(0, MAX_ROWS)
          .map((d) => [
            utc(d.at),
            d.service ? code(d.service, 80) : "—",
            inert(d.environment || "—", 40),
            d.ref ? code(d.ref, 80) : "—",
            d.sha ? code(d.sha.slice(0, 12)) : "—",
            inert(d.status, 40),
          ]),
      ),
      ...more(deployments.length, "deployments"),
    );
  }
  return out;
}

/** problem.md: the framed problem, facts only: what fired, onset, timeline, impact, changes, history. */
export function buildProblem(input: PreparedInput): Root {
  return {
    type: "root",
    children: [
      heading(1, "Problem: ", ...inert(input.problem.title || input.incident.title, 200)),
      paragraph("Facts only, gathered before any hypothesis: nothing here is a guess. Incident ", code(input.incident.id), "."),
      ...whatFired(input),
      ...onset(input),
      ...timeline(input),
      ...impacted(input),
      ...changes(input),
      heading(2, "Similar past incidents"),
      similarList(input.problem.similar, input.incident.path, input.link),
    ],
  };
}
