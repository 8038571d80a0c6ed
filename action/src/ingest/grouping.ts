import type { Alert } from "../model/index.js";
import type { Subjects } from "../model/index.js";
import { addAlertSubjects } from "../subjects/resolve.js";
import { nameWords } from "../subjects/names.js";
import { kindOfLabel } from "../subjects/vocabulary.js";

/**
 * What an alert shares with the other alerts of its problem, without knowledge/: its rule on its
 * non-volatile labels, the vendor notification group it arrived in, the entities it names (subjects
 * through the vocabulary, and a few source fields) and the entity-like words of its text. Correlation
 * indexes incidents by these keys (ingest/correlate.ts); incidents/index.json keeps them, so an alert
 * of a later run finds the incident of an earlier one.
 */
export interface GroupingFacts {
  /** (a) The rule and its labels, volatile ones (partition, pod, instance, …) and severity left out. */
  rule: { key: string; name: string; volatile: string[] };
  /** (b) The vendor notification group (Alertmanager or Grafana `groupKey`), when its group labels name something. */
  group: { key: string; labels: string } | null;
  /** (c) Identity values (normalized) → what they are (`consumer group`, `DAG`, …), the alert's most specific tier only. */
  identities: Map<string, string>;
  /** Entity-like tokens of the alert's title, summary, description, exception and dedup key (normalized). */
  mentions: Set<string>;
  /**
   * (d) Pairs of distinctive words of its tier-1 names (`provider__directory_refresh_daily` →
   * provider+directory, …) → the name they come from: a DAG, its tables and its pipeline are named
   * after the data they move.
   */
  names: Map<string, { words: string[]; value: string; what: string }>;
  /**
   * (e) Keys the alert only looks up, never leaves in an incident: the domain a host is under
   * (`b-1.kafka.example.io` is one of `kafka.example.io`'s brokers), the scopes it lives in (a
   * cluster, a namespace, an Airflow deployment) where an incident's infrastructure may be failing or
   * its data be late, and the job runner a warehouse principal is named after (`svc_dbt` runs dbt's
   * queries).
   */
  reaches: Array<{ key: string; why: string; strict: boolean }>;
  /**
   * (e) Keys an incident keeps for the alerts that reach it: an infrastructure alert (a host, a broker,
   * a warehouse, a principal: nothing more specific) keeps its scopes, a late-data alert its scopes
   * as late, an alert of a job runner the runner.
   */
  offers: string[];
}

/** Annotations the Alertmanager and Grafana adapters keep for grouping: the notification's groupKey and its group labels. */
export const GROUP_KEY = "group_key";
export const GROUP_LABELS = "group_labels";

/**
 * Identity tiers of subject keys. Tier 1 names what an alert is about (a consumer group, a DAG, a
 * table…); tier 2 is where it happens (a host, a broker, a warehouse, a principal), the identity of
 * alerts that name nothing of tier 1 (a disk alarm); tier 3 is a scope (a cluster, an Airflow
 * deployment, a namespace), the identity of cluster-wide alerts only. A scope never joins an alert
 * that names something more specific: two consumer groups on one cluster are two problems.
 */
const TIERS: Readonly<Record<string, { tier: 1 | 2 | 3; what: string }>> = {
  "kafka.consumer_group": { tier: 1, what: "consumer group" },
  "kafka.topic": { tier: 1, what: "topic" },
  "airflow.dag_id": { tier: 1, what: "DAG" },
  "airflow.pool": { tier: 1, what: "Airflow pool" },
  "flink.job": { tier: 1, what: "Flink job" },
  "spark.app": { tier: 1, what: "Spark application" },
  "dbt.job": { tier: 1, what: "dbt job" },
  "dbt.model": { tier: 1, what: "dbt model" },
  "warehouse.table": { tier: 1, what: "table" },
  service: { tier: 1, what: "service" },
  "probe.target": { tier: 1, what: "probe target" },
  "host.instance": { tier: 2, what: "host" },
  "kafka.broker": { tier: 2, what: "broker" },
  "warehouse.name": { tier: 2, what: "warehouse" },
  "dbt.user": { tier: 2, what: "warehouse user" },
  cluster: { tier: 3, what: "cluster" },
  "airflow.deployment": { tier: 3, what: "Airflow deployment" },
  "k8s.namespace": { tier: 3, what: "namespace" },
};

