import { describe, expect, test } from "vitest";
import { UsageError } from "../../src/errors";
import {
  cloneSchemaSql,
  dropSchemaSql,
  InvalidIdentifierError,
  isInvalidIdentifierError,
  listTablesSql,
  quoteIdentifier,
  type SqlDialect,
} from "../../src/lifecycle/index";

const spec = { source: "analytics", target: "analytics__feature_1", tables: ["orders", "users"] };

describe("quoteIdentifier", () => {
  test.each([
    { dialect: "postgres", name: "orders", quoted: '"orders"' },
    { dialect: "postgres", name: 'we"ird', quoted: '"we""ird"' },
    { dialect: "postgres", name: `"; DROP SCHEMA prod; --`, quoted: `"""; DROP SCHEMA prod; --"` },
    { dialect: "snowflake", name: 'a"b', quoted: '"a""b"' },
    { dialect: "duckdb", name: "it's", quoted: `"it's"` },
    { dialect: "duckdb", name: "back\\slash", quoted: '"back\\slash"' },
    { dialect: "bigquery", name: "a`b", quoted: "`a\\`b`" },
    { dialect: "bigquery", name: "back\\slash", quoted: "`back\\\\slash`" },
    { dialect: "bigquery", name: "line\nbreak", quoted: "`line\\x0abreak`" },
    { dialect: "postgres", name: "ünï ブ", quoted: '"ünï ブ"' },
  ] as const)("$dialect: $name → $quoted", ({ dialect, name, quoted }) => {
    expect(quoteIdentifier(dialect, name)).toBe(quoted);
  });

  test.each([
    { dialect: "postgres", name: "", problem: "empty" },
    { dialect: "duckdb", name: "a\u0000b", problem: "nul" },
    { dialect: "bigquery", name: "\u0000", problem: "nul" },
    // PostgreSQL would silently cut it to 63 bytes, and the cut name could be another schema.
    { dialect: "postgres", name: "x".repeat(64), problem: "too_long" },
    { dialect: "postgres", name: "é".repeat(32), problem: "too_long" },
    { dialect: "snowflake", name: "x".repeat(256), problem: "too_long" },
    { dialect: "bigquery", name: "x".repeat(1025), problem: "too_long" },
  ] as const)(
    "$dialect refuses $problem names with a typed error",
    ({ dialect, name, problem }) => {
      let error: unknown;
      try {
        quoteIdentifier(dialect, name);
      } catch (e) {
        error = e;
      }
      expect(isInvalidIdentifierError(error)).toBe(true);
      expect(error).toMatchObject({ code: "USAGE", dialect, problem, identifier: name });
    },
  );

  test("limits are the dialects' own: 63 bytes, 255 characters, none for DuckDB", () => {
    expect(quoteIdentifier("postgres", "x".repeat(63))).toHaveLength(65);
    expect(quoteIdentifier("snowflake", "é".repeat(255))).toHaveLength(257);
    expect(quoteIdentifier("duckdb", "x".repeat(5000))).toHaveLength(5002);
  });
});

