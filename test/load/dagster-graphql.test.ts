import { existsSync, readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { diffAssetGraphs } from "../../src/diff/diff";
import { GraphQLResponseError, UnknownFormatError, ValidationError } from "../../src/errors";
import { parseDagsterGraphql } from "../../src/load/dagster-graphql/parse";
import { parseAssetGraph } from "../../src/load/index";
import { gqlNode, gqlWorkspace } from "../helpers/builders";

const RECORDED = "../shared/data/dagster-plus-graphql-assetnodes/dg-api-asset-list-response.json";

const repository = (location: string, name = "__repository__") => ({
  name,
  location: { name: location },
});

describe("response shapes", () => {
  const node = gqlNode("a/b", { opVersion: "1", repository: repository("loc") });
  const shapes: [string, unknown][] = [
    ["full response with assetNodes", { data: { assetNodes: [node] } }],
    ["bare data member", { assetNodes: [node] }],
    ["bare node list", [node]],
    [
      "repositoriesOrError",
      {
        data: {
          repositoriesOrError: {
            __typename: "RepositoryConnection",
            nodes: [
              {
                name: "__repository__",
                location: { name: "loc" },
                assetNodes: [gqlNode("a/b", { opVersion: "1" })],
              },
            ],
          },
        },
      },
    ],
    [
      "repositoryOrError",
      {
        data: {
          repositoryOrError: {
            __typename: "Repository",
            name: "__repository__",
            location: { name: "loc" },
            assetNodes: [gqlNode("a/b", { opVersion: "1" })],
          },
        },
      },
    ],
    ["workspaceOrError", gqlWorkspace({ loc: [gqlNode("a/b", { opVersion: "1" })] })],
  ];

  test.each(shapes)("%s gives the same asset with its location and repository", (_name, json) => {
    const graph = parseAssetGraph(json);
    expect(graph.assets).toEqual([
      { key: ["a", "b"], codeLocation: "loc", repository: "__repository__", codeVersion: "1" },
    ]);
  });

  test("codeVersion is accepted as an alias of opVersion", () => {
    expect(parseDagsterGraphql([gqlNode("a", { codeVersion: "7" })]).assets[0]?.codeVersion).toBe(
      "7",
    );
  });

  test("per-repository loading keeps the same key in two code locations apart", () => {
    const graph = parseDagsterGraphql(
      gqlWorkspace({
        one: [gqlNode("k", { opVersion: "1" })],
        two: [gqlNode("k", { opVersion: "2" })],
      }),
    );
    expect(graph.assets.map((a) => [a.codeLocation, a.codeVersion])).toEqual([
      ["one", "1"],
      ["two", "2"],
    ]);
  });

  test("a failed code location is recorded with its error, not dropped silently", () => {
    const graph = parseDagsterGraphql(
      gqlWorkspace({ ok: [gqlNode("a")], broken: { error: "SyntaxError: bad" } }),
    );
    expect(graph.codeLocations).toEqual([
      {
        name: "broken",
        status: "failed",
        error: { message: "SyntaxError: bad", className: "DagsterUserCodeLoadError" },
      },
      { name: "ok", status: "loaded" },
    ]);
  });

  test("a location still loading is recorded as loading", () => {
    const json = {
      workspaceOrError: {
        __typename: "Workspace",
        locationEntries: [{ name: "slow", loadStatus: "LOADING", locationOrLoadError: null }],
      },
    };
    expect(parseDagsterGraphql(json).codeLocations).toEqual([{ name: "slow", status: "loading" }]);
  });
});

describe("sections the query did not select are unknown, not empty", () => {
  test("a node with only a key carries no sections", () => {
    expect(parseDagsterGraphql([gqlNode("a")]).assets[0]).toEqual({
      key: ["a"],
      codeLocation: null,
      repository: null,
    });
  });

  test("null values are kept as known-none", () => {
    const [a] = parseDagsterGraphql([
      gqlNode("a", { opVersion: null, partitionDefinition: null, description: null }),
    ]).assets;
    expect(a).toMatchObject({ codeVersion: null, partitionsDefinition: null, description: null });
  });

  test("dependencyKeys without dependencies gives parents whose mappings are unknown", () => {
    const [a] = parseDagsterGraphql([gqlNode("a", { dependencyKeys: [{ path: ["p"] }] })]).assets;
    expect(a?.dependencies).toEqual([{ key: ["p"] }]);
  });

  test("dependencies carry their partition mapping, null when none is declared", () => {
    const mapping = { className: "IdentityPartitionMapping", description: "Identity" };
    const [a] = parseDagsterGraphql([
      gqlNode("a", {
        dependencyKeys: [{ path: ["p"] }, { path: ["q"] }],
        dependencies: [
          { asset: { assetKey: { path: ["p"] } }, partitionMapping: mapping },
          { asset: { assetKey: { path: ["q"] } }, partitionMapping: null },
        ],
      }),
    ]).assets;
    expect(a?.dependencies).toEqual([
      { key: ["p"], partitionMapping: mapping },
      { key: ["q"], partitionMapping: null },
    ]);
  });

  test("kinds fall back to the kind tags when kinds was not selected", () => {
    const [a] = parseDagsterGraphql([
      gqlNode("a", {
        tags: [
          { key: "dagster/kind/dbt", value: "" },
          { key: "team", value: "x" },
        ],
      }),
    ]).assets;
    expect(a?.kinds).toEqual(["dbt"]);
  });

  test("the recorded response reports what it could not compare instead of calling it unchanged", () => {
    const graph = parseDagsterGraphql([gqlNode("a", { groupName: "g" })]);
    const changeSet = diffAssetGraphs(graph, graph, { changeTypes: "dagster" });
    expect(changeSet.limitations.map((l) => l.changeType)).toEqual([
      "CODE_VERSION",
      "DEPENDENCIES",
      "PARTITIONS_DEFINITION",
      "TAGS",
      "METADATA",
    ]);
  });
});

describe("asset checks", () => {
  const checks = (value: unknown) => gqlNode("a", { assetChecksOrError: value });

  test("AssetChecks gives the node's checks with every field, sorted by name", () => {
    const graph = parseDagsterGraphql([
      checks({
        __typename: "AssetChecks",
        checks: [
          {
            name: "rows_positive",
            description: null,
            blocking: true,
            additionalAssetKeys: [{ path: ["raw", "orders"] }],
            automationCondition: { label: "on_cron", expandedLabel: ["on_cron(0 * * * *)"] },
          },
          {
            name: "fresh",
            description: "Updated daily.",
            blocking: false,
            additionalAssetKeys: [],
            automationCondition: null,
          },
        ],
      }),
    ]);
    expect(graph.assets[0]?.checks).toEqual([
      {
        name: "fresh",
        description: "Updated daily.",
        blocking: false,
        additionalAssetKeys: [],
        automationCondition: null,
      },
      {
        name: "rows_positive",
        description: null,
        blocking: true,
        additionalAssetKeys: [["raw", "orders"]],
        automationCondition: { label: "on_cron", expandedLabel: ["on_cron(0 * * * *)"] },
      },
    ]);
  });

  test.each<[string, unknown, unknown]>([
    ["no checks", { __typename: "AssetChecks", checks: [] }, []],
    ["without __typename, checks tell the member", { checks: [{ name: "c" }] }, [{ name: "c" }]],
    [
      "fields an older server lacks stay absent",
      { __typename: "AssetChecks", checks: [{ name: "c", description: "d" }] },
      [{ name: "c", description: "d" }],
    ],
    ["AssetChecks without its checks selected", { __typename: "AssetChecks" }, undefined],
  ])("%s", (_name, value, expected) => {
    const warnings: string[] = [];
    const [a] = parseDagsterGraphql([checks(value)], { onWarning: (w) => warnings.push(w) }).assets;
    expect(a?.checks).toEqual(expected);
    expect(warnings).toEqual([]);
  });

  test("a response to a query without assetChecksOrError leaves checks unknown, silently", () => {
    const warnings: string[] = [];
    const [a] = parseDagsterGraphql([gqlNode("a")], { onWarning: (w) => warnings.push(w) }).assets;
    expect(a && "checks" in a).toBe(false);
    expect(warnings).toEqual([]);
  });

  test("an error member leaves checks unknown, with one warning for the whole graph", () => {
    const migration = {
      __typename: "AssetCheckNeedsMigrationError",
      message: "Asset checks require a storage migration.\nRun dagster instance migrate.",
    };
    const warnings: string[] = [];
    const graph = parseDagsterGraphql(
      [
        gqlNode("a", { assetChecksOrError: migration }),
        gqlNode("b", { assetChecksOrError: migration }),
        gqlNode("c", {
          assetChecksOrError: { __typename: "AssetCheckNeedsUserCodeUpgrade", message: "Upgrade." },
        }),
        gqlNode("d", { assetChecksOrError: { __typename: "AssetChecksFromTheFuture" } }),
        gqlNode("e", { assetChecksOrError: { message: "no typename" } }),
        gqlNode("f", { assetChecksOrError: { __typename: "AssetChecks", checks: [] } }),
      ],
      { onWarning: (w) => warnings.push(w) },
    );
    expect(graph.assets.map((a) => a.checks)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      [],
    ]);
    expect(warnings).toEqual([
      "the server could not list the asset checks of 5 assets (AssetCheckNeedsMigrationError: Asset checks require a storage migration.; AssetCheckNeedsUserCodeUpgrade: Upgrade.; AssetChecksFromTheFuture; AssetChecksOrError: no typename); their checks are not compared",
    ]);
  });

  test("the loader passes the warning on", () => {
    const warnings: string[] = [];
    parseAssetGraph(
      {
        data: {
          assetNodes: [
            checks({
              __typename: "AssetCheckNeedsAgentUpgradeError",
              message: "Upgrade the agent.",
            }),
          ],
        },
      },
      { onWarning: (w) => warnings.push(w) },
    );
    expect(warnings).toEqual([
      "the server could not list the asset checks of 1 asset (AssetCheckNeedsAgentUpgradeError: Upgrade the agent.); their checks are not compared",
    ]);
  });

  test("a check without a name is an error naming it", () => {
    expect(() => parseDagsterGraphql([checks({ checks: [{ blocking: true }] })])).toThrow(
      "$[0].assetChecksOrError.checks[0].name: ",
    );
  });
});