/** Values that name no particular entity, whatever label carries them. */
const GENERIC_VALUES = new Set([
  "default",
  "default_pool",
  "none",
  "null",
  "nil",
  "unknown",
  "n/a",
  "na",
  "true",
  "false",
  "yes",
  "no",
  "all",
  "any",
  "other",
  "prod",
  "production",
  "staging",
  "stage",
  "dev",
  "development",
  "test",
  "qa",
  "main",
  "master",
  "local",
  "localhost",
]);

/** Labels that only route or rank a notification: a vendor group made of them alone is not one problem. */
const ROUTING_LABELS = new Set([
  "severity",
  "priority",
  "urgency",
  "team",
  "owner",
  "squad",
  "receiver",
  "oncall",
  "status",
  "state",
  "alertstate",
  "env",
  "environment",
  "stage",
  "prometheus",
  "replica",
  "__grafana_receiver__",
]);

/** Labels left out of the rule key besides the vocabulary's volatile kinds: the rank of one condition, not another condition. */
const RANK_LABELS = new Set(["severity", "priority", "urgency", "value", "values", "timestamp"]);

/** Annotations and labels whose text may name the entities of a problem. */
const TEXT_ANNOTATIONS = ["summary", "description", "message", "exception", "exception_value", "details"];
const TEXT_LABELS = ["incident_key", "dedup_key"];

/** Words of an Alertmanager group title that rank or route, not name. */
const RANK_WORDS = new Set(["page", "critical", "warning", "warn", "info", "high", "low", "medium", "error", "major", "minor", "ticket", "none"]);

const MAX_TOKENS = 24;
const MAX_TEXT = 4_000;
const MAX_VALUE = 200;

/** The grouping facts of one alert: pure, and the same for the same alert wherever it is computed. */
export function groupingFacts(alert: Alert): GroupingFacts {
  const { identities, tier, scopes, hosts, principals } = identitiesOf(alert);
  const reaches: GroupingFacts["reaches"] = [];
  const offers: string[] = [];
  for (const host of hosts) {
    const parent = parentDomain(host);
    if (parent) reaches.push({ key: identityKey(parent), why: `its host ${host} is under ${parent}, an entity of the incident`, strict: false });
  }
  // Scopes reach an incident about infrastructure only within the group window: a failing broker explains its cluster's alerts of the next minutes, not of the next hours.
  for (const [scope, what] of scopes) {
    if (tier === 2) offers.push(scopeKey(scope));
    else reaches.push({ key: scopeKey(scope), why: `its ${what} ${scope} is where the incident's infrastructure fails`, strict: true });
  }
  // Data that stops arriving in one scope stops for one reason (a scheduler, a warehouse, a source), not one per table or DAG.
  if (late(alert)) {
    for (const [scope, what] of scopes) {
      offers.push(lateKey(scope));
      reaches.push({ key: lateKey(scope), why: `late like the incident, in the same ${what} ${scope}`, strict: true });
    }
    // The team that owns the data is a scope too: its tables and DAGs are built by its schedulers and loads.
    for (const [label, team] of ownersOf(alert)) {
      offers.push(lateKey(`${label}\u0000${team}`));
      reaches.push({ key: lateKey(`${label}\u0000${team}`), why: `late like the incident, for the same ${label} ${team}`, strict: true });
    }
  }
  for (const runner of runnersOf(alert, identities)) offers.push(runnerKey(runner));
  for (const principal of principals) {
    for (const runner of runnerWords(principal)) {
      reaches.push({ key: runnerKey(runner), why: `its warehouse user ${principal} is named after ${runner}, whose job fails in the incident`, strict: true });
    }
  }
  const named = tier === 1 ? namesOf(identities) : { names: new Map<string, never>(), reaches: [], offers: [] };
  return {
    rule: ruleOf(alert),
    group: groupOf(alert),
    identities,
    mentions: mentionsOf(alert),
    names: named.names,
    reaches: [...named.reaches, ...reaches],
    offers: [...named.offers, ...offers],
  };
}

