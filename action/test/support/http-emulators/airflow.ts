import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { ScenarioTelemetry } from "../../../src/model/index.js";

type Row = Record<string, unknown>;

/** The query parameters each list endpoint documents, per API version; anything else is a 400 as in Airflow. */
const PARAMS: Record<1 | 2, Record<string, string[]>> = {
  1: {
    "/dags/~/dagRuns": [
      "limit",
      "offset",
      "order_by",
      "state",
      "execution_date_gte",
      "execution_date_lte",
      "start_date_gte",
      "start_date_lte",
      "end_date_gte",
      "end_date_lte",
      "updated_at_gte",
      "updated_at_lte",
    ],
    "/dags/~/dagRuns/~/taskInstances": [
      "limit",
      "offset",
      "state",
      "pool",
      "queue",
      "execution_date_gte",
      "execution_date_lte",
      "start_date_gte",
      "start_date_lte",
      "end_date_gte",
      "end_date_lte",
      "duration_gte",
      "duration_lte",
      "updated_at_gte",
      "updated_at_lte",
    ],
    "/importErrors": ["limit", "offset", "order_by"],
    "/pools": ["limit", "offset", "order_by"],
  },
  2: {
    "/dags/~/dagRuns": [
      "limit",
      "offset",
      "order_by",
      "state",
      "run_type",
      "logical_date_gte",
      "logical_date_lte",
      "start_date_gte",
      "start_date_lte",
      "end_date_gte",
      "end_date_lte",
      "run_after_gte",
      "run_after_lte",
      "updated_at_gte",
      "updated_at_lte",
    ],
    "/dags/~/dagRuns/~/taskInstances": [
      "limit",
      "offset",
      "order_by",
      "state",
      "pool",
      "queue",
      "executor",
      "logical_date_gte",
      "logical_date_lte",
      "start_date_gte",
      "start_date_lte",
      "end_date_gte",
      "end_date_lte",
      "run_after_gte",
      "run_after_lte",
      "duration_gte",
      "duration_lte",
      "updated_at_gte",
      "updated_at_lte",
    ],
    "/importErrors": ["limit", "offset", "order_by"],
    "/pools": ["limit", "offset", "order_by"],
  },
};

/** The record as the version serves it: Airflow 2 task instances say `execution_date`, Airflow 3 only `logical_date`. */
function asServed(version: 1 | 2, route: string, r: Row): Row {
  const out = { ...r };
  if (version === 1 && route.endsWith("taskInstances") && out.logical_date !== undefined && out.execution_date === undefined) {
    out.execution_date = out.logical_date;
    delete out.logical_date;
  }
  if (version === 2) {
    if (out.execution_date !== undefined && out.logical_date === undefined) out.logical_date = out.execution_date;
    delete out.execution_date;
  }
  return out;
}

export interface AirflowEmulator {
  url: string;
  /** Path and query of every request, in order. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * An Airflow REST API emulator (v1 and v2 paths) serving a scenario's orchestrator records in the
 * documented collection shapes: basic or bearer auth enforced, only the documented parameters
 * accepted, `<field>_gte/_lte` filters that (like Airflow's SQL) never match a null field, `state`
 * repeated for any-of, pages of at most 100 through `limit`/`offset` with `total_entries`.
 */
export async function startAirflowEmulator(data: ScenarioTelemetry["orchestrator"], auth: string, version: 1 | 2 = 2): Promise<AirflowEmulator> {
  const requests: string[] = [];
  const tables: Record<string, Row[]> = {
    "/dags/~/dagRuns": data.dag_runs,
    "/dags/~/dagRuns/~/taskInstances": data.task_instances,
    "/importErrors": data.import_errors,
    "/pools": data.pools,
  };
  const keys: Record<string, string> = {
    "/dags/~/dagRuns": "dag_runs",
    "/dags/~/dagRuns/~/taskInstances": "task_instances",
    "/importErrors": "import_errors",
    "/pools": "pools",
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    requests.push(url.pathname + url.search);
    const problem = (status: number, title: string, detail?: string) =>
      void res
        .writeHead(status, { "content-type": "application/problem+json" })
        .end(JSON.stringify({ type: "about:blank", title, status, ...(detail ? { detail } : {}) }));
    if (req.headers.authorization !== auth) return problem(401, "Unauthorized");
    const m = new RegExp(`^/api/v${version}(/.*)$`).exec(url.pathname);
    const route = m?.[1] ?? "";
    const rows = tables[route];
    if (!rows) return problem(404, "Not Found");
    for (const k of url.searchParams.keys()) {
      if (!PARAMS[version][route]!.includes(k)) return problem(400, "Bad Request", `Extra query parameter(s) ${k} not in spec`);
    }
    const limit = Number(url.searchParams.get("limit") ?? (version === 1 ? 100 : 50));
    const offset = Number(url.searchParams.get("offset") ?? 0);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) return problem(400, "Bad Request", "limit must be between 1 and 100");
    const served = rows.map((r) => asServed(version, route, r));
    const states = url.searchParams.getAll("state");
    const matched = served.filter((r) => {
      if (states.length && !states.includes(String(r.state))) return false;
      for (const [k, v] of url.searchParams) {
        const f = /^(.*)_(gte|lte)$/.exec(k);
        if (!f || f[1] === "duration") continue;
        const field = r[f[1]!];
        if (typeof field !== "string") return false;
        const t = Date.parse(field);
        const bound = Date.parse(v);
        if (f[2] === "gte" ? t < bound : t > bound) return false;
      }
      return true;
    });
    const key = keys[route]!;
    res
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify({ [key]: matched.slice(offset, offset + limit), total_entries: matched.length }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}