describe("metadata entries", () => {
  const entries = [
    { __typename: "TextMetadataEntry", label: "text", description: null, text: "hello" },
    { __typename: "MarkdownMetadataEntry", label: "md", mdStr: "# Title" },
    { __typename: "UrlMetadataEntry", label: "url", url: "https://example.com" },
    { __typename: "PathMetadataEntry", label: "path", path: "/data/x.csv" },
    { __typename: "NotebookMetadataEntry", label: "nb", path: "analysis.ipynb" },
    { __typename: "PoolMetadataEntry", label: "pool", pool: "warehouse" },
    { __typename: "PipelineRunMetadataEntry", label: "run", runId: "abc-123" },
    {
      __typename: "JsonMetadataEntry",
      label: "json",
      jsonString: '{"b": 2, "a": [1, {"z": null}]}',
    },
    { __typename: "BoolMetadataEntry", label: "bool", boolValue: true },
    { __typename: "IntMetadataEntry", label: "int", intValue: 42, intRepr: "42" },
    {
      __typename: "IntMetadataEntry",
      label: "bigint",
      intValue: null,
      intRepr: "12345678901234567890",
    },
    { __typename: "FloatMetadataEntry", label: "float", floatValue: 1.5, floatRepr: "1.5" },
    { __typename: "FloatMetadataEntry", label: "nan", floatValue: null, floatRepr: "nan" },
    { __typename: "FloatMetadataEntry", label: "inf", floatValue: null, floatRepr: "-inf" },
    { __typename: "TimestampMetadataEntry", label: "ts", timestamp: 1700000000.5 },
    { __typename: "PythonArtifactMetadataEntry", label: "py", module: "pkg.mod", name: "fn" },
    { __typename: "AssetMetadataEntry", label: "asset", assetKey: { path: ["x", "y"] } },
    {
      __typename: "JobMetadataEntry",
      label: "job",
      jobName: "daily",
      repositoryName: null,
      locationName: "loc",
    },
    { __typename: "NullMetadataEntry", label: "null" },
    {
      __typename: "TableMetadataEntry",
      label: "table",
      table: {
        records: ['{"id": 1}'],
        schema: {
          columns: [
            {
              name: "id",
              type: "int",
              description: null,
              constraints: { nullable: false, unique: true, other: [] },
              tags: [],
            },
          ],
          constraints: null,
        },
      },
    },
    {
      __typename: "TableSchemaMetadataEntry",
      label: "dagster/column_schema",
      schema: {
        columns: [
          {
            name: "z",
            type: "string",
            description: "last",
            constraints: { nullable: true, unique: false, other: ["> 0"] },
            tags: [{ key: "pii", value: "" }],
          },
          {
            name: "a",
            type: "int",
            description: null,
            constraints: { nullable: false, unique: false, other: [] },
            tags: [],
          },
        ],
        constraints: { other: ["pk(a)"] },
      },
    },
    {
      __typename: "TableColumnLineageMetadataEntry",
      label: "dagster/column_lineage",
      lineage: [{ columnName: "a", columnDeps: [{ assetKey: { path: ["up"] }, columnName: "b" }] }],
    },
    {
      __typename: "CodeReferencesMetadataEntry",
      label: "dagster/code_references",
      codeReferences: [
        {
          __typename: "LocalFileCodeReference",
          filePath: "defs/assets.py",
          lineNumber: 12,
          label: null,
        },
        {
          __typename: "UrlCodeReference",
          url: "https://github.com/o/r/blob/main/defs/assets.py#L12",
          label: "GitHub",
        },
      ],
    },
    { __typename: "FancyNewMetadataEntry", label: "future", sparkle: { level: 3 } },
  ];
  const [a] = parseDagsterGraphql([gqlNode("a", { metadataEntries: entries })]).assets;
  const value = (key: string) => a?.metadata?.find((m) => m.key === key)?.value;

  test.each([
    ["text", { type: "text", text: "hello" }],
    ["md", { type: "markdown", markdown: "# Title" }],
    ["url", { type: "url", url: "https://example.com" }],
    ["path", { type: "path", path: "/data/x.csv" }],
    ["nb", { type: "notebook", path: "analysis.ipynb" }],
    ["pool", { type: "pool", pool: "warehouse" }],
    ["run", { type: "run", runId: "abc-123" }],
    ["json", { type: "json", value: { a: [1, { z: null }], b: 2 } }],
    ["bool", { type: "bool", value: true }],
    ["int", { type: "int", value: 42 }],
    ["bigint", { type: "int", value: "12345678901234567890" }],
    ["float", { type: "float", value: 1.5 }],
    ["nan", { type: "float", value: "NaN" }],
    ["inf", { type: "float", value: "-Infinity" }],
    ["ts", { type: "timestamp", timestamp: 1700000000.5 }],
    ["py", { type: "pythonArtifact", module: "pkg.mod", name: "fn" }],
    ["asset", { type: "asset", assetKey: ["x", "y"] }],
    ["job", { type: "job", jobName: "daily", repositoryName: null, locationName: "loc" }],
    ["null", { type: "null" }],
    [
      "future",
      { type: "unknown", typename: "FancyNewMetadataEntry", raw: { sparkle: { level: 3 } } },
    ],
  ])("%s is read as a typed value", (key, expected) => {
    expect(value(key)).toEqual(expected);
  });

  test("table schemas keep column order and sort column tags", () => {
    expect(value("dagster/column_schema")).toEqual({
      type: "tableSchema",
      schema: {
        columns: [
          {
            name: "z",
            type: "string",
            description: "last",
            constraints: { nullable: true, unique: false, other: ["> 0"] },
            tags: [{ key: "pii", value: "" }],
          },
          {
            name: "a",
            type: "int",
            description: null,
            constraints: { nullable: false, unique: false, other: [] },
            tags: [],
          },
        ],
        constraints: { other: ["pk(a)"] },
      },
    });
  });

  test("tables parse their JSON records", () => {
    expect(value("table")).toMatchObject({ type: "table", records: [{ id: 1 }] });
  });

  test("lineage and code references are typed", () => {
    expect(value("dagster/column_lineage")).toEqual({
      type: "tableColumnLineage",
      lineage: [{ columnName: "a", columnDeps: [{ assetKey: ["up"], columnName: "b" }] }],
    });
    expect(value("dagster/code_references")).toEqual({
      type: "codeReferences",
      codeReferences: [
        { type: "localFile", filePath: "defs/assets.py", lineNumber: 12, label: null },
        {
          type: "url",
          url: "https://github.com/o/r/blob/main/defs/assets.py#L12",
          label: "GitHub",
        },
      ],
    });
  });

  test("without __typename the value fields tell the type", () => {
    const [b] = parseDagsterGraphql([
      gqlNode("b", {
        metadataEntries: [
          { label: "n", intValue: 3, intRepr: "3" },
          { label: "t", text: "x" },
        ],
      }),
    ]).assets;
    expect(b?.metadata).toEqual([
      { key: "n", value: { type: "int", value: 3 } },
      { key: "t", value: { type: "text", text: "x" } },
    ]);
  });

  test("invalid JSON in jsonString is an error naming the entry", () => {
    expect(() =>
      parseDagsterGraphql(
        {
          assetNodes: [
            gqlNode("a", {
              metadataEntries: [
                { __typename: "JsonMetadataEntry", label: "j", jsonString: "{nope" },
              ],
            }),
          ],
        },
        { source: "x.json" },
      ),
    ).toThrow("x.json: $.assetNodes[0].metadataEntries[0].jsonString: is not valid JSON text");
  });
});

