import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { diffAssetGraphs } from "../../../src/diff/diff";
import { parseDbtManifest } from "../../../src/load/dbt/parse";
import { keyToString } from "../../../src/model/key";

// The fixtures and what they change are described in fixtures/dbt/CHANGES.md.
const FIXTURES = join(import.meta.dirname, "..", "..", "..", "fixtures", "dbt");
const read = (name: string): unknown => JSON.parse(readFileSync(join(FIXTURES, name), "utf8"));
const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");
const rawCode = (name: string, uniqueId: string): string =>
  (read(name) as { nodes: Record<string, { raw_code: string }> }).nodes[uniqueId]?.raw_code ?? "";
const load = (name: string) =>
  parseDbtManifest(read(name), {
    source: name,
    codeLocation: "shop",
    repository: "__repository__",
  });

describe("shop (schema v12): what dagster-dbt makes of a manifest", () => {
  const base = load("shop-v12-base.json");
  const asset = (key: string) => base.assets.find((a) => keyToString(a.key) === key);

  test("assets: models, seeds, snapshots and sources; not the ephemeral model, test, analysis or disabled model", () => {
    expect(base.assets.map((a) => keyToString(a.key))).toEqual([
      "country_codes",
      "customers",
      "customers_snapshot",
      "legacy_report",
      "marts/fct_orders",
      "raw-shop/customers",
      "raw-shop/orders",
      "raw-shop/payments",
      "staging/stg_customers",
      "staging/stg_orders",
    ]);
  });

  test("dependencies look through the ephemeral stg_payments to its source", () => {
    expect(
      asset("marts/fct_orders")
        ?.dependencies?.map((d) => keyToString(d.key))
        .sort(),
    ).toEqual(["country_codes", "raw-shop/payments", "staging/stg_orders"]);
  });

  test("a mart with Dagster settings in meta", () => {
    expect(asset("customers")).toMatchObject({
      key: ["customers"],
      codeLocation: "shop",
      repository: "__repository__",
      codeVersion: sha1(rawCode("shop-v12-base.json", "model.shop.customers")),
      group: "marts",
      owners: [
        { type: "user", email: "data@shop.example" },
        { type: "team", team: "analytics" },
      ],
      kinds: ["dbt", "postgres"],
      tags: [
        { key: "dagster/kind/dbt", value: "" },
        { key: "dagster/kind/postgres", value: "" },
        { key: "daily", value: "" },
        { key: "marts", value: "" },
      ],
    });
    expect(asset("customers")?.description).toMatch(
      /^One row per customer with order facts\.\n\n#### Raw SQL:\n```sql\n {4}select\n/,
    );
  });

  test("a model in a dbt group takes its group and the group owner", () => {
    expect(asset("marts/fct_orders")).toMatchObject({
      group: "finance",
      owners: [{ type: "user", email: "finance@shop.example" }],
    });
  });
});

describe("shop base → branch: the change set CHANGES.md describes", () => {
  const changes = diffAssetGraphs(load("shop-v12-base.json"), load("shop-v12-branch.json"));
  const change = (key: string) => changes.assets.find((a) => a.key === key);

  test("each changed asset with its change types", () => {
    expect(
      changes.assets.map((a) => [
        a.key,
        a.changeTypes.join(" "),
        (a.extraChangeTypes ?? []).join(" "),
      ]),
    ).toEqual([
      ["country_codes", "CODE_VERSION", ""],
      ["customer_payments", "NEW", ""],
      ["customers", "CODE_VERSION DEPENDENCIES METADATA", "DESCRIPTION"],
      ["legacy_report", "REMOVED", ""],
      ["marts/fct_orders", "CODE_VERSION", "DESCRIPTION"],
      ["staging/stg_customers", "METADATA", ""],
      ["staging/stg_orders", "TAGS", ""],
    ]);
    expect(changes.summary.assets).toEqual({ new: 1, removed: 1, modified: 5, unchanged: 4 });
  });

  test("a seed's code version is its checksum", () => {
    expect(change("country_codes")?.details.codeVersion).toEqual({
      old: "740600cbd560968216232f5f9eb72515c31349c190b3c24bcbfbe90e62448d42",
      new: "f0b7bfe42bbd266dc37d6fc282c00a30ce9bf05cc37f6e5c7606197597b30bda",
    });
  });

  test("a new parent and a new column", () => {
    expect(change("customers")?.details.dependencies).toMatchObject({
      addedKeys: ["customer_payments"],
      removedKeys: [],
    });
    expect(change("customers")?.details.metadata?.values[0]).toMatchObject({
      key: "dagster/column_schema",
      columns: { addedColumns: ["lifetime_value"], removedColumns: [], changedColumns: [] },
    });
    expect(change("staging/stg_customers")?.details.metadata?.values[0]?.columns).toEqual({
      addedColumns: ["email"],
      removedColumns: [],
      changedColumns: [],
    });
  });

  test("a dbt tag added", () => {
    expect(change("staging/stg_orders")?.details.tags).toMatchObject({
      addedKeys: ["pii"],
      changedKeys: [],
      removedKeys: [],
    });
  });
});

describe("ads (schema v7): Fivetran-shaped packages", () => {
  const graph = load("ads-v7.json");

  test("keys carry the configured schema; parents listed twice count once; the ephemeral model is looked through", () => {
    expect(
      graph.assets.map((a) => [
        keyToString(a.key),
        (a.dependencies ?? []).map((d) => keyToString(d.key)).sort(),
      ]),
    ).toEqual([
      ["google_ads/campaign_stats", []],
      [
        "google_ads/google_ads__campaign_report",
        ["google_ads/campaign_stats", "google_ads_source/stg_google_ads__campaign_history"],
      ],
      ["google_ads__campaign_history_data", []],
      [
        "google_ads_source/stg_google_ads__campaign_history",
        ["google_ads_source/stg_google_ads__campaign_history_tmp"],
      ],
      [
        "google_ads_source/stg_google_ads__campaign_history_tmp",
        ["google_ads__campaign_history_data"],
      ],
    ]);
  });

  test("the source has no code version; the seed's is its checksum", () => {
    expect(
      graph.assets.map((a) => [keyToString(a.key), a.codeVersion?.slice(0, 12) ?? null]),
    ).toEqual([
      ["google_ads/campaign_stats", null],
      ["google_ads/google_ads__campaign_report", "882b85e85e18"],
      ["google_ads__campaign_history_data", "e5260f93deae"],
      ["google_ads_source/stg_google_ads__campaign_history", "1701c38937e6"],
      ["google_ads_source/stg_google_ads__campaign_history_tmp", "4927c3054d63"],
    ]);
  });
});
