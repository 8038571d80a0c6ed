import pg from "pg";
import type { Capability, OrchestratorRecord, RecordQuery, Telemetry, WarehouseKind } from "../model/index.js";

/** What the warehouse adapter reads; every name is an identifier checked against the catalogue, never spliced raw. */
export interface PostgresOptions {
  connectionString: string;
  /** Tables to watch, `schema.table`. Without them, `schemas` covers every user table and `tables` is refused. */
  tables?: string[];
  /** The column that says when a row was loaded, for freshness; default `loaded_at` where a table has one. */
  loadedAtColumn?: string;
  /** A table of schema snapshots (`at timestamptz, table_name text, columns jsonb`), for schema drift over time. */
  snapshotsTable?: string;
  /** A table or view of failed queries with an `at` column (its other columns are returned as they are). */
  queryErrorsView?: string;
  /** Server-side cap per statement; default 10 s. */
  statementTimeoutMs?: number;
  /** How long to wait for a connection; default 10 s. */
  connectTimeoutMs?: number;
}

/** Plain (unquoted) PostgreSQL identifiers; refusing the rest keeps a configuration typo from becoming SQL. */
const IDENT = /^[A-Za-z_][A-Za-z0-9_$]*$/;
/** Catalogue schemas that are never user tables. */
const SYSTEM_SCHEMAS = ["pg_catalog", "information_schema", "pg_toast"];
/** With no configured tables, `schemas` reads at most this many. */
const MAX_DISCOVERED_TABLES = 500;

/** Splits `schema.table` and refuses anything that is not two plain identifiers. */
function qualified(name: string): [string, string] {
  const parts = name.split(".");
  if (parts.length !== 2 || !parts.every((p) => IDENT.test(p))) throw new Error(`postgres: "${name}" is not a schema.table name (two plain identifiers)`);
  return [parts[0]!, parts[1]!];
}

/** Dates from pg become RFC 3339 strings, as the scenario format writes them. */
function plain(row: Record<string, unknown>): OrchestratorRecord {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]));
}

type Client = pg.PoolClient;

/**
 * The warehouse port on PostgreSQL: schema snapshots (a snapshot table when there is one, plus the
 * current columns from information_schema at query time), row counts and freshness of watched
 * tables, and a failed-queries view. Values are bind parameters; identifiers are validated,
 * confirmed in the catalogue and quoted with escapeIdentifier.
 */
