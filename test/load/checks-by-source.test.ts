import { describe, expect, test } from "vitest";
import { diffAssetGraphs } from "../../src/diff/diff";
import { parseAssetGraph } from "../../src/load/index";
import { serializeSnapshot } from "../../src/load/snapshot/snapshot";
import { dbtTest, id, manifest, model } from "./dbt/builders";

/**
 * One branch, read from each of the four sources: `orders` has the checks `not_null_id` and
 * `unique_id`; the branch drops `unique_id` and makes `not_null_id` non-blocking where the source
 * carries blocking (dg does not).
 */

interface Check {
  name: string;
  blocking: boolean;
}

const BASE: Check[] = [
  { name: "not_null_id", blocking: true },
  { name: "unique_id", blocking: true },
];
const BRANCH: Check[] = [{ name: "not_null_id", blocking: false }];

const graphql = (checks: Check[]) => ({
  data: {
    assetNodes: [
      {
        assetKey: { path: ["orders"] },
        assetChecksOrError: {
          __typename: "AssetChecks",
          checks: checks.map((c) => ({
            name: c.name,
            description: null,
            blocking: c.blocking,
            additionalAssetKeys: [],
            automationCondition: null,
          })),
        },
      },
    ],
  },
});

const dg = (checks: Check[]) => ({
  assets: [{ asset_key: "orders", dependency_keys: [], tags: [], kinds: [] }],
  asset_checks: checks.map((c) => ({
    key: `orders:${c.name}`,
    asset_key: "orders",
    name: c.name,
    additional_deps: ["orders"],
    description: null,
    source: null,
  })),
  jobs: [],
  resources: [],
  schedules: [],
  sensors: [],
});

const dbt = (checks: Check[]) =>
  manifest({
    nodes: [
      model("orders"),
      ...checks.map((c) => ({
        ...dbtTest(c.name, [id("model", "orders")]),
        attached_node: id("model", "orders"),
        config: { enabled: true, severity: c.blocking ? "error" : "warn" },
      })),
    ],
  });

const snapshot = (checks: Check[]) =>
  JSON.parse(serializeSnapshot(parseAssetGraph(graphql(checks)))) as unknown;

describe("checks diffed from each source", () => {
  test.each([
    { source: "dagster-graphql", build: graphql, changed: ["not_null_id"] },
    { source: "snapshot", build: snapshot, changed: ["not_null_id"] },
    { source: "dbt-manifest", build: dbt, changed: ["not_null_id"] },
    // dg lists no blocking: only the removal is seen.
    { source: "dg-list-defs", build: dg, changed: [] },
  ] as const)("$source", ({ source, build, changed }) => {
    const read = (checks: Check[]) =>
      parseAssetGraph(build(checks), { format: source, codeLocation: "loc" });
    const base = read(BASE);
    const branch = read(BRANCH);
    expect(
      base.assets.find((a) => a.key.join("/") === "orders")?.checks?.map((c) => c.name),
    ).toEqual(["not_null_id", "unique_id"]);
    const change = diffAssetGraphs(base, branch).assets.find((a) => a.key === "orders");
    expect(change?.extraChangeTypes).toContain("CHECKS");
    expect(change?.details.checks).toMatchObject({
      addedKeys: [],
      changedKeys: changed,
      removedKeys: ["unique_id"],
    });
    expect(diffAssetGraphs(base, read(BASE)).assets).toEqual([]);
  });
});
