import type { Rca } from "../../model/index.js";

/** How people read times in reports: `2026-03-14 10:02 UTC`; anything unparseable is shown as given. */
export function utc(at: string | number | null | undefined): string {
  if (at === null || at === undefined || at === "") return "unknown";
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return String(at);
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** A confidence as two decimals (0.87): the same figure the frontmatter records. */
export function confidence(x: number): string {
  return round2(x).toFixed(2);
}

/** Rounds to two decimals for the machine-readable record. */
export function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** What a conclusion means, in one sentence a reader can act on. */
export function meaning(conclusion: Rca["conclusion"]): string {
  switch (conclusion) {
    case "confirmed":
      return "Confirmed: its decisive checks passed and no rival cause comes close. Review the evidence, then act on the fix.";
    case "likely":
      return "Likely: the evidence favours this cause over the others, but it is not conclusive. Verify it first, using the evidence and the gaps below.";
    case "inconclusive":
      return "Inconclusive: the evidence cannot decide between the candidates. No cause is named; do not act on a guess.";
  }
}

/** A duration in milliseconds for people: `850 ms`, `12.4 s`, `3.1 min`. */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

/** Singular or plural, counted: `1 check`, `3 checks`. */
export function count(n: number, word: string, plural = `${word}s`): string {
  return `${n} ${n === 1 ? word : plural}`;
}
