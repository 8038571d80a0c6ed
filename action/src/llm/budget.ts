import { z } from "zod";
import type { LlmBudget, LlmUsage } from "../model/index.js";

/** Modest defaults: three tasks (proposals, narrative, fix) with a repair each fit comfortably. */
export const DEFAULT_LLM_BUDGET: LlmBudget = {
  calls: 6,
  inputTokens: 60_000,
  outputTokens: 8_000,
  wallMs: 90_000,
  callTimeoutMs: 30_000,
  retries: 2,
  repairs: 1,
  maxOutputPerCall: 2_000,
};

/** USD per 1,000 tokens, for the cost estimate recorded in the incident. */
export const LlmPriceSchema = z.object({
  input: z.number().nonnegative().default(0),
  output: z.number().nonnegative().default(0),
});
export type LlmPrice = z.infer<typeof LlmPriceSchema>;

/** What the budget lets one call use, or why it refuses it. */
export type Admission = { ok: true; maxOutputTokens: number; maxRetries: number; timeoutMs: number; wallLeftMs: number } | { ok: false; reason: string };

/** Below this many output tokens a call cannot say anything useful, so it is not made. */
const MIN_OUTPUT = 64;
/** Below this much wall time a call would only time out. */
const MIN_WALL_MS = 250;
/** Errors kept in usage; a flapping provider must not bloat the incident frontmatter. */
const MAX_ERRORS = 20;

/** Rough token count of text (about four characters a token), used before the provider reports usage. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Tracks one incident's LLM use against its budget. */
export class BudgetTracker {
  private calls = 0;
  private input = 0;
  private output = 0;
  private waitedMs = 0;
  private readonly errors: string[] = [];
  private degraded = false;

  constructor(
    readonly limits: LlmBudget,
    private readonly model: string,
    private readonly price: LlmPrice = { input: 0, output: 0 },
  ) {}

  /** Decides whether a call with this estimated input may be sent now, and with which limits. */
  admit(estimatedInput: number): Admission {
    const l = this.limits;
    if (this.calls >= l.calls) return { ok: false, reason: `budget exhausted: ${this.calls} of ${l.calls} calls used` };
    if (this.input + estimatedInput > l.inputTokens) {
      return { ok: false, reason: `budget exhausted: ${this.input} input tokens used, this call needs about ${estimatedInput} more (limit ${l.inputTokens})` };
    }
    const outputLeft = l.outputTokens - this.output;
    if (outputLeft < MIN_OUTPUT) return { ok: false, reason: `budget exhausted: ${this.output} of ${l.outputTokens} output tokens used` };
    const wallLeftMs = l.wallMs - this.waitedMs;
    if (wallLeftMs < MIN_WALL_MS)
      return { ok: false, reason: `budget exhausted: ${Math.round(this.waitedMs)} of ${l.wallMs} ms spent waiting on the provider` };
    return {
      ok: true,
      maxOutputTokens: Math.min(l.maxOutputPerCall, outputLeft),
      // Every retry is an attempt that counts as a call: never retry past the calls left.
      maxRetries: Math.max(0, Math.min(l.retries, l.calls - this.calls - 1)),
      // Whole milliseconds: timers and AbortSignal.timeout refuse fractions.
      timeoutMs: Math.max(1, Math.floor(Math.min(l.callTimeoutMs, wallLeftMs))),
      wallLeftMs: Math.max(1, Math.floor(wallLeftMs)),
    };
  }

  /** Counts one HTTP attempt (first try or retry). */
  attempt(): void {
    this.calls++;
  }

  /** True when another attempt would exceed the calls budget. */
  get attemptsExhausted(): boolean {
    return this.calls >= this.limits.calls;
  }

  /** Adds the tokens a reply used (as the provider reported them, or estimated when it did not). */
  spend(tokens: { input: number; output: number }): void {
    this.input += Math.max(0, Math.round(tokens.input));
    this.output += Math.max(0, Math.round(tokens.output));
  }

  /** Adds time spent waiting on the provider. */
  waited(ms: number): void {
    this.waitedMs += Math.max(0, ms);
  }

  /** Records why something failed; `giveUp` marks the incident's LLM part as degraded. */
  fail(reason: string, giveUp: boolean): void {
    if (this.errors.length < MAX_ERRORS) this.errors.push(reason);
    else if (this.errors.length === MAX_ERRORS) this.errors.push("further errors omitted");
    if (giveUp) this.degraded = true;
  }

  /** The usage record so far (a copy). */
  usage(): LlmUsage {
    const cost = (this.input / 1000) * this.price.input + (this.output / 1000) * this.price.output;
    return {
      model: this.model,
      calls: this.calls,
      input_tokens: this.input,
      output_tokens: this.output,
      estimated_cost_usd: Math.round(cost * 1e6) / 1e6,
      errors: [...this.errors],
      degraded: this.degraded,
    };
  }
}
