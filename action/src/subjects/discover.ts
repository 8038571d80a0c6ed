import type { Labels, LogLine, Matcher, OrchestratorRecord, Problem, Subjects, Telemetry, TimeRange } from "../model/index.js";
import { addSubject, fieldText } from "../model/index.js";
import { escapeRegex } from "../patterns.js";
import { nameWords, quotableName, quotedNames } from "./names.js";
import { kindOfKey, kindOfLabel, SUBJECT_KINDS } from "./vocabulary.js";

/**
 * Discovery: subjects the alert does not name, found in the telemetry that exists, each with the
 * query that found it. It only adds what is missing; values from knowledge and the alert stay first.
 *
 * - series: a consumer group's series name its topics and cluster; a Flink job's, its namespace;
 * - log streams: the streams whose labels name a known subject (a pod of the service, a stream
 *   labelled with the DAG) give the service whose logs to read;
 * - the orchestrator: a DAG's task instances give its pools, tasks and workers; a DAG under way
 *   before the onset is its upstream only where the DAG's own logs or records name it (timing alone
 *   would take any DAG that failed in the same hour for the cause);
 * - the warehouse: the principals whose queries began failing at the onset, the tables whose
 *   schema changed;
 * - applications by name: the Spark application or Flink job whose series exist in the window and
 *   whose name shares the most distinctive words with a DAG the alert names (a DAG and the job it
 *   submits are named after the data they move), unless several share as many.
 *
 * A neighbour (an upstream DAG) is a subject only where the telemetry shows the relation: checks read
 * the neighbour's data as evidence about the problem, so a neighbour guessed from timing alone would
 * make another failure of the same hours look like the cause.
 */

/** How far before the onset discovery looks. */
const LOOKBACK_MS = 6 * 3_600_000;
/** Values kept per discovered key: enough for a union, few enough to stay specific. */
const MAX_VALUES = 5;

/** Keys whose values identify an entity well enough to look for its neighbours. */
const ANCHORS = ["kafka.consumer_group", "kafka.topic", "airflow.dag_id", "flink.job", "spark.app", "service", "dbt.model", "warehouse.table"];

/** Keys never learnt from a neighbour's series: they vary per replica, or say nothing about the entity. */
const NOT_HARVESTED = new Set(
  SUBJECT_KINDS.filter((k) => k.volatile)
    .map((k) => k.key)
    .concat(["env", "probe.target", "dbt.user"]),
);

/** Discovers what the telemetry says about the problem's subjects; returns the subjects with the discoveries added. */
export async function discoverSubjects(problem: Problem, telemetry: Telemetry, signal: AbortSignal): Promise<Subjects> {
  const subjects: Subjects = structuredClone(problem.subjects);
  const range: TimeRange = { start: (problem.onset ?? problem.now) - LOOKBACK_MS, end: problem.now };
  // What the alert's text mentions without saying what it is: the label that carries it in the telemetry says.
  if (telemetry.series && problem.mentions?.length) await fromMentions(subjects, problem.mentions, telemetry, range, signal).catch(() => undefined);
  // The window's log streams, listed once: the orchestrator step reads the DAG's own, the last steps all of them.
  const streams = telemetry.streams ? telemetry.streams({ ...range, selector: {}, limit: 2_000 }, signal).catch((): Labels[] => []) : null;
  const tries: Array<Promise<void>> = [];
  if (telemetry.series) tries.push(fromSeries(subjects, telemetry, range, signal), fromNamedApps(subjects, telemetry, range, signal));
  if (telemetry.capabilities.has("orchestrator")) tries.push(fromOrchestrator(subjects, problem, telemetry, range, streams, signal));
  if (telemetry.capabilities.has("warehouse")) tries.push(fromWarehouse(subjects, problem, telemetry, range, signal));
  // Discovery is best effort: a backend that cannot answer leaves the subjects as they were.
  await Promise.all(tries.map((t) => t.catch(() => undefined)));
  if (streams) {
    fromLoaders(subjects, await streams);
    fromStreams(subjects, problem.mentions ?? [], await streams);
  }
  return subjects;
}

/** Known values of the anchor keys, as label selectors in every spelling: `{consumergroup="g"}`, `{group="g"}`, … */
function anchorSelectors(subjects: Subjects): Array<{ key: string; value: string; selector: Matcher[] }> {
  const out: Array<{ key: string; value: string; selector: Matcher[] }> = [];
  for (const key of ANCHORS) {
    const kind = kindOfKey(key);
    if (!kind) continue;
    for (const v of (subjects[key] ?? []).filter((x) => x.origin !== "discovery").slice(0, MAX_VALUES)) {
      for (const label of kind.labels) out.push({ key, value: v.value, selector: [{ label, op: "=", value: v.value }] });
    }
  }
  return out;
}

