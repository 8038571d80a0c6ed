import type { Root } from "mdast";
import type { Investigation } from "../model/index.js";
import type { FixProposal } from "../model/index.js";
import { inert, code } from "./markdown/inert.js";
import { heading, link, list, paragraph, strong } from "./markdown/nodes.js";
import { toMarkdown } from "./markdown/serialize.js";

/** GitHub rejects pull request bodies over 65,536 characters; leave room for the truncation note. */
export const PR_BODY_MAX = 60_000;

/**
 * The body of a fix pull request: the cause and its confidence, the decisive evidence, what the
 * change does and why, how to roll it back, and the link to the investigation. Built as mdast so
 * findings (which quote telemetry) cannot inject Markdown or mention anyone.
 */
export function renderPullRequestBody(input: { proposal: FixProposal; investigation: Investigation; reportUrl: string; incidentId: string }): string {
  const { proposal, investigation } = input;
  const rca = investigation.rca;
  const decisive = investigation.evidence.filter((e) => e.hypothesis === rca.rootCause && e.verdict === "pass");
  const against = investigation.evidence.filter((e) => e.hypothesis === rca.rootCause && e.verdict !== "pass");
  const tree: Root = {
    type: "root",
    children: [
      paragraph(strong("Cause:"), " ", code(rca.rootCause), ` — ${rca.conclusion}, confidence ${rca.confidence.toFixed(2)}`),
      ...(rca.chain.length > 1
        ? [
            paragraph(
              strong("Chain:"),
              " ",
              rca.chain.map((c, i) => [i ? " → " : "", code(c)]),
            ),
          ]
        : []),
      heading(3, "Evidence"),
      list(decisive.length ? decisive.map((e) => [code(e.check), " ", inert(e.finding)]) : [["No passing check: review carefully."]]),
      ...(against.length
        ? [
            paragraph(
              strong("Not supporting or not checked:"),
              " ",
              against.map((e, i) => [i ? ", " : "", code(e.check)]),
            ),
          ]
        : []),
      heading(3, "Change"),
      paragraph(inert(proposal.description, 1000)),
      paragraph(strong("Why this change:"), ` the runbook for `, code(proposal.cause), ` defines it as the safe fix for this cause.`),
      heading(3, "Roll back"),
      paragraph(inert(proposal.rollback, 1000)),
      heading(3, "Investigation"),
      paragraph(
        link(input.reportUrl, `Incident ${input.incidentId}`),
        proposal.draft ? " — opened as a draft because the confidence is below the policy's threshold." : "",
      ),
    ],
  };
  const body = toMarkdown(tree);
  return body.length > PR_BODY_MAX ? `${body.slice(0, PR_BODY_MAX)}\n\n… (cut to fit GitHub's limit; the full evidence is in the incident folder)\n` : body;
}
