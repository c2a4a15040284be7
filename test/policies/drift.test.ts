import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { AssetChange, ChangeSet } from "../../src/diff/change-set";
import { changeSetSchema } from "../../src/diff/change-set-schema";
import { type DiffOptions, diffAssetGraphs } from "../../src/diff/diff";
import { ValidationError } from "../../src/errors";
import type { Asset, AssetGraph } from "../../src/model/asset";
import type { MetadataEntry } from "../../src/model/metadata";
import { driftRules } from "../../src/policies/drift";
import { ignoreRules } from "../../src/policies/ignore";
import { moveRules } from "../../src/policies/moves";
import { applyPolicies, createPolicyContext, type Policy } from "../../src/policies/policy";
import { severityRules } from "../../src/policies/severity";
import { arbGraph } from "../helpers/arbitraries";
import { asset, dep, graph } from "../helpers/builders";

/** Diffs base → branch, then runs severity, any extra steps, and the drift step. */
function threeWay(
  mergeBase: AssetGraph,
  base: AssetGraph,
  branch: AssetGraph,
  { before = [], ...options }: DiffOptions & { before?: Policy[] } = {},
): ChangeSet {
  const result = applyPolicies(
    diffAssetGraphs(base, branch, options),
    [...before, severityRules([]), driftRules(mergeBase)],
    createPolicyContext({ base, branch }),
  );
  expect(changeSetSchema.safeParse(result).error).toBeUndefined();
  return result;
}

/** Each listed asset as `key origin: TYPE=origin, ...`. */
const labels = (changeSet: ChangeSet) =>
  changeSet.assets.map(
    (a) =>
      `${a.codeLocation === "loc" ? "" : `${a.codeLocation}:`}${a.key} ${a.origin}: ${(
        a.origins ?? []
      )
        .map((o) => `${o.changeType}=${o.origin}`)
        .join(", ")}`,
  );

const tags = (entries: Record<string, string>) =>
  Object.entries(entries).map(([key, value]) => ({ key, value }));
const metadata = (entries: Record<string, string>): MetadataEntry[] =>
  Object.entries(entries).map(([key, text]) => ({ key, value: { type: "text", text } }));
const identity = { className: "IdentityPartitionMapping", description: "identity" };
const lastWindow = { className: "LastPartitionMapping", description: "last" };
const allWindows = { className: "AllPartitionMapping", description: "all" };

const { codeVersion: _, ...withoutCodeVersion } = asset("t");

/** One asset `t` at the merge base, in production now and in the branch. */
const t = (mergeBase: Partial<Asset> | null, base: Partial<Asset>, branch: Partial<Asset>) => ({
  mergeBase: mergeBase === null ? graph() : graph(asset("t", mergeBase)),
  base: graph(asset("t", base)),
  branch: graph(asset("t", branch)),
});

