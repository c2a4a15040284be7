import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import type { AssetChange, ChangeSet } from "../../../src/diff/change-set";
import { diffAssetGraphs } from "../../../src/diff/diff";
import { looksLikeDbtManifest, parseDbtManifest } from "../../../src/load/dbt/parse";
import type { AssetGraph } from "../../../src/model/asset";
import { keyToString } from "../../../src/model/key";
import { reviewChanges } from "../../../src/policies/review";

// Real manifests nobody here wrote, in ../shared/data (see each folder's SOURCE.md). Skipped on a
// clone without them.
const DATA = join(process.cwd(), "..", "shared", "data");
const file = (...parts: string[]) => join(DATA, ...parts);
const load = (path: string): AssetGraph =>
  parseDbtManifest(JSON.parse(readFileSync(path, "utf8")), {
    source: path,
    codeLocation: "dbt",
    repository: "__repository__",
  });

/** Computes a value on first use: a skipped suite's body still runs, its tests do not. */
function lazy<T>(make: () => T): () => T {
  let value: { made: T } | undefined;
  return () => {
    value ??= { made: make() };
    return value.made;
  };
}

const keysWith = (changes: ChangeSet, type: AssetChange["changeTypes"][number]) =>
  changes.assets.filter((a) => a.changeTypes.includes(type)).map((a) => a.key);

const MANIFESTS = [
  ["fivetran-ad-reporting-manifest", "manifest-316dd1f.json", 373],
  ["recce-manifest-pair-v12", "manifest-base.json", 10],
  ["recce-manifest-pair-v12", "manifest-pr2.json", 12],
  ["tuva-manifest-pair", "manifest-base-eef0928.json", 331],
  ["tuva-manifest-pair", "manifest-branch-54359de.json", 342],
  ["tuva-manifest-v10-v11", "manifest-v10-eaefdca.json", 271],
  ["tuva-manifest-v10-v11", "manifest-v11-3f957cd.json", 332],
] as const;

describe.runIf(existsSync(DATA))("every real manifest loads", () => {
  test.each(MANIFESTS)("%s/%s: %i assets", (folder, name, count) => {
    const json: unknown = JSON.parse(readFileSync(file(folder, name), "utf8"));
    expect(looksLikeDbtManifest(json)).toBe(true);
    expect(parseDbtManifest(json).assets).toHaveLength(count);
  });
});

const FIVETRAN = file("fivetran-ad-reporting-manifest", "manifest-316dd1f.json");

describe.runIf(existsSync(FIVETRAN))("Fivetran ad_reporting (v7, 20 packages)", () => {
  const graph = lazy(() => load(FIVETRAN));

  test("215 models (223 less 8 ephemeral), 80 seeds and 78 sources, no two with one key", () => {
    const byKind = (prefix: string) =>
      graph().assets.filter((a) =>
        a.metadata?.some(
          (m) =>
            m.key === "dagster_dbt/unique_id" &&
            m.value.type === "text" &&
            m.value.text.startsWith(prefix),
        ),
      ).length;
    // Every source is some model's parent, so each is in the graph, as Dagster's stub (no metadata).
    const stubs = graph().assets.filter((a) => a.isAutoCreatedStub).length;
    expect([byKind("model."), byKind("seed."), stubs]).toEqual([215, 80, 78]);
  });

  test("its 364 enabled tests are checks; the 6 disabled ones are not", () => {
    const checks = graph().assets.flatMap((a) => a.checks ?? []);
    expect(checks).toHaveLength(364);
  });

  const depsOf = (key: string) =>
    graph()
      .assets.find((a) => keyToString(a.key) === key)
      ?.dependencies?.map((d) => keyToString(d.key))
      .sort();

  test("a model that lists its parent twice (one per ref) depends on it once", () => {
    expect(depsOf("microsoft_ads_source/stg_microsoft_ads__account_daily_report")).toEqual([
      "microsoft_ads_source/stg_microsoft_ads__account_daily_report_tmp",
    ]);
  });

  test("a model on the ephemeral creative_history_prep depends on that model's parents", () => {
    expect(depsOf("snapchat_ads/snapchat_ads__ad_report")).toEqual([
      "snapchat_ads_source/stg_snapchat_ads__ad_account_history",
      "snapchat_ads_source/stg_snapchat_ads__ad_history",
      "snapchat_ads_source/stg_snapchat_ads__ad_hourly_report",
      "snapchat_ads_source/stg_snapchat_ads__creative_history",
      "snapchat_ads_source/stg_snapchat_ads__creative_url_tag_history",
    ]);
  });

  test("diffs against itself without changes", () => {
    const changes = diffAssetGraphs(graph(), load(FIVETRAN));
    expect(changes.assets).toEqual([]);
    expect(changes.summary.assets.unchanged).toBe(373);
  });
});

