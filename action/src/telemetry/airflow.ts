import { z } from "zod";
import { fieldText, type Capability, type OrchestratorKind, type OrchestratorRecord, type RecordQuery, type Telemetry } from "../model/index.js";
import { requestJson } from "./http.js";

export interface AirflowOptions {
  url: string;
  /** 1: Airflow 2 (`/api/v1`); 2: Airflow 3 (`/api/v2`). */
  version: 1 | 2;
  auth: { basic: { username: string; password: string } } | { token: string };
  /** Per-request deadline; default 30 s. */
  timeoutMs?: number;
  maxBytes?: number;
  /** The most records one query reads across pages before it gives up (default 10,000). */
  maxRecords?: number;
}

/** Airflow's collection envelope: `{"<key>": [...], "total_entries": N}` in both API versions. */
const collection = (key: string) =>
  z.looseObject({ [key]: z.array(z.record(z.string(), z.unknown())), total_entries: z.number().int().nonnegative().optional() });

/** The largest page both versions accept (`maximum_page_limit` defaults to 100). */
const PAGE = 100;

/** States in which a DAG run or task instance has no end yet: they overlap any window after they began. */
const OPEN_RUN_STATES = ["queued", "running"];
const OPEN_TI_STATES = ["scheduled", "queued", "running", "up_for_retry", "up_for_reschedule", "restarting", "deferred"];

const timeOf = (v: unknown): number | null => {
  if (typeof v !== "string" || !v) return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : t;
};

/** Whether a record without an end began before the window closed (or carries no time at all). */
function openOverlaps(r: OrchestratorRecord, end: number): boolean {
  const times = ["queued_when", "start_date", "logical_date", "execution_date", "run_after"].map((k) => timeOf(r[k])).filter((t): t is number => t !== null);
  return !times.length || Math.min(...times) <= end;
}

/** One identity per record, so the finished-in-window and still-open queries never count a record twice. */
function identity(kind: "dag_runs" | "task_instances", r: OrchestratorRecord): string {
  const ids = kind === "dag_runs" ? [r.dag_id, r.dag_run_id] : [r.dag_id, r.dag_run_id, r.task_id, r.map_index ?? -1];
  return ids.map(fieldText).join("\u0000");
}

/** Airflow 2 names the logical date `execution_date`; the scenario format reads both, so both are present. */
function withLogicalDate(r: OrchestratorRecord): OrchestratorRecord {
  if (r.logical_date === undefined && r.execution_date !== undefined) return { ...r, logical_date: r.execution_date };
  return r;
}

/**
 * The orchestrator port on Airflow's stable REST API (v1 for Airflow 2, v2 for Airflow 3): DAG runs
 * and task instances across every DAG (`~`) that overlap the window (finished inside it, or still
 * open), import errors of the window and the current pools, paged through `offset`, kept with
 * Airflow's own field names as the scenario format does.
 */
