import type { Rca } from "../../model/index.js";

/**
 * The narrative may describe what was observed; only the deterministic investigation decides. A
 * sentence that names a cause other than the decided one (or its chain), or that states a
 * conclusion or status other than the decided one, is dropped, whatever the model was told or
 * tricked into writing.
 */

/** Words that state a verdict; each maps to the conclusion it asserts (null: asserts some cause). */
const VERDICT_WORDS: Array<[RegExp, Rca["conclusion"] | null]> = [
  [/(?<!not )\bconfirm(?:ed|s)?\b|(?<!not (?:been )?)\bestablished\b|(?<!not )\bproven\b|\bdefinitely\b|\bcertainly\b/i, "confirmed"],
  [/\blikely\b|\bprobabl[ey]\b|\bmost plausible\b/i, "likely"],
  [
    /\binconclusive\b|\bunknown\b|\bundetermined\b|\bnot (?:been )?(?:established|determined|identified)\b|\bcould not (?:be )?(?:determined|established)\b/i,
    "inconclusive",
  ],
  [/\broot cause\b|\bcaused by\b|\bdue to\b|\bruled out\b|\bresolved\b|\bno action\b|\bnothing (?:needs|to do)\b/i, null],
];

/** The sentences of a paragraph, each with its closing punctuation (a decimal point does not end one). */
function sentences(paragraph: string): string[] {
  return paragraph
    .split(/(?<=[.!?])\s+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

const mentions = (sentence: string, names: string[]) => {
  const low = sentence.toLowerCase();
  return names.some((n) => n.length >= 4 && low.includes(n.toLowerCase()));
};

/** Whether one sentence stays within the decision: names no other cause, asserts no other verdict. */
function withinDecision(sentence: string, rca: Rca): boolean {
  const decided = new Set(rca.conclusion === "inconclusive" ? [] : [rca.rootCause, ...rca.chain]);
  const names = (c: Rca["ranked"][number]) => [c.id, c.title];
  const others = rca.ranked.filter((c) => !decided.has(c.id)).flatMap(names);
  if (mentions(sentence, others)) return false;
  const ours = rca.ranked.filter((c) => decided.has(c.id)).flatMap(names);
  for (const [word, asserts] of VERDICT_WORDS) {
    if (!word.test(sentence)) continue;
    if (asserts !== null && asserts !== rca.conclusion) return false;
    // A verdict about some cause must be about the decided one; an inconclusive run decided none.
    if (asserts === null && !(rca.conclusion !== "inconclusive" && mentions(sentence, ours))) return false;
  }
  return true;
}

/** The narrative without the sentences that contradict the decision, and how many were dropped. */
export function keepToDecision(text: string, rca: Rca): { text: string; dropped: number } {
  let dropped = 0;
  const paras = text
    .split("\n\n")
    .map((p) => {
      const kept = sentences(p).filter((s) => withinDecision(s, rca) || (dropped++, false));
      return kept.join(" ");
    })
    .filter(Boolean);
  return { text: paras.join("\n\n"), dropped };
}
