import type { PhrasingContent, Root, RootContent } from "mdast";
import type { Evidence, Fix, Investigation, RankedCause } from "../../model/index.js";
import { frontmatterYaml, type IncidentFrontmatter, type RecordedFix } from "../../record/frontmatter.js";
import { ALERTS_FILE, incidentFiles, incidentPath } from "../../record/paths.js";
import type { PreparedInput } from "../artifacts.js";
import { decisiveEvidence, leadingCauses } from "./decisive.js";
import { confidence, count, duration, meaning, round2, utc } from "./format.js";
import { breakMentions, code, inert, oneLine } from "./inert.js";
import { decisiveChart, incidentTimeline } from "./figures.js";
import { blockList, codeBlock, heading, link, list, paragraph, strong, table, type Inline } from "./nodes.js";
import { missingSubjects } from "./subjects.js";
import { runbookSection } from "./runbook-excerpt.js";
import { similarList } from "./shared-sections.js";
import { hrefFrom } from "./links.js";

/**
 * The incident's fix, as its record and its Fix section both show it: the fix this run proposed; else
 * the one an earlier investigation recorded (its pull request may be open or merged), with this run's
 * reason for proposing none; else this run's "no safe fix" note, or null when it did not get that far.
 */
export function incidentFix(input: PreparedInput): { fix: Fix; earlier: null } | { fix: RecordedFix; earlier: { note: string } } | null {
  const { fix, recordedFix } = input;
  if (fix && fix.kind !== "none") return { fix, earlier: null };
  if (recordedFix && recordedFix.kind !== "none") return { fix: recordedFix, earlier: { note: fix?.description ?? "" } };
  return fix ? { fix, earlier: null } : null;
}

/** The machine-readable record written as the README's frontmatter. */
export function incidentRecord(input: PreparedInput): IncidentFrontmatter {
  const { incident, investigation: inv } = input;
  const fix = incidentFix(input)?.fix;
  const rca = inv?.rca;
  const rootCause = rca
    ? { id: rca.rootCause, confidence: round2(rca.confidence), status: rca.conclusion }
    : incident.rootCause
      ? { ...incident.rootCause, confidence: round2(incident.rootCause.confidence) }
      : null;
  return {
    // Only the title is free text; it is kept to one line with mentions broken, like the body.
    id: incident.id,
    title: breakMentions(oneLine(incident.title, 200)),
    status: incident.status,
    severity: incident.severity,
    pipelines: incident.pipelines,
    fingerprints: incident.fingerprints,
    alertnames: incident.alertnames,
    opened_at: incident.openedAt,
    resolved_at: incident.resolvedAt,
    ...(incident.investigatedAt ? { investigated_at: incident.investigatedAt } : {}),
    ...(incident.recurrenceOf ? { recurrence_of: incident.recurrenceOf } : {}),
    ...(incident.startClamped ? { start_clamped: { ...incident.startClamped } } : {}),
    investigation: inv ? "done" : incident.investigation,
    root_cause: rootCause,
    chain: rca?.chain ?? [],
    fix: fix ? { kind: fix.kind, pr: fix.pr, branch: fix.branch, state: fix.state } : null,
    feedback: { actual_root_cause: null, notes: null },
    similar: input.problem.similar.map((s) => s.id),
    cost: { checks: rca?.checksRun ?? 0, ms: inv?.ms ?? 0, llm: input.llm ?? null },
  };
}

/** A cause's name for people: its title (inert) and id. */
export function causeName(input: PreparedInput, id: string, title?: string): Inline[] {
  const t = title ?? input.runbooks[id]?.title;
  return t && t !== id ? [...inert(t, 120), " (", code(id), ")"] : [code(id)];
}

function ids(keys: string[], max = 4): Inline[] {
  if (!keys.length) return ["—"];
  const shown = keys.slice(0, max).flatMap((k, i) => (i ? [", ", code(k.split("/").pop() ?? k, 60)] : [code(k.split("/").pop() ?? k, 60)]));
  return keys.length > max ? [...shown, ` +${keys.length - max}`] : shown;
}

