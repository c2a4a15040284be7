import { UsageError } from "../errors";
import type { Asset, AssetGraph } from "../model/asset";
import { sameData } from "../model/json";
import { compareAssets, keyId, keyToString } from "../model/key";
import { normalize } from "../normalize/normalize";
import {
  type AssetChange,
  type AssetChangeDetails,
  CHANGE_SET_FORMAT_VERSION,
  type ChangeSet,
  type ChangeSetInput,
  MISSING_LOCATIONS_MODES,
  type MissingLocationsMode,
} from "./change-set";
import {
  CHANGE_TYPE_MODES,
  type ChangeTypeMode,
  type DagsterChangeType,
  type ExtraChangeType,
} from "./change-types";
import { compareDefinitions } from "./compare-assets";
import { LimitationCounter } from "./limitations";
import { planLocations, type Side } from "./locations";
import { countChanges } from "./summary";

/** Options of {@link diffAssetGraphs} and {@link createDiffer}. */
export interface DiffOptions {
  /**
   * Compare only this code location, as Dagster's differ does. When the base lacks it, every
   * asset is NEW; when the branch lacks it, a {@link UsageError} is thrown.
   */
  codeLocation?: string;
  /** `all` (default): Dagster's seven change types plus the extra ones; `dagster`: exactly Dagster's. */
  changeTypes?: ChangeTypeMode;
  /** List unchanged assets too, with empty `changeTypes`. */
  includeUnchanged?: boolean;
  /**
   * What to do with a code location that is in the base but not in the branch. `skip` (default,
   * as Dagster, whose branch deployments often hold only the locations a pull request deploys):
   * list it in `locations` as `notInBranch` and leave its assets out; `removed`: report each of its
   * assets as REMOVED.
   */
  missingLocations?: MissingLocationsMode;
}

/** A configured differ: `(base, branch, overrides?) => ChangeSet`. */
export type Differ = (base: AssetGraph, branch: AssetGraph, overrides?: DiffOptions) => ChangeSet;

/**
 * Makes a differ with default options; per-call options override them.
 *
 * @example
 * const dagsterDiff = createDiffer({ changeTypes: "dagster" });
 * const changes = dagsterDiff(prod, branch, { codeLocation: "analytics" });
 */
export function createDiffer(defaults: DiffOptions = {}): Differ {
  return (base, branch, overrides = {}) =>
    computeChangeSet(base, branch, { ...defaults, ...overrides });
}

/**
 * Computes what `branch` changes compared with `base`, per asset, with Dagster's change-tracking
 * semantics and asset-diff's value-level details. Linear in the size of the graphs.
 *
 * @example
 * const changes = diffAssetGraphs(prodGraph, branchGraph);
 * changes.assets.filter((a) => a.changeTypes.includes("CODE_VERSION"));
 */
export const diffAssetGraphs: Differ = createDiffer();

// --- internal ---

function computeChangeSet(
  baseInput: AssetGraph,
  branchInput: AssetGraph,
  options: DiffOptions,
): ChangeSet {
  const mode = option("changeTypes", options.changeTypes, CHANGE_TYPE_MODES, "all");
  const missing = option(
    "missingLocations",
    options.missingLocations,
    MISSING_LOCATIONS_MODES,
    "skip",
  );
  const base = normalize(baseInput);
  const branch = normalize(branchInput);
  const plan = planLocations(base, branch, {
    codeLocation: options.codeLocation,
    missingLocations: missing,
  });
  const identity = (a: Asset) =>
    identityText(
      plan.withLocations ? a.codeLocation : null,
      plan.withRepositories ? a.repository : null,
      keyId(a.key),
    );

  const limitations = new LimitationCounter();
  const changes: AssetChange[] = [];
  let unchanged = 0;
  const baseById = indexBy(
    plan.baseAssets.filter((a) => plan.isCompared(a, "base")),
    identity,
    "base",
  );
  if (!plan.withLocations || !plan.withRepositories) indexBy(plan.branchAssets, identity, "branch");

  for (const asset of plan.branchAssets) {
    if (!plan.isCompared(asset, "branch")) continue;
    const id = identity(asset);
    const before = baseById.get(id);
    if (before === undefined) {
      changes.push(entry(asset, ["NEW"], mode, {}));
      continue;
    }
    baseById.delete(id);
    const change = compareAsset(before, asset, mode, limitations);
    if (change !== undefined) changes.push(change);
    else {
      unchanged++;
      if (options.includeUnchanged) changes.push(entry(asset, [], mode, {}));
    }
  }
  for (const asset of baseById.values()) changes.push(entry(asset, ["REMOVED"], mode, {}));

  changes.sort(compareAssetChanges);
  return {
    formatVersion: CHANGE_SET_FORMAT_VERSION,
    options: {
      changeTypes: mode,
      codeLocation: options.codeLocation ?? null,
      includeUnchanged: options.includeUnchanged ?? false,
      missingLocations: missing,
    },
    base: inputSummary(base),
    branch: inputSummary(branch),
    // Unchanged assets are listed only on request; the count covers them either way.
    summary: countChanges(
      changes,
      changes.length + (options.includeUnchanged ? 0 : unchanged),
      mode,
    ),
    locations: plan.locations,
    limitations: limitations.list(mode),
    assets: changes,
    suppressed: [],
  };
}

