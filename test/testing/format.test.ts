import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { diffAssetGraphs } from "../../src/diff/diff";
import { ValidationError } from "../../src/errors";
import { parseAssetGraph } from "../../src/load/index";
import type { Asset, AssetGraph, PartitionsDefinition } from "../../src/model/asset";
import type { MetadataValue } from "../../src/model/metadata";
import { type FormatAssetGraphOptions, formatAssetGraph } from "../../src/testing/format";
import { arbAsset, arbGraph, reordered } from "../helpers/arbitraries";
import { asset, dep, graph } from "../helpers/builders";

const example = (name: string) =>
  parseAssetGraph(
    JSON.parse(
      readFileSync(join(import.meta.dirname, "../../fixtures/example", `${name}.json`), "utf8"),
    ),
  );

/** Every value printed exactly: no masking, unknown sections marked. */
const EXACT: FormatAssetGraphOptions = { maskLineNumbers: false, showUnknown: true };

// Seeded, so a failure is reproducible; fast-check prints the seed and the shrunk case.
const runs = { numRuns: 200, seed: 20261130 };
const random = fc.func(fc.nat()).map((f) => (n: number) => f(n) % n);

/** The indented lines of one asset's block. */
const body = (a: Asset, options?: FormatAssetGraphOptions) =>
  formatAssetGraph(graph(a), options).split("\n").slice(3, -1);

