import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { UnknownFormatError, ValidationError } from "../../../src/errors";
import { parseDgListDefs } from "../../../src/load/dg/parse";
import type { Asset } from "../../../src/model/asset";

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(join(import.meta.dirname, "../../../fixtures/dg", name), "utf8"));

/** A newest-variant document holding the given asset entries. */
const newest = (...assets: unknown[]) => ({
  assets,
  asset_checks: [],
  jobs: [],
  resources: [],
  schedules: [],
  sensors: [],
});

/** The single asset read from one newest-variant entry. */
const one = (entry: Record<string, unknown>): Asset | undefined =>
  parseDgListDefs(newest({ asset_key: "a", ...entry })).assets[0];

const EAGER = {
  label: "eager",
  expandedLabel: [
    "(in_latest_time_window)",
    "AND",
    "(((newly_missing) OR (any_deps_updated)) SINCE (handled))",
    "AND",
    "(NOT (any_deps_missing))",
    "AND",
    "(NOT (any_deps_in_progress))",
    "AND",
    "(NOT (in_progress))",
  ],
};

/** The project every variant fixture lists, as read from the newest variant. */
const PROJECT: Asset[] = [
  {
    key: ["marts", "fct_revenue"],
    codeLocation: "shop",
    repository: "__repository__",
    dependencies: [{ key: ["raw", "customers"] }, { key: ["stg", "orders"] }],
    tags: [
      { key: "filter", value: 'status = "paid" and amount >= 0' },
      { key: "tier", value: "gold" },
    ],
    group: "marts",
    owners: [
      { type: "user", email: "bob@example.com" },
      { type: "team", team: "finance" },
    ],
    kinds: ["dbt", "snowflake"],
    description: "Daily revenue per customer, net of refunds.",
    automationCondition: EAGER,
    isExecutable: true,
  },
  {
    key: ["raw", "customers"],
    codeLocation: "shop",
    repository: "__repository__",
    dependencies: [],
    tags: [
      { key: "domain", value: "crm" },
      { key: "source", value: "hubspot" },
    ],
    group: "ingestion",
    owners: [{ type: "team", team: "data-eng" }],
    kinds: ["python", "s3"],
    description: "Customer records exported nightly from the CRM.",
    automationCondition: null,
    isExecutable: true,
  },
  {
    key: ["raw", "orders"],
    codeLocation: "shop",
    repository: "__repository__",
    dependencies: [],
    tags: [
      { key: "domain", value: "sales" },
      { key: "note", value: 'say "hi" = ok' },
      { key: "steward", value: "Zoë Müller 🚀" },
    ],
    group: "ingestion",
    owners: [
      { type: "user", email: "alice@example.com" },
      { type: "team", team: "data-eng" },
    ],
    kinds: ["python", "s3"],
    description: null,
    automationCondition: EAGER,
    isExecutable: true,
  },
  {
    key: ["stg", "orders"],
    codeLocation: "shop",
    repository: "__repository__",
    dependencies: [{ key: ["raw", "orders"] }],
    tags: [
      { key: "dbt/materialized", value: "view" },
      { key: "tier", value: "silver" },
    ],
    group: "staging",
    owners: [{ type: "user", email: "alice@example.com" }],
    kinds: ["dbt", "snowflake"],
    description: "Orders, deduplicated and typed.",
    automationCondition: null,
    isExecutable: true,
  },
];

/** Keeps only the given fields of each asset (plus identity). */
const pick = (assets: readonly Asset[], fields: readonly (keyof Asset)[]) =>
  assets.map((a) =>
    Object.fromEntries(
      Object.entries(a).filter(([field]) =>
        ["key", "codeLocation", "repository", ...fields].includes(field),
      ),
    ),
  );

/** The project's checks, by asset, as both object variants list them. */
const PROJECT_CHECKS: Record<string, Asset["checks"]> = {
  "stg/orders": [
    { name: "orders_not_null", description: "order_id is never null.", additionalAssetKeys: [] },
  ],
};

/** {@link PROJECT} as an object variant reads it: with each asset's checks. */
const PROJECT_WITH_CHECKS: Asset[] = PROJECT.map((a) => ({
  ...a,
  checks: PROJECT_CHECKS[a.key.join("/")] ?? [],
}));

