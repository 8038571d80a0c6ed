// The LLM adapter's public surface: what pipeline.ts and the entries import.
export { createLlm, type LlmClient, type LlmConfig, type LlmTasks } from "./client.js";
export { llmConfigFromEnv, llmFromEnvironment } from "./env.js";
export { LlmPolicySchema, type LlmPolicy } from "./policy.js";
export { LlmUsageSchema, DEFAULT_LLM_BUDGET, type LlmBudget, type LlmUsage } from "./budget.js";
export { proposeHypotheses, toHypothesis, type ProposalResult } from "./hypotheses.js";
export { LlmProposalSchema, type LlmProposal } from "./validate.js";
export { writeNarrative, type VerifiedInvestigation } from "./narrative.js";
export { proposeFixPatch, type FixCause, type FixPatch } from "./fix.js";
