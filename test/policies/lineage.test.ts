import { describe, expect, test } from "vitest";
import { changeSetSchema } from "../../src/diff/change-set-schema";
import { diffAssetGraphs } from "../../src/diff/diff";
import { withLineage } from "../../src/policies/lineage";
import { asset, dep, graph } from "../helpers/builders";

describe("withLineage", () => {
  const base = graph(
    asset("raw"),
    asset("stg", { dependencies: [dep("raw")] }),
    asset("old", { dependencies: [dep("stg")] }),
  );
  const branch = graph(
    asset("raw", { codeVersion: "2" }),
    asset("stg", { dependencies: [dep("raw")] }),
    asset("mart", { dependencies: [dep("stg"), dep("raw")] }),
  );

  test("adds direct upstream and downstream keys from the branch, and from the base for removed assets", () => {
    const changes = withLineage(diffAssetGraphs(base, branch), { base, branch });
    expect(Object.fromEntries(changes.assets.map((a) => [a.key, a.lineage]))).toEqual({
      mart: { upstream: ["raw", "stg"], downstream: [] },
      old: { upstream: ["stg"], downstream: [] },
      raw: { upstream: [], downstream: ["mart", "stg"] },
    });
    expect(changeSetSchema.safeParse(changes).success).toBe(true);
  });

  test(`keys that join to the same string stay apart (["a/b"] is not ["a", "b"])`, () => {
    const before = graph(
      asset(["a/b"]),
      asset(["a", "b"]),
      asset("d", { dependencies: [{ key: ["a/b"] }] }),
    );
    const after = graph(
      asset(["a/b"], { codeVersion: "2" }),
      asset(["a", "b"], { codeVersion: "2" }),
      asset("d", { dependencies: [{ key: ["a/b"] }] }),
    );
    const lineage = withLineage(diffAssetGraphs(before, after), {
      base: before,
      branch: after,
    }).assets.map((a) => [a.path, a.lineage?.downstream]);
    expect(lineage).toEqual([
      [["a", "b"], []],
      [["a/b"], ["d"]],
    ]);
  });

  test("leaves the raw change set untouched", () => {
    const raw = diffAssetGraphs(base, branch);
    const copy = structuredClone(raw);
    withLineage(raw, { base, branch });
    expect(raw).toEqual(copy);
  });
});
