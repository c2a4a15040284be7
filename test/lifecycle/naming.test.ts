import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { UsageError } from "../../src/errors";
import {
  branchSchemaName,
  deploymentName,
  IDENTIFIER_RULES,
  SQL_DIALECTS,
} from "../../src/lifecycle/index";

// Seeded, so a failure is reproducible; fast-check prints the seed and the shrunk case.
const runs = { numRuns: 500, seed: 20261129 };

const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const HASHED = /-[0-9a-f]{10}$/;
const bytes = (s: string) => new TextEncoder().encode(s).length;

/**
 * Branch names built to collide after sanitizing: case, punctuation, accents, separators that
 * slug alike, runs of hyphens, hash-like tails, and very long shared prefixes.
 */
const collidingBranch = fc
  .array(
    fc.constantFrom(
      "a",
      "A",
      "e",
      "é",
      "E\u0301",
      "0",
      "-",
      "--",
      "_",
      "/",
      ".",
      " ",
      "ß",
      "日本",
      "-0123456789",
      "-abcdef0123",
      "x".repeat(70),
    ),
    { minLength: 1, maxLength: 8 },
  )
  .map((parts) => parts.join(""));

const anyBranch = fc.oneof(
  collidingBranch,
  fc.string({ minLength: 1, maxLength: 80 }),
  fc.string({ unit: "binary", minLength: 1, maxLength: 80 }),
  fc.stringMatching(/^[a-z0-9]+(-[a-z0-9]+)*$/),
);

describe("deploymentName", () => {
  test.each([
    { branch: "feature-1", name: "feature-1", why: "a clean label is its own name (as Dagster+)" },
    { branch: "main", name: "main", why: "" },
    { branch: "123", name: "123", why: "digits make a valid label" },
    { branch: "Feature/Add Café", name: /^feature-add-cafe-[0-9a-f]{10}$/, why: "slugged + hash" },
    { branch: "feature_x", name: /^feature-x-[0-9a-f]{10}$/, why: "underscore is not allowed" },
    { branch: "a--b", name: /^a-b-[0-9a-f]{10}$/, why: "doubled hyphens collapse" },
    { branch: "-lead", name: /^lead-[0-9a-f]{10}$/, why: "no leading hyphen" },
    { branch: "日本語", name: /^branch-[0-9a-f]{10}$/, why: "nothing readable is left" },
    {
      branch: "revert-0123456789",
      name: /^revert-0123456789-[0-9a-f]{10}$/,
      why: "a clean name ending like a hash suffix is suffixed too",
    },
    { branch: "x".repeat(300), name: /^x{52}-[0-9a-f]{10}$/, why: "cut to 63 with the hash" },
  ])("$branch → $name ($why)", ({ branch, name }) => {
    const result = deploymentName(branch);
    if (typeof name === "string") expect(result).toBe(name);
    else expect(result).toMatch(name);
    expect(result).toMatch(DNS_LABEL);
  });

  test("is stable: the same branch always gets the same name", () => {
    expect(deploymentName("Feature/Add Café")).toBe(deploymentName("Feature/Add Café"));
    expect(deploymentName("Feature/Add Café")).toMatchInlineSnapshot(
      `"feature-add-cafe-bf911c4da3"`,
    );
  });

  test("a shorter maximum is honoured; one too short to hold a hash is a UsageError", () => {
    expect(deploymentName("a-rather-long-branch-name", { maxLength: 20 })).toMatch(
      /^a-rather-[0-9a-f]{10}$/,
    );
    expect(() => deploymentName("x", { maxLength: 10 })).toThrow(UsageError);
    expect(() => deploymentName("x", { maxLength: 64 })).toThrow(UsageError);
  });

  test("property: every name is a DNS label of at most 63 characters, safe in a URL", () => {
    fc.assert(
      fc.property(anyBranch, (branch) => {
        const name = deploymentName(branch);
        expect(name).toMatch(DNS_LABEL);
        expect(encodeURIComponent(name)).toBe(name);
      }),
      runs,
    );
  });

  test("property: distinct branches never collide", () => {
    fc.assert(
      fc.property(fc.uniqueArray(anyBranch, { minLength: 2, maxLength: 40 }), (branches) => {
        const names = branches.map((b) => deploymentName(b));
        expect(new Set(names).size).toBe(branches.length);
      }),
      runs,
    );
  });

  test("property: a branch named like another branch's hashed name still gets its own", () => {
    fc.assert(
      fc.property(anyBranch, (branch) => {
        const name = deploymentName(branch);
        fc.pre(name !== branch);
        expect(name).toMatch(HASHED);
        expect(deploymentName(name)).not.toBe(name);
      }),
      runs,
    );
  });
});

describe("branchSchemaName", () => {
  test.each([
    { dialect: "postgres", source: "analytics", branch: "feature-1", name: "analytics__feature_1" },
    { dialect: "duckdb", source: "analytics", branch: "feature-1", name: "analytics__feature_1" },
    { dialect: "bigquery", source: "analytics", branch: "feature-1", name: "analytics__feature_1" },
    {
      dialect: "snowflake",
      source: "ANALYTICS",
      branch: "feature-1",
      name: "ANALYTICS__FEATURE_1",
    },
    { dialect: "postgres", source: "Raw Data", branch: "main", name: "raw_data__main" },
    { dialect: "postgres", source: "2024", branch: "main", name: "s_2024__main" },
    { dialect: "postgres", source: "pg_stuff", branch: "main", name: "s_pg_stuff__main" },
    { dialect: "duckdb", source: "pg_stuff", branch: "main", name: "pg_stuff__main" },
  ] as const)("$dialect: $source for $branch → $name", ({ dialect, source, branch, name }) => {
    expect(branchSchemaName(dialect, source, branch)).toBe(name);
  });

  test("a name too long for PostgreSQL (63 bytes) is cut and given a hash", () => {
    const name = branchSchemaName("postgres", "analytics_warehouse", "x".repeat(300));
    expect(bytes(name)).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^analytics_warehouse__x+_[0-9a-f]{10}$/);
    expect(branchSchemaName("snowflake", "analytics_warehouse", "x".repeat(300))).toBe(
      `ANALYTICS_WAREHOUSE__${"X".repeat(52)}_${deploymentName("x".repeat(300)).slice(-10).toUpperCase()}`,
    );
  });

  test.each(SQL_DIALECTS)(
    "property (%s): names are plain identifiers within the limit, distinct per branch",
    (dialect) => {
      const limit = IDENTIFIER_RULES[dialect].maxLength ?? 255;
      const shape = dialect === "snowflake" ? /^[A-Z][A-Z0-9_]*$/ : /^[a-z][a-z0-9_]*$/;
      fc.assert(
        fc.property(
          fc.constantFrom("analytics", "a_very_long_production_schema_name_for_reports", "Müll"),
          fc.uniqueArray(anyBranch, { minLength: 2, maxLength: 30 }),
          (source, branches) => {
            const names = branches.map((b) => branchSchemaName(dialect, source, b));
            for (const name of names) {
              expect(name).toMatch(shape);
              expect(bytes(name)).toBeLessThanOrEqual(limit);
            }
            expect(new Set(names).size).toBe(branches.length);
          },
        ),
        { ...runs, numRuns: 200 },
      );
    },
  );

  test("a smaller maxLength is honoured, a larger one than the dialect's is a UsageError", () => {
    expect(bytes(branchSchemaName("duckdb", "analytics", "x".repeat(100), { maxLength: 30 }))).toBe(
      30,
    );
    expect(() => branchSchemaName("postgres", "a", "b", { maxLength: 64 })).toThrow(UsageError);
  });
});
