import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, expectTypeOf, test } from "vitest";
import { isUsageError, UsageError } from "../../../src/errors";
import { type ParseDbtManifestOptions, parseDbtManifest } from "../../../src/load/dbt/parse";
import {
  type DBT_CODE_VERSION_RULES,
  type DBT_SOURCE_MODES,
  type DbtSettings,
  dbtSettingsSchema,
  resolveDbtSettings,
} from "../../../src/load/dbt/settings";
import { keyToString } from "../../../src/model/key";
import { id, manifest, model, seed, source } from "./builders";

const SOURCES = JSON.parse(
  readFileSync(join(process.cwd(), "fixtures", "dbt", "sources-v12.json"), "utf8"),
) as unknown;

const keysOf = (json: unknown, settings: DbtSettings) =>
  parseDbtManifest(json, { settings }).assets.map((a) => keyToString(a.key));

describe("key prefixes", () => {
  test.each([
    [
      "keyPrefix as one string prefixes models and seeds, not sources",
      { keyPrefix: "dbt" },
      [
        "dbt/country_codes",
        "dbt/payments_summary",
        "dbt/staging/stg_orders",
        "dbt/stg_events",
        "events/raw",
        "raw/orders",
        "raw/payments",
      ],
    ],
    [
      "sourceKeyPrefix as a path prefixes sources, also one keyed by meta.dagster.asset_key",
      { sourceKeyPrefix: ["lake", "landing"] },
      [
        "country_codes",
        "lake/landing/events/raw",
        "lake/landing/raw/orders",
        "lake/landing/raw/payments",
        "payments_summary",
        "staging/stg_orders",
        "stg_events",
      ],
    ],
  ] as const)("%s", (_name, settings, expected) => {
    expect(keysOf(SOURCES, settings)).toEqual(expected);
  });

  test("the prefix goes before a meta.dagster.asset_key too, and dependencies follow", () => {
    const json = manifest({
      nodes: [
        model("orders", { meta: { dagster: { asset_key: ["marts", "fct_orders"] } } }),
        model("report", { depends_on: { nodes: [id("model", "orders")] } }),
      ],
    });
    const graph = parseDbtManifest(json, { settings: { keyPrefix: ["acme"] } });
    expect(graph.assets.map((a) => [keyToString(a.key), a.dependencies])).toEqual([
      ["acme/marts/fct_orders", []],
      ["acme/report", [{ key: ["acme", "marts", "fct_orders"] }]],
    ]);
  });
});

describe("code references (enable_code_references)", () => {
  const json = manifest({ nodes: [model("orders", { original_file_path: "models/orders.sql" })] });
  const references = (settings: DbtSettings) =>
    parseDbtManifest(json, { settings }).assets[0]?.metadata?.find(
      (m) => m.key === "dagster/code_references",
    );

  test.each([
    ["off by default (DagsterDbtTranslatorSettings)", {}, undefined],
    ["on: the file relative to the project root", { codeReferences: true }, "models/orders.sql"],
    [
      "on with projectDir: the absolute path dagster-dbt writes",
      { codeReferences: true, projectDir: "/opt/dagster/app/dbt/" },
      "/opt/dagster/app/dbt/models/orders.sql",
    ],
  ] as const)("%s", (_name, settings, filePath) => {
    expect(references(settings)).toEqual(
      filePath === undefined
        ? undefined
        : {
            key: "dagster/code_references",
            value: {
              type: "codeReferences",
              codeReferences: [{ type: "localFile", filePath, lineNumber: null, label: null }],
            },
          },
    );
  });
});

describe("code-version rule", () => {
  const json = manifest({ nodes: [seed("s"), model("m", { raw_code: "select 1" })] });
  test.each([
    [
      "sha1-or-checksum (dagster-dbt 0.25.4+): a seed's checksum",
      "sha1-or-checksum",
      "sha256-of-s.csv",
    ],
    [
      "sha1 (dagster-dbt up to 0.25.3): every seed has the SHA-1 of the empty string",
      "sha1",
      "da39a3ee5e6b4b0d3255bfef95601890afd80709",
    ],
  ] as const)("%s", (_name, codeVersion, expected) => {
    const graph = parseDbtManifest(json, { settings: { codeVersion } });
    expect(graph.assets.map((a) => a.codeVersion)).toEqual([
      "3232003928f9fe86a9cb634f450d5a53a4025819",
      expected,
    ]);
  });

  test("a source spec has none under either rule", () => {
    const graph = parseDbtManifest(manifest({ sources: [source("raw", "o")] }), {
      settings: { sources: "assets", codeVersion: "sha1" },
    });
    expect(graph.assets[0]?.codeVersion).toBeNull();
  });
});

describe("validation: a UsageError naming the field", () => {
  test.each([
    [{ sources: "everything" }, "settings.sources"],
    [{ keyPrefix: [] }, "settings.keyPrefix"],
    [{ keyPrefix: "" }, "settings.keyPrefix"],
    [{ sourceKeyPrefix: 3 }, "settings.sourceKeyPrefix"],
    [{ codeReferences: "yes" }, "settings.codeReferences"],
    [{ codeVersion: "md5" }, "settings.codeVersion"],
    [{ assetChecks: 1 }, "settings.assetChecks"],
    [{ enableAssetChecks: true }, "settings"],
  ])("%j", (settings, field) => {
    const parse = () =>
      parseDbtManifest(manifest(), { settings } as unknown as ParseDbtManifestOptions);
    expect(parse).toThrow(UsageError);
    expect(parse).toThrow(`invalid dbt settings: ${field}`);
    try {
      parse();
    } catch (error) {
      expect(isUsageError(error)).toBe(true);
    }
  });

  test("the defaults are dagster-dbt's", () => {
    expect(resolveDbtSettings()).toEqual({
      sources: "stubs",
      keyPrefix: [],
      sourceKeyPrefix: [],
      codeReferences: false,
      projectDir: undefined,
      codeVersion: "sha1-or-checksum",
      assetChecks: true,
      sourceTestsAsChecks: false,
    });
  });

  test("the schema and the closed sets agree with the type", () => {
    expectTypeOf<NonNullable<DbtSettings["sources"]>>().toEqualTypeOf<
      (typeof DBT_SOURCE_MODES)[number]
    >();
    expectTypeOf<NonNullable<DbtSettings["codeVersion"]>>().toEqualTypeOf<
      (typeof DBT_CODE_VERSION_RULES)[number]
    >();
    expect(dbtSettingsSchema.safeParse({ sources: "assets", keyPrefix: ["a", "b"] }).success).toBe(
      true,
    );
  });
});
