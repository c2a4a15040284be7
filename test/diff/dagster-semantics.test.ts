import { describe, expect, test } from "vitest";
import type { AssetChange, ChangeSet } from "../../src/diff/change-set";
import { type DiffOptions, diffAssetGraphs } from "../../src/diff/diff";
import { UsageError } from "../../src/errors";
import type { Asset } from "../../src/model/asset";
import { asset, dep, graph } from "../helpers/builders";

const daily = (start: string) => ({
  type: "TIME_WINDOW" as const,
  description: `Daily, starting ${start} UTC.`,
  fmt: "%Y-%m-%d",
});
const staticParts = (...keys: string[]) => ({
  type: "STATIC" as const,
  description: keys.map((k) => `'${k}'`).join(", "),
});
const timeMapping = (offset: number) => ({
  className: "TimeWindowPartitionMapping",
  description: `Maps a downstream partition to upstream partitions that overlap it, offset by ${offset}.`,
});
const identity = {
  className: "IdentityPartitionMapping",
  description: "Maps to the identically named partition.",
};

/** Only the asset-level Dagster view of a change set: key → sorted change types and details. */
function dagsterView(
  changeSet: ChangeSet,
): Record<string, Pick<AssetChange, "changeTypes" | "details">> {
  return Object.fromEntries(
    changeSet.assets.map((a) => [
      `${a.codeLocation}:${a.key}`,
      { changeTypes: a.changeTypes, details: a.details },
    ]),
  );
}

interface Case {
  name: string;
  base: Asset[];
  branch: Asset[];
  options?: DiffOptions;
  expected: Record<string, { changeTypes: string[]; details?: object }>;
}

