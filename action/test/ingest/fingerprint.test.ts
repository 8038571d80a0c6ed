import { describe, expect, it } from "vitest";
import { alertId, computedFingerprint, fingerprintOf, givenFingerprint } from "../../src/ingest/fingerprint.js";

describe("fingerprint", () => {
  it("computes the same fingerprint whatever the label order, ignoring volatile labels", () => {
    const a = computedFingerprint("grafana", { b: "2", a: "1", value: "3.5" });
    expect(computedFingerprint("grafana", { a: "1", b: "2", value: "99" })).toBe(a);
    expect(computedFingerprint("grafana", { a: "1", b: "3" })).not.toBe(a);
    expect(computedFingerprint("datadog", { a: "1", b: "2" })).not.toBe(a);
    expect(a).toMatch(/^grafana:[0-9a-f]{16}$/);
  });

  it("uses only the identifying labels that are present, and all labels when none is", () => {
    const id = ["dag_id", "task_id"];
    const f = computedFingerprint("airflow", { dag_id: "d", task_id: "t", try_number: "1" }, id);
    expect(computedFingerprint("airflow", { dag_id: "d", task_id: "t", try_number: "2", state: "success" }, id)).toBe(f);
    expect(computedFingerprint("airflow", { x: "1" }, id)).toBe(computedFingerprint("airflow", { x: "1" }));
  });

  it("keeps a source fingerprint verbatim unless it is long or odd, and flags only computed ones", () => {
    expect(givenFingerprint("alertmanager", " 3c1d9a7e52b04f18 ")).toBe("3c1d9a7e52b04f18");
    expect(givenFingerprint("pagerduty", "x".repeat(200))).toMatch(/^pagerduty:[0-9a-f]{16}$/);
    expect(givenFingerprint("opsgenie", "orders lag")).toMatch(/^opsgenie:[0-9a-f]{16}$/);
    expect(fingerprintOf("alertmanager", "abc", { a: "1" })).toEqual({ fingerprint: "abc", computed: false });
    expect(fingerprintOf("alertmanager", "  ", { a: "1" }).computed).toBe(true);
    expect(fingerprintOf("alertmanager", null, { a: "1" }).computed).toBe(true);
  });

  it("gives stable ids that change with source, fingerprint, start, status, and (only without a start) delivery", () => {
    const base = alertId("alertmanager", "f", "2026-03-14T01:00:00.000Z", "firing", "d1");
    expect(base).toMatch(/^[0-9a-f]{16}$/);
    expect(alertId("alertmanager", "f", "2026-03-14T01:00:00.000Z", "firing", "d2")).toBe(base);
    expect(alertId("grafana", "f", "2026-03-14T01:00:00.000Z", "firing", "d1")).not.toBe(base);
    expect(alertId("alertmanager", "g", "2026-03-14T01:00:00.000Z", "firing", "d1")).not.toBe(base);
    expect(alertId("alertmanager", "f", "2026-03-14T01:01:00.000Z", "firing", "d1")).not.toBe(base);
    expect(alertId("alertmanager", "f", "2026-03-14T01:00:00.000Z", "resolved", "d1")).not.toBe(base);
    expect(alertId("alertmanager", "f", null, "firing", "d1")).not.toBe(alertId("alertmanager", "f", null, "firing", "d2"));
  });

  it("keeps the ids already recorded: the same inputs give the same ids as ever", () => {
    expect(alertId("alertmanager", "f", "2026-03-14T01:00:00.000Z", "firing", "d1")).toBe("636a241ec81bcdc0");
    expect(alertId("grafana", "rule-1", null, "resolved", "d2")).toBe("d94c9978a6272281");
  });
});