/** The keys an incident keeps for an alert that joined it (incidents/index.json `groupKeys`). */
export function groupingKeys(facts: GroupingFacts): string[] {
  const keys = [facts.rule.key];
  if (facts.group) keys.push(facts.group.key);
  for (const v of facts.identities.keys()) keys.push(identityKey(v));
  for (const k of facts.names.keys()) keys.push(k);
  keys.push(...facts.offers);
  // Words of the text last: the most numerous and the weakest, the first left out when an incident is full.
  for (const m of facts.mentions) keys.push(mentionKey(m));
  return keys;
}

/** Keys an incident keeps at most: enough for the rules and entities of one problem, bounded for a storm of odd ones. */
export const MAX_GROUP_KEYS = 64;

/**
 * Adds an alert's keys to an incident's (`seen` mirrors `keys`), up to MAX_GROUP_KEYS; returns the
 * keys of the alert, for the caller's index. Correlation and `pipemedic index` both add them this
 * way, for the first alert of each fingerprint of an incident.
 */
export function addGroupKeys(keys: string[], seen: Set<string>, alertKeys: string[]): string[] {
  for (const k of alertKeys) {
    if (seen.has(k) || seen.size >= MAX_GROUP_KEYS) continue;
    seen.add(k);
    keys.push(k);
  }
  return alertKeys;
}

/** The index key of an identity value. */
export function identityKey(value: string): string {
  return value.length <= 120 ? `v:${value}` : `v#${hash(value)}`;
}

/** The index key of a scope (cluster, namespace, Airflow deployment) whose infrastructure an incident is about. */
const scopeKey = (scope: string) => `s:${hash(scope)}`;

/** The index key of a scope where an incident's data is late. */
const lateKey = (scope: string) => `l:${hash(scope)}`;

/** Words by which an alert says data is late or missing rather than wrong: a missed SLA, stale data, a heartbeat not pinged. */
const LATE_WORDS = new Set(["sla", "slamiss", "stale", "staleness", "freshness", "heartbeat", "late", "overdue"]);
const LATE_LIST = [...LATE_WORDS];

/** Labels that say what kind of check fired (Opsgenie's tags and origin, a monitor's type), not what it is about. */
const DESCRIPTOR_LABELS = ["tags", "origin", "source", "type", "kind", "category", "check_type", "monitor_type"];

/**
 * Whether an alert is about data that did not arrive in time: its name, its title or what its
 * descriptor labels say, or a label named for it (Opsgenie's `heartbeat` detail).
 */
function late(alert: Alert): boolean {
  if (Object.keys(alert.labels).some((k) => LATE_WORDS.has(k.toLowerCase()))) return true;
  const texts = [alert.labels.alertname ?? "", alert.title];
  for (const k of DESCRIPTOR_LABELS) if (alert.labels[k]) texts.push(alert.labels[k]);
  for (const text of texts) {
    // Most alerts hold none of the words anywhere: split only the text that might.
    const lower = text.toLowerCase();
    if (!LATE_LIST.some((w) => lower.includes(w))) continue;
    for (const w of text
      .replace(/([a-z])([A-Z])/g, "$1 $2")
      .toLowerCase()
      .split(/[^a-z]+/))
      if (LATE_WORDS.has(w)) return true;
  }
  return false;
}

/** Labels that name who owns what an alert is about. */
const OWNER_LABELS = ["team", "owner", "squad"];

/** The owners an alert names (label, normalized value). */
function ownersOf(alert: Alert): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const label of OWNER_LABELS) {
    const v = alert.labels[label]?.trim().toLowerCase();
    if (v && distinctive(v) && v.length <= MAX_VALUE) out.push([label, v]);
  }
  return out;
}

