import type { Pattern } from "../patterns.js";
import type { Root, RootContent } from "mdast";
import type { Incident, LifecycleWindows, UnparsedEntry } from "../model/index.js";
import { closesAt } from "../ingest/correlate.js";
import { INCIDENTS_DIR, incidentFiles } from "../record/paths.js";
import { redact, redactValue } from "../redact.js";
import { confidence, count, utc } from "./markdown/format.js";
import { code, inert } from "./markdown/inert.js";
import { hrefFrom } from "./markdown/links.js";
import { heading, link, list, paragraph, table, type Inline } from "./markdown/nodes.js";
import { toMarkdown } from "./markdown/serialize.js";

const LATEST = 50;
const PER_PIPELINE = 20;

/** A cause a person corrected (feedback.actual_root_cause): the corrected one, and what Pipemedic had named. */
export function correctedCause(c: { id: string; named?: string | undefined }): Inline[] {
  return [
    code(c.id, 80),
    c.named && c.named !== c.id ? " (corrected by review; Pipemedic had named " : " (set by review, as Pipemedic named it",
    ...(c.named && c.named !== c.id ? [code(c.named, 80), ")"] : [")"]),
  ];
}

function name(i: Incident): Inline {
  const href = hrefFrom(INCIDENTS_DIR, incidentFiles.readme(i));
  return href ? link(href, code(i.id, 80)) : code(i.id, 80);
}

function cause(i: Incident): Inline[] {
  if (!i.rootCause) return [i.investigation === "done" ? "—" : "not investigated"];
  if (i.rootCause.status === "corrected-by-review") return correctedCause(i.rootCause);
  if (i.rootCause.id === "unknown") return [`unknown (${i.rootCause.status})`];
  return [code(i.rootCause.id, 80), ` (${i.rootCause.status}, ${confidence(i.rootCause.confidence)})`];
}

function pipelines(i: Incident): Inline[] {
  return i.pipelines.length ? i.pipelines.flatMap((p, n) => (n ? [", ", code(p, 60)] : [code(p, 60)])) : ["—"];
}

function incidentTable(rows: Incident[], status: (i: Incident) => string): RootContent {
  return table(
    ["Incident", "Title", "Status", "Severity", "Opened", "Pipelines", "Root cause"],
    rows.map((i) => [name(i), inert(i.title, 120), status(i), i.severity, utc(i.openedAt), pipelines(i), cause(i)]),
  );
}

/** The latest time an index records (a last alert or a resolution): "now" for the page, the same on every rebuild. */
function latestActivity(incidents: Incident[]): number {
  let latest = -Infinity;
  for (const i of incidents) for (const t of [i.updatedAt, i.resolvedAt]) if (t) latest = Math.max(latest, Date.parse(t));
  return latest;
}

/** How many kept bodies the page lists; index.json lists them all. */
const UNPARSED_LISTED = 50;

/** The bodies no source could read, each with its reason and whether it was cut; nothing when there are none. */
function unparsedSection(entries: UnparsedEntry[]): RootContent[] {
  if (!entries.length) return [];
  const inferred = entries.filter((e) => e.inferred).length;
  const items = entries.slice(0, UNPARSED_LISTED).map((e): Inline[] => {
    const rel = e.path.startsWith(`${INCIDENTS_DIR}/`) ? e.path.slice(INCIDENTS_DIR.length + 1) : e.path;
    return [
      link(rel, code(rel, 120)),
      ` — received ${utc(e.receivedAt)}`,
      e.inferred ? " (alerts inferred from it were investigated)" : "",
      ": ",
      ...inert(e.reason, 300),
      ...(e.truncated
        ? [` (cut: the file keeps the first ${e.truncated.kept.toLocaleString("en")} of ${e.truncated.length.toLocaleString("en")} characters)`]
        : []),
    ];
  });
  return [
    heading(2, `Unparsed bodies (${entries.length})`),
    paragraph(
      "Deliveries no source could read, kept for a person: map the source with a generic mapping (docs/sources.md) or fix the sender, then delete the file.",
      inferred ? ` Alerts were inferred from the fields of ${count(inferred, "body", "bodies")} and investigated; a mapping reads them exactly.` : "",
    ),
    list(items),
    ...(entries.length > UNPARSED_LISTED ? [paragraph(`${entries.length - UNPARSED_LISTED} older bodies are listed in index.json.`)] : []),
  ];
}

