const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Parses "30s", "5m", "-2h" (a lookback sign is ignored) into milliseconds. */
export function parseDuration(text: string): number {
  const m = /^-?(\d+)(ms|s|m|h|d)$/.exec(text.trim());
  if (!m) throw new Error(`expected a duration such as "5m" or "2h", got "${text}"`);
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}