/** The index key of a job runner (dbt, Airflow) an incident's alerts come from. */
const runnerKey = (runner: string) => `x:${runner}`;

/**
 * Job runners and the words their service accounts are named with. A warehouse principal is the
 * identity a runner's queries run as; teams name it after the runner (`svc_dbt_cloud`, `airflow_etl`).
 */
const RUNNERS: Readonly<Record<string, { sources: readonly string[]; kinds: readonly string[] }>> = {
  dbt: { sources: ["dbt-cloud"], kinds: ["dbt job", "dbt model"] },
  airflow: { sources: ["airflow"], kinds: ["DAG", "Airflow pool"] },
};

const RUNNER_LIST = Object.entries(RUNNERS);

/** The runners an alert comes from: its source, or what its identities are (a DAG is Airflow's). */
function runnersOf(alert: Alert, identities: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [name, r] of RUNNER_LIST) {
    if (r.sources.includes(alert.source)) out.push(name);
    else
      for (const what of identities.values())
        if (r.kinds.includes(what)) {
          out.push(name);
          break;
        }
  }
  return out;
}

/** The runners a principal's name is made of (`svc_dbt_cloud` → dbt). */
function runnerWords(principal: string): string[] {
  const words = new Set(principal.split(/[-_.@\s]+/));
  return Object.keys(RUNNERS).filter((r) => words.has(r));
}

/**
 * The domain a fully qualified host is under, when that domain still names one system (three labels
 * or more: `kafka.example.io`, never `example.io`): `b-1.kafka.example.io` → `kafka.example.io`.
 */
function parentDomain(host: string): string | null {
  const labels = host.split(".");
  if (labels.length < 4 || labels.some((l) => !l)) return null;
  return labels.slice(1).join(".");
}

/** The index key of an entity-like word an incident's text names (hashed: text is not repeated in the index). */
export function mentionKey(token: string): string {
  return `m:${hash(token)}`;
}

function ruleOf(alert: Alert): GroupingFacts["rule"] {
  const name = alert.labels.alertname ?? alert.title;
  const volatile: string[] = [];
  const kept: string[] = [];
  for (const k of Object.keys(alert.labels).sort()) {
    if (k === "alertname") continue;
    if (RANK_LABELS.has(k.toLowerCase()) || kindOfLabel(k)?.volatile) {
      if (!RANK_LABELS.has(k.toLowerCase())) volatile.push(k);
      continue;
    }
    kept.push(`${k}=${alert.labels[k]}`);
  }
  return { key: `r:${hash([alert.source, name, ...kept].join("\u0000"))}`, name, volatile };
}

function groupOf(alert: Alert): GroupingFacts["group"] {
  const key = alert.annotations[GROUP_KEY];
  const text = alert.annotations[GROUP_LABELS];
  if (!key || text === undefined) return null;
  const pairs = parsePairs(text);
  // The alert must carry the group's labels (every alert of an Alertmanager group does), and one of them must name something.
  if (!pairs.length || pairs.some(([k, v]) => alert.labels[k] !== v)) return null;
  if (pairs.every(([k]) => ROUTING_LABELS.has(k.toLowerCase()))) return null;
  return { key: `g:${hash(`${alert.source}\u0000${key}`)}`, labels: text };
}

/** Group labels as the adapters write them: `k=v` pairs joined by `, `, in name order. */
export function formatPairs(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(", ");
}

function parsePairs(text: string): Array<[string, string]> {
  if (!text) return [];
  return text.split(", ").map((p) => {
    const i = p.indexOf("=");
    return i < 0 ? [p, ""] : [p.slice(0, i), p.slice(i + 1)];
  });
}

interface Identities {
  identities: Map<string, string>;
  tier: number;
  /** Scope values (tier 3) → what they are, whatever tier the alert's identity is. */
  scopes: Map<string, string>;
  /** Host names of tier 2 (hosts, brokers), normalized. */
  hosts: string[];
  /** Warehouse principals the alert names, normalized. */
  principals: string[];
}

