import { z } from "zod";
import type { Capability, OrchestratorKind, OrchestratorRecord, RecordQuery, Telemetry } from "../model/index.js";
import { getJson } from "./http.js";

export interface AirflowOptions {
  url: string;
  /** 1: Airflow 2 (`/api/v1`); 2: Airflow 3 (`/api/v2`). */
  version: 1 | 2;
  auth: { basic: { username: string; password: string } } | { token: string };
  maxBytes?: number;
}

const Collection = (key: string) => z.object({ [key]: z.array(z.record(z.string(), z.unknown())) }).loose();
const PAGE = 100;

/**
 * The orchestrator port on Airflow's stable REST API (v1 for Airflow 2, v2 for Airflow 3): DAG runs
 * and task instances of the window across every DAG (`~`), import errors and pools, kept with
 * Airflow's own field names as the scenario format does.
 */
export function airflowTelemetry(opts: AirflowOptions): Telemetry {
  const base = `${opts.url.replace(/\/+$/, "")}/api/v${opts.version}`;
  const authorization =
    "token" in opts.auth ? `Bearer ${opts.auth.token}` : `Basic ${Buffer.from(`${opts.auth.basic.username}:${opts.auth.basic.password}`).toString("base64")}`;
  const unsupported = (kind: string) => () => Promise.reject(new Error(`Airflow does not answer ${kind} queries`));

  const list = async (path: string, key: string, params: Record<string, string>, signal: AbortSignal): Promise<OrchestratorRecord[]> => {
    const url = new URL(`${base}${path}`);
    for (const [k, v] of Object.entries({ limit: String(PAGE), ...params })) url.searchParams.set(k, v);
    const { status, body } = await getJson(url, { signal, backend: "airflow", headers: { authorization }, ...(opts.maxBytes ? { maxBytes: opts.maxBytes } : {}) });
    if (status === 401 || status === 403) throw new Error(`airflow ${path}: HTTP ${status}: check the connector's credentials`);
    if (status !== 200) throw new Error(`airflow ${path}: HTTP ${status}: ${JSON.stringify(body).slice(0, 200)}`);
    const parsed = Collection(key).safeParse(body);
    if (!parsed.success) throw new Error(`airflow ${path}: expected {"${key}": [...]}`);
    return parsed.data[key] as OrchestratorRecord[];
  };

  const paths: Record<OrchestratorKind, (q: RecordQuery<OrchestratorKind>, signal: AbortSignal) => Promise<OrchestratorRecord[]>> = {
    dag_runs: (q, s) => list("/dags/~/dagRuns", "dag_runs", { start_date_gte: new Date(q.start).toISOString(), start_date_lte: new Date(q.end).toISOString(), order_by: "-start_date" }, s),
    task_instances: (q, s) => list("/dags/~/dagRuns/~/taskInstances", "task_instances", { start_date_gte: new Date(q.start).toISOString(), start_date_lte: new Date(q.end).toISOString() }, s),
    import_errors: (_q, s) => list("/importErrors", "import_errors", {}, s),
    pools: (_q, s) => list("/pools", "pools", {}, s),
  };

  return {
    capabilities: new Set<Capability>(["orchestrator"]),
    describe: (_kind, q) => `airflow v${opts.version} ${(q as RecordQuery<string>).kind} ${new Date((q as RecordQuery<string>).start).toISOString()}–${new Date((q as RecordQuery<string>).end).toISOString()}`,
    orchestrator: (q, signal) => paths[q.kind](q, signal),
    metrics: unsupported("metric"),
    logs: unsupported("log"),
    changes: unsupported("change"),
    events: unsupported("event"),
    warehouse: unsupported("warehouse"),
  };
}
