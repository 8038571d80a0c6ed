/**
 * The one redaction function. Everything Pipemedic writes (incident files, pull request bodies,
 * unparsed bodies) or sends passes through it first, so a credential pasted into an alert, a log line
 * or a commit message never lands in the repository.
 *
 * In order: our specific token formats and the places a credential stands (headers, cookies, URL
 * passwords) run first (unambiguous, and their kinds are the ones reports show); then gitleaks'
 * maintained rule set (secrets/gitleaks.ts: vendor formats we would always trail by hand); then
 * credential-named keys with their values in every form (`key=value`, `key: value`, JSON, URL query
 * and URL-encoded, `password hunter2`); last, tokens split by an invisible character (a zero-width
 * space must not hide a token). A `[REDACTED:…]` marker is never re-redacted.
 *
 * Every pattern here is written to run in time linear in the text: a match can only start where a
 * run of key characters starts (a lookbehind pins it), and what follows is bounded by that run.
 * action/bench/redact.bench.ts measures 64 KB inputs, hostile ones included.
 *
 * Most of what is redacted holds no credential (timestamps, label values, a recording's samples), so a
 * rule runs only where it could match: a rule whose literal (`-----BEGIN `, `://`, `cookie`) is absent
 * is skipped, and a keyed rule is tried only at the starts of the key-character runs that hold a
 * credential word, found by one scan. Both are exact, not heuristics: redactUnfiltered runs every
 * pattern over every character, and the tests hold redact() equal to it.
 */

import { CONFIG_PATH } from "./model/config.js";
import { compilePattern, type Pattern } from "./patterns.js";
import { findSecrets } from "./secrets/gitleaks.js";
import { FORMAT_CHARACTERS } from "./untrusted-text.js";

type Replacer = (match: string, ...groups: Array<string | undefined>) => string;

interface Rule {
  kind: string;
  pattern: RegExp;
  /** Keeps the non-secret part of the match (a header name, a URL's user) when given. */
  replace?: Replacer;
  /** What every match of the pattern contains (a literal, or a pattern when case does not matter): where it is absent the rule is skipped. */
  needs: string | RegExp;
}

const mark = (kind: string) => `[REDACTED:${kind}]`;

/** Words that make a key's value a credential whatever the value looks like; they end the key (`db_password`, not `password_hash`). */
const LONG_WORD =
  "(?:password|passwd|passphrase|secret|token|credentials?|apikey|signature|(?:api|access|secret|private|client|application|app|account|master|signing|encryption|shared|sas|subscription)[_-]?key)";
/**
 * Short words that name a credential only as a whole word of the key: `auth` and `sig` after a
 * separator (`x-auth`, `sig`, not `oauth`), `pass` alone or after an underscore (`pass`, `DB_PASS`, not
 * `bypass` or `check-says-pass`), `pwd` after an underscore (`DB_PWD`, not the shell's `PWD`).
 */
const SHORT_KEY = "(?:(?:[A-Za-z0-9_.-]*[_.-])?(?:auth|sig)|(?:[A-Za-z0-9]*_)?pass|[A-Za-z0-9]*_pwd)";
/** A key naming a credential: a run of key characters ending in one of the words. */
const KEY = `(?:[A-Za-z0-9_.-]*${LONG_WORD}|${SHORT_KEY})`;
/** Where a key may start: not inside a run of key characters. */
const KEY_START = "(?<![A-Za-z0-9_.-])";
/** Any separator between key and value: `=`, `:`, and their URL-encoded forms, with quotes (JSON-escaped too) around. */
const SEP = String.raw`\\?["']?\s*(?:[:=]|%3[ADad]\0?)\s*(?:%22\0?)?`;
/** An unquoted value: up to a space, a quote, a delimiter or an encoded `&`. */
const VALUE = String.raw`(?:[^\s"'\\&;,)}\]<>%\0]|%(?!26|22|20)[0-9A-Fa-f]{2})+`;
/** Values that say nothing secret. */
const EMPTY_VALUE = /^(?:true|false|null|none|undefined|\*+|x+)$/i;
/** A short key word over a small count is a tally, not a credential: dbt's `PASS=14`. */
const TALLY = /^\d{1,5}$/;
const LONG_KEY = new RegExp(`${LONG_WORD}$`, "i");
/**
 * A bare lower-case word after `key: ` is prose (`by signature: tasks could not start`, `token: the
 * scheduler`), not a generated token, signature or key, which always holds a digit, a capital or a
 * symbol. Keys of secrets people choose (passwords, passphrases, secrets) are redacted whatever the word.
 */
