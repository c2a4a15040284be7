import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { diffAssetGraphs } from "../../../src/diff/diff";
import { ValidationError } from "../../../src/errors";
import {
  DBT_MANIFEST_SCHEMA_VERSIONS,
  looksLikeDbtManifest,
  parseDbtManifest,
} from "../../../src/load/dbt/parse";
import type { Asset } from "../../../src/model/asset";
import { keyToString } from "../../../src/model/key";
import { cli } from "../../helpers/cli";
import {
  column,
  columns,
  dbtTest,
  ephemeral,
  id,
  manifest,
  model,
  seed,
  snapshot,
  source,
} from "./builders";

const keysOf = (json: unknown) => parseDbtManifest(json).assets.map((a) => keyToString(a.key));

/** Sources as asset specs (`build_dbt_source_asset_specs`), so that a source alone is an asset. */
const AS_ASSETS = { settings: { sources: "assets" } } as const;

const only = (json: unknown, options: Parameters<typeof parseDbtManifest>[1] = {}): Asset => {
  const { assets } = parseDbtManifest(json, options);
  if (assets.length !== 1) throw new Error(`expected one asset, got ${assets.length}`);
  return assets[0] as Asset;
};

const assetAt = (
  json: unknown,
  key: string,
  options: Parameters<typeof parseDbtManifest>[1] = {},
): Asset | undefined =>
  parseDbtManifest(json, options).assets.find((a) => keyToString(a.key) === key);

const depsOf = (json: unknown, key: string) =>
  assetAt(json, key)
    ?.dependencies?.map((d) => keyToString(d.key))
    .sort();

describe("which dbt resources are assets (dagster-dbt's ASSET_RESOURCE_TYPES)", () => {
  test.each([
    ["a table model", model("m"), ["m"]],
    ["a view model", model("m", { config: { materialized: "view" } }), ["m"]],
    ["an incremental model", model("m", { config: { materialized: "incremental" } }), ["m"]],
    ["a seed", seed("s"), ["s"]],
    ["a snapshot", snapshot("s"), ["s"]],
    ["an ephemeral model (not an asset in dagster-dbt)", ephemeral("e"), []],
    ["a test", dbtTest("t", []), []],
    ["an analysis", model("a", { resource_type: "analysis", unique_id: "analysis.shop.a" }), []],
    ["an operation", model("o", { resource_type: "operation", unique_id: "operation.shop.o" }), []],
  ])("%s", (_name, node, expected) => {
    expect(keysOf(manifest({ nodes: [node] }))).toEqual(expected);
  });

  test("a source nothing depends on is not in the graph (see sources.test.ts)", () => {
    expect(keysOf(manifest({ sources: [source("raw", "orders")] }))).toEqual([]);
  });

  test("disabled resources live under `disabled` and are not assets", () => {
    const json = manifest({
      nodes: [model("live")],
      disabled: { [id("model", "off")]: [model("off")] },
    });
    expect(keysOf(json)).toEqual(["live"]);
  });
});

describe("asset keys (default_asset_key_fn)", () => {
  test.each([
    ["a model is keyed by its name", model("orders"), "orders"],
    ["not by its alias", model("orders", { alias: "orders_table" }), "orders"],
    [
      "a schema configured on the model prefixes the key",
      model("orders", { config: { schema: "marts" } }),
      "marts/orders",
    ],
    ["the schema it was built in does not", model("orders", { schema: "prod_marts" }), "orders"],
    [
      "a versioned model is keyed by its alias",
      model("orders", { version: 2, alias: "orders_v2" }),
      "orders_v2",
    ],
    [
      "meta.dagster.asset_key overrides the key",
      model("orders", { meta: { dagster: { asset_key: ["marts", "fct_orders"] } } }),
      "marts/fct_orders",
    ],
    [
      "so does config.meta.dagster.asset_key",
      model("orders", { config: { meta: { dagster: { asset_key: ["fct"] } } } }),
      "fct",
    ],
    [
      "a non-empty config.meta is read instead of meta, as dagster-dbt does",
      model("orders", {
        config: { meta: { owner: "x" } },
        meta: { dagster: { asset_key: ["ignored"] } },
      }),
      "orders",
    ],
    [
      "a single string is a one-component key",
      model("orders", { meta: { dagster: { asset_key: "fct_orders" } } }),
      "fct_orders",
    ],
    [
      "an empty asset_key falls back to the default",
      model("orders", { meta: { dagster: { asset_key: [] } } }),
      "orders",
    ],
    [
      "a seed is keyed like a model",
      seed("country_codes", { config: { schema: "ref" } }),
      "ref/country_codes",
    ],
    ["unicode names are kept", model("kunden_übersicht_日本"), "kunden_übersicht_日本"],
    ["__proto__ is an ordinary name", model("__proto__"), "__proto__"],
  ])("%s", (_name, node, expected) => {
    expect(keysOf(manifest({ nodes: [node] }))).toEqual([expected]);
  });

  test.each([
    [
      "a source is keyed by [source_name, name]",
      source("jaffle-shop-data", "raw_orders"),
      ["jaffle-shop-data", "raw_orders"],
    ],
    [
      "meta.dagster.asset_key overrides it",
      source("raw", "orders", { meta: { dagster: { asset_key: ["ingest", "orders"] } } }),
      ["ingest", "orders"],
    ],
  ])("%s", (_name, src, expected) => {
    expect(only(manifest({ sources: [src] }), AS_ASSETS).key).toEqual(expected);
  });
});

