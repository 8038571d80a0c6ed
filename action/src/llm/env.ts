import type { Pattern } from "../patterns.js";
import { CONFIG_PATH, durationMs, type Llm, type LlmBudget } from "../model/index.js";
import { createLlm, type LlmConfig } from "./client.js";
import { parseLlmPolicy, type LlmPolicy } from "./policy.js";

/** Variables that hold the repository's own tokens: never sent to an LLM provider as its key. */
const REPOSITORY_TOKENS = /^(?:GITHUB_|ACTIONS_|RUNNER_)|GITHUB_TOKEN|GH_TOKEN/;

function budgetOf(p: LlmPolicy): LlmBudget {
  const b = p.budget;
  return {
    calls: b.calls,
    inputTokens: b.input_tokens,
    outputTokens: b.output_tokens,
    wallMs: durationMs(b.wall_time) ?? 90_000,
    callTimeoutMs: Math.max(1, durationMs(b.call_timeout) ?? 30_000),
    retries: b.retries,
    repairs: b.repairs,
    maxOutputPerCall: b.max_output_per_call,
  };
}

/** Why a base URL is not usable, or null. */
function badBaseUrl(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return "is not a URL";
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") return "must be an http(s) URL";
  if (u.username || u.password) return "must not carry credentials; put the key in the API key variable";
  return null;
}

/**
 * Builds createLlm's config from the environment and the policy's `llm` key: the key, base URL and
 * model come from the variables the policy names (PIPEMEDIC_LLM_API_KEY, PIPEMEDIC_LLM_BASE_URL,
 * PIPEMEDIC_LLM_MODEL by default). Without a key and a base URL, or with a broken policy, the
 * config carries neither and createLlm returns null; `problems` says why, for a warning.
 */
export function llmConfigFromEnv(
  env: Record<string, string | undefined>,
  rawPolicy: unknown,
  options: { redactPatterns?: Pattern[] } = {},
): { config: LlmConfig; problems: string[] } {
  const { policy, problems } = parseLlmPolicy(rawPolicy);
  const config: LlmConfig = {
    model: env[policy.model_env]?.trim() || policy.model,
    budget: budgetOf(policy),
    price: policy.price_per_1k,
    structuredOutput: policy.structured_output,
    maxTokensField: policy.max_tokens_field,
    ...(policy.temperature !== undefined ? { temperature: policy.temperature } : {}),
    tasks: { maxProposals: policy.proposals.max, maxPrior: policy.proposals.max_prior, narrative: policy.narrative, fix: policy.fix },
    redactPatterns: options.redactPatterns ?? [],
  };
  if (!policy.enabled) return { config, problems };
  if (REPOSITORY_TOKENS.test(policy.api_key_env)) {
    problems.push(
      `${CONFIG_PATH}: llm.api_key_env: ${policy.api_key_env} holds a repository token, not an LLM key; name the variable your workflow maps the LLM secret to`,
    );
    return { config, problems };
  }
  const apiKey = env[policy.api_key_env]?.trim();
  const baseURL = env[policy.base_url_env]?.trim().replace(/\/+$/, "");
  if (baseURL) {
    const bad = badBaseUrl(baseURL);
    if (bad) {
      problems.push(`${policy.base_url_env} ${bad}; the LLM stays off`);
      return { config, problems };
    }
    config.baseURL = baseURL;
  }
  if (apiKey) config.apiKey = apiKey;
  return { config, problems };
}

/** The LLM an entry should use: configured from the environment and policy, or undefined (and why, through `warn`). */
export function llmFromEnvironment(
  env: Record<string, string | undefined>,
  rawPolicy: unknown,
  options: { redactPatterns?: Pattern[]; warn: (message: string) => void },
): Llm | undefined {
  const { config, problems } = llmConfigFromEnv(env, rawPolicy, options.redactPatterns ? { redactPatterns: options.redactPatterns } : {});
  for (const p of problems) options.warn(p);
  return createLlm(config) ?? undefined;
}
