import { describe, expect, test } from "vitest";
import type { ChangeSet, GraphIssue, ImpactedAsset } from "../../src/diff/change-set";
import { changeSetSchema } from "../../src/diff/change-set-schema";
import { diffAssetGraphs } from "../../src/diff/diff";
import type { Asset, AssetGraph } from "../../src/model/asset";
import { impactRules } from "../../src/policies/impact";
import { applyPolicies, createPolicyContext, type Policy } from "../../src/policies/policy";
import { severityRules } from "../../src/policies/severity";
import { asset, dep, graph } from "../helpers/builders";

/** Diffs two graphs and runs severity then impact over the result; the result must validate. */
function review(base: AssetGraph, branch: AssetGraph, policies?: Policy[]): ChangeSet {
  const changeSet = applyPolicies(
    diffAssetGraphs(base, branch),
    policies ?? [severityRules([]), impactRules()],
    createPolicyContext({ base, branch }),
  );
  expect(changeSetSchema.safeParse(changeSet).success).toBe(true);
  return changeSet;
}

/** What a branch does to one asset: a change of that severity, or removing or adding it. */
type Edit = "breaking" | "risky" | "safe" | "removed" | "new";

const EDITS: Record<Exclude<Edit, "removed" | "new">, Partial<Asset>> = {
  breaking: { partitionsDefinition: { type: "STATIC", description: "a, b", keys: ["a", "b"] } },
  risky: { codeVersion: "2" },
  safe: { tags: [{ key: "team", value: "data" }] },
};

/**
 * Both graphs from one dependency table (`{ b: ["a"] }`: b depends on a) and the branch's edits;
 * every asset has code version 1 in the base.
 */
function graphs(
  table: Record<string, string[]>,
  edits: Record<string, Edit> = {},
): { base: AssetGraph; branch: AssetGraph } {
  const base: Asset[] = [];
  const branch: Asset[] = [];
  for (const [key, deps] of Object.entries(table)) {
    const defined = asset(key, { codeVersion: "1", dependencies: deps.map((d) => dep(d)) });
    const edit = edits[key];
    if (edit !== "new") base.push(defined);
    if (edit === "removed") continue;
    branch.push(
      edit === undefined || edit === "new" ? defined : asset(key, { ...defined, ...EDITS[edit] }),
    );
  }
  return { base: graph(...base), branch: graph(...branch) };
}

/** The impact of each impacted asset, by key, without its identity. */
function impactOf(changeSet: ChangeSet) {
  return Object.fromEntries(
    (changeSet.impacted ?? []).map((i) => [
      i.key,
      { severity: i.severity, distance: i.distance, via: i.via, route: i.route },
    ]),
  );
}

const breaking = "breaking-downstream" as const;
const risky = "risky-downstream" as const;
const safe = "safe-downstream" as const;

interface Case {
  name: string;
  table: Record<string, string[]>;
  edits: Record<string, Edit>;
  impacted: Record<string, Pick<ImpactedAsset, "severity" | "distance" | "via" | "route">>;
  graphIssues?: GraphIssue[];
}