describe("code versions (default_code_version_fn)", () => {
  test.each([
    [
      "a model: the SHA-1 of its raw code",
      model("m", { raw_code: "select 1" }),
      "3232003928f9fe86a9cb634f450d5a53a4025819",
    ],
    [
      "an old manifest's raw_sql is used first",
      model("m", { raw_sql: "select 1", raw_code: undefined }),
      "3232003928f9fe86a9cb634f450d5a53a4025819",
    ],
    ["a seed (no code): its checksum", seed("s"), "sha256-of-s.csv"],
    [
      "a large seed's path checksum",
      seed("s", { checksum: { name: "path", checksum: "seeds/big.csv" } }),
      "seeds/big.csv",
    ],
    [
      "a snapshot: the SHA-1 of its code",
      snapshot("s", { raw_code: "select 1" }),
      "3232003928f9fe86a9cb634f450d5a53a4025819",
    ],
    ["no code and no checksum: none", model("m", { raw_code: "", checksum: undefined }), null],
  ])("%s", (_name, node, expected) => {
    expect(only(manifest({ nodes: [node] })).codeVersion).toBe(expected);
  });

  test("a source has none", () => {
    expect(
      only(manifest({ sources: [source("raw", "orders")] }), AS_ASSETS).codeVersion,
    ).toBeNull();
  });

  test("so checksums that differ across dbt versions for the same code do not matter", () => {
    const before = model("m", {
      raw_code: "select 1",
      checksum: { name: "sha256", checksum: "a" },
    });
    const after = model("m", { raw_code: "select 1", checksum: { name: "sha256", checksum: "b" } });
    const changes = diffAssetGraphs(
      parseDbtManifest(manifest({ nodes: [before] })),
      parseDbtManifest(manifest({ nodes: [after] })),
    );
    expect(changes.assets).toEqual([]);
  });
});

