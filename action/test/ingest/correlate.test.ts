import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { IncidentIndexSchema, type Alert, type Incident } from "../../src/model/index.js";
import { CLOCK_SKEW_MS, closesAt, correlate, QUIET_PERIOD_MS, slug, type CorrelateOptions } from "../../src/ingest/correlate.js";
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

  describe("lifecycle", () => {
    const HOUR = 60 * MIN;
    /** The incidents as the next run reads them: through index.json's schema. */
    const reread = (incidents: Incident[]) => IncidentIndexSchema.parse(JSON.parse(JSON.stringify({ version: 1, incidents }))).incidents;

    it("an incident whose alerts all resolved closes after the reopen window: a re-fire then opens a recurrence linked to it", () => {
      const first = correlate([], [alert("a", 0), alert("a", 1, { status: "resolved", endsAt: new Date(T0 + 20 * MIN).toISOString() })], opts());
      const old = first.incidents[0]!;
      expect(closesAt(old, opts())).toBe(T0 + 20 * MIN + 120 * MIN);
      const again = correlate(reread(first.incidents), [alert("a", 20 + 121)], opts(T0 + 142 * MIN));
      expect(again.incidents).toHaveLength(2);
      const recurrence = again.incidents.find((i) => i.id !== old.id)!;
      expect(recurrence.recurrenceOf).toBe(old.id);
      expect(recurrence.status).toBe("open");
      expect(again.assignments[0]!.reason).toBe(`recurrence of ${old.id}, which had closed`);
      expect(again.touched).toEqual([recurrence.id]);
      // Within the reopen window the same re-fire reopens the incident, as before.
      const reopened = correlate(reread(first.incidents), [alert("a", 20 + 119)], opts(T0 + 140 * MIN));
      expect(reopened.incidents).toHaveLength(1);
      expect(reopened.incidents[0]!.status).toBe("open");
      expect(reopened.incidents[0]!.recurrenceOf).toBeUndefined();
    });

    it("an incident quiet for the quiet period closes even though its alert never resolved", () => {
      const first = correlate([], [alert("a", 0)], opts());
      const old = first.incidents[0]!;
      expect(old.status).toBe("open");
      expect(closesAt(old, { reopenWindowMs: 120 * MIN })).toBe(T0 + QUIET_PERIOD_MS);
      // A new firing of the fingerprint within the quiet period still joins.
      const day = correlate(reread(first.incidents), [alert("a", 23 * 60)], opts(T0 + 23 * HOUR));
      expect(day.incidents).toHaveLength(1);
      expect(day.incidents[0]!.alerts).toHaveLength(2);
      // After it, the incident is closed: a recurrence opens, linked, and the old one is left as it was.
      const later = correlate(reread(first.incidents), [alert("a", 25 * 60)], opts(T0 + 25 * HOUR));
      expect(later.incidents).toHaveLength(2);
      expect(later.incidents[0]).toEqual(reread(first.incidents)[0]);
      expect(later.incidents[1]!.recurrenceOf).toBe(old.id);
      expect(later.incidents[1]!.id).toMatch(/^2026-03-15-/);
      // The quiet period is configurable.
      const short = correlate(reread(first.incidents), [alert("a", 90)], { ...opts(T0 + 91 * MIN), quietPeriodMs: HOUR });
      expect(short.incidents.map((i) => i.recurrenceOf)).toEqual([undefined, old.id]);
    });

    it("no grouping rule joins a closed incident; a late resolution of its alert still resolves it", () => {
      const first = correlate([], [alert("a", 0, {}, { pipeline: "orders" })], opts());
      const old = first.incidents[0]!;
      // Another fingerprint of the same pipeline within the group window, but after a short quiet period.
      const other = correlate(reread(first.incidents), [alert("b", 20, {}, { pipeline: "orders" })], { ...opts(T0 + 21 * MIN), quietPeriodMs: 10 * MIN });
      expect(other.incidents).toHaveLength(2);
      expect(other.incidents[1]!.recurrenceOf).toBeUndefined();
      // The vendor's resolve notification a month later resolves the closed incident and opens nothing.
      const month = 31 * 24 * 60;
      const resolved = correlate(reread(first.incidents), [alert("a", month, { status: "resolved" }, { pipeline: "orders" })], opts(T0 + (month + 1) * MIN));
      expect(resolved.incidents).toHaveLength(1);
      expect(resolved.incidents[0]!.id).toBe(old.id);
      expect(resolved.incidents[0]!.status).toBe("resolved");
    });

    it("a recurrence of a recurrence links to the latest occurrence", () => {
      const first = correlate([], [alert("a", 0)], opts());
      const second = correlate(reread(first.incidents), [alert("a", 2 * 24 * 60)], opts(T0 + 2 * 24 * HOUR));
      const third = correlate(reread(second.incidents), [alert("a", 4 * 24 * 60)], opts(T0 + 4 * 24 * HOUR));
      expect(third.incidents.map((i) => i.recurrenceOf)).toEqual([undefined, first.incidents[0]!.id, second.incidents[1]!.id]);
    });

    it("a start time in the future beyond clock skew is placed at the receive time and flagged; it never dates the incident ahead", () => {
      const received = T0 + 10 * MIN;
      const future = alert("a", 45 * 24 * 60); // claims to start 45 days ahead, in another month
      const skewed = alert("b", 13); // 3 minutes ahead: within the clock skew
      const on = { ...opts(T0 + 60 * MIN), receivedAt: (a: Alert) => (a.raw.delivery.startsWith("d-a") ? received : undefined) };
      const out = correlate([], [future, skewed], on);
      const inc = out.incidents.find((i) => i.fingerprints.includes("a"))!;
      expect(inc.id).toMatch(/^2026-03-14-/);
      expect(inc.path).toMatch(/^incidents\/2026\/03\//);
      expect(inc.openedAt).toBe(new Date(received).toISOString());
      expect(inc.updatedAt).toBe(new Date(received).toISOString());
      expect(inc.startClamped).toEqual({ alerts: 1, claimed: future.startsAt, placed: new Date(received).toISOString() });
      // The alert is recorded at the time it was placed, under its own id (a re-delivery is still a duplicate).
      const placed = out.assignments.find((a) => a.alert.id === future.id)!.alert;
      expect(placed.startsAt).toBe(new Date(received).toISOString());
      expect(future.startsAt).toBe(new Date(T0 + 45 * 24 * HOUR).toISOString());
      expect(correlate(reread(out.incidents), [future], on).assignments[0]!.duplicate).toBe(true);
      // Delivered twice in one run, received minutes apart: placed apart, and still one alert.
      const again = { ...future, raw: { ...future.raw, delivery: "d-a-again" } };
      const twice = correlate([], [future, skewed, again], {
        ...on,
        receivedAt: (a: Alert) => (a.raw.delivery === "d-a-again" ? received + 7 * MIN : on.receivedAt(a)),
      });
      expect(twice.assignments.map((a) => a.duplicate)).toEqual([false, false, true]);
      expect(twice.incidents.flatMap((i) => i.alerts).filter((id) => id === future.id)).toHaveLength(1);
      // Within the clock skew a start is taken as it is; without a receive time the run's clock bounds it.
      const b = out.incidents.find((i) => i.fingerprints.includes("b"))!;
      expect(b.startClamped).toBeUndefined();
      expect(b.openedAt).toBe(skewed.startsAt);
      expect(T0 + 13 * MIN - (T0 + 10 * MIN)).toBeLessThan(CLOCK_SKEW_MS);
      const byRun = correlate([], [alert("c", 20)], opts(T0 + 10 * MIN));
      expect(byRun.incidents[0]!.startClamped).toMatchObject({ alerts: 1, placed: new Date(T0 + 10 * MIN).toISOString() });
      // The flag survives the index file.
      expect(reread(out.incidents).find((i) => i.id === inc.id)!.startClamped).toEqual(inc.startClamped);
    });

    it("index files written before the lifecycle fields still parse", () => {
      const old = {
        version: 1,
        incidents: [
          {
            id: "2026-01-02-orders-1a2b",
            path: "incidents/2026/01/2026-01-02-orders-1a2b",
            title: "t",
            status: "open",
            investigation: "done",
            severity: "high",
            openedAt: "2026-01-02T00:00:00Z",
            updatedAt: "2026-01-02T00:00:00Z",
          },
        ],
      };
      const parsed = IncidentIndexSchema.parse(old).incidents[0]!;
      expect(parsed.recurrenceOf).toBeUndefined();
      expect(parsed.startClamped).toBeUndefined();
      expect(() => IncidentIndexSchema.parse({ version: 1, incidents: [{ ...old.incidents[0], recurrenceOf: "../../etc" }] })).toThrow();
    });
  });

  it("leaves the state it was given as it was, whatever it adds to it", () => {
    const first = correlate([], [alert("a", 0, {}, { pipeline: "orders" }), alert("b", 1, {}, { pipeline: "orders" })], opts());
    const before = structuredClone(first.incidents);
    const next = correlate(
      first.incidents,
      [alert("c", 3, {}, { pipeline: "orders" }), alert("a", 4, { status: "resolved" }, { pipeline: "orders" }), alert("d", 5, {}, { pipeline: "billing" })],
      opts(),
    );
    expect(next.incidents[0]!.alerts).toHaveLength(4);
    expect(next.incidents[0]!.resolvedFingerprints).toEqual(["a"]);
    expect(first.incidents).toEqual(before);
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
