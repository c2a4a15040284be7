import { describe, expect, test } from "vitest";
import type { ChangeSet } from "../../src/diff/change-set";
import { changeSetSchema } from "../../src/diff/change-set-schema";
import { type DiffOptions, diffAssetGraphs } from "../../src/diff/diff";
import type { AssetGraph } from "../../src/model/asset";
import type { IgnoreRule } from "../../src/policies/config";
import { ignoreRules } from "../../src/policies/ignore";
import { applyPolicies, createPolicyContext } from "../../src/policies/policy";
import type { AssetSelection } from "../../src/policies/select";
import { asset, dep, graph } from "../helpers/builders";

function review(
  base: AssetGraph,
  branch: AssetGraph,
  rules: readonly IgnoreRule[],
  options: DiffOptions = {},
): ChangeSet {
  return applyPolicies(
    diffAssetGraphs(base, branch, options),
    [ignoreRules(rules)],
    createPolicyContext({ base, branch }),
  );
}

const tagList = (entries: Record<string, string>) =>
  Object.entries(entries).map(([key, value]) => ({ key, value }));
const text = (value: string) => ({ type: "text" as const, text: value });

/** One asset `t` that changes code version, tags, metadata and owners. */
const before = asset("t", {
  codeVersion: "1",
  tags: tagList({ "ci/run": "1", "ci/sha": "a", team: "x", "dagster/kind/dbt": "" }),
  metadata: [
    { key: "dagster/row_count", value: { type: "int", value: 1 } },
    { key: "built_at", value: text("mon") },
    { key: "owner", value: text("a") },
  ],
  owners: [{ type: "team", team: "a" }],
});
const after = asset("t", {
  codeVersion: "2",
  tags: tagList({ "ci/run": "2", "ci/sha": "b", team: "y", ".hidden": "z" }),
  metadata: [
    { key: "dagster/row_count", value: { type: "int", value: 2 } },
    { key: "built_at", value: text("tue") },
    { key: "owner", value: text("b") },
  ],
  owners: [{ type: "team", team: "b" }],
});
const one = (rules: IgnoreRule[]) => review(graph(before), graph(after), rules);
const left = (changes: ChangeSet) =>
  changes.assets.map((a) => [
    a.key,
    [...a.changeTypes, ...(a.extraChangeTypes ?? [])],
    a.details.tags?.values.map((v) => v.key),
    a.details.metadata?.values.map((v) => v.key),
  ]);

