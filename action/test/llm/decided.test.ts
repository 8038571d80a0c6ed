import { describe, expect, it } from "vitest";
import { keepToDecision } from "../../src/llm/tasks/decided.js";
import type { RankedCause, Rca } from "../../src/model/index.js";

const cause = (id: string, title: string, status: RankedCause["status"], confidence: number): RankedCause => ({
  id,
  title,
  confidence,
  status,
  support: [],
  against: [],
  gaps: [],
  chain: [id],
  origin: "runbook",
});

const confirmed: Rca = {
  conclusion: "confirmed",
  rootCause: "kafka-lag-slow-consumer",
  confidence: 0.9,
  ranked: [cause("kafka-lag-slow-consumer", "Slow consumer processing", "confirmed", 0.9), cause("kafka-lag-traffic-spike", "Traffic spike", "unlikely", 0.1)],
  chain: ["kafka-lag-slow-consumer"],
  gaps: [],
  rounds: 1,
  checksRun: 4,
  budgetExhausted: false,
};
const inconclusive: Rca = { ...confirmed, conclusion: "inconclusive", rootCause: "unknown", confidence: 0.3, chain: [] };

describe("the narrative keeps to the decided conclusion", () => {
  it("keeps observations and a statement of the decided cause with the decided conclusion", () => {
    const text = "Lag rose from 10:02 at 2.4 times the usual rate. Slow consumer processing was confirmed by the processing-time check.";
    expect(keepToDecision(text, confirmed)).toEqual({ text, dropped: 0 });
  });

  it("drops a sentence naming another cause, by id or title", () => {
    const out = keepToDecision("Lag rose. A Traffic spike explains it. Or kafka-lag-traffic-spike did.", confirmed);
    expect(out).toEqual({ text: "Lag rose.", dropped: 2 });
  });

  it("drops a sentence stating another conclusion than the decided one", () => {
    expect(keepToDecision("Slow consumer processing is likely. Lag rose.", confirmed).text).toBe("Lag rose.");
    expect(keepToDecision("The root cause is confirmed. Lag rose.", inconclusive).text).toBe("Lag rose.");
    expect(keepToDecision("The root cause is a bad deploy. Lag rose.", inconclusive).text).toBe("Lag rose.");
    expect(keepToDecision("The incident is resolved and nothing needs doing. Lag rose.", confirmed).text).toBe("Lag rose.");
  });

  it("lets an inconclusive run say so", () => {
    const text = "The cause is not established: the campaign check could not run.";
    expect(keepToDecision(text, inconclusive)).toEqual({ text, dropped: 0 });
  });

  it("keeps paragraphs apart and drops an emptied one", () => {
    expect(keepToDecision("Lag rose.\n\nTraffic spike did it.\n\nThe consumer slowed.", confirmed).text).toBe("Lag rose.\n\nThe consumer slowed.");
  });
});