async function fromSeries(subjects: Subjects, telemetry: Telemetry, range: TimeRange, signal: AbortSignal): Promise<void> {
  const anchors = anchorSelectors(subjects);
  if (!anchors.length) return;
  const sets = await telemetry.series!({ ...range, selectors: anchors.map((a) => a.selector), limit: 2_000 }, signal);
  const found = new Map<string, Map<string, { count: number; from: string }>>();
  for (const labels of sets) {
    const anchor = anchors.find((a) => labels[a.selector[0]!.label] === a.value);
    if (!anchor) continue;
    for (const [label, value] of Object.entries(labels)) {
      const key = kindOfLabel(label)?.key;
      if (!key || key === anchor.key || NOT_HARVESTED.has(key) || subjects[key]?.some((v) => v.origin !== "discovery")) continue;
      const byValue = found.get(key) ?? new Map<string, { count: number; from: string }>();
      const seen = byValue.get(value) ?? { count: 0, from: `series of ${labels.__name__ ?? "a metric"} with ${anchor.selector[0]!.label}="${anchor.value}"` };
      seen.count++;
      byValue.set(value, seen);
      found.set(key, byValue);
    }
  }
  for (const [key, byValue] of found) {
    // most often seen first, then by name: the same answer whatever order a backend lists series in
    const best = [...byValue.entries()].sort((a, b) => b[1].count - a[1].count || a[0].localeCompare(b[0])).slice(0, MAX_VALUES);
    for (const [value, { from }] of best) addSubject(subjects, key, { value, origin: "discovery", from });
  }
}

/** Applications a DAG may run, looked for by name when the alert names none. */
const APPS = ["spark.app", "flink.job"];
/** Shared words shorter than this are shared by chance (`api`, `ads`). */
const MIN_SHARED_WORD = 5;
/** More applications than this sharing as many words means the words are a domain's, not one job's. */
const MAX_NAMED_APPS = 2;

async function fromNamedApps(subjects: Subjects, telemetry: Telemetry, range: TimeRange, signal: AbortSignal): Promise<void> {
  const dags = (subjects["airflow.dag_id"] ?? []).filter((v) => v.origin !== "discovery").map((v) => ({ dag: v.value, words: new Set(nameWords(v.value)) }));
  const wanted = APPS.filter((k) => !subjects[k]?.length).flatMap((key) => kindOfKey(key)!.labels.map((label) => ({ key, label })));
  if (!dags.length || !wanted.length) return;
  const sets = await telemetry.series!({ ...range, selectors: wanted.map(({ label }) => [{ label, op: "=~", value: ".+" }]), limit: 2_000 }, signal);
  for (const { key, label } of wanted) {
    const scored: Array<{ name: string; dag: string; shared: string[] }> = [];
    for (const name of new Set(sets.map((s) => s[label]).filter((v): v is string => Boolean(v)))) {
      const words = nameWords(name);
      for (const { dag, words: dagWords } of dags) {
        const shared = words.filter((w) => w.length >= MIN_SHARED_WORD && dagWords.has(w));
        if (shared.length && shared.length > (scored.find((x) => x.name === name)?.shared.length ?? 0)) {
          scored.splice(0, scored.length, ...scored.filter((x) => x.name !== name), { name, dag, shared });
        }
      }
    }
    const most = Math.max(0, ...scored.map((x) => x.shared.length));
    const best = scored.filter((x) => x.shared.length === most).sort((a, b) => a.name.localeCompare(b.name));
    if (!best.length || best.length > MAX_NAMED_APPS) continue;
    for (const { name, dag, shared } of best)
      addSubject(subjects, key, {
        value: name,
        origin: "discovery",
        involved: true,
        from: `series whose ${label} shares "${shared.join('", "')}" with the DAG ${dag}`,
      });
  }
}

/** Labels that name an entity or a scope (not a replica): where a mentioned name is looked for. */
const IDENTITY_LABELS = SUBJECT_KINDS.filter((k) => !k.volatile && k.key !== "dbt.user" && k.key !== "probe.target").flatMap((k) =>
  k.labels.map((label) => ({ key: k.key, label })),
);