describe("dependencies (get_upstream_unique_ids)", () => {
  test.each([
    [
      "parents listed once per ref() are one dependency",
      [seed("s"), model("m", { depends_on: { nodes: [id("seed", "s"), id("seed", "s")] } })],
      ["s"],
    ],
    [
      "parents are mapped to their (overridden) keys",
      [
        model("p", { meta: { dagster: { asset_key: ["x", "p"] } } }),
        model("m", { depends_on: { nodes: [id("model", "p")] } }),
      ],
      ["x/p"],
    ],
    [
      "sources are parents",
      [model("m", { depends_on: { nodes: ["source.shop.raw.orders"] } })],
      ["raw/orders"],
    ],
    [
      "an ephemeral parent is looked through to its own parents",
      [
        seed("s"),
        ephemeral("e", { depends_on: { nodes: [id("seed", "s"), "source.shop.raw.orders"] } }),
        model("m", { depends_on: { nodes: [id("model", "e")] } }),
      ],
      ["raw/orders", "s"],
    ],
    [
      "through chains of ephemeral models",
      [
        seed("s"),
        ephemeral("e1", { depends_on: { nodes: [id("seed", "s")] } }),
        ephemeral("e2", { depends_on: { nodes: [id("model", "e1")] } }),
        model("m", { depends_on: { nodes: [id("model", "e2")] } }),
      ],
      ["s"],
    ],
    [
      "parents that are not assets (tests, analyses) and unknown parents are dropped",
      [
        dbtTest("t", []),
        model("a", { resource_type: "analysis", unique_id: "analysis.shop.a" }),
        model("m", {
          depends_on: { nodes: [id("test", "t"), "analysis.shop.a", "model.shop.nowhere"] },
        }),
      ],
      [],
    ],
  ])("%s", (_name, nodes, expected) => {
    expect(depsOf(manifest({ nodes, sources: [source("raw", "orders")] }), "m")).toEqual(expected);
  });

  test("metrics and semantic models are looked through like ephemeral models", () => {
    const json = manifest({
      nodes: [
        seed("s"),
        model("m", {
          depends_on: { nodes: ["metric.shop.revenue", "semantic_model.shop.orders"] },
        }),
      ],
      sources: [source("raw", "orders")],
      metrics: {
        "metric.shop.revenue": {
          resource_type: "metric",
          depends_on: { nodes: [id("seed", "s")] },
        },
      },
      semantic_models: {
        "semantic_model.shop.orders": {
          resource_type: "semantic_model",
          depends_on: { nodes: ["source.shop.raw.orders"] },
        },
      },
    });
    expect(depsOf(json, "m")).toEqual(["raw/orders", "s"]);
  });

  test("a seed without depends_on.nodes has no dependencies", () => {
    expect(
      only(manifest({ nodes: [seed("s", { depends_on: { macros: [] } })] })).dependencies,
    ).toEqual([]);
  });

  test("partition mappings are unknown: dbt says nothing about them", () => {
    const json = manifest({
      nodes: [seed("s"), model("m", { depends_on: { nodes: [id("seed", "s")] } })],
    });
    expect(assetAt(json, "m")?.dependencies).toEqual([{ key: ["s"] }]);
  });
});

describe("tags and kinds (get_tags, AssetSpec kinds)", () => {
  test("dbt tags are tag keys with empty values, beside the kind tags of dbt and the adapter", () => {
    const asset = only(manifest({ nodes: [model("m", { tags: ["nightly", "finance"] })] }));
    expect(asset.tags).toEqual([
      { key: "dagster/kind/dbt", value: "" },
      { key: "dagster/kind/postgres", value: "" },
      { key: "finance", value: "" },
      { key: "nightly", value: "" },
    ]);
    expect(asset.kinds).toEqual(["dbt", "postgres"]);
  });

  test.each([
    ["a tag with a space", "needs review"],
    ["a tag longer than 63 characters", "x".repeat(64)],
    ["a tag with two slashes", "a/b/c"],
    ["a tag with a colon", "pii:high"],
  ])("%s is not a valid Dagster tag key and is dropped, as dagster-dbt drops it", (_name, tag) => {
    const asset = only(manifest({ nodes: [model("m", { tags: [tag, "kept"] })] }));
    expect(asset.tags?.map((t) => t.key)).toEqual([
      "dagster/kind/dbt",
      "dagster/kind/postgres",
      "kept",
    ]);
  });

  test("without an adapter type the only kind is dbt", () => {
    const asset = only(manifest({ nodes: [model("m")], metadata: { adapter_type: null } }));
    expect(asset.kinds).toEqual(["dbt"]);
    expect(asset.tags).toEqual([{ key: "dagster/kind/dbt", value: "" }]);
  });
});