describe("driftRules: where each change comes from", () => {
  test.each([
    {
      name: "the branch changed the code version, production did not",
      ...t({ codeVersion: "1" }, { codeVersion: "1" }, { codeVersion: "2" }),
      expected: ["t branch: CODE_VERSION=branch"],
    },
    {
      name: "production changed the code version since the merge base, the branch did not",
      ...t({ codeVersion: "1" }, { codeVersion: "2" }, { codeVersion: "1" }),
      expected: ["t drift: CODE_VERSION=drift"],
    },
    {
      name: "both changed the code version, differently",
      ...t({ codeVersion: "1" }, { codeVersion: "2" }, { codeVersion: "3" }),
      expected: ["t conflict: CODE_VERSION=conflict"],
    },
    {
      name: "both made the same change: nothing to label",
      ...t({ codeVersion: "1" }, { codeVersion: "2" }, { codeVersion: "2" }),
      expected: [],
    },
    {
      name: "per change type: the branch's code version, production's owners",
      ...t(
        { codeVersion: "1", owners: [] },
        { codeVersion: "1", owners: [{ type: "team", team: "data" }] },
        { codeVersion: "2", owners: [] },
      ),
      expected: ["t branch: CODE_VERSION=branch, OWNERS=drift"],
    },
    {
      name: "a conflict outweighs the branch's and production's changes",
      ...t(
        { codeVersion: "1", description: "a", group: "g" },
        { codeVersion: "2", description: "b", group: "g" },
        { codeVersion: "1", description: "c", group: "h" },
      ),
      expected: ["t conflict: CODE_VERSION=drift, GROUP=branch, DESCRIPTION=conflict"],
    },
    {
      name: "tags: production changed one key, the branch another: no conflict",
      ...t(
        { tags: tags({ a: "1", b: "1" }) },
        { tags: tags({ a: "2", b: "1" }) },
        { tags: tags({ a: "1", b: "2" }) },
      ),
      expected: ["t branch: TAGS=branch"],
    },
    {
      name: "tags: the same key changed on both sides, differently",
      ...t({ tags: tags({ a: "1" }) }, { tags: tags({ a: "2" }) }, { tags: tags({ a: "3" }) }),
      expected: ["t conflict: TAGS=conflict"],
    },
    {
      name: "tags: production added a key and changed another, the branch neither",
      ...t(
        { tags: tags({ a: "1" }) },
        { tags: tags({ a: "2", b: "1" }) },
        { tags: tags({ a: "1" }) },
      ),
      expected: ["t drift: TAGS=drift"],
    },
    {
      name: "metadata: production changed one key, the branch another: no conflict",
      ...t(
        { metadata: metadata({ a: "1", b: "1" }) },
        { metadata: metadata({ a: "2", b: "1" }) },
        { metadata: metadata({ b: "2", a: "1" }) },
      ),
      expected: ["t branch: METADATA=branch"],
    },
    {
      name: "metadata: the same key changed on both sides, differently",
      ...t(
        { metadata: metadata({ a: "1", b: "1" }) },
        { metadata: metadata({ a: "2", b: "1" }) },
        { metadata: metadata({ a: "3", b: "2" }) },
      ),
      expected: ["t conflict: METADATA=conflict"],
    },
    {
      name: "metadata: production removed a key the branch changed",
      ...t(
        { metadata: metadata({ a: "1" }) },
        { metadata: [] },
        { metadata: metadata({ a: "2" }) },
      ),
      expected: ["t conflict: METADATA=conflict"],
    },
    {
      name: "dependencies: production added an upstream, the branch another",
      ...t({ dependencies: [] }, { dependencies: [dep("x")] }, { dependencies: [dep("y")] }),
      expected: ["t branch: DEPENDENCIES=branch"],
    },
    {
      name: "dependencies: production added and removed upstreams, the branch did not",
      ...t(
        { dependencies: [dep("x")] },
        { dependencies: [dep("y")] },
        { dependencies: [dep("x")] },
      ),
      expected: ["t drift: DEPENDENCIES=drift"],
    },
    {
      name: "dependencies: one partition mapping changed on both sides, differently",
      ...t(
        { dependencies: [dep("x", identity)] },
        { dependencies: [dep("x", lastWindow)] },
        { dependencies: [dep("x", allWindows)] },
      ),
      expected: ["t conflict: DEPENDENCIES=conflict"],
    },
    {
      name: "dependencies: a mapping the merge base does not carry cannot be drift",
      ...t(
        { dependencies: [dep("x")] },
        { dependencies: [dep("x", lastWindow)] },
        { dependencies: [dep("x", allWindows)] },
      ),
      expected: ["t branch: DEPENDENCIES=branch"],
    },
    {
      name: "the asset is not in the merge base: both added it, differently",
      ...t(null, { codeVersion: "1", tags: tags({ a: "1" }) }, { codeVersion: "2", tags: [] }),
      expected: ["t conflict: CODE_VERSION=conflict, TAGS=conflict"],
    },
    {
      name: "a field the merge base does not carry: labelled as the branch's",
      ...t({}, { codeVersion: "1" }, { codeVersion: "2" }),
      mergeBase: graph(withoutCodeVersion),
      expected: ["t branch: CODE_VERSION=branch"],
    },
  ])("$name", ({ mergeBase, base, branch, expected }) => {
    expect(labels(threeWay(mergeBase, base, branch))).toEqual(expected);
  });

  // `keep`, in every graph, keeps the code location in the branch, so its REMOVED assets are compared.
  const keep = asset("keep");
  test.each([
    {
      name: "NEW, added by the branch",
      mergeBase: graph(),
      base: graph(),
      branch: graph(asset("n")),
      expected: ["n branch: NEW=branch"],
    },
    {
      name: "NEW, because production removed it since and the branch kept it",
      mergeBase: graph(asset("n")),
      base: graph(),
      branch: graph(asset("n")),
      expected: ["n drift: NEW=drift"],
    },
    {
      name: "REMOVED by the branch",
      mergeBase: graph(keep, asset("r")),
      base: graph(keep, asset("r")),
      branch: graph(keep),
      expected: ["r branch: REMOVED=branch"],
    },
    {
      name: "REMOVED, because production added it since",
      mergeBase: graph(keep),
      base: graph(keep, asset("r")),
      branch: graph(keep),
      expected: ["r drift: REMOVED=drift"],
    },
  ])("$name", ({ mergeBase, base, branch, expected }) => {
    expect(labels(threeWay(mergeBase, base, branch))).toEqual(expected);
  });
});

