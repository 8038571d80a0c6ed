import type { Scenario, ScenarioTelemetry } from "../../src/model/index.js";
import { markAvailable, replayTelemetry } from "../../src/telemetry/replay/telemetry.js";
import { SUBJECT_KINDS, kindOfLabel } from "../../src/subjects/vocabulary.js";

/**
 * Perturbations of a scenario that must not change its verdict: the answer has to come from the
 * evidence, not from when it happened, what things are called, or what else was going on.
 */

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

/** Deep-maps every string of a JSON value. */
function mapStrings<T>(value: T, f: (s: string) => string): T {
  if (typeof value === "string") return f(value) as T;
  if (Array.isArray(value)) return (value as unknown[]).map((v) => mapStrings(v, f)) as T;
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [f(k), mapStrings(v, f)])) as T;
  return value;
}

function withTelemetry(s: Scenario, telemetry: ScenarioTelemetry): Scenario {
  // Keep which kinds exist: an empty recorded file is evidence of absence, a missing one is not.
  markAvailable(telemetry, replayTelemetry(s.telemetry).capabilities);
  return { ...s, telemetry };
}

/**
 * Keys whose numbers are epoch times in vendors' bodies (Opsgenie's `createdAt` in ms, Sentry's `received`
 * in s, Datadog's `date` and `last_updated` in ms written as strings, …).
 */
const TIME_KEY = /(at|time|timestamp|date|updated|received|since|until)$/i;
/** An epoch written as a string of digits (Datadog's `"date": "1781285560000"`). */
const EPOCH_TEXT = /^\d{9,13}$/;

/** Deep-maps a JSON value: strings through `f`, numbers (and digit strings) under time-like keys through `num` (epoch s or ms, by magnitude). */
function mapTimes(value: unknown, f: (s: string) => string, num: (n: number) => number, key = ""): unknown {
  if (typeof value === "string") {
    if (TIME_KEY.test(key) && EPOCH_TEXT.test(value)) return String(num(Number(value)));
    // A JSON document carried as text (an SNS notification's `Message` holding a CloudWatch alarm) moves too.
    if (value.startsWith("{") || value.startsWith("[")) {
      try {
        return JSON.stringify(mapTimes(JSON.parse(value) as unknown, f, num, key));
      } catch {
        // not JSON: an ordinary string
      }
    }
    return f(value);
  }
  if (typeof value === "number") return TIME_KEY.test(key) ? num(value) : value;
  if (Array.isArray(value)) return value.map((v) => mapTimes(v, f, num, key));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapTimes(v, f, num, k)]));
  return value;
}

/** Moves every timestamp (alerts, telemetry, the clock, the expected onset) by `ms`. */
export function shiftTime(s: Scenario, ms: number): Scenario {
  // Sentinels such as Alertmanager's 0001-01-01 ("unset") stay what they are.
  const shift = (v: string) => (ISO.test(v) && !v.startsWith("0001-") ? new Date(Date.parse(v) + ms).toISOString() : v);
  // Epoch numbers in a vendor's body move too: milliseconds (2001–2100) or seconds; nanoseconds lose precision in JSON and are left alone.
  const epoch = (n: number) => (n >= 1e12 && n < 4.2e12 ? n + ms : n >= 1e9 && n < 4.2e9 ? n + ms / 1000 : n);
  const moved: Scenario = {
    ...s,
    meta: { ...s.meta, now: shift(s.meta.now), expect: { ...s.meta.expect, ...(s.meta.expect.onset ? { onset: shift(s.meta.expect.onset) } : {}) } },
    alerts: s.alerts.map((a) => ({ ...a, at: shift(a.at), body: JSON.stringify(mapTimes(JSON.parse(a.body) as unknown, shift, epoch)) })),
  };
  return withTelemetry(moved, mapStrings(s.telemetry, shift));
}