export function airflowTelemetry(opts: AirflowOptions): Telemetry {
  const base = `${opts.url.replace(/\/+$/, "")}/api/v${opts.version}`;
  const authorization =
    "token" in opts.auth ? `Bearer ${opts.auth.token}` : `Basic ${Buffer.from(`${opts.auth.basic.username}:${opts.auth.basic.password}`).toString("base64")}`;
  const maxRecords = opts.maxRecords ?? 10_000;
  const unsupported = (kind: string) => () => Promise.reject(new Error(`airflow: this backend does not answer ${kind} queries`));

  /** Reads every page of a collection; params may repeat (`state=a&state=b`). */
  const list = async (path: string, key: string, params: Array<[string, string]>, signal: AbortSignal): Promise<OrchestratorRecord[]> => {
    const where = `airflow GET /api/v${opts.version}${path}`;
    const out: OrchestratorRecord[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const url = new URL(`${base}${path}`);
      for (const [k, v] of params) url.searchParams.append(k, v);
      url.searchParams.set("limit", String(PAGE));
      url.searchParams.set("offset", String(offset));
      const { status, body } = await requestJson(url, {
        backend: "airflow",
        signal,
        headers: { authorization },
        ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
        ...(opts.maxBytes ? { maxBytes: opts.maxBytes } : {}),
      });
      if (status === 401 || status === 403) throw new Error(`${where}: HTTP ${status}: check the connector's credentials`);
      if (status !== 200) {
        const detail = body && typeof body === "object" ? ((body as Record<string, unknown>).detail ?? (body as Record<string, unknown>).title) : undefined;
        throw new Error(`${where}: HTTP ${status}${detail ? `: ${typeof detail === "string" ? detail : JSON.stringify(detail).slice(0, 200)}` : ""}`);
      }
      const parsed = collection(key).safeParse(body);
      if (!parsed.success) throw new Error(`${where}: expected {"${key}": [...], "total_entries": N}`);
      const page = parsed.data[key] as OrchestratorRecord[];
      out.push(...page);
      const total = (parsed.data as { total_entries?: number }).total_entries;
      if (out.length > maxRecords) throw new Error(`${where}: more than ${maxRecords} ${key}; narrow the window or raise maxRecords`);
      if (page.length < PAGE || (total !== undefined && out.length >= total)) return out;
    }
  };

  /** Runs or task instances overlapping the window: ended inside or after its start, or still open. */
  const overlapping = async (kind: "dag_runs" | "task_instances", path: string, q: RecordQuery<OrchestratorKind>, signal: AbortSignal) => {
    const window: Array<[string, string]> = [
      ["start_date_lte", new Date(q.end).toISOString()],
      ["end_date_gte", new Date(q.start).toISOString()],
    ];
    const openStates = kind === "dag_runs" ? OPEN_RUN_STATES : OPEN_TI_STATES;
    const [ended, open] = await Promise.all([
      list(path, kind, window, signal),
      list(
        path,
        kind,
        openStates.map((s) => ["state", s] as [string, string]),
        signal,
      ),
    ]);
    const seen = new Set<string>();
    const out: OrchestratorRecord[] = [];
    for (const r of [...ended, ...open.filter((r) => r.end_date == null && openOverlaps(r, q.end))]) {
      const id = identity(kind, r);
      if (seen.has(id)) continue;
      seen.add(id);
      out.push(withLogicalDate(r));
    }
    return out;
  };

  const kinds: Record<OrchestratorKind, (q: RecordQuery<OrchestratorKind>, signal: AbortSignal) => Promise<OrchestratorRecord[]>> = {
    dag_runs: (q, s) => overlapping("dag_runs", "/dags/~/dagRuns", q, s),
    task_instances: (q, s) => overlapping("task_instances", "/dags/~/dagRuns/~/taskInstances", q, s),
    // Import errors persist until the file parses again; those stamped inside the window are the news.
    import_errors: async (q, s) =>
      (await list("/importErrors", "import_errors", [], s)).filter((r) => {
        const t = timeOf(r.timestamp);
        return t === null || (t >= q.start && t <= q.end);
      }),
    // Pools are current state, not history.
    pools: (_q, s) => list("/pools", "pools", [], s),
  };

  return {
    capabilities: new Set<Capability>(["orchestrator"]),
    describe: (_kind, query) => {
      const q = query as RecordQuery<string>;
      return `airflow /api/v${opts.version} ${q.kind} over [${new Date(q.start).toISOString()}, ${new Date(q.end).toISOString()}]`;
    },
    async orchestrator(q, signal) {
      const fetcher = kinds[q.kind];
      if (!fetcher) throw new Error(`airflow: no such orchestrator kind ${JSON.stringify(q.kind)}`);
      return fetcher(q, signal);
    },
    metrics: unsupported("metric"),
    logs: unsupported("log"),
    changes: unsupported("change"),
    events: unsupported("event"),
    warehouse: unsupported("warehouse"),
  };
}
