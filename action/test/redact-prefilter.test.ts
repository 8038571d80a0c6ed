import fc from "fast-check";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compilePatterns, redact, redactUnfiltered, redactValue } from "../src/redact.js";
import { KEYED_SAMPLES, ORDINARY_NEAR_MISSES, ORDINARY_SAMPLES, SECRET_SAMPLES, VENDOR_TOKENS, WEBHOOKS, inEveryForm } from "./report/secret-corpus.js";

// redact() skips a rule whose literal is absent and tries a keyed rule only where a key-character run
// holding a credential word starts. Neither may ever skip a secret: redact() must equal
// redactUnfiltered(), which runs every pattern over every character.

const corpus = [
  ...SECRET_SAMPLES.map((s) => s.text),
  ...KEYED_SAMPLES.map((s) => s.text),
  ...VENDOR_TOKENS.flatMap((v) => inEveryForm(v.token).map(([, t]) => t)),
  ...WEBHOOKS.flatMap((w) => inEveryForm(w.url, "url").map(([, t]) => t)),
  ...ORDINARY_SAMPLES,
  ...ORDINARY_NEAR_MISSES,
];

/** Pieces a credential is made of, and the characters around it that decide whether a pattern may start there. */
const FRAGMENTS = [
  // credential words and keys, in every case, with prefixes and suffixes that make or break a key
  ...["password", "PASSWD", "Passphrase", "secret", "TOKEN", "credentials", "apikey", "signature", "api_key", "Access-Key", "client_secret"],
  ...["auth", "x-auth", "sig", "X-Amz-Signature", "pass", "DB_PASS", "bypass", "db_pwd", "PWD", "pwd", "password_hash", "token_count", "max_tokens"],
  ...["--password", "-p", "--db-token", ".--token", "a.-pass", "_--secret", "-", "--", "key", "keys", "monkey", "authorization", "Proxy-Authorization"],
  ...["Bearer", "Basic", "Token", "cookie", "Set-Cookie", "secret_access_key", "SecretAccessKey", "aws_secret", "AccountKey", "PASS"],
  // separators, quotes, escapes and delimiters, plain and URL-encoded
  ...["=", ":", ": ", " = ", '"', "'", '\\"', "\\", '":"', '": "', "%3D", "%3d", "%3A", "%20", "%22", "%26", "%2F", "&", ";", ",", "?", "@"],
  ...[" ", "  ", "\t", "\n", "\r\n", ".", "_", "{", "}", "[", "]", "(", ")", "<", ">", "+", "/", "\0"],
  // values, empty ones and ones already redacted
  ...["hunter2", "S3cr3t-pw-77", "abc123def456", "12", "14", "true", "null", "***", "${TOKEN}", "%7B%7Bx%7D%7D", "[REDACTED:token]", "[REDACTED"],
  ...["q8W2e4R6t8Y0u2I4o6P8a0", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq8Lk3mNv2", "dGVzdA==", "2026-03-14T10:00:00Z", "1773482520000", "-0.5", "1.2e5"],
  // shapes our own rules and gitleaks' look for
  ...["https://", "postgres://etl:", "@db:5432", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "xoxb-", "xoxe-", "xapp-", "xapp-1-", "xapp-9-"],
  ...["sk-", "sk-proj-", "sk_live_", "rk_test_", "eyJ", "eyJhbGciOi", "AKIA", "ASIA", "ABIA", "ACCA", "AIDA", "AROA"],
  ...["-----BEGIN RSA PRIVATE KEY-----", "-----BEGIN PRIVATE KEY-----", "-----BEGIN OPENSSH PRIVATE KEY-----\n", "-----BEGIN PGP PRIVATE KEY BLOCK-----"],
  ...[
    "-----END RSA PRIVATE KEY-----",
    "hooks.slack.com/services/",
    "hooks.slack.com%2Fworkflows%2F",
    "discord.com/api/webhooks/1/",
    "canary.discordapp.com/api/v10/webhooks/",
  ],
  ...["glpat-", "npm_", "AIza", "api-", "datadog", "dd_api_key"],
  // invisible and non-ASCII characters (Kelvin sign, dotted I, long s: none is a key character)
  ...["\u200b", "\u00ad", "\ufeff", "\u200d", "\u212a", "\u0130", "\u017f", "é"],
  ...corpus.map((t) => t.slice(0, 40)),
];

/** A fragment as written, or in upper or lower case (most patterns ignore case, their prefilters must too). */
const fragment = fc
  .tuple(fc.constantFrom(...FRAGMENTS), fc.constantFrom("as is", "upper", "lower"))
  .map(([f, c]) => (c === "upper" ? f.toUpperCase() : c === "lower" ? f.toLowerCase() : f));
/** What follows a credential's prefix: token characters, or only the letters and digits most token formats take. */
const tokenChars = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9_.~+/=-]{0,40}$/),
  fc.stringMatching(/^[A-Za-z0-9_-]{0,24}$/),
  fc.stringMatching(/^[A-Za-z0-9]{30,50}$/),
  fc.stringMatching(/^[A-Z0-9]{16}$/),
);
const jwtPart = fc.stringMatching(/^[A-Za-z0-9_-]{0,20}$/);
/** A shaped credential: a prefix some pattern starts with, then token characters (a JWT's three parts too). */
const shaped = fc.oneof(
  fc.tuple(fragment, tokenChars).map(([p, t]) => p + t),
  fc.tuple(fc.constantFrom("eyJ", "EYJ", "eyj"), jwtPart, jwtPart, jwtPart).map(([h, a, b, c]) => `${h}${a}.${b}.${c}`),
  fc.tuple(fc.constantFrom("Bearer", "bearer", "Basic", "Token"), fc.constantFrom(" ", "\t", "\n", "%20", "%20\0", "+"), tokenChars).map((xs) => xs.join("")),
);
/** A key, a separator and a value: the shape keyed rules look for, made often enough to matter. */
const keyed = fc
  .tuple(
    fc.array(fragment, { minLength: 1, maxLength: 3 }),
    fc.constantFrom("=", ":", ": ", " ", "\t", '":"', '\\":\\"', "%3D", "%3d\0", "%20", "\n"),
    fc.oneof(fragment, tokenChars),
  )
  .map(([k, sep, v]) => `${k.join("")}${sep}${v}`);
