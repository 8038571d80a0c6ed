import type { PrimitiveImpl } from "./types.js";

/** change_in_window: changes or events shortly before the onset → `count`, `minutes_before_onset` of the latest. */
export const changeInWindow: PrimitiveImpl = {
  input: "records",
  measure(records, ctx) {
    if (ctx.onset === null) return { noData: "no onset to look back from" };
    const onset = ctx.onset;
    const timed = records.filter((r) => r.at !== null).sort((a, b) => a.at! - b.at!);
    const observed: Record<string, number> = { count: timed.length };
    const latest = timed[timed.length - 1];
    if (latest) observed.minutes_before_onset = (onset - latest.at!) / 60_000;
    return { measurement: { subject: "changes", observed }, matched: timed };
  },
};
