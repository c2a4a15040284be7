import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { type ParseDbtManifestOptions, parseDbtManifest } from "../../../src/load/dbt/parse";
import type { AssetCheck } from "../../../src/model/asset";
import { keyToString } from "../../../src/model/key";
import { dbtTest, id, manifest, model, seed } from "./builders";

// fixtures/dbt/checks-v12.json (see fixtures/dbt/CHANGES.md): generic, relationships and singular
// tests, warn and error severities, a disabled test, tests on a source and on an ephemeral model.
const CHECKS = JSON.parse(
  readFileSync(join(process.cwd(), "fixtures", "dbt", "checks-v12.json"), "utf8"),
) as unknown;

const checksOf = (json: unknown, options: ParseDbtManifestOptions = {}) =>
  Object.fromEntries(
    parseDbtManifest(json, options).assets.map((a) => [keyToString(a.key), a.checks]),
  );

const check = (name: string, fields: Partial<AssetCheck> = {}): AssetCheck => ({
  name,
  description: null,
  blocking: true,
  additionalAssetKeys: [],
  ...fields,
});

describe("dbt tests become the checks dagster-dbt makes (default_asset_check_fn)", () => {
  const checks = checksOf(CHECKS);

  test.each([
    [
      "generic tests attach to attached_node; severity ERROR blocks, warn does not",
      "customers",
      [check("not_null_customers_id"), check("unique_customers_id", { blocking: false })],
    ],
    [
      "a relationships test reads its other parent; a singular test with one parent attaches to it and takes meta.description",
      "orders",
      [
        check("assert_orders_positive", { description: "Order totals are never negative" }),
        check("relationships_orders_customer_id__id__ref_customers_", {
          additionalAssetKeys: [["customers"]],
        }),
      ],
    ],
    [
      "a singular test with two parents attaches to the node meta.dagster.ref names",
      "order_items",
      [check("assert_order_items_reconcile", { additionalAssetKeys: [["orders"]] })],
    ],
    [
      "a seed's test is its check; severity is read case-insensitively",
      "country_codes",
      [check("not_null_country_codes_code", { blocking: false })],
    ],
    ["a source's tests are not checks by default", "raw/orders", []],
    ["an asset without tests has none, known", "raw/customers", []],
  ])("%s", (_name, key, expected) => {
    expect(checks[key]).toEqual(expected);
  });

  test.each([
    ["a disabled test", "not_null_orders_id"],
    ["a test on an ephemeral model (not an asset)", "not_null_order_items_prep_id"],
    ["a singular test with two parents and no meta.dagster.ref", "assert_customers_match_orders"],
    ["a test on a source", "source_not_null_raw_orders_id"],
  ])("%s is no check", (_name, name) => {
    const all = Object.values(checks).flatMap((c) => c ?? []);
    expect(all.map((c) => c.name)).not.toContain(name);
  });

  test("a check's automation condition stays unknown: dagster-dbt sets none, Dagster may", () => {
    for (const c of Object.values(checks).flatMap((list) => list ?? [])) {
      expect(c).not.toHaveProperty("automationCondition");
    }
  });

  test("with sourceTestsAsChecks (enable_source_tests_as_checks) a source's test is its stub's check", () => {
    expect(checksOf(CHECKS, { settings: { sourceTestsAsChecks: true } })["raw/orders"]).toEqual([
      check("source_not_null_raw_orders_id"),
    ]);
  });

  test("with assetChecks off (enable_asset_checks=False) every asset has none", () => {
    const all = Object.values(checksOf(CHECKS, { settings: { assetChecks: false } }));
    expect(all.every((c) => Array.isArray(c) && c.length === 0)).toBe(true);
  });

  test("a manifest without tests still gives checks: [] on every asset", () => {
    expect(checksOf(manifest({ nodes: [model("m"), seed("s")] }))).toEqual({ m: [], s: [] });
  });

  test.each([
    ["a test without severity blocks (dbt's default is error)", {}, true],
    ["severity warn", { severity: "warn" }, false],
    ["severity WARN", { severity: "WARN" }, false],
    ["severity Error", { severity: "Error" }, true],
  ])("%s", (_name, config, blocking) => {
    const json = manifest({
      nodes: [
        model("m"),
        { ...dbtTest("t", [id("model", "m")]), config: { enabled: true, ...config } },
      ],
    });
    expect(checksOf(json).m?.[0]?.blocking).toBe(blocking);
  });

  test("two tests of one name on one asset give one check, the last (one spec per name)", () => {
    const json = manifest({
      nodes: [
        model("m"),
        {
          ...dbtTest("t", [id("model", "m")]),
          unique_id: "test.shop.t.1",
          meta: { description: "first" },
        },
        {
          ...dbtTest("t", [id("model", "m")]),
          unique_id: "test.shop.t.2",
          meta: { description: "second" },
        },
      ],
    });
    expect(checksOf(json).m).toEqual([check("t", { description: "second" })]);
  });
});