const PROSE = /^[a-z]{1,24}$/;
const CHOSEN = /pass|pwd|secret/i;

/** The marker kind for a sensitive key, so a reader knows what was removed. */
function kindOfKey(key: string): string {
  const k = key.toLowerCase();
  if (/pass|pwd/.test(k)) return "password";
  if (/private/.test(k)) return "private-key";
  if (/api[_-]?key|apikey|app(?:lication)?[_-]?key/.test(k)) return "api-key";
  if (/(?:access|secret|account|shared|sas|master|signing|encryption|subscription)[_-]?key/.test(k)) return "access-key";
  if (/token/.test(k)) return "token";
  if (/sig/.test(k)) return "signature";
  return "secret";
}

/** Formats with a shape of their own (and the kinds reports have always named them by). */
const SPECIFIC: Rule[] = [
  {
    // A whole key, or one cut short by truncation: the body runs to the END line or to the next "-----".
    // Escaped newlines (\n inside JSON, \\n inside JSON in JSON) are part of the key; any other backslash ends it, so JSON stays valid.
    kind: "private-key",
    needs: "-----BEGIN ",
    pattern:
      /-----BEGIN (?:[A-Z0-9]+ ){0,4}PRIVATE KEY(?: BLOCK)?-----(?:[A-Za-z0-9+/=\s:,]|\\+[nrt]|-(?!----))*(?:-----END (?:[A-Z0-9]+ ){0,4}PRIVATE KEY(?: BLOCK)?-----)?/g,
  },
  { kind: "jwt", needs: "eyJ", pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
  { kind: "github-token", needs: /gh[pousr]_/, pattern: /\bgh[pousr]_[A-Za-z0-9]{30,}\b/g },
  { kind: "github-token", needs: "github_pat_", pattern: /\bgithub_pat_[A-Za-z0-9_]{30,}/g },
  // With or without the scheme, URL-encoded or not: a webhook URL pasted bare is as good as one with it.
  {
    kind: "slack-webhook",
    needs: /hooks\.slack\.com/i,
    pattern:
      /(?<![A-Za-z0-9.-])(?:https?(?::\/\/|%3A\0?%2F%2F))?hooks\.slack\.com(?:\/|%2F)(?:services|workflows|triggers)(?:\/|%2F)(?:[A-Za-z0-9_-]|\/|%2F)+/gi,
  },
  {
    kind: "discord-webhook",
    needs: /discord/i,
    pattern:
      /(?<![A-Za-z0-9.-])((?:https?(?::\/\/|%3A\0?%2F%2F))?(?:(?:ptb|canary)\.)?discord(?:app)?\.com(?:\/|%2F)api(?:(?:\/|%2F)v\d+)?(?:\/|%2F)webhooks(?:\/|%2F))[0-9]+(?:\/|%2F)[A-Za-z0-9_-]+/gi,
    replace: (_m, head) => `${head}${mark("discord-webhook")}`,
  },
  { kind: "slack-token", needs: "xox", pattern: /\bxox[abposre]-[A-Za-z0-9-]{10,}/g },
  { kind: "slack-token", needs: "xapp-", pattern: /\bxapp-\d-[A-Za-z0-9-]{10,}/g },
  { kind: "openai-key", needs: "sk-", pattern: /(?<![A-Za-z0-9_-])sk-(?:proj-|svcacct-|admin-|ant-)?[A-Za-z0-9_-]{20,}/g },
  { kind: "stripe-key", needs: /k_(?:live|test)_/, pattern: /\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}/g },
  { kind: "aws-access-key", needs: /A(?:KIA|SIA|BIA|CCA|IDA|ROA)/, pattern: /\b(?:AKIA|ASIA|ABIA|ACCA|AIDA|AROA)[A-Z0-9]{16}\b/g },
  {
    // A secret access key is 40 base64 characters, indistinguishable from other data without its name.
    kind: "aws-secret-key",
    needs: /secret/i,
    pattern: /\b((?:aws_?)?secret_?access_?key|SecretAccessKey|aws_secret)(\\?["']?\s*[:=]\s*\\?["']?)(?!\[REDACTED)[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])/gi,
    replace: (_m, key, sep) => `${key}${sep}${mark("aws-secret-key")}`,
  },
];

const SCHEME = "(?:Bearer|Basic|Token|Bot|Negotiate|Digest|ApiKey|SSWS)";
const SCHEME_SPACE = String.raw`(?:\s+|%20\0?|\+)`;

/** Credentials known by where they stand: headers, cookies, URL passwords. */
const PLACES: Rule[] = [
  {
    // Authorization: Bearer …, authorization=Bearer%20…, "authorization": "Token …"; a value with no scheme too.
    kind: "authorization",
    needs: /authorization/i,
    pattern: new RegExp(
      String.raw`\b((?:proxy-)?authorization${SEP}\\?["']?)(?!(?:${SCHEME}${SCHEME_SPACE})?\[REDACTED)(?:(${SCHEME})(${SCHEME_SPACE}))?(?:[A-Za-z0-9._~+/=${FORMAT_CHARACTERS}-]|%(?!26|22|20)[0-9A-Fa-f]{2})+`,
      "gi",
    ),
    replace: (_m, head, scheme, space) => `${head}${scheme ? `${scheme}${space}` : ""}${mark("authorization")}`,
  },
  {
    // A bare bearer token outside a header: only a token-looking word (a digit or punctuation in it), not prose.
    kind: "authorization",
    needs: "Bearer",
    pattern: new RegExp(
      String.raw`\b(Bearer)(\s+|%20\0?)(?!\[REDACTED)(?=[A-Za-z0-9._~+/${FORMAT_CHARACTERS}-]*[0-9._~+/-])[A-Za-z0-9._~+/${FORMAT_CHARACTERS}-]{16,}=*`,
      "g",
    ),
    replace: (_m, scheme, space) => `${scheme}${space}${mark("authorization")}`,
  },
  {
    // Cookie: a=1; b=2 (every value) and Set-Cookie: sid=…; Path=/ (the cookie's value, not its attributes).
    kind: "cookie",
    needs: /cookie/i,
    pattern: /\b((?:set-)?cookie)(\\?["']?\s*[:=]\s*\\?["']?)([^\r\n"'\\]*)/gi,
    replace: (_m, name, sep, value) => {
      const set = (name ?? "").toLowerCase().startsWith("set");
      let first = true;
      const out = (value ?? "").replace(/([^;=\s]+)=([^;]*)|[^;\s][^;]*/g, (pair: string, key?: string, v?: string) => {
        const secret = first || !set;
        first = false;
        if (!secret) return pair;
        if (key === undefined) return pair.startsWith("[REDACTED") ? pair : mark("cookie");
        return v?.trimStart().startsWith("[REDACTED") ? pair : `${key}=${mark("cookie")}`;
      });
      return `${name}${sep}${out}`;
    },
  },
  {
    // scheme://user:password@host — the user stays (it helps a reader), the password goes.
    kind: "url-password",
    needs: "://",
    pattern: /(?<![a-z0-9+.-])([a-z][a-z0-9+.-]{0,30}:\/\/)([^\s:/@'"<>]*):(?!\[REDACTED)([^\s/'"<>@]+)@(?=[A-Za-z0-9[])/gi,
    replace: (_m, scheme, user) => `${scheme}${user}:${mark("url-password")}@`,
  },
];

/**
 * A rule whose match starts at or just before a key: a run of key characters ([A-Za-z0-9_.-]) holding
 * one of KEY_WORDS. Each KEY starts where such a run starts (KEY_START), and every credential word
 * (LONG_WORD, SHORT_KEY, a flag's) contains one of KEY_WORDS.
 */
interface KeyedRule {
  kind: string;
  pattern: RegExp;
  replace: Replacer;
  /** Every position in a run [start, end) of `text` where a match of the pattern can start. */
  starts: (text: string, start: number, end: number) => number[];
}

/** Credentials known by the key they are the value of, in every form. */
const KEYS: KeyedRule[] = [
  {
    // --password hunter2, --db-token … (the `=` form is caught below).
    kind: "secret",
    // A `-` that starts the run, or follows a `.` in it ((?<![\w-]) refuses any other key character before it).
    starts: (text, start, end) => {
      const at: number[] = [];
      for (let i = start; i < end; i++) if (text.charCodeAt(i) === 45 && (i === start || text.charCodeAt(i - 1) === 46)) at.push(i);
      return at;
    },
    pattern: new RegExp(String.raw`((?<![\w-])--?(?:[A-Za-z0-9-]*${LONG_WORD}|(?:[A-Za-z0-9-]*-)?(?:pass|pwd)))(\s+)(?!\[REDACTED)(?!-)[^\s"'&;,\0]+`, "gi"),
    replace: (_m, flag, space) => `${flag}${space}${mark(kindOfKey(flag ?? ""))}`,
  },
  {
    // key=value, key: value, "key": "value", key='value' (also JSON-escaped quotes), key%3Dvalue.
    kind: "secret",
    // The key, or up to two characters before it (`\"`, `"`, `'`).
    starts: (_text, start) => [start - 2, start - 1, start].filter((i) => i >= 0),
    pattern: new RegExp(
      String.raw`(\\?["']?)${KEY_START}(${KEY})(${SEP})(?!\\?["']?\[REDACTED)` + String.raw`(?:(\\?")((?:[^"\\\n]|\\(?!"))*)(\\?")|(')([^'\n]*)(')|(${VALUE}))`,
      "gi",
    ),
    replace: (m, q0, key, sep, oq1, v1, cq1, oq2, v2, cq2, v3) => {
      const value = v1 ?? v2 ?? v3 ?? "";
      if (EMPTY_VALUE.test(value) || value.startsWith("%7B%7B") || value.startsWith("${")) return m;
      if (TALLY.test(value) && !LONG_KEY.test(key ?? "")) return m;
      if (v3 !== undefined && PROSE.test(value) && /:\s/.test(sep ?? "") && !CHOSEN.test(key ?? "")) return m;
      const open = oq1 ?? oq2 ?? "";
      const close = cq1 ?? cq2 ?? "";
      return `${q0 ?? ""}${key}${sep}${open}${mark(kindOfKey(key ?? ""))}${close}`;
    },
  },
  {
    // password hunter2, dd_api_key 0123…: after a credential word and a space, a value with a digit in it (not prose).
    kind: "secret",
    starts: (_text, start) => [start],
    pattern: new RegExp(String.raw`${KEY_START}(${KEY})([ \t]+|%20\0?)(?!\[REDACTED)(?=[^\s"'<>,;\0]*\d)([^\s"'<>,;\\\0]{6,})`, "gi"),
    replace: (_m, key, space) => `${key}${space}${mark(kindOfKey(key ?? ""))}`,
  },
];

/** The kind a gitleaks rule's finding is marked with: our established kind where there is one, else the rule's id. */
const VENDOR_KINDS: Array<[RegExp, string]> = [
  [/^github-/, "github-token"],
  [/^slack-webhook/, "slack-webhook"],
  [/^slack-/, "slack-token"],
  [/^openai-/, "openai-key"],
  [/^stripe-/, "stripe-key"],
  [/^aws-access-token$/, "aws-access-key"],
  [/^jwt/, "jwt"],
];
const vendorKind = (rule: string) => VENDOR_KINDS.find(([re]) => re.test(rule))?.[1] ?? rule;

/** Replaces what gitleaks' rules find, leftmost first; a finding overlapping one already replaced is skipped. */
function redactVendor(text: string): string {
  const findings = findSecrets(text).sort((a, b) => a.start - b.start || b.end - a.end);
  if (!findings.length) return text;
  let out = "";
  let at = 0;
  for (const f of findings) {
    if (f.start < at) continue;
    out += text.slice(at, f.start) + mark(vendorKind(f.rule));
    at = f.end;
  }
  return out + text.slice(at);
}

/** Whether `text` holds what a rule needs. */
const holds = (text: string, needs: string | RegExp) => (typeof needs === "string" ? text.includes(needs) : needs.test(text));

/** Applies rules in order; `filtered` skips a rule whose `needs` is absent from the text it would run on. */
function apply(text: string, rules: Rule[], filtered: boolean): string {
  let out = text;
  for (const rule of rules) {
    if (filtered && !holds(out, rule.needs)) continue;
    out = rule.replace ? out.replace(rule.pattern, rule.replace) : out.replace(rule.pattern, mark(rule.kind));
  }
  return out;
}

/**
 * Every credential key holds one of these, case-insensitively: `pass` is in password, passwd,
 * passphrase and pass; `key` in apikey and every `…key`; `credential` in credentials; `sig` in
 * signature; the rest are words of their own (secret, token, auth, pwd). A key made only of key
 * characters holds one inside its run.
 */
const KEY_WORDS = /pass|secret|token|credential|key|auth|sig|pwd/gi;

/** [A-Za-z0-9_.-] by char code: the characters a KEY is made of. */
const KEY_CHAR = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") KEY_CHAR[c.charCodeAt(0)] = 1;
const isKeyChar = (code: number) => code < 128 && KEY_CHAR[code] === 1;

/**
 * The maximal runs of key characters that hold one of KEY_WORDS, as [start, end) in text order. One
 * scan finds a word in every such run (a word is made of key characters, so one found overlapping
 * another lies in the same run); each run is walked once, and the scan resumes after it.
 */
function keyRuns(text: string): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  KEY_WORDS.lastIndex = 0;
  for (let m = KEY_WORDS.exec(text); m; m = KEY_WORDS.exec(text)) {
    let start = m.index;
    while (start > 0 && isKeyChar(text.charCodeAt(start - 1))) start--;
    let end = m.index + m[0].length;
    while (end < text.length && isKeyChar(text.charCodeAt(end))) end++;
    runs.push([start, end]);
    KEY_WORDS.lastIndex = end;
  }
  return runs;
}

/** Each keyed rule's pattern, sticky: tried at one position only. */
const STICKY = new Map<KeyedRule, RegExp>();

/**
 * `text.replace(rule.pattern, rule.replace)`, trying the pattern only at the positions where a match
 * can start. A global replace takes the leftmost match at or after the end of the last one; trying
 * every such position in order, sticky and with the whole text around it for the lookbehinds, finds
 * the same match.
 */
function applyKeyed(text: string, rule: KeyedRule, runs: Array<[number, number]>): string {
  let sticky = STICKY.get(rule);
  if (!sticky) STICKY.set(rule, (sticky = new RegExp(rule.pattern.source, `${rule.pattern.flags}y`)));
  let out = "";
  let at = 0;
  let tried = -1;
  let changed = false;
  for (const [start, end] of runs) {
    for (const i of rule.starts(text, start, end)) {
      if (i < at || i <= tried) continue;
      tried = i;
      sticky.lastIndex = i;
      const m = sticky.exec(text);
      if (!m) continue;
      out += text.slice(at, i) + rule.replace(...(m as unknown as [string, ...Array<string | undefined>]));
      at = i + m[0].length;
      changed = true;
    }
  }
  return changed ? out + text.slice(at) : text;
}

/** The keyed rules in order; `filtered` tries each only at the starts of the runs that hold a credential word. */
function applyKeys(text: string, filtered: boolean): string {
  let out = text;
  let runs: Array<[number, number]> | undefined;
  for (const rule of KEYS) {
    if (!filtered) {
      out = out.replace(rule.pattern, rule.replace);
      continue;
    }
    runs ??= keyRuns(out);
    if (!runs.length) return out;
    const next = applyKeyed(out, rule, runs);
    if (next !== out) runs = undefined;
    out = next;
  }
  return out;
}

/** The repository's own patterns (policy `redaction.patterns`), compiled on RE2 for `redact`'s `extra`; a pattern RE2 refuses throws, naming its key. */
export function compilePatterns(patterns: readonly string[]): Pattern[] {
  return patterns.map((p, i) => compilePattern(p, `${CONFIG_PATH} redaction.patterns[${i}]`));
}

/** URL-encoded delimiters (`%3D` =, `%26` &, `%3A` :, `%20`, `%22`, `%27`, `%2C`, `%3B`, `%40`): glued to a token, they hide its start from `\b`. */
const ENCODED_DELIMITER = /%(?:3[ABDabd]|2[0267Cc]|40)/g;

const SHAPED = [...SPECIFIC, ...PLACES];

/** Every rule but the repository's own, in order; a NUL after each encoded delimiter gives the token after it a boundary while they run. */
function redactKnown(text: string, filtered: boolean): string {
  const split = !text.includes("\0") && (!filtered || text.includes("%")) && ENCODED_DELIMITER.test(text);
  ENCODED_DELIMITER.lastIndex = 0;
  const out = applyKeys(redactVendor(apply(split ? text.replace(ENCODED_DELIMITER, "$&\0") : text, SHAPED, filtered)), filtered);
  return split ? out.replaceAll("\0", "") : out;
}

/** An invisible format character: without one there is no split token. */
const FORMAT = new RegExp(`[${FORMAT_CHARACTERS}]`);
/** A word (a run of non-space characters, found from its start) holding an invisible format character. */
const WORD_WITH_FORMAT = new RegExp(String.raw`(?<!\S)\S*?[${FORMAT_CHARACTERS}]\S*`, "g");
/** Format characters between two token characters: where one splits a token (`ghp_ab<ZWSP>cd`, `pass<SHY>word=`). */
const TOKEN_GAP = new RegExp(`(?<=[A-Za-z0-9_+/=.%-])[${FORMAT_CHARACTERS}]+(?=[A-Za-z0-9_+/=.%-])`, "g");

/**
 * A token split by invisible characters is redacted as if they were not there: a word holding one is
 * read without the ones inside tokens and, when that reveals a credential, written that way. Other
 * invisible characters stay where they are: the zero-width joiner that keeps `@team` or `#12` from
 * pinging or linking (report/markdown/inert.ts) sits after a character no token has.
 */
function redactSplitTokens(text: string, filtered: boolean): string {
  if (filtered && !FORMAT.test(text)) return text;
  const split = TOKEN_GAP.test(text);
  TOKEN_GAP.lastIndex = 0;
  if (!split) return text;
  return text.replace(WORD_WITH_FORMAT, (word) => {
    const joined = word.replace(TOKEN_GAP, "");
    if (joined === word) return word;
    const redacted = redactKnown(joined, filtered);
    return redacted === joined ? word : redacted;
  });
}

function redactWith(text: string, extra: readonly Pattern[], filtered: boolean): string {
  let out = redactSplitTokens(redactKnown(text, filtered), filtered);
  for (const re of extra) out = re.replace(out, mark("custom"));
  return out;
}

/** Replaces credentials in text with `[REDACTED:<kind>]`; `extra` adds a repository's own patterns (kind `custom`). */
export function redact(text: string, extra: readonly Pattern[] = []): string {
  return redactWith(text, extra, true);
}

/**
 * redact() without its prefilters: each of our patterns runs over every character (gitleaks' rules keep
 * their keyword windows, which are part of how gitleaks defines them). What redact() must equal; for tests.
 */
export function redactUnfiltered(text: string, extra: readonly Pattern[] = []): string {
  return redactWith(text, extra, false);
}

const SENSITIVE_KEY = new RegExp(`(?:^|[_.-])(?:${LONG_WORD}|pass|auth|sig)$|_pwd$|^authorization$|^(?:set-)?cookie$`, "i");

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
  // A value repeats its strings (a recording's timestamps, in every series it holds): each is redacted once.
  const done = new Map<string, string>();
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") {
      let out = done.get(v);
      if (out === undefined) done.set(v, (out = redact(v, extra)));
      return out;
    }
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
