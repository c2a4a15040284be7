import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { diffAssetGraphs } from "../../../src/diff/diff";
import { parseDgListDefs } from "../../../src/load/dg/parse";

const load = (name: string) =>
  parseDgListDefs(
    JSON.parse(readFileSync(join(import.meta.dirname, "../../../fixtures/dg", name), "utf8")),
    { source: name, codeLocation: "shop", repository: "__repository__" },
  );

describe("a base/branch pair of dg list defs outputs", () => {
  const changeSet = diffAssetGraphs(load("base.json"), load("branch.json"), {
    changeTypes: "dagster",
  });

  test("reports exactly the changes the output can show: NEW, REMOVED, DEPENDENCIES, TAGS", () => {
    expect(changeSet.assets.map((a) => [a.key, a.changeTypes, a.details])).toEqual([
      [
        "marts/fct_revenue",
        ["DEPENDENCIES"],
        {
          dependencies: {
            addedKeys: ["raw/refunds"],
            changedKeys: [],
            removedKeys: [],
            partitionMappings: [],
          },
        },
      ],
      ["marts/legacy_report", ["REMOVED"], {}],
      ["raw/refunds", ["NEW"], {}],
      [
        "stg/orders",
        ["TAGS"],
        {
          tags: {
            addedKeys: ["pii"],
            changedKeys: ["tier"],
            removedKeys: [],
            values: [
              { key: "pii", old: null, new: "false" },
              { key: "tier", old: "silver", new: "gold" },
            ],
          },
        },
      ],
    ]);
    expect(changeSet.summary.assets).toEqual({ new: 1, removed: 1, modified: 2, unchanged: 2 });
  });

  test("lists what the output does not carry as limitations, not as unchanged", () => {
    // Four assets are compared; one of them (stg/orders) has the same, non-empty parents on both
    // sides, whose partition mappings are unknown.
    expect(changeSet.limitations).toEqual([
      { changeType: "CODE_VERSION", field: "codeVersion", side: "both", assets: 4 },
      {
        changeType: "DEPENDENCIES",
        field: "dependencies[].partitionMapping",
        side: "both",
        assets: 1,
      },
      {
        changeType: "PARTITIONS_DEFINITION",
        field: "partitionsDefinition",
        side: "both",
        assets: 4,
      },
      { changeType: "METADATA", field: "metadata", side: "both", assets: 4 },
    ]);
  });

  test("the description change is one of asset-diff's extra change types, shown in all mode", () => {
    const all = diffAssetGraphs(load("base.json"), load("branch.json"));
    const revenue = all.assets.find((a) => a.key === "marts/fct_revenue");
    expect(revenue?.changeTypes).toEqual(["DEPENDENCIES"]);
    expect(revenue?.extraChangeTypes).toEqual(["DESCRIPTION"]);
  });

  test("the code location the caller names is the one compared", () => {
    expect(changeSet.locations).toEqual([
      { codeLocation: "shop", status: "compared", baseAssets: 5, branchAssets: 5 },
    ]);
  });
});
