import type { Pattern } from "../patterns.js";
import OpenAI from "openai";
import { z } from "zod";
import type { Completion, CompletionRequest, Llm, LlmBudget, LlmTasks, LlmUsage } from "../model/index.js";
import { redact } from "../redact.js";
import { BudgetTracker, estimateTokens, type LlmPrice } from "./budget.js";
import { describeFailure } from "./failure.js";

/** What the LLM may do when the policy says nothing: propose a few hypotheses and write the narrative, no fixes. */
export const DEFAULT_LLM_TASKS: LlmTasks = { maxProposals: 5, maxPrior: 0.3, narrative: true, fix: false };

/** Everything createLlm needs; llmConfigFromEnv builds it from the environment and the policy. */
export interface LlmConfig {
  baseURL?: string;
  model: string;
  apiKey?: string;
  budget: LlmBudget;
  price?: LlmPrice;
  structuredOutput?: "json_schema" | "json_object";
  maxTokensField?: "max_tokens" | "max_completion_tokens";
  temperature?: number;
  tasks?: Partial<LlmTasks>;
  /** The repository's own redaction patterns (policy `redaction.patterns`). */
  redactPatterns?: Pattern[];
}

/** Replies longer than this are refused unread: nothing Pipemedic asks for needs more. */
export const MAX_REPLY_CHARS = 64_000;

/** The part of a chat completion we read, validated at the boundary. */
const ChatResponseSchema = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullable().optional(), refusal: z.string().nullable().optional() }),
        finish_reason: z.string().nullable().optional(),
      }),
    )
    .min(1),
  usage: z.object({ prompt_tokens: z.number().nonnegative(), completion_tokens: z.number().nonnegative() }).nullish(),
});

/**
 * Creates the LLM adapter, or null when no LLM is configured (no key and no base URL): Pipemedic
 * is complete without one. A base URL alone is enough for local servers (vLLM, Ollama) that need no key.
 */
export function createLlm(config: LlmConfig): Llm | null {
  if (!config.apiKey && !config.baseURL) return null;
  return new OpenAiLlm(config);
}

/** The `Llm` port over an OpenAI-compatible chat completions API. */
class OpenAiLlm implements Llm {
  readonly model: string;
  readonly tasks: LlmTasks;
  readonly redactPatterns: Pattern[];
  readonly budget: LlmBudget;
  private readonly tracker: BudgetTracker;
  private readonly openai: OpenAI;
  /** Calls run one at a time so every attempt is admitted against an up-to-date budget. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly config: LlmConfig) {
    this.model = config.model;
    this.tasks = { ...DEFAULT_LLM_TASKS, ...config.tasks };
    this.redactPatterns = config.redactPatterns ?? [];
    this.budget = config.budget;
    this.tracker = new BudgetTracker(config.budget, config.model, config.price);
    const tracker = this.tracker;
    this.openai = new OpenAI({
      // Explicit nulls: the SDK would otherwise read OPENAI_* variables we did not choose to use.
      baseURL: config.baseURL ?? null,
      // Local servers take any key; the SDK insists on one.
      apiKey: config.apiKey ?? "unused",
      organization: null,
      project: null,
      maxRetries: config.budget.retries,
      timeout: config.budget.callTimeoutMs,
      logLevel: "off",
      // Every HTTP attempt, the SDK's retries included, is a call the budget counts.
      fetch: (input, init) => {
        tracker.attempt();
        return fetch(input, init);
      },
    });
  }

  complete(request: CompletionRequest): Promise<Completion> {
    const run = this.queue.then(() =>
      this.send(request).catch((err: unknown): Completion => ({ ok: false, reason: describeFailure(err, request.task), repairable: false })),
    );
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async send(request: CompletionRequest): Promise<Completion> {
    // Defence in depth: the prompt builders redact, and nothing leaves without passing here again.
    const messages = request.messages.map((m) => ({ role: m.role, content: redact(m.content, this.redactPatterns) }));
    const estimated = estimateTokens(messages.map((m) => m.content).join("\n")) + 8 * messages.length;
    const admission = this.tracker.admit(estimated);
    if (!admission.ok) return { ok: false, reason: `${request.task}: ${admission.reason}`, repairable: false };
    const body = {
      model: this.model,
      messages,
      response_format:
        this.config.structuredOutput === "json_object"
          ? ({ type: "json_object" } as const)
          : ({ type: "json_schema", json_schema: { name: request.schema.name, schema: request.schema.schema, strict: false } } as const),
      [this.config.maxTokensField ?? "max_tokens"]: admission.maxOutputTokens,
      ...(this.config.temperature !== undefined ? { temperature: this.config.temperature } : {}),
    };
    const t0 = performance.now();
    let raw: unknown;
    try {
      raw = await this.openai.chat.completions.create(body as OpenAI.ChatCompletionCreateParamsNonStreaming, {
        maxRetries: admission.maxRetries,
        timeout: admission.timeoutMs,
        // The whole call, retries and their waits included, ends when the wall-time budget does.
        signal: AbortSignal.timeout(admission.wallLeftMs),
      });
    } catch (err) {
      return { ok: false, reason: describeFailure(err, request.task), repairable: err instanceof SyntaxError };
    } finally {
      this.tracker.waited(performance.now() - t0);
    }
    const parsed = ChatResponseSchema.safeParse(raw);
    if (!parsed.success) {
      this.tracker.spend({ input: estimated, output: 0 });
      return { ok: false, reason: `${request.task}: malformed reply: not a chat completion`, repairable: true };
    }
    const choice = parsed.data.choices[0]!;
    const content = choice.message.content ?? "";
    const usage = parsed.data.usage;
    this.tracker.spend(usage ? { input: usage.prompt_tokens, output: usage.completion_tokens } : { input: estimated, output: estimateTokens(content) });
    if (!content) {
      const why = choice.message.refusal ? "the model refused" : "the reply is empty";
      return { ok: false, reason: `${request.task}: ${why}`, repairable: true };
    }
    if (content.length > MAX_REPLY_CHARS) {
      return { ok: false, reason: `${request.task}: oversized reply: ${content.length} characters (limit ${MAX_REPLY_CHARS})`, repairable: true };
    }
    if (choice.finish_reason === "length") {
      return { ok: false, reason: `${request.task}: reply cut at the output token limit`, repairable: true };
    }
    return { ok: true, content };
  }

  giveUp(reason: string): void {
    this.tracker.fail(redact(reason, this.redactPatterns), true);
  }

  note(reason: string): void {
    this.tracker.fail(redact(reason, this.redactPatterns), false);
  }

  usage(): LlmUsage {
    return this.tracker.usage();
  }

  forIncident(): Llm {
    return new OpenAiLlm(this.config);
  }
}
