import type { PipelineResult } from "../model/index.js";
import { CLEAR_LINE } from "../report/progress.js";
import { renderCliReport, type RunContext } from "../report/terminal.js";
import { colorsFor } from "./color.js";
import type { CliIo } from "./io.js";

/** A run as the --json document: the commit, what could not be parsed, and each incident's conclusion. */
function resultJson(result: PipelineResult, extra: RunContext) {
  return {
    ...extra,
    commit: result.commit.sha,
    unparsed: result.unparsed.map((u) => ({ delivery: u.delivery, reason: u.reason })),
    incidents: result.outcomes.map((o) => ({
      id: o.incident.id,
      status: o.incident.status,
      investigated: o.investigated,
      reason: o.reason,
      root_cause: o.investigation?.rca.rootCause ?? null,
      conclusion: o.investigation?.rca.conclusion ?? null,
      confidence: o.investigation?.rca.confidence ?? null,
      chain: o.investigation?.rca.chain ?? [],
      ranked: o.investigation?.rca.ranked.map((c) => ({ id: c.id, confidence: c.confidence, status: c.status })) ?? [],
      fix: o.fix,
      report: o.reportPath,
    })),
  };
}

/** Prints a pipeline run: the terminal report, or the --json document. */
export function printResult(io: CliIo, result: PipelineResult, json: boolean, extra: RunContext = {}): void {
  // The live status line (standard error, on a terminal) would otherwise stay above or inside the result.
  if (io.tty && !json) io.err(CLEAR_LINE);
  io.out(json ? `${JSON.stringify(resultJson(result, extra), null, 2)}\n` : renderCliReport(result, extra, colorsFor(io)));
}
