import { describe, expect, test } from "vitest";
import type { ChangeSet } from "../../src/diff/change-set";
import type { ChangeType } from "../../src/diff/change-types";
import { diffAssetGraphs } from "../../src/diff/diff";
import type { Asset } from "../../src/model/asset";
import { changeId } from "../../src/policies/fingerprint";
import { asset, dep, graph } from "../helpers/builders";

/** The id of one change type of the asset `key` in a change set. */
function idOf(changeSet: ChangeSet, key: string, changeType: ChangeType): string {
  const change = changeSet.assets.find((a) => a.key === key);
  if (change === undefined) throw new Error(`${key} is not in the change set`);
  return changeId(change, changeType);
}

/** An asset with a JSON metadata entry and tags, built afresh on every call. */
function orders(json: Record<string, unknown>, overrides: Partial<Asset> = {}): Asset {
  return asset("marts/orders", {
    codeVersion: "1",
    metadata: [{ key: "config", value: { type: "json", value: json as never } }],
    tags: [{ key: "team", value: "data" }],
    ...overrides,
  });
}

describe("changeId", () => {
  const base = graph(orders({ a: 1, b: { c: 2, d: 3 } }), asset("raw"));
  const branch = graph(
    orders({ a: 1, b: { c: 2, d: 4 } }, { codeVersion: "2", dependencies: [dep("raw")] }),
    asset("raw"),
  );

  test("is 16 hex digits", () => {
    expect(idOf(diffAssetGraphs(base, branch), "marts/orders", "METADATA")).toMatch(
      /^[0-9a-f]{16}$/,
    );
  });

  test("is pinned: the recipe is part of the approvals format, so it must not drift", () => {
    // sha256 of `["loc","__repository__",["a"],"CODE_VERSION",{"new":"2","old":"1"}]`, 16 digits.
    const changes = diffAssetGraphs(
      graph(asset("a", { codeVersion: "1" })),
      graph(asset("a", { codeVersion: "2" })),
    );
    expect(idOf(changes, "a", "CODE_VERSION")).toBe("893650f12fd62bf8");
  });

  test("is the same for the same change from independently built inputs, whatever the JSON key order", () => {
    const first = diffAssetGraphs(base, branch);
    const second = diffAssetGraphs(
      graph(asset("raw"), orders({ b: { d: 3, c: 2 }, a: 1 })),
      graph(
        asset("raw"),
        orders({ b: { d: 4, c: 2 }, a: 1 }, { dependencies: [dep("raw")], codeVersion: "2" }),
      ),
    );
    for (const type of ["CODE_VERSION", "DEPENDENCIES", "METADATA"] as const) {
      expect(idOf(second, "marts/orders", type)).toBe(idOf(first, "marts/orders", type));
    }
  });

  test("changes when any value of the change changes", () => {
    const first = diffAssetGraphs(base, branch);
    const other = diffAssetGraphs(
      base,
      graph(
        orders({ a: 1, b: { c: 2, d: 5 } }, { codeVersion: "3", dependencies: [dep("raw")] }),
        asset("raw"),
      ),
    );
    expect(idOf(other, "marts/orders", "METADATA")).not.toBe(
      idOf(first, "marts/orders", "METADATA"),
    );
    expect(idOf(other, "marts/orders", "CODE_VERSION")).not.toBe(
      idOf(first, "marts/orders", "CODE_VERSION"),
    );
    // The dependency change itself is the same, so its id is too.
    expect(idOf(other, "marts/orders", "DEPENDENCIES")).toBe(
      idOf(first, "marts/orders", "DEPENDENCIES"),
    );
  });

  test("differs between change types, assets and code locations with the same values", () => {
    const changes = diffAssetGraphs(
      graph(asset("a", { codeVersion: "1" }), asset("b", { codeVersion: "1" })),
      graph(asset("a", { codeVersion: "2" }), asset("b", { codeVersion: "2" })),
    );
    const a = changes.assets[0];
    if (a === undefined) throw new Error("no change");
    const ids = new Set([
      idOf(changes, "a", "CODE_VERSION"),
      idOf(changes, "b", "CODE_VERSION"),
      changeId({ ...a, codeLocation: "other" }, "CODE_VERSION"),
      changeId({ ...a, repository: "other" }, "CODE_VERSION"),
      changeId(a, "TAGS"),
    ]);
    expect(ids.size).toBe(5);
  });

  test(`keys that join to the same string have different ids (["a/b"] is not ["a", "b"])`, () => {
    const changes = diffAssetGraphs(graph(), graph(asset(["a/b"]), asset(["a", "b"])));
    const [first, second] = changes.assets;
    if (first === undefined || second === undefined) throw new Error("two assets expected");
    expect(changeId(first, "NEW")).not.toBe(changeId(second, "NEW"));
  });

  test("does not change when unrelated assets change", () => {
    const first = diffAssetGraphs(base, branch);
    const more = diffAssetGraphs(
      graph(...base.assets, asset("other", { codeVersion: "1" })),
      graph(
        ...branch.assets.map((a) => (a.key[0] === "raw" ? { ...a, codeVersion: "9" } : a)),
        asset("other", { codeVersion: "2" }),
        asset("brand_new"),
      ),
    );
    for (const type of ["CODE_VERSION", "DEPENDENCIES", "METADATA"] as const) {
      expect(idOf(more, "marts/orders", type)).toBe(idOf(first, "marts/orders", type));
    }
  });

  test("NEW and REMOVED hash the identity alone: a new asset's definition does not change its id", () => {
    const first = diffAssetGraphs(graph(asset("old")), graph(asset("fresh", { codeVersion: "1" })));
    const second = diffAssetGraphs(
      graph(asset("old", { codeVersion: "7" })),
      graph(asset("fresh", { codeVersion: "2", tags: [{ key: "t", value: "v" }] })),
    );
    expect(idOf(second, "fresh", "NEW")).toBe(idOf(first, "fresh", "NEW"));
    expect(idOf(second, "old", "REMOVED")).toBe(idOf(first, "old", "REMOVED"));
    expect(idOf(first, "fresh", "NEW")).not.toBe(idOf(first, "fresh", "REMOVED"));
  });
});