const cases: Case[] = [
  {
    name: "a chain: each asset one hop further, via the changed top",
    table: { a: [], b: ["a"], c: ["b"], d: ["c"] },
    edits: { a: "risky" },
    impacted: {
      b: { severity: risky, distance: 1, via: ["a"], route: ["a"] },
      c: { severity: risky, distance: 2, via: ["a"], route: ["a"] },
      d: { severity: risky, distance: 3, via: ["a"], route: ["a"] },
    },
  },
  {
    name: "a diamond: the join is impacted once, at its shortest distance",
    table: { a: [], b: ["a"], c: ["a"], d: ["b", "c"], e: ["d", "a"] },
    edits: { a: "breaking" },
    impacted: {
      b: { severity: breaking, distance: 1, via: ["a"], route: ["a"] },
      c: { severity: breaking, distance: 1, via: ["a"], route: ["a"] },
      d: { severity: breaking, distance: 2, via: ["a"], route: ["a"] },
      e: { severity: breaking, distance: 1, via: ["a"], route: ["a"] },
    },
  },
  {
    name: "several changed ancestors: the nearest in via, the worst severity from any",
    table: { far: [], near: [], u1: ["far"], u2: ["u1"], x: ["u2", "near"] },
    edits: { far: "breaking", near: "safe" },
    impacted: {
      u1: { severity: breaking, distance: 1, via: ["far"], route: ["far"] },
      u2: { severity: breaking, distance: 2, via: ["far"], route: ["far"] },
      x: { severity: breaking, distance: 1, via: ["near"], route: ["near"] },
    },
  },
  {
    name: "changed ancestors at the same distance are all in via; the route takes the worst",
    table: { a: [], b: [], x: ["a", "b"], y: ["x"] },
    edits: { a: "safe", b: "risky" },
    impacted: {
      x: { severity: risky, distance: 1, via: ["a", "b"], route: ["b"] },
      y: { severity: risky, distance: 2, via: ["a", "b"], route: ["b"] },
    },
  },
  {
    name: "a changed intermediate is direct, not impacted; the route names both changes",
    table: { a: [], b: ["a"], c: ["b"], d: ["c"] },
    edits: { a: "breaking", b: "safe" },
    impacted: {
      c: { severity: breaking, distance: 1, via: ["b"], route: ["a", "b"] },
      d: { severity: breaking, distance: 2, via: ["b"], route: ["a", "b"] },
    },
  },
  {
    name: "a removed asset: its base dependents are impacted, and the reference dangles",
    table: { raw: [], stg: ["raw"], mart: ["stg"], x: ["raw"] },
    edits: { raw: "removed" },
    impacted: {
      mart: { severity: breaking, distance: 2, via: ["raw"], route: ["raw"] },
      stg: { severity: breaking, distance: 1, via: ["raw"], route: ["raw"] },
      x: { severity: breaking, distance: 1, via: ["raw"], route: ["raw"] },
    },
    graphIssues: [{ kind: "dangling-dependency", side: "branch", keys: ["raw", "stg", "x"] }],
  },
  {
    name: "only safe upstream changes: safe-downstream",
    table: { a: [], b: ["a"] },
    edits: { a: "safe" },
    impacted: { b: { severity: safe, distance: 1, via: ["a"], route: ["a"] } },
  },
  {
    name: "a new asset nothing depended on impacts nothing",
    table: { a: [], fresh: ["a"] },
    edits: { fresh: "new" },
    impacted: {},
  },
  {
    name: "a cycle downstream: reported once, each member at its distance, no hang",
    table: { a: [], b: ["a", "c"], c: ["b"], d: ["c"] },
    edits: { a: "risky" },
    impacted: {
      b: { severity: risky, distance: 1, via: ["a"], route: ["a"] },
      c: { severity: risky, distance: 2, via: ["a"], route: ["a"] },
      d: { severity: risky, distance: 3, via: ["a"], route: ["a"] },
    },
    graphIssues: [{ kind: "cycle", side: "branch", keys: ["b", "c"] }],
  },
  {
    name: "changed assets in a cycle: each is direct, the route stops where it would repeat",
    table: { a: ["b"], b: ["a"], c: ["b"] },
    edits: { a: "breaking", b: "safe" },
    impacted: { c: { severity: breaking, distance: 1, via: ["b"], route: ["a", "b"] } },
    graphIssues: [{ kind: "cycle", side: "branch", keys: ["a", "b"] }],
  },
  {
    name: "a self-dependency downstream is reported",
    table: { a: [], b: ["a", "b"], c: ["b"] },
    edits: { a: "safe" },
    impacted: {
      b: { severity: safe, distance: 1, via: ["a"], route: ["a"] },
      c: { severity: safe, distance: 2, via: ["a"], route: ["a"] },
    },
    graphIssues: [{ kind: "self-dependency", side: "branch", keys: ["b"] }],
  },
  {
    name: "a dependency on a key neither graph defines is no issue",
    table: { a: [], b: ["a", "other/location"] },
    edits: { a: "risky" },
    impacted: { b: { severity: risky, distance: 1, via: ["a"], route: ["a"] } },
  },
];

