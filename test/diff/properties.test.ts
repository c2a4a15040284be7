import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { changeSetSchema } from "../../src/diff/change-set-schema";
import { diffAssetGraphs } from "../../src/diff/diff";
import { parseSnapshot, serializeSnapshot } from "../../src/load/snapshot/snapshot";
import { assetId } from "../../src/model/key";
import { normalize } from "../../src/normalize/normalize";
import { arbGraph, reordered } from "../helpers/arbitraries";

// Seeded, so a failure is reproducible; fast-check prints the seed and the shrunk case.
const runs = { numRuns: 300, seed: 20261129 };
const random = fc.func(fc.nat()).map((f) => (n: number) => f(n) % n);

const ids = (changeSet: ReturnType<typeof diffAssetGraphs>, type: string) =>
  changeSet.assets
    .filter((a) => a.changeTypes.includes(type as never))
    .map((a) => assetId({ key: a.path, codeLocation: a.codeLocation, repository: a.repository }))
    .sort();

describe("diff properties", () => {
  test("diff(a, a) is empty in both modes", () => {
    fc.assert(
      fc.property(arbGraph, (g) => {
        expect(diffAssetGraphs(g, g).assets).toEqual([]);
        expect(diffAssetGraphs(g, g, { changeTypes: "dagster" }).assets).toEqual([]);
      }),
      runs,
    );
  });

  test("NEW in diff(a, b) is exactly REMOVED in diff(b, a), and modified types are symmetric", () => {
    fc.assert(
      fc.property(arbGraph, arbGraph, (a, b) => {
        const forward = diffAssetGraphs(a, b, { missingLocations: "removed" });
        const backward = diffAssetGraphs(b, a, { missingLocations: "removed" });
        expect(ids(forward, "NEW")).toEqual(ids(backward, "REMOVED"));
        expect(ids(forward, "REMOVED")).toEqual(ids(backward, "NEW"));
        for (const type of [
          "CODE_VERSION",
          "DEPENDENCIES",
          "PARTITIONS_DEFINITION",
          "TAGS",
          "METADATA",
        ]) {
          expect(ids(forward, type)).toEqual(ids(backward, type));
        }
      }),
      runs,
    );
  });

  test("by default, a location only in the base is listed as not compared, and as new the other way round", () => {
    fc.assert(
      fc.property(arbGraph, arbGraph, (a, b) => {
        const forward = diffAssetGraphs(a, b);
        const backward = diffAssetGraphs(b, a);
        const locations = (cs: typeof forward, status: string) =>
          cs.locations.filter((l) => l.status === status).map((l) => l.codeLocation);
        expect(locations(forward, "notInBranch")).toEqual(locations(backward, "new"));
        const skipped = new Set(locations(forward, "notInBranch"));
        const removedAll = ids(diffAssetGraphs(a, b, { missingLocations: "removed" }), "REMOVED");
        const removedInCompared = removedAll.filter((id) => !skipped.has(JSON.parse(id)[0]));
        expect(ids(forward, "REMOVED")).toEqual(removedInCompared);
      }),
      runs,
    );
  });

  test("reordering nodes, tags, metadata, dependencies, owners, kinds and JSON keys changes nothing", () => {
    fc.assert(
      fc.property(arbGraph, arbGraph, random, (a, b, rnd) => {
        expect(diffAssetGraphs(a, reordered(a, rnd)).assets).toEqual([]);
        expect(diffAssetGraphs(reordered(a, rnd), reordered(b, rnd))).toEqual(
          diffAssetGraphs(a, b),
        );
      }),
      runs,
    );
  });

  test("every change set matches the documented schema", () => {
    fc.assert(
      fc.property(arbGraph, arbGraph, fc.boolean(), (a, b, includeUnchanged) => {
        const result = changeSetSchema.safeParse(diffAssetGraphs(a, b, { includeUnchanged }));
        expect(result.error).toBeUndefined();
      }),
      runs,
    );
  });
});

describe("normalize and snapshot properties", () => {
  test("normalize is idempotent", () => {
    fc.assert(
      fc.property(arbGraph, (g) => {
        const once = normalize(g);
        expect(normalize(structuredClone(once))).toEqual(once);
      }),
      runs,
    );
  });

  test("writing then reading a snapshot is lossless", () => {
    fc.assert(
      fc.property(arbGraph, (g) => {
        expect(parseSnapshot(JSON.parse(serializeSnapshot(g)))).toEqual(normalize(g));
      }),
      runs,
    );
  });
});