describe("ignoreRules: what a rule suppresses", () => {
  test("a listed change type, whole", () => {
    const changes = one([{ changeTypes: ["CODE_VERSION", "OWNERS"], reason: "noise" }]);
    expect(left(changes)).toEqual([
      [
        "t",
        ["METADATA", "TAGS"],
        [".hidden", "ci/run", "ci/sha", "dagster/kind/dbt", "team"],
        ["built_at", "dagster/row_count", "owner"],
      ],
    ]);
    expect(changes.suppressed.map((s) => [s.changeType, s.keys, s.rule, s.reason])).toEqual([
      ["CODE_VERSION", [], "ignore[0]", "noise"],
      ["OWNERS", [], "ignore[0]", "noise"],
    ]);
    expect(changes.assets[0]?.details.codeVersion).toBeUndefined();
  });

  test.each([
    ["ci/*", [".hidden", "dagster/kind/dbt", "team"], ["ci/run", "ci/sha"]],
    ["dagster/*", [".hidden", "ci/run", "ci/sha", "dagster/kind/dbt", "team"], []],
    ["dagster/**", [".hidden", "ci/run", "ci/sha", "team"], ["dagster/kind/dbt"]],
    ["*", ["ci/run", "ci/sha", "dagster/kind/dbt"], [".hidden", "team"]],
    ["team", [".hidden", "ci/run", "ci/sha", "dagster/kind/dbt"], ["team"]],
  ])("tag glob %s: added, changed and removed keys that match", (glob, kept, dropped) => {
    const changes = one([{ tags: [glob], reason: "r" }]);
    expect(changes.assets[0]?.details.tags?.values.map((v) => v.key)).toEqual(kept);
    expect(changes.suppressed.map((s) => s.keys)).toEqual(dropped.length ? [dropped] : []);
    // The other change types are not touched by a rule that names keys only.
    expect(changes.assets[0]?.changeTypes).toEqual(["CODE_VERSION", "METADATA", "TAGS"]);
  });

  test("metadata globs, several per rule", () => {
    const changes = one([{ metadata: ["dagster/row_count", "built_*"], reason: "runtime" }]);
    expect(left(changes)[0]?.[3]).toEqual(["owner"]);
    expect(changes.suppressed.map((s) => [s.changeType, s.keys])).toEqual([
      ["METADATA", ["built_at", "dagster/row_count"]],
    ]);
  });

  test("every key of a section ignored removes the change type", () => {
    const changes = one([{ metadata: ["**"], tags: ["**"], reason: "r" }]);
    expect(left(changes)).toEqual([["t", ["CODE_VERSION", "OWNERS"], undefined, undefined]]);
    expect(changes.summary.changeTypes).toMatchObject({ TAGS: 0, METADATA: 0, CODE_VERSION: 1 });
  });

  test("a change type listed whole and globbed too gives one entry", () => {
    const changes = one([{ changeTypes: ["TAGS"], tags: ["ci/*"], reason: "r" }]);
    expect(changes.suppressed.map((s) => [s.changeType, s.keys])).toEqual([["TAGS", []]]);
  });

  test("a rule with no change types, tags or metadata suppresses everything of its assets", () => {
    const changes = one([{ reason: "scratch asset" }]);
    expect(changes.assets).toEqual([]);
    expect(changes.suppressed.map((s) => s.changeType)).toEqual([
      "CODE_VERSION",
      "TAGS",
      "METADATA",
      "OWNERS",
    ]);
    expect(changes.summary.assets).toEqual({ new: 0, removed: 0, modified: 0, unchanged: 1 });
  });

  test("an ignored NEW makes the asset unchanged, counted as such", () => {
    const base = graph(asset("kept"));
    const branch = graph(asset("kept"), asset("scratch/tmp"));
    const changes = review(base, branch, [{ changeTypes: ["NEW"], reason: "scratch" }]);
    expect(changes.assets).toEqual([]);
    expect(changes.summary.assets).toEqual({ new: 0, removed: 0, modified: 0, unchanged: 2 });
    expect(changes.summary.changeTypes.NEW).toBe(0);
    expect(changes.suppressed.map((s) => [s.key, s.changeType, s.keys])).toEqual([
      ["scratch/tmp", "NEW", []],
    ]);
    const listed = review(base, branch, [{ changeTypes: ["NEW"], reason: "scratch" }], {
      includeUnchanged: true,
    });
    expect(listed.assets.map((a) => [a.key, a.changeTypes])).toEqual([
      ["kept", []],
      ["scratch/tmp", []],
    ]);
  });

  test("an ignored REMOVED too", () => {
    const changes = review(graph(asset("a"), asset("old")), graph(asset("a")), [
      { changeTypes: ["REMOVED"], reason: "r" },
    ]);
    expect(changes.assets).toEqual([]);
    expect(changes.summary.assets.unchanged).toBe(2);
  });
});