async function fromMentions(subjects: Subjects, mentions: string[], telemetry: Telemetry, range: TimeRange, signal: AbortSignal): Promise<void> {
  const selectors = mentions.flatMap((value) => IDENTITY_LABELS.map(({ label }) => [{ label, op: "=" as const, value }]));
  const sets = await telemetry.series!({ ...range, selectors, limit: 2_000 }, signal);
  for (const value of mentions) {
    for (const { key, label } of IDENTITY_LABELS) {
      const hit = sets.find((s) => s[label] === value);
      if (hit)
        addSubject(subjects, key, {
          value,
          origin: "mention",
          from: `the alert's text names it; series of ${hit.__name__ ?? "a metric"} carry it as ${label}`,
        });
    }
  }
}

/** Service-like labels of a stream, in the vocabulary's order. */
const SERVICE_LABELS = kindOfKey("service")!.labels;

function fromStreams(subjects: Subjects, mentions: string[], streams: Labels[]): void {
  // A service already named whose streams exist is enough; one no stream carries is looked for again.
  const known = new Set((subjects.service ?? []).map((v) => v.value));
  if (known.size && streams.some((s) => SERVICE_LABELS.some((l) => s[l] !== undefined && known.has(s[l])))) return;
  // Identity subjects only: a namespace or a cluster holds many services, any of which could be named.
  const names = Object.entries(subjects)
    .filter(([key]) => !key.startsWith("config.") && !kindOfKey(key)?.scope)
    .flatMap(([key, values]) => values.map((v) => ({ key, value: v.value })))
    .concat(mentions.map((value) => ({ key: "a name the alert mentions", value })))
    .filter((k) => k.value.length >= 3);
  const services = new Map<string, string>();
  // in a stable order, whatever order the log store lists its streams in
  const ordered = [...streams].sort((a, b) => JSON.stringify(Object.entries(a).sort()).localeCompare(JSON.stringify(Object.entries(b).sort())));
  for (const s of ordered) {
    const service = SERVICE_LABELS.map((l) => s[l]).find((v): v is string => Boolean(v));
    if (!service) continue;
    const hit = names.find((k) => Object.values(s).some((v) => namesEntity(v, k.value)));
    if (hit && !services.has(service)) services.set(service, `log streams labelled with ${hit.key} "${hit.value}"`);
  }
  // Found services come before a named one no stream carries: that name reaches no logs.
  const found = [...services].slice(0, MAX_VALUES).map(([value, from]) => ({ value, origin: "discovery" as const, from }));
  if (found.length) subjects.service = [...found, ...(subjects.service ?? []).filter((v) => !services.has(v.value))];
}

const DAG_LABELS = kindOfKey("airflow.dag_id")!.labels;
const TASK_LABELS = kindOfKey("airflow.task_id")!.labels;
/** Distinctive words a table and a DAG's task must share to be taken for its loader. */
const LOADER_WORDS = 2;

/**
 * The DAG that loads a table the alert names, when the alert names no DAG: the one whose task's or
 * own name shares two distinctive words or more with the table (`fetch_supplier_catalog_acme` loads
 * `raw.supplier_catalog`), from the log streams its tasks write; the DAG with the most shared words,
 * and none when two DAGs share as many. The loader is part of the problem: its runbooks apply.
 */
function fromLoaders(subjects: Subjects, streams: Labels[]): void {
  const tables = (subjects["warehouse.table"] ?? [])
    .filter((v) => v.origin !== "discovery")
    .map((v) => ({ table: v.value, words: new Set(nameWords(v.value)) }));
  if (!tables.length || subjects["airflow.dag_id"]?.length) return;
  const best = new Map<string, { shared: string[]; table: string; task: string }>();
  for (const s of streams) {
    const dag = DAG_LABELS.map((l) => s[l]).find((v): v is string => Boolean(v));
    if (!dag) continue;
    const task = TASK_LABELS.map((l) => s[l]).find((v): v is string => Boolean(v)) ?? "";
    const words = new Set([...nameWords(dag), ...nameWords(task)]);
    for (const { table, words: tableWords } of tables) {
      const shared = [...tableWords].filter((w) => words.has(w));
      const prev = best.get(dag);
      // the same answer whatever order the log store lists its streams in
      const better = !prev || shared.length > prev.shared.length || (shared.length === prev.shared.length && task < prev.task);
      if (shared.length >= LOADER_WORDS && better) best.set(dag, { shared, table, task });
    }
  }
  const most = Math.max(0, ...[...best.values()].map((b) => b.shared.length));
  const top = [...best].filter(([, b]) => b.shared.length === most);
  if (top.length !== 1) return;
  const [dag, { shared, table, task }] = top[0]!;
  addSubject(subjects, "airflow.dag_id", {
    value: dag,
    origin: "discovery",
    involved: true,
    from: `log streams of its task ${task || dag}, which shares "${shared.join('", "')}" with the table ${table}`,
  });
}

