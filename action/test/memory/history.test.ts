import { describe, expect, it } from "vitest";
import { entryFromIncident, findSimilar, historyEntryFromReadme, type HistoryEntry } from "../../src/memory/history.js";
import { correlate } from "../../src/ingest/correlate.js";
import type { Alert } from "../../src/model/index.js";

function entry(id: string, extra: Partial<HistoryEntry> = {}): HistoryEntry {
  return {
    id,
    path: `incidents/${id.slice(0, 4)}/${id.slice(5, 7)}/${id}`,
    fingerprints: ["fp-lag"],
    pipelines: [],
    alertnames: ["ConsumerLagHigh"],
    openedAt: `${id.slice(0, 10)}T00:00:00Z`,
    rootCause: null,
    confirmed: false,
    ...extra,
  };
}

const current = { id: "2026-05-20-lag-aaaa", fingerprints: ["fp-lag"], pipelines: [], alertnames: ["ConsumerLagHigh"] };

describe("findSimilar and recurrences", () => {
  it("considers a recurrence's linked predecessor first, with its root cause, ahead of better-scored incidents", () => {
    const history = [
      // Same fingerprint, newer and confirmed: it would rank first on its own.
      entry("2026-05-01-lag-cccc", { rootCause: "kafka-lag-rebalance-storm", confirmed: true }),
      entry("2026-04-10-lag-bbbb", { rootCause: "kafka-lag-slow-consumer", confirmed: false }),
      entry("2026-03-01-other-dddd", { fingerprints: ["other"], alertnames: ["Other"] }),
    ];
    expect(findSimilar(history, current)[0]!.id).toBe("2026-05-01-lag-cccc");
    const similar = findSimilar(history, { ...current, recurrenceOf: "2026-04-10-lag-bbbb" });
    expect(similar.map((s) => s.id)).toEqual(["2026-04-10-lag-bbbb", "2026-05-01-lag-cccc"]);
    expect(similar[0]).toMatchObject({ rootCause: "kafka-lag-slow-consumer", reason: "earlier occurrence: this incident is its recurrence" });
  });

  it("follows a chain of recurrences, newest occurrence first, and stops at a loop or a missing link", () => {
    const history = [
      entry("2026-02-01-lag-0001"),
      entry("2026-03-01-lag-0002", { recurrenceOf: "2026-02-01-lag-0001" }),
      entry("2026-04-01-lag-0003", { recurrenceOf: "2026-03-01-lag-0002" }),
      entry("2026-01-01-loop-0004", { fingerprints: ["x"], recurrenceOf: "2026-01-02-loop-0005" }),
      entry("2026-01-02-loop-0005", { fingerprints: ["x"], recurrenceOf: "2026-01-01-loop-0004" }),
    ];
    const chain = findSimilar(history, { ...current, recurrenceOf: "2026-04-01-lag-0003" });
    expect(chain.map((s) => s.id)).toEqual(["2026-04-01-lag-0003", "2026-03-01-lag-0002", "2026-02-01-lag-0001"]);
    expect(chain[1]!.reason).toBe("earlier occurrence: 2026-04-01-lag-0003 recurred after it");
    const loop = findSimilar(history, { ...current, fingerprints: ["y"], recurrenceOf: "2026-01-02-loop-0005" });
    expect(loop.map((s) => s.id)).toEqual(["2026-01-02-loop-0005", "2026-01-01-loop-0004"]);
    expect(findSimilar(history, { ...current, fingerprints: ["y"], alertnames: [], recurrenceOf: "2026-01-09-gone-0009" })).toEqual([]);
  });

  it("reads the link from the index and from a README's frontmatter", () => {
    const readme = "---\nid: 2026-04-01-lag-0003\nrecurrence_of: 2026-03-01-lag-0002\nfingerprints: [fp-lag]\n---\n# x\n";
    expect(historyEntryFromReadme("incidents/2026/04/2026-04-01-lag-0003", readme)!.recurrenceOf).toBe("2026-03-01-lag-0002");
    expect(historyEntryFromReadme("incidents/2026/04/x", "---\nid: x\n---\n")!.recurrenceOf).toBeUndefined();
  });

  it("a recurrence correlation opens is recalled with its predecessor first", () => {
    const alert = (startsAt: string): Alert => ({
      id: `lag-${startsAt}`,
      source: "alertmanager",
      title: "Consumer lag high",
      severity: "high",
      status: "firing",
      environment: null,
      fingerprint: "fp-lag",
      fingerprintComputed: false,
      labels: { alertname: "ConsumerLagHigh" },
      annotations: {},
      startsAt,
      endsAt: null,
      links: [],
      pipeline: null,
      service: null,
      raw: { delivery: startsAt, index: 0 },
    });
    const windows = { groupWindowMs: 30 * 60_000, reopenWindowMs: 2 * 3_600_000, pipelinesOf: () => [], neighboursOf: () => [] };
    const first = correlate([], [alert("2026-04-10T01:00:00Z")], { ...windows, now: Date.parse("2026-04-10T01:05:00Z") });
    const old = { ...first.incidents[0]!, rootCause: { id: "kafka-lag-slow-consumer", confidence: 0.9, status: "confirmed" } };
    const later = correlate([old], [alert("2026-05-12T01:00:00Z")], { ...windows, now: Date.parse("2026-05-12T01:05:00Z") });
    const recurrence = later.incidents.find((i) => i.id !== old.id)!;
    expect(recurrence.recurrenceOf).toBe(old.id);
    const other = entry("2026-05-01-lag-cccc", { rootCause: "kafka-lag-rebalance-storm", confirmed: true });
    const similar = findSimilar([other, ...later.incidents.map(entryFromIncident)], recurrence);
    expect(similar[0]).toMatchObject({ id: old.id, rootCause: "kafka-lag-slow-consumer" });
  });
});