function header(input: PreparedInput): RootContent[] {
  const i = input.incident;
  const pipelines = i.pipelines.length ? i.pipelines.flatMap((p, n) => (n ? [", ", code(p)] : [code(p)])) : ["none known"];
  return [
    heading(1, inert(i.title, 200)),
    paragraph(
      code(i.id),
      ` · severity ${i.severity} · ${i.status} · opened ${utc(i.openedAt)}`,
      ...(i.resolvedAt ? [` · resolved ${utc(i.resolvedAt)}`] : []),
      " · pipelines: ",
      ...pipelines,
    ),
    ...lifecycle(input),
  ];
}

/** Where the incident sits in its alert's history: the closed incident it recurs after, a start time that was clamped. */
function lifecycle(input: PreparedInput): RootContent[] {
  const i = input.incident;
  const out: RootContent[] = [];
  if (i.recurrenceOf) {
    const href = hrefFrom(i.path, incidentFiles.readme({ path: incidentPath(i.recurrenceOf) }), input.link);
    out.push(
      paragraph(
        "Recurrence of ",
        href ? link(href, code(i.recurrenceOf)) : code(i.recurrenceOf),
        ": the same alert fired again after that incident had closed; memory considers it first.",
      ),
    );
  }
  if (i.startClamped) {
    const { alerts, claimed, placed } = i.startClamped;
    out.push(
      paragraph(
        strong("Start time clamped:"),
        ` ${count(alerts, "alert")} claimed to start in the future (as late as ${utc(claimed)}); placed at the time ${alerts === 1 ? "it was" : "they were"} received (${utc(placed)}). Check the source's clock.`,
      ),
    );
  }
  return out;
}

/** Why an incident recorded without an investigation has none (our own words): its run is on it, the run did not reach it, or the policy. */
function whyNotInvestigated(input: PreparedInput): string {
  if (input.incident.investigation === "pending")
    return " The run that recorded this incident is investigating it; this page is replaced when the investigation is committed. If it still reads so after that run ended, the run stopped first.";
  if (input.deferred) return ` This incident was recorded, but this run did not investigate it: ${input.deferred}.`;
  return " This incident was recorded, but the policy did not start an investigation automatically: it awaits a manual trigger.";
}

function notInvestigated(input: PreparedInput): RootContent[] {
  const id = input.incident.id;
  return [
    heading(2, "Root cause"),
    paragraph(strong("Not investigated yet."), whyNotInvestigated(input)),
    paragraph(
      "To investigate it, run the Investigate workflow (",
      code("workflow_dispatch"),
      ") with ",
      code("incident-id"),
      " set to ",
      code(id),
      ", for example:",
    ),
    codeBlock(`gh workflow run investigate.yml -f incident-id=${id}`, "sh"),
    paragraph(`What fired: ${count(input.alerts.length, "alert")}; see the facts in `, link("problem.md", "problem.md"), "."),
  ];
}