function identitiesOf(alert: Alert): Identities {
  const tiers = [new Map<string, string>(), new Map<string, string>(), new Map<string, string>()];
  const hosts: string[] = [];
  const principals: string[] = [];
  const add = (tier: 1 | 2 | 3, raw: string, what: string) => {
    for (const v of normalizedValues(raw)) if (distinctive(v) && !tiers[tier - 1]!.has(v)) tiers[tier - 1]!.set(v, what);
  };
  // Sentry and OpenTelemetry spell labels with dots (`kafka.topic`); the vocabulary knows them with underscores.
  const dotted: Record<string, string> = {};
  for (const [k, v] of Object.entries(alert.labels)) if (k.includes(".")) dotted[k.replaceAll(".", "_")] = v;
  const subjects: Subjects = {};
  addAlertSubjects(subjects, [alert], dotted);
  for (const [key, values] of Object.entries(subjects)) {
    const tier = TIERS[key];
    if (!tier) continue;
    for (const s of values) {
      if (!usable(alert, key, s.from)) continue;
      if (key === "airflow.pool" && s.value.toLowerCase().endsWith("default_pool")) continue;
      add(tier.tier, s.value, tier.what);
      if (key === "host.instance" || key === "kafka.broker") hosts.push(hostOf(s.value.trim().toLowerCase()));
      if (key === "dbt.user") principals.push(s.value.trim().toLowerCase());
    }
  }
  const pipeline = alert.labels.pipeline || alert.pipeline;
  if (pipeline) add(1, pipeline, "pipeline");
  // Opsgenie's entity is, by its definition, the entity the alert is about.
  if (alert.source === "opsgenie" && alert.labels.entity) add(1, alert.labels.entity, "Opsgenie entity");
  if (alert.source === "cloudwatch") {
    // A CloudWatch alarm's named dimensions (BucketName, FunctionName, DBInstanceIdentifier, …) are its resource.
    for (const [k, v] of Object.entries(alert.labels)) if (/^[A-Z][A-Za-z]*[a-z](Name|Identifier)$/.test(k)) add(1, v, k);
  }
  for (const v of groupTitleValues(alert)) add(1, v, "value of its notification group");
  const tier = tiers.findIndex((t) => t.size > 0);
  const found = { scopes: tiers[2]!, hosts, principals };
  return tier < 0 ? { identities: new Map(), tier: 0, ...found } : { identities: tiers[tier]!, tier: tier + 1, ...found };
}

/** Identities whose names are host names: only the first label names the system, the domain is everybody's. */
const HOST_NAMED = new Set(["probe target"]);

/** Shortest word that names data on its own: shorter words are shared by chance. */
const MIN_WORD = 5;

/**
 * The name keys of an alert's identities (`names`), and the one-sided ones (`reaches`, `offers`): a
 * name of one distinctive word (`ledger-gw`, `refunds_mart daily`) is that word, and an entity
 * whose longer name holds the word (`partner-ledger-writer`, `refunds__reconciliation_daily`) moves
 * the same data. Two longer names that share only one word are not joined: their other words tell
 * them apart.
 */
