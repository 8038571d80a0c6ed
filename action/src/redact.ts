/**
 * The one redaction function. Everything Pipemedic writes (incident files, pull request bodies,
 * unparsed bodies) or sends passes through it first, so a credential pasted into an alert, a log line
 * or a commit message never lands in the repository.
 *
 * Specific token formats run first (they are unambiguous); the context patterns (headers, URL
 * passwords, `key=value` pairs) run after and never re-redact a `[REDACTED:…]` marker.
 */

import { CONFIG_PATH } from "./model/config.js";
import { compilePattern, type Pattern } from "./patterns.js";

type Replacer = (match: string, ...groups: Array<string | undefined>) => string;

interface Rule {
  kind: string;
  pattern: RegExp;
  /** Keeps the non-secret part of the match (a header name, a URL's user) when given. */
  replace?: Replacer;
}

const mark = (kind: string) => `[REDACTED:${kind}]`;

/** Words that make a key's value a credential; they must end the key (`db_password`, not `password_hash`). */
const SECRET_KEY_WORD = "(?:password|passwd|pwd|secret|client[_-]?secret|token|api[_-]?key|apikey|access[_-]?key|secret[_-]?key|private[_-]?key|credentials?)";

/** The marker kind for a sensitive key, so a reader knows what was removed. */
function kindOfKey(key: string): string {
  const k = key.toLowerCase();
  if (/pass|pwd/.test(k)) return "password";
  if (/private/.test(k)) return "private-key";
  if (/api[_-]?key|apikey/.test(k)) return "api-key";
  if (/access[_-]?key|secret[_-]?key/.test(k)) return "access-key";
  if (/token/.test(k)) return "token";
  return "secret";
}

