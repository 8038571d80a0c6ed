import pg from "pg";
import type { Capability, OrchestratorRecord, RecordQuery, Telemetry, WarehouseKind } from "../model/index.js";

/** What the warehouse adapter reads; every name is an identifier checked against the catalogue, never spliced raw. */
export interface PostgresOptions {
  connectionString: string;
  /** Tables to watch, `schema.table`. */
  tables: string[];
  /** The column that says when a row was loaded, for freshness. */
  loadedAtColumn?: string;
  /** A table of schema snapshots (`at timestamptz, table_name text, columns jsonb`), for schema drift over time. */
  snapshotsTable?: string;
  /** A table or view of failed queries (`at, "user", warehouse, error_code, message`). */
  queryErrorsView?: string;
  statementTimeoutMs?: number;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/** Splits `schema.table` and refuses anything that is not two plain identifiers. */
function qualified(name: string): [string, string] {
  const parts = name.split(".");
  if (parts.length !== 2 || !parts.every((p) => IDENT.test(p))) throw new Error(`"${name}" is not a schema.table name`);
  return [parts[0]!, parts[1]!];
}

/**
 * The warehouse port on PostgreSQL: schema snapshots from information_schema (and a snapshot table
 * when there is one), row counts and freshness of watched tables, and a failed-queries view. Values
 * are bind parameters; identifiers are validated, confirmed in the catalogue and quoted.
 */
export function postgresTelemetry(opts: PostgresOptions): Telemetry & { close(): Promise<void> } {
  const pool = new pg.Pool({ connectionString: opts.connectionString, max: 4, statement_timeout: opts.statementTimeoutMs ?? 10_000 });
  const unsupported = (kind: string) => () => Promise.reject(new Error(`PostgreSQL does not answer ${kind} queries`));

  /** Quotes a schema.table after confirming it exists, so a typo is an error and never a new statement. */
  const relation = async (client: pg.PoolClient, name: string): Promise<string> => {
    const [schema, table] = qualified(name);
    const found = await client.query("select 1 from information_schema.tables where table_schema = $1 and table_name = $2", [schema, table]);
    if (!found.rowCount) throw new Error(`postgres: ${name} does not exist`);
    return `${client.escapeIdentifier(schema)}.${client.escapeIdentifier(table)}`;
  };

  const schemas = async (client: pg.PoolClient, q: RecordQuery<WarehouseKind>): Promise<OrchestratorRecord[]> => {
    const out: OrchestratorRecord[] = [];
    if (opts.snapshotsTable) {
      const rel = await relation(client, opts.snapshotsTable);
      // The latest snapshot before the window too, so the first change inside it has a baseline.
      const rows = await client.query(
        `select at, table_name, columns from ${rel} s where table_name = any($1) and (at between $2 and $3 or at = (select max(at) from ${rel} p where p.table_name = s.table_name and p.at < $2)) order by at`,
        [opts.tables, new Date(q.start), new Date(q.end)],
      );
      for (const r of rows.rows as Array<{ at: Date; table_name: string; columns: Record<string, string> }>) {
        out.push({ at: r.at.toISOString(), table: r.table_name, columns: r.columns });
      }
    }
    for (const name of opts.tables) {
      const [schema, table] = qualified(name);
      const cols = await client.query("select column_name, data_type from information_schema.columns where table_schema = $1 and table_name = $2 order by ordinal_position", [schema, table]);
      if (!cols.rowCount) continue;
      out.push({ at: new Date(q.end).toISOString(), table: name, columns: Object.fromEntries((cols.rows as Array<{ column_name: string; data_type: string }>).map((c) => [c.column_name, c.data_type])) });
    }
    return out;
  };

  const tables = async (client: pg.PoolClient, q: RecordQuery<WarehouseKind>): Promise<OrchestratorRecord[]> => {
    const out: OrchestratorRecord[] = [];
    for (const name of opts.tables) {
      const rel = await relation(client, name);
      const loaded = opts.loadedAtColumn && IDENT.test(opts.loadedAtColumn) ? client.escapeIdentifier(opts.loadedAtColumn) : null;
      const r = await client.query(`select count(*)::bigint as n${loaded ? `, max(${loaded}) as latest` : ""} from ${rel}`);
      const row = r.rows[0] as { n: string; latest?: Date | null };
      out.push({ table: name, at: new Date(q.end).toISOString(), row_count: Number(row.n), max_loaded_at: row.latest ? row.latest.toISOString() : null });
    }
    return out;
  };

  const queryErrors = async (client: pg.PoolClient, q: RecordQuery<WarehouseKind>): Promise<OrchestratorRecord[]> => {
    if (!opts.queryErrorsView) throw new Error("postgres: no query_errors view is configured (connectors.postgres.query_errors_view)");
    const rel = await relation(client, opts.queryErrorsView);
    const r = await client.query(`select at, "user", warehouse, error_code, message from ${rel} where at between $1 and $2 order by at`, [new Date(q.start), new Date(q.end)]);
    return (r.rows as Array<Record<string, unknown>>).map((row) => ({ ...row, at: (row.at as Date).toISOString() }));
  };

  return {
    capabilities: new Set<Capability>(["warehouse"]),
    describe: (_kind, q) => `postgres ${(q as RecordQuery<string>).kind} of ${opts.tables.join(", ")}`,
    async warehouse(q, signal) {
      const client = await pool.connect();
      const cancel = () => client.release(new Error("aborted"));
      signal.addEventListener("abort", cancel, { once: true });
      try {
        if (q.kind === "schemas") return await schemas(client, q);
        if (q.kind === "tables") return await tables(client, q);
        return await queryErrors(client, q);
      } finally {
        signal.removeEventListener("abort", cancel);
        if (!signal.aborted) client.release();
      }
    },
    metrics: unsupported("metric"),
    logs: unsupported("log"),
    changes: unsupported("change"),
    events: unsupported("event"),
    orchestrator: unsupported("orchestrator"),
    /** Closes the connections (a run ends with it). */
    close: () => pool.end(),
  };
}
