import { expect } from "vitest";
import type { Alert, Source } from "../../src/model/index.js";
import { normalize, type IngestOutcome, type NormalizeOptions } from "../../src/ingest/normalize.js";

/** Normalizes a body (an object is serialized) as one delivery. */
export function ingest(body: unknown, headers: Record<string, string> = {}, options: NormalizeOptions = {}, id = "test-delivery"): IngestOutcome {
  return normalize({ id, body: typeof body === "string" ? body : JSON.stringify(body), headers, receivedAt: "2026-03-14T02:00:00Z" }, options);
}

/** The alerts of an accepted body; fails the test with the reason otherwise. */
export function accepted(out: IngestOutcome, source?: Source): Alert[] {
  if (!out.ok) expect.fail(`expected alerts, got a rejection: ${out.reason}`);
  if (source) expect(out.source).toBe(source);
  return out.alerts;
}

/** The reason of a rejected body; fails the test when it was accepted. */
export function rejected(out: IngestOutcome): string {
  if (out.ok) expect.fail(`expected a rejection, got ${out.alerts.length} ${out.source} alert(s)`);
  return out.reason;
}

/** A deep copy to mutate in one test without touching the template. */
export function clone<T>(value: T): T {
  return structuredClone(value);
}