describe("driftRules: identity", () => {
  test("the same key in two code locations is two assets", () => {
    const at = (codeLocation: string, codeVersion: string) =>
      asset("t", { codeLocation, codeVersion });
    const result = threeWay(
      graph(at("one", "1"), at("two", "1")),
      graph(at("one", "2"), at("two", "1")),
      graph(at("one", "1"), at("two", "2")),
    );
    expect(labels(result)).toEqual([
      "one:t drift: CODE_VERSION=drift",
      "two:t branch: CODE_VERSION=branch",
    ]);
  });

  test("the branch moves an asset to another code location", () => {
    const at = (codeLocation: string) => asset("t", { codeLocation });
    const options = { missingLocations: "removed" } as const;
    expect(labels(threeWay(graph(at("one")), graph(at("one")), graph(at("two")), options))).toEqual(
      ["one:t branch: REMOVED=branch", "two:t branch: NEW=branch"],
    );
  });

  test("production moved an asset to another code location since the merge base", () => {
    const at = (codeLocation: string) => asset("t", { codeLocation });
    const options = { missingLocations: "removed" } as const;
    expect(labels(threeWay(graph(at("one")), graph(at("two")), graph(at("one")), options))).toEqual(
      ["one:t drift: NEW=drift", "two:t drift: REMOVED=drift"],
    );
  });

  test("a merge base that does not say where its assets are is matched by key", () => {
    const unlocated = (codeVersion: string) =>
      asset("t", { codeLocation: null, repository: null, codeVersion });
    const located = (codeVersion: string) => asset("t", { codeVersion });
    expect(
      labels(threeWay(graph(unlocated("1")), graph(located("1")), graph(located("2")))),
    ).toEqual(["t branch: CODE_VERSION=branch"]);
    expect(
      labels(threeWay(graph(unlocated("1")), graph(located("2")), graph(located("1")))),
    ).toEqual(["t drift: CODE_VERSION=drift"]);
  });

  test("a change set matched by key alone looks the merge base up by key", () => {
    const unlocated = (codeVersion: string) =>
      asset("t", { codeLocation: null, repository: null, codeVersion });
    const located = (codeVersion: string) => asset("t", { codeVersion });
    // The base (say a dbt manifest) does not say where its assets are; the others do.
    expect(
      labels(threeWay(graph(located("1")), graph(unlocated("2")), graph(located("1")))),
    ).toEqual(["t drift: CODE_VERSION=drift"]);
  });

  test("a key the merge base defines twice, when matching by key alone: the branch's", () => {
    const at = (codeLocation: string, codeVersion: string) =>
      asset("t", { codeLocation, codeVersion });
    const unlocated = (codeVersion: string) =>
      asset("t", { codeLocation: null, repository: null, codeVersion });
    const result = threeWay(
      graph(at("one", "1"), at("two", "1")),
      graph(unlocated("2")),
      graph(unlocated("1")),
    );
    expect(labels(result)).toEqual(["null:t branch: CODE_VERSION=branch"]);
  });

  test("a code location that did not load in the merge base: its assets are the branch's", () => {
    const at = (key: string, codeVersion: string) =>
      asset(key, { codeLocation: "two", codeVersion });
    const mergeBase: AssetGraph = {
      assets: [asset("a")],
      codeLocations: [
        { name: "loc", status: "loaded" },
        { name: "two", status: "failed", error: { message: "boom", className: null } },
      ],
    };
    const result = threeWay(
      mergeBase,
      graph(asset("a"), at("t", "1"), at("r", "1")),
      graph(asset("a"), at("t", "2")),
    );
    expect(labels(result)).toEqual([
      "two:r branch: REMOVED=branch",
      "two:t branch: CODE_VERSION=branch",
    ]);
  });

  test.each([
    {
      name: "the branch moved it and changed its code version",
      mergeBase: graph(asset("old", { codeVersion: "1" })),
      expected: ["new branch: CODE_VERSION=branch, MOVED=branch"],
    },
    {
      name: "the branch moved it; production changed its code version since",
      mergeBase: graph(asset("old", { codeVersion: "2" })),
      expected: ["new branch: CODE_VERSION=drift, MOVED=branch"],
    },
    {
      name: "the merge base already has the new identity",
      mergeBase: graph(asset("new", { codeVersion: "2" })),
      expected: ["new drift: CODE_VERSION=drift, MOVED=drift"],
    },
  ])("MOVED: $name", ({ mergeBase, expected }) => {
    const before = [moveRules([{ from: "old", to: "new" }])];
    const base = graph(asset("old", { codeVersion: "1" }));
    const branch = graph(asset("new", { codeVersion: "2" }));
    expect(labels(threeWay(mergeBase, base, branch, { before }))).toEqual(expected);
  });
});

