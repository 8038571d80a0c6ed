import { describe, expect, it } from "vitest";
import { CheckSpecSchema, type Knowledge } from "../../src/model/index.js";
import { resolveChecks } from "../../src/checks/template.js";
import { LlmProposalSchema, MAX_REPLY_CHARS, proposeHypotheses, toHypothesis } from "../../src/llm/index.js";
import { useOpenAiStub } from "../support/use-openai-stub.js";
import { ALL_CAPABILITIES, GOOD_PROPOSAL, client, problem } from "./fixture.js";
import { stringMatching } from "../support/match.js";

const knowledge: Knowledge = { pipelines: [], services: [], aliases: { metrics: {}, labels: {} } };
const context = {
  knownCauseIds: ["kafka-lag-slow-consumer", "kafka-lag-traffic-spike"],
  capabilities: ALL_CAPABILITIES,
  existing: ["kafka-lag-traffic-spike"],
};
const check = (over: Record<string, unknown>) => ({ id: "c1", metric: "kafka_consumergroup_lag", primitive: "threshold", pass_if: { value: ">= 1" }, ...over });
const proposal = (over: Record<string, unknown>) => ({ ...GOOD_PROPOSAL, ...over });

const stub = useOpenAiStub();

describe("proposeHypotheses", () => {
  it("a good proposal becomes an llm hypothesis whose checks validate and resolve", async () => {
    stub.enqueue({ json: { proposals: [GOOD_PROPOSAL] } });
    const out = await proposeHypotheses(client(stub.baseURL), problem(), context);
    expect(out.rejected).toEqual([]);
    expect(out.proposals).toHaveLength(1);
    const p = LlmProposalSchema.parse(out.proposals[0]);
    expect(p.id).toBe("llm-slow-profile-api");
    for (const c of p.checks) expect(CheckSpecSchema.safeParse(c).success).toBe(true);
    const h = toHypothesis(p, (rb) => resolveChecks(rb, problem(), knowledge));
    expect(h).toMatchObject({ id: "llm-slow-profile-api", origin: "llm", prior: 0.2, round: 1 });
    expect(h.remediation).toBeUndefined();
    expect(h.checks.map((c) => c.key)).toEqual(["llm-slow-profile-api/probe-latency-up", "llm-slow-profile-api/timeouts-in-logs"]);
    expect(h.checks.every((c) => c.unresolved === undefined)).toBe(true);
    expect(h.checks[0]?.query).toMatchObject({ name: "probe_duration_seconds" });
    expect(h.checks[1]?.query).toMatchObject({ selector: { service: "orders-enricher" } });
  });

  it("keeps a catalogue id, prefixes others, caps the prior and refuses an existing candidate", async () => {
    stub.enqueue({
      json: {
        proposals: [
          proposal({ id: "kafka-lag-slow-consumer", prior: 0.9 }),
          proposal({ id: "kafka-lag-traffic-spike" }),
          proposal({ id: "llm-already-prefixed" }),
        ],
      },
    });
    const out = await proposeHypotheses(client(stub.baseURL), problem(), context);
    expect(out.proposals.map((p) => [p.id, p.prior])).toEqual([
      ["kafka-lag-slow-consumer", 0.3],
      ["llm-already-prefixed", 0.2],
    ]);
    expect(out.rejected.map((r) => r.reason)).toEqual([
      stringMatching(/"llm-kafka-lag-traffic-spike": already a candidate|"kafka-lag-traffic-spike": already a candidate/),
    ]);
  });

  it("rejects, each with a reason, everything outside the closed vocabulary", async () => {
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [proposal({ id: "p1", checks: [check({ primitive: "anomaly_ml" })] }), /unknown primitive "anomaly_ml"/],
      [
        proposal({ id: "p2", checks: [check({ metric: undefined, warehouse: { kind: "tables" }, primitive: "count", pass_if: { count: ">= 1" } })] }),
        /no telemetry with the "warehouse" capability/,
      ],
      [proposal({ id: "p3", checks: [check({ metric: "sum(rate(kafka_consumergroup_lag[5m]))" })] }), /functions are not supported/],
      [
        proposal({ id: "p4", checks: [check({ metric: undefined, logs: { app: "x" }, match: "(?<=a)b", primitive: "count", pass_if: { count: ">= 1" } })] }),
        /lookaround/,
      ],
      [
        proposal({ id: "p5", checks: [check({ metric: undefined, logs: { app: "x" }, match: "([unclosed", primitive: "count", pass_if: { count: ">= 1" } })] }),
        /not valid RE2 syntax/,
      ],
      [proposal({ id: "Not_Kebab" }), /not kebab-case/],
      [proposal({ id: "p7", checks: Array.from({ length: 7 }, (_, i) => check({ id: `c${i}` })) }), /7 checks \(at most 6\)/],
      [proposal({ id: "p8", confidence: 0.95 }), /never sets a verdict or confidence/],
      [proposal({ id: "p9", checks: [check({ verdict: "pass" })] }), /never sets a verdict or confidence/],
      [proposal({ id: "p10", checks: [check({ pass_if: { p99: ">= 1" } })] }), /threshold observes only value/],
      [proposal({ id: "p11", checks: [check({ metric: 'x{job="{{secrets.TOKEN}}"}' })] }), /unknown template/],
      [proposal({ id: "p12", checks: [check({ primitive: "count", pass_if: { count: ">= 1" } })] }), /primitive count cannot read metric/],
      [proposal({ id: "p13", checks: [check({ window: "30d" })] }), /at most 7d/],
      [proposal({ id: "p14", remediation: { kind: "config-patch" } }), /tries to act/],
      [
        proposal({ id: "p15", checks: [check({ metric: undefined, alert: {}, match: ".", primitive: "count", pass_if: { count: ">= 1" } })] }),
        /only runbook checks may \(alert text is untrusted\)/,
      ],
      [proposal({ id: "p16", checks: [check({ signature: true })] }), /only runbooks choose their signatures/],
      [proposal({ id: "p17", checks: [check({ necessary: false })] }), /only runbooks mark alternative signs/],
    ];
    stub.enqueue({ json: { proposals: [GOOD_PROPOSAL, ...bad.map(([p]) => p)] } });
    const llm = client(stub.baseURL, {}, { tasks: { maxProposals: 20 } });
    const out = await proposeHypotheses(llm, problem(), { ...context, capabilities: ["metrics", "logs", "changes"] });
    expect(out.proposals.map((p) => p.id)).toEqual(["llm-slow-profile-api"]);
    expect(out.rejected).toHaveLength(bad.length);
    bad.forEach(([, reason], i) => expect(out.rejected[i]?.reason).toMatch(reason));
    // Rejections are logged in usage; a rejected proposal is not a provider failure.
    expect(out.usage.degraded).toBe(false);
    expect(out.usage.errors.filter((e) => e.startsWith("proposals: rejected:"))).toHaveLength(bad.length);
  });

  it("keeps at most the configured number of proposals", async () => {
    stub.enqueue({ json: { proposals: ["a", "b", "c"].map((id) => proposal({ id })) } });
    const out = await proposeHypotheses(client(stub.baseURL, {}, { tasks: { maxProposals: 2 } }), problem(), context);
    expect(out.proposals.map((p) => p.id)).toEqual(["llm-a", "llm-b"]);
    expect(out.rejected[0]?.reason).toMatch(/more than 2 proposals/);
  });

  it("malformed, oversized and schema-violating replies are re-asked, then given up on with the reasons", async () => {
    stub.enqueue(
      { body: "{this is not json" },
      // Long runs of one character are few tokens: the size limit, not the output budget, must catch it.
      { content: "x".repeat(MAX_REPLY_CHARS + 1), usage: { prompt_tokens: 3000, completion_tokens: 1000 } },
      { json: { hypotheses: [GOOD_PROPOSAL] } },
    );
    const llm = client(stub.baseURL, { calls: 6, repairs: 2 });
    const out = await proposeHypotheses(llm, problem(), context);
    expect(out.proposals).toEqual([]);
    expect(stub.chats()).toHaveLength(3);
    expect(out.usage.degraded).toBe(true);
    expect(out.usage.errors).toEqual([
      stringMatching(/^proposals: malformed reply/),
      stringMatching(/^proposals: oversized reply/),
      stringMatching(/^proposals: schema violation: no "proposals" array/),
    ]);
    // The re-ask keeps the stable prefix first and says what was wrong, without echoing the bad reply.
    const second = stub.chats()[1]!.json!.messages as Array<{ role: string; content: string }>;
    expect(second[0]?.role).toBe("system");
    expect(second.at(-1)?.content).toMatch(/could not be used \(proposals: malformed reply/);
    expect(second.at(-1)?.content).not.toContain("{this is not json");
  });

  it("a repaired reply is used and the run is not degraded", async () => {
    stub.enqueue({ content: "Sure! Here are some ideas: slow API" }, { content: "```json\n" + JSON.stringify({ proposals: [GOOD_PROPOSAL] }) + "\n```" });
    const out = await proposeHypotheses(client(stub.baseURL), problem(), context);
    expect(out.proposals).toHaveLength(1);
    expect(out.usage).toMatchObject({ calls: 2, degraded: false });
    expect(out.usage.errors).toEqual([stringMatching(/malformed reply/)]);
  });

  it("a reply cut at the token limit counts as unusable", async () => {
    stub.enqueue({ content: '{"proposals": [', finishReason: "length" });
    const out = await proposeHypotheses(client(stub.baseURL, { repairs: 0 }), problem(), context);
    expect(out.proposals).toEqual([]);
    expect(out.usage.errors[0]).toMatch(/cut at the output token limit/);
  });
});
