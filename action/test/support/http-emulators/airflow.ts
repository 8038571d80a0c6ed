import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { ScenarioTelemetry } from "../../../src/model/index.js";

/**
 * An Airflow REST API emulator (v1 and v2 paths) serving a scenario's orchestrator records in the
 * documented collection shapes, with basic or bearer auth enforced and `start_date_gte/lte` honoured.
 */
export async function startAirflowEmulator(data: ScenarioTelemetry["orchestrator"], auth: string): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    requests.push(url.pathname + url.search);
    if (req.headers.authorization !== auth) return void res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ title: "Unauthorized", status: 401 }));
    const m = /^\/api\/v[12](\/.*)$/.exec(url.pathname);
    const route = m?.[1];
    const from = Date.parse(url.searchParams.get("start_date_gte") ?? "1970-01-01T00:00:00Z");
    const to = Date.parse(url.searchParams.get("start_date_lte") ?? "2999-01-01T00:00:00Z");
    const inRange = (r: Record<string, unknown>) => {
      const t = Date.parse(String(r.start_date ?? r.queued_when ?? r.logical_date ?? ""));
      return !Number.isFinite(t) || (t >= from && t <= to);
    };
    const json = (key: string, items: Array<Record<string, unknown>>) =>
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ [key]: items, total_entries: items.length }));
    if (route === "/dags/~/dagRuns") return json("dag_runs", data.dag_runs.filter(inRange));
    if (route === "/dags/~/dagRuns/~/taskInstances") return json("task_instances", data.task_instances.filter(inRange));
    if (route === "/importErrors") return json("import_errors", data.import_errors);
    if (route === "/pools") return json("pools", data.pools);
    res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ title: "Not Found", status: 404 }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, close: () => new Promise((r) => server.close(() => r())) };
}
