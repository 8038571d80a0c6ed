import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Problem } from "../../src/model/index.js";
import { CheckSpecSchema, silentProgress } from "../../src/model/index.js";
import { CheckRunner, DEFAULT_BUDGET } from "../../src/checks/runtime.js";
import { resolveChecks } from "../../src/checks/template.js";
import { postgresTelemetry } from "../../src/telemetry/postgres.js";
import { postgresBin, startPostgres, type RunningPostgres } from "../support/postgres.js";
import { requireService } from "../support/service.js";

const live = requireService("PostgreSQL server", postgresBin() !== null, "apt-get install postgresql");
const NOW = Date.parse("2026-03-14T02:00:00Z");
const problem = {
  incidentId: "t", title: "t", now: NOW, onset: NOW - 3_600_000, alerts: [], alertnames: [], labels: {}, pipelines: [],
  upstream: [], downstream: [], components: [], changes: { commits: [], deployments: [] }, similar: [], timeline: [],
} as Problem;
const knowledge = { pipelines: [], services: [], aliases: { metrics: {}, labels: {} } };

let server: RunningPostgres;
describe.runIf(live)("the warehouse adapter on a real PostgreSQL (Debian package)", () => {
  beforeAll(async () => {
    server = await startPostgres();
    const c = new pg.Client({ connectionString: server.connectionString });
    await c.connect();
    await c.query(`
      create schema raw; create schema ops;
      create table raw.orders (order_id bigint, cust_id bigint, amount numeric, loaded_at timestamptz);
      insert into raw.orders select g, g, 10, timestamptz '2026-03-14T00:58:00Z' - (g || ' minutes')::interval from generate_series(1, 1200) g;
      create table ops.schema_snapshots (at timestamptz, table_name text, columns jsonb);
      insert into ops.schema_snapshots values
        ('2026-03-13T00:00:00Z', 'raw.orders', '{"order_id": "bigint", "customer_id": "bigint", "amount": "numeric", "loaded_at": "timestamptz"}');
      create table ops.failed_queries (at timestamptz, "user" text, warehouse text, error_code text, message text);
      insert into ops.failed_queries values
        ('2026-03-14T01:02:00Z', 'dbt_prod', 'transform', '42703', 'column "customer_id" does not exist'),
        ('2026-03-13T12:00:00Z', 'dbt_prod', 'transform', '57014', 'canceling statement due to statement timeout');
    `);
    await c.end();
  });
  afterAll(async () => server?.stop());

  const options = () => ({ connectionString: server.connectionString, tables: ["raw.orders"], loadedAtColumn: "loaded_at", snapshotsTable: "ops.schema_snapshots", queryErrorsView: "ops.failed_queries" });

  it("finds the upstream rename, the failed queries it caused, and the table's size and freshness", async () => {
    const telemetry = postgresTelemetry(options());
    try {
      const specs = [
        { id: "renamed", warehouse: { kind: "schemas" }, primitive: "schema_diff", window: "6h", pass_if: { removed: ">= 1" } },
        { id: "errors", warehouse: { kind: "query_errors" }, match: "does not exist|invalid identifier", primitive: "count", window: "2h", pass_if: { count: ">= 1" } },
        { id: "rows", warehouse: { kind: "tables", where: { table: "raw.orders" } }, field: "row_count", primitive: "threshold", pass_if: { value: ">= 1000" } },
      ].map((s) => CheckSpecSchema.parse(s));
      const evidence = await new CheckRunner(telemetry, DEFAULT_BUDGET, silentProgress).run(resolveChecks({ id: "wh", checks: specs }, problem, knowledge), 1);
      expect(evidence.map((e) => [e.check, e.verdict])).toEqual([
        ["renamed", "pass"],
        ["errors", "pass"],
        ["rows", "pass"],
      ]);
      expect(evidence[0]!.observed).toEqual({ removed: 1, added: 1 });
      expect(evidence[1]!.observed).toEqual({ count: 1 });
      expect(evidence[2]!.observed.value).toBe(1200);
    } finally {
      await telemetry.close();
    }
  });

  it("refuses identifiers that are not plain schema.table names, and names that do not exist", async () => {
    for (const bad of ["raw.orders; drop table raw.orders", 'raw."orders"', "orders"]) {
      const t = postgresTelemetry({ ...options(), tables: [bad] });
      try {
        await expect(t.warehouse({ kind: "tables", start: NOW - 1, end: NOW }, AbortSignal.timeout(5000))).rejects.toThrow(/is not a schema\.table name/);
      } finally {
        await t.close();
      }
    }
    const missing = postgresTelemetry({ ...options(), tables: ["raw.nope"] });
    try {
      await expect(missing.warehouse({ kind: "tables", start: NOW - 1, end: NOW }, AbortSignal.timeout(5000))).rejects.toThrow(/raw\.nope does not exist/);
    } finally {
      await missing.close();
    }
    const c = new pg.Client({ connectionString: server.connectionString });
    await c.connect();
    expect((await c.query("select count(*)::int as n from raw.orders")).rows[0]).toEqual({ n: 1200 });
    await c.end();
  });
});