describe("variants", () => {
  const location = { codeLocation: "shop", repository: "__repository__" };

  test("the newest variant reads every section it carries", () => {
    const graph = parseDgListDefs(fixture("list-defs-newest.json"), {
      ...location,
      source: "list-defs-newest.json",
    });
    expect(graph.assets).toEqual(PROJECT_WITH_CHECKS);
    expect(graph.source).toEqual({ format: "dg-list-defs", name: "list-defs-newest.json" });
  });

  test("the 2025 variant gives the same model, except the automation condition's expansion", () => {
    const graph = parseDgListDefs(fixture("list-defs-2025.json"), location);
    expect(graph.assets).toEqual(
      PROJECT_WITH_CHECKS.map((a) => ({
        ...a,
        automationCondition: a.automationCondition && { label: "eager", expandedLabel: [] },
      })),
    );
  });

  test("the early-2025 list gives the same keys, dependencies, kinds, groups, descriptions and labels", () => {
    const graph = parseDgListDefs(fixture("definitions-list-early-2025.json"), location);
    const shared = ["dependencies", "kinds", "group", "description"] as const;
    expect(pick(graph.assets, shared)).toEqual(pick(PROJECT, shared));
    expect(graph.assets.map((a) => a.automationCondition)).toEqual([
      { label: "eager", expandedLabel: [] },
      null,
      { label: "eager", expandedLabel: [] },
      null,
    ]);
    // It carries no tags, owners, execution flag or asset_checks list: those stay unknown.
    for (const a of graph.assets) {
      expect(a).not.toHaveProperty("tags");
      expect(a).not.toHaveProperty("owners");
      expect(a).not.toHaveProperty("isExecutable");
      expect(a).not.toHaveProperty("checks");
    }
  });

  test("the untagged list some 2025 releases wrote reads its assets and skips checks and jobs", () => {
    const graph = parseDgListDefs([
      {
        key: "b",
        deps: ["a"],
        kinds: [],
        group: "default",
        description: null,
        automation_condition: null,
      },
      { key: "b:check", asset_key: "b", name: "check", additional_deps: [], description: null },
      { name: "my_job", description: null },
      { name: "my_resource", type: "my_project.resources.MyResource" },
      { name: "my_schedule", cron_schedule: "@daily" },
    ]);
    expect(graph.assets.map((a) => a.key)).toEqual([["b"]]);
    expect(graph.assets[0]).not.toHaveProperty("checks");
  });

  test("the output names no code location or repository: null unless the caller says", () => {
    const [a] = parseDgListDefs(newest({ asset_key: "a" })).assets;
    expect(a).toEqual({ key: ["a"], codeLocation: null, repository: null, checks: [] });
    expect(parseDgListDefs(newest({ asset_key: "a" })).source).toEqual({ format: "dg-list-defs" });
  });
});

describe("sections the output does not carry stay absent", () => {
  const notCarried: (keyof Asset)[] = [
    "codeVersion",
    "metadata",
    "partitionsDefinition",
    "autoMaterializePolicy",
    "freshnessPolicy",
    "legacyFreshnessPolicy",
    "backfillPolicy",
    "isMaterializable",
    "isObservable",
    "isAutoCreatedStub",
  ];

  test.each(["list-defs-newest.json", "list-defs-2025.json", "definitions-list-early-2025.json"])(
    "%s",
    (name) => {
      for (const a of parseDgListDefs(fixture(name)).assets) {
        for (const field of notCarried) expect(a).not.toHaveProperty(field);
        for (const dep of a.dependencies ?? []) expect(dep).not.toHaveProperty("partitionMapping");
      }
    },
  );

  test("unknown fields and the other sections are ignored", () => {
    const graph = parseDgListDefs({
      ...newest({ asset_key: "a", code_version: "7", metadata: { x: 1 }, future_field: [1] }),
      jobs: [{ name: "j" }],
      something_new: { x: 1 },
    });
    expect(graph.assets).toEqual([
      { key: ["a"], codeLocation: null, repository: null, checks: [] },
    ]);
  });
});