describe("metadata (default_metadata_from_dbt_resource_props)", () => {
  test("a model carries its materialization, column schema, table name, unique id and project id", () => {
    const asset = only(
      manifest({
        nodes: [
          model("orders", {
            database: "analytics",
            schema: "prod_marts",
            alias: "fct_orders",
            columns: columns(
              column("order_id", { data_type: "integer", description: "Primary key." }),
              column("amount", { tags: ["pii"] }),
            ),
          }),
        ],
      }),
    );
    expect(asset.metadata).toEqual([
      { key: "dagster-dbt/materialization_type", value: { type: "text", text: "table" } },
      {
        key: "dagster/column_schema",
        value: {
          type: "tableSchema",
          schema: {
            columns: [
              {
                name: "order_id",
                type: "integer",
                description: "Primary key.",
                constraints: { nullable: true, unique: false, other: [] },
                tags: [],
              },
              {
                name: "amount",
                type: "?",
                description: "",
                constraints: { nullable: true, unique: false, other: [] },
                tags: [{ key: "pii", value: "" }],
              },
            ],
            constraints: null,
          },
        },
      },
      {
        key: "dagster/table_name",
        value: { type: "text", text: "analytics.prod_marts.fct_orders" },
      },
      {
        key: "dagster_dbt/project_id",
        value: { type: "text", text: "7c1d6f4e0b9a4a8f9e2d3c1b0a9f8e7d" },
      },
      { key: "dagster_dbt/unique_id", value: { type: "text", text: "model.shop.orders" } },
    ]);
  });

  test("columns keep manifest order; dbt constraints are not mapped (dagster-dbt does not)", () => {
    const asset = only(
      manifest({
        nodes: [
          model("m", {
            columns: columns(
              column("z", { constraints: [{ type: "not_null" }, { type: "unique" }] }),
              column("a"),
              column("m"),
            ),
          }),
        ],
      }),
    );
    const schema = asset.metadata?.find((m) => m.key === "dagster/column_schema")?.value;
    expect(
      schema?.type === "tableSchema" && schema.schema.columns.map((c) => [c.name, c.constraints]),
    ).toEqual([
      ["z", { nullable: true, unique: false, other: [] }],
      ["a", { nullable: true, unique: false, other: [] }],
      ["m", { nullable: true, unique: false, other: [] }],
    ]);
  });

  test("a source's table name ends with its name; it has no materialization", () => {
    const asset = only(
      manifest({ sources: [source("raw", "orders", { identifier: "orders_v2" })] }),
      AS_ASSETS,
    );
    expect(
      asset.metadata?.map((m) => [m.key, m.value.type === "text" ? m.value.text : m.value.type]),
    ).toEqual([
      ["dagster/auto_created_stub_asset", "bool"],
      ["dagster/table_name", "analytics.raw.orders"],
      ["dagster_dbt/project_id", "7c1d6f4e0b9a4a8f9e2d3c1b0a9f8e7d"],
      ["dagster_dbt/unique_id", "source.shop.raw.orders"],
    ]);
  });

  test("without columns there is no column schema, without a project id no project id", () => {
    const asset = only(
      manifest({ nodes: [model("m", { columns: null })], metadata: { project_id: null } }),
    );
    expect(asset.metadata?.map((m) => m.key)).toEqual([
      "dagster-dbt/materialization_type",
      "dagster/table_name",
      "dagster_dbt/unique_id",
    ]);
  });

  test("the schema a manifest was compiled for is part of the table name, so it shows as a change", () => {
    const prod = parseDbtManifest(manifest({ nodes: [model("m", { schema: "prod" })] }));
    const pr = parseDbtManifest(manifest({ nodes: [model("m", { schema: "pr_42" })] }));
    expect(diffAssetGraphs(prod, pr).assets[0]?.details.metadata?.changedKeys).toEqual([
      "dagster/table_name",
    ]);
  });
});

describe("group, owners and description", () => {
  test.each([
    [
      "meta.dagster.group",
      model("m", { meta: { dagster: { group: "marts" } }, config: { group: "finance" } }),
      "marts",
    ],
    ["else the dbt group (config.group)", model("m", { config: { group: "finance" } }), "finance"],
    ["else Dagster's default group", model("m"), "default"],
  ])("group: %s", (_name, node, expected) => {
    expect(only(manifest({ nodes: [node] })).group).toBe(expected);
  });

  const groups = {
    "group.shop.finance": {
      name: "finance",
      resource_type: "group",
      owner: { email: "fin@x.io", name: "Fin" },
    },
    "group.shop.ops": {
      name: "ops",
      resource_type: "group",
      owner: { email: ["a@x.io", "b@x.io"] },
    },
  };

  test.each([
    [
      "meta.dagster.owners: emails are users, team: names are teams",
      model("m", {
        meta: { dagster: { owners: ["ana@x.io", "team:analytics"] } },
        group: "finance",
      }),
      [
        { type: "user", email: "ana@x.io" },
        { type: "team", team: "analytics" },
      ],
    ],
    [
      "else the owner of the resource's dbt group",
      model("m", { group: "finance" }),
      [{ type: "user", email: "fin@x.io" }],
    ],
    [
      "whose email may be a list",
      model("m", { group: "ops" }),
      [
        { type: "user", email: "a@x.io" },
        { type: "user", email: "b@x.io" },
      ],
    ],
    ["else none", model("m"), []],
  ])("owners: %s", (_name, node, expected) => {
    expect(only(manifest({ nodes: [node], groups })).owners).toEqual(expected);
  });

  test("the description is dagster-dbt's: the dbt description, then the raw SQL indented", () => {
    const sql = "select\n  id\n\nfrom {{ ref('a') }}\n";
    expect(
      only(manifest({ nodes: [model("m", { description: "Orders.", raw_code: sql })] }))
        .description,
    ).toBe(
      "Orders.\n\n#### Raw SQL:\n```sql\n    select\n      id\n\n    from {{ ref('a') }}\n\n```",
    );
  });

  test.each([
    ["blank lines stay unindented", "a\n   \nb", "    a\n   \n    b"],
    ["Windows line ends are kept", "a\r\nb", "    a\r\n    b"],
    ["a final line without a newline is indented", "x", "    x"],
  ])("the SQL is indented as Python's textwrap.indent does: %s", (_name, sql, indented) => {
    expect(only(manifest({ nodes: [model("m", { raw_code: sql })] })).description).toBe(
      `dbt model m\n\n#### Raw SQL:\n\`\`\`sql\n${indented}\n\`\`\``,
    );
  });

  test("without a dbt description it names the resource", () => {
    expect(only(manifest({ nodes: [seed("country_codes")] })).description).toBe(
      "dbt seed country_codes\n\n#### Raw SQL:\n```sql\n\n```",
    );
  });
});