/** An option from a closed set, or its default; anything else is a {@link UsageError}. */
function option<T extends string>(
  name: string,
  value: T | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (allowed.includes(value)) return value;
  const names = allowed.map((a) => JSON.stringify(a));
  throw new UsageError(
    `${name} must be ${names.slice(0, -1).join(", ")} or ${names.at(-1)}, not ${JSON.stringify(value)}`,
  );
}

function compareAsset(
  base: Asset,
  branch: Asset,
  mode: ChangeTypeMode,
  limitations: LimitationCounter,
): AssetChange | undefined {
  limitations.record(base, branch);
  // Most assets do not change: one deep-equality check settles them.
  if (sameData(base, branch)) return undefined;
  const { changeTypes, extraChangeTypes, details } = compareDefinitions(base, branch, mode);
  // Differences only in fields not compared (or only extra types in dagster mode) are no change.
  if (changeTypes.length === 0 && extraChangeTypes.length === 0) return undefined;
  return entry(branch, changeTypes, mode, details, extraChangeTypes);
}

function entry(
  asset: Asset,
  changeTypes: DagsterChangeType[],
  mode: ChangeTypeMode,
  details: AssetChangeDetails,
  extraChangeTypes: ExtraChangeType[] = [],
): AssetChange {
  const change: AssetChange = {
    key: keyToString(asset.key),
    path: asset.key,
    codeLocation: asset.codeLocation,
    repository: asset.repository,
    changeTypes: changeTypes.sort(),
    ...(mode === "all" ? { extraChangeTypes: extraChangeTypes.sort() } : {}),
    details,
  };
  return change;
}

/** An unambiguous identity string (lengths make any separator safe). */
function identityText(location: string | null, repository: string | null, key: string): string {
  const part = (s: string | null) => (s === null ? "-" : `${s.length}:${s}`);
  return `${part(location)}|${part(repository)}|${key}`;
}

/** Indexes assets by identity; two assets on one side with one identity make the match ambiguous. */
function indexBy(
  assets: readonly Asset[],
  identity: (a: Asset) => string,
  side: Side,
): Map<string, Asset> {
  const index = new Map<string, Asset>();
  for (const asset of assets) {
    const id = identity(asset);
    const other = index.get(id);
    if (other !== undefined) {
      const where = (a: Asset) =>
        JSON.stringify([a.codeLocation, a.repository].filter((x) => x !== null).join("/"));
      throw new UsageError(
        `one input does not say which code location or repository its assets are in, so assets are matched by key; but the ${side} defines ${JSON.stringify(keyToString(asset.key))} twice (in ${where(other)} and ${where(asset)}): compare one code location at a time`,
      );
    }
    index.set(id, asset);
  }
  return index;
}

function inputSummary(graph: AssetGraph): ChangeSetInput {
  return { source: graph.source ?? null, assets: graph.assets.length };
}

function compareAssetChanges(a: AssetChange, b: AssetChange): number {
  return compareAssets(
    { key: a.path, codeLocation: a.codeLocation, repository: a.repository },
    { key: b.path, codeLocation: b.codeLocation, repository: b.repository },
  );
}
