import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { UsageError } from "../../src/errors";
import {
  branchSchemaName,
  cloneSchemaSql,
  dropSchemaSql,
  InvalidIdentifierError,
  quoteIdentifier,
} from "../../src/lifecycle/index";
import { SETUP_TIMEOUT_MS } from "../helpers/timeouts";
import {
  AWKWARD_TABLE,
  contentsOf,
  ENGINES,
  PRODUCTION,
  resetDatabase,
  runAll,
  type SqlEngine,
  schemasOf,
  tablesOf,
} from "./engines";

/** Branch names written to break out of an identifier, a string or a statement. */
const HOSTILE_BRANCHES = [
  `"; DROP SCHEMA ${PRODUCTION}; --`,
  `${PRODUCTION}" CASCADE; DROP SCHEMA "${PRODUCTION}`,
  "Robert'); DROP TABLE orders; --",
  "feature/it's; a `test`",
  "back\\slash\\",
  "ünïcödé/ブランチ/🚀",
  "x".repeat(300),
  "nul\u0000byte",
  "$1 $$ $tag$",
  "   ",
] as const;

/** Target schema names used directly, bypassing the naming, to prove the quoting alone holds. */
const HOSTILE_TARGETS = [
  `"; DROP SCHEMA ${PRODUCTION}; --`,
  `${PRODUCTION}"; DROP SCHEMA "${PRODUCTION}" CASCADE; --`,
  "it's",
  "back\\slash",
  "ünï ブ",
  "$1",
  "Mixed Case",
] as const;