describe("what a manifest cannot tell stays unknown", () => {
  const json = manifest({
    nodes: [seed("s"), model("m", { depends_on: { nodes: [id("seed", "s")] } })],
    sources: [source("raw", "orders")],
  });

  test("models, seeds and snapshots are materializable, with no automation condition", () => {
    expect(assetAt(json, "m")).toMatchObject({
      automationCondition: null,
      autoMaterializePolicy: null,
      isExecutable: true,
      isMaterializable: true,
      isObservable: false,
      isAutoCreatedStub: false,
    });
  });

  test("partitions, freshness and backfill policies are absent, not null", () => {
    const asset = assetAt(json, "m") ?? {};
    for (const field of [
      "partitionsDefinition",
      "freshnessPolicy",
      "legacyFreshnessPolicy",
      "backfillPolicy",
    ]) {
      expect(asset).not.toHaveProperty(field);
    }
  });

  test("a source spec's automation and execution type depend on code outside the manifest", () => {
    expect(Object.keys(assetAt(json, "raw/orders", AS_ASSETS) ?? {})).toEqual([
      "key",
      "codeLocation",
      "repository",
      "codeVersion",
      "dependencies",
      "tags",
      "metadata",
      "group",
      "owners",
      "kinds",
      "description",
      "isAutoCreatedStub",
      "checks",
    ]);
  });

  test("an auto-materialize policy in meta makes the automation condition unknown", () => {
    const asset = only(
      manifest({
        nodes: [model("m", { meta: { dagster: { auto_materialize_policy: { type: "eager" } } } })],
      }),
    );
    expect(asset).not.toHaveProperty("automationCondition");
    expect(asset).not.toHaveProperty("autoMaterializePolicy");
  });

  test("the differ reports what it could not compare instead of calling it unchanged", () => {
    const graph = parseDbtManifest(json, AS_ASSETS);
    expect(diffAssetGraphs(graph, graph).limitations.map((l) => [l.changeType, l.field])).toEqual([
      ["DEPENDENCIES", "dependencies[].partitionMapping"],
      ["PARTITIONS_DEFINITION", "partitionsDefinition"],
      ["AUTOMATION_CONDITION", "automationCondition"],
      ["FRESHNESS_POLICY", "freshnessPolicy"],
      ["BACKFILL_POLICY", "backfillPolicy"],
      ["EXECUTION_TYPE", "isExecutable"],
      ["EXECUTION_TYPE", "isMaterializable"],
      ["EXECUTION_TYPE", "isObservable"],
    ]);
  });
});

describe("identity and source", () => {
  test("code location and repository come from the caller, null by default", () => {
    const json = manifest({ nodes: [model("m")] });
    expect(only(json)).toMatchObject({ codeLocation: null, repository: null });
    expect(
      parseDbtManifest(json, { codeLocation: "analytics", repository: "__repository__" }).assets[0],
    ).toMatchObject({ codeLocation: "analytics", repository: "__repository__" });
  });

  test("the graph names its format, file and generation time", () => {
    expect(parseDbtManifest(manifest(), { source: "target/manifest.json" }).source).toEqual({
      format: "dbt-manifest",
      name: "target/manifest.json",
      capturedAt: "2024-11-26T05:46:40.000000Z",
    });
  });
});