/** True when a label value names the entity: the same name, or a replica of it (`points-accrual-7d9c`). */
function namesEntity(labelValue: string, entity: string): boolean {
  if (labelValue === entity) return true;
  return labelValue.startsWith(entity) && /^[-_.]/.test(labelValue.slice(entity.length, entity.length + 1));
}

async function fromOrchestrator(
  subjects: Subjects,
  problem: Problem,
  telemetry: Telemetry,
  range: TimeRange,
  streams: Promise<Labels[]> | null,
  signal: AbortSignal,
): Promise<void> {
  const dags = new Set((subjects["airflow.dag_id"] ?? []).map((v) => v.value));
  if (!dags.size) return;
  const [tasks, runs] = await Promise.all([
    telemetry.orchestrator({ ...range, kind: "task_instances" }, signal),
    telemetry.orchestrator({ ...range, kind: "dag_runs" }, signal),
  ]);
  const ours = tasks.filter((t) => dags.has(fieldText(t.dag_id)));
  const add = (key: string, values: unknown[], from: string) => {
    if (subjects[key]?.some((v) => v.origin !== "discovery")) return;
    const counts = new Map<string, number>();
    for (const v of values) if (typeof v === "string" && v) counts.set(v, (counts.get(v) ?? 0) + 1);
    for (const [value] of [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, MAX_VALUES))
      addSubject(subjects, key, { value, origin: "discovery", from });
  };
  add(
    "airflow.pool",
    ours.map((t) => t.pool),
    "the DAG's task instances",
  );
  add(
    "airflow.task_id",
    ours.filter((t) => t.state === "failed" || t.state === "up_for_retry").map((t) => t.task_id),
    "the DAG's failed task instances",
  );
  if (subjects[UPSTREAM]?.some((v) => v.origin !== "discovery")) return;
  // Upstream candidates: other DAGs whose runs were under way before the onset. That is timing only:
  // any DAG that failed in the same hours would pass the upstream checks. A candidate becomes a
  // subject only where the DAG's own telemetry names it.
  const onset = problem.onset ?? problem.now;
  const under = runs.filter((r) => {
    const dag = fieldText(r.dag_id);
    if (!dag || dags.has(dag) || !quotableName(dag)) return false;
    const start = Date.parse(fieldText(r.start_date ?? r.logical_date));
    const end = Date.parse(fieldText(r.end_date));
    return Number.isFinite(start) && start <= onset && (!Number.isFinite(end) || end >= onset - LOOKBACK_MS);
  });
  const counts = new Map<string, number>();
  const latest = new Map<string, number>();
  for (const r of under) {
    const dag = fieldText(r.dag_id);
    counts.set(dag, (counts.get(dag) ?? 0) + 1);
    latest.set(dag, Math.max(latest.get(dag) ?? -Infinity, Date.parse(fieldText(r.start_date ?? r.logical_date))));
  }
  if (!counts.size) return;
  // the DAGs that started closest to the onset first: the likeliest upstreams, looked for in the logs first
  const candidates = [...counts.keys()].sort((a, b) => latest.get(b)! - latest.get(a)! || a.localeCompare(b));
  const shown = await upstreamsNamed([...dags], candidates, { tasks, runs }, telemetry, range, streams, signal);
  const best = [...shown].sort((a, b) => counts.get(b[0])! - counts.get(a[0])! || a[0].localeCompare(b[0])).slice(0, MAX_VALUES);
  for (const [value, from] of best) addSubject(subjects, UPSTREAM, { value, origin: "discovery", from });
}

/** The subject an upstream DAG is (`{{sensor.external_dag_id}}`): a neighbour, which checks read instead of the problem's own DAG. */
const UPSTREAM = "sensor.external_dag_id";
/** Lines of the DAG's own logs that name a candidate, read at most: a sensor pokes every few minutes up to the onset. */
const OWN_LOG_LINES = 1_000;
/** Candidates looked for in the DAG's logs in one query: their names are its line filter, which stays short. */
const MAX_LOGGED_CANDIDATES = 50;