describe.each(ENGINES)("clone and drop SQL on $name", (factory) => {
  const dialect = factory.dialect;
  let engine: SqlEngine;
  let production: Awaited<ReturnType<typeof contentsOf>>;

  beforeAll(async () => {
    engine = await factory.open();
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await engine?.close();
  }, SETUP_TIMEOUT_MS);
  beforeEach(async () => {
    await resetDatabase(engine);
    production = await contentsOf(engine, PRODUCTION);
  }, SETUP_TIMEOUT_MS);

  const clone = async (target: string, options: { copy?: "data" | "structure" } = {}) => {
    const tables = await tablesOf(engine, PRODUCTION);
    await runAll(
      engine,
      cloneSchemaSql(dialect, { source: PRODUCTION, target, tables, ...options }),
    );
  };
  const expectProductionIntact = async () => {
    expect(await schemasOf(engine)).toContain(PRODUCTION);
    expect(await contentsOf(engine, PRODUCTION)).toEqual(production);
  };

  test("the introspection query lists the production tables, not its view", async () => {
    expect((await tablesOf(engine, PRODUCTION)).sort()).toEqual(
      ["customers", "orders", AWKWARD_TABLE].sort(),
    );
  });

  test("a data clone holds the same tables, columns and rows; production is untouched", async () => {
    const target = branchSchemaName(dialect, PRODUCTION, "feature/orders");
    await clone(target);
    expect(await contentsOf(engine, target)).toEqual(production);
    expect(Object.keys(production)).toHaveLength(3);
    expect(production.orders?.rows).toHaveLength(3);
    await expectProductionIntact();
  });

  test("a structure clone holds the same tables and columns, and no rows", async () => {
    const target = branchSchemaName(dialect, PRODUCTION, "feature/empty");
    await clone(target, { copy: "structure" });
    const contents = await contentsOf(engine, target);
    expect(Object.keys(contents).sort()).toEqual(Object.keys(production).sort());
    for (const [table, { columns, rows }] of Object.entries(contents)) {
      expect(columns).toEqual(production[table]?.columns);
      expect(rows).toEqual([]);
    }
    await expectProductionIntact();
  });

  test("writes to the clone never reach production", async () => {
    const target = branchSchemaName(dialect, PRODUCTION, "feature/writes");
    await clone(target);
    const t = `${quoteIdentifier(dialect, target)}.orders`;
    await engine.exec(`INSERT INTO ${t} VALUES (99, 1, 1.00, DATE '2024-06-01', 'branch only')`);
    await engine.exec(`DELETE FROM ${t} WHERE id = 10`);
    await expectProductionIntact();
  });

  test("running the clone again rebuilds it from production (replace)", async () => {
    const target = branchSchemaName(dialect, PRODUCTION, "feature/again");
    await clone(target);
    await engine.exec(`DELETE FROM ${quoteIdentifier(dialect, target)}.orders`);
    await clone(target);
    expect(await contentsOf(engine, target)).toEqual(production);
  });

  test("replace: false refuses an existing target and changes nothing", async () => {
    const target = branchSchemaName(dialect, PRODUCTION, "feature/no-replace");
    await clone(target);
    const tables = await tablesOf(engine, PRODUCTION);
    const statements = cloneSchemaSql(dialect, {
      source: PRODUCTION,
      target,
      tables,
      replace: false,
    });
    await expect(runAll(engine, statements)).rejects.toThrow();
    expect(await contentsOf(engine, target)).toEqual(production);
  });

  test("drop removes only the branch schema, and can run twice", async () => {
    const a = branchSchemaName(dialect, PRODUCTION, "feature/a");
    const b = branchSchemaName(dialect, PRODUCTION, "feature/b");
    await clone(a);
    await clone(b);
    await runAll(engine, dropSchemaSql(dialect, a, { protect: [PRODUCTION] }));
    await runAll(engine, dropSchemaSql(dialect, a, { protect: [PRODUCTION] }));
    const schemas = await schemasOf(engine);
    expect(schemas).not.toContain(a);
    expect(schemas).toContain(b);
    expect(await contentsOf(engine, b)).toEqual(production);
    await expectProductionIntact();
  });

  describe("hostile branch names cannot inject SQL", () => {
    test.each(HOSTILE_BRANCHES.map((branch) => [JSON.stringify(branch).slice(0, 40), branch]))(
      "%s",
      async (_label, branch) => {
        const target = branchSchemaName(dialect, PRODUCTION, branch);
        expect(target).toMatch(/^[a-z][a-z0-9_]*$/);
        await clone(target);
        expect(await contentsOf(engine, target)).toEqual(production);
        await runAll(engine, dropSchemaSql(dialect, target, { protect: [PRODUCTION] }));
        expect(await schemasOf(engine)).not.toContain(target);
        await expectProductionIntact();
      },
    );
  });

  describe("hostile schema names, quoted as they are, stay one identifier", () => {
    test.each(HOSTILE_TARGETS.map((target) => [JSON.stringify(target), target]))(
      "%s",
      async (_label, target) => {
        await clone(target);
        expect(await schemasOf(engine)).toContain(target);
        expect(await contentsOf(engine, target)).toEqual(production);
        await runAll(engine, dropSchemaSql(dialect, target));
        expect(await schemasOf(engine)).not.toContain(target);
        await expectProductionIntact();
      },
    );
  });

  test("NUL bytes, over-long names and production itself are refused before any SQL", async () => {
    const tables = await tablesOf(engine, PRODUCTION);
    const refused = (target: string) => () =>
      cloneSchemaSql(dialect, { source: PRODUCTION, target, tables, protect: [PRODUCTION] });
    expect(refused("a\u0000b")).toThrow(InvalidIdentifierError);
    if (dialect === "postgres") expect(refused("x".repeat(64))).toThrow(InvalidIdentifierError);
    expect(refused(PRODUCTION)).toThrow(UsageError);
    // DuckDB matches quoted identifiers without regard to case: this is production there.
    if (dialect === "duckdb") expect(refused(PRODUCTION.toUpperCase())).toThrow(UsageError);
    expect(() => dropSchemaSql(dialect, PRODUCTION, { protect: [PRODUCTION] })).toThrow(UsageError);
    await expectProductionIntact();
  });
});
