import { DuckDBInstance } from "@duckdb/node-api";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { listTablesSql, quoteIdentifier } from "../../src/lifecycle/index";

/**
 * The real SQL engines the lifecycle's statements run on in tests: embedded DuckDB and PGlite
 * (embedded PostgreSQL) always, and a real PostgreSQL server when
 * `ASSET_DIFF_TEST_POSTGRES_URL` is set (`scripts/ci-postgres.sh` prints it). Each engine gets
 * a fresh database of its own, so test files never see each other's schemas.
 */

/** A connection to one engine, enough to run the lifecycle's statements and check the result. */
export interface SqlEngine {
  readonly name: string;
  readonly dialect: "postgres" | "duckdb";
  /** Runs one statement. */
  exec(sql: string): Promise<void>;
  /** Runs one query; values come back as JSON values (DuckDB big integers as strings). */
  query(sql: string, params?: readonly string[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/** How to open an engine. */
export interface EngineFactory {
  readonly name: string;
  readonly dialect: "postgres" | "duckdb";
  open(): Promise<SqlEngine>;
}

const serverUrl = process.env.ASSET_DIFF_TEST_POSTGRES_URL;

/** Every engine available here: DuckDB, PGlite, and the PostgreSQL server when configured. */
export const ENGINES: readonly EngineFactory[] = [
  { name: "duckdb", dialect: "duckdb", open: openDuckDb },
  { name: "pglite", dialect: "postgres", open: openPglite },
  ...(serverUrl
    ? [{ name: "postgres-server", dialect: "postgres" as const, open: () => openServer(serverUrl) }]
    : []),
];

/** The tables of `schema`, as the lifecycle's own introspection query lists them. */
export async function tablesOf(engine: SqlEngine, schema: string): Promise<string[]> {
  const { sql, params } = listTablesSql(engine.dialect, schema);
  const rows = await engine.query(sql, params);
  return rows.map((row) => String(row.table_name));
}

/** Every schema of the database, system schemas left out, sorted. */
export async function schemasOf(engine: SqlEngine): Promise<string[]> {
  const rows = await engine.query(
    "SELECT schema_name FROM information_schema.schemata " +
      "WHERE schema_name NOT IN ('information_schema', 'pg_catalog', 'pg_toast', 'main') " +
      "AND schema_name NOT LIKE 'pg_temp%' AND schema_name NOT LIKE 'pg_toast_temp%' " +
      "AND catalog_name = current_database() ORDER BY schema_name",
  );
  return rows.map((row) => String(row.schema_name));
}

/** The columns of a table: name and type, in order. */
async function columnsOf(engine: SqlEngine, schema: string, table: string): Promise<string[]> {
  const rows = await engine.query(
    "SELECT column_name, data_type FROM information_schema.columns " +
      "WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position",
    [schema, table],
  );
  return rows.map((row) => `${String(row.column_name)} ${String(row.data_type)}`);
}

/** The rows of a table as JSON texts, sorted, so that two tables compare with `toEqual`. */
async function rowsOf(engine: SqlEngine, schema: string, table: string): Promise<string[]> {
  const q = `${quoteIdentifier(engine.dialect, schema)}.${quoteIdentifier(engine.dialect, table)}`;
  const rows = await engine.query(`SELECT * FROM ${q}`);
  return rows.map((row) => JSON.stringify(row)).sort();
}

/** The production schema every engine test starts from, and its name. */
export const PRODUCTION = "analytics";

/** A table whose name and column names need quoting, to prove they stay one identifier. */
export const AWKWARD_TABLE = 'we"ird; table';

/** Creates the production schema: typed columns, rows, a primary key, an awkward table, a view. */
async function createProduction(engine: SqlEngine): Promise<void> {
  const q = (name: string) => quoteIdentifier(engine.dialect, name);
  await runAll(engine, [
    `CREATE SCHEMA ${q(PRODUCTION)}`,
    `CREATE TABLE ${q(PRODUCTION)}.customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL)`,
    `INSERT INTO ${q(PRODUCTION)}.customers VALUES (1, 'Ada'), (2, 'Grace'), (3, 'O''Brien')`,
    `CREATE TABLE ${q(PRODUCTION)}.orders (id INTEGER, customer_id INTEGER, amount NUMERIC(10, 2), ordered_on DATE, note TEXT)`,
    `INSERT INTO ${q(PRODUCTION)}.orders VALUES (10, 1, 12.50, DATE '2024-05-01', NULL), (11, 2, 300.00, DATE '2024-05-02', 'rush'), (12, 3, 7.25, DATE '2024-05-03', '"; DROP SCHEMA analytics; --')`,
    `CREATE TABLE ${q(PRODUCTION)}.${q(AWKWARD_TABLE)} (${q('col"umn')} TEXT, ${q("ü")} INTEGER)`,
    `INSERT INTO ${q(PRODUCTION)}.${q(AWKWARD_TABLE)} VALUES ('x', 1)`,
    `CREATE VIEW ${q(PRODUCTION)}.big_orders AS SELECT * FROM ${q(PRODUCTION)}.orders WHERE amount > 100`,
  ]);
}

/** Everything a schema holds: per table, its columns and its rows. */
export async function contentsOf(
  engine: SqlEngine,
  schema: string,
): Promise<Record<string, { columns: string[]; rows: string[] }>> {
  const contents: Record<string, { columns: string[]; rows: string[] }> = {};
  for (const table of await tablesOf(engine, schema)) {
    contents[table] = {
      columns: await columnsOf(engine, schema, table),
      rows: await rowsOf(engine, schema, table),
    };
  }
  return contents;
}

/** Drops every schema but the system ones, then creates production again. */
export async function resetDatabase(engine: SqlEngine): Promise<void> {
  for (const schema of await schemasOf(engine)) {
    if (schema === "public") continue;
    await engine.exec(`DROP SCHEMA ${quoteIdentifier(engine.dialect, schema)} CASCADE`);
  }
  await createProduction(engine);
}

/** Runs statements in order. */
export async function runAll(engine: SqlEngine, statements: readonly string[]): Promise<void> {
  for (const statement of statements) await engine.exec(statement);
}

// --- engines ---

async function openDuckDb(): Promise<SqlEngine> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  return {
    name: "duckdb",
    dialect: "duckdb",
    async exec(sql) {
      await connection.run(sql);
    },
    async query(sql, params = []) {
      const reader = await connection.runAndReadAll(sql, [...params]);
      return reader.getRowObjectsJson();
    },
    async close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

async function openPglite(): Promise<SqlEngine> {
  const db = new PGlite();
  await db.waitReady;
  return {
    name: "pglite",
    dialect: "postgres",
    async exec(sql) {
      await db.exec(sql);
    },
    async query(sql, params = []) {
      const result = await db.query<Record<string, unknown>>(sql, [...params]);
      return result.rows;
    },
    async close() {
      await db.close();
    },
  };
}

let databases = 0;

async function openServer(url: string): Promise<SqlEngine> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  databases += 1;
  const database = `asset_diff_lifecycle_${process.pid}_${databases}`;
  await admin.query(`DROP DATABASE IF EXISTS ${quoteIdentifier("postgres", database)}`);
  await admin.query(`CREATE DATABASE ${quoteIdentifier("postgres", database)}`);
  const target = new URL(url);
  target.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: target.toString() });
  await client.connect();
  return {
    name: "postgres-server",
    dialect: "postgres",
    async exec(sql) {
      await client.query(sql);
    },
    async query(sql, params = []) {
      const result = await client.query<Record<string, unknown>>(sql, [...params]);
      return result.rows;
    },
    async close() {
      await client.end();
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdentifier("postgres", database)}`);
      await admin.end();
    },
  };
}