const RULES: Rule[] = [
  {
    kind: "private-key",
    pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g,
  },
  // A key cut short by truncation still leaks its body: redact to the end of the base64 run.
  // Escaped newlines (\n inside JSON) are part of the key; any other backslash ends it, so JSON stays valid.
  { kind: "private-key", pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----(?:[A-Za-z0-9+/=\s:-]|\\[nrt])*/g },
  { kind: "jwt", pattern: /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
  { kind: "github-token", pattern: /\bgh[pousr]_[A-Za-z0-9]{30,}\b/g },
  { kind: "github-token", pattern: /\bgithub_pat_[A-Za-z0-9_]{30,}/g },
  { kind: "slack-webhook", pattern: /\bhttps?:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_/-]+/g },
  { kind: "slack-token", pattern: /\bxox[abposre]-[A-Za-z0-9-]{10,}/g },
  { kind: "slack-token", pattern: /\bxapp-\d-[A-Za-z0-9-]{10,}/g },
  { kind: "openai-key", pattern: /\bsk-(?:proj-|svcacct-|admin-|ant-)?[A-Za-z0-9_-]{20,}/g },
  { kind: "stripe-key", pattern: /\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}/g },
  { kind: "aws-access-key", pattern: /\b(?:AKIA|ASIA|ABIA|ACCA|AIDA|AROA)[A-Z0-9]{16}\b/g },
  {
    // A secret access key is 40 base64 characters, indistinguishable from other data without its name.
    kind: "aws-secret-key",
    pattern: /\b((?:aws_?)?secret_?access_?key|SecretAccessKey|aws_secret)(\\?["']?\s*[:=]\s*\\?["']?)(?!\[REDACTED)[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])/gi,
    replace: (_m, key, sep) => `${key}${sep}${mark("aws-secret-key")}`,
  },
  {
    kind: "authorization",
    pattern: /\b((?:proxy-)?authorization\\?["']?\s*[:=]\s*\\?["']?)(Bearer|Basic|Token|Bot|Negotiate)\s+(?!\[REDACTED)[A-Za-z0-9._~+/=-]+/gi,
    replace: (_m, head, scheme) => `${head}${scheme} ${mark("authorization")}`,
  },
  {
    // A bare bearer token outside a header: only a token-looking word (a digit or punctuation in it), not prose.
    kind: "authorization",
    pattern: /\b(Bearer)\s+(?!\[REDACTED)(?=[A-Za-z0-9._~+/-]*[0-9._~+/-])[A-Za-z0-9._~+/-]{16,}=*/g,
    replace: (_m, scheme) => `${scheme} ${mark("authorization")}`,
  },
  {
    // scheme://user:password@host — the user stays (it helps a reader), the password goes.
    kind: "url-password",
    pattern: /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:/@'"<>]*):(?!\[REDACTED)([^\s/'"<>]+)@(?=[A-Za-z0-9[])/gi,
    replace: (_m, scheme, user) => `${scheme}${user}:${mark("url-password")}@`,
  },
  {
    // --password hunter2, --token=… (the `=` form is also caught below).
    kind: "secret",
    pattern: new RegExp(`((?<![\\w-])--?[A-Za-z0-9-]*${SECRET_KEY_WORD})(\\s+)(?!\\[REDACTED)(?!-)[^\\s"'&;,]+`, "gi"),
    replace: (_m, flag, space) => `${flag}${space}${mark(kindOfKey(flag ?? ""))}`,
  },
  {
    // key=value, key: value, "key": "value", key='value' (also JSON-escaped quotes inside a string).
    kind: "secret",
    pattern: new RegExp(
      `(\\\\?["']?)\\b([A-Za-z0-9_.-]*${SECRET_KEY_WORD})(\\\\?["']?\\s*[:=]\\s*)` +
        `(?!\\\\?["']?\\[REDACTED)` +
        `(?:(\\\\?")((?:[^"\\\\\\n]|\\\\(?!"))*)(\\\\?")|(')([^'\\n]*)(')|([^\\s"'\\\\&;,)}\\]<>]+))`,
      "gi",
    ),
    replace: (_m, q0, key, sep, oq1, _v1, cq1, oq2, _v2, cq2) => {
      const open = oq1 ?? oq2 ?? "";
      const close = cq1 ?? cq2 ?? "";
      return `${q0 ?? ""}${key}${sep}${open}${mark(kindOfKey(key ?? ""))}${close}`;
    },
  },
];

/** The repository's own patterns (policy `redaction.patterns`), compiled on RE2 for `redact`'s `extra`; a pattern RE2 refuses throws, naming its key. */
export function compilePatterns(patterns: readonly string[]): Pattern[] {
  return patterns.map((p, i) => compilePattern(p, `${CONFIG_PATH} redaction.patterns[${i}]`));
}

/** Replaces credentials in text with `[REDACTED:<kind>]`; `extra` adds a repository's own patterns (kind `custom`). */
export function redact(text: string, extra: readonly Pattern[] = []): string {
  let out = text;
  for (const rule of RULES) {
    out = rule.replace ? out.replace(rule.pattern, rule.replace) : out.replace(rule.pattern, mark(rule.kind));
  }
  for (const re of extra) out = re.replace(out, mark("custom"));
  return out;
}

const SENSITIVE_KEY = new RegExp(`(?:^|[_.-])${SECRET_KEY_WORD}$|^authorization$|^cookie$`, "i");

/** A structured key that names a credential (`password`, `clientSecret`, `AWS_SECRET_ACCESS_KEY`). */
function isSensitiveKey(key: string): boolean {
  const words = key.replace(/([a-z0-9])([A-Z])/g, "$1_$2");
  return SENSITIVE_KEY.test(words);
}

/**
 * Redacts every string inside a value (objects, arrays), and replaces whole string values whose key
 * names a credential: `{ password: "hunter2" }` carries no pattern a text scan could see.
 */
export function redactValue<T>(value: T, extra: readonly Pattern[] = []): T {
  const seen = new WeakMap<object, unknown>();
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return redact(v, extra);
    if (v === null || typeof v !== "object") return v;
    if (seen.has(v)) return seen.get(v);
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      seen.set(v, out);
      for (const item of v) out.push(walk(item));
      return out;
    }
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype && proto !== null) return v;
    const out: Record<string, unknown> = {};
    seen.set(v, out);
    for (const [k, item] of Object.entries(v)) {
      out[k] = typeof item === "string" && item !== "" && isSensitiveKey(k) && !item.startsWith("[REDACTED:") ? mark(kindOfKey(k)) : walk(item);
    }
    return out;
  };
  return walk(value) as T;
}
