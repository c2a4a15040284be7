import type { AssetChange, ChangeSet } from "../diff/change-set";
import type { AssetGraph } from "../model/asset";
import { assetId, compareStrings, keyToString } from "../model/key";
import { createPolicyContext, type PolicyContext } from "./policy";

/** The graphs a change set was computed from. */
export interface LineageGraphs {
  base: AssetGraph;
  branch: AssetGraph;
}

/**
 * Adds each listed asset's direct neighbours to a change set (`lineage`): the keys it depends on
 * and the keys that depend on it, in the branch graph (in the base graph for a REMOVED asset).
 * A policy over the raw change set, used by reports that draw lineage; linear in graph size.
 * `graphs` are the two graphs, or the {@link PolicyContext} already built over them.
 *
 * @example
 * const changes = withLineage(diffAssetGraphs(base, branch), { base, branch });
 * changes.assets[0]?.lineage?.downstream; // ["marts/fct_revenue"]
 */
export function withLineage(
  changeSet: ChangeSet,
  graphs: LineageGraphs | PolicyContext,
): ChangeSet {
  const context = "sideOf" in graphs ? graphs : createPolicyContext(graphs);
  const assets = changeSet.assets.map((change): AssetChange => {
    const side = change.changeTypes.includes("REMOVED") ? "base" : "branch";
    // By identity only: the key-only fallback of `sideOf` would lend another asset's inputs.
    const found = context.sideOf(side, change);
    const asset =
      found !== undefined &&
      assetId(found) ===
        assetId({
          key: change.path,
          codeLocation: change.codeLocation,
          repository: change.repository,
        })
        ? found
        : undefined;
    const upstream = [...new Set((asset?.dependencies ?? []).map((d) => keyToString(d.key)))].sort(
      compareStrings,
    );
    const downstream = [...context.dependentsOf(side, change.path)];
    return { ...change, lineage: { upstream, downstream } };
  });
  return { ...changeSet, assets };
}
