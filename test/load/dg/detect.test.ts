import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { looksLikeDagsterGraphql } from "../../../src/load/dagster-graphql/envelope";
import { looksLikeDgListDefs } from "../../../src/load/dg/parse";
import { looksLikeSnapshot } from "../../../src/load/snapshot/snapshot";

const fixture = (dir: string, name: string): unknown =>
  JSON.parse(readFileSync(join(import.meta.dirname, "../../../fixtures", dir, name), "utf8"));

describe("looksLikeDgListDefs", () => {
  test.each([
    "list-defs-newest.json",
    "list-defs-2025.json",
    "definitions-list-early-2025.json",
    "base.json",
    "branch.json",
  ])("claims the fixture %s, which no other format claims", (name) => {
    const json = fixture("dg", name);
    expect(looksLikeDgListDefs(json)).toBe(true);
    expect(looksLikeSnapshot(json)).toBe(false);
    expect(looksLikeDagsterGraphql(json)).toBe(false);
  });

  test.each<[string, unknown]>([
    [
      "an empty project",
      { assets: [], asset_checks: [], jobs: [], resources: [], schedules: [], sensors: [] },
    ],
    ["assets plus one other section", { assets: [{ asset_key: "a" }], sensors: [] }],
    [
      "a list tagged with type",
      [
        { type: "job", name: "j" },
        { type: "asset", key: "a", deps: [] },
      ],
    ],
    ["a list of jobs only", [{ type: "schedule", name: "s", cron_schedule: "@daily" }]],
    ["an untagged 2025 list", [{ key: "a", deps: [], kinds: [] }, { name: "my_job" }]],
  ])("true for %s", (_name, json) => {
    expect(looksLikeDgListDefs(json)).toBe(true);
  });

  test.each<[string, unknown]>([
    ["an asset-diff snapshot", { formatVersion: 1, assets: [] }],
    ["a snapshot that also has a jobs key", { formatVersion: 1, assets: [], jobs: [] }],
    ["the example GraphQL response fixture", fixture("example", "base.json")],
    ["a GraphQL response", { data: { assetNodes: [{ assetKey: { path: ["a"] } }] } }],
    ["a bare data member", { assetNodes: [] }],
    ["a list of asset nodes", [{ assetKey: { path: ["a"] }, type: "asset" }]],
    ["GraphQL errors", { errors: [{ message: "boom" }] }],
    ["only an assets list", { assets: [] }],
    ["assets that are not a list", { assets: {}, jobs: [] }],
    ["an empty list", []],
    ["dg list components output", [{ key: "dagster.FunctionComponent", summary: "x" }]],
    ["a list with a non-object", [{ type: "asset", key: "a" }, 1]],
    ["a list with unknown types", [{ type: "pipeline", name: "p" }]],
    ["null", null],
    ["a number", 42],
    ["a string", "assets"],
    ["random JSON", { foo: [1, 2, 3], bar: { baz: true } }],
  ])("false for %s", (_name, json) => {
    expect(looksLikeDgListDefs(json)).toBe(false);
  });
});