describe("asset checks", () => {
  /** A newest-variant document with the given assets and checks. */
  const listing = (assets: unknown[], checks: unknown[]) => ({
    ...newest(...assets),
    asset_checks: checks,
  });
  const check = (asset: string, name: string, fields: Record<string, unknown> = {}) => ({
    key: `${asset}:${name}`,
    asset_key: asset,
    name,
    additional_deps: [asset],
    description: null,
    source: null,
    ...fields,
  });

  test("each check goes to its asset, sorted by name; additional_deps lose the check's own asset", () => {
    const graph = parseDgListDefs(fixture("list-defs-checks.json"));
    expect(Object.fromEntries(graph.assets.map((a) => [a.key.join("/"), a.checks]))).toEqual({
      "marts/fct_revenue": [
        {
          name: "revenue_positive",
          description: "Revenue is never negative.",
          additionalAssetKeys: [],
        },
      ],
      "raw/orders": [],
      "stg/orders": [
        { name: "matches_raw_count", description: null, additionalAssetKeys: [["raw", "orders"]] },
        {
          name: "order_id_not_null",
          description: "order_id is never null.",
          additionalAssetKeys: [],
        },
      ],
    });
  });

  test("blocking and the automation condition are not in the output: they stay absent", () => {
    for (const a of parseDgListDefs(fixture("list-defs-checks.json")).assets) {
      for (const c of a.checks ?? []) {
        expect(c).not.toHaveProperty("blocking");
        expect(c).not.toHaveProperty("automationCondition");
      }
    }
  });

  test("keys resolve through the listed assets' key parts", () => {
    const graph = parseDgListDefs(
      listing(
        [
          { asset_key: "s3/a/b", asset_key_parts: ["s3", "a/b"] },
          { asset_key: "c", dependency_keys: ["s3/a/b"] },
        ],
        [check("s3/a/b", "fresh", { additional_deps: ["c", "s3/a/b"] })],
      ),
    );
    expect(graph.assets.find((a) => a.key.length === 2)?.checks).toEqual([
      { name: "fresh", description: null, additionalAssetKeys: [["c"]] },
    ]);
  });

  test("a check whose asset is not listed is left out, with one warning", () => {
    const warnings: string[] = [];
    const graph = parseDgListDefs(
      listing(
        [{ asset_key: "a" }],
        [
          check("a", "ok"),
          check("gone", "x"),
          check("gone", "y"),
          { asset_key: "elsewhere", name: "z" },
        ],
      ),
      { onWarning: (w) => warnings.push(w) },
    );
    expect(graph.assets[0]?.checks?.map((c) => c.name)).toEqual(["ok"]);
    expect(warnings).toEqual([
      '3 asset checks target assets the listing does not hold, so they are left out: "gone:x", "gone:y", "elsewhere:z"',
    ]);
  });

  test("the warning names at most five checks", () => {
    const warnings: string[] = [];
    const names = ["a", "b", "c", "d", "e", "f", "g"];
    parseDgListDefs(
      listing(
        [],
        names.map((n) => check("gone", n)),
      ),
      {
        onWarning: (w) => warnings.push(w),
      },
    );
    expect(warnings).toEqual([
      '7 asset checks target assets the listing does not hold, so they are left out: "gone:a", "gone:b", "gone:c", "gone:d", "gone:e" and 2 more',
    ]);
  });

  test("an object without asset_checks leaves checks unknown", () => {
    const { asset_checks: _, ...rest } = newest({ asset_key: "a" });
    expect(parseDgListDefs(rest).assets[0]).not.toHaveProperty("checks");
  });

  test("malformed checks name their JSON paths", () => {
    expect(() => parseDgListDefs({ ...newest(), asset_checks: {} }, { source: "x.json" })).toThrow(
      "x.json: $.asset_checks: expected a list",
    );
    expect(() =>
      parseDgListDefs(
        listing(
          [{ asset_key: "a" }],
          [{ asset_key: "a" }, check("a", "c", { additional_deps: [3] })],
        ),
        {
          source: "x.json",
        },
      ),
    ).toThrow(
      "x.json: $.asset_checks[0].name: expected string, received undefined; $.asset_checks[1].additional_deps[0]: expected string, received number",
    );
  });

  test("a check name given twice on one asset with different settings is an error", () => {
    expect(() =>
      parseDgListDefs(
        listing([{ asset_key: "a" }], [check("a", "c"), check("a", "c", { description: "other" })]),
      ),
    ).toThrow(/asset check "c" is declared twice with different settings/);
  });
});

