import { describe, expect, it } from "vitest";
import OpenAI from "openai";
import { createLlm, DEFAULT_LLM_BUDGET, llmConfigFromEnv, proposeHypotheses } from "../../src/llm/index.js";
import { LlmUsageSchema } from "../../src/model/index.js";
import { useOpenAiStub } from "../support/use-openai-stub.js";
import { ALL_CAPABILITIES, GOOD_PROPOSAL, client, problem } from "./fixture.js";

const context = { knownCauseIds: [], capabilities: ALL_CAPABILITIES, existing: [] };

describe("createLlm and llmConfigFromEnv", () => {
  it("returns null without a key and without a base URL, and throws nothing", () => {
    const { config, problems } = llmConfigFromEnv({}, {});
    expect(problems).toEqual([]);
    expect(config.apiKey).toBeUndefined();
    expect(createLlm(config)).toBeNull();
    expect(createLlm({ model: "m", budget: DEFAULT_LLM_BUDGET })).toBeNull();
  });

  it("reads the key, base URL and model from the variables the policy names", () => {
    const env = { MY_KEY: "k-123", MY_URL: "http://127.0.0.1:9/v1/", MY_MODEL: "llama3.1:8b" };
    const { config, problems } = llmConfigFromEnv(env, {
      api_key_env: "MY_KEY",
      base_url_env: "MY_URL",
      model_env: "MY_MODEL",
      budget: { calls: 3, wall_time: "20s" },
      price_per_1k: { input: 0.5, output: 1.5 },
      proposals: { max: 2 },
    });
    expect(problems).toEqual([]);
    expect(config).toMatchObject({ apiKey: "k-123", baseURL: "http://127.0.0.1:9/v1", model: "llama3.1:8b", price: { input: 0.5, output: 1.5 } });
    expect(config.budget).toMatchObject({ calls: 3, wallMs: 20_000 });
    expect(config.tasks?.maxProposals).toBe(2);
    expect(createLlm(config)?.model).toBe("llama3.1:8b");
  });

  it("accepts a base URL without a key (local servers) and uses the policy model by default", () => {
    const { config } = llmConfigFromEnv({ PIPEMEDIC_LLM_BASE_URL: "http://127.0.0.1:11434/v1" }, { model: "qwen2.5:7b" });
    const llm = createLlm(config);
    expect(llm?.model).toBe("qwen2.5:7b");
  });

  it("turns the LLM off, with a reason naming the field, when the policy is broken or holds a key", () => {
    const broken = llmConfigFromEnv({ PIPEMEDIC_LLM_API_KEY: "k" }, { budget: { calls: "many" } });
    expect(createLlm(broken.config)).toBeNull();
    expect(broken.problems[0]).toMatch(/^\.github\/pipemedic\.yml: llm\.budget\.calls: /);
    const pasted = llmConfigFromEnv({ PIPEMEDIC_LLM_API_KEY: "k" }, { api_key: "pasted-by-mistake" });
    expect(createLlm(pasted.config)).toBeNull();
    expect(pasted.problems.join("\n")).toMatch(/api_key/);
    expect(pasted.problems.join("\n")).not.toMatch(/pasted-by-mistake/);
  });

  it("never sends the repository token as the LLM key", () => {
    const { config, problems } = llmConfigFromEnv({ GITHUB_TOKEN: "ghs_repo_token" }, { api_key_env: "GITHUB_TOKEN" });
    expect(createLlm(config)).toBeNull();
    expect(problems[0]).toMatch(/repository token/);
  });

  it("refuses a base URL that carries credentials", () => {
    const { config, problems } = llmConfigFromEnv({ PIPEMEDIC_LLM_API_KEY: "k", PIPEMEDIC_LLM_BASE_URL: "https://user:pw@llm.example.net/v1" }, {});
    expect(config.baseURL).toBeUndefined();
    expect(problems[0]).toMatch(/must not carry credentials/);
  });

  it("llm: enabled false keeps it off whatever the environment holds", () => {
    const { config } = llmConfigFromEnv({ PIPEMEDIC_LLM_API_KEY: "k" }, { enabled: false });
    expect(createLlm(config)).toBeNull();
  });
});