describe("formatAssetGraph", () => {
  test("prints the bundled example's branch (golden)", async () => {
    await expect(formatAssetGraph(example("branch"))).toMatchFileSnapshot(
      "golden/example-branch.txt",
    );
  });

  test("a graph, its code locations and an asset with every section", () => {
    const text = formatAssetGraph({
      codeLocations: [
        { name: "etl", status: "loaded" },
        {
          name: "ml",
          status: "failed",
          error: {
            message: "ModuleNotFoundError: no module named torch\n  File ...",
            className: "DagsterUserCodeLoadError",
          },
        },
      ],
      source: { format: "snapshot", name: "prod.json", capturedAt: "2026-01-01T00:00:00Z" },
      assets: [
        asset("marts/orders", {
          codeLocation: "etl",
          codeVersion: "v2",
          dependencies: [
            dep("raw/orders", { className: "TimeWindowPartitionMapping", description: "Maps…" }),
            dep("raw/customers", null),
          ],
          tags: [
            { key: "tier", value: "1" },
            { key: "dagster/kind/dbt", value: "" },
          ],
          owners: [
            { type: "team", team: "data" },
            { type: "user", email: "a@x.io" },
          ],
          kinds: ["dbt"],
          description: "Orders,\none per row.",
          automationCondition: { label: "eager", expandedLabel: ["(missing)", "OR", "(updated)"] },
          freshnessPolicy: {
            type: "timeWindow",
            failWindowSeconds: 86400,
            warnWindowSeconds: 5400,
          },
          backfillPolicy: { policyType: "MULTI_RUN", maxPartitionsPerRun: 7, description: "…" },
        }),
      ],
    });
    expect(text).toMatchInlineSnapshot(`
      "asset graph: 1 asset
      code location etl: loaded
      code location ml: failed "DagsterUserCodeLoadError: ModuleNotFoundError: no module named torch"

      asset marts/orders (location etl, repository __repository__)
        code version: "v2"
        dependencies:
          raw/customers
          raw/orders (mapping TimeWindowPartitionMapping "Maps…")
        partitions: (none)
        group: "default"
        owners: a@x.io, team:data
        kinds: dbt
        tags:
          dagster/kind/dbt
          tier = "1"
        metadata: (none)
        description: "Orders,\\none per row."
        automation condition: eager
          expanded: (missing) OR (updated)
        auto-materialize policy: (none)
        freshness policy: fail after 1d, warn after 90m
        legacy freshness policy: (none)
        backfill policy: MULTI_RUN (at most 7 partitions per run)
        execution: executable, materializable
      "
    `);
  });

  test("unknown sections are left out, or marked with showUnknown", () => {
    const bare: Asset = { key: ["a"], codeLocation: null, repository: null };
    expect(formatAssetGraph(graph(bare))).toBe(
      "asset graph: 1 asset\n\nasset a (location unknown)\n",
    );
    expect(
      formatAssetGraph(graph({ ...bare, dependencies: [dep("b")] }), { showUnknown: true }),
    ).toMatchInlineSnapshot(`
        "asset graph: 1 asset

        asset a (location unknown)
          code version: (unknown)
          dependencies:
            b (mapping (unknown))
          partitions: (unknown)
          group: (unknown)
          owners: (unknown)
          kinds: (unknown)
          tags: (unknown)
          metadata: (unknown)
          description: (unknown)
          automation condition: (unknown)
          auto-materialize policy: (unknown)
          freshness policy: (unknown)
          legacy freshness policy: (unknown)
          backfill policy: (unknown)
          execution: (unknown)
        "
      `);
    expect(body({ ...bare, isExecutable: true }, { showUnknown: true }).at(-1)).toBe(
      "  execution: executable, materializable (unknown), observable (unknown), auto-created (unknown)",
    );
  });

  test("is the same whatever the order of assets, tags, metadata, dependencies, owners, kinds and JSON keys", () => {
    fc.assert(
      fc.property(arbGraph, random, (g, rnd) => {
        expect(formatAssetGraph(reordered(g, rnd), EXACT)).toBe(formatAssetGraph(g, EXACT));
      }),
      runs,
    );
  });

  test("differs whenever the differ reports a change (so a snapshot catches every change)", () => {
    const fields = [
      "codeVersion",
      "dependencies",
      "partitionsDefinition",
      "tags",
      "metadata",
      "group",
      "owners",
      "kinds",
      "description",
      "isExecutable",
    ] as const;
    fc.assert(
      fc.property(arbAsset(), arbAsset(), fc.constantFrom(...fields), (a, other, field) => {
        const b: Asset = { ...a };
        if (other[field] === undefined) delete b[field];
        else Object.assign(b, { [field]: other[field] });
        if (diffAssetGraphs(graph(a), graph(b)).assets.length > 0)
          expect(formatAssetGraph(graph(b), EXACT)).not.toBe(formatAssetGraph(graph(a), EXACT));
      }),
      runs,
    );
  });

  test("masks code-reference line numbers by default", () => {
    const refs: MetadataValue = {
      type: "codeReferences",
      codeReferences: [
        { type: "localFile", filePath: "/app/assets.py", lineNumber: 12, label: "source" },
        { type: "localFile", filePath: "/app/other.py", lineNumber: null, label: null },
        { type: "url", url: "https://git.example/a.py#L12", label: null },
      ],
    };
    const a = asset("a", { metadata: [{ key: "dagster/code_references", value: refs }] });
    const lines = (options?: FormatAssetGraphOptions) =>
      formatAssetGraph(graph(a), options)
        .split("\n")
        .filter((l) => l.startsWith("      "));
    expect(lines()).toEqual([
      '      file /app/assets.py:… "source"',
      "      file /app/other.py",
      "      url https://git.example/a.py#L12",
    ]);
    expect(lines({ maskLineNumbers: false })[0]).toBe('      file /app/assets.py:12 "source"');
    expect(formatAssetGraph(example("branch"))).not.toMatch(/\.py:\d/);
  });

  test("leaves out the metadata keys given, as strings or patterns", () => {
    const a = asset("a", {
      metadata: [
        { key: "dagster/row_count", value: { type: "int", value: 3 } },
        { key: "dagster/table_name", value: { type: "text", text: "t" } },
        { key: "owner_note", value: { type: "text", text: "n" } },
      ],
    });
    const metadataLines = (omitMetadata: readonly (string | RegExp)[]) =>
      body(a, { omitMetadata }).filter((l) => l.startsWith("    "));
    expect(metadataLines(["dagster/row_count"])).toEqual([
      '    dagster/table_name: text "t"',
      '    owner_note: text "n"',
    ]);
    // A global pattern is stateful under .test(); each key must still be checked afresh.
    expect(metadataLines([/^dagster\//g])).toEqual(['    owner_note: text "n"']);
    expect(body(a, { omitMetadata: [/./] })).toContain("  metadata: (none)");
  });

  test.each<[string, MetadataValue, string[]]>([
    ["text", { type: "text", text: 'say "hi"' }, ['text "say \\"hi\\""']],
    ["markdown", { type: "markdown", markdown: "# T\nx" }, ['markdown "# T\\nx"']],
    ["url", { type: "url", url: "https://x.io" }, ["url https://x.io"]],
    ["path", { type: "path", path: "/data/x" }, ["path /data/x"]],
    ["notebook", { type: "notebook", path: "nb.ipynb" }, ["notebook nb.ipynb"]],
    ["pool", { type: "pool", pool: "db" }, ['pool "db"']],
    ["run", { type: "run", runId: "abc" }, ["run abc"]],
    [
      "json, keys sorted",
      { type: "json", value: { b: [2, 1], a: { d: 1, c: null } } },
      ['json {"a":{"c":null,"d":1},"b":[2,1]}'],
    ],
    ["bool", { type: "bool", value: false }, ["bool false"]],
    ["int", { type: "int", value: 42 }, ["int 42"]],
    ["big int", { type: "int", value: "123456789012345678901" }, ["int 123456789012345678901"]],
    ["float", { type: "float", value: 0.1 }, ["float 0.1"]],
    ["NaN", { type: "float", value: "NaN" }, ["float NaN"]],
    [
      "timestamp",
      { type: "timestamp", timestamp: 1700000000.5 },
      ["timestamp 1700000000.5 (2023-11-14T22:13:20.500Z)"],
    ],
    ["python artifact", { type: "pythonArtifact", module: "m.n", name: "f" }, ["python m.n.f"]],
    ["asset", { type: "asset", assetKey: ["a", "b"] }, ["asset a/b"]],
    [
      "job",
      { type: "job", jobName: "j", repositoryName: null, locationName: "l" },
      ["job j (location l)"],
    ],
    ["null", { type: "null" }, ["null"]],
    [
      "table schema",
      {
        type: "tableSchema",
        schema: {
          columns: [
            {
              name: "id",
              type: "int",
              description: "key",
              constraints: { nullable: false, unique: true, other: ["> 0"] },
              tags: [
                { key: "pii", value: "" },
                { key: "x", value: "y" },
              ],
            },
            {
              name: "note",
              type: "text",
              description: null,
              constraints: { nullable: true, unique: false, other: [] },
              tags: [],
            },
          ],
          constraints: { other: ["primary key (id)"] },
        },
      },
      [
        "table schema (2 columns)",
        '  column id: int; not null; unique; "> 0"; tags pii, x = "y"; "key"',
        "  column note: text",
        '  constraint "primary key (id)"',
      ],
    ],
    [
      "table",
      {
        type: "table",
        schema: {
          columns: [
            {
              name: "n",
              type: "int",
              description: null,
              constraints: { nullable: true, unique: false, other: [] },
              tags: [],
            },
          ],
          constraints: null,
        },
        records: [{ n: 1 }],
      },
      ["table (1 column, 1 record)", "  column n: int", '  record {"n":1}'],
    ],
    [
      "column lineage",
      {
        type: "tableColumnLineage",
        lineage: [
          {
            columnName: "total",
            columnDeps: [{ assetKey: ["raw", "orders"], columnName: "amount" }],
          },
        ],
      },
      ["column lineage (1 column)", "  total ← raw/orders.amount"],
    ],
    [
      "unknown",
      { type: "unknown", typename: "FutureMetadataEntry", raw: { z: 1, a: 2 } },
      ['FutureMetadataEntry {"a":2,"z":1}'],
    ],
  ])("metadata: %s", (_name, value, expected) => {
    const lines = body(asset("a", { metadata: [{ key: "k", value }] }));
    const start = lines.indexOf("  metadata:") + 1;
    const [first, ...rest] = expected;
    expect(lines.slice(start, start + expected.length)).toEqual([
      `    k: ${first}`,
      ...rest.map((l) => `    ${l}`),
    ]);
  });

  test.each<[string, PartitionsDefinition | null, string[]]>([
    ["none", null, ["(none)"]],
    [
      "time window",
      {
        type: "TIME_WINDOW",
        description: "Daily",
        fmt: "%Y-%m-%d",
        start: "2024-01-01",
        end: null,
        cronSchedule: "0 0 * * *",
        timezone: "UTC",
      },
      [
        'TIME_WINDOW "Daily"',
        "  format: %Y-%m-%d",
        "  start: 2024-01-01",
        "  end: (none)",
        "  cron schedule: 0 0 * * *",
        "  timezone: UTC",
      ],
    ],
    [
      "static",
      { type: "STATIC", description: "'a', 'b'", keys: ["a", "b, c"] },
      ["STATIC \"'a', 'b'\"", '  keys: ["a","b, c"]'],
    ],
    [
      "dynamic",
      { type: "DYNAMIC", description: "d", name: "customers" },
      ['DYNAMIC "d"', '  name: "customers"'],
    ],
    [
      "multi",
      {
        type: "MULTIPARTITIONED",
        description: "m",
        dimensions: [
          { name: "date", type: "TIME_WINDOW", description: "Daily", isPrimary: true },
          {
            name: "who",
            type: "DYNAMIC",
            description: "d",
            dynamicPartitionsDefinitionName: "people",
          },
        ],
      },
      [
        'MULTIPARTITIONED "m"',
        '  dimension date (primary): TIME_WINDOW "Daily"',
        '  dimension who (dynamic "people"): DYNAMIC "d"',
      ],
    ],
    [
      "unknown",
      { type: "UNKNOWN", unknownType: "FUTURE", description: "f", raw: { b: 1, a: 2 } },
      ['FUTURE "f"', '  raw: {"a":2,"b":1}'],
    ],
  ])("partitions: %s", (_name, partitionsDefinition, expected) => {
    const lines = body(asset("a", { partitionsDefinition }));
    const start = lines.findIndex((l) => l.startsWith("  partitions:"));
    const [first, ...rest] = expected;
    expect(lines.slice(start, start + expected.length)).toEqual([
      `  partitions: ${first}`,
      ...rest.map((l) => `  ${l}`),
    ]);
  });

  test("keys whose components hold a slash are printed as JSON, so they stay unambiguous", () => {
    const text = formatAssetGraph(
      graph(asset(["a/b", "c"]), asset(["a", "b/c"]), asset(["a", "b", "c"])),
    );
    expect(text.split("\n").filter((l) => /^asset (?!graph:)/.test(l))).toEqual([
      "asset a/b/c (location loc, repository __repository__)",
      'asset ["a","b/c"] (location loc, repository __repository__)',
      'asset ["a/b","c"] (location loc, repository __repository__)',
    ]);
  });

  test("policies and flags", () => {
    const a = asset("a", {
      automationCondition: { label: null, expandedLabel: ["on_cron(0 * * * *)"] },
      autoMaterializePolicy: {
        policyType: "LAZY",
        maxMaterializationsPerMinute: null,
        rules: [
          { className: "SkipOnParentMissingRule", description: "waiting", decisionType: "SKIP" },
        ],
      },
      freshnessPolicy: {
        type: "cron",
        deadlineCron: "0 9 * * *",
        lowerBoundDeltaSeconds: 3600,
        timezone: "UTC",
      },
      legacyFreshnessPolicy: {
        maximumLagMinutes: 60,
        cronSchedule: "0 * * * *",
        cronScheduleTimezone: null,
      },
      backfillPolicy: {
        policyType: "SINGLE_RUN",
        maxPartitionsPerRun: null,
        description: "one run",
      },
      isExecutable: false,
      isMaterializable: false,
      isObservable: true,
      isAutoCreatedStub: true,
    });
    expect(body(a).slice(-8)).toEqual([
      "  description: (none)",
      "  automation condition: on_cron(0 * * * *)",
      "  auto-materialize policy: LAZY",
      '    rule SkipOnParentMissingRule (SKIP) "waiting"',
      "  freshness policy: deadline 0 9 * * * UTC, window 1h",
      "  legacy freshness policy: maximum lag 60 min on 0 * * * *",
      "  backfill policy: SINGLE_RUN",
      "  execution: not executable, observable, auto-created",
    ]);
  });

  test("does not modify its input, and rejects an invalid graph", () => {
    const g = graph(
      asset("b"),
      asset("a", {
        tags: [
          { key: "z", value: "" },
          { key: "a", value: "" },
        ],
      }),
    );
    const copy = structuredClone(g);
    formatAssetGraph(g);
    expect(g).toEqual(copy);
    expect(() => formatAssetGraph(graph(asset("a"), asset("a")))).toThrow(ValidationError);
    expect(() => formatAssetGraph({ assets: [{ key: "a" }] } as unknown as AssetGraph)).toThrow(
      ValidationError,
    );
  });
});
