import type { AssetChange, ChangeSet } from "../diff/change-set";
import type { Asset, AssetGraph } from "../model/asset";
import { assetId, compareStrings, keyId, keyToString } from "../model/key";
import { normalize } from "../normalize/normalize";

/** The graphs a change set was computed from. */
export interface LineageGraphs {
  base: AssetGraph;
  branch: AssetGraph;
}

/**
 * Adds each listed asset's direct neighbours to a change set (`lineage`): the keys it depends on
 * and the keys that depend on it, in the branch graph (in the base graph for a REMOVED asset).
 * A policy over the raw change set, used by reports that draw lineage; linear in graph size.
 *
 * @example
 * const changes = withLineage(diffAssetGraphs(base, branch), { base, branch });
 * changes.assets[0]?.lineage?.downstream; // ["marts/fct_revenue"]
 */
export function withLineage(changeSet: ChangeSet, graphs: LineageGraphs): ChangeSet {
  const base = index(normalize(graphs.base));
  const branch = index(normalize(graphs.branch));
  const assets = changeSet.assets.map((change): AssetChange => {
    const side = change.changeTypes.includes("REMOVED") ? base : branch;
    const asset = side.byId.get(
      assetId({
        key: change.path,
        codeLocation: change.codeLocation,
        repository: change.repository,
      }),
    );
    const upstream = sortedUnique((asset?.dependencies ?? []).map((d) => keyToString(d.key)));
    const downstream = sortedUnique(side.dependents.get(keyId(change.path)) ?? []);
    return { ...change, lineage: { upstream, downstream } };
  });
  return { ...changeSet, assets };
}

// --- internal ---

interface Indexed {
  byId: Map<string, Asset>;
  /** Key (by {@link keyId}) → `/`-joined keys of the assets that depend on it. */
  dependents: Map<string, string[]>;
}

function index(graph: AssetGraph): Indexed {
  const byId = new Map<string, Asset>();
  const dependents = new Map<string, string[]>();
  for (const asset of graph.assets) {
    const key = keyToString(asset.key);
    byId.set(assetId(asset), asset);
    for (const dependency of asset.dependencies ?? []) {
      const upstream = keyId(dependency.key);
      const list = dependents.get(upstream);
      if (list) list.push(key);
      else dependents.set(upstream, [key]);
    }
  }
  return { byId, dependents };
}

function sortedUnique(keys: string[]): string[] {
  return [...new Set(keys)].sort(compareStrings);
}
