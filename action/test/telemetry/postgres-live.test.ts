import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CheckSpecSchema, silentProgress } from "../../src/model/index.js";
import { CheckRunner, DEFAULT_BUDGET } from "../../src/checks/runtime.js";
import { resolveChecks } from "../../src/checks/template.js";
import { postgresTelemetry } from "../../src/telemetry/postgres.js";
import { postgresBin, startPostgres, type RunningPostgres } from "../support/postgres.js";
import { freePort } from "../support/service.js";
import { requireService } from "../support/service.js";
import { anyString } from "../support/match.js";
import { NO_KNOWLEDGE, problemOf } from "../support/problem.js";

const live = requireService("PostgreSQL server", postgresBin() !== null, "apt-get install postgresql");
const NOW = Date.parse("2026-03-14T02:00:00Z");
const problem = problemOf({ now: NOW });
const knowledge = NO_KNOWLEDGE;

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
      create table raw.events (id bigint, payload text);
      insert into raw.events select g, 'x' from generate_series(1, 7) g;
      create table raw."Odd Name" (id int);
      create view ops.slow_errors as select now() as at, pg_sleep(60)::text as message;
      create view ops.no_time as select 'x'::text as message;
    `);
    await c.end();
  });
  afterAll(async () => server?.stop());

  const options = () => ({
    connectionString: server.connectionString,
    tables: ["raw.orders"],
    loadedAtColumn: "loaded_at",
    snapshotsTable: "ops.schema_snapshots",
    queryErrorsView: "ops.failed_queries",
  });

  it("finds the upstream rename, the failed queries it caused, and the table's size and freshness", async () => {
    const telemetry = postgresTelemetry(options());
    try {
      const specs = [
        { id: "renamed", warehouse: { kind: "schemas" }, primitive: "schema_diff", window: "6h", pass_if: { removed: ">= 1" } },
        {
          id: "errors",
          warehouse: { kind: "query_errors" },
          match: "does not exist|invalid identifier",
          primitive: "count",
          window: "2h",
          pass_if: { count: ">= 1" },
        },
        {
          id: "rows",
          warehouse: { kind: "tables", where: { table: "raw.orders" } },
          field: "row_count",
          primitive: "threshold",
          pass_if: { value: ">= 1000" },
        },
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

  it("reads row counts and freshness (loaded_at by default), every column of the failed-queries view, and the live catalogue as of query time", async () => {
    const t = postgresTelemetry({ connectionString: server.connectionString, tables: ["raw.orders", "raw.events"], queryErrorsView: "ops.failed_queries" });
    try {
      const window = { start: Date.parse("2026-03-14T00:00:00Z"), end: NOW };
      const tables = await t.warehouse({ kind: "tables", ...window }, AbortSignal.timeout(5000));
      expect(tables).toEqual([
        { table: "raw.orders", at: anyString(), row_count: 1200, max_loaded_at: "2026-03-14T00:57:00.000Z" },
        { table: "raw.events", at: anyString(), row_count: 7, max_loaded_at: null },
      ]);
      // Stamped by the server's clock when read, not with the query's end.
      expect(Math.abs(Date.parse(String(tables[0]!.at)) - Date.now())).toBeLessThan(3_600_000);
      const errors = await t.warehouse({ kind: "query_errors", ...window }, AbortSignal.timeout(5000));
      expect(errors).toEqual([
        { at: "2026-03-14T01:02:00.000Z", user: "dbt_prod", warehouse: "transform", error_code: "42703", message: 'column "customer_id" does not exist' },
      ]);
      const explicit = postgresTelemetry({ connectionString: server.connectionString, tables: ["raw.events"], loadedAtColumn: "loaded_at" });
      try {
        await expect(explicit.warehouse({ kind: "tables", ...window }, AbortSignal.timeout(5000))).rejects.toThrow(
          "postgres: raw.events has no column loaded_at (connectors.postgres.loaded_at_column)",
        );
      } finally {
        await explicit.close();
      }
    } finally {
      await t.close();
    }
    const all = postgresTelemetry({ connectionString: server.connectionString });
    try {
      const snaps = await all.warehouse({ kind: "schemas", start: 0, end: NOW }, AbortSignal.timeout(5000));
      // Every user table with a plain name, none of the catalogue's; a name that would need quoting is left out.
      expect(snaps.map((x) => x.table).sort()).toEqual(["ops.failed_queries", "ops.schema_snapshots", "raw.events", "raw.orders"]);
      expect(snaps.find((x) => x.table === "raw.events")?.columns).toEqual({ id: "bigint", payload: "text" });
      await expect(all.warehouse({ kind: "tables", start: 0, end: NOW }, AbortSignal.timeout(5000))).rejects.toThrow(
        "postgres: row counts need the tables to watch (connectors.postgres.tables)",
      );
    } finally {
      await all.close();
    }
  });

  it("refuses a failed-queries view without an at column", async () => {
    const t = postgresTelemetry({ connectionString: server.connectionString, queryErrorsView: "ops.no_time" });
    try {
      await expect(t.warehouse({ kind: "query_errors", start: 0, end: NOW }, AbortSignal.timeout(5000))).rejects.toThrow(
        'postgres: ops.no_time has no "at" column',
      );
    } finally {
      await t.close();
    }
  });

  it("abandons a statement slower than the check's deadline and has the server cancel it", async () => {
    const t = postgresTelemetry({ connectionString: server.connectionString, queryErrorsView: "ops.slow_errors", statementTimeoutMs: 120_000 });
    const c = new pg.Client({ connectionString: server.connectionString });
    await c.connect();
    try {
      await expect(t.warehouse({ kind: "query_errors", start: 0, end: Date.now() + 60_000 }, AbortSignal.timeout(500))).rejects.toThrow(
        "postgres query_errors: abandoned: the check's deadline passed",
      );
      let running = 1;
      for (let i = 0; i < 100 && running > 0; i++) {
        running = (
          await c.query<{ n: number }>(
            "select count(*)::int as n from pg_stat_activity where query like '%slow_errors%' and state = 'active' and pid <> pg_backend_pid()",
          )
        ).rows[0]!.n;
        if (running) await new Promise((r) => setTimeout(r, 100));
      }
      expect(running).toBe(0);
    } finally {
      await c.end();
      await t.close();
    }
  });

  it("says it cannot connect when the server is down", async () => {
    const port = await freePort();
    const t = postgresTelemetry({ connectionString: `postgresql://postgres@127.0.0.1:${port}/postgres`, tables: ["raw.orders"] });
    try {
      await expect(t.warehouse({ kind: "tables", start: 0, end: NOW }, AbortSignal.timeout(5000))).rejects.toThrow(
        /^postgres tables: cannot connect \(.*ECONNREFUSED/,
      );
    } finally {
      await t.close();
    }
  });
});