const cases: Case[] = [
  {
    name: "a new asset is NEW with no details; its unchanged upstream is not listed",
    base: [asset("upstream")],
    branch: [asset("upstream"), asset("new_asset", { dependencies: [dep("upstream")] })],
    expected: { "loc:new_asset": { changeTypes: ["NEW"], details: {} } },
  },
  {
    name: "a removed asset is REMOVED with no details",
    base: [asset("upstream"), asset("downstream", { dependencies: [dep("upstream")] })],
    branch: [asset("upstream")],
    expected: { "loc:downstream": { changeTypes: ["REMOVED"], details: {} } },
  },
  {
    name: "a new upstream makes its downstream DEPENDENCIES with addedKeys",
    base: [asset("upstream"), asset("downstream", { dependencies: [dep("upstream")] })],
    branch: [
      asset("upstream"),
      asset("new_asset"),
      asset("downstream", { dependencies: [dep("upstream"), dep("new_asset")] }),
    ],
    expected: {
      "loc:new_asset": { changeTypes: ["NEW"] },
      "loc:downstream": {
        changeTypes: ["DEPENDENCIES"],
        details: {
          dependencies: {
            addedKeys: ["new_asset"],
            changedKeys: [],
            removedKeys: [],
            partitionMappings: [],
          },
        },
      },
    },
  },
  {
    name: "a dropped input is DEPENDENCIES with removedKeys",
    base: [asset("upstream"), asset("downstream", { dependencies: [dep("upstream")] })],
    branch: [asset("upstream"), asset("downstream")],
    expected: {
      "loc:downstream": {
        changeTypes: ["DEPENDENCIES"],
        details: {
          dependencies: {
            addedKeys: [],
            changedKeys: [],
            removedKeys: ["upstream"],
            partitionMappings: [],
          },
        },
      },
    },
  },
  {
    name: "code version 1 → 2",
    base: [asset("upstream", { codeVersion: "1" })],
    branch: [asset("upstream", { codeVersion: "2" })],
    expected: {
      "loc:upstream": {
        changeTypes: ["CODE_VERSION"],
        details: { codeVersion: { old: "1", new: "2" } },
      },
    },
  },
  {
    name: "code version null → value counts",
    base: [asset("a", { codeVersion: null })],
    branch: [asset("a", { codeVersion: "abc123" })],
    expected: {
      "loc:a": {
        changeTypes: ["CODE_VERSION"],
        details: { codeVersion: { old: null, new: "abc123" } },
      },
    },
  },
  {
    name: "code version value → null counts",
    base: [asset("a", { codeVersion: "v1" })],
    branch: [asset("a", { codeVersion: null })],
    expected: {
      "loc:a": {
        changeTypes: ["CODE_VERSION"],
        details: { codeVersion: { old: "v1", new: null } },
      },
    },
  },
  {
    name: 'code version "" and null differ',
    base: [asset("a", { codeVersion: "" })],
    branch: [asset("a", { codeVersion: null })],
    expected: {
      "loc:a": { changeTypes: ["CODE_VERSION"], details: { codeVersion: { old: "", new: null } } },
    },
  },
  {
    name: "several changes on one asset are listed sorted",
    base: [
      asset("upstream"),
      asset("downstream", {
        codeVersion: "1",
        dependencies: [dep("upstream")],
        tags: [{ key: "t", value: "1" }],
      }),
    ],
    branch: [
      asset("upstream"),
      asset("downstream", { codeVersion: "2", tags: [{ key: "t", value: "2" }] }),
    ],
    expected: {
      "loc:downstream": {
        changeTypes: ["CODE_VERSION", "DEPENDENCIES", "TAGS"],
        details: {
          codeVersion: { old: "1", new: "2" },
          dependencies: {
            addedKeys: [],
            changedKeys: [],
            removedKeys: ["upstream"],
            partitionMappings: [],
          },
          tags: { addedKeys: [], changedKeys: ["t"], removedKeys: [] },
        },
      },
    },
  },
  {
    name: "a changed then reverted definition is unchanged",
    base: [asset("a", { codeVersion: "1", tags: [{ key: "x", value: "y" }] })],
    branch: [asset("a", { codeVersion: "1", tags: [{ key: "x", value: "y" }] })],
    expected: {},
  },
  {
    name: "multi-part keys are compared by path and shown joined by /",
    base: [
      asset(["raw", "stripe", "charges"]),
      asset(["marts", "fct"], { dependencies: [{ key: ["raw", "stripe", "charges"] }] }),
    ],
    branch: [
      asset(["raw", "stripe", "charges"]),
      asset(["marts", "fct"], { dependencies: [{ key: ["raw", "stripe", "refunds"] }] }),
    ],
    expected: {
      "loc:marts/fct": {
        changeTypes: ["DEPENDENCIES"],
        details: {
          dependencies: {
            addedKeys: ["raw/stripe/refunds"],
            changedKeys: [],
            removedKeys: ["raw/stripe/charges"],
          },
        },
      },
    },
  },
  {
    name: "dangling dependency keys (upstreams not in the graph) are kept and compared",
    base: [asset("a", { dependencies: [dep("elsewhere/x")] })],
    branch: [asset("a", { dependencies: [dep("elsewhere/x"), dep("elsewhere/y")] })],
    expected: {
      "loc:a": {
        changeTypes: ["DEPENDENCIES"],
        details: { dependencies: { addedKeys: ["elsewhere/y"], changedKeys: [], removedKeys: [] } },
      },
    },
  },
  {
    name: "a partition mapping changed on one of two parents names that parent in changedKeys",
    base: [asset("d", { dependencies: [dep("p1", timeMapping(-1)), dep("p2", identity)] })],
    branch: [asset("d", { dependencies: [dep("p1", timeMapping(0)), dep("p2", identity)] })],
    expected: {
      "loc:d": {
        changeTypes: ["DEPENDENCIES"],
        details: {
          dependencies: {
            addedKeys: [],
            changedKeys: ["p1"],
            removedKeys: [],
            partitionMappings: [
              { key: "p1", path: ["p1"], old: timeMapping(-1), new: timeMapping(0) },
            ],
          },
        },
      },
    },
  },
  {
    name: "a partition mapping null → declared counts",
    base: [asset("d", { dependencies: [dep("p", null)] })],
    branch: [asset("d", { dependencies: [dep("p", identity)] })],
    expected: {
      "loc:d": {
        changeTypes: ["DEPENDENCIES"],
        details: { dependencies: { addedKeys: [], changedKeys: ["p"], removedKeys: [] } },
      },
    },
  },
  {
    name: "when the parent set changes, a mapping change on a kept parent leaves changedKeys empty (as Dagster)",
    base: [asset("d", { dependencies: [dep("p1", timeMapping(-1)), dep("p2", null)] })],
    branch: [asset("d", { dependencies: [dep("p1", timeMapping(0))] })],
    expected: {
      "loc:d": {
        changeTypes: ["DEPENDENCIES"],
        details: {
          dependencies: {
            addedKeys: [],
            changedKeys: [],
            removedKeys: ["p2"],
            partitionMappings: [
              { key: "p1", path: ["p1"], old: timeMapping(-1), new: timeMapping(0) },
            ],
          },
        },
      },
    },
  },
  {
    name: "a daily start date change keeps the class name on both sides",
    base: [asset("daily", { partitionsDefinition: daily("2023-01-01") })],
    branch: [asset("daily", { partitionsDefinition: daily("2024-01-01") })],
    expected: {
      "loc:daily": {
        changeTypes: ["PARTITIONS_DEFINITION"],
        details: {
          partitionsDefinition: {
            old: "TimeWindowPartitionsDefinition",
            new: "TimeWindowPartitionsDefinition",
            oldDefinition: daily("2023-01-01"),
            newDefinition: daily("2024-01-01"),
          },
        },
      },
    },
  },
  {
    name: "unpartitioned → static is PARTITIONS_DEFINITION null → StaticPartitionsDefinition",
    base: [asset("s")],
    branch: [asset("s", { partitionsDefinition: staticParts("us", "eu") })],
    expected: {
      "loc:s": {
        changeTypes: ["PARTITIONS_DEFINITION"],
        details: { partitionsDefinition: { old: null, new: "StaticPartitionsDefinition" } },
      },
    },
  },
  {
    name: "a static key added is a partitions change; reordered keys are one too (order is meaningful)",
    base: [
      asset("s1", { partitionsDefinition: staticParts("a", "b") }),
      asset("s2", { partitionsDefinition: staticParts("a", "b") }),
    ],
    branch: [
      asset("s1", { partitionsDefinition: staticParts("a", "b", "c") }),
      asset("s2", { partitionsDefinition: staticParts("b", "a") }),
    ],
    expected: {
      "loc:s1": { changeTypes: ["PARTITIONS_DEFINITION"] },
      "loc:s2": { changeTypes: ["PARTITIONS_DEFINITION"] },
    },
  },
  {
    name: "tags: removed, changed, added and removed keys (Dagster's tags scenario)",
    base: [
      asset("upstream", {
        tags: [
          { key: "one", value: "1" },
          { key: "two", value: "2" },
        ],
      }),
      asset("downstream", { tags: [{ key: "baz", value: "qux" }] }),
      asset("fruits", { tags: [{ key: "red", value: "apple" }] }),
      asset("letters", {
        tags: [
          { key: "a", value: "1" },
          { key: "b", value: "2" },
        ],
      }),
      asset("numbers", {
        tags: [
          { key: "one", value: "1" },
          { key: "two", value: "2" },
        ],
      }),
    ],
    branch: [
      asset("upstream", { tags: [{ key: "two", value: "2" }] }),
      asset("downstream", { tags: [{ key: "baz", value: "changed" }] }),
      asset("fruits", { tags: [{ key: "green", value: "apple" }] }),
      asset("letters", {
        tags: [
          { key: "c", value: "3" },
          { key: "a", value: "1" },
          { key: "b", value: "2" },
        ],
      }),
      asset("numbers", {
        tags: [
          { key: "two", value: "2" },
          { key: "one", value: "1" },
        ],
      }),
    ],
    expected: {
      "loc:upstream": {
        changeTypes: ["TAGS"],
        details: { tags: { addedKeys: [], changedKeys: [], removedKeys: ["one"] } },
      },
      "loc:downstream": {
        changeTypes: ["TAGS"],
        details: {
          tags: {
            addedKeys: [],
            changedKeys: ["baz"],
            removedKeys: [],
            values: [{ key: "baz", old: "qux", new: "changed" }],
          },
        },
      },
      "loc:fruits": {
        changeTypes: ["TAGS"],
        details: { tags: { addedKeys: ["green"], changedKeys: [], removedKeys: ["red"] } },
      },
      "loc:letters": {
        changeTypes: ["TAGS"],
        details: { tags: { addedKeys: ["c"], changedKeys: [], removedKeys: [] } },
      },
    },
  },
  {
    name: "a kind added through kinds is a TAGS change on its dagster/kind tag",
    base: [asset("k", { kinds: ["python"], tags: [{ key: "dagster/kind/python", value: "" }] })],
    branch: [
      asset("k", {
        kinds: ["python", "snowflake"],
        tags: [
          { key: "dagster/kind/python", value: "" },
          { key: "dagster/kind/snowflake", value: "" },
        ],
      }),
    ],
    options: { changeTypes: "dagster" },
    expected: {
      "loc:k": {
        changeTypes: ["TAGS"],
        details: {
          tags: { addedKeys: ["dagster/kind/snowflake"], changedKeys: [], removedKeys: [] },
        },
      },
    },
  },
  {
    name: "metadata int 10 → text '10' is a change (values compare with their types)",
    base: [asset("m", { metadata: [{ key: "n", value: { type: "int", value: 10 } }] })],
    branch: [asset("m", { metadata: [{ key: "n", value: { type: "text", text: "10" } }] })],
    expected: {
      "loc:m": {
        changeTypes: ["METADATA"],
        details: {
          metadata: {
            addedKeys: [],
            changedKeys: ["n"],
            removedKeys: [],
            values: [
              { key: "n", old: { type: "int", value: 10 }, new: { type: "text", text: "10" } },
            ],
          },
        },
      },
    },
  },
  {
    name: "metadata: removed, changed, added and removed keys (Dagster's metadata scenario)",
    base: [
      asset("upstream", { metadata: [{ key: "one", value: { type: "int", value: 1 } }] }),
      asset("downstream", { metadata: [{ key: "baz", value: { type: "text", text: "qux" } }] }),
      asset("fruits", { metadata: [{ key: "red", value: { type: "text", text: "apple" } }] }),
    ],
    branch: [
      asset("upstream", { metadata: [] }),
      asset("downstream", { metadata: [{ key: "baz", value: { type: "text", text: "changed" } }] }),
      asset("fruits", { metadata: [{ key: "green", value: { type: "text", text: "apple" } }] }),
    ],
    expected: {
      "loc:upstream": {
        changeTypes: ["METADATA"],
        details: { metadata: { addedKeys: [], changedKeys: [], removedKeys: ["one"] } },
      },
      "loc:downstream": {
        changeTypes: ["METADATA"],
        details: { metadata: { addedKeys: [], changedKeys: ["baz"], removedKeys: [] } },
      },
      "loc:fruits": {
        changeTypes: ["METADATA"],
        details: { metadata: { addedKeys: ["green"], changedKeys: [], removedKeys: ["red"] } },
      },
    },
  },
  {
    name: "reordered nodes, tags, metadata entries and JSON object keys are no change",
    base: [
      asset("a", {
        tags: [
          { key: "x", value: "1" },
          { key: "y", value: "2" },
        ],
        metadata: [
          { key: "j", value: { type: "json", value: { b: 1, a: { d: [1, 2], c: null } } } },
          { key: "t", value: { type: "text", text: "hi" } },
        ],
        dependencies: [dep("p1"), dep("p2")],
        owners: [
          { type: "team", team: "data" },
          { type: "user", email: "a@example.com" },
        ],
      }),
      asset("b"),
    ],
    branch: [
      asset("b"),
      asset("a", {
        tags: [
          { key: "y", value: "2" },
          { key: "x", value: "1" },
        ],
        metadata: [
          { key: "t", value: { type: "text", text: "hi" } },
          { key: "j", value: { type: "json", value: { a: { c: null, d: [1, 2] }, b: 1 } } },
        ],
        dependencies: [dep("p2"), dep("p1")],
        owners: [
          { type: "user", email: "a@example.com" },
          { type: "team", team: "data" },
        ],
      }),
    ],
    expected: {},
  },
  {
    name: "a nested JSON metadata change carries the path inside the value",
    base: [
      asset("j", {
        metadata: [
          { key: "cfg", value: { type: "json", value: { retries: { max: 3 }, owner: "x" } } },
        ],
      }),
    ],
    branch: [
      asset("j", {
        metadata: [
          { key: "cfg", value: { type: "json", value: { owner: "x", retries: { max: 5 } } } },
        ],
      }),
    ],
    expected: {
      "loc:j": {
        changeTypes: ["METADATA"],
        details: {
          metadata: {
            changedKeys: ["cfg"],
            values: [
              {
                key: "cfg",
                changes: [{ type: "CHANGE", path: ["retries", "max"], oldValue: 3, value: 5 }],
              },
            ],
          },
        },
      },
    },
  },
  {
    name: "the same key in two code locations is two assets; only the changed one is reported",
    base: [
      asset("shared", { codeLocation: "one", codeVersion: "1" }),
      asset("shared", { codeLocation: "two", codeVersion: "1" }),
    ],
    branch: [
      asset("shared", { codeLocation: "one", codeVersion: "1" }),
      asset("shared", { codeLocation: "two", codeVersion: "2" }),
    ],
    expected: { "two:shared": { changeTypes: ["CODE_VERSION"] } },
  },
  {
    name: "an asset moved between code locations is REMOVED in one and NEW in the other",
    base: [asset("m", { codeLocation: "one" }), asset("keep", { codeLocation: "two" })],
    branch: [
      asset("keep", { codeLocation: "two" }),
      asset("m", { codeLocation: "two" }),
      asset("other", { codeLocation: "one" }),
    ],
    expected: {
      "one:m": { changeTypes: ["REMOVED"] },
      "two:m": { changeTypes: ["NEW"] },
      "one:other": { changeTypes: ["NEW"] },
    },
  },
  {
    name: "codeLocation scopes the diff to one location, ignoring changes elsewhere",
    base: [
      asset("a", { codeLocation: "one", codeVersion: "1" }),
      asset("a", { codeLocation: "two", codeVersion: "1" }),
    ],
    branch: [
      asset("a", { codeLocation: "one", codeVersion: "1" }),
      asset("a", { codeLocation: "two", codeVersion: "2" }),
    ],
    options: { codeLocation: "one" },
    expected: {},
  },
  {
    name: "when the base lacks the code location, every asset is NEW",
    base: [asset("upstream", { codeLocation: "other" })],
    branch: [
      asset("upstream", { codeLocation: "fresh" }),
      asset("downstream", { codeLocation: "fresh", dependencies: [dep("upstream")] }),
    ],
    options: { codeLocation: "fresh" },
    expected: {
      "fresh:upstream": { changeTypes: ["NEW"] },
      "fresh:downstream": { changeTypes: ["NEW"] },
    },
  },
  {
    name: "a code location missing from the branch is not compared (its assets are not REMOVED)",
    base: [asset("a", { codeLocation: "one" }), asset("b", { codeLocation: "gone" })],
    branch: [asset("a", { codeLocation: "one", codeVersion: "2" })],
    expected: { "one:a": { changeTypes: ["CODE_VERSION"] } },
  },
  {
    name: "changes Dagster does not track are invisible in dagster mode",
    base: [asset("g", { group: "old", description: "x", owners: [{ type: "team", team: "a" }] })],
    branch: [asset("g", { group: "new", description: "y", owners: [{ type: "team", team: "b" }] })],
    options: { changeTypes: "dagster" },
    expected: {},
  },
];

