import { UsageError } from "../errors";
import { qualifiedName, quoteIdentifier } from "./dialects";
import { InvalidIdentifierError } from "./errors";
import type { SqlDialect } from "./vocabulary";

/** One SQL statement and its bind parameters, in the placeholder style of its dialect. */
export interface SqlStatement {
  sql: string;
  /** `$1`… for PostgreSQL and DuckDB, `?` for Snowflake; BigQuery's statement takes none. */
  params: string[];
}

/** What a clone copies: tables with their rows, or only their columns. */
export const CLONE_COPY_MODES = ["data", "structure"] as const;

/** One of {@link CLONE_COPY_MODES}. */
export type CloneCopyMode = (typeof CLONE_COPY_MODES)[number];

/** Where a schema lives: Snowflake's database, BigQuery's project, DuckDB's catalog. */
export interface CatalogOption {
  /** Not supported for PostgreSQL (a connection sees one database). */
  catalog?: string | null;
}

/**
 * The query that lists the tables to clone from `schema`, one per row, in the first column
 * (`table_name`), sorted. Views are not listed (a deployment recreates its views). PostgreSQL
 * reads `pg_class` so that a partitioned table is listed once (its partitions' rows come with
 * it); BigQuery lists base tables and clones of `INFORMATION_SCHEMA.TABLES`.
 *
 * @example
 * const { sql, params } = listTablesSql("postgres", "analytics");
 * const tables = (await client.query(sql, params)).rows.map((row) => row.table_name);
 */
export function listTablesSql(
  dialect: SqlDialect,
  schema: string,
  options: CatalogOption = {},
): SqlStatement {
  const catalog = catalogOf(dialect, options);
  switch (dialect) {
    case "postgres":
      quoteIdentifier(dialect, schema);
      return {
        sql:
          "SELECT c.relname AS table_name FROM pg_catalog.pg_class c " +
          "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace " +
          "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition " +
          "ORDER BY c.relname",
        params: [schema],
      };
    case "duckdb":
      quoteIdentifier(dialect, schema);
      return catalog === null
        ? {
            sql:
              "SELECT table_name FROM information_schema.tables " +
              "WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name",
            params: [schema],
          }
        : {
            sql:
              "SELECT table_name FROM information_schema.tables WHERE table_catalog = $1 " +
              "AND table_schema = $2 AND table_type = 'BASE TABLE' ORDER BY table_name",
            params: [catalog, schema],
          };
    case "snowflake":
      quoteIdentifier(dialect, schema);
      return {
        sql:
          `SELECT table_name FROM ${qualifiedName(dialect, [catalog, "INFORMATION_SCHEMA", "TABLES"])} ` +
          "WHERE table_schema = ? AND table_type = 'BASE TABLE' ORDER BY table_name",
        params: [schema],
      };
    case "bigquery":
      checkDataset(schema);
      return {
        sql:
          `SELECT table_name FROM ${qualifiedName(dialect, [catalog, schema])}.INFORMATION_SCHEMA.TABLES ` +
          "WHERE table_type IN ('BASE TABLE', 'CLONE') ORDER BY table_name",
        params: [],
      };
  }
}

/** What {@link cloneSchemaSql} clones. */
export interface CloneSchemaSpec extends CatalogOption {
  /** The production schema (BigQuery: dataset). */
  source: string;
  /** The branch schema to create, e.g. from {@link branchSchemaName}. */
  target: string;
  /** The source's tables, as {@link listTablesSql} lists them (Snowflake `data` clones need none). */
  tables: readonly string[];
  /** Rows and columns (default), or columns only. */
  copy?: CloneCopyMode;
  /**
   * Drop (or replace) an existing target first, so that running the statements again, or after a
   * reopen, rebuilds the clone (default `true`); `false` fails if the target exists.
   */
  replace?: boolean;
  /** Schemas the statements must never drop or write, e.g. every production schema. */
  protect?: readonly string[];
}

/**
 * The statements that clone a production schema into a branch schema, to run in order:
 * - PostgreSQL: `CREATE SCHEMA`, then `CREATE TABLE t.x AS TABLE s.x` per table (`WITH NO DATA`
 *   for structure only). Columns, types and rows are copied; constraints, defaults and indexes
 *   are not, so the branch never shares a sequence with production.
 * - DuckDB: `CREATE SCHEMA`, then `CREATE TABLE t.x AS SELECT * FROM s.x` (`LIMIT 0`).
 * - Snowflake: one zero-copy `CREATE [OR REPLACE] SCHEMA t CLONE s`; for structure only,
 *   `CREATE SCHEMA` and `CREATE TABLE t.x LIKE s.x` per table.
 * - BigQuery: `CREATE SCHEMA`, then `CREATE TABLE t.x CLONE s.x` per table (`LIKE` for structure).
 *
 * With `replace` (the default) the target is dropped first (`DROP SCHEMA IF EXISTS … CASCADE`).
 * Every name is quoted with {@link quoteIdentifier}. The target must differ from the source and
 * from every protected name (without regard to case in DuckDB, which matches identifiers so).
 * Pure: callers run the statements.
 *
 * @example
 * cloneSchemaSql("duckdb", { source: "analytics", target: "analytics__feature_1", tables: ["orders"] });
 * // ['DROP SCHEMA IF EXISTS "analytics__feature_1" CASCADE', 'CREATE SCHEMA "analytics__feature_1"',
 * //  'CREATE TABLE "analytics__feature_1"."orders" AS SELECT * FROM "analytics"."orders"']
 */