describe("calls through the real SDK against the stub", () => {
  const stub = useOpenAiStub();

  it("the stub answers the models listing like an OpenAI-compatible server", async () => {
    const sdk = new OpenAI({ baseURL: stub.baseURL, apiKey: "test-key-not-a-secret" });
    const models = await sdk.models.list();
    expect(models.data.map((m) => m.id)).toEqual(["stub-model"]);
  });

  it("sends one structured request: the model, a JSON-schema response format and an output cap", async () => {
    stub.enqueue({ json: { proposals: [GOOD_PROPOSAL] } });
    const llm = client(stub.baseURL, { maxOutputPerCall: 700 });
    await proposeHypotheses(llm, problem(), context);
    const [req] = stub.chats();
    expect(req?.json).toMatchObject({
      model: "stub-model",
      max_tokens: 700,
      response_format: { type: "json_schema", json_schema: { name: "pipemedic_proposals" } },
    });
    expect(req?.headers.authorization).toBe("Bearer test-key-not-a-secret");
  });

  it("429 with Retry-After, then success, stays within the budget and is not degraded", async () => {
    stub.enqueue({ status: 429, headers: { "retry-after": "0" } }, { json: { proposals: [GOOD_PROPOSAL] } });
    const llm = client(stub.baseURL, { calls: 3 });
    const out = await proposeHypotheses(llm, problem(), context);
    expect(out.proposals.map((p) => p.id)).toEqual(["llm-slow-profile-api"]);
    expect(stub.chats()).toHaveLength(2);
    expect(out.usage.calls).toBe(2);
    expect(out.usage.degraded).toBe(false);
    expect(LlmUsageSchema.parse(out.usage)).toEqual(out.usage);
  });

  it("transport retries never exceed the calls budget: 5xx forever ends degraded after exactly `calls` attempts", async () => {
    for (let i = 0; i < 6; i++) stub.enqueue({ status: 503, headers: { "retry-after-ms": "0" } });
    const llm = client(stub.baseURL, { calls: 2, retries: 5 });
    const out = await proposeHypotheses(llm, problem(), context);
    expect(out.proposals).toEqual([]);
    expect(stub.chats()).toHaveLength(2);
    expect(out.usage).toMatchObject({ calls: 2, degraded: true });
    expect(out.usage.errors.at(-1)).toMatch(/provider error \(HTTP 503\)/);
  });

  it("budget exhaustion stops calls: nothing is sent once the calls are spent", async () => {
    stub.enqueue({ content: "not json at all" });
    const llm = client(stub.baseURL, { calls: 1, repairs: 3 });
    const first = await proposeHypotheses(llm, problem(), context);
    expect(first.usage.degraded).toBe(true);
    const second = await proposeHypotheses(llm, problem(), context);
    expect(second.proposals).toEqual([]);
    expect(stub.chats()).toHaveLength(1);
    expect(second.usage.errors.at(-1)).toMatch(/budget exhausted: 1 of 1 calls used/);
  });

  it("the input token budget refuses a call before it is sent", async () => {
    const llm = client(stub.baseURL, { inputTokens: 500 });
    const out = await proposeHypotheses(llm, problem(), context);
    expect(stub.chats()).toHaveLength(0);
    expect(out.usage).toMatchObject({ calls: 0, degraded: true });
    expect(out.usage.errors[0]).toMatch(/input tokens/);
  });

  it("a reply slower than the call timeout ends as a timeout, degraded, without throwing", async () => {
    stub.enqueue({ delayMs: 3_000, json: { proposals: [GOOD_PROPOSAL] } });
    const llm = client(stub.baseURL, { callTimeoutMs: 200, retries: 0, repairs: 0 });
    const out = await proposeHypotheses(llm, problem(), context);
    expect(out.proposals).toEqual([]);
    expect(out.usage.degraded).toBe(true);
    expect(out.usage.errors[0]).toMatch(/timed out/);
  });

  it("the wall-time budget ends a call whose retries would go on", async () => {
    stub.enqueue({ status: 429, headers: { "retry-after": "30" } }, { json: { proposals: [GOOD_PROPOSAL] } });
    const llm = client(stub.baseURL, { wallMs: 400, retries: 3 });
    const out = await proposeHypotheses(llm, problem(), context);
    expect(out.proposals).toEqual([]);
    expect(stub.chats()).toHaveLength(1);
    expect(out.usage.errors[0]).toMatch(/wall-time budget/);
    const again = await proposeHypotheses(llm, problem(), context);
    expect(again.usage.errors.at(-1)).toMatch(/budget exhausted: .* ms spent waiting/);
    expect(stub.chats()).toHaveLength(1);
  });

  it("records tokens as the provider reports them and estimates the cost from the policy's prices", async () => {
    stub.enqueue({ json: { proposals: [] }, usage: { prompt_tokens: 4000, completion_tokens: 500 } });
    const llm = client(stub.baseURL, {}, { price: { input: 0.15, output: 0.6 } });
    const out = await proposeHypotheses(llm, problem(), context);
    expect(out.usage).toMatchObject({ model: "stub-model", calls: 1, input_tokens: 4000, output_tokens: 500, estimated_cost_usd: 0.9, degraded: false });
  });

  it("a 401 is not retried and its provider message never carries the key into usage", async () => {
    stub.enqueue({
      status: 401,
      body: JSON.stringify({ error: { message: "Incorrect API key provided: sk-proj-abcdefghijklmnopqrstuvwxyz012345", type: "invalid_request_error" } }),
    });
    const llm = client(stub.baseURL);
    const out = await proposeHypotheses(llm, problem(), context);
    expect(stub.chats()).toHaveLength(1);
    expect(out.usage.errors[0]).toMatch(/not authorized/);
    expect(JSON.stringify(out.usage)).not.toMatch(/abcdefghijklmnop/);
  });

  it("forIncident starts a fresh budget with the same settings", async () => {
    stub.enqueue({ json: { proposals: [] } }, { json: { proposals: [] } });
    const llm = client(stub.baseURL, { calls: 1 });
    await proposeHypotheses(llm, problem(), context);
    const next = llm.forIncident();
    const out = await proposeHypotheses(next, problem(), context);
    expect(out.usage.calls).toBe(1);
    expect(out.usage.degraded).toBe(false);
    expect(stub.chats()).toHaveLength(2);
  });
});