describe("Dagster change-tracking semantics", () => {
  test.each(cases)("$name", ({ base, branch, options, expected }) => {
    const view = dagsterView(diffAssetGraphs(graph(...base), graph(...branch), options));
    expect(Object.keys(view).sort()).toEqual(Object.keys(expected).sort());
    for (const [id, want] of Object.entries(expected)) {
      expect(view[id]?.changeTypes, id).toEqual(want.changeTypes);
      if (want.details) expect(view[id]?.details, id).toMatchObject(want.details);
    }
  });

  test("details hold a member exactly for each reported change type", () => {
    const changeSet = diffAssetGraphs(
      graph(asset("a", { codeVersion: "1", tags: [{ key: "k", value: "v" }] })),
      graph(asset("a", { codeVersion: "2", tags: [{ key: "k", value: "v" }] })),
      { changeTypes: "dagster" },
    );
    expect(changeSet.assets[0]?.details).toEqual({ codeVersion: { old: "1", new: "2" } });
  });

  test("a code location the branch does not have is a usage error naming the ones it has", () => {
    const base = graph(asset("a", { codeLocation: "one" }));
    const branch = graph(asset("a", { codeLocation: "one" }), asset("b", { codeLocation: "two" }));
    expect(() => diffAssetGraphs(base, branch, { codeLocation: "three" })).toThrow(UsageError);
    expect(() => diffAssetGraphs(base, branch, { codeLocation: "three" })).toThrow(
      /"three" is not in the branch; it has "one", "two"/,
    );
  });

  test("a code location chosen when neither input says where its assets are is a usage error naming them", () => {
    const unlocated = (name: string) => ({
      ...graph(asset("a", { codeLocation: null })),
      source: { format: "dbt-manifest", name },
    });
    const [base, branch] = [unlocated("prod.json"), unlocated("branch.json")];
    expect(() => diffAssetGraphs(base, branch, { codeLocation: "one" })).toThrow(UsageError);
    expect(() => diffAssetGraphs(base, branch, { codeLocation: "one" })).toThrow(
      'code location "one" cannot be chosen: neither input says which code location its assets are in (the base (prod.json), the branch (branch.json))',
    );
    // An empty side says nothing either way: the other is named alone.
    expect(() => diffAssetGraphs(graph(), branch, { codeLocation: "one" })).toThrow(
      /in \(the branch \(branch\.json\)\)$/,
    );
    expect(diffAssetGraphs(base, branch).assets).toEqual([]);
    // One side that names locations is scoped to it; the other is compared whole.
    const located = graph(asset("a", { codeLocation: "one" }), asset("b", { codeLocation: "two" }));
    expect(diffAssetGraphs(located, branch, { codeLocation: "one" }).assets).toEqual([]);
  });

  test("scoping to a location that exists in the branch but is empty reports its base assets REMOVED", () => {
    const base = { assets: [asset("a", { codeLocation: "one" })] };
    const branch = { assets: [], codeLocations: [{ name: "one", status: "loaded" as const }] };
    const changeSet = diffAssetGraphs(base, branch, { codeLocation: "one" });
    expect(changeSet.assets.map((a) => [a.key, a.changeTypes])).toEqual([["a", ["REMOVED"]]]);
  });
});

