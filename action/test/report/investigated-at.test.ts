import { describe, expect, it } from "vitest";
import type { Incident } from "../../src/model/index.js";
import { scorecardFigures, TIME_TO_ROOT_CAUSE_MEASURES } from "../../src/report/scorecard.js";

const MIN = 60_000;

function entry(id: string, minutesToInvestigation: number | null, minutesToLastUpdate: number): Incident {
  const openedAt = "2026-05-04T10:00:00.000Z";
  const at = (m: number) => new Date(Date.parse(openedAt) + m * MIN).toISOString();
  return {
    id: `2026-05-04-${id}`,
    path: `incidents/2026/05/2026-05-04-${id}`,
    title: id,
    status: "resolved",
    investigation: "done",
    severity: "high",
    pipelines: [],
    fingerprints: [`fp-${id}`],
    alertnames: [],
    alerts: [],
    resolvedFingerprints: [],
    deliveries: [],
    openedAt,
    updatedAt: at(minutesToLastUpdate),
    resolvedAt: at(minutesToLastUpdate),
    rootCause: { id: "kafka-lag-slow-consumer", confidence: 0.9, status: "confirmed" },
    ...(minutesToInvestigation === null ? {} : { investigatedAt: at(minutesToInvestigation) }),
    groupingReasons: [],
    duplicates: 0,
  };
}

describe("time to root cause", () => {
  it("counts from opening to the investigation, not to the incident's last update (a resolve hours later)", () => {
    const f = scorecardFigures("2026-05", [entry("a", 2, 240), entry("b", 4, 600), entry("c", 6, 6)]);
    expect(f.timeToRootCause).toEqual({ incidents: 3, medianMs: 4 * MIN, p90Ms: 6 * MIN });
    expect(TIME_TO_ROOT_CAUSE_MEASURES).toContain("investigated_at");
  });

  it("falls back to the last update for incidents recorded before investigated_at was kept", () => {
    const f = scorecardFigures("2026-05", [entry("old", null, 30)]);
    expect(f.timeToRootCause.medianMs).toBe(30 * MIN);
  });
});
