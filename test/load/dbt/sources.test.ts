import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { diffAssetGraphs } from "../../../src/diff/diff";
import { type ParseDbtManifestOptions, parseDbtManifest } from "../../../src/load/dbt/parse";
import type { Asset } from "../../../src/model/asset";
import { keyToString } from "../../../src/model/key";
import { column, columns, id, manifest, model, source } from "./builders";

// fixtures/dbt/sources-v12.json (see fixtures/dbt/CHANGES.md): raw/orders read by a view, raw/payments
// only through an ephemeral model, raw/customers only by a disabled model, raw/refunds disabled,
// raw/events keyed events/raw by meta.dagster.asset_key.
const SOURCES = JSON.parse(
  readFileSync(join(process.cwd(), "fixtures", "dbt", "sources-v12.json"), "utf8"),
) as unknown;

const graphOf = (options: ParseDbtManifestOptions = {}) =>
  parseDbtManifest(SOURCES, { codeLocation: "dbt", repository: "__repository__", ...options });

const byKey = (assets: readonly Asset[]) => new Map(assets.map((a) => [keyToString(a.key), a]));

describe("sources: Dagster's auto-created stubs by default (`@dbt_assets`)", () => {
  const assets = byKey(graphOf().assets);

  test.each([
    ["a source a model reads", "raw/orders", true],
    ["a source read only through an ephemeral model", "raw/payments", true],
    ["a source keyed by meta.dagster.asset_key", "events/raw", true],
    ["a source only a disabled model reads", "raw/customers", false],
    ["a disabled source", "raw/refunds", false],
  ])("%s: in the graph %s", (_name, key, inGraph) => {
    expect(assets.has(key)).toBe(inGraph);
  });

  test("a stub has its key, what a spec of a key alone gives, and the stub marker", () => {
    expect(assets.get("raw/orders")).toEqual({
      key: ["raw", "orders"],
      codeLocation: "dbt",
      repository: "__repository__",
      codeVersion: null,
      dependencies: [],
      partitionsDefinition: null,
      tags: [],
      metadata: [{ key: "dagster/auto_created_stub_asset", value: { type: "bool", value: true } }],
      group: "default",
      owners: [],
      kinds: [],
      description: null,
      automationCondition: null,
      isExecutable: false,
      isMaterializable: false,
      isObservable: false,
      isAutoCreatedStub: true,
      checks: [],
    });
  });

  test("models depend on the stubs, through ephemeral models too", () => {
    expect(assets.get("payments_summary")?.dependencies).toEqual([{ key: ["raw", "payments"] }]);
    expect(assets.get("staging/stg_orders")?.dependencies).toEqual([{ key: ["raw", "orders"] }]);
  });

  test("the graph holds the enabled models and seed and the three stubs", () => {
    expect([...assets.keys()]).toEqual([
      "country_codes",
      "events/raw",
      "payments_summary",
      "raw/orders",
      "raw/payments",
      "staging/stg_orders",
      "stg_events",
    ]);
  });
});

describe('sources: asset specs with `sources: "assets"` (`build_dbt_source_asset_specs`)', () => {
  const assets = byKey(graphOf({ settings: { sources: "assets" } }).assets);

  test.each([
    ["a source a model reads", "raw/orders", true],
    ["a source read only through an ephemeral model", "raw/payments", true],
    ["a source nothing enabled reads", "raw/customers", true],
    ["a disabled source", "raw/refunds", false],
  ])("%s: in the graph %s", (_name, key, inGraph) => {
    expect(assets.has(key)).toBe(inGraph);
  });

  test("a source spec carries the translator's metadata and is marked a stub", () => {
    expect(assets.get("raw/customers")).toMatchObject({
      codeVersion: null,
      dependencies: [],
      tags: [
        { key: "dagster/kind/dbt", value: "" },
        { key: "dagster/kind/duckdb", value: "" },
      ],
      group: "default",
      kinds: ["dbt", "duckdb"],
      description: "dbt source customers\n\n#### Raw SQL:\n```sql\n\n```",
      isAutoCreatedStub: true,
      checks: [],
    });
    expect(assets.get("raw/customers")?.metadata?.map((m) => m.key)).toEqual([
      "dagster/auto_created_stub_asset",
      "dagster/table_name",
      "dagster_dbt/project_id",
      "dagster_dbt/unique_id",
    ]);
  });

  test("two sources with one key: the first wins, as build_dbt_source_asset_specs keeps it", () => {
    const json = manifest({
      sources: [
        source("raw", "a", { meta: { dagster: { asset_key: ["shared"] } } }),
        source("raw", "b", { meta: { dagster: { asset_key: ["shared"] } } }),
      ],
    });
    const graph = parseDbtManifest(json, { settings: { sources: "assets" } });
    expect(
      graph.assets.map((a) => a.metadata?.find((m) => m.key === "dagster_dbt/unique_id")),
    ).toEqual([
      { key: "dagster_dbt/unique_id", value: { type: "text", text: "source.shop.raw.a" } },
    ]);
  });
});