describe("code locations that did not load", () => {
  const base = {
    assets: [asset("a", { codeLocation: "ok" }), asset("b", { codeLocation: "broken" })],
    codeLocations: [
      { name: "ok", status: "loaded" as const },
      { name: "broken", status: "loaded" as const },
    ],
  };
  const branch = {
    assets: [asset("a", { codeLocation: "ok" })],
    codeLocations: [
      { name: "ok", status: "loaded" as const },
      {
        name: "broken",
        status: "failed" as const,
        error: { message: "ImportError: no module named x", className: "DagsterUserCodeLoadError" },
      },
    ],
  };

  test("a location that failed in the branch is reported, and its assets are not REMOVED", () => {
    const changeSet = diffAssetGraphs(base, branch);
    expect(changeSet.assets).toEqual([]);
    expect(changeSet.locations).toEqual([
      {
        codeLocation: "broken",
        status: "notLoadedInBranch",
        baseAssets: 1,
        branchAssets: 0,
        message:
          "failed to load in the branch: DagsterUserCodeLoadError: ImportError: no module named x",
      },
      { codeLocation: "ok", status: "compared", baseAssets: 1, branchAssets: 1 },
    ]);
  });

  test("a location that failed in the base is reported, and branch assets are not NEW", () => {
    const changeSet = diffAssetGraphs(branch, base);
    expect(changeSet.assets).toEqual([]);
    expect(changeSet.locations.find((l) => l.codeLocation === "broken")?.status).toBe(
      "notLoadedInBase",
    );
  });
});