describe("keys", () => {
  test.each<[string, Record<string, unknown>, string[]]>([
    ["asset_key split on /", { asset_key: "a/b/c" }, ["a", "b", "c"]],
    ["key split on /", { key: "a/b" }, ["a", "b"]],
    ["a single component", { key: "orders" }, ["orders"]],
    ["asset_key_parts", { asset_key_parts: ["s3", "bucket/prefix"] }, ["s3", "bucket/prefix"]],
    [
      "asset_key_parts over asset_key, which it joins to",
      { asset_key: "s3/bucket/prefix", asset_key_parts: ["s3", "bucket/prefix"] },
      ["s3", "bucket/prefix"],
    ],
    ["asset_key over key", { asset_key: "x/y", key: "ignored" }, ["x", "y"]],
  ])("%s", (_name, entry, expected) => {
    expect(parseDgListDefs(newest(entry)).assets[0]?.key).toEqual(expected);
  });

  test("a dependency string naming a listed asset takes that asset's key parts", () => {
    const graph = parseDgListDefs(
      newest(
        { asset_key: "s3/bucket/prefix", asset_key_parts: ["s3", "bucket/prefix"] },
        { asset_key: "report", dependency_keys: ["s3/bucket/prefix", "not/listed"] },
      ),
    );
    expect(graph.assets.find((a) => a.key[0] === "report")?.dependencies).toEqual([
      { key: ["not", "listed"] },
      { key: ["s3", "bucket/prefix"] },
    ]);
  });

  test("dependencies are a set; deps is read when dependency_keys is absent", () => {
    expect(one({ dependency_keys: ["b", "c/d", "b"] })?.dependencies).toEqual([
      { key: ["b"] },
      { key: ["c", "d"] },
    ]);
    expect(one({ deps: ["x"] })?.dependencies).toEqual([{ key: ["x"] }]);
    expect(one({ dependency_keys: null })?.dependencies).toEqual([]);
  });
});

describe("tags", () => {
  test.each<[string, string, { key: string; value: string }]>([
    ["plain", '"tier"="gold"', { key: "tier", value: "gold" }],
    ["empty value", '"pii"=""', { key: "pii", value: "" }],
    ["namespaced key", '"dbt/materialized"="view"', { key: "dbt/materialized", value: "view" }],
    ["quotes in the value", '"note"="say "hi""', { key: "note", value: 'say "hi"' }],
    ["= in the value", '"expr"="a = b"', { key: "expr", value: "a = b" }],
    ['"=" in the value', '"k"="a"="b"', { key: "k", value: 'a"="b' }],
    ["only quotes as value", '"k"="""', { key: "k", value: '"' }],
    ["unicode", '"steward"="Zoë 🚀 東京"', { key: "steward", value: "Zoë 🚀 東京" }],
    ["a newline in the value", '"k"="line 1\nline 2"', { key: "k", value: "line 1\nline 2" }],
  ])("tag string, %s", (_name, text, expected) => {
    expect(one({ tags: [text] })?.tags).toEqual([expected]);
  });

  test.each<[string, string]>([
    ["no quotes", "tier=gold"],
    ["no closing quote", '"tier"="gold'],
    ["no value", '"tier"'],
    ["an empty key", '""="gold"'],
    ["a quote inside the key", '"ti"er"="gold"'],
    ["spaces around =", '"tier" = "gold"'],
    ["an empty string", ""],
  ])("malformed tag string, %s, names its JSON path", (_name, text) => {
    expect(() => one({ tags: ['"ok"="1"', text] })).toThrow(
      new ValidationError(undefined, [
        {
          path: ["assets", 0, "tags", 1],
          message: `expected a tag string "key"="value", not ${JSON.stringify(text)}`,
        },
      ]),
    );
  });

  test("object, pair and string forms give the same tags", () => {
    const expected = [
      { key: "a", value: "1" },
      { key: "b", value: "2" },
    ];
    expect(
      one({
        tags: [
          { key: "b", value: "2" },
          { key: "a", value: "1" },
        ],
      })?.tags,
    ).toEqual(expected);
    expect(
      one({
        tags: [
          ["a", "1"],
          ["b", "2"],
        ],
      })?.tags,
    ).toEqual(expected);
    expect(one({ tags: ['"b"="2"', '"a"="1"'] })?.tags).toEqual(expected);
  });

  test("null tags (the newest schema's rendering of none) are an empty list", () => {
    expect(one({ tags: null })?.tags).toEqual([]);
  });

  test("a tag key given twice with different values names both JSON paths", () => {
    expect(() => one({ tags: ['"k"="1"', '"j"="0"', '"k"="2"'] })).toThrow(
      'input: $.assets[0].tags[2]: tag key "k" appears twice with different values (also at $.assets[0].tags[0])',
    );
  });
});