/** Renames one identifier everywhere it appears: alerts, telemetry, the scenario's and the project's knowledge. */
export function rename(s: Scenario, memory: Record<string, string>, from: string, to: string): { scenario: Scenario; memory: Record<string, string> } {
  const swap = (v: string) => v.split(from).join(to);
  const renamed: Scenario = {
    ...s,
    alerts: s.alerts.map((a) => ({ ...a, body: swap(a.body) })),
    knowledge: mapStrings(s.knowledge, swap),
    repo: mapStrings(s.repo, swap),
    meta: {
      ...s.meta,
      expect: { ...s.meta.expect, ...(s.meta.expect.fix?.path ? { fix: { ...s.meta.expect.fix, path: swap(s.meta.expect.fix.path) } } : {}) },
    },
  };
  const mem = Object.fromEntries(Object.entries(memory).map(([k, v]) => [k, k.startsWith("knowledge/") ? swap(v) : v]));
  return { scenario: withTelemetry(renamed, mapStrings(s.telemetry, swap)), memory: mem };
}

/**
 * Adds unrelated series: new metric names, and known names on an unrelated label set, with seeded
 * noise. `whole` names metrics a check reads whole (every series of the name, as the alert's own
 * `sum(metric)` does): another series of such a name is not noise but a change of the measured
 * quantity, so none is added to them.
 */
export function addNoise(s: Scenario, seed: number, whole: ReadonlySet<string> = new Set()): Scenario {
  let x = seed;
  const rnd = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const now = Date.parse(s.meta.now);
  const start = new Date(now - 6 * 3_600_000).toISOString();
  const names = [...new Set(s.telemetry.metrics.series.map((m) => m.labels.__name__ ?? ""))].filter((n) => n && !whole.has(n));
  const noise = [
    ...Array.from({ length: 5 }, (_, i) => ({
      labels: { __name__: `unrelated_metric_${i}`, instance: `host-${i}` },
      start,
      step: "60s",
      values: Array.from({ length: 360 }, () => Math.round(rnd() * 1000)),
    })),
    ...names.slice(0, 3).map((name) => ({
      labels: { __name__: name, consumergroup: "unrelated-noise-group", pool: "unrelated_pool", job: "unrelated", topic: "unrelated.topic" },
      start,
      step: "60s",
      values: Array.from({ length: 360 }, () => Math.round(rnd() * 50)),
    })),
  ];
  return withTelemetry(s, { ...s.telemetry, metrics: { ...s.telemetry.metrics, series: [...s.telemetry.metrics.series, ...noise] } });
}

/** Identifiers worth renaming: the scenario's pipelines' component values (consumer groups, DAG ids, topics, tables). */
export function renameable(memory: Record<string, string>, s: Scenario): string[] {
  const text = Object.entries({ ...memory, ...s.knowledge })
    .filter(([k]) => k.startsWith("knowledge/pipelines/"))
    .map(([, v]) => v)
    .join("\n");
  const values = [...text.matchAll(/(?:consumer_group|dag_id|topic):\s*"?([a-z][a-z0-9_.-]{5,})"?/g)].map((m) => m[1]!);
  const used = values.filter((v) => s.alerts.some((a) => a.body.includes(v)) || JSON.stringify(s.telemetry).includes(v));
  return [...new Set(used)].sort();
}

/** Drops one series whose metric the expected cause's runbook never reads: a signal that cannot be decisive. */
export function dropNonDecisive(s: Scenario, decisiveMetrics: Set<string>, pick: number): Scenario | null {
  const candidates = s.telemetry.metrics.series.map((m, i) => [m, i] as const).filter(([m]) => !decisiveMetrics.has(m.labels.__name__ ?? ""));
  if (!candidates.length) return null;
  const drop = candidates[pick % candidates.length]![1];
  return withTelemetry(s, { ...s.telemetry, metrics: { ...s.telemetry.metrics, series: s.telemetry.metrics.series.filter((_, i) => i !== drop) } });
}

// ---------------------------------------------------------------------------------------------
// Label names swapped for their synonyms
// ---------------------------------------------------------------------------------------------