describe("extra change types", () => {
  const base = asset("x", {
    group: "finance",
    owners: [{ type: "team", team: "data" }],
    description: "Revenue",
    kinds: ["dbt"],
    automationCondition: { label: "eager", expandedLabel: ["eager"] },
    freshnessPolicy: { type: "timeWindow", failWindowSeconds: 3600, warnWindowSeconds: null },
    backfillPolicy: {
      policyType: "SINGLE_RUN",
      maxPartitionsPerRun: null,
      description: "Single run",
    },
    isMaterializable: true,
    isObservable: false,
  });
  const branch = asset("x", {
    group: "core",
    owners: [
      { type: "team", team: "data" },
      { type: "user", email: "ana@example.com" },
    ],
    description: "Revenue, net of refunds",
    kinds: ["dbt", "snowflake"],
    automationCondition: { label: "on_cron", expandedLabel: ["on_cron(0 * * * *)"] },
    freshnessPolicy: { type: "timeWindow", failWindowSeconds: 7200, warnWindowSeconds: null },
    backfillPolicy: { policyType: "MULTI_RUN", maxPartitionsPerRun: 10, description: "Multi run" },
    isMaterializable: false,
    isObservable: true,
  });

  test("an unknown owner whose raw fields arrive in another order is the same owner", () => {
    const owner = (raw: Record<string, number>) => ({
      type: "unknown" as const,
      typename: "Foo",
      raw,
    });
    const [change, ...rest] = diffAssetGraphs(
      graph(asset("o", { group: "old", owners: [owner({ a: 1, b: 2 })] })),
      graph(asset("o", { group: "new", owners: [owner({ b: 2, a: 1 })] })),
    ).assets;
    expect(rest).toEqual([]);
    expect(change?.extraChangeTypes).toEqual(["GROUP"]);
    expect(change?.details.owners).toBeUndefined();
  });

  test("are listed apart from Dagster's, with old and new values", () => {
    const [change] = diffAssetGraphs(graph(base), graph(branch)).assets;
    expect(change?.changeTypes).toEqual([]);
    expect(change?.extraChangeTypes).toEqual([
      "AUTOMATION_CONDITION",
      "BACKFILL_POLICY",
      "DESCRIPTION",
      "EXECUTION_TYPE",
      "FRESHNESS_POLICY",
      "GROUP",
      "KINDS",
      "OWNERS",
    ]);
    expect(change?.details.group).toEqual({ old: "finance", new: "core" });
    expect(change?.details.owners?.added).toEqual([{ type: "user", email: "ana@example.com" }]);
    expect(change?.details.kinds).toMatchObject({ added: ["snowflake"], removed: [] });
    expect(change?.details.executionType).toEqual({
      old: { isExecutable: true, isMaterializable: true, isObservable: false },
      new: { isExecutable: true, isMaterializable: false, isObservable: true },
    });
  });

  test("dagster mode holds exactly Dagster's types and otherwise equals all mode", () => {
    const changed = (a: Asset, codeVersion: string) => ({ ...a, codeVersion });
    const all = diffAssetGraphs(graph(changed(base, "1")), graph(changed(branch, "2")));
    const dagster = diffAssetGraphs(graph(changed(base, "1")), graph(changed(branch, "2")), {
      changeTypes: "dagster",
    });
    expect(dagster.assets).toEqual([
      {
        key: "x",
        path: ["x"],
        codeLocation: "loc",
        repository: "__repository__",
        changeTypes: ["CODE_VERSION"],
        details: { codeVersion: { old: "1", new: "2" } },
      },
    ]);
    const stripped = all.assets.map(({ extraChangeTypes: _extra, details, ...rest }) => ({
      ...rest,
      details: { codeVersion: details.codeVersion },
    }));
    expect(stripped).toEqual(dagster.assets);
    expect(dagster.summary.extraChangeTypes).toBeUndefined();
    expect(dagster.summary.changeTypes).toEqual(all.summary.changeTypes);
  });
});

