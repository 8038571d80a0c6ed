import type { PipelineResult } from "../model/index.js";
import type { EvalSummary, ScenarioScore } from "../eval/score.js";
import { count } from "./markdown/format.js";

/** Control characters from alert text never reach a terminal: they could rewrite the screen. */
function clean(text: string): string {
  // eslint-disable-next-line no-control-regex -- replacing control characters is what this pattern is for
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, "?");
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** What the CLI knows of a run besides its result: the scenario it replayed, the repository it wrote, how long it took. */
export interface RunContext {
  scenario?: string;
  title?: string;
  repository?: string;
  ms?: number;
}

/** Styles for a terminal (the CLI gives ANSI ones on a TTY without NO_COLOR); plain text by default. */
export interface TextStyles {
  bold(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
}

const PLAIN: TextStyles = { bold: (t) => t, green: (t) => t, yellow: (t) => t };

/** The human summary of a run: per incident, the cause, confidence, chain, decisive evidence, fix and report. */
export function renderCliReport(result: PipelineResult, extra: RunContext = {}, style: TextStyles = PLAIN): string {
  const lines: string[] = [];
  if (extra.scenario) lines.push(`Scenario: ${clean(extra.title ?? extra.scenario)} (${clean(extra.scenario)})`);
  // A body whose alerts were inferred is kept with the unparsed ones but is counted apart: its alerts are among those normalized.
  const inferred = result.unparsed.filter((u) => u.inferred).length;
  lines.push(
    `Alerts: ${result.alerts.length} normalized, ${count(result.duplicates, "duplicate")}, ${result.unparsed.length - inferred} unparsed${inferred ? `, ${count(inferred, "body", "bodies")} inferred` : ""}`,
  );
  for (const u of result.unparsed) lines.push(`  ${u.inferred ? "inferred" : "unparsed"} ${clean(u.delivery)}: ${clean(u.reason)}`);
  for (const o of result.outcomes) {
    lines.push("", `${style.bold(`Incident ${o.incident.id}`)} (${o.incident.status}, ${o.incident.severity})`);
    const inv = o.investigation;
    if (!inv) {
      lines.push(`  ${style.yellow(o.incident.investigation === "done" ? "Not investigated again" : "Not investigated")}: ${clean(o.reason)}`);
    } else {
      const rca = inv.rca;
      const top = rca.ranked[0];
      const head =
        rca.conclusion === "inconclusive"
          ? top
            ? `unknown — the evidence cannot decide (best candidate ${top.id}, ${top.confidence})`
            : "unknown — no runbook applied to these alerts, so no cause was checked (a runbook whose applies_to names the alert, its metric or its components would)"
          : `${rca.rootCause} — ${top?.title ?? ""} (${rca.conclusion}, confidence ${rca.confidence})`;
      lines.push(`  Root cause: ${rca.conclusion === "confirmed" ? style.green(head) : style.yellow(head)}`);
      if (rca.chain.length > 1) lines.push(`  Chain: ${rca.chain.join(" → ")}`);
      const decisive = inv.evidence.filter((e) => rca.ranked[0] && e.hypothesis === rca.ranked[0].id && e.verdict === "pass").slice(0, 4);
      for (const e of decisive) lines.push(`  ${style.green("✔")} ${clean(e.finding)}`);
      for (const c of rca.ranked.slice(1, 4)) lines.push(`  also considered: ${c.id} (${c.status}, ${c.confidence})`);
      if (rca.gaps.length) lines.push(`  Could not check: ${count(rca.gaps.length, "check")}, e.g. ${clean(rca.gaps[0]!)}`);
      lines.push(`  Checks: ${rca.checksRun} in ${count(rca.rounds, "round")}, ${inv.ms} ms`);
    }
    if (o.fix && o.fix.kind !== "none") {
      lines.push(`  Fix: ${o.fix.kind} on branch ${o.fix.branch}${o.fix.pr ? ` (pull request #${o.fix.pr})` : ""}: ${clean(o.fix.description)}`);
    } else if (o.fix) {
      lines.push(`  Fix: ${clean(o.fix.description)}`);
    }
    lines.push(`  Report: ${extra.repository ? `${extra.repository}/` : ""}${o.reportPath}`);
  }
  if (result.commit.sha) lines.push("", `Committed ${result.commit.sha.slice(0, 12)}${extra.repository ? ` in ${extra.repository}` : ""}`);
  return `${lines.join("\n")}\n`;
}

/** The eval table: one row per scenario, then the summary rates. */
export function renderEvalTable(scores: ScenarioScore[], s: EvalSummary): string {
  const mark = (b: boolean | undefined) => (b === undefined ? " " : b ? "✔" : "✘");
  const idW = Math.max(8, ...scores.map((x) => x.id.length));
  const expW = Math.max(8, ...scores.map((x) => x.expected.length));
  const lines = [`${"scenario".padEnd(idW)}  ${"expected".padEnd(expW)}  ${"ranked first".padEnd(36)} top1 top3 wrong! distr inc  fix   ms`];
  for (const x of scores) {
    const first = x.ranked[0] ? `${x.ranked[0].id} (${x.ranked[0].confidence})` : "—";
    lines.push(
      `${x.id.padEnd(idW)}  ${x.expected.padEnd(expW)}  ${first.padEnd(36)}  ${mark(x.top1)}    ${mark(x.top3)}    ${mark(x.confident_wrong ? false : true)}     ${mark(!x.distractor)}    ${mark(x.incidents_ok)}   ${mark(x.fix_ok)}  ${String(x.ms).padStart(5)}`,
    );
  }
  lines.push(
    "",
    `${s.scenarios} scenarios: top1 ${pct(s.top1)}, top3 ${pct(s.top3)}, confident-wrong ${pct(s.confident_wrong)}, distractor ${pct(s.distractor)}, incidents ok ${pct(s.incidents_ok)}, median ${s.median_ms} ms`,
    "",
    "                          top1     top3",
    `pipemedic             ${pct(s.top1).padStart(8)} ${pct(s.top3).padStart(8)}`,
    `baseline: last change ${pct(s.baselines.last_change.top1).padStart(8)} ${pct(s.baselines.last_change.top3).padStart(8)}`,
    `baseline: anomaly     ${pct(s.baselines.anomaly.top1).padStart(8)} ${pct(s.baselines.anomaly.top3).padStart(8)}`,
  );
  return `${lines.join("\n")}\n`;
}
