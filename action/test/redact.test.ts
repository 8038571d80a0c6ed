import { describe, expect, it } from "vitest";
import { compilePatterns, redact, redactValue } from "../src/redact.js";
import { ORDINARY_SAMPLES, SECRET_SAMPLES } from "./report/secret-corpus.js";

describe("redact", () => {
  it.each(SECRET_SAMPLES.map((s) => [s.kind, s] as const))("removes a %s", (_kind, sample) => {
    const out = redact(sample.text);
    expect(out).not.toContain(sample.secret);
    expect(out).toContain(`[REDACTED:${sample.kind}]`);
  });

  it.each(ORDINARY_SAMPLES.map((s) => [s]))("leaves ordinary text alone: %s", (text) => {
    expect(redact(text)).toBe(text);
  });

  it("keeps the context a reader needs: header names, URL users, JSON quotes", () => {
    expect(redact("postgres://etl_user:S3cr3t@db:5432/dw")).toBe("postgres://etl_user:[REDACTED:url-password]@db:5432/dw");
    expect(redact('{"password": "abc def"}')).toBe('{"password": "[REDACTED:password]"}');
    expect(redact("Authorization: Bearer abcdef0123456789")).toBe("Authorization: Bearer [REDACTED:authorization]");
    expect(JSON.parse(redact(JSON.stringify({ headers: { Authorization: "Basic ZXRsOmh1bnRlcjI=" } })))).toEqual({
      headers: { Authorization: "Basic [REDACTED:authorization]" },
    });
  });

  it("is idempotent: a second pass changes nothing", () => {
    for (const s of SECRET_SAMPLES) {
      const once = redact(s.text);
      expect(redact(once)).toBe(once);
    }
  });

  it("applies a repository's own patterns to every occurrence", () => {
    expect(redact("customer ACME-12345 and ACME-67890", compilePatterns(["ACME-\\d+"]))).toBe("customer [REDACTED:custom] and [REDACTED:custom]");
  });

  it("catches secrets escaped inside serialized JSON and keeps the JSON valid", () => {
    for (const s of SECRET_SAMPLES) {
      for (const value of [{ line: s.text }, { line: `"${s.text}"`, quoted: `msg="${s.text}" done` }]) {
        const out = redact(JSON.stringify(value));
        expect(out).not.toContain(s.secret);
        expect((): unknown => JSON.parse(out), out).not.toThrow();
      }
    }
  });
});

describe("redactValue", () => {
  it("redacts strings deep in objects and arrays and leaves other values", () => {
    const value = {
      n: 3,
      ok: true,
      nothing: null,
      logs: [{ line: SECRET_SAMPLES[0]!.text, ts: "2026-03-14T10:00:00Z" }],
      nested: { deeper: [[SECRET_SAMPLES[5]!.text]] },
    };
    const out = redactValue(value);
    const text = JSON.stringify(out);
    expect(text).not.toContain(SECRET_SAMPLES[0]!.secret);
    expect(text).not.toContain(SECRET_SAMPLES[5]!.secret);
    expect(out.n).toBe(3);
    expect(out.ok).toBe(true);
    expect(out.nothing).toBeNull();
    expect(out.logs[0]!.ts).toBe("2026-03-14T10:00:00Z");
    expect(value.logs[0]!.line).toBe(SECRET_SAMPLES[0]!.text);
  });

  it("replaces whole values whose key names a credential", () => {
    const out = redactValue({ password: "hunter2", clientSecret: "abc", AWS_SECRET_ACCESS_KEY: "x", max_tokens: "512", user: "etl" });
    expect(out).toEqual({
      password: "[REDACTED:password]",
      clientSecret: "[REDACTED:secret]",
      AWS_SECRET_ACCESS_KEY: "[REDACTED:access-key]",
      max_tokens: "512",
      user: "etl",
    });
  });

  it("survives cycles", () => {
    const a: Record<string, unknown> = { token: "t0k3n-value" };
    a.self = a;
    const out = redactValue(a);
    expect(out.token).toBe("[REDACTED:token]");
    expect(out.self).toBe(out);
  });
});