function namesOf(identities: Map<string, string>): Pick<GroupingFacts, "names" | "reaches" | "offers"> {
  const out: GroupingFacts["names"] = new Map();
  const reaches: GroupingFacts["reaches"] = [];
  const offers: string[] = [];
  for (const [value, what] of identities) {
    if (value.startsWith("#")) continue;
    const words = nameWords(HOST_NAMED.has(what) ? value.split(".")[0]! : value);
    if (words.length === 1 && words[0]!.length >= MIN_WORD) {
      const key = wordKey(words[0]!);
      if (!out.has(key)) {
        out.set(key, { words, value, what });
        reaches.push({ key: inNameKey(words[0]!), why: `its ${what} ${value} is named "${words[0]}", a word of a name in the incident`, strict: false });
      }
    }
    if (words.length > 1) {
      for (const w of words) {
        if (w.length < MIN_WORD) continue;
        offers.push(inNameKey(w));
        reaches.push({ key: wordKey(w), why: `its ${what} ${value} holds "${w}", the whole name of an entity of the incident`, strict: false });
      }
    }
    for (let i = 0; i < words.length; i++) {
      for (let j = i + 1; j < words.length; j++) {
        const key = `w:${hash(`${words[i]}\u0000${words[j]}`)}`;
        if (!out.has(key)) out.set(key, { words: [words[i]!, words[j]!], value, what });
      }
    }
  }
  return { names: out, reaches, offers };
}

/** The index key of a name made of one distinctive word. */
const wordKey = (word: string) => `w:${hash(word)}`;

/** The index key of a distinctive word inside a longer name. */
const inNameKey = (word: string) => `c:${hash(word)}`;

/** Whether a resolved subject speaks for the alert's own entity (not a routing target, a link or a scrape job). */
function usable(alert: Alert, key: string, from: string): boolean {
  // `alert.service` falls back to the scrape job (blackbox, node): only a label named like a service counts.
  if (!from.startsWith("alert ")) return false;
  // PagerDuty's service is where the page goes (an escalation target), not what failed.
  if (alert.source === "pagerduty" && key === "service") return false;
  // A `url` label is a link to a dashboard far more often than a probed address.
  if (key === "probe.target" && from === "alert label url") return false;
  // CloudWatch's `namespace` is the AWS metric namespace (AWS/S3, CWAgent), not a Kubernetes one.
  if (alert.source === "cloudwatch" && key === "k8s.namespace") return false;
  return true;
}

/**
 * The values an Alertmanager-style group title names (`[FIRING:1] KafkaBrokerMissing (kafka-rides-euw1
 * monitoring/alloy-prod page data-platform)`), as PagerDuty, Opsgenie and chat relays carry it when
 * the labels themselves are lost: entity-like words, without ranks, the team, Prometheus replicas and
 * environment-scoped names.
 */
function groupTitleValues(alert: Alert): string[] {
  const t = alert.title;
  if (!(t.startsWith("[FIRING") || t.startsWith("[RESOLVED"))) return [];
  const close = t.indexOf("] ");
  if (close < 0) return [];
  const team = alert.labels.team ? slugWord(alert.labels.team) : "";
  const out: string[] = [];
  for (const word of t
    .slice(close + 2)
    .replaceAll("(", " ")
    .replaceAll(")", " ")
    .split(" ")) {
    const w = word.trim().toLowerCase();
    if (!w || w.includes("/") || RANK_WORDS.has(w) || w === team || envScoped(w) || !entityLike(w)) continue;
    if (w === (alert.labels.alertname ?? "").toLowerCase()) continue;
    out.push(w);
  }
  return out;
}

const slugWord = (s: string) => s.toLowerCase().trim().split(/\s+/).join("-");

/** A name that only says where (`streaming-prod`, `prod-eu-west-1`): a scope, not an entity. */
function envScoped(w: string): boolean {
  return w.split(/[-_.]/).some((p) => p === "prod" || p === "production" || p === "staging" || p === "stage" || p === "dev" || p === "qa");
}