function rootCause(input: PreparedInput, inv: Investigation): RootContent[] {
  const rca = inv.rca;
  const top = rca.ranked[0];
  const out: RootContent[] = [heading(2, "Root cause")];
  if (rca.conclusion === "inconclusive" && !top) {
    // Nothing was weighed, so "the evidence cannot decide" would be untrue: say what would have applied.
    out.push(paragraph(strong("Root cause unknown."), " No runbook applied to these alerts, so no cause was checked; do not act on a guess."));
    out.push(
      paragraph(
        "A runbook applies when its ",
        code("applies_to"),
        " names one of the alerts (",
        ...(input.problem.alertnames.length
          ? input.problem.alertnames.slice(0, 5).flatMap((n, i) => (i ? [", ", code(n, 80)] : [code(n, 80)]))
          : ["no alert name"]),
        "), the metric an alert is about, or a component of the impacted pipelines. Add one under ",
        code("runbooks/"),
        " (docs/runbooks.md), or describe the pipeline and its components in ",
        code("knowledge/"),
        " so that their runbooks apply.",
      ),
    );
    return out;
  }
  if (rca.conclusion === "inconclusive") {
    out.push(paragraph(strong("Root cause unknown."), " ", meaning("inconclusive")));
    out.push(
      paragraph(
        "Best candidate: ",
        ...causeName(input, top!.id, top!.title),
        ` — ${top!.status.replace("_", " ")}, confidence ${confidence(top!.confidence)}; not enough to name it.`,
      ),
    );
  } else {
    const named = rca.ranked.find((c) => c.id === rca.rootCause);
    out.push(paragraph(strong(...causeName(input, rca.rootCause, named?.title)), " — ", strong(rca.conclusion), `, confidence ${confidence(rca.confidence)}.`));
    out.push(paragraph(meaning(rca.conclusion)));
  }
  if (rca.conclusion !== "confirmed") {
    const missing: Inline[][] = rca.gaps.slice(0, 10).map((g) => [...inert(g, 200)]);
    const rival = rca.ranked.find((c) => top && c.id !== top.id && !top.chain.includes(c.id) && c.confidence > 0);
    if (rca.conclusion === "likely" && rival)
      missing.unshift(["a rival cause is close: ", ...causeName(input, rival.id, rival.title), ` at ${confidence(rival.confidence)}`]);
    if (rca.budgetExhausted) missing.push(["the investigation budget ran out before every check ran"]);
    if (rca.gaps.length > 10) missing.push([`${rca.gaps.length - 10} more gaps, listed below`]);
    if (!missing.length) missing.push(["no check of the candidates passed; the runbooks may not cover this failure mode (a new runbook would)"]);
    out.push(paragraph(strong("What is missing:")), list(missing));
  }
  if (rca.chain.length > 1) {
    out.push(heading(3, "Causal chain"));
    out.push(paragraph("From the mechanism the alerts show down to the cause beneath it:"));
    out.push(
      list(
        rca.chain.map((id, n) => {
          const c = rca.ranked.find((x) => x.id === id);
          const role = n === 0 ? " — the mechanism" : n === rca.chain.length - 1 ? " — the root cause" : "";
          return [...causeName(input, id, c?.title), role];
        }),
        true,
      ),
    );
  }
  return out;
}

function evidenceLink(input: PreparedInput, e: Evidence): PhrasingContent {
  const file = input.evidenceFile.get(e);
  return file ? link(file, "data") : code("no data");
}

function decisive(input: PreparedInput, inv: Investigation): RootContent[] {
  const { evidence, strong: isStrong } = decisiveEvidence(inv);
  const out: RootContent[] = [heading(2, "Decisive evidence")];
  if (!evidence.length) {
    out.push(paragraph("No check of the leading cause passed."));
    return out;
  }
  if (!isStrong) out.push(paragraph("No strong check passed; the support comes from weaker checks:"));
  out.push(list(evidence.slice(0, 12).map((e) => [code(e.check, 60), " — ", ...inert(e.finding, 300), ` (${e.weight}; `, evidenceLink(input, e), ")"])));
  out.push(...decisiveChart(input, inv, evidence));
  return out;
}

function timeline(input: PreparedInput, inv: Investigation | null): RootContent[] {
  return [heading(2, "Timeline"), ...incidentTimeline(input, inv)];
}

function ranked(input: PreparedInput, inv: Investigation): RootContent[] {
  const rows = inv.rca.ranked
    .slice(0, 25)
    .map((c: RankedCause, n) => [
      String(n + 1),
      causeName(input, c.id, c.title),
      confidence(c.confidence),
      c.status.replace("_", " "),
      ids(c.support),
      ids(c.against),
      ids(c.gaps),
    ]);
  if (!rows.length) return [heading(2, "Ranked causes"), paragraph("None: no runbook applied to these alerts (see Root cause above).")];
  const out: RootContent[] = [heading(2, "Ranked causes"), table(["#", "Cause", "Confidence", "Status", "For", "Against", "Not checked"], rows)];
  if (inv.rca.ranked.length > 25)
    out.push(paragraph(`${inv.rca.ranked.length - 25} more candidates are listed in `, link("hypotheses.md", "hypotheses.md"), "."));
  return out;
}

