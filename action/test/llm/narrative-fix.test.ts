import { describe, expect, it } from "vitest";
import type { Rca } from "../../src/model/index.js";
import { NARRATIVE_SYSTEM, proposeFixPatch, writeNarrative, type VerifiedInvestigation } from "../../src/llm/index.js";
import { useOpenAiStub } from "../support/use-openai-stub.js";
import { client } from "./fixture.js";
import { stringMatching } from "../support/match.js";

const rca: Rca = {
  conclusion: "inconclusive",
  rootCause: "unknown",
  confidence: 0.4,
  ranked: [
    {
      id: "kafka-lag-traffic-spike",
      title: "Traffic spike",
      confidence: 0.4,
      status: "possible",
      support: ["t/in-rate"],
      against: [],
      gaps: ["t/campaign"],
      chain: [],
      origin: "runbook",
    },
  ],
  chain: [],
  gaps: ["kafka-lag-traffic-spike/campaign: no events backend"],
  rounds: 1,
  checksRun: 2,
  budgetExhausted: false,
};
const verified: VerifiedInvestigation = {
  summary: "KafkaConsumerGroupLag on orders-streaming since 10:02",
  findings: [
    { key: "kafka-lag-traffic-spike/in-rate", verdict: "pass", finding: "produce rate step ratio 2.4 >= 2" },
    { key: "kafka-lag-traffic-spike/campaign", verdict: "inconclusive", finding: "inconclusive: no events backend" },
  ],
  rca,
};

const stub = useOpenAiStub();

describe("writeNarrative", () => {
  it("writes from the verified findings only and returns plain text", async () => {
    stub.enqueue({
      json: {
        narrative:
          "## Summary\n\n- The **produce rate** more than doubled at `10:02`.\n\n\n\nThe cause is not established:\u202E the campaign check could not run.",
      },
    });
    const text = await writeNarrative(client(stub.baseURL), verified);
    expect(text).toBe("Summary\n\nThe produce rate more than doubled at 10:02.\n\nThe cause is not established: the campaign check could not run.");
    const body = stub.chats()[0]!.json!;
    const messages = body.messages as Array<{ role: string; content: string }>;
    expect(messages[0]!.content).toBe(NARRATIVE_SYSTEM);
    const doc = JSON.parse(messages[1]!.content.slice(messages[1]!.content.indexOf("\n") + 1)) as { conclusion: unknown; findings: Array<{ verdict: string }> };
    expect(doc.conclusion).toMatchObject({ conclusion: "inconclusive", root_cause: "unknown" });
    expect(doc.findings.map((f) => f.verdict)).toEqual(["pass", "inconclusive"]);
  });

  it("drops links a hijacked reply slips in, and its claim that the incident is resolved", async () => {
    stub.enqueue({ json: { narrative: "Resolved. Re-authenticate at [the portal](https://login.evil.example/x) or http://evil.example/y now." } });
    const text = await writeNarrative(client(stub.baseURL), verified);
    expect(text).toBe("Re-authenticate at the portal or (link removed) now.");
  });

  it("cuts a long narrative", async () => {
    stub.enqueue({ json: { narrative: "word ".repeat(1000) } });
    const text = await writeNarrative(client(stub.baseURL), verified);
    expect(text!.length).toBeLessThanOrEqual(1200);
    expect(text!.endsWith("…")).toBe(true);
  });

  it("returns null, degraded with the reason, when the provider keeps failing", async () => {
    stub.enqueue(
      { status: 500, headers: { "retry-after-ms": "0" } },
      { status: 502, headers: { "retry-after-ms": "0" } },
      { status: 503, headers: { "retry-after-ms": "0" } },
    );
    const llm = client(stub.baseURL, { retries: 2 });
    expect(await writeNarrative(llm, verified)).toBeNull();
    expect(stub.chats()).toHaveLength(3);
    expect(llm.usage()).toMatchObject({ calls: 3, degraded: true });
    expect(llm.usage().errors.at(-1)).toMatch(/^narrative: provider error \(HTTP 503\)/);
  });

  it("a schema-violating reply is re-asked once, then given up on", async () => {
    stub.enqueue({ json: { text: "x" } }, { json: { narrative: 42 } });
    const llm = client(stub.baseURL);
    expect(await writeNarrative(llm, verified)).toBeNull();
    expect(llm.usage().errors).toEqual([stringMatching(/no "narrative" string/), stringMatching(/no "narrative" string/)]);
  });

  it("makes no call when narratives are off in the policy", async () => {
    expect(await writeNarrative(client(stub.baseURL, {}, { tasks: { narrative: false } }), verified)).toBeNull();
    expect(stub.chats()).toHaveLength(0);
  });
});