describe("looksLikeDbtManifest", () => {
  test.each([
    ["a v12 manifest", manifest(), true],
    [
      "a v7 manifest",
      {
        metadata: { dbt_schema_version: "https://schemas.getdbt.com/dbt/manifest/v7.json" },
        nodes: {},
      },
      true,
    ],
    [
      "run results",
      {
        metadata: { dbt_schema_version: "https://schemas.getdbt.com/dbt/run-results/v6.json" },
        results: [],
      },
      false,
    ],
    [
      "a catalog",
      {
        metadata: { dbt_schema_version: "https://schemas.getdbt.com/dbt/catalog/v1.json" },
        nodes: {},
      },
      false,
    ],
    [
      "a manifest without nodes",
      { metadata: { dbt_schema_version: "https://x/manifest/v12.json" } },
      false,
    ],
    ["a Dagster GraphQL response", { data: { assetNodes: [] } }, false],
    ["an array", [], false],
    ["null", null, false],
  ])("%s: %s", (_name, json, expected) => {
    expect(looksLikeDbtManifest(json)).toBe(expected);
  });
});

describe("bad input gives a ValidationError naming the source, the JSON path and what was expected", () => {
  test.each([
    ["an array", [], 'm.json: expected a dbt manifest (a JSON object with "nodes"), got an array'],
    [
      "a string",
      "manifest",
      'm.json: expected a dbt manifest (a JSON object with "nodes"), got a string',
    ],
    [
      "a manifest without nodes",
      { metadata: {} },
      "m.json: $.nodes: expected the manifest's nodes (an object keyed by unique_id), but the field is missing",
    ],
    [
      "nodes that are a list",
      { nodes: [] },
      "m.json: $.nodes: expected the manifest's nodes (an object keyed by unique_id), got an array",
    ],
    [
      "nodes that are null",
      { nodes: null },
      "m.json: $.nodes: expected the manifest's nodes (an object keyed by unique_id), got null",
    ],
    [
      "sources that are a string",
      { nodes: {}, sources: "none" },
      "m.json: $.sources: expected an object of sources keyed by unique_id, got a string",
    ],
    [
      "a parent that is not a string",
      manifest({ nodes: [model("orders", { depends_on: { nodes: [42] } })] }),
      'm.json: $.nodes["model.shop.orders"].depends_on.nodes[0]: expected string, received number',
    ],
    [
      "a node without a resource type",
      { nodes: { "model.shop.x": { name: "x" } } },
      'm.json: $.nodes["model.shop.x"].resource_type: expected string, received undefined',
    ],
    [
      "a model without a name",
      manifest({ nodes: [model("x", { name: undefined })] }),
      'm.json: $.nodes["model.shop.x"].name: expected string, received undefined',
    ],
    [
      "a source without a source name",
      manifest({
        sources: [
          source("raw", "orders", { source_name: undefined, unique_id: "source.shop.raw.orders" }),
        ],
      }),
      'm.json: $.sources["source.shop.raw.orders"].source_name: expected string, received undefined',
    ],
    [
      "columns that are a list",
      manifest({ nodes: [model("x", { columns: ["a"] })] }),
      'm.json: $.nodes["model.shop.x"].columns: expected an object of columns by name, got an array',
    ],
    [
      "a column type that is not a string",
      manifest({ nodes: [model("x", { columns: columns(column("a", { data_type: 7 })) })] }),
      'm.json: $.nodes["model.shop.x"].columns.a.data_type: expected string, received number',
    ],
    [
      "an asset key override that is not a list of strings",
      manifest({ nodes: [model("x", { meta: { dagster: { asset_key: [1] } } })] }),
      'm.json: $.nodes["model.shop.x"].meta.dagster.asset_key[0]: expected string, received number',
    ],
    [
      "Dagster settings that are not an object",
      manifest({ nodes: [model("x", { meta: { dagster: "yes" } })] }),
      'm.json: $.nodes["model.shop.x"].meta.dagster: expected an object of Dagster settings, got a string',
    ],
    [
      "owners that are not a list",
      manifest({ nodes: [model("x", { meta: { dagster: { owners: "ana@x.io" } } })] }),
      'm.json: $.nodes["model.shop.x"].meta.dagster.owners: expected array, received string',
    ],
    [
      "a versioned model without an alias",
      manifest({ nodes: [model("x", { version: 1, alias: null })] }),
      'm.json: $.nodes["model.shop.x"].alias: expected a string: a versioned model\'s asset key is its alias',
    ],
  ])("%s", (_name, json, message) => {
    expect(() => parseDbtManifest(json, { source: "m.json" })).toThrow(ValidationError);
    expect(() => parseDbtManifest(json, { source: "m.json" })).toThrow(message);
  });

  test("two resources with one key (a model of the same name in two packages) are named both", () => {
    const json = manifest({
      nodes: [
        model("orders", { unique_id: "model.shop.orders" }),
        model("orders", { unique_id: "model.shop_ext.orders", package_name: "shop_ext" }),
      ],
    });
    expect(() => parseDbtManifest(json, { source: "m.json" })).toThrow(
      'm.json: $.nodes["model.shop_ext.orders"]: "model.shop.orders" and "model.shop_ext.orders" both map to the asset key "orders"; dagster-dbt needs a distinct key per dbt resource (set meta.dagster.asset_key on one of them)',
    );
  });

  test("so do a model and a source that override to the same key", () => {
    const json = manifest({
      nodes: [model("orders", { meta: { dagster: { asset_key: ["raw", "orders"] } } })],
      sources: [source("raw", "orders")],
    });
    expect(() => parseDbtManifest(json, AS_ASSETS)).toThrow(
      'input: $.sources["source.shop.raw.orders"]: "model.shop.orders" and "source.shop.raw.orders" both map to the asset key "raw/orders"',
    );
  });

  test("every problem is collected, the first three listed", () => {
    const json = manifest({
      nodes: ["a", "b", "c", "d"].map((n) => model(n, { tags: [1] })),
    });
    expect(() => parseDbtManifest(json, { source: "m.json" })).toThrow(
      'm.json: $.nodes["model.shop.a"].tags[0]: expected string, received number; $.nodes["model.shop.b"].tags[0]: expected string, received number; $.nodes["model.shop.c"].tags[0]: expected string, received number; and 1 more issue',
    );
    try {
      parseDbtManifest(json);
    } catch (error) {
      expect((error as ValidationError).issues).toHaveLength(4);
    }
  });
});

