import { describe, expect, it } from "vitest";
import { compilePatterns, redact, redactValue } from "../src/redact.js";
import { RE2JS } from "re2js";
import { GITLEAKS_RULES } from "../src/secrets/gitleaks-rules.js";
import { KEYED_SAMPLES, ORDINARY_NEAR_MISSES, ORDINARY_SAMPLES, SECRET_SAMPLES, VENDOR_TOKENS, WEBHOOKS, inEveryForm } from "./report/secret-corpus.js";

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

describe("redact: every form a credential travels in (issue #16)", () => {
  describe.each(VENDOR_TOKENS.map((v) => [v.vendor, v] as const))("%s", (_vendor, v) => {
    it.each(inEveryForm(v.token))("%s", (_form, text) => {
      const out = redact(text);
      expect(out).not.toContain(v.token);
      expect(out).toContain(`[REDACTED:${v.kind}]`);
    });
  });

  describe.each(WEBHOOKS.map((w) => [w.vendor, w] as const))("%s webhook", (vendor, w) => {
    // Teams' rule (gitleaks') reads the URL as written, not percent-encoded.
    const forms = inEveryForm(w.url, "url").filter(([form]) => form !== "URL-encoded" || !vendor.startsWith("Microsoft"));
    it.each(forms)("%s", (_form, text) => {
      const out = redact(text);
      expect(out).not.toContain(w.secret);
      expect(out).toContain(`[REDACTED:${w.kind}]`);
    });
  });

  it.each(KEYED_SAMPLES.map((s) => [s.text, s] as const))("removes the value in %s", (_text, s) => {
    const out = redact(s.text);
    expect(out).not.toContain(s.secret);
    expect(out).toContain(`[REDACTED:${s.kind}]`);
  });

  it("keeps the names a reader needs around keyed values", () => {
    expect(redact("dd_api_key 7b9713023541cdb9755abcd79d4b3dcf rejected")).toBe("dd_api_key [REDACTED:api-key] rejected");
    expect(redact("Set-Cookie: sid=abc123; Path=/; HttpOnly")).toBe("Set-Cookie: sid=[REDACTED:cookie]; Path=/; HttpOnly");
    expect(redact("authorization=Bearer%20abcdef0123456789&scope=read")).toBe("authorization=Bearer%20[REDACTED:authorization]&scope=read");
    expect(redact("client_secret%3Dabc123def%26scope%3Dread")).toBe("client_secret%3D[REDACTED:secret]%26scope%3Dread");
    expect(redact('{"pass": "hunter2"}')).toBe('{"pass": "[REDACTED:password]"}');
  });

  it.each(ORDINARY_NEAR_MISSES.map((t) => [t]))("leaves alone: %s", (text) => {
    expect(redact(text)).toBe(text);
    expect(redact(JSON.stringify({ line: text }))).toBe(JSON.stringify({ line: text }));
  });

  it("reads a token split by invisible characters as one (zero-width space, soft hyphen, BOM)", () => {
    const ghp = VENDOR_TOKENS.find((v) => v.vendor === "GitHub")!.token;
    const npm = VENDOR_TOKENS.find((v) => v.vendor === "npm")!.token;
    for (const text of [
      `GITHUB_TOKEN=${ghp.slice(0, 12)}\u200b${ghp.slice(12)}`,
      `token ${ghp.slice(0, 4)}\u200b${ghp.slice(4, 20)}\u2060${ghp.slice(20)} used`,
      `{"npm": "${npm.slice(0, 10)}\ufeff${npm.slice(10)}"}`,
      "pass\u00adword=hunter2-Prod",
      `Authorization: Bearer ab\u200bcdef0123456789abcdef`,
    ]) {
      const out = redact(text);
      expect(out, text).toMatch(/\[REDACTED:(github-token|npm-access-token|password|authorization|token)\]/);
      for (const piece of [ghp.slice(12, 30), npm.slice(10, 30), "hunter2", "cdef0123456789"]) expect(out).not.toContain(piece);
    }
  });

  it("keeps the invisible joiners that stop mentions and references (they split no token)", () => {
    const inert = "ping @\u200dteam about #\u200d12 and c\u200dloses #\u200d13";
    expect(redact(inert)).toBe(inert);
    const ghp = VENDOR_TOKENS.find((v) => v.vendor === "GitHub")!.token;
    // A split token glued to a broken mention: the token goes, the mention stays broken.
    expect(redact(`${ghp.slice(0, 9)}\u200b${ghp.slice(9)}@\u200deveryone`)).toBe("[REDACTED:github-token]@\u200deveryone");
  });

  it("runs every gitleaks rule it vendors on RE2 with its keyword as a prefilter", () => {
    expect(GITLEAKS_RULES.rules.length).toBeGreaterThan(200);
    for (const r of GITLEAKS_RULES.rules) {
      expect(r.keywords.length, r.id).toBeGreaterThan(0);
      expect(() => RE2JS.compile(r.regex), r.id).not.toThrow();
    }
    expect(GITLEAKS_RULES.rules.some((r) => r.id === "generic-api-key")).toBe(false);
  });
});

describe("redact: prose after a credential word", () => {
  it("keeps a lower-case word after `key: ` but not a chosen secret's, nor a token-shaped value", () => {
    expect(redact("token: abc123def456")).toBe("token: [REDACTED:token]");
    expect(redact("signature: Xy9aQ")).toBe("signature: [REDACTED:signature]");
    expect(redact("password: hunter")).toBe("password: [REDACTED:password]");
    expect(redact("db_secret: letmein")).toBe("db_secret: [REDACTED:secret]");
    expect(redact('"token": "the"')).toBe('"token": "[REDACTED:token]"');
    expect(redact("token=the")).toBe("token=[REDACTED:token]");
  });
});