describe("driftRules: the change set", () => {
  const mergeBase = graph(
    asset("a", { codeVersion: "1" }),
    asset("b", { codeVersion: "1" }),
    asset("c", { codeVersion: "1" }),
    asset("gone"),
  );
  const base = graph(
    asset("a", { codeVersion: "1" }),
    asset("b", { codeVersion: "2" }),
    asset("c", { codeVersion: "2" }),
    asset("d"),
    asset("e", { tags: tags({ x: "1" }) }),
  );
  const branch = graph(
    asset("a", { codeVersion: "2" }),
    asset("b", { codeVersion: "1" }),
    asset("c", { codeVersion: "3" }),
    asset("e", { tags: tags({ x: "1" }) }),
    asset("gone"),
    asset("n"),
  );

  test("summary.origins counts listed assets by origin; mergeBase names the graph", () => {
    const result = threeWay(
      { ...mergeBase, source: { format: "snapshot", name: "mb" } },
      base,
      branch,
    );
    expect(labels(result)).toEqual([
      "a branch: CODE_VERSION=branch",
      "b drift: CODE_VERSION=drift",
      "c conflict: CODE_VERSION=conflict",
      "d drift: REMOVED=drift",
      "gone drift: NEW=drift",
      "n branch: NEW=branch",
    ]);
    expect(result.summary.origins).toEqual({ branch: 2, drift: 3, conflict: 1 });
    expect(result.mergeBase).toEqual({ source: { format: "snapshot", name: "mb" }, assets: 4 });
  });

  test("labels only; severities, summary counts and details are those of the two-way review", () => {
    const twoWay = applyPolicies(
      diffAssetGraphs(base, branch),
      [severityRules([])],
      createPolicyContext({ base, branch }),
    );
    const result = threeWay(mergeBase, base, branch);
    const strip = ({ origin: _o, origins: _os, ...rest }: AssetChange) => rest;
    expect(result.assets.map(strip)).toEqual(twoWay.assets);
    const { origins: _origins, ...summary } = result.summary;
    expect(summary).toEqual(twoWay.summary);
  });

  test("listed unchanged assets get no origin", () => {
    const result = threeWay(mergeBase, base, branch, { includeUnchanged: true });
    const e = result.assets.find((a) => a.key === "e");
    expect(e?.changeTypes).toEqual([]);
    expect(e).not.toHaveProperty("origin");
    expect(e).not.toHaveProperty("origins");
    expect(result.summary.origins).toEqual({ branch: 2, drift: 3, conflict: 1 });
  });

  test("runs in dagster mode", () => {
    const result = threeWay(
      graph(asset("t", { codeVersion: "1", owners: [] })),
      graph(asset("t", { codeVersion: "1", owners: [{ type: "team", team: "x" }] })),
      graph(asset("t", { codeVersion: "2", owners: [] })),
      { changeTypes: "dagster" },
    );
    expect(labels(result)).toEqual(["t branch: CODE_VERSION=branch"]);
  });

  test("labels what the suppressing steps left: a suppressed tag is not labelled", () => {
    const sides = t(
      { tags: tags({ "ci/run": "1", team: "a" }) },
      { tags: tags({ "ci/run": "1", team: "b" }) },
      { tags: tags({ "ci/run": "2", team: "a" }) },
    );
    expect(labels(threeWay(sides.mergeBase, sides.base, sides.branch))).toEqual([
      "t branch: TAGS=branch",
    ]);
    const before = [ignoreRules([{ tags: ["ci/*"], reason: "set by CI" }])];
    expect(labels(threeWay(sides.mergeBase, sides.base, sides.branch, { before }))).toEqual([
      "t drift: TAGS=drift",
    ]);
  });

  test("running it twice gives the same change set", () => {
    const context = createPolicyContext({ base, branch });
    const once = applyPolicies(diffAssetGraphs(base, branch), [driftRules(mergeBase)], context);
    const twice = applyPolicies(once, [driftRules(mergeBase)], context);
    expect(twice).toEqual(once);
  });

  test("a merge base that is not a valid graph is a ValidationError when the policy is made", () => {
    const invalid = { assets: [{ key: "not a path" }] } as unknown as AssetGraph;
    expect(() => driftRules(invalid)).toThrow(ValidationError);
  });
});

// Seeded, so a failure is reproducible; fast-check prints the seed and the shrunk case.
const runs = { numRuns: 300, seed: 20261201 };

describe("driftRules properties", () => {
  const originsOf = (result: ChangeSet) =>
    result.assets.flatMap((a) => [a.origin, ...(a.origins ?? []).map((o) => o.origin)]);

  test("with the base as merge base, every change is the branch's", () => {
    fc.assert(
      fc.property(arbGraph, arbGraph, fc.boolean(), (base, branch, dagster) => {
        const result = threeWay(base, base, branch, dagster ? { changeTypes: "dagster" } : {});
        expect(originsOf(result).every((o) => o === "branch")).toBe(true);
        expect(result.assets.every((a) => a.origin !== undefined)).toBe(true);
      }),
      runs,
    );
  });

  test("with the branch as merge base, every change is base drift", () => {
    fc.assert(
      fc.property(arbGraph, arbGraph, fc.boolean(), (base, branch, dagster) => {
        const result = threeWay(branch, base, branch, dagster ? { changeTypes: "dagster" } : {});
        expect(originsOf(result).every((o) => o === "drift")).toBe(true);
        expect(result.assets.every((a) => a.origin !== undefined)).toBe(true);
      }),
      runs,
    );
  });
});