const word = fc.oneof(fragment, shaped, keyed, fc.stringMatching(/^[A-Za-z0-9_.-]{1,12}$/));
const glued = fc.array(word, { maxLength: 16 }).map((parts) => parts.join(""));
/** A telemetry answer as an incident's recording holds it: labels from the fragments, samples as numbers and timestamps. */
const telemetry = fc
  .record({
    labels: fc.dictionary(word, glued, { maxKeys: 4 }),
    samples: fc.array(fc.tuple(fc.constantFrom("2026-03-14T10:00:00Z", "2026-03-14T10:01:00.000Z"), fc.oneof(fc.double({ noNaN: true }), fc.constant(null))), {
      maxLength: 6,
    }),
    line: glued,
  })
  .map((r) => JSON.stringify(r, null, 2));
const text = fc.oneof(
  glued,
  telemetry,
  fc.array(fc.oneof(glued, telemetry), { maxLength: 4 }).map((xs) => xs.join("\n")),
  fc.string({ unit: "binary", maxLength: 60 }),
);

describe("redact's prefilter cannot skip a secret", () => {
  it("equals every pattern run over every character, over texts built from credential pieces and telemetry", () => {
    fc.assert(
      fc.property(text, (t) => {
        expect(redact(t)).toBe(redactUnfiltered(t));
      }),
      { numRuns: 2000 },
    );
  });

  it("equals it on the corpus, in plain and escaped JSON, and with a repository's own patterns", () => {
    const own = compilePatterns(["ACME-\\d+"]);
    for (const t of corpus) {
      for (const form of [t, JSON.stringify({ line: t }), JSON.stringify(JSON.stringify({ line: t })), `${t} ACME-12`]) {
        expect(redact(form), form).toBe(redactUnfiltered(form));
        expect(redact(form, own), form).toBe(redactUnfiltered(form, own));
      }
    }
  });

  it("equals it on the golden scenarios' recorded telemetry", () => {
    const root = fileURLToPath(new URL("../scenarios/", import.meta.url));
    let seen = 0;
    for (const dir of readdirSync(root, { recursive: true, encoding: "utf8" }).filter((d) => d.endsWith("telemetry"))) {
      for (const file of readdirSync(join(root, dir))) {
        // The head of each file: every shape a scenario records, without 32 MB of unfiltered regexes.
        const head = readFileSync(join(root, dir, file), "utf8").slice(0, 3000);
        expect(redact(head), `${dir}/${file}`).toBe(redactUnfiltered(head));
        seen++;
      }
    }
    expect(seen).toBeGreaterThan(300);
  });

  it("redactValue redacts a string the value repeats (a recording repeats its timestamps) alike everywhere", () => {
    const ts = "2026-03-14T10:00:00Z";
    const secret = "password=hunter2-Prod";
    const value = {
      samples: [
        [ts, 1],
        [ts, 2],
      ],
      lines: [secret, secret],
      note: { line: secret },
    };
    const out = redactValue(value);
    expect(out).toEqual({
      samples: [
        [ts, 1],
        [ts, 2],
      ],
      lines: [redact(secret), redact(secret)],
      note: { line: redact(secret) },
    });
    expect(out.lines[0]).toBe("password=[REDACTED:password]");
  });
});
