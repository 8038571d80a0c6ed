import type { Pattern } from "../patterns.js";
import type { RootContent } from "mdast";
import type { PipelineResult } from "../model/index.js";
import { UNPARSED_DIR } from "../record/paths.js";
import { redact } from "../redact.js";
import { prepareInput, type PreparedInput, type ReportInput } from "./artifacts.js";
import { decisiveEvidence } from "./markdown/decisive.js";
import { confidence, count, duration } from "./markdown/format.js";
import { code, inert } from "./markdown/inert.js";
import { heading, link, list, paragraph, strong, table, type Inline } from "./markdown/nodes.js";
import { causeName } from "./markdown/readme.js";
import { toMarkdown } from "./markdown/serialize.js";

/** GitHub rejects a step summary above 1 MiB; stay a little under it. */
export const SUMMARY_MAX_BYTES = 1024 * 1024 - 4096;

export type SummaryInput = ReportInput & { reportPath: string };

export interface SummaryOptions {
  redactPatterns?: Pattern[];
  maxBytes?: number;
  /** For a whole run: where a person opens a repository path (the forge's file link); default the path itself. */
  link?: (repoPath: string) => string;
}

function reportLink(input: PreparedInput, reportPath: string): Inline {
  const target = input.link(reportPath);
  // A link a person clicks (its text the path, not code); a bare path only where there is no forge to link to.
  return /^https?:\/\//i.test(target) ? link(target, reportPath) : code(target, 200);
}

function incidentBlocks(input: PreparedInput, reportPath: string): { head: RootContent[]; rest: RootContent[] } {
  const i = input.incident;
  const inv = input.investigation;
  const head: RootContent[] = [
    heading(2, "Pipemedic: ", ...inert(i.title, 200)),
    paragraph(code(i.id), ` · severity ${i.severity} · ${i.status} · ${count(input.alerts.length, "alert")} · report `, reportLink(input, reportPath)),
  ];
  const rest: RootContent[] = [];
  if (!inv) {
    if (i.investigation === "done") head.push(paragraph(strong("Investigated earlier:"), " this run recorded its alerts; the report holds the investigation."));
    else if (i.status === "resolved") head.push(paragraph(strong("Not investigated:"), " resolved before investigation."));
    else
      head.push(
        paragraph(
          strong("Not investigated:"),
          " recorded and awaiting a manual trigger. Run the Investigate workflow with ",
          code("incident-id"),
          " set to ",
          code(i.id),
          ".",
        ),
      );
    return { head, rest };
  }
  const rca = inv.rca;
  if (rca.conclusion === "inconclusive") {
    const top = rca.ranked[0];
    head.push(
      paragraph(
        strong("Root cause: unknown"),
        " (inconclusive). ",
        ...(top ? ["Best candidate ", ...causeName(input, top.id, top.title), ` at ${confidence(top.confidence)}.`] : []),
      ),
    );
  } else {
    const named = rca.ranked.find((c) => c.id === rca.rootCause);
    head.push(
      paragraph(
        strong("Root cause:"),
        " ",
        ...causeName(input, rca.rootCause, named?.title),
        " — ",
        strong(rca.conclusion),
        `, confidence ${confidence(rca.confidence)}.`,
      ),
    );
  }
  const { evidence } = decisiveEvidence(inv);
  if (evidence.length)
    rest.push(paragraph(strong("Top evidence")), list(evidence.slice(0, 5).map((e) => [code(e.check, 60), " — ", ...inert(e.finding, 300)])));
  if (rca.gaps.length) rest.push(paragraph(strong("Could not check:"), " ", `${count(rca.gaps.length, "gap")}, e.g. `, ...inert(rca.gaps[0]!, 200)));
  const fix = input.fix;
  if (fix && fix.kind !== "none") {
    rest.push(
      paragraph(
        strong("Fix:"),
        " ",
        `${fix.kind} `,
        ...(fix.branch ? ["on ", code(fix.branch, 120), " "] : []),
        fix.pr !== null ? `(pull request #${fix.pr}, ${fix.state})` : `(${fix.state})`,
      ),
    );
  } else if (fix) {
    rest.push(paragraph(strong("Fix:"), " ", "no safe automatic fix. ", ...inert(fix.description, 200)));
  }
  const others = rca.ranked.slice(0, 5);
  if (others.length > 1)
    rest.push(
      table(
        ["Cause", "Confidence", "Status"],
        others.map((c) => [causeName(input, c.id, c.title), confidence(c.confidence), c.status.replace("_", " ")]),
      ),
    );
  rest.push(paragraph(`${count(rca.checksRun, "check")} in ${count(rca.rounds, "round")}, ${duration(inv.ms)}.`));
  return { head, rest };
}