describe("cloneSchemaSql", () => {
  test.each([
    {
      dialect: "postgres",
      copy: "data",
      sql: [
        'DROP SCHEMA IF EXISTS "analytics__feature_1" CASCADE',
        'CREATE SCHEMA "analytics__feature_1"',
        'CREATE TABLE "analytics__feature_1"."orders" AS TABLE "analytics"."orders"',
        'CREATE TABLE "analytics__feature_1"."users" AS TABLE "analytics"."users"',
      ],
    },
    {
      dialect: "postgres",
      copy: "structure",
      sql: [
        'DROP SCHEMA IF EXISTS "analytics__feature_1" CASCADE',
        'CREATE SCHEMA "analytics__feature_1"',
        'CREATE TABLE "analytics__feature_1"."orders" AS TABLE "analytics"."orders" WITH NO DATA',
        'CREATE TABLE "analytics__feature_1"."users" AS TABLE "analytics"."users" WITH NO DATA',
      ],
    },
    {
      dialect: "duckdb",
      copy: "data",
      sql: [
        'DROP SCHEMA IF EXISTS "analytics__feature_1" CASCADE',
        'CREATE SCHEMA "analytics__feature_1"',
        'CREATE TABLE "analytics__feature_1"."orders" AS SELECT * FROM "analytics"."orders"',
        'CREATE TABLE "analytics__feature_1"."users" AS SELECT * FROM "analytics"."users"',
      ],
    },
    {
      dialect: "duckdb",
      copy: "structure",
      sql: [
        'DROP SCHEMA IF EXISTS "analytics__feature_1" CASCADE',
        'CREATE SCHEMA "analytics__feature_1"',
        'CREATE TABLE "analytics__feature_1"."orders" AS SELECT * FROM "analytics"."orders" LIMIT 0',
        'CREATE TABLE "analytics__feature_1"."users" AS SELECT * FROM "analytics"."users" LIMIT 0',
      ],
    },
    {
      dialect: "snowflake",
      copy: "data",
      sql: ['CREATE OR REPLACE SCHEMA "analytics__feature_1" CLONE "analytics"'],
    },
    {
      dialect: "snowflake",
      copy: "structure",
      sql: [
        'CREATE OR REPLACE SCHEMA "analytics__feature_1"',
        'CREATE TABLE "analytics__feature_1"."orders" LIKE "analytics"."orders"',
        'CREATE TABLE "analytics__feature_1"."users" LIKE "analytics"."users"',
      ],
    },
    {
      dialect: "bigquery",
      copy: "data",
      sql: [
        "DROP SCHEMA IF EXISTS `analytics__feature_1` CASCADE",
        "CREATE SCHEMA `analytics__feature_1`",
        "CREATE TABLE `analytics__feature_1`.`orders` CLONE `analytics`.`orders`",
        "CREATE TABLE `analytics__feature_1`.`users` CLONE `analytics`.`users`",
      ],
    },
    {
      dialect: "bigquery",
      copy: "structure",
      sql: [
        "DROP SCHEMA IF EXISTS `analytics__feature_1` CASCADE",
        "CREATE SCHEMA `analytics__feature_1`",
        "CREATE TABLE `analytics__feature_1`.`orders` LIKE `analytics`.`orders`",
        "CREATE TABLE `analytics__feature_1`.`users` LIKE `analytics`.`users`",
      ],
    },
  ] as const)("$dialect, $copy", ({ dialect, copy, sql }) => {
    expect(cloneSchemaSql(dialect, { ...spec, copy })).toEqual(sql);
  });

  test("replace: false creates without dropping first, and fails on an existing target", () => {
    expect(cloneSchemaSql("postgres", { ...spec, tables: [], replace: false })).toEqual([
      'CREATE SCHEMA "analytics__feature_1"',
    ]);
    expect(cloneSchemaSql("snowflake", { ...spec, replace: false })).toEqual([
      'CREATE SCHEMA "analytics__feature_1" CLONE "analytics"',
    ]);
  });

  test("a catalog qualifies every name (Snowflake database, BigQuery project, DuckDB catalog)", () => {
    expect(cloneSchemaSql("snowflake", { ...spec, catalog: "PROD_DB" })).toEqual([
      'CREATE OR REPLACE SCHEMA "PROD_DB"."analytics__feature_1" CLONE "PROD_DB"."analytics"',
    ]);
    expect(
      cloneSchemaSql("bigquery", { ...spec, tables: ["orders"], catalog: "my-project" }),
    ).toEqual([
      "DROP SCHEMA IF EXISTS `my-project`.`analytics__feature_1` CASCADE",
      "CREATE SCHEMA `my-project`.`analytics__feature_1`",
      "CREATE TABLE `my-project`.`analytics__feature_1`.`orders` CLONE `my-project`.`analytics`.`orders`",
    ]);
    expect(() => cloneSchemaSql("postgres", { ...spec, catalog: "db" })).toThrow(UsageError);
  });

  test("duplicate tables are cloned once; awkward table names are quoted", () => {
    expect(cloneSchemaSql("postgres", { ...spec, tables: ['a"b', 'a"b'], replace: false })).toEqual(
      [
        'CREATE SCHEMA "analytics__feature_1"',
        'CREATE TABLE "analytics__feature_1"."a""b" AS TABLE "analytics"."a""b"',
      ],
    );
  });

  test.each<{ name: string; dialect: SqlDialect; run: () => unknown; error: unknown }>([
    {
      name: "the source itself",
      dialect: "postgres",
      run: () => cloneSchemaSql("postgres", { ...spec, target: "analytics" }),
      error: UsageError,
    },
    {
      name: "the source in another case, in DuckDB",
      dialect: "duckdb",
      run: () => cloneSchemaSql("duckdb", { ...spec, target: "ANALYTICS" }),
      error: UsageError,
    },
    {
      name: "a protected schema",
      dialect: "snowflake",
      run: () => cloneSchemaSql("snowflake", { ...spec, target: "RAW", protect: ["RAW"] }),
      error: UsageError,
    },
    {
      name: "a BigQuery dataset with characters datasets cannot have",
      dialect: "bigquery",
      run: () => cloneSchemaSql("bigquery", { ...spec, target: "analytics-feature" }),
      error: InvalidIdentifierError,
    },
    {
      name: "a NUL byte in a table name",
      dialect: "postgres",
      run: () => cloneSchemaSql("postgres", { ...spec, tables: ["a\u0000"] }),
      error: InvalidIdentifierError,
    },
  ])("refuses $name", ({ run, error }) => {
    expect(run).toThrow(error as new () => Error);
  });
});