describe("owners", () => {
  test.each<[string, unknown[], Asset["owners"]]>([
    ["email string", ["alice@example.com"], [{ type: "user", email: "alice@example.com" }]],
    ["team string", ["team:data-eng"], [{ type: "team", team: "data-eng" }]],
    [
      "email object",
      [{ email: "alice@example.com" }],
      [{ type: "user", email: "alice@example.com" }],
    ],
    ["team object", [{ team: "data-eng" }], [{ type: "team", team: "data-eng" }]],
    [
      "an object of neither kind, kept opaque",
      [{ group: "x" }],
      [{ type: "unknown", typename: "", raw: { group: "x" } }],
    ],
    [
      "mixed forms, as a set",
      ["team:a", { email: "b@example.com" }, { team: "a" }],
      [
        { type: "user", email: "b@example.com" },
        { type: "team", team: "a" },
      ],
    ],
    ["none", [], []],
  ])("%s", (_name, owners, expected) => {
    expect(one({ owners })?.owners).toEqual(expected);
  });

  test("null owners are unknown", () => {
    expect(one({ owners: null })).not.toHaveProperty("owners");
  });
});

describe("other fields", () => {
  test.each<[string, unknown, Asset["automationCondition"]]>([
    ["a label", "eager", { label: "eager", expandedLabel: [] }],
    [
      "label and expansion",
      { label: "on_cron(0 2 * * *, UTC)", expanded_label: ["a", "AND", "b"] },
      { label: "on_cron(0 2 * * *, UTC)", expandedLabel: ["a", "AND", "b"] },
    ],
    [
      "an unlabeled condition",
      { label: null, expanded_label: ["x"] },
      { label: null, expandedLabel: ["x"] },
    ],
    ["none", null, null],
  ])("automation condition: %s", (_name, automation_condition, expected) => {
    expect(one({ automation_condition })?.automationCondition).toEqual(expected);
  });

  test("group_name and group, description, kinds and is_executable", () => {
    expect(
      one({ group_name: "g", description: "d", kinds: ["dbt"], is_executable: false }),
    ).toEqual({
      key: ["a"],
      codeLocation: null,
      repository: null,
      group: "g",
      kinds: ["dbt"],
      description: "d",
      isExecutable: false,
      checks: [],
    });
    expect(one({ group: "legacy" })?.group).toBe("legacy");
    expect(one({ group_name: null })?.group).toBeNull();
    expect(one({ kinds: null })?.kinds).toEqual([]);
  });
});