describe("odd but valid manifests", () => {
  test("an empty manifest has no assets", () => {
    expect(parseDbtManifest({ nodes: {} }).assets).toEqual([]);
    expect(parseDbtManifest(manifest()).assets).toEqual([]);
  });

  test("null members (sources, meta, config, columns, depends_on, tags) read as empty", () => {
    const json = manifest({
      nodes: [
        model("m", { meta: null, config: null, columns: null, depends_on: null, tags: null }),
      ],
      sources: [],
    });
    expect(only({ ...json, sources: null })).toMatchObject({
      key: ["m"],
      dependencies: [],
      group: "default",
    });
  });

  test("__proto__ as a unique_id, a name and a column is an ordinary key, with no pollution", () => {
    const text = JSON.stringify(
      manifest({
        nodes: [
          model("__proto__", {
            unique_id: "__proto__",
            columns: columns(column("__proto__"), column("constructor")),
            depends_on: { nodes: ["__proto__", "constructor"] },
          }),
        ],
      }),
    );
    const asset = only(JSON.parse(text));
    expect(asset.key).toEqual(["__proto__"]);
    expect(asset.dependencies).toEqual([{ key: ["__proto__"] }]);
    const schema = asset.metadata?.find((m) => m.key === "dagster/column_schema")?.value;
    expect(schema?.type === "tableSchema" && schema.schema.columns.map((c) => c.name)).toEqual([
      "__proto__",
      "constructor",
    ]);
    expect(Object.prototype).not.toHaveProperty("resource_type");
  });

  test("integer-like column names come first: JavaScript orders object keys so", () => {
    const json = JSON.parse(
      '{"nodes": {"model.shop.m": {"resource_type": "model", "name": "m", "columns": {"b": {}, "2024": {}}}}}',
    );
    const schema = only(json).metadata?.find((m) => m.key === "dagster/column_schema")?.value;
    expect(schema?.type === "tableSchema" && schema.schema.columns.map((c) => c.name)).toEqual([
      "2024",
      "b",
    ]);
  });

  test("a cycle of ephemeral models (which dbt refuses) does not hang", () => {
    const json = manifest({
      nodes: [
        seed("s"),
        ephemeral("e1", { depends_on: { nodes: [id("model", "e2"), id("seed", "s")] } }),
        ephemeral("e2", { depends_on: { nodes: [id("model", "e1")] } }),
        model("m", { depends_on: { nodes: [id("model", "e2")] } }),
      ],
    });
    expect(depsOf(json, "m")).toEqual(["s"]);
  });

  test("a chain of 3000 ephemeral models with a model under each link", () => {
    const chain = Array.from({ length: 3000 }, (_, i) =>
      ephemeral(`e${i}`, {
        depends_on: { nodes: [i === 0 ? id("seed", "s") : id("model", `e${i - 1}`)] },
      }),
    );
    const children = chain.map((_, i) =>
      model(`m${i}`, { depends_on: { nodes: [id("model", `e${i}`)] } }),
    );
    const graph = parseDbtManifest(manifest({ nodes: [seed("s"), ...chain, ...children] }));
    expect(graph.assets).toHaveLength(3001);
    expect(graph.assets.every((a) => a.key[0] === "s" || a.dependencies?.[0]?.key[0] === "s")).toBe(
      true,
    );
  });

  test("unknown resource types and unknown fields are ignored", () => {
    const json = manifest({
      nodes: [
        model("m", { brand_new_field: { x: 1 } }),
        { resource_type: "function", unique_id: "function.shop.f" },
      ],
      functions: {},
    });
    expect(keysOf(json)).toEqual(["m"]);
  });
});

