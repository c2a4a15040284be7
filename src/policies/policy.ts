import type { AssetChange, ChangeSet } from "../diff/change-set";
import { compareChangeTypes } from "../diff/change-types";
import { summarizeChangeSet } from "../diff/summary";
import type { Asset, AssetGraph } from "../model/asset";
import { assetId, compareAssets, keyId, keyToString } from "../model/key";
import { normalize } from "../normalize/normalize";

/**
 * The policy contract. A policy is a pure step over a change set (`ChangeSet → ChangeSet`): it
 * suppresses, classifies or marks changes, never by editing its input. `applyPolicies` runs
 * them in order and recomputes the summary afterwards, so no policy can leave it stale.
 */

/** The graphs a change set was computed from. */
export interface PolicyGraphs {
  base: AssetGraph;
  branch: AssetGraph;
}

/** What every policy may look at besides the change set: the two graphs, indexed once. */
export interface PolicyContext {
  /** The asset as the branch defines it, or as the base did for a REMOVED asset. */
  assetOf(
    change: Pick<AssetChange, "path" | "codeLocation" | "repository" | "changeTypes">,
  ): Asset | undefined;
  /** The asset on one side, matched by identity (by key alone when that side says no location). */
  sideOf(
    side: keyof PolicyGraphs,
    change: Pick<AssetChange, "path" | "codeLocation" | "repository">,
  ): Asset | undefined;
  /** The `/`-joined keys (sorted, unique) of the assets of one side that depend on a key. */
  dependentsOf(side: keyof PolicyGraphs, path: readonly string[]): readonly string[];
  /** Every asset of one side, normalized, in the canonical order (the graph a policy walks). */
  assetsOf(side: keyof PolicyGraphs): readonly Asset[];
  /** The assets of one side with a key (one per code location and repository that defines it). */
  assetsWithKey(side: keyof PolicyGraphs, path: readonly string[]): readonly Asset[];
  /**
   * The assets of one side that depend on a key, each once, in the order of {@link assetsOf}.
   * Dependencies name a key only, so an asset depends on every asset with that key.
   */
  dependentAssetsOf(side: keyof PolicyGraphs, path: readonly string[]): readonly Asset[];
}

/**
 * A policy step: a pure function from a change set to a change set. It must not change the set
 * of compared assets (an asset whose every change it removes becomes unchanged).
 */
export type Policy = (changeSet: ChangeSet, context: PolicyContext) => ChangeSet;

/**
 * Indexes the two graphs of a comparison for the policies: one pass over each, so any number of
 * policies look assets and dependents up in O(1).
 *
 * @example
 * const context = createPolicyContext({ base, branch });
 * context.dependentsOf("base", ["raw", "orders"]); // ["staging/stg_orders"]
 * context.dependentAssetsOf("branch", ["raw", "orders"]).map((a) => a.codeLocation); // ["analytics"]
 */
export function createPolicyContext(graphs: PolicyGraphs): PolicyContext {
  const sides = { base: indexGraph(graphs.base), branch: indexGraph(graphs.branch) };
  const sideOf: PolicyContext["sideOf"] = (side, change) => {
    const index = sides[side];
    return (
      index.byId.get(
        assetId({
          key: change.path,
          codeLocation: change.codeLocation,
          repository: change.repository,
        }),
      ) ?? index.byUniqueKey.get(keyId(change.path))
    );
  };
  return {
    sideOf,
    assetOf: (change) => sideOf(change.changeTypes.includes("REMOVED") ? "base" : "branch", change),
    dependentsOf: (side, path) => sides[side].dependents.get(keyId(path)) ?? [],
    assetsOf: (side) => sides[side].assets,
    assetsWithKey: (side, path) => sides[side].byKey().defining.get(keyId(path)) ?? [],
    dependentAssetsOf: (side, path) => sides[side].byKey().dependent.get(keyId(path)) ?? [],
  };
}

/**
 * Runs policies over a change set, in order, then puts it in canonical form: assets left without
 * any change are dropped (unless unchanged assets are listed), `suppressed` is sorted like the
 * assets, and the summary is recomputed from what remains.
 *
 * @example
 * const reviewed = applyPolicies(diffAssetGraphs(base, branch), [severityRules([])], createPolicyContext({ base, branch }));
 */
export function applyPolicies(
  changeSet: ChangeSet,
  policies: readonly Policy[],
  context: PolicyContext,
): ChangeSet {
  let current = changeSet;
  for (const policy of policies) current = policy(current, context);
  const assets = current.options.includeUnchanged
    ? current.assets
    : current.assets.filter((a) => a.changeTypes.length + (a.extraChangeTypes?.length ?? 0) > 0);
  const suppressed = [...current.suppressed].sort(
    (a, b) =>
      compareAssets(
        { key: a.path, codeLocation: a.codeLocation, repository: a.repository },
        { key: b.path, codeLocation: b.codeLocation, repository: b.repository },
      ) || compareChangeTypes(a.changeType, b.changeType),
  );
  const result: ChangeSet = { ...current, assets, suppressed };
  result.summary = summarizeChangeSet(result);
  return result;
}

// --- internal ---

interface GraphIndex {
  assets: readonly Asset[];
  byId: Map<string, Asset>;
  /** Assets whose key is defined once on this side, by key. */
  byUniqueKey: Map<string, Asset>;
  dependents: Map<string, string[]>;
  /** Every asset with a key, and the assets that depend on a key (each once), by key. */
  byKey(): AssetsByKey;
}

interface AssetsByKey {
  defining: Map<string, Asset[]>;
  dependent: Map<string, Asset[]>;
}

function indexGraph(graph: AssetGraph): GraphIndex {
  const { assets } = normalize(graph);
  const byId = new Map<string, Asset>();
  const byKey = new Map<string, Asset | null>();
  const dependents = new Map<string, Set<string>>();
  for (const asset of assets) {
    byId.set(assetId(asset), asset);
    const id = keyId(asset.key);
    byKey.set(id, byKey.has(id) ? null : asset);
    const key = keyToString(asset.key);
    for (const dependency of asset.dependencies ?? []) {
      const upstream = keyId(dependency.key);
      const set = dependents.get(upstream);
      if (set) set.add(key);
      else dependents.set(upstream, new Set([key]));
    }
  }
  const byUniqueKey = new Map<string, Asset>();
  for (const [id, asset] of byKey) if (asset !== null) byUniqueKey.set(id, asset);
  const sorted = new Map<string, string[]>();
  for (const [id, set] of dependents) sorted.set(id, [...set].sort());
  // Only the policies that walk the graph need assets by key: built on first use, then kept.
  let assetsByKey: AssetsByKey | undefined;
  const indexByKey = () => {
    assetsByKey ??= indexAssetsByKey(assets);
    return assetsByKey;
  };
  return { assets, byId, byUniqueKey, dependents: sorted, byKey: indexByKey };
}

function indexAssetsByKey(assets: readonly Asset[]): AssetsByKey {
  const defining = new Map<string, Asset[]>();
  const dependent = new Map<string, Asset[]>();
  for (const asset of assets) {
    const id = keyId(asset.key);
    const same = defining.get(id);
    if (same) same.push(asset);
    else defining.set(id, [asset]);
    for (const dependency of asset.dependencies ?? []) {
      const upstream = keyId(dependency.key);
      const list = dependent.get(upstream);
      // An asset's dependencies are visited together, so a repeated key is the last entry.
      if (list === undefined) dependent.set(upstream, [asset]);
      else if (list.at(-1) !== asset) list.push(asset);
    }
  }
  return { defining, dependent };
}