describe("disabled resources (config.enabled: false) are left out, as dbt's selector leaves them", () => {
  test.each([
    ["a disabled model", model("off", { config: { enabled: false } }), []],
    ["a disabled seed", model("off", { resource_type: "seed", config: { enabled: false } }), []],
    ["an enabled model", model("on"), ["on"]],
    [
      "enabled written as an expression dbt rendered, truthy",
      model("on", { config: { enabled: "True and True" } }),
      ["on"],
    ],
  ])("%s", (_name, node, expected) => {
    expect(
      parseDbtManifest(manifest({ nodes: [node] })).assets.map((a) => keyToString(a.key)),
    ).toEqual(expected);
  });

  test("a dependency on a disabled node is dropped (dbt refuses such a ref anyway)", () => {
    const json = manifest({
      nodes: [
        model("off", { config: { enabled: false } }),
        model("child", { depends_on: { nodes: [id("model", "off")] } }),
      ],
    });
    expect(parseDbtManifest(json).assets.map((a) => [keyToString(a.key), a.dependencies])).toEqual([
      ["child", []],
    ]);
  });

  test("the fixture's disabled model neither appears nor keeps its source in the graph", () => {
    const keys = graphOf().assets.map((a) => keyToString(a.key));
    expect(keys).not.toContain("old_customers");
    expect(keys).not.toContain("orders_by_day");
    expect(keys).not.toContain("raw/customers");
  });
});

describe("sources across a branch: what Dagster's graph shows, as changes", () => {
  const orders = source("raw", "orders");
  const reader = model("stg_orders", { depends_on: { nodes: [id("source", "raw.orders")] } });
  const other = model("other");
  const changes = (
    base: Record<string, unknown>,
    branch: Record<string, unknown>,
    options: ParseDbtManifestOptions = {},
  ) =>
    diffAssetGraphs(parseDbtManifest(base, options), parseDbtManifest(branch, options)).assets.map(
      (a) => [a.key, ...a.changeTypes, ...(a.extraChangeTypes ?? [])],
    );

  test.each([
    {
      what: "the last reader of a source goes: the reader and the source's stub are REMOVED",
      base: manifest({ nodes: [reader, other], sources: [orders] }),
      branch: manifest({ nodes: [other], sources: [orders] }),
      stubs: [
        ["raw/orders", "REMOVED"],
        ["stg_orders", "REMOVED"],
      ],
      assets: [["stg_orders", "REMOVED"]],
    },
    {
      what: "a source nobody reads is added: nothing in Dagster's graph",
      base: manifest({ nodes: [other] }),
      branch: manifest({ nodes: [other], sources: [orders] }),
      stubs: [],
      assets: [["raw/orders", "NEW"]],
    },
    {
      what: "a read source gains a documented column: a stub has no columns, so no change",
      base: manifest({ nodes: [reader], sources: [orders] }),
      branch: manifest({
        nodes: [reader],
        sources: [source("raw", "orders", { columns: columns(column("id")) })],
      }),
      stubs: [],
      assets: [["raw/orders", "METADATA"]],
    },
  ])("$what", ({ base, branch, stubs, assets }) => {
    expect(changes(base, branch)).toEqual(stubs);
    expect(changes(base, branch, { settings: { sources: "assets" } })).toEqual(assets);
  });
});