describe("proposeFixPatch", () => {
  const cause = { id: "kafka-lag-rebalance-storm", title: "Consumer group rebalance storm", findings: ["members oscillate: 6 changes >= 3"] };
  const file = { path: "pipelines/orders-enricher/consumer.yaml", content: "group.id: orders-enricher\nmax.poll.interval.ms: 300000\nmax.poll.records: 500\n" };
  const allowed = (p: string) => p.startsWith("pipelines/");
  const fixer = () => client(stub.baseURL, {}, { tasks: { fix: true } });

  it("returns a full replacement of the one allowed file, as a draft", async () => {
    const content = file.content.replace("300000", "600000");
    stub.enqueue({ json: { path: file.path, content, explanation: "Give slow batches time before the group rebalances." } });
    const patch = await proposeFixPatch(fixer(), cause, file, allowed);
    expect(patch).toEqual({ path: file.path, content, explanation: "Give slow batches time before the group rebalances.", draft: true });
    const doc = JSON.parse((stub.chats()[0]!.json!.messages as Array<{ content: string }>)[1]!.content.split("\n").slice(1).join("\n")) as { file: unknown };
    expect(doc.file).toEqual(file);
  });

  it("refuses a path outside the allow-list without a call", async () => {
    const llm = fixer();
    expect(await proposeFixPatch(llm, cause, { path: "dags/orders.py", content: "x = 1\n" }, allowed)).toBeNull();
    expect(await proposeFixPatch(llm, cause, { path: "pipelines/../.github/workflows/ci.yml", content: "x\n" }, () => true)).toBeNull();
    expect(stub.chats()).toHaveLength(0);
    expect(llm.usage().errors).toEqual([stringMatching(/not allowed by remediation\.allowed_paths/), stringMatching(/not a relative path/)]);
  });

  it("refuses replies that edit another file, rewrite the file, change nothing or add credentials", async () => {
    const replies = [
      { path: ".github/workflows/ci.yml", content: "on: push\n", explanation: "x" },
      { path: file.path, content: Array.from({ length: 40 }, (_, i) => `k${i}: ${i}`).join("\n"), explanation: "x" },
      { path: file.path, content: file.content, explanation: "x" },
      { path: file.path, content: `${file.content}sasl.password=hunter2-Prod!\n`, explanation: "x" },
      { path: file.path, content: null, explanation: "no safe edit" },
    ];
    const reasons = [
      /edits "\.github\/workflows\/ci\.yml" instead of/,
      /changes \d+ lines/,
      /changes nothing/,
      /credential-like text/,
      /found no safe edit: no safe edit/,
    ];
    for (const [i, json] of replies.entries()) {
      stub.enqueue({ json });
      const llm = fixer();
      expect(await proposeFixPatch(llm, cause, file, allowed)).toBeNull();
      expect(llm.usage().errors.at(-1)).toMatch(reasons[i]!);
      // A refused edit is a decision, not a provider failure: nothing to re-ask, nothing degraded.
      expect(llm.usage()).toMatchObject({ calls: 1, degraded: false });
    }
  });

  it("makes no call unless fixes are enabled in the policy", async () => {
    expect(await proposeFixPatch(client(stub.baseURL), cause, file, allowed)).toBeNull();
    expect(stub.chats()).toHaveLength(0);
  });
});