/**
 * Spellings the golden telemetry uses in another meaning than the vocabulary's, so that swapping
 * them would describe a stack nobody runs: kube-state-metrics' and the cloud events' `node` is a
 * Kubernetes node (not a dbt model), `deployment` a Kubernetes Deployment and `release` a Helm or
 * Sentry release (not an Airflow deployment), Argo CD's `application` an Argo application (not a
 * Spark one), a phased rollout's `stage` its step number (not an environment). They are neither
 * renamed nor used as a new spelling.
 */
const OVERLOADED = new Set(["node", "deployment", "release", "application", "stage"]);

/** Other spellings of the same subject for a label name: identity and scope kinds only (never a volatile one, never `__name__`). */
export function labelSynonyms(label: string): string[] {
  const kind = SUBJECT_KINDS.find((k) => k.labels.includes(label));
  if (!kind || kind.volatile || OVERLOADED.has(label) || label === "__name__") return [];
  // A spelling the vocabulary reads as another kind (first table wins) is not a synonym of this one.
  return kind.labels.filter((l) => l !== label && !OVERLOADED.has(l) && kindOfLabel(l) === kind);
}

const IDENT = "[A-Za-z_][A-Za-z0-9_]*";
/** A label name followed by a matcher or a tag colon: `{consumergroup="x"}`, `labels={model=x}`, ` - model = x`, Datadog's `consumer_group:x`. A `?`/`&` before it makes it a URL parameter, not a label. */
const MATCHER = new RegExp(`(^|[^A-Za-z0-9_.\\-?&%])(${IDENT})(\\s*(?:=~|!~|!=|=(?!=)|:(?=[^\\s/:])))`, "g");
/** The same, URL-encoded (`%7Bnamespace%3D%22…`, `group=consumer_group%3Apayout…`); `https%3A%2F%2F` is a scheme, not a label. */
const MATCHER_ENCODED = new RegExp(`(^|%7[Bb]|%2[Cc]|%28|%20|\\+|[^A-Za-z0-9_.\\-?&%])(${IDENT})((?:%3[Dd]|%3[Aa]|%21%3[Dd]|%21~)(?!%2[Ff]))`, "g");
/** Grouping clauses list label names: `by (namespace, spark_app)`, Datadog's `by {consumer_group,topic}`. */
const GROUPING = /\b(by|without|on|ignoring|group_left|group_right)(\s*)([({])([^)}]*)([)}])/g;
const GROUPING_ENCODED = /\b(by|without)((?:\+|%20)*)(%28|%7[Bb])(.*?)(%29|%7[Dd])/g;

/** Rewrites every label name in label syntax of a text (matchers, tags, grouping clauses, raw or URL-encoded) through `f`. */
export function rewriteLabelSyntax(text: string, f: (name: string) => string): string {
  const matcher = (_: string, pre: string, name: string, op: string) => `${pre}${f(name)}${op}`;
  return text
    .replace(
      GROUPING,
      (_, kw: string, sp: string, open: string, inner: string, close: string) => `${kw}${sp}${open}${inner.replace(new RegExp(IDENT, "g"), f)}${close}`,
    )
    .replace(
      GROUPING_ENCODED,
      (_, kw: string, sp: string, open: string, inner: string, close: string) =>
        `${kw}${sp}${open}${inner.replace(new RegExp(`(^|%2[Cc]|\\+|%20)(${IDENT})`, "g"), (_m, p: string, n: string) => `${p}${f(n)}`)}${close}`,
    )
    .replace(MATCHER, matcher)
    .replace(MATCHER_ENCODED, matcher);
}

/** Keys of vendor bodies whose objects are label sets (Alertmanager, Grafana, Opsgenie details, PagerDuty custom details, an Airflow callback's labels). */
const LABEL_CONTAINER = /^(labels|commonLabels|groupLabels|details|custom_details|customDetails)$/;

