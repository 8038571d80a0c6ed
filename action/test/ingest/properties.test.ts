import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ADAPTERS, adapterFor, detectSource } from "../../src/ingest/detect.js";
import { normalize, type IngestOutcome, type NormalizeOptions } from "../../src/ingest/normalize.js";
import { GenericMappingSchema } from "../../src/ingest/sources/generic-mapping.js";
import { ParseError } from "../../src/ingest/sources/types.js";
import { AlertSchema, SourceSchema, type Source } from "../../src/model/index.js";
import { GENERIC_MAPPING, SAMPLES } from "./samples.js";

const SOURCES = SourceSchema.options;
const mapping = GenericMappingSchema.parse(GENERIC_MAPPING);

/**
 * Either alerts that AlertSchema accepts exactly as they are (buildAlert builds them as the type
 * without parsing them, so nothing may be left for the schema to strip, fill in or reject), or a
 * one-line reason: never anything else.
 */
function assertTyped(out: IngestOutcome): void {
  if (out.ok) {
    expect(out.alerts.length).toBeGreaterThan(0);
    for (const a of out.alerts) expect(AlertSchema.parse(a)).toStrictEqual(a);
  } else {
    expect(typeof out.reason).toBe("string");
    expect(out.reason.length).toBeGreaterThan(0);
    // eslint-disable-next-line no-control-regex -- the reason must hold no control character: the pattern looks for them
    expect(out.reason).not.toMatch(/[\u0000-\u001f<>]/);
  }
}

function run(body: string, headers: Record<string, string> = {}, options: NormalizeOptions = {}): IngestOutcome {
  let out: IngestOutcome | undefined;
  expect(() => {
    out = normalize({ id: "prop", body, headers, receivedAt: "2026-03-14T02:00:00Z" }, options);
  }).not.toThrow();
  return out!;
}

/** Every path into a JSON value, so a mutation can hit any field at any depth. */
function paths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const out: Array<Array<string | number>> = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

type Mutation = { pick: number; kind: "delete" | "replace" | "stringify" | "control" | "wrap"; value: unknown };

function mutate(body: unknown, mutations: Mutation[]): unknown {
  let root = structuredClone(body);
  for (const m of mutations) {
    const all = paths(root);
    const path = all[m.pick % all.length]!;
    if (!path.length) {
      root = m.kind === "replace" ? m.value : root;
      continue;
    }
    let parent: unknown = root;
    for (const step of path.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[step];
    const key = path[path.length - 1]!;
    const holder = parent as Record<string | number, unknown>;
    const current = holder[key];
    if (m.kind === "delete") {
      if (Array.isArray(holder)) holder.splice(Number(key), 1);
      else delete holder[key];
    } else if (m.kind === "replace") holder[key] = m.value;
    else if (m.kind === "stringify") holder[key] = JSON.stringify(current ?? null);
    else if (m.kind === "control") holder[key] = `${typeof current === "string" ? current : "x"}\u0000\u001b\ud800`;
    else holder[key] = [current, current];
  }
  return root;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  pick: fc.nat(),
  kind: fc.constantFrom("delete", "replace", "stringify", "control", "wrap"),
  value: fc.jsonValue({ maxDepth: 3 }),
});

describe("ingest properties", () => {
  it("every sample is valid before mutation", () => {
    for (const s of SAMPLES) {
      const out = run(JSON.stringify(s.body), s.headers ?? {}, s.source === "generic" ? { generic: mapping } : {});
      if (!out.ok) expect.fail(`${s.source}: ${out.reason}`);
      expect(out.source).toBe(s.source);
    }
  });

  it("arbitrary JSON, detected or forced onto each source, gives alerts or a typed rejection", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.constantFrom<Source | undefined>(undefined, ...SOURCES), (value, source) => {
        const options: NormalizeOptions = { ...(source ? { source } : {}), generic: mapping };
        assertTyped(run(JSON.stringify(value) ?? "null", {}, options));
      }),
      { numRuns: 1500 },
    );
  });

  it("arbitrary text gives a typed rejection or alerts, never an exception", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 400 }), fc.dictionary(fc.string(), fc.string()), (body, headers) => {
        assertTyped(run(body, headers));
      }),
      { numRuns: 1000 },
    );
  });

  it("mutated valid payloads of every source give alerts or a typed rejection", () => {
    const seen = { ok: 0, rejected: 0 };
    fc.assert(
      fc.property(fc.constantFrom(...SAMPLES), fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.boolean(), (sample, mutations, wrap) => {
        const body = mutate(sample.body, mutations);
        const sent = wrap ? { event_type: "alert", client_payload: { source: sample.source, payload: body, headers: sample.headers ?? {} } } : body;
        const out = run(JSON.stringify(sent) ?? "null", wrap ? {} : (sample.headers ?? {}), { generic: mapping, ...(wrap ? {} : { source: sample.source }) });
        assertTyped(out);
        seen[out.ok ? "ok" : "rejected"]++;
      }),
      { numRuns: 3000 },
    );
    // Both outcomes occur, so the mutations reach fields the adapters read.
    expect(seen.ok).toBeGreaterThan(100);
    expect(seen.rejected).toBeGreaterThan(100);
  });

  it("adapters throw nothing but ParseError, and detectors nothing at all", () => {
    const adapters = [...ADAPTERS, adapterFor("generic")!];
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue({ maxDepth: 5 }), fc.anything({ maxDepth: 4 })), fc.dictionary(fc.string(), fc.string()), (value, headers) => {
        for (const a of adapters) {
          expect(() => a.detect(value, headers)).not.toThrow();
          try {
            a.parse(value, { delivery: "p", receivedAt: "2026-03-14T02:00:00Z", headers, generic: mapping });
          } catch (err) {
            expect(err).toBeInstanceOf(ParseError);
          }
        }
        expect(() => detectSource(value, headers)).not.toThrow();
      }),
      { numRuns: 800 },
    );
  });

  it("the same body always gives the same ids", () => {
    fc.assert(
      fc.property(fc.constantFrom(...SAMPLES), fc.array(mutation, { maxLength: 2 }), (sample, mutations) => {
        const body = JSON.stringify(mutate(sample.body, mutations)) ?? "null";
        const options = { generic: mapping, source: sample.source };
        const a = run(body, sample.headers ?? {}, options);
        const b = run(body, sample.headers ?? {}, options);
        expect(b).toEqual(a);
      }),
      { numRuns: 500 },
    );
  });
});