function ruledOut(input: PreparedInput, inv: Investigation): RootContent[] {
  const out: RootContent[] = [heading(2, "Ruled out")];
  const causes = inv.rca.ranked.filter((c) => c.status === "ruled_out" || c.status === "unlikely");
  if (!causes.length) return [...out, paragraph("Nothing was ruled out.")];
  const findings = (c: RankedCause): Evidence[] => {
    const against = inv.evidence.filter((e) => c.against.includes(e.key));
    return against.length ? against : inv.evidence.filter((e) => e.hypothesis === c.id && e.verdict === "fail" && e.role === "confirm");
  };
  out.push(
    blockList(
      causes.map((c) => {
        const why = findings(c).slice(0, 3);
        const head = paragraph(...causeName(input, c.id, c.title), ` — ${c.status.replace("_", " ")}${why.length ? ", because:" : "."}`);
        return why.length ? [head, list(why.map((e) => [...inert(e.finding, 240), " (", evidenceLink(input, e), ")"]))] : [head];
      }),
    ),
  );
  return out;
}

function gaps(inv: Investigation): RootContent[] {
  const out: RootContent[] = [heading(2, "Could not check")];
  const items: Inline[][] = inv.rca.gaps.map((g) => inert(g, 240));
  const untested = inv.rca.ranked.filter((c) => c.status === "untested");
  if (untested.length)
    items.push([
      "candidates with no usable evidence: ",
      ...ids(
        untested.map((c) => c.id),
        8,
      ),
    ]);
  if (inv.rca.budgetExhausted) items.push(["the budget ran out before every planned check ran"]);
  const missing = missingSubjects(inv);
  if (missing.size) {
    const wider = [...missing.values()].reduce((n, checks) => n + checks.length, 0);
    items.push([
      `${wider} checks read every series or stream because no one named `,
      ...[...missing.keys()].flatMap((k, i) => [...(i ? [", "] : []), code(k, 80)]),
      ": ",
      link("plan.md#what-knowledge-would-sharpen", "the knowledge/ lines that would"),
      " are in the plan",
    ]);
  }
  if (!items.length) return [...out, paragraph("Every planned check ran and gave a verdict.")];
  return [...out, paragraph("These gaps lower the confidence; closing them (a missing data source, a timeout) would sharpen the answer:"), list(items)];
}

/** Where a fix lives: its branch and its pull request with its state. */
function fixPlace(fix: Pick<Fix, "branch" | "pr" | "state">): Inline[][] {
  const items: Inline[][] = [];
  if (fix.branch) items.push(["branch ", code(fix.branch, 120)]);
  items.push(fix.pr !== null ? [`pull request #${fix.pr} (${fix.state})`] : [`no pull request yet (${fix.state})`]);
  return items;
}

const UNTIL_MERGED = "Nothing changes until a person reviews and merges it.";
const fixKind = (kind: Fix["kind"]) => (kind === "revert" ? "Revert" : "Configuration patch");

function fixSection(input: PreparedInput): RootContent[] {
  const shown = incidentFix(input);
  const out: RootContent[] = [heading(2, "Fix")];
  if (!shown) return [...out, paragraph("No fix was proposed.")];
  if (shown.earlier) {
    // The record keeps the kind, branch, pull request and state; the README that proposed it described the change.
    const { fix, earlier } = shown;
    return [
      ...out,
      paragraph(
        strong(fixKind(fix.kind)),
        ", proposed by an earlier investigation of this incident",
        ...(earlier.note ? ["; this one proposed none (", ...inert(earlier.note, 400), ")"] : []),
        ".",
      ),
      list(fixPlace(fix)),
      ...(fix.state === "proposed" || fix.state === "open" ? [paragraph(UNTIL_MERGED)] : []),
    ];
  }
  const fix = shown.fix;
  if (fix.kind === "none")
    return [...out, paragraph(strong("No safe automatic fix."), " ", ...inert(fix.description || "No runbook of the cause defines a safe fix.", 400))];
  const items = fixPlace(fix);
  if (fix.path) items.push(["changes ", code(fix.path, 200)]);
  items.push([fix.reversible ? "reversible: revert the pull request to undo it" : "not reversible: review with care"]);
  return [...out, paragraph(strong(fixKind(fix.kind)), ": ", ...inert(fix.description || fix.kind, 400)), list(items), paragraph(UNTIL_MERGED)];
}