const TUVA_BASE = file("tuva-manifest-pair", "manifest-base-eef0928.json");
const TUVA_BRANCH = file("tuva-manifest-pair", "manifest-branch-54359de.json");

describe.runIf(existsSync(TUVA_BASE))(
  "Tuva eef0928 → 54359de (v8), checked by hand against SOURCE.md",
  () => {
    const changes = lazy(() => diffAssetGraphs(load(TUVA_BASE), load(TUVA_BRANCH)));

    test("12 new models: the ten nqf0059 quality measures and the two payer-grain PMPM marts", () => {
      expect(keysWith(changes(), "NEW")).toEqual([
        "financial_pmpm/financial_pmpm__pmpm_payer",
        "financial_pmpm/financial_pmpm__pmpm_payer_plan",
        "quality_measures/quality_measures__int_nqf0059__frailty",
        "quality_measures/quality_measures__int_nqf0059__performance_period",
        "quality_measures/quality_measures__int_nqf0059_denominator",
        "quality_measures/quality_measures__int_nqf0059_exclude_advanced_illness",
        "quality_measures/quality_measures__int_nqf0059_exclude_dementia",
        "quality_measures/quality_measures__int_nqf0059_exclude_hospice_palliative",
        "quality_measures/quality_measures__int_nqf0059_exclude_institutional_snp",
        "quality_measures/quality_measures__int_nqf0059_exclusions",
        "quality_measures/quality_measures__int_nqf0059_long",
        "quality_measures/quality_measures__int_nqf0059_numerator",
      ]);
    });

    test("1 removed: the PMPM mart the payer-grain ones replace", () => {
      expect(keysWith(changes(), "REMOVED")).toEqual(["financial_pmpm/financial_pmpm__pmpm"]);
    });

    // SOURCE.md counts 9 checksum changes: 5 models and 4 seeds. Three of those models
    // (quality_measures__stg_core__condition, __lab_result, __encounter) are ephemeral, so not
    // assets in dagster-dbt, and a Dagster code version covers only an asset's own SQL: their edit
    // reaches no asset's code version. That leaves 2 models (SHA-1 of raw code) and 4 seeds (checksum).
    test("6 code versions: 2 models whose SQL changed and 4 seeds whose files changed", () => {
      expect(keysWith(changes(), "CODE_VERSION")).toEqual([
        "data_quality/data_quality__test_catalog",
        "quality_measures/quality_measures__concepts",
        "quality_measures/quality_measures__measures",
        "quality_measures/quality_measures__summary_long",
        "quality_measures/quality_measures__summary_wide",
        "quality_measures/quality_measures__value_sets",
      ]);
    });

    // As in SOURCE.md. The new models' other children are new themselves, and the removed PMPM mart
    // had no children, so no other dependency set changes.
    test("1 dependency change: summary_long gains int_nqf0059_long", () => {
      expect(
        changes()
          .assets.filter((a) => a.changeTypes.includes("DEPENDENCIES"))
          .map((a) => [
            a.key,
            a.details.dependencies?.addedKeys,
            a.details.dependencies?.removedKeys,
          ]),
      ).toEqual([
        [
          "quality_measures/quality_measures__summary_long",
          ["quality_measures/quality_measures__int_nqf0059_long"],
          [],
        ],
      ]);
    });

    test("12 tag-only changes: the input-layer models gain the dbt tag input_layer", () => {
      const tagged = changes().assets.filter((a) => a.changeTypes.includes("TAGS"));
      expect(tagged.map((a) => a.key)).toEqual(
        [
          "condition",
          "eligibility",
          "encounter",
          "lab_result",
          "location",
          "medical_claim",
          "medication",
          "observation",
          "patient",
          "pharmacy_claim",
          "practitioner",
          "procedure",
        ].map((name) => `input_layer/${name}`),
      );
      for (const asset of tagged) {
        expect(asset.changeTypes).toEqual(["TAGS"]);
        expect(asset.details.tags).toMatchObject({
          addedKeys: ["input_layer"],
          changedKeys: [],
          removedKeys: [],
        });
      }
    });

    test("the summary: no metadata change (same target, same columns), 312 unchanged", () => {
      expect(changes().summary.assets).toEqual({
        new: 12,
        removed: 1,
        modified: 18,
        unchanged: 312,
      });
      expect(changes().summary.changeTypes).toEqual({
        NEW: 12,
        REMOVED: 1,
        CODE_VERSION: 6,
        DEPENDENCIES: 1,
        PARTITIONS_DEFINITION: 0,
        TAGS: 12,
        METADATA: 0,
      });
      // The description holds the raw SQL, so the two models whose SQL changed change it too.
      expect(
        changes()
          .assets.filter((a) => a.extraChangeTypes?.includes("DESCRIPTION"))
          .map((a) => a.key),
      ).toEqual([
        "quality_measures/quality_measures__summary_long",
        "quality_measures/quality_measures__summary_wide",
      ]);
    });
  },
);