const bytes = (s: string) => new TextEncoder().encode(s).length;

/**
 * Fits the blocks under `max` bytes: every incident's head (title, report link, cause) is kept, then
 * as many later blocks as fit, and a note says the summary was cut.
 */
function fit(heads: RootContent[][], rests: RootContent[][], max: number, patterns: Pattern[]): string {
  const render = (children: RootContent[]) => redact(toMarkdown({ type: "root", children }), patterns);
  const full = render(heads.flatMap((h, n) => [...h, ...(rests[n] ?? [])]));
  if (bytes(full) <= max) return full;
  const note = paragraph("This summary was truncated to fit GitHub's 1 MiB step summary limit; the full report is in the repository.");
  const kept = heads.flat();
  for (const block of rests.flat()) {
    if (bytes(render([...kept, block, note])) > max) break;
    kept.push(block);
  }
  const children = [...kept, note];
  while (children.length > 2 && bytes(render(children)) > max) children.splice(children.length - 2, 1);
  const out = render(children);
  if (bytes(out) <= max) return out;
  // Only reachable with an absurdly small limit: cut on a character boundary.
  return new TextDecoder().decode(new TextEncoder().encode(out).subarray(0, max)).replace(/\uFFFD+$/, "");
}

/**
 * The job summary for GITHUB_STEP_SUMMARY: root cause, confidence, top evidence and a link to the
 * report, redacted and kept under 1 MiB. Also accepts a whole pipeline run (one section per incident).
 */
export function renderJobSummary(input: SummaryInput | PipelineResult, opts: SummaryOptions = {}): string {
  const patterns = opts.redactPatterns ?? [];
  const max = opts.maxBytes ?? SUMMARY_MAX_BYTES;
  const items: SummaryInput[] =
    "outcomes" in input
      ? input.outcomes.map((o) => ({
          incident: o.incident,
          problem: o.problem,
          investigation: o.investigation,
          fix: o.fix,
          alerts: o.problem.alerts,
          runbooks: {},
          link: opts.link ?? ((p: string) => p),
          reportPath: o.reportPath,
        }))
      : [input];
  const all = "outcomes" in input ? input.unparsed : [];
  const unparsed = all.filter((u) => !u.inferred);
  const inferred = all.filter((u) => u.inferred);
  // A body nobody could parse is shown first: someone must notice it (it is kept under incidents/_unparsed/).
  const unparsedBlock: RootContent[] = [
    ...(unparsed.length
      ? [
          heading(2, "Pipemedic: alerts that could not be parsed"),
          list(unparsed.map((u) => [code(u.delivery, 80), " — ", ...inert(redact(u.reason, patterns), 400)])),
          paragraph("Their bodies are kept, redacted, under ", code(`${UNPARSED_DIR}/`), ". Fix the sender's payload or map it as a generic source."),
        ]
      : []),
    // Alerts read by inference are investigated, but a mapping would read them exactly.
    ...(inferred.length
      ? [
          heading(2, "Pipemedic: alerts inferred from bodies no source recognizes"),
          list(inferred.map((u) => [code(u.delivery, 80), " — ", ...inert(redact(u.reason, patterns), 400)])),
          paragraph("Their bodies are kept, redacted, under ", code(`${UNPARSED_DIR}/`), ". Map them as a generic source to read them exactly."),
        ]
      : []),
  ];
  if (!items.length) {
    const children = unparsedBlock.length ? unparsedBlock : [heading(2, "Pipemedic"), paragraph("No alert was recorded in this run.")];
    return redact(toMarkdown({ type: "root", children }), patterns);
  }
  const blocks = items.map((it) => incidentBlocks(prepareInput(it, patterns), it.reportPath));
  if (unparsedBlock.length) blocks.unshift({ head: unparsedBlock, rest: [] });
  return fit(
    blocks.map((b) => b.head),
    blocks.map((b) => b.rest),
    max,
    patterns,
  );
}
