import { RE2JS } from "re2js";
import { GITLEAKS_RULES } from "./gitleaks-rules.js";

/**
 * gitleaks' secret rules, run as gitleaks runs them: a rule's regex is tried only where one of its
 * keywords occurs (case-insensitive), a secret under the rule's entropy floor or on an allowlist is
 * not one. The rules are data (gitleaks-rules.ts, generated from gitleaks' own rule file), in Go's
 * RE2 syntax, and run on re2js: linear time whatever the text. The regex runs over a window around
 * each keyword (WINDOW characters either side, windows merged), so a keyword in a large text costs
 * the window, not the text.
 */

/** One allowlist of a rule: a secret (or its whole match, or its line) matching a regex or containing a stopword is not reported. */
export interface VendorAllow {
  target: string;
  regexes: string[];
  stopwords: string[];
}

export interface VendorRule {
  id: string;
  regex: string;
  keywords: string[];
  /** The capture group holding the secret: n, 0 for the whole match, -1 for the first group that took part. */
  group: number;
  entropy?: number;
  allow?: VendorAllow[];
}

export interface VendorRules {
  source: string;
  allow: { regexes: string[]; stopwords: string[] };
  rules: VendorRule[];
}

/** A secret found in a text: where it is and which rule found it. */
export interface Finding {
  start: number;
  end: number;
  rule: string;
}

/** How far from its keyword a rule's match may reach, at most: a secret and its name sit close together. */
const WINDOW = 1024;

/** A keyword too short or too common to narrow anything ("s.", "ey", "sk") does not prefilter; a rule left without one is not run. */
const usefulKeyword = (k: string) => k.length >= 3 || /[^a-z0-9.]/.test(k);

interface Compiled {
  rule: VendorRule;
  re: RE2JS;
  allow: Array<{ target: string; regexes: RE2JS[]; stopwords: string[] }>;
}

interface Engine {
  keywords: RegExp;
  byKeyword: Map<string, number[]>;
  compiled: Array<Compiled | undefined>;
  global: { regexes: RE2JS[]; stopwords: string[] };
}

let engine: Engine | undefined;

function build(rules: VendorRules): Engine {
  const byKeyword = new Map<string, number[]>();
  rules.rules.forEach((r, i) => {
    for (const k of r.keywords.filter(usefulKeyword)) byKeyword.set(k, [...(byKeyword.get(k) ?? []), i]);
  });
  // Our own regex over escaped literals: one pass finds every keyword.
  const alternatives = [...byKeyword.keys()].sort((a, b) => b.length - a.length).map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return {
    keywords: new RegExp(alternatives.join("|"), "gi"),
    byKeyword,
    compiled: [],
    global: { regexes: rules.allow.regexes.map((r) => RE2JS.compile(r)), stopwords: rules.allow.stopwords },
  };
}

function compiled(e: Engine, i: number): Compiled {
  const hit = e.compiled[i];
  if (hit) return hit;
  const rule = GITLEAKS_RULES.rules[i]!;
  const made: Compiled = {
    rule,
    re: RE2JS.compile(rule.regex),
    allow: (rule.allow ?? []).map((a) => ({ target: a.target, regexes: a.regexes.map((r) => RE2JS.compile(r)), stopwords: a.stopwords })),
  };
  e.compiled[i] = made;
  return made;
}

/** Shannon entropy of a string in bits per character, as gitleaks computes it for its entropy floors. */
export function shannonEntropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

function allowed(c: Compiled, e: Engine, secret: string, match: string, line: string): boolean {
  const lower = secret.toLowerCase();
  if (e.global.regexes.some((r) => r.test(secret)) || e.global.stopwords.some((w) => lower.includes(w))) return true;
  return c.allow.some((a) => {
    const target = a.target === "match" ? match : a.target === "line" ? line : secret;
    return a.regexes.some((r) => r.test(target)) || a.stopwords.some((w) => lower.includes(w));
  });
}

/** Merged windows of WINDOW characters either side of keyword positions. */
function windows(length: number, positions: number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const p of positions.sort((a, b) => a - b)) {
    const from = Math.max(0, p - WINDOW);
    const to = Math.min(length, p + WINDOW);
    const last = out[out.length - 1];
    if (last && from <= last[1]) last[1] = to;
    else out.push([from, to]);
  }
  return out;
}

function secretSpan(m: ReturnType<RE2JS["matcher"]>, group: number): [number, number] {
  if (group > 0) return [m.start(group), m.end(group)];
  if (group < 0) {
    for (let g = 1; g <= m.groupCount(); g++) if (m.start(g) >= 0 && m.end(g) > m.start(g)) return [m.start(g), m.end(g)];
  }
  return [m.start(), m.end()];
}

/** Every secret gitleaks' rules find in a text, in no particular order (they may overlap). */
export function findSecrets(text: string): Finding[] {
  const e = (engine ??= build(GITLEAKS_RULES));
  const hits = new Map<number, number[]>();
  // exec, not matchAll: matchAll copies the regex (hundreds of keywords) on every call, which cost
  // more than the scan itself over the short strings most calls get.
  e.keywords.lastIndex = 0;
  for (let k = e.keywords.exec(text); k; k = e.keywords.exec(text)) {
    for (const i of e.byKeyword.get(k[0].toLowerCase()) ?? []) {
      const list = hits.get(i);
      if (list) list.push(k.index);
      else hits.set(i, [k.index]);
    }
  }
  const out: Finding[] = [];
  for (const [i, positions] of hits) {
    const c = compiled(e, i);
    for (const [from, to] of windows(text.length, positions)) {
      const slice = text.slice(from, to);
      if (!c.re.test(slice)) continue;
      const m = c.re.matcher(slice);
      while (m.find()) {
        const [start, end] = secretSpan(m, c.rule.group);
        if (start < 0 || end <= start) continue;
        const secret = slice.slice(start, end);
        if (c.rule.entropy !== undefined && shannonEntropy(secret) <= c.rule.entropy) continue;
        const lineStart = slice.lastIndexOf("\n", start) + 1;
        const lineEnd = slice.indexOf("\n", end);
        if (allowed(c, e, secret, slice.slice(m.start(), m.end()), slice.slice(lineStart, lineEnd < 0 ? slice.length : lineEnd))) continue;
        out.push({ start: from + start, end: from + end, rule: c.rule.id });
      }
    }
  }
  return out;
}