describe("partitions definitions", () => {
  const parts = (partitionDefinition: unknown) =>
    parseDagsterGraphql([gqlNode("p", { partitionDefinition })]).assets[0]?.partitionsDefinition;

  test.each([
    [
      {
        type: "TIME_WINDOW",
        description: "Daily, starting 2024-01-01 UTC.",
        name: null,
        fmt: "%Y-%m-%d",
        dimensionTypes: [],
      },
      { type: "TIME_WINDOW", description: "Daily, starting 2024-01-01 UTC.", fmt: "%Y-%m-%d" },
    ],
    [
      { type: "STATIC", description: "'us', 'eu'", name: null, fmt: null, dimensionTypes: [] },
      { type: "STATIC", description: "'us', 'eu'" },
    ],
    [
      {
        type: "DYNAMIC",
        description: 'Dynamic partitions: "files"',
        name: "files",
        fmt: null,
        dimensionTypes: [],
      },
      { type: "DYNAMIC", description: 'Dynamic partitions: "files"', name: "files" },
    ],
    [
      {
        type: "MULTIPARTITIONED",
        description: "Multi-partitioned",
        name: null,
        fmt: null,
        dimensionTypes: [
          {
            name: "date",
            description: "Daily",
            type: "TIME_WINDOW",
            isPrimaryDimension: true,
            dynamicPartitionsDefinitionName: null,
          },
          {
            name: "region",
            description: "'us'",
            type: "STATIC",
            isPrimaryDimension: false,
            dynamicPartitionsDefinitionName: null,
          },
        ],
      },
      {
        type: "MULTIPARTITIONED",
        description: "Multi-partitioned",
        dimensions: [
          {
            name: "date",
            description: "Daily",
            type: "TIME_WINDOW",
            isPrimary: true,
            dynamicPartitionsDefinitionName: null,
          },
          {
            name: "region",
            description: "'us'",
            type: "STATIC",
            isPrimary: false,
            dynamicPartitionsDefinitionName: null,
          },
        ],
      },
    ],
    [
      { type: "QUANTUM", description: "superposed", extra: 1 },
      { type: "UNKNOWN", unknownType: "QUANTUM", description: "superposed", raw: { extra: 1 } },
    ],
  ])("%j", (input, expected) => {
    expect(parts(input)).toEqual(expected);
  });
});