export function postgresTelemetry(opts: PostgresOptions): Telemetry & { close(): Promise<void> } {
  const pool = new pg.Pool({
    connectionString: opts.connectionString,
    max: 4,
    statement_timeout: opts.statementTimeoutMs ?? 10_000,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
    application_name: "pipemedic",
  });
  // An idle client that loses its server must not crash the process; the next query reports it.
  pool.on("error", () => undefined);
  const unsupported = (kind: string) => () => Promise.reject(new Error(`postgres: this backend does not answer ${kind} queries`));
  const configured = opts.tables ?? [];

  /** Quotes a schema.table after confirming it exists, so a typo is an error and never a new statement. */
  const relation = async (client: Client, name: string): Promise<{ sql: string; schema: string; table: string }> => {
    const [schema, table] = qualified(name);
    const found = await client.query("select 1 from information_schema.tables where table_schema = $1 and table_name = $2", [schema, table]);
    if (!found.rowCount) throw new Error(`postgres: ${name} does not exist (or this role cannot see it)`);
    return { sql: `${client.escapeIdentifier(schema)}.${client.escapeIdentifier(table)}`, schema, table };
  };

  /** The columns of a relation as information_schema lists them, in order. */
  const columnsOf = async (client: Client, schema: string, table: string): Promise<Array<{ column_name: string; data_type: string }>> =>
    (
      await client.query(
        "select column_name, data_type from information_schema.columns where table_schema = $1 and table_name = $2 order by ordinal_position",
        [schema, table],
      )
    ).rows as Array<{ column_name: string; data_type: string }>;

  const watched = async (client: Client): Promise<string[]> => {
    if (configured.length) return configured;
    const r = await client.query(
      "select table_schema || '.' || table_name as name from information_schema.tables where table_type = 'BASE TABLE' and table_schema <> all($1) order by 1 limit $2",
      [SYSTEM_SCHEMAS, MAX_DISCOVERED_TABLES],
    );
    return (r.rows as Array<{ name: string }>).map((x) => x.name).filter((n) => n.split(".").every((p) => IDENT.test(p)));
  };

  const schemas = async (client: Client, q: RecordQuery<WarehouseKind>): Promise<OrchestratorRecord[]> => {
    const names = await watched(client);
    const out: OrchestratorRecord[] = [];
    if (opts.snapshotsTable) {
      const rel = await relation(client, opts.snapshotsTable);
      // The latest snapshot before the window too, so the first change inside it has a baseline.
      const rows = await client.query(
        `select at, table_name, columns from ${rel.sql} s where table_name = any($1) and (at between $2 and $3 or at = (select max(at) from ${rel.sql} p where p.table_name = s.table_name and p.at < $2)) order by at`,
        [names, new Date(q.start), new Date(q.end)],
      );
      for (const r of rows.rows as Array<{ at: Date; table_name: string; columns: Record<string, string> }>) {
        out.push({ at: r.at.toISOString(), table: r.table_name, columns: r.columns });
      }
    }
    // The live catalogue is the snapshot as of now: stamped with the server's clock at query time.
    const now = ((await client.query("select now() as now")).rows[0] as { now: Date }).now.toISOString();
    for (const name of names) {
      const [schema, table] = qualified(name);
      const cols = await columnsOf(client, schema, table);
      if (!cols.length) continue;
      out.push({ at: now, table: name, columns: Object.fromEntries(cols.map((c) => [c.column_name, c.data_type])) });
    }
    return out;
  };

  const tables = async (client: Client): Promise<OrchestratorRecord[]> => {
    if (!configured.length) throw new Error("postgres: row counts need the tables to watch (connectors.postgres.tables)");
    const explicit = opts.loadedAtColumn;
    if (explicit !== undefined && !IDENT.test(explicit))
      throw new Error(`postgres: "${explicit}" is not a plain column name (connectors.postgres.loaded_at_column)`);
    const out: OrchestratorRecord[] = [];
    for (const name of configured) {
      const rel = await relation(client, name);
      const columns = new Set((await columnsOf(client, rel.schema, rel.table)).map((c) => c.column_name));
      const loadedAt = explicit ?? "loaded_at";
      if (explicit !== undefined && !columns.has(explicit))
        throw new Error(`postgres: ${name} has no column ${explicit} (connectors.postgres.loaded_at_column)`);
      const fresh = columns.has(loadedAt) ? client.escapeIdentifier(loadedAt) : null;
      const r = await client.query(`select count(*)::bigint as n${fresh ? `, max(${fresh}) as latest` : ""}, now() as at from ${rel.sql}`);
      const row = r.rows[0] as { n: string; latest?: Date | null; at: Date };
      out.push({ table: name, at: row.at.toISOString(), row_count: Number(row.n), max_loaded_at: row.latest ? new Date(row.latest).toISOString() : null });
    }
    return out;
  };

  const queryErrors = async (client: Client, q: RecordQuery<WarehouseKind>): Promise<OrchestratorRecord[]> => {
    if (!opts.queryErrorsView) throw new Error("postgres: no query_errors view is configured (connectors.postgres.query_errors_view)");
    const rel = await relation(client, opts.queryErrorsView);
    const columns = new Set((await columnsOf(client, rel.schema, rel.table)).map((c) => c.column_name));
    if (!columns.has("at")) throw new Error(`postgres: ${opts.queryErrorsView} has no "at" column to place failed queries in time`);
    const r = await client.query(`select * from ${rel.sql} where at between $1 and $2 order by at limit 10000`, [new Date(q.start), new Date(q.end)]);
    return (r.rows as Array<Record<string, unknown>>).map(plain);
  };

  /** Asks the server to cancel a backend's statement, over a connection of its own (fire and forget). */
  const cancelBackend = (pid: number | null | undefined) => {
    if (!pid) return;
    const c = new pg.Client({ connectionString: opts.connectionString, connectionTimeoutMillis: 2_000 });
    c.on("error", () => undefined);
    void c
      .connect()
      .then(() => c.query("select pg_cancel_backend($1)", [pid]))
      .catch(() => undefined)
      .finally(() => void c.end().catch(() => undefined));
  };

  /** Runs `work` on a pooled client; an abort cancels the statement, destroys the connection and rejects at once. */
  const withClient = async <T>(what: string, signal: AbortSignal, work: (client: Client) => Promise<T>): Promise<T> => {
    const abandoned = () => new Error(`postgres ${what}: abandoned: the check's deadline passed`);
    if (signal.aborted) throw abandoned();
    let client: Client | null = null;
    let released = false;
    let onAbort: () => void = () => undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => {
        if (client && !released) cancelBackend((client as unknown as { processID?: number | null }).processID);
        reject(abandoned());
      };
      signal.addEventListener("abort", onAbort, { once: true });
    });
    aborted.catch(() => undefined);
    const release = (destroy: boolean) => {
      if (client && !released) {
        released = true;
        client.release(destroy);
      }
    };
    try {
      const connecting = pool.connect().then((c) => {
        client = c;
        // Connected after the abort: give it back at once.
        if (signal.aborted) release(true);
        return c;
      });
      const c = await Promise.race([connecting, aborted]).catch((e: Error) => {
        if (signal.aborted) throw abandoned();
        throw new Error(`postgres ${what}: cannot connect (${e.message})`);
      });
      return await Promise.race([work(c), aborted]).catch((e: Error) => {
        if (signal.aborted) throw abandoned();
        throw e.message.startsWith("postgres") ? e : new Error(`postgres ${what}: ${e.message}`);
      });
    } finally {
      signal.removeEventListener("abort", onAbort);
      release(signal.aborted);
    }
  };

  return {
    capabilities: new Set<Capability>(["warehouse"]),
    describe: (_kind, query) => {
      const q = query as RecordQuery<string>;
      const of = q.kind === "query_errors" ? (opts.queryErrorsView ?? "(no view configured)") : configured.join(", ") || "every user table";
      return `postgres ${q.kind} of ${of} over [${new Date(q.start).toISOString()}, ${new Date(q.end).toISOString()}]`;
    },
    async warehouse(q, signal) {
      if (q.kind === "schemas") return withClient(`schemas`, signal, (c) => schemas(c, q));
      if (q.kind === "tables") return withClient(`tables`, signal, (c) => tables(c));
      if (q.kind === "query_errors") return withClient(`query_errors`, signal, (c) => queryErrors(c, q));
      throw new Error(`postgres: no such warehouse kind ${JSON.stringify(q.kind)}`);
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
