const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds of a duration such as `30s`, `2h`, `-1h` (the sign of a lookback is ignored); null when it is not one. */
export function durationMs(text: string): number | null {
  const m = /^-?(\d+)(ms|s|m|h|d)$/.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}