/**
 * incidents/README.md: the unparsed bodies first, then open incidents, those awaiting a manual trigger,
 * the latest 50 and a section per pipeline. Links are relative to incidents/, so the index works
 * wherever the repository is browsed.
 */
export function renderIncidentIndex(
  incidents: Incident[],
  opts: {
    now?: string;
    redactPatterns?: Pattern[];
    /** The policy's windows: an open incident quiet past its quiet period, as of the latest time the index records, is shown closed. */
    windows?: LifecycleWindows;
    /** Bodies kept under incidents/_unparsed/, newest first: listed before the incidents, since nobody investigates them. */
    unparsed?: UnparsedEntry[];
  } = {},
): string {
  const patterns = opts.redactPatterns ?? [];
  // Titles are alert text: redacted before they are cut to fit a cell, so no secret is half kept.
  const sorted = redactValue(incidents, patterns).sort((a, b) => b.openedAt.localeCompare(a.openedAt) || a.id.localeCompare(b.id));
  const { windows } = opts;
  const asOf = windows ? latestActivity(sorted) : -Infinity;
  // Still firing by its alerts, but no alert for the quiet period: closed (a resolve notification was lost).
  const quiet = new Set(windows ? sorted.filter((i) => i.status === "open" && closesAt(i, windows) < asOf) : []);
  const status = (i: Incident) => (quiet.has(i) ? "closed (quiet)" : i.status);
  const section = (title: string, rows: Incident[], empty: string, intro: RootContent[] = []): RootContent[] => [
    heading(2, `${title} (${rows.length})`),
    ...(rows.length ? [...intro, incidentTable(rows, status)] : [paragraph(empty)]),
  ];
  const open = sorted.filter((i) => i.status === "open" && !quiet.has(i));
  const awaiting = sorted.filter((i) => i.investigation === "awaiting");
  const children: RootContent[] = [
    heading(1, "Incidents"),
    paragraph(
      `Written by Pipemedic: one folder per incident, whose README.md is the root-cause analysis. ${count(sorted.length, "incident")}, ${open.length} open.`,
      ...(quiet.size ? [` ${count(quiet.size, "incident")} closed by the quiet period, unresolved but without a new alert: "closed (quiet)".`] : []),
      ...(opts.now ? [` Updated ${utc(opts.now)}.`] : []),
    ),
    ...unparsedSection(opts.unparsed ?? []),
    ...section("Open", open, "No open incidents."),
    ...section("Awaiting a manual trigger", awaiting, "None: every recorded incident was investigated.", [
      paragraph(
        "Recorded but not investigated, because the policy did not start them automatically. Run the Investigate workflow (",
        code("workflow_dispatch"),
        ") with ",
        code("incident-id"),
        " set to the incident's id to investigate one.",
      ),
    ]),
    ...section(`Latest ${LATEST}`, sorted.slice(0, LATEST), "No incidents yet."),
    heading(2, "By pipeline"),
  ];
  const byPipeline = new Map<string, Incident[]>();
  for (const i of sorted) for (const p of i.pipelines.length ? i.pipelines : [""]) byPipeline.set(p, [...(byPipeline.get(p) ?? []), i]);
  const keys = [...byPipeline.keys()].sort((a, b) => (a === "" ? 1 : b === "" ? -1 : a.localeCompare(b)));
  if (!keys.length) children.push(paragraph("No incidents yet."));
  for (const p of keys) {
    const rows = byPipeline.get(p)!;
    children.push(heading(3, p ? code(p, 80) : "No known pipeline", ` (${rows.length})`), incidentTable(rows.slice(0, PER_PIPELINE), status));
    if (rows.length > PER_PIPELINE) children.push(paragraph(`${rows.length - PER_PIPELINE} older incidents are not listed here.`));
  }
  const root: Root = { type: "root", children };
  return redact(toMarkdown(root), patterns);
}
