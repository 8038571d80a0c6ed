import { z } from "zod";
import { CONFIG_PATH, DurationSchema } from "../model/index.js";
import { LlmPriceSchema } from "./budget.js";

/** An environment variable name; the policy names variables, it never holds their values. */
const EnvNameSchema = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "expected an environment variable name such as PIPEMEDIC_LLM_API_KEY");

/**
 * The `llm` key of .github/pipemedic.yml. Strict, so a credential pasted under a wrong key (say
 * `api_key: …`) is an error instead of silently sitting in the repository unused.
 */
export const LlmPolicySchema = z
  .object({
    /** false turns the LLM off even when a key is configured. */
    enabled: z.boolean().default(true),
    /** The model, unless the model variable names another. */
    model: z.string().min(1).default("gpt-4o-mini"),
    api_key_env: EnvNameSchema.default("PIPEMEDIC_LLM_API_KEY"),
    base_url_env: EnvNameSchema.default("PIPEMEDIC_LLM_BASE_URL"),
    model_env: EnvNameSchema.default("PIPEMEDIC_LLM_MODEL"),
    /** `json_schema` (OpenAI, Azure, vLLM, Ollama, LiteLLM) or `json_object` for servers without schemas. */
    structured_output: z.enum(["json_schema", "json_object"]).default("json_schema"),
    /** Reasoning models on OpenAI want `max_completion_tokens`; most compatible servers read `max_tokens`. */
    max_tokens_field: z.enum(["max_tokens", "max_completion_tokens"]).default("max_tokens"),
    /** Omitted from requests unless set: some models reject any temperature. */
    temperature: z.number().min(0).max(2).optional(),
    budget: z
      .object({
        calls: z.number().int().nonnegative().max(100).default(6),
        input_tokens: z.number().int().nonnegative().default(60_000),
        output_tokens: z.number().int().nonnegative().default(8_000),
        wall_time: DurationSchema.default("90s"),
        call_timeout: DurationSchema.default("30s"),
        retries: z.number().int().nonnegative().max(10).default(2),
        repairs: z.number().int().nonnegative().max(5).default(1),
        max_output_per_call: z.number().int().positive().default(2_000),
      })
      .strict()
      .prefault({}),
    /** USD per 1,000 tokens; 0 records tokens without a cost. */
    price_per_1k: LlmPriceSchema.strict().prefault({}),
    proposals: z
      .object({
        /** At most this many extra hypotheses per incident. */
        max: z.number().int().nonnegative().max(10).default(5),
        /** An LLM prior above this is lowered to it: a prior is a head start, and the LLM never decides. */
        max_prior: z.number().min(0.01).max(0.5).default(0.3),
      })
      .strict()
      .prefault({}),
    /** Prose summary of the verified findings in the report. */
    narrative: z.boolean().default(true),
    /** Fix patches written by the LLM for causes whose runbook has no fix; always draft pull requests. */
    fix: z.boolean().default(false),
  })
  .strict();
export type LlmPolicy = z.infer<typeof LlmPolicySchema>;

/** Parses the policy's `llm` key; a broken key disables the LLM and says which field to fix. */
export function parseLlmPolicy(raw: unknown): { policy: LlmPolicy; problems: string[] } {
  const parsed = LlmPolicySchema.safeParse(raw ?? {});
  if (parsed.success) return { policy: parsed.data, problems: [] };
  const problems = parsed.error.issues.map(
    (i) => `${CONFIG_PATH}: ${["llm", ...i.path.map(String)].join(".")}: ${i.message}; the LLM stays off until this is fixed`,
  );
  return { policy: { ...LlmPolicySchema.parse({}), enabled: false }, problems };
}