describe("inputs that do not say where assets live", () => {
  const located = graph(
    asset("a", { codeLocation: "one", codeVersion: "1" }),
    asset("b", { codeLocation: "one" }),
  );
  const bare = graph(
    asset("a", { codeLocation: null, repository: null, codeVersion: "2" }),
    asset("c", { codeLocation: null, repository: null }),
  );

  test("are matched by key alone, and the change set says so", () => {
    const changeSet = diffAssetGraphs(located, bare);
    expect(changeSet.assets.map((a) => [a.key, a.changeTypes])).toEqual([
      ["a", ["CODE_VERSION"]],
      ["b", ["REMOVED"]],
      ["c", ["NEW"]],
    ]);
    expect(changeSet.locations).toEqual([
      {
        codeLocation: null,
        status: "compared",
        baseAssets: 2,
        branchAssets: 2,
        message:
          "matched by key alone: the branch input does not say which code location its assets are in",
      },
    ]);
  });

  test("a key in two locations of the located side is ambiguous unless one location is chosen", () => {
    const twoLocations = graph(
      asset("a", { codeLocation: "one" }),
      asset("a", { codeLocation: "two" }),
    );
    expect(() => diffAssetGraphs(twoLocations, bare)).toThrow(UsageError);
    expect(() => diffAssetGraphs(twoLocations, bare)).toThrow(
      /defines "a" twice \(in "one\/__repository__" and "two\/__repository__"\): compare one code location at a time/,
    );
    expect(
      diffAssetGraphs(twoLocations, bare, { codeLocation: "two" }).assets.map((a) => [
        a.key,
        a.changeTypes,
      ]),
    ).toEqual([
      ["a", ["CODE_VERSION"]],
      ["c", ["NEW"]],
    ]);
  });
});

describe("the locations list", () => {
  test("holds only the chosen code location when one is chosen", () => {
    const base = {
      assets: [asset("a", { codeLocation: "one" })],
      codeLocations: [
        { name: "broken", status: "failed" as const, error: { message: "x", className: null } },
      ],
    };
    const changeSet = diffAssetGraphs(base, graph(asset("a", { codeLocation: "one" })), {
      codeLocation: "one",
    });
    expect(changeSet.locations.map((l) => l.codeLocation)).toEqual(["one"]);
  });

  test("does not repeat a class name the load error already starts with", () => {
    const branch = {
      assets: [],
      codeLocations: [
        {
          name: "x",
          status: "failed" as const,
          error: {
            message: "ModuleNotFoundError: No module named 'foo'\n  at ...",
            className: "ModuleNotFoundError",
          },
        },
      ],
    };
    const [location] = diffAssetGraphs(graph(asset("a", { codeLocation: "x" })), branch).locations;
    expect(location?.message).toBe(
      "failed to load in the branch: ModuleNotFoundError: No module named 'foo'",
    );
  });
});