export function cloneSchemaSql(dialect: SqlDialect, spec: CloneSchemaSpec): string[] {
  const catalog = catalogOf(dialect, spec);
  const copy = spec.copy ?? "data";
  const replace = spec.replace ?? true;
  if (sameIdentifier(dialect, spec.source, spec.target)) {
    throw new UsageError(
      `${dialect}: cannot clone schema ${JSON.stringify(spec.source)} onto ${JSON.stringify(spec.target)}, the same schema`,
    );
  }
  checkNotProtected(dialect, spec.target, spec.protect, "clone into");
  if (dialect === "bigquery") {
    checkDataset(spec.source);
    checkDataset(spec.target);
  }
  const source = qualifiedName(dialect, [catalog, spec.source]);
  const target = qualifiedName(dialect, [catalog, spec.target]);
  const tables = [...new Set(spec.tables)];
  const table = (schema: string, name: string) => qualifiedName(dialect, [catalog, schema, name]);

  if (dialect === "snowflake") {
    const create = replace ? "CREATE OR REPLACE SCHEMA" : "CREATE SCHEMA";
    if (copy === "data") {
      quoteIdentifier(dialect, spec.source);
      return [`${create} ${target} CLONE ${source}`];
    }
    return [
      `${create} ${target}`,
      ...tables.map((t) => `CREATE TABLE ${table(spec.target, t)} LIKE ${table(spec.source, t)}`),
    ];
  }

  const statements = replace ? [`DROP SCHEMA IF EXISTS ${target} CASCADE`] : [];
  statements.push(`CREATE SCHEMA ${target}`);
  for (const name of tables) {
    const from = table(spec.source, name);
    const to = table(spec.target, name);
    statements.push(createTableStatement(dialect, to, from, copy));
  }
  return statements;
}

/** Options of {@link dropSchemaSql}. */
export interface DropSchemaOptions extends CatalogOption {
  /** Schemas that must never be dropped, e.g. every production schema. */
  protect?: readonly string[];
}

/**
 * The statement that drops a branch schema with everything in it
 * (`DROP SCHEMA IF EXISTS … CASCADE`, the same in all four dialects), so it can run twice.
 * Refuses a protected name.
 *
 * @example
 * dropSchemaSql("postgres", "analytics__feature_1", { protect: ["analytics"] });
 * // ['DROP SCHEMA IF EXISTS "analytics__feature_1" CASCADE']
 */
export function dropSchemaSql(
  dialect: SqlDialect,
  schema: string,
  options: DropSchemaOptions = {},
): string[] {
  const catalog = catalogOf(dialect, options);
  checkNotProtected(dialect, schema, options.protect, "drop");
  if (dialect === "bigquery") checkDataset(schema);
  return [`DROP SCHEMA IF EXISTS ${qualifiedName(dialect, [catalog, schema])} CASCADE`];
}

// --- internal ---

function createTableStatement(
  dialect: Exclude<SqlDialect, "snowflake">,
  to: string,
  from: string,
  copy: CloneCopyMode,
): string {
  switch (dialect) {
    case "postgres":
      return `CREATE TABLE ${to} AS TABLE ${from}${copy === "data" ? "" : " WITH NO DATA"}`;
    case "duckdb":
      return `CREATE TABLE ${to} AS SELECT * FROM ${from}${copy === "data" ? "" : " LIMIT 0"}`;
    case "bigquery":
      return `CREATE TABLE ${to} ${copy === "data" ? "CLONE" : "LIKE"} ${from}`;
  }
}

function catalogOf(dialect: SqlDialect, options: CatalogOption): string | null {
  const catalog = options.catalog ?? null;
  if (catalog !== null && dialect === "postgres") {
    throw new UsageError("postgres: a catalog (database) cannot be named; connect to it instead");
  }
  return catalog;
}

/**
 * Whether two quoted names denote the same schema. DuckDB matches identifiers without regard to
 * case even when quoted, so `"ANALYTICS"` is `analytics` there; the others compare exactly.
 */
function sameIdentifier(dialect: SqlDialect, a: string, b: string): boolean {
  return dialect === "duckdb" ? a.toLowerCase() === b.toLowerCase() : a === b;
}

function checkNotProtected(
  dialect: SqlDialect,
  schema: string,
  protect: readonly string[] | undefined,
  verb: string,
): void {
  if (protect?.some((name) => sameIdentifier(dialect, name, schema))) {
    throw new UsageError(
      `${dialect}: refusing to ${verb} protected schema ${JSON.stringify(schema)}`,
    );
  }
}

/** BigQuery dataset names are letters, digits and underscores, at most 1,024 of them. */
function checkDataset(name: string): void {
  quoteIdentifier("bigquery", name);
  if (!/^[A-Za-z0-9_]+$/.test(name)) {
    throw new InvalidIdentifierError(
      "bigquery",
      name,
      "invalid_characters",
      "dataset names hold only letters, digits and underscores",
    );
  }
}
