import type { Root, RootContent } from "mdast";
import type { Evidence, Verdict } from "../../model/index.js";
import { README_FILE } from "../../record/paths.js";
import type { PreparedInput } from "../artifacts.js";
import { confidence, count, duration } from "./format.js";
import { code, inert } from "./inert.js";
import { heading, link, paragraph, table, type Inline } from "./nodes.js";
import { causeName } from "./readme.js";

const MARK: Record<Verdict, string> = { pass: "✔ pass", fail: "✘ fail", inconclusive: "? inconclusive" };

function row(input: PreparedInput, e: Evidence): Inline[] {
  const file = input.evidenceFile.get(e);
  const finding: Inline[] = [...inert(e.finding, 300)];
  if (e.verdict === "inconclusive" && e.reason && !e.finding.includes(e.reason)) finding.push(" — ", ...inert(e.reason, 200));
  return [code(e.check, 60), MARK[e.verdict], finding, `${e.weight}, ${e.role === "rule_out" ? "rule out" : "confirm"}`, file ? link(file, file) : "—"];
}

/** hypotheses.md: what ran, round by round: each check's verdict, finding and a link to its evidence. */
export function buildHypotheses(input: PreparedInput): Root {
  const inv = input.investigation;
  const out: RootContent[] = [heading(1, "What ran: ", ...inert(input.incident.title, 200))];
  if (!inv) return { type: "root", children: [...out, paragraph("Not investigated yet.")] };
  const rca = inv.rca;
  out.push(
    paragraph(
      `${count(rca.checksRun, "check")} in ${count(rca.rounds, "round")}, ${duration(inv.ms)}${rca.budgetExhausted ? "; the budget ran out" : ""}. Conclusion: `,
      rca.conclusion === "inconclusive" ? "root cause unknown (inconclusive)" : code(rca.rootCause),
      rca.conclusion === "inconclusive" ? "." : ` (${rca.conclusion}, confidence ${confidence(rca.confidence)}). The reasoning is in `,
      ...(rca.conclusion === "inconclusive" ? [] : [link(README_FILE, README_FILE), "."]),
    ),
  );
  const rounds = [...new Set(inv.evidence.map((e) => e.round))].sort((a, b) => a - b);
  for (const r of rounds) {
    out.push(heading(2, `Round ${r}`));
    const inRound = inv.evidence.filter((e) => e.round === r);
    const ids = [...new Set(inRound.map((e) => e.hypothesis))];
    for (const id of ids) {
      const h = inv.hypotheses.find((x) => x.id === id);
      const ranked = rca.ranked.find((c) => c.id === id);
      out.push(heading(3, ...causeName(input, id, h?.title ?? ranked?.title)));
      if (ranked) out.push(paragraph(`After the investigation: ${ranked.status.replace("_", " ")}, confidence ${confidence(ranked.confidence)}.`));
      out.push(
        table(
          ["Check", "Verdict", "Finding", "Weight, role", "Evidence"],
          inRound.filter((e) => e.hypothesis === id).map((e) => row(input, e)),
        ),
      );
    }
  }
  const idle = inv.hypotheses.filter((h) => !inv.evidence.some((e) => e.hypothesis === h.id));
  if (idle.length) {
    out.push(
      heading(2, "Not run"),
      paragraph("Planned but never checked (the investigation stopped first): ", ...idle.flatMap((h, i) => (i ? [", ", code(h.id)] : [code(h.id)])), "."),
    );
  }
  return { type: "root", children: out };
}