describe("ignoreRules: names", () => {
  test("a rule is named by its id, else by its index in the list", () => {
    const changes = one([
      { changeTypes: ["CODE_VERSION"], reason: "first" },
      { id: "ci-tags", tags: ["ci/*"], reason: "set by CI" },
      { metadata: ["built_at"], reason: "third" },
    ]);
    expect(changes.suppressed.map((s) => [s.changeType, s.rule, s.reason])).toEqual([
      ["CODE_VERSION", "ignore[0]", "first"],
      ["TAGS", "ci-tags", "set by CI"],
      ["METADATA", "ignore[2]", "third"],
    ]);
    expect(changes.summary.suppressed).toBe(3);
  });

  test("when two rules match the same change, the first is recorded", () => {
    const changes = one([
      { id: "a", tags: ["ci/run"], reason: "a" },
      { id: "b", tags: ["ci/*"], reason: "b" },
    ]);
    expect(changes.suppressed.map((s) => [s.rule, s.keys])).toEqual([
      ["a", ["ci/run"]],
      ["b", ["ci/sha"]],
    ]);
  });
});

describe("ignoreRules: selection", () => {
  const side = (version: string) =>
    graph(
      asset("marts/orders", { codeVersion: version, group: "marts", kinds: ["dbt"] }),
      asset("staging/stg", {
        codeVersion: version,
        group: "staging",
        tags: tagList({ "dagster/kind/python": "", tier: "bronze" }),
      }),
      asset("other", {
        codeVersion: version,
        codeLocation: "elsewhere",
        dependencies: [dep("marts/orders")],
      }),
    );
  test.each([
    ["a key glob", { keys: ["marts/**"] }, ["marts/orders"]],
    ["a group", { groups: ["staging"] }, ["staging/stg"]],
    ["a tag", { tags: ["tier=bronze"] }, ["staging/stg"]],
    ["a kind (declared)", { kinds: ["dbt"] }, ["marts/orders"]],
    ["a kind (as a tag)", { kinds: ["py*"] }, ["staging/stg"]],
    ["a code location", { codeLocations: ["elsewhere"] }, ["other"]],
    [
      "several fields (and)",
      { keys: ["**"], groups: ["marts", "staging"] },
      ["marts/orders", "staging/stg"],
    ],
    ["nothing", {}, ["marts/orders", "other", "staging/stg"]],
  ] as [string, AssetSelection, string[]][])("by %s", (_name, select, ignored) => {
    const changes = review(side("1"), side("2"), [
      { select, changeTypes: ["CODE_VERSION"], reason: "r" },
    ]);
    expect(changes.suppressed.map((s) => s.key)).toEqual(ignored);
    expect(changes.summary.assets.modified + ignored.length).toBe(3);
  });
});

describe("ignoreRules: contract", () => {
  test("in dagster mode the change set is returned as it is", () => {
    const raw = diffAssetGraphs(graph(before), graph(after), { changeTypes: "dagster" });
    const context = createPolicyContext({ base: graph(before), branch: graph(after) });
    expect(ignoreRules([{ reason: "everything" }])(raw, context)).toBe(raw);
    const changes = review(graph(before), graph(after), [{ reason: "everything" }], {
      changeTypes: "dagster",
    });
    expect(changes.assets.map((a) => a.changeTypes)).toEqual([
      ["CODE_VERSION", "METADATA", "TAGS"],
    ]);
  });

  test("leaves its input untouched, and the result is a valid change set", () => {
    const raw = diffAssetGraphs(graph(before), graph(after));
    const copy = structuredClone(raw);
    const context = createPolicyContext({ base: graph(before), branch: graph(after) });
    const result = ignoreRules([{ tags: ["ci/*"], changeTypes: ["OWNERS"], reason: "r" }])(
      raw,
      context,
    );
    expect(raw).toEqual(copy);
    expect(changeSetSchema.safeParse(applyPolicies(result, [], context)).success).toBe(true);
  });

  test("a rule's details are its own: other assets' tags stay", () => {
    const changes = review(
      graph(before, asset("u", { tags: tagList({ "ci/run": "1" }) })),
      graph(after, asset("u", { tags: tagList({ "ci/run": "2" }) })),
      [{ select: { keys: ["t"] }, tags: ["ci/*"], reason: "r" }],
    );
    expect(changes.assets.find((a) => a.key === "u")?.details.tags?.changedKeys).toEqual([
      "ci/run",
    ]);
  });
});