describe("dropSchemaSql and listTablesSql", () => {
  test.each([
    { dialect: "postgres", sql: 'DROP SCHEMA IF EXISTS "analytics__feature_1" CASCADE' },
    { dialect: "duckdb", sql: 'DROP SCHEMA IF EXISTS "analytics__feature_1" CASCADE' },
    { dialect: "snowflake", sql: 'DROP SCHEMA IF EXISTS "analytics__feature_1" CASCADE' },
    { dialect: "bigquery", sql: "DROP SCHEMA IF EXISTS `analytics__feature_1` CASCADE" },
  ] as const)("$dialect drops with $sql", ({ dialect, sql }) => {
    expect(dropSchemaSql(dialect, "analytics__feature_1")).toEqual([sql]);
  });

  test("a protected schema is never dropped (DuckDB: in any case)", () => {
    expect(() => dropSchemaSql("postgres", "analytics", { protect: ["analytics"] })).toThrow(
      "postgres: refusing to drop protected schema",
    );
    expect(() => dropSchemaSql("duckdb", "Analytics", { protect: ["analytics"] })).toThrow(
      UsageError,
    );
    expect(dropSchemaSql("postgres", "Analytics", { protect: ["analytics"] })).toHaveLength(1);
  });

  test.each([
    {
      dialect: "postgres",
      sql:
        "SELECT c.relname AS table_name FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n " +
        "ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') " +
        "AND NOT c.relispartition ORDER BY c.relname",
      params: ["analytics"],
    },
    {
      dialect: "duckdb",
      sql:
        "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 " +
        "AND table_type = 'BASE TABLE' ORDER BY table_name",
      params: ["analytics"],
    },
    {
      dialect: "snowflake",
      sql:
        'SELECT table_name FROM "INFORMATION_SCHEMA"."TABLES" WHERE table_schema = ? ' +
        "AND table_type = 'BASE TABLE' ORDER BY table_name",
      params: ["analytics"],
    },
    {
      dialect: "bigquery",
      sql:
        "SELECT table_name FROM `analytics`.INFORMATION_SCHEMA.TABLES " +
        "WHERE table_type IN ('BASE TABLE', 'CLONE') ORDER BY table_name",
      params: [],
    },
  ] as const)("$dialect lists tables with a bound schema name", ({ dialect, sql, params }) => {
    expect(listTablesSql(dialect, "analytics")).toEqual({ sql, params });
  });
});