describe("bad responses give typed errors naming where and what", () => {
  test("GraphQL errors", () => {
    const json = {
      data: null,
      errors: [{ message: 'Cannot query field "opVersionX" on type "AssetNode".' }],
    };
    expect(() => parseAssetGraph(json, { source: "r.json" })).toThrow(GraphQLResponseError);
    expect(() => parseAssetGraph(json, { source: "r.json" })).toThrow(
      /r\.json: \$\.errors\[0\]: GraphQL error: Cannot query field "opVersionX"/,
    );
  });

  test("an error union member instead of data", () => {
    const json = { data: { repositoriesOrError: { __typename: "PythonError", message: "boom" } } };
    expect(() => parseAssetGraph(json, { source: "r.json" })).toThrow(
      "r.json: $.data.repositoriesOrError: the server returned PythonError instead of RepositoryConnection: boom",
    );
  });

  test("a wrong field type", () => {
    const json = { data: { assetNodes: [gqlNode("a"), { assetKey: { path: "a/b" } }] } };
    expect(() => parseAssetGraph(json, { source: "r.json" })).toThrow(ValidationError);
    expect(() => parseAssetGraph(json, { source: "r.json" })).toThrow(
      "r.json: $.data.assetNodes[1].assetKey.path: expected array, received string",
    );
  });

  test("a node without a key", () => {
    expect(() => parseAssetGraph({ assetNodes: [{ opVersion: "1" }] })).toThrow(
      "input: $.assetNodes[0].assetKey: expected object, received undefined",
    );
  });

  test("an empty key path", () => {
    expect(() => parseAssetGraph({ assetNodes: [{ assetKey: { path: [] } }] })).toThrow(
      /\$\.assetNodes\[0\]\.assetKey\.path: Too small/,
    );
  });

  test("a data object without any known root field", () => {
    expect(() => parseDagsterGraphql({ data: { somethingElse: [] } })).toThrow(UnknownFormatError);
  });

  test("duplicate assets in one repository", () => {
    expect(() => parseDagsterGraphql([gqlNode("a"), gqlNode("a")], { source: "d.json" })).toThrow(
      'd.json: $.assets[1]: asset "a" is defined twice (also at $.assets[0])',
    );
  });

  test("a tag key twice with different values", () => {
    const node = gqlNode("a", {
      tags: [
        { key: "t", value: "1" },
        { key: "t", value: "2" },
      ],
    });
    expect(() => parseDagsterGraphql([node])).toThrow(
      'tag key "t" appears twice with different values',
    );
  });

  test("many issues are summarised", () => {
    const nodes = Array.from({ length: 10 }, () => ({ assetKey: 5 }));
    expect(() => parseDagsterGraphql(nodes)).toThrow(/; and 7 more issues$/);
  });
});