const RECCE_BASE = file("recce-manifest-pair-v12", "manifest-base.json");
const RECCE_PR = file("recce-manifest-pair-v12", "manifest-pr2.json");

describe.runIf(existsSync(RECCE_BASE))("Recce jaffle_shop base → PR 2 (v12)", () => {
  const changes = lazy(() => diffAssetGraphs(load(RECCE_BASE), load(RECCE_PR)));

  test("customers is rewritten on two new intermediate models; nothing is removed", () => {
    expect(keysWith(changes(), "NEW")).toEqual(["int_customer_orders", "int_customer_payments"]);
    expect(keysWith(changes(), "REMOVED")).toEqual([]);
    expect(keysWith(changes(), "CODE_VERSION")).toEqual(["customers"]);
    expect(changes().assets.find((a) => a.key === "customers")?.details.dependencies).toMatchObject(
      {
        addedKeys: ["int_customer_orders", "int_customer_payments"],
        changedKeys: [],
        removedKeys: ["stg_orders", "stg_payments"],
      },
    );
  });

  test("after the default policies only customers and the two new models remain", () => {
    const base = load(RECCE_BASE);
    const branch = load(RECCE_PR);
    const reviewed = reviewChanges(diffAssetGraphs(base, branch), { base, branch });
    expect(
      reviewed.assets.map((a) => [a.key, [...a.changeTypes, ...(a.extraChangeTypes ?? [])]]),
    ).toEqual([
      ["customers", ["CODE_VERSION", "DEPENDENCIES", "DESCRIPTION"]],
      ["int_customer_orders", ["NEW"]],
      ["int_customer_payments", ["NEW"]],
    ]);
    expect(reviewed.summary.suppressed).toBe(7);
    expect(new Set(reviewed.suppressed.map((s) => `${s.rule} ${s.keys.join()}`))).toEqual(
      new Set(["environment-table-name dagster/table_name"]),
    );
  });

  // Not in SOURCE.md: the base was compiled for the schema `prod`, the PR for `dev`, and dagster-dbt
  // puts database.schema.alias in dagster/table_name, so every model's metadata changes.
  test("every model's table name moves from the prod schema to dev", () => {
    const models = [
      "customer_order_pattern",
      "customer_segments",
      "customers",
      "orders",
      "stg_customers",
      "stg_orders",
      "stg_payments",
    ];
    expect(keysWith(changes(), "METADATA")).toEqual(models);
    for (const asset of changes().assets.filter((a) => a.changeTypes.includes("METADATA"))) {
      expect(asset.details.metadata?.values.map((v) => [v.key, v.old, v.new])).toEqual([
        [
          "dagster/table_name",
          { type: "text", text: `jaffle_shop.prod.${asset.key}` },
          { type: "text", text: `jaffle_shop.dev.${asset.key}` },
        ],
      ]);
    }
  });

  test("the summary: the three hyphenated sources are unchanged", () => {
    expect(changes().summary.assets).toEqual({ new: 2, removed: 0, modified: 7, unchanged: 3 });
    expect(changes().summary.changeTypes).toEqual({
      NEW: 2,
      REMOVED: 0,
      CODE_VERSION: 1,
      DEPENDENCIES: 1,
      PARTITIONS_DEFINITION: 0,
      TAGS: 0,
      METADATA: 7,
    });
  });
});

const TUVA_V10 = file("tuva-manifest-v10-v11", "manifest-v10-eaefdca.json");
const TUVA_V11 = file("tuva-manifest-v10-v11", "manifest-v11-3f957cd.json");

describe.runIf(existsSync(TUVA_V10) && existsSync(TUVA_BASE))("Tuva across dbt versions", () => {
  test("v10 → v11: the snapshots disabled in v11 are removed", () => {
    const changes = diffAssetGraphs(load(TUVA_V10), load(TUVA_V11));
    expect(keysWith(changes, "REMOVED").filter((key) => key.endsWith("_snapshot"))).toEqual([
      "cms_hcc__patient_risk_factors_snapshot",
      "cms_hcc__patient_risk_scores_snapshot",
      "quality_measures__summary_counts_snapshot",
      "quality_measures__summary_long_snapshot",
    ]);
  });

  // SOURCE.md: 104 models keep their raw_code but change checksum between dbt 1.4 and 1.7, and 29
  // seeds change checksum. dagster-dbt versions models by their raw code, so only the seeds remain.
  test("v8 → v11: checksums that changed with the dbt version change no model's code version", () => {
    const changes = diffAssetGraphs(load(TUVA_BASE), load(TUVA_V11));
    const changed = changes.assets.filter((a) => a.changeTypes.includes("CODE_VERSION"));
    expect(changed).toHaveLength(29);
    // A seed's code version is its sha256 checksum (64 hex digits); a model's is a SHA-1 (40).
    expect(changed.every((a) => a.details.codeVersion?.old?.length === 64)).toBe(true);
  });
});
