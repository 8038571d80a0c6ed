// The only way into llm/ from outside it. The port itself (`Llm`, its requests and replies) is in
// the model; here are the OpenAI-compatible adapter that implements it, how an entry configures it,
// and the tasks that use it (which propose and write, and never decide a verdict).

// The adapter and its configuration.
export { createLlm, MAX_REPLY_CHARS, type LlmConfig } from "./client.js";
export { llmConfigFromEnv, llmFromEnvironment } from "./env.js";
export { DEFAULT_LLM_BUDGET, estimateTokens } from "./budget.js";

// The tasks.
export { proposeHypotheses, toHypothesis, type ProposalResult } from "./tasks/hypotheses.js";
export { LlmProposalSchema, type LlmProposal } from "./tasks/validate.js";
export { writeNarrative, type VerifiedInvestigation } from "./tasks/narrative.js";
export { proposeFixPatch, type FixCause, type FixPatch } from "./tasks/fix.js";

// What the model is told and held to: the stable prompts, the reply schemas, the check vocabulary and
// the query validators (exported so tests and benchmarks can read exactly what is sent).
export { FIX_SYSTEM, NARRATIVE_SYSTEM, PROPOSALS_SYSTEM, proposalMessages } from "./tasks/prompts.js";
export { CHECK_JSON_SCHEMA } from "./tasks/schemas.js";
export { PASS_IF_KEYS, PRIMITIVES } from "./tasks/vocabulary.js";
export { MAX_PROBLEM_CHARS, problemData } from "./tasks/problem-data.js";
export { badPattern, badSelector } from "./tasks/safe-query.js";