function mentionsOf(alert: Alert): Set<string> {
  const out = new Set<string>();
  const texts = [alert.title];
  for (const k of TEXT_ANNOTATIONS) if (alert.annotations[k]) texts.push(alert.annotations[k]);
  for (const k of TEXT_LABELS) if (alert.labels[k]) texts.push(alert.labels[k]);
  for (const text of texts) {
    for (const raw of text
      .slice(0, MAX_TEXT)
      .toLowerCase()
      .split(/[\s"'`()[\]{}<>,;|=*]+/)) {
      if (out.size >= MAX_TOKENS) return out;
      const token = trimPunctuation(raw);
      if (token.length < 4) continue;
      if (entityLike(token)) out.add(token);
      if (token.includes(":") || token.includes("/") || token.includes(".")) for (const v of tokenParts(token)) if (entityLike(v)) out.add(v);
    }
  }
  return out;
}

/** A token and the names inside it: a URL's or `host:port`'s host, the segments of a path or key, a dotted name's first part. */
function tokenParts(token: string): string[] {
  const parts: string[] = [];
  const host = hostOf(token);
  if (host !== token) parts.push(host);
  if (token.includes("/") || token.includes(":")) for (const p of token.split(/[/:]+/)) if (p) parts.push(trimPunctuation(p));
  const dot = host.indexOf(".");
  if (dot > 0) parts.push(host.slice(0, dot));
  return parts;
}

function trimPunctuation(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && ".:!?".includes(s[a]!)) a++;
  while (b > a && ".:!?".includes(s[b - 1]!)) b--;
  return s.slice(a, b);
}

/** A URL's or `host:port`'s host; anything else as it is. */
function hostOf(value: string): string {
  let v = value;
  const scheme = v.indexOf("://");
  if (scheme > 0) {
    v = v.slice(scheme + 3);
    const slash = v.indexOf("/");
    if (slash >= 0) v = v.slice(0, slash);
  }
  const colon = v.lastIndexOf(":");
  if (colon > 0 && /^\d+$/.test(v.slice(colon + 1)) && !v.slice(0, colon).includes(":")) v = v.slice(0, colon);
  return v;
}

/** An identity value as it is compared: lower case, a URL or address by its host, a fully qualified host also by its first label. */
function normalizedValues(raw: string): string[] {
  const v = raw.trim().toLowerCase();
  if (!v || v.length > MAX_VALUE) return v ? [`#${hash(v)}`] : [];
  const host = hostOf(v);
  const out = [host];
  // A name of several words (a dbt Cloud job "risk_mart daily") is also named by its entity-like words.
  if (v.includes(" ")) for (const w of v.split(" ")) if (entityLike(w)) out.push(w);
  const dot = host.indexOf(".");
  // etl-wkr-03.batch.example.internal is also etl-wkr-03 (node_exporter's short host name).
  if (dot > 0 && host !== v && entityLike(host.slice(0, dot))) out.push(host.slice(0, dot));
  return out;
}

/** A value specific enough to name one entity. */
function distinctive(v: string): boolean {
  if (v.length < 3 || GENERIC_VALUES.has(v)) return false;
  for (const c of v) if ((c >= "a" && c <= "z") || c === "#") return true;
  return false;
}

/** A word that looks like an entity's name: a letter, and a separator or a digit (`geo-ingest`, `orders.v1`, `edi837`). */
function entityLike(t: string): boolean {
  if (t.length < 4 || t.length > MAX_VALUE) return false;
  let letter = false;
  let mark = false;
  for (const c of t) {
    if (c >= "a" && c <= "z") letter = true;
    else if ((c >= "0" && c <= "9") || c === "-" || c === "_" || c === ".") mark = true;
  }
  return letter && mark;
}

/** cyrb53: a fast 53-bit string hash; keys only need to be equal for equal text and rarely for different text. */
export function hash(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return base36(4294967296 * (2097151 & h2) + (h1 >>> 0));
}

const CHUNK = 36 ** 5;

/**
 * `n.toString(36)` for an integer below 2^53, the same text, built from three chunks of five digits
 * each below 2^31 (V8 writes those fast; a larger number takes its slow general path, ten times the cost
 * of the hash itself). Keys recorded in incidents/index.json stay the same.
 */
function base36(n: number): string {
  const c = n % CHUNK;
  const q = (n - c) / CHUNK;
  const b = q % CHUNK;
  const a = (q - b) / CHUNK;
  const digits = (x: number) => x.toString(36).padStart(5, "0");
  return a ? a.toString(36) + digits(b) + digits(c) : b ? b.toString(36) + digits(c) : c.toString(36);
}