describe("impactRules", () => {
  test.each(cases)("$name", ({ table, edits, impacted, graphIssues = [] }) => {
    const { base, branch } = graphs(table, edits);
    const reviewed = review(base, branch);
    expect(impactOf(reviewed)).toEqual(impacted);
    expect(reviewed.graphIssues).toEqual(graphIssues);
    expect(reviewed.summary.impacted).toBe(Object.keys(impacted).length);
  });

  test("entries carry the real asset's identity, the reason and a message naming the cause", () => {
    const { base, branch } = graphs(
      { "raw/orders": [], "marts/fct": ["raw/orders"] },
      { "raw/orders": "breaking" },
    );
    expect(review(base, branch).impacted).toEqual([
      {
        key: "marts/fct",
        path: ["marts", "fct"],
        codeLocation: "loc",
        repository: "__repository__",
        via: ["raw/orders"],
        distance: 1,
        route: ["raw/orders"],
        severity: "breaking-downstream",
        reason: "UPSTREAM_BREAKING",
        message: "an upstream asset has a breaking change: raw/orders (PARTITIONS_DEFINITION)",
      },
    ]);
  });

  test.each([
    ["risky", "UPSTREAM_RISKY", "an upstream asset has a risky change, so its data may differ"],
    [
      "safe",
      "UPSTREAM_SAFE_FOR_CONSUMERS",
      "every upstream change is known safe for consumers (columns added, tags, descriptions)",
    ],
  ] as const)("a %s upstream change gives %s", (edit, reason, text) => {
    const { base, branch } = graphs({ a: [], b: ["a"] }, { a: edit });
    const [entry] = review(base, branch).impacted ?? [];
    expect(entry?.reason).toBe(reason);
    expect(entry?.message).toBe(`${text}: a (${edit === "risky" ? "CODE_VERSION" : "TAGS"})`);
  });

  test("the message names the worst ancestor, even beyond a changed intermediate", () => {
    const { base, branch } = graphs(
      { "raw/orders": [], stg: ["raw/orders"], mart: ["stg"] },
      { "raw/orders": "removed", stg: "safe" },
    );
    const reviewed = review(base, branch);
    expect(reviewed.impacted?.map((i) => [i.key, i.via, i.route, i.message])).toEqual([
      [
        "mart",
        ["stg"],
        ["raw/orders", "stg"],
        "an upstream asset has a breaking change: raw/orders (REMOVED)",
      ],
    ]);
  });

  test("an asset both walks reach is one entry: both via lists, the worse cause", () => {
    const { base, branch } = graphs(
      { raw: [], src: [], stg: ["raw", "src"], mart: ["stg"] },
      { raw: "removed", src: "risky" },
    );
    expect(impactOf(review(base, branch))).toEqual({
      mart: { severity: breaking, distance: 2, via: ["raw", "src"], route: ["raw"] },
      stg: { severity: breaking, distance: 1, via: ["raw", "src"], route: ["raw"] },
    });
  });

  test("inputs that do not say where assets live are walked by key", () => {
    const unlocated = (key: string, fields: Partial<Asset> = {}) =>
      asset(key, { codeLocation: null, repository: null, ...fields });
    const base = graph(
      unlocated("raw"),
      unlocated("src", { codeVersion: "1" }),
      unlocated("stg", { dependencies: [dep("raw"), dep("src")] }),
    );
    const branch = graph(
      unlocated("src", { codeVersion: "2" }),
      unlocated("stg", { dependencies: [dep("raw"), dep("src")] }),
    );
    expect(review(base, branch).impacted?.map((i) => [i.key, i.codeLocation, i.via])).toEqual([
      ["stg", null, ["raw", "src"]],
    ]);
  });

  test("of equally bad ancestors the message names the nearest", () => {
    const { base, branch } = graphs(
      { far: [], near: ["far"], x: ["near"] },
      { far: "risky", near: "risky" },
    );
    expect(review(base, branch).impacted?.map((i) => [i.key, i.route, i.message])).toEqual([
      [
        "x",
        ["far", "near"],
        "an upstream asset has a risky change, so its data may differ: near (CODE_VERSION)",
      ],
    ]);
  });

  test("the same key in two code locations: each is a distinct impacted asset", () => {
    const shared = (codeLocation: string) =>
      asset("shared", { codeLocation, dependencies: [dep("src")] });
    const base = graph(
      asset("src", { codeVersion: "1" }),
      shared("two"),
      shared("one"),
      asset("reader", { dependencies: [dep("shared")] }),
    );
    const branch = graph(
      asset("src", { codeVersion: "2" }),
      shared("two"),
      shared("one"),
      asset("reader", { dependencies: [dep("shared")] }),
    );
    const reviewed = review(base, branch);
    expect(reviewed.impacted?.map((i) => [i.key, i.codeLocation, i.distance, i.via])).toEqual([
      ["reader", "loc", 2, ["src"]],
      ["shared", "one", 1, ["src"]],
      ["shared", "two", 1, ["src"]],
    ]);
  });

  test("a change to one of two assets with the same key impacts what depends on the key", () => {
    const base = graph(
      asset("shared", { codeLocation: "one", codeVersion: "1" }),
      asset("shared", { codeLocation: "two", codeVersion: "1" }),
      asset("reader", { dependencies: [dep("shared")] }),
    );
    const branch = graph(
      asset("shared", { codeLocation: "one", codeVersion: "2" }),
      asset("shared", { codeLocation: "two", codeVersion: "1" }),
      asset("reader", { dependencies: [dep("shared")] }),
    );
    const reviewed = review(base, branch);
    expect(reviewed.impacted?.map((i) => [i.key, i.codeLocation, i.via])).toEqual([
      ["reader", "loc", ["shared"]],
    ]);
  });

  test("a route is capped to the 9 nearest changed ancestors behind the deciding one", () => {
    const table: Record<string, string[]> = { c0: [] };
    const edits: Record<string, Edit> = { c0: "breaking" };
    for (let i = 1; i < 15; i++) {
      table[`c${i}`] = [`c${i - 1}`];
      edits[`c${i}`] = "safe";
    }
    table.end = ["c14"];
    const { base, branch } = graphs(table, edits);
    const [entry] = review(base, branch).impacted ?? [];
    // c0 decides (breaking); c6 … c14 are the 9 nearest of the 14 changed ancestors below it.
    expect(entry?.route).toEqual(["c0", ...Array.from({ length: 9 }, (_, i) => `c${i + 6}`)]);
    expect(entry?.severity).toBe("breaking-downstream");
    expect(entry?.message).toContain("c0 (PARTITIONS_DEFINITION)");
  });

  test("without verdicts every change counts as risky", () => {
    const { base, branch } = graphs({ a: [], b: ["a"] }, { a: "safe" });
    const reviewed = review(base, branch, [impactRules()]);
    expect(reviewed.impacted?.map((i) => i.severity)).toEqual(["risky-downstream"]);
  });

  test("changes the graphs do not define are skipped, not a crash; the input is left as it was", () => {
    const { base, branch } = graphs({ a: [], b: ["a"] }, { a: "risky" });
    const changeSet = applyPolicies(
      diffAssetGraphs(base, branch),
      [severityRules([])],
      createPolicyContext({ base, branch }),
    );
    const before = structuredClone(changeSet);
    const elsewhere = graphs({ x: [], y: ["x"] });
    const reviewed = applyPolicies(
      changeSet,
      [impactRules()],
      createPolicyContext({ base: elsewhere.base, branch: elsewhere.branch }),
    );
    expect(reviewed.impacted).toEqual([]);
    expect(reviewed.graphIssues).toEqual([]);
    expect(changeSet).toEqual(before);
  });

  test("always sets impacted and graphIssues, empty when nothing changed", () => {
    const { base, branch } = graphs({ a: [], b: ["a"] });
    const reviewed = review(base, branch);
    expect(reviewed.impacted).toEqual([]);
    expect(reviewed.graphIssues).toEqual([]);
    expect(reviewed.summary.impacted).toBe(0);
    expect(reviewed.summary.impactSeverity).toEqual({
      "breaking-downstream": 0,
      "risky-downstream": 0,
      "safe-downstream": 0,
    });
  });

  test("a 100,000-asset chain below a changed top: every asset impacted, no stack overflow", () => {
    const n = 100_000;
    const chain = (codeVersion: string) =>
      graph(
        ...Array.from({ length: n }, (_, i) =>
          asset(`a${i}`, {
            codeVersion: i === 0 ? codeVersion : "1",
            dependencies: i === 0 ? [] : [dep(`a${i - 1}`)],
          }),
        ),
      );
    const reviewed = review(chain("1"), chain("2"));
    expect(reviewed.impacted).toHaveLength(n - 1);
    const last = reviewed.impacted?.find((i) => i.key === `a${n - 1}`);
    expect(last).toMatchObject({ distance: n - 1, via: ["a0"], route: ["a0"] });
    expect(reviewed.summary.impactSeverity?.["risky-downstream"]).toBe(n - 1);
  });

  test("a 20,000-asset cycle downstream completes with one cycle issue", () => {
    const n = 20_000;
    const ring = (codeVersion: string) =>
      graph(
        asset("top", { codeVersion }),
        ...Array.from({ length: n }, (_, i) =>
          asset(`r${i}`, {
            dependencies: i === 0 ? [dep("top"), dep(`r${n - 1}`)] : [dep(`r${i - 1}`)],
          }),
        ),
      );
    const reviewed = review(ring("1"), ring("2"));
    expect(reviewed.impacted).toHaveLength(n);
    expect(reviewed.graphIssues?.map((i) => [i.kind, i.keys.length])).toEqual([["cycle", n]]);
  });
});