function confirmOrCorrect(input: PreparedInput, inv: Investigation | null): RootContent[] {
  const out: RootContent[] = [heading(2, "Confirm or correct")];
  const lead = inv ? leadingCauses(inv).at(-1) : undefined;
  const runbook = lead ? input.runbooks[lead] : undefined;
  if (lead && runbook) {
    const steps = runbookSection(runbook.body, /confirm/i, 4);
    if (steps.length) out.push(heading(3, "How to confirm ", code(lead), " by hand"), ...steps);
  }
  if (!inv) {
    out.push(
      paragraph(
        "This record is the frontmatter at the top of this file. If you find the cause by hand, set ",
        code("feedback.actual_root_cause"),
        " to it (a runbook id, or a short kebab-case name), add ",
        code("feedback.notes"),
        " if useful, and commit: Pipemedic learns from it for similar incidents.",
      ),
    );
    return out;
  }
  out.push(
    paragraph(
      "This record is the frontmatter at the top of this file. If the cause is wrong, set ",
      code("feedback.actual_root_cause"),
      " to the real cause (a runbook id, or a short kebab-case name), add ",
      code("feedback.notes"),
      " if useful, and commit. Pipemedic learns from the correction: similar incidents will rank that cause first. If the cause is right, merging its fix records that.",
    ),
  );
  return out;
}

function files(input: PreparedInput, inv: Investigation | null): RootContent[] {
  const items: Inline[][] = [[link("problem.md", "problem.md"), " — the facts: what fired, when, what is impacted, recent changes"]];
  if (inv) {
    items.push([link("plan.md", "plan.md"), " — the hypotheses and their checks, as planned"]);
    items.push([link("hypotheses.md", "hypotheses.md"), " — what ran, round by round"]);
    items.push([code("evidence/"), ` — the data each check saw (${count(input.evidenceFile.size, "file")}, redacted)`]);
  }
  items.push([link(ALERTS_FILE, ALERTS_FILE), ` — the ${count(input.alerts.length, "normalized alert")}`]);
  const out: RootContent[] = [heading(2, "Files"), list(items)];
  if (inv) out.push(paragraph(`Cost: ${count(inv.rca.checksRun, "check")} in ${count(inv.rca.rounds, "round")}, ${duration(inv.ms)}.`));
  return out;
}

/** The LLM's prose, labelled as such, or a note that its part is missing when it gave up. */
function llmSummary(input: PreparedInput): RootContent[] {
  const out: RootContent[] = [];
  if (input.narrative) {
    out.push(heading(2, "Summary"));
    for (const para of input.narrative.split(/\n{2,}/).slice(0, 6)) out.push(paragraph(inert(para, 1200)));
    out.push(
      paragraph(
        `Written by an LLM (${input.llm?.model ?? "configured model"}) from the verified findings below; the verdicts are the checks', not the model's.`,
      ),
    );
  }
  if (input.llm?.degraded) {
    const why = input.llm.errors[input.llm.errors.length - 1] ?? "the provider did not answer";
    out.push(
      paragraph("The LLM's part of this investigation is missing (", inert(why, 300), "); everything here comes from runbooks and deterministic checks."),
    );
  }
  return out;
}

/** README.md of an incident folder: the RCA, with its frontmatter record. */
export function buildReadme(input: PreparedInput): Root {
  const inv = input.investigation;
  const body: RootContent[] = [{ type: "yaml", value: frontmatterYaml(incidentRecord(input)) }, ...header(input)];
  if (!inv) body.push(...notInvestigated(input), ...timeline(input, null));
  else
    body.push(
      ...rootCause(input, inv),
      ...llmSummary(input),
      ...decisive(input, inv),
      ...timeline(input, inv),
      ...ranked(input, inv),
      ...ruledOut(input, inv),
      ...gaps(inv),
      ...fixSection(input),
    );
  body.push(heading(2, "Similar past incidents"), similarList(input.problem.similar, input.incident.path, input.link));
  body.push(...confirmOrCorrect(input, inv), ...files(input, inv));
  return { type: "root", children: body };
}