describe("schema versions", () => {
  const warningsOf = (metadata: Record<string, unknown>, drop = false) => {
    const warnings: string[] = [];
    const json = manifest({ nodes: [model("orders")], metadata });
    if (drop) delete (json.metadata as Record<string, unknown>).dbt_schema_version;
    const graph = parseDbtManifest(json, { onWarning: (w) => warnings.push(w) });
    return { warnings, keys: graph.assets.map((a) => keyToString(a.key)) };
  };
  const schema = (v: number) => ({
    dbt_schema_version: `https://schemas.getdbt.com/dbt/manifest/v${v}.json`,
  });
  const { oldest, newest } = DBT_MANIFEST_SCHEMA_VERSIONS;

  test.each(Array.from({ length: newest - oldest + 1 }, (_, i) => oldest + i))(
    "v%i is known: read without a warning",
    (v) => {
      expect(warningsOf(schema(v))).toEqual({ warnings: [], keys: ["orders"] });
    },
  );

  test.each([
    [newest + 1, `it is read as v${newest}`],
    [99, `it is read as v${newest}`],
    [oldest - 1, `it is read where it agrees with v${oldest}`],
    [1, `it is read where it agrees with v${oldest}`],
  ])("v%i is read, with a warning naming it", (v, how) => {
    expect(warningsOf(schema(v))).toEqual({
      warnings: [
        `dbt manifest schema v${v} is not one asset-diff knows (v${oldest} to v${newest}); ${how}, and fields that changed may be missed`,
      ],
      keys: ["orders"],
    });
  });

  test("a version that is not a manifest schema's, or none, is named too", () => {
    expect(warningsOf({ dbt_schema_version: "https://example.com/other/v3" }).warnings).toEqual([
      `dbt manifest schema "https://example.com/other/v3" is not one asset-diff knows (v${oldest} to v${newest}); it is read as v${newest}, and fields that changed may be missed`,
    ]);
    expect(warningsOf({}, true).warnings).toEqual([
      `the dbt manifest declares no schema version (metadata.dbt_schema_version); it is read as one of v${oldest} to v${newest}, and fields that differ may be missed`,
    ]);
  });

  test("the CLI prints the warning on stderr, naming the side, and compares", async () => {
    const dir = mkdtempSync(join(tmpdir(), "asset-diff-dbt-version-"));
    const path = join(dir, "manifest.json");
    writeFileSync(
      path,
      JSON.stringify(manifest({ nodes: [model("orders")], metadata: schema(13) })),
    );
    const { code, stdout, stderr } = await cli(["diff", "fixtures/dbt/shop-v12-base.json", path]);
    expect(code).toBe(0);
    expect(stderr).toBe(
      `asset-diff: warning (branch): dbt manifest schema v13 is not one asset-diff knows (v${oldest} to v${newest}); it is read as v${newest}, and fields that changed may be missed\n`,
    );
    expect(stdout).toMatch(/\(1 assets?\)\n/);
  });
});
