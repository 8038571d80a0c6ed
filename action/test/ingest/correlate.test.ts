import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { Alert, Incident } from "../../src/model/index.js";
import { correlate, slug, type CorrelateOptions } from "../../src/ingest/correlate.js";
import { incidentPath } from "../../src/record/paths.js";

const T0 = Date.parse("2026-03-14T01:00:00Z");
const MIN = 60_000;

function alert(fp: string, minute: number, extra: Partial<Alert> = {}, labels: Record<string, string> = {}): Alert {
  const startsAt = new Date(T0 + minute * MIN).toISOString();
  const status = extra.status ?? "firing";
  return {
    id: `${fp}-${minute}-${status}`,
    source: "alertmanager",
    title: `Alert ${fp}`,
    severity: "high",
    status,
    environment: null,
    fingerprint: fp,
    fingerprintComputed: false,
    labels: { alertname: `Alert${fp}`, ...labels },
    annotations: {},
    startsAt,
    endsAt: null,
    links: [],
    pipeline: null,
    service: null,
    raw: { delivery: `d-${fp}-${minute}`, index: 0 },
    ...extra,
  };
}

const lineage: Record<string, string[]> = { orders: ["ledger-rollup"], "ledger-rollup": ["revenue"] };
const opts = (now = T0 + 60 * MIN): CorrelateOptions => ({
  now,
  groupWindowMs: 30 * MIN,
  reopenWindowMs: 120 * MIN,
  pipelinesOf: (a) => (a.labels.pipeline ? [a.labels.pipeline] : []),
  neighboursOf: (a) => [...(lineage[a] ?? []), ...Object.keys(lineage).filter((k) => lineage[k]!.includes(a))],
});

describe("correlate", () => {
  it("groups by fingerprint, then by pipeline and lineage within the window, and says why", () => {
    const out = correlate(
      [],
      [
        alert("a", 0, {}, { pipeline: "orders" }),
        alert("a", 5, {}, { pipeline: "orders" }),
        alert("b", 3, {}, { pipeline: "orders" }),
        alert("c", 6, {}, { pipeline: "ledger-rollup" }),
        alert("d", 200, {}, { pipeline: "orders" }),
        alert("e", 1, {}, { pipeline: "billing" }),
      ],
      opts(T0 + 300 * MIN),
    );
    expect(out.incidents).toHaveLength(3);
    const first = out.incidents.find((i) => i.fingerprints.includes("a"))!;
    expect(first.fingerprints.sort()).toEqual(["a", "b", "c"]);
    expect(first.groupingReasons.join("\n")).toMatch(/same pipeline orders/);
    expect(first.groupingReasons.join("\n")).toMatch(/lineage neighbours ledger-rollup and orders/);
    expect(out.incidents.find((i) => i.fingerprints.includes("d"))!.id).not.toBe(first.id);
  });

  it("an alert already recorded changes nothing when delivered again", () => {
    const a = alert("a", 0);
    const once = correlate([], [a], opts());
    const twice = correlate(once.incidents, [a], opts());
    expect(twice.incidents).toHaveLength(1);
    expect(twice.incidents[0]!.alerts).toEqual([a.id]);
    expect(twice.assignments[0]!.duplicate).toBe(true);
    expect(twice.touched).toEqual([]);
    expect(twice.incidents).toEqual(once.incidents);
  });

  it("resolves an incident when every fingerprint has resolved, and reopens on a re-fire within the window", () => {
    const fire = correlate([], [alert("a", 0), alert("a", 1, { status: "resolved", endsAt: new Date(T0 + 20 * MIN).toISOString() })], opts());
    expect(fire.incidents[0]!.status).toBe("resolved");
    expect(fire.incidents[0]!.resolvedAt).toBe(new Date(T0 + 20 * MIN).toISOString());
    const refire = correlate(fire.incidents, [alert("a", 60)], opts(T0 + 61 * MIN));
    expect(refire.incidents).toHaveLength(1);
    expect(refire.incidents[0]!.status).toBe("open");
    const late = correlate(fire.incidents, [alert("a", 400)], opts(T0 + 401 * MIN));
    expect(late.incidents).toHaveLength(2);
  });

  it("ids and paths are deterministic and cannot traverse", () => {
    const a = alert("../../etc", 0, { title: "../../etc/passwd" });
    const out = correlate([], [a], opts());
    const id = out.incidents[0]!.id;
    expect(id).toMatch(/^2026-03-14-[a-z0-9-]+$/);
    expect(incidentPath(id)).toBe(`incidents/2026/03/${id}`);
    expect(slug("../../x")).toBe("x");
    expect(correlate([], [a], opts()).incidents[0]!.id).toBe(id);
  });

  it("a storm of 500 alerts from 5 problems, shuffled, with duplicates and resolutions, gives 5 incidents and records all", () => {
    const problems = ["orders", "billing", "clicks", "inventory", "payments"];
    const alerts: Alert[] = [];
    for (const [p, name] of problems.entries()) {
      for (let i = 0; i < 100; i++) {
        const fp = `${name}-${i % 7}`;
        const status = i % 10 === 9 ? "resolved" : "firing";
        alerts.push({ ...alert(fp, p * 5 + (i % 20), { status }, { pipeline: name }), id: `${name}-${i}` });
      }
    }
    fc.assert(
      fc.property(fc.shuffledSubarray(alerts, { minLength: alerts.length, maxLength: alerts.length }), fc.integer({ min: 0, max: 50 }), (order, dupes) => {
        const batch = [...order, ...order.slice(0, dupes)];
        const out = correlate([], batch, opts());
        const recorded = new Set(out.incidents.flatMap((i: Incident) => i.alerts));
        return out.incidents.length === 5 && recorded.size === 500 && out.assignments.filter((x) => x.duplicate).length === dupes;
      }),
      { numRuns: 25 },
    );
  });
});