/**
 * Rewrites the label names of a vendor body through `f`: the keys of its label sets, Sentry's tag
 * pairs, CloudWatch's dimensions, and label syntax in every string (nested JSON strings such as
 * CloudWatch's `Message` included). A key whose new spelling is already in the same set is kept.
 */
function rewriteBodyLabels(value: unknown, f: (name: string) => string, container = false, key = ""): unknown {
  if (typeof value === "string") {
    if (/^\s*[[{]/.test(value)) {
      try {
        const inner = JSON.parse(value) as unknown;
        const out = rewriteBodyLabels(inner, f);
        return JSON.stringify(out) === JSON.stringify(inner) ? value : JSON.stringify(out);
      } catch {
        // not JSON: plain text below
      }
    }
    return rewriteLabelSyntax(value, f);
  }
  if (Array.isArray(value)) {
    // Sentry's tags: [["kafka.topic", "x"], …]; CloudWatch's dimensions and some tag lists: [{name|key, value}, …].
    if (key === "tags" && value.every((t) => Array.isArray(t) && t.length === 2 && typeof t[0] === "string")) {
      const present = new Set(value.map((t) => (t as string[])[0]));
      return value.map((t) => {
        const [k, v] = t as [string, unknown];
        const n = f(k);
        return [n !== k && present.has(n) ? k : n, rewriteBodyLabels(v, f)];
      });
    }
    return value.map((v) => rewriteBodyLabels(v, f, false, key));
  }
  if (value && typeof value === "object") {
    const entries = Object.entries(value);
    const named = /^(tags|dimensions)$/i.test(key);
    return Object.fromEntries(
      entries.map(([k, v]) => {
        if (named && /^(name|key)$/i.test(k) && typeof v === "string") return [k, f(v)];
        const n = container ? f(k) : k;
        return [n !== k && n in value ? k : n, rewriteBodyLabels(v, f, LABEL_CONTAINER.test(k), k)];
      }),
    );
  }
  return value;
}

function renameKeys(labels: Record<string, string>, map: Map<string, string>): Record<string, string> {
  // Only where the new spelling is not already in the same label set.
  return Object.fromEntries(Object.entries(labels).map(([k, v]) => [map.has(k) && !(map.get(k)! in labels) ? map.get(k)! : k, v]));
}

/** Every label name a scenario carries: its telemetry's label sets, its alerts' label sets and the label syntax of their text. */
export function labelNamesOf(s: Scenario): Set<string> {
  const names = new Set<string>();
  for (const m of s.telemetry.metrics.series) for (const k of Object.keys(m.labels)) names.add(k);
  for (const l of s.telemetry.logs) for (const k of Object.keys(l.labels)) names.add(k);
  for (const e of s.telemetry.events.events) for (const k of Object.keys(e.labels)) names.add(k);
  const record = (n: string) => (names.add(n), n);
  for (const a of s.alerts) rewriteBodyLabels(JSON.parse(a.body) as unknown, record);
  return names;
}

/** The label sets of a scenario: its telemetry's, and its alerts' (label objects, Sentry's tags, CloudWatch's dimensions). */
export function labelSetsOf(s: Scenario): Array<Set<string>> {
  const sets: Array<Set<string>> = [];
  for (const m of s.telemetry.metrics.series) sets.push(new Set(Object.keys(m.labels)));
  for (const l of s.telemetry.logs) sets.push(new Set(Object.keys(l.labels)));
  for (const e of s.telemetry.events.events) sets.push(new Set(Object.keys(e.labels)));
  const walk = (v: unknown, key = ""): void => {
    if (typeof v === "string" && /^\s*[[{]/.test(v)) {
      try {
        walk(JSON.parse(v) as unknown);
      } catch {
        // not JSON
      }
    } else if (Array.isArray(v)) {
      if (/^(tags|dimensions)$/i.test(key)) {
        const names = (v as unknown[]).map((t): unknown => {
          if (Array.isArray(t)) return (t as unknown[])[0];
          if (!t || typeof t !== "object") return undefined;
          const o = t as Record<string, unknown>;
          return o.name ?? o.key ?? o.Name;
        });
        sets.push(new Set(names.filter((n): n is string => typeof n === "string")));
      }
      for (const x of v as unknown[]) walk(x, key);
    } else if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (LABEL_CONTAINER.test(k) && x && typeof x === "object" && !Array.isArray(x)) sets.push(new Set(Object.keys(x)));
        walk(x, k);
      }
    }
  };
  for (const a of s.alerts) walk(JSON.parse(a.body) as unknown);
  return sets;
}

/**
 * A label name the scenario carries and the spellings it may take instead: synonyms never in a label
 * set beside it (`to`), and among them those the scenario carries nowhere (`fresh`, a one-to-one
 * rename; the others make two exporters' spellings one, as a stack that standardised would).
 */
export function renameableLabels(s: Scenario): Array<{ from: string; to: string[]; fresh: string[] }> {
  const names = labelNamesOf(s);
  const sets = labelSetsOf(s);
  return [...names]
    .sort()
    .map((from) => {
      const to = labelSynonyms(from).filter((l) => !sets.some((set) => set.has(from) && set.has(l)));
      return { from, to, fresh: to.filter((l) => !names.has(l)) };
    })
    .filter((r) => r.to.length > 0);
}

/** Renames label names consistently in a scenario's alerts and telemetry (metrics, logs and events labels). */
export function renameLabels(s: Scenario, mapping: Record<string, string>): Scenario {
  const map = new Map(Object.entries(mapping).filter(([from, to]) => from !== to && from !== "__name__"));
  if (!map.size) return s;
  // Two spellings renamed to one could meet in one label set and lose a label; a chain (a → b, b → c) reads ambiguously.
  if (new Set(map.values()).size !== map.size) throw new Error(`renameLabels: two label names renamed to one (${JSON.stringify(mapping)})`);
  if ([...map.values()].some((to) => map.has(to))) throw new Error(`renameLabels: a new spelling is also renamed (${JSON.stringify(mapping)})`);
  const f = (n: string) => map.get(n) ?? n;
  const t = s.telemetry;
  const telemetry: ScenarioTelemetry = {
    ...t,
    metrics: { ...t.metrics, series: t.metrics.series.map((m) => ({ ...m, labels: renameKeys(m.labels, map) })) },
    logs: t.logs.map((l) => ({ ...l, labels: renameKeys(l.labels, map) })),
    events: { ...t.events, events: t.events.events.map((e) => ({ ...e, labels: renameKeys(e.labels, map) })) },
  };
  const alerts = s.alerts.map((a) => {
    const body = JSON.parse(a.body) as unknown;
    const out = rewriteBodyLabels(body, f);
    return JSON.stringify(out) === JSON.stringify(body) ? a : { ...a, body: JSON.stringify(out, null, 2) };
  });
  return withTelemetry({ ...s, alerts }, telemetry);
}

// ---------------------------------------------------------------------------------------------
// Renames of every entity
// ---------------------------------------------------------------------------------------------

/** Words of names that are URL and DNS grammar, not a name's own words: they stay. */
const STRUCTURAL = new Set(["http", "https", "www", "com", "io", "net", "org", "internal", "local"]);

const WORD = /[A-Za-z0-9]+/g;
const wordsOf = (v: string) => v.match(WORD) ?? [];

/**
 * The catalogue: the words and phrases the runbooks and the vocabulary use (`default_pool`,
 * `snowflake`, `production`, `airflow_pool_open_slots`, `No space left on device`), lower-cased.
 * A name that is one of its phrases is the catalogue's, not the organisation's; a name merely made
 * of English words (`provider__directory_refresh_daily`) is the organisation's.
 */
export interface Catalogue {
  words: Set<string>;
  /** Whether these words, in this order, are one of the catalogue's phrases. */
  has(words: string[]): boolean;
}

export function catalogueOf(memory: Record<string, string>): Catalogue {
  const text = Object.entries(memory)
    .filter(([k]) => k.startsWith("runbooks/"))
    .map(([, v]) => v)
    .join("\n");
  const vocabulary = SUBJECT_KINDS.flatMap((k) => k.labels).join("\n");
  const phrases = `${text}\n${vocabulary}`
    .toLowerCase()
    .split(/\n+/)
    .map((line) => ` ${wordsOf(line).join(" ")} `);
  const joined = phrases.join("\n");
  return { words: new Set(wordsOf(joined)), has: (ws) => ws.length > 0 && joined.includes(` ${ws.map((w) => w.toLowerCase()).join(" ")} `) };
}

/** Subject keys whose values are run or partition identifiers (and their timestamps), not names. */
const NOT_A_NAME = new Set(["airflow.run_id", "kafka.partition", "kafka.broker"]);

/**
 * The names worth renaming among a replay's resolved subjects: at least 5 characters, not a run id
 * or a time, with a word of its own, and not one of the catalogue's phrases (`default_pool`,
 * `snowflake`, `production` are the catalogue's, not the organisation's).
 */
export function entityNames(subjects: Array<Record<string, Array<{ value: string }>>>, catalogue: Catalogue): string[] {
  const values = subjects.flatMap((ss) => Object.entries(ss).flatMap(([key, vs]) => (NOT_A_NAME.has(key) ? [] : vs.map((v) => v.value))));
  return [...new Set(values)]
    .filter((v) => v.length >= 5 && !/\d{4}-\d{2}-\d{2}T\d/.test(v))
    .filter((v) => wordsOf(v).some((w) => /[A-Za-z]/.test(w) && !STRUCTURAL.has(w.toLowerCase())) && !catalogue.has(wordsOf(v)))
    .sort();
}

/** Word-level view of a text, for the rename's own collision checks. */
function wordsIn(value: unknown, into: Set<string>): Set<string> {
  if (typeof value === "string") for (const w of wordsOf(value.toLowerCase())) into.add(w);
  else if (Array.isArray(value)) for (const v of value) wordsIn(v, into);
  else if (value && typeof value === "object")
    for (const [k, v] of Object.entries(value)) {
      wordsIn(k, into);
      wordsIn(v, into);
    }
  return into;
}

/** A word in the case style of `like` (UPPER, Capitalized or lower). */
function inCase(word: string, like: string): string {
  if (like.length > 1 && like === like.toUpperCase() && /[A-Z]/.test(like)) return word.toUpperCase();
  if (/^[A-Z]/.test(like)) return word[0]!.toUpperCase() + word.slice(1);
  return word;
}

/**
 * Renames every given entity consistently everywhere it appears (alerts, telemetry, repo/,
 * history/): each of its words becomes a new word of the same length (letters for letters, digits
 * kept, separators kept), the same word always the same new word, so the renamed value keeps its
 * shape and shares no word with the original (URL and DNS grammar such as `https` or `internal`
 * aside). Besides the whole value, any run of two or more of its words is renamed where it appears
 * with any separator (`fare-quote` in `avro/pricing/fare_quote.avsc`, `FareQuote` in a class
 * name), so a commit or a metric that names the entity by part of its name still does.
 */
export function renameEntities(s: Scenario, values: string[], catalogue: Catalogue, seed: number): { scenario: Scenario; names: Record<string, string> } {
  let x = seed >>> 0 || 1;
  const rnd = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const taken = wordsIn([s.alerts.map((a) => a.body), s.telemetry, s.repo, s.history, s.knowledge], new Set(catalogue.words));
  const wordMap = new Map<string, string>();
  // A new word is used nowhere in the scenario nor in the catalogue (one- and two-letter words, too few
  // to choose from, only differ from the original and from other new words); same length unless exhausted.
  const made = new Set<string>();
  const fresh = (w: string): string => {
    for (let tries = 0; ; tries++) {
      const extra = Math.floor(tries / 200);
      const out = (w + "x".repeat(extra)).replace(/[A-Za-z]/g, () => String.fromCharCode(97 + Math.floor(rnd() * 26)));
      if (out === w || made.has(out) || (out.length > 2 && taken.has(out))) continue;
      made.add(out);
      return out;
    }
  };
  const renamesWord = (w: string) => /[A-Za-z]/.test(w) && !STRUCTURAL.has(w.toLowerCase());
  const mapWord = (w: string) => {
    const k = w.toLowerCase();
    if (!renamesWord(k)) return w;
    if (!wordMap.has(k)) wordMap.set(k, fresh(k));
    return inCase(wordMap.get(k)!, w);
  };
  for (const v of values) for (const w of wordsOf(v)) mapWord(w);

  // Runs of words to rename: each single-word value, and every run of ≥ 2 consecutive words of a value.
  const runs = new Set<string>();
  let longest = 1;
  for (const v of values) {
    const ws = wordsOf(v).map((w) => w.toLowerCase());
    if (ws.length === 1) runs.add(ws[0]!);
    for (let i = 0; i < ws.length; i++)
      for (let j = i + 2; j <= ws.length; j++) {
        const run = ws.slice(i, j);
        // A catalogue phrase (`data platform`) or digits and grammar alone (`internal:5432`) name nothing of the organisation's.
        if (!run.some(renamesWord) || catalogue.has(run) || run.join("").length < 5) continue;
        runs.add(run.join(" "));
        longest = Math.max(longest, run.length);
      }
  }
  // A text is read as chains of words joined by separators (`-_./:@ `, or a case change as in `FareQuote`);
  // a word is renamed where it is part of a run. URL escapes (`%22`) and JSON escapes (`\n` in a raw
  // body) separate words without joining them.
  const swap = (text: string): string => {
    const tokens = text.match(/\\u[0-9A-Fa-f]{4}|\\.|%[0-9A-Fa-f]{2}|[A-Za-z0-9]+|[^A-Za-z0-9%\\]+|[%\\]/g);
    if (!tokens) return text;
    const isWord = (t: string) => /^[A-Za-z0-9]/.test(t);
    const out: string[] = [];
    let words: string[] = [];
    let seps: string[] = [];
    let joiner = "";
    const flush = () => {
      const lower = words.map((w) => w.toLowerCase());
      const mark = lower.map(() => false);
      for (let i = 0; i < lower.length; i++)
        for (let n = 1; n <= longest && i + n <= lower.length; n++) if (runs.has(lower.slice(i, i + n).join(" "))) mark.fill(true, i, i + n);
      words.forEach((w, i) => out.push(seps[i]!, mark[i] ? mapWord(w) : w));
      words = [];
      seps = [];
    };
    tokens.forEach((t, i) => {
      if (isWord(t)) {
        t.split(/(?<=[a-z0-9])(?=[A-Z])/).forEach((w, j) => {
          seps.push(j === 0 && words.length ? joiner : "");
          words.push(w);
        });
      } else if (words.length && /^[-_./:@ ]{1,3}$/.test(t) && i + 1 < tokens.length && isWord(tokens[i + 1]!)) {
        joiner = t;
      } else {
        flush();
        out.push(t);
      }
    });
    flush();
    return out.join("");
  };
  const renamed: Scenario = {
    ...s,
    alerts: s.alerts.map((a) => ({ ...a, body: swap(a.body) })),
    repo: mapStrings(s.repo, swap),
    history: mapStrings(s.history, swap),
    knowledge: mapStrings(s.knowledge, swap),
    meta: {
      ...s.meta,
      expect: { ...s.meta.expect, ...(s.meta.expect.fix?.path ? { fix: { ...s.meta.expect.fix, path: swap(s.meta.expect.fix.path) } } : {}) },
    },
  };
  return { scenario: withTelemetry(renamed, mapStrings(s.telemetry, swap)), names: Object.fromEntries(values.map((v) => [v, swap(v)])) };
}