describe("malformed input", () => {
  const invalid = (json: unknown, issues: { path: (string | number)[]; message: string }[]) =>
    expect(() => parseDgListDefs(json, { source: "defs.json" })).toThrow(
      new ValidationError("defs.json", issues),
    );

  test("assets that are not a list", () => {
    invalid({ assets: { a: 1 }, jobs: [] }, [{ path: ["assets"], message: "expected a list" }]);
  });

  test("the message names the source, JSON path and problem", () => {
    expect(() => parseDgListDefs({ assets: "x" }, { source: "defs.json" })).toThrow(
      "defs.json: $.assets: expected a list",
    );
  });

  test.each<[string, Record<string, unknown>, (string | number)[], string]>([
    ["a numeric key", { asset_key: 7 }, ["asset_key"], "expected string, received number"],
    ["an empty key", { asset_key: "" }, ["asset_key"], "expected a non-empty asset key"],
    [
      "empty key parts",
      { asset_key_parts: [] },
      ["asset_key_parts"],
      "expected at least one key part",
    ],
    [
      "dependencies that are a string",
      { asset_key: "a", dependency_keys: "b" },
      ["dependency_keys"],
      "expected array, received string",
    ],
    [
      "a numeric dependency",
      { asset_key: "a", deps: ["b", 3] },
      ["deps", 1],
      "expected string, received number",
    ],
    [
      "a numeric tag",
      { asset_key: "a", tags: [3] },
      ["tags", 0],
      'expected a "key"="value" string or a {key, value} object',
    ],
    [
      "a tag object without a value",
      { asset_key: "a", tags: [{ key: "k" }] },
      ["tags", 0],
      'expected a "key"="value" string or a {key, value} object',
    ],
    [
      "a numeric owner",
      { asset_key: "a", owners: [42] },
      ["owners", 0],
      "expected an email or team:name string, or an {email} or {team} object",
    ],
    [
      "an automation condition that is a list",
      { asset_key: "a", automation_condition: ["eager"] },
      ["automation_condition"],
      "expected a label string, a {label, expanded_label} object or null",
    ],
    [
      "is_executable as a string",
      { asset_key: "a", is_executable: "true" },
      ["is_executable"],
      "expected boolean, received string",
    ],
    [
      "kinds as a string",
      { asset_key: "a", kinds: "dbt" },
      ["kinds"],
      "expected array, received string",
    ],
    [
      "parts that do not join to the key",
      { asset_key: "a/c", asset_key_parts: ["a", "b"] },
      ["asset_key_parts"],
      '["a","b"] does not join to the asset key "a/c"',
    ],
  ])("%s", (_name, entry, path, message) => {
    invalid(newest(entry), [{ path: ["assets", 0, ...path], message }]);
  });

  test("an entry with no key at all", () => {
    invalid(newest({ group_name: "g" }), [
      { path: ["assets", 0], message: "expected an asset key (asset_key, key or asset_key_parts)" },
    ]);
  });

  test("an entry that is not an object", () => {
    invalid(newest("a"), [{ path: ["assets", 0], message: "expected object, received string" }]);
  });

  test("an asset listed twice names both JSON paths", () => {
    invalid(newest({ asset_key: "a/b" }, { asset_key: "c" }, { key: "a/b" }), [
      { path: ["assets", 2], message: 'asset "a/b" is listed twice (also at $.assets[0])' },
    ]);
  });

  test("issues from several entries are all reported", () => {
    invalid(newest({ asset_key: 1 }, { asset_key: "ok" }, { asset_key: "b", tags: ["bad"] }), [
      { path: ["assets", 0, "asset_key"], message: "expected string, received number" },
      { path: ["assets", 2, "tags", 0], message: 'expected a tag string "key"="value", not "bad"' },
    ]);
  });

  test("list items: paths are list indices, and non-objects are reported", () => {
    invalid(
      [{ type: "asset", key: "a", deps: 1 }, "job", { type: 3 }],
      [
        { path: [0, "deps"], message: "expected array, received number" },
        { path: [1], message: "expected a definition object" },
        { path: [2, "type"], message: "expected a definition type string" },
      ],
    );
  });

  test.each<[string, unknown, string]>([
    [
      "a string",
      "assets",
      "defs.json: expected the output of dg list defs --json: an object with an assets list, or a list of definitions",
    ],
    [
      "null",
      null,
      "defs.json: expected the output of dg list defs --json: an object with an assets list, or a list of definitions",
    ],
    [
      "an object without assets",
      { jobs: [] },
      "defs.json: expected an object with an assets list (the output of dg list defs --json)",
    ],
    [
      "an asset-diff snapshot",
      { formatVersion: 1, assets: [] },
      "defs.json: is an asset-diff snapshot, not the output of dg list defs --json",
    ],
  ])("%s is not dg output", (_name, json, message) => {
    const run = () => parseDgListDefs(json, { source: "defs.json" });
    expect(run).toThrow(UnknownFormatError);
    expect(run).toThrow(message);
  });
});