/**
 * The candidates (closest to the onset first) that the DAG's own telemetry names, each with where:
 * its log lines (an ExternalTaskSensor's `Poking for tasks ['build'] in dag <upstream> on …`, a
 * watermark sensor's query naming the upstream), or its own task instances and runs (a sensor's
 * rendered `external_dag_id`, a run's `conf`). A name is taken whole (`quotedNames`), and the DAG's
 * own ids are among the names looked for, so a candidate that one of them begins with is not named by it.
 */
async function upstreamsNamed(
  dags: string[],
  candidates: string[],
  records: { tasks: OrchestratorRecord[]; runs: OrchestratorRecord[] },
  telemetry: Telemetry,
  range: TimeRange,
  streams: Promise<Labels[]> | null,
  signal: AbortSignal,
): Promise<Map<string, string>> {
  const names = [...dags, ...candidates];
  const shown = new Map<string, string>();
  const note = (texts: string[], from: string) => {
    for (const text of texts) for (const name of quotedNames(text, names)) if (!dags.includes(name) && !shown.has(name)) shown.set(name, from);
  };
  for (const [kind, list] of [
    ["task instances", records.tasks],
    ["runs", records.runs],
  ] as const) {
    for (const r of list) {
      const own = fieldText(r.dag_id);
      const task = fieldText(r.task_id);
      if (dags.includes(own)) note(textsOf(r), `a DAG under way before the onset that the ${kind} of ${task ? `${own}.${task}` : own} name`);
    }
  }
  // The DAG's own streams, under the label the log store spells it with; without a stream listing, the conventional one.
  const listed = streams ? await streams : [];
  const selectors = listed.length
    ? [...new Map(listed.flatMap((s) => DAG_LABELS.filter((l) => dags.includes(s[l] ?? "")).map((l) => [`${l}=${s[l]}`, { [l]: s[l]! }]))).values()]
    : dags.map((dag) => ({ [DAG_LABELS[0]!]: dag }));
  // Only the lines that name a candidate (a literal alternation, the names escaped): what the log
  // store sends, and the incident records, stays small.
  const pattern = candidates.slice(0, MAX_LOGGED_CANDIDATES).map(escapeRegex).join("|");
  const answers = await Promise.all(
    selectors.slice(0, MAX_VALUES).map((selector) => telemetry.logs({ ...range, selector, pattern, limit: OWN_LOG_LINES }, signal).catch((): LogLine[] => [])),
  );
  for (const lines of answers)
    for (const l of lines) {
      const own = DAG_LABELS.map((label) => l.labels[label]).find((v) => v !== undefined && dags.includes(v)) ?? dags[0]!;
      const task = TASK_LABELS.map((label) => l.labels[label]).find(Boolean);
      note([l.line], `a DAG under way before the onset that the log of ${task ? `${own}.${task}` : own} names`);
    }
  return shown;
}

/** The text values of a record, nested ones included (a task instance's `rendered_fields`, a run's `conf`), as written. */
function textsOf(value: unknown, depth = 0): string[] {
  if (typeof value === "string") return [value];
  if (depth > 4 || value === null || typeof value !== "object") return [];
  return Object.values(value).flatMap((v: unknown) => textsOf(v, depth + 1));
}

async function fromWarehouse(subjects: Subjects, problem: Problem, telemetry: Telemetry, range: TimeRange, signal: AbortSignal): Promise<void> {
  const onset = problem.onset ?? problem.now;
  const needsUser = !subjects["dbt.user"]?.length;
  const needsTable = !subjects["warehouse.table"]?.length;
  if (!needsUser && !needsTable) return;
  const [errors, schemas] = await Promise.all([
    needsUser ? telemetry.warehouse({ start: onset - 15 * 60_000, end: problem.now, kind: "query_errors" }, signal) : Promise.resolve([]),
    needsTable ? telemetry.warehouse({ ...range, start: onset - 2 * 86_400_000, kind: "schemas" }, signal) : Promise.resolve([]),
  ]);
  for (const user of new Set(errors.map((e) => fieldText(e.user)).filter(Boolean))) {
    if ((subjects["dbt.user"]?.length ?? 0) >= MAX_VALUES) break;
    addSubject(subjects, "dbt.user", { value: user, origin: "discovery", from: "principals whose queries failed from the onset on" });
  }
  const columns = new Map<string, string>();
  for (const s of schemas) {
    const table = fieldText(s.table);
    const cols = JSON.stringify(Object.keys(s.columns ?? {}).sort());
    if (columns.has(table) && columns.get(table) !== cols)
      addSubject(subjects, "warehouse.table", { value: table, origin: "discovery", from: "tables whose schema changed" });
    columns.set(table, cols);
  }
}