describe.runIf(existsSync(RECORDED))("the recorded Dagster+ response", () => {
  // Read inside the tests: a skipped suite's body still runs when the file is absent.
  const recorded = () => JSON.parse(readFileSync(RECORDED, "utf8"));

  test("parses: 8 assets, dangling upstreams kept, no nodes invented", () => {
    const graph = parseAssetGraph(recorded(), { source: RECORDED });
    expect(graph.assets).toHaveLength(8);
    const dangling = graph.assets
      .flatMap((a) => a.dependencies ?? [])
      .filter((d) => d.key[0] === "cloud-prod-workspace-replication");
    expect(dangling.length).toBe(6);
    expect(graph.assets.every((a) => a.key[0] !== "cloud-prod-workspace-replication")).toBe(true);
  });

  test("diffs against itself with no change, listing the change types it cannot compare", () => {
    const graph = parseAssetGraph(recorded());
    const changeSet = diffAssetGraphs(graph, graph, {
      changeTypes: "dagster",
      includeUnchanged: true,
    });
    expect(changeSet.summary.assets).toEqual({ new: 0, removed: 0, modified: 0, unchanged: 8 });
    expect(changeSet.assets.every((a) => a.changeTypes.length === 0)).toBe(true);
    expect(changeSet.limitations).toEqual([
      { changeType: "CODE_VERSION", field: "codeVersion", side: "both", assets: 8 },
      {
        changeType: "DEPENDENCIES",
        field: "dependencies[].partitionMapping",
        side: "both",
        assets: 6,
      },
      {
        changeType: "PARTITIONS_DEFINITION",
        field: "partitionsDefinition",
        side: "both",
        assets: 8,
      },
      { changeType: "TAGS", field: "tags", side: "both", assets: 8 },
    ]);
  });
});
