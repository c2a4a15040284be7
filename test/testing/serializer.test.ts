import { describe, expect, test } from "vitest";
import { diffAssetGraphs } from "../../src/diff/diff";
import { serializeSnapshot } from "../../src/load/snapshot/snapshot";
import {
  assetGraphSerializer,
  createAssetGraphSerializer,
  isAssetGraph,
} from "../../src/testing/serializer";
import { asset, gqlWorkspace, graph } from "../helpers/builders";

// Registered for this file only: vitest isolates test files.
expect.addSnapshotSerializer(assetGraphSerializer);

const small = graph(
  asset("raw/orders", { codeVersion: "1", group: null, tags: [], metadata: [] }),
  asset("marts/revenue", { codeVersion: "2", dependencies: [{ key: ["raw", "orders"] }] }),
);

describe("assetGraphSerializer", () => {
  test.each<[string, unknown, boolean]>([
    ["a graph", small, true],
    ["an empty graph", { assets: [] }, true],
    [
      "a graph with code locations and a source",
      { ...small, codeLocations: [], source: { format: "x" } },
      true,
    ],
    ["a bare asset", { assets: [{ key: ["a"] }] }, true],
    ["null", null, false],
    ["a string", "assets", false],
    ["an array", [small], false],
    ["assets that are not a list", { assets: {} }, false],
    ["an asset whose key is a string", { assets: [{ key: "a" }] }, false],
    ["an asset whose key holds a number", { assets: [{ key: ["a", 1] }] }, false],
    ["a null asset", { assets: [null] }, false],
    ["an object with other fields", { assets: [], name: "x" }, false],
    ["a change set", diffAssetGraphs(small, small, { includeUnchanged: true }), false],
    ["an asset-diff snapshot document", JSON.parse(serializeSnapshot(small)), false],
    ["a Dagster GraphQL response", gqlWorkspace({ loc: [] }), false],
  ])("test() on %s: %s", (_name, value, expected) => {
    expect(assetGraphSerializer.test(value)).toBe(expected);
    expect(isAssetGraph(value)).toBe(expected);
  });

  test("prints a graph in a snapshot as the formatted text", () => {
    expect(small).toMatchInlineSnapshot(`
      asset graph: 2 assets

      asset marts/revenue (location loc, repository __repository__)
        code version: "2"
        dependencies:
          raw/orders
        partitions: (none)
        group: "default"
        owners: (none)
        kinds: (none)
        tags: (none)
        metadata: (none)
        description: (none)
        automation condition: (none)
        auto-materialize policy: (none)
        freshness policy: (none)
        legacy freshness policy: (none)
        backfill policy: (none)
        execution: executable, materializable

      asset raw/orders (location loc, repository __repository__)
        code version: "1"
        dependencies: (none)
        partitions: (none)
        group: (none)
        owners: (none)
        kinds: (none)
        tags: (none)
        metadata: (none)
        description: (none)
        automation condition: (none)
        auto-materialize policy: (none)
        freshness policy: (none)
        legacy freshness policy: (none)
        backfill policy: (none)
        execution: executable, materializable
    `);
  });

  test("indents a graph nested in another value", () => {
    const tiny = {
      assets: [{ key: ["a"], codeLocation: "l", repository: null, codeVersion: "1" }],
    };
    expect({ prod: tiny, note: "x" }).toMatchInlineSnapshot(`
      {
        "note": "x",
        "prod": asset graph: 1 asset

        asset a (location l)
          code version: "1",
      }
    `);
  });

  test("a serializer with options", () => {
    const a = asset("a", {
      metadata: [
        {
          key: "dagster/code_references",
          value: {
            type: "codeReferences",
            codeReferences: [{ type: "localFile", filePath: "/a.py", lineNumber: 3, label: null }],
          },
        },
        { key: "dagster/row_count", value: { type: "int", value: 7 } },
      ],
    });
    const print = (s: typeof assetGraphSerializer) => s.serialize(graph(a), {}, "", 0, [], null);
    expect(print(assetGraphSerializer)).toContain("file /a.py:…");
    expect(print(assetGraphSerializer)).toContain("dagster/row_count: int 7");
    const exact = createAssetGraphSerializer({
      maskLineNumbers: false,
      omitMetadata: ["dagster/row_count"],
    });
    expect(print(exact)).toContain("file /a.py:3");
    expect(print(exact)).not.toContain("row_count");
    expect(print(exact).endsWith("\n")).toBe(false);
  });
});
