/** Parses and applies pass_if comparisons such as ">= 3". */

export type Comparison = { op: ">=" | "<=" | "==" | "!=" | ">" | "<"; value: number; text: string };

/** Parses ">= 3" into a comparison; the schema has already checked the syntax. */
export function parseComparison(text: string): Comparison {
  const m = /^(>=|<=|==|!=|>|<)\s*(-?\d+(?:\.\d+)?)$/.exec(text.trim());
  if (!m) throw new Error(`expected a comparison such as ">= 3", got "${text}"`);
  return { op: m[1] as Comparison["op"], value: Number(m[2]), text: `${m[1]} ${m[2]}` };
}

/** Applies a comparison; NaN never satisfies one. */
export function holds(actual: number, c: Comparison): boolean {
  if (Number.isNaN(actual)) return false;
  switch (c.op) {
    case ">=":
      return actual >= c.value;
    case "<=":
      return actual <= c.value;
    case ">":
      return actual > c.value;
    case "<":
      return actual < c.value;
    case "==":
      return actual === c.value;
    case "!=":
      return actual !== c.value;
  }
}

/** Evaluates every pass_if key against the observed numbers; a key the primitive did not observe is an error. */
export function evaluatePassIf(passIf: Record<string, string>, observed: Record<string, number>): { pass: boolean; parts: string[]; missing: string[] } {
  const parts: string[] = [];
  const missing: string[] = [];
  let pass = true;
  for (const [key, text] of Object.entries(passIf)) {
    const c = parseComparison(text);
    const actual = observed[key];
    if (actual === undefined) {
      missing.push(key);
      continue;
    }
    const ok = holds(actual, c);
    pass &&= ok;
    parts.push(`${key} ${formatNumber(actual)} (${ok ? "meets" : "misses"} ${c.text})`);
  }
  return { pass, parts, missing };
}

/** Short, stable number formatting for findings. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return n > 0 ? "∞" : n < 0 ? "-∞" : "NaN";
  if (Number.isInteger(n)) return String(n);
  const abs = Math.abs(n);
  return abs >= 100 ? n.toFixed(0) : abs >= 1 ? n.toFixed(2) : n.toPrecision(2);
}
