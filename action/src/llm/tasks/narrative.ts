import type { Pattern } from "../../patterns.js";
import type { Llm, Rca, Verdict } from "../../model/index.js";
import { narrativeMessages } from "./prompts.js";
import { keepToDecision } from "./decided.js";
import { askJson } from "./reply.js";
import { NARRATIVE_JSON_SCHEMA } from "./schemas.js";
import { paragraphs, redactedLine } from "./text.js";

/** What the narrative may be written from: facts the deterministic investigation verified. */
export interface VerifiedInvestigation {
  /** One or two sentences of the framed problem (what fired, where, since when). */
  summary: string;
  /** Findings of checks that ran. */
  findings: Array<{ key: string; verdict: Verdict; finding: string }>;
  rca: Rca;
}

/** Longest narrative kept: a paragraph or two. */
const MAX_NARRATIVE = 1200;
const MAX_FINDINGS = 40;

/** The document the narrative is written from: capped, with decided checks first. */
function verifiedDoc(v: VerifiedInvestigation, patterns: Pattern[]): Record<string, unknown> {
  const order: Record<Verdict, number> = { pass: 0, fail: 1, inconclusive: 2 };
  const findings = [...v.findings].sort((a, b) => order[a.verdict] - order[b.verdict]).slice(0, MAX_FINDINGS);
  return {
    summary: redactedLine(v.summary, 600, patterns),
    conclusion: {
      conclusion: v.rca.conclusion,
      root_cause: v.rca.rootCause,
      confidence: v.rca.confidence,
      chain: v.rca.chain,
      ranked: v.rca.ranked.slice(0, 5).map((c) => ({ id: c.id, title: redactedLine(c.title, 120, patterns), status: c.status, confidence: c.confidence })),
      not_checked: v.rca.gaps.slice(0, 10).map((g) => redactedLine(g, 200, patterns)),
    },
    findings: findings.map((f) => ({ check: f.key, verdict: f.verdict, finding: redactedLine(f.finding, 240, patterns) })),
    ...(v.findings.length > MAX_FINDINGS ? { findings_omitted: v.findings.length - MAX_FINDINGS } : {}),
  };
}

/**
 * Markup a model may add despite being told not to; the report renders text inertly, this keeps it
 * readable. Links go too: the summary is written from findings that need none, and a link in prose
 * an on-call engineer trusts is a phishing vector.
 */
function plain(text: string): string {
  return text
    .replace(/!?\[([^\]\n]*)\]\([^)\n]*\)/g, "$1")
    .replace(/<?\b(?:https?|ftp):\/\/[^\s<>]+>?/gi, "(link removed)")
    .split(/\r?\n/)
    .map((line) => line.replace(/^\s*(?:#{1,6}\s+|[-*+]\s+|>\s*|\d+[.)]\s+)/, ""))
    .join("\n")
    .replace(/(\*\*|__|\*|`)([^*`\n]+)\1/g, "$2")
    .replace(/`/g, "");
}

/**
 * Writes the report's prose summary from verified findings only. Returns plain text (paragraphs
 * separated by a blank line) for the report layer to render inertly, or null when the LLM is off
 * for narratives, out of budget, or failing; never throws.
 */
export async function writeNarrative(llm: Llm, verified: VerifiedInvestigation): Promise<string | null> {
  if (!llm.tasks.narrative) return null;
  const patterns = llm.redactPatterns;
  const reply = await askJson(
    llm,
    {
      task: "narrative",
      messages: narrativeMessages(verifiedDoc(verified, patterns), patterns),
      schema: { name: "pipemedic_narrative", schema: NARRATIVE_JSON_SCHEMA },
    },
    (value) => {
      if (typeof value.narrative !== "string") return { ok: false, reason: 'schema violation: no "narrative" string' };
      const text = paragraphs(plain(value.narrative), MAX_NARRATIVE, patterns);
      if (!text) return { ok: false, reason: "schema violation: the narrative is empty" };
      const kept = keepToDecision(text, verified.rca);
      if (kept.dropped) llm.note(`narrative: dropped ${kept.dropped} sentence(s) naming another cause or conclusion than the investigation's`);
      return kept.text ? { ok: true, value: kept.text } : { ok: false, reason: "the narrative stated only conclusions the investigation did not reach" };
    },
  );
  return reply.ok ? reply.value : null;
}
