import { type AssetChange, allChangeTypes, type ChangeSet } from "../diff/change-set";
import {
  CHANGE_TYPES,
  type ChangeType,
  type ChangeTypeMode,
  isDagsterChangeType,
  isExtraChangeType,
} from "../diff/change-types";
import { UsageError } from "../errors";
import type { Asset, AssetGraph } from "../model/asset";
import { assetId, compareStrings, keyToString } from "../model/key";

/**
 * The changes a test expects, by asset: `/`-joined key (or `location:key` where a key is in
 * several code locations) → every change type the asset must show, in any order. `[]` means the
 * asset must not change, which is also what any asset not listed must do.
 *
 * @example
 * const expected: ExpectedAssetChanges = {
 *   "marts/fct_revenue": ["CODE_VERSION", "DEPENDENCIES"],
 *   "analytics:shared/currency_rates": ["CODE_VERSION"],
 *   "raw/new_source": ["NEW"],
 * };
 */
export type ExpectedAssetChanges = Readonly<Record<string, readonly ChangeType[]>>;

/** One asset whose changes differ from the expectation. */
export interface ChangeMismatch {
  label: string;
  /** The `/`-joined key, for ordering. */
  key: string;
  /** Expected change types (empty: expected unchanged). */
  expected: ChangeType[];
  /** Found change types (empty: unchanged). */
  found: ChangeType[];
}

/** The changes of a change set by display label, each list in the canonical order. */
export function foundChanges(changeSet: ChangeSet, labels: Labels): [string, ChangeType[]][] {
  return changeSet.assets.map((change) => [
    labels.of({ key: change.path, codeLocation: change.codeLocation }),
    typesOf(change),
  ]);
}

/** Names assets by key, adding the code location only where a key is in several. */
export interface Labels {
  of(asset: Pick<Asset, "key" | "codeLocation">): string;
}

/** Labels for the assets of both graphs. */
export function labelsFor(base: AssetGraph, branch: AssetGraph): Labels {
  const index = indexByKey(base, branch);
  return {
    of(asset) {
      const key = keyToString(asset.key);
      const locations = new Set(
        (index.get(key) ?? []).map((a) => a.codeLocation).filter((l) => l !== null),
      );
      return locations.size > 1 ? `${asset.codeLocation ?? "(unknown)"}:${key}` : key;
    },
  };
}

/**
 * Compares a change set with the expected changes. Throws a {@link UsageError} for an expectation
 * that cannot be checked: an unknown change type, a key no asset has, a key that names several
 * changed assets, an asset listed twice.
 */
export function compareChanges(
  changeSet: ChangeSet,
  expected: ExpectedAssetChanges,
  base: AssetGraph,
  branch: AssetGraph,
): ChangeMismatch[] {
  if (typeof expected !== "object" || expected === null || Array.isArray(expected)) {
    throw new UsageError(
      `the expected changes must be an object of asset key → change types, not ${JSON.stringify(expected)}`,
    );
  }
  const mode = changeSet.options.changeTypes;
  const labels = labelsFor(base, branch);
  const index = indexByKey(base, branch);
  const changed = new Map(
    changeSet.assets.map((c) => [
      assetId({ key: c.path, codeLocation: c.codeLocation, repository: c.repository }),
      c,
    ]),
  );
  const claimed = new Map<string, string>();
  const mismatches: ChangeMismatch[] = [];

  for (const [written, types] of Object.entries(expected)) {
    const wanted = checkTypes(written, types, mode);
    const candidates = resolve(written, index);
    const changedCandidates = candidates.filter((a) => changed.has(assetId(a)));
    if (changedCandidates.length > 1) {
      const where = changedCandidates.map(
        (a) => `${a.codeLocation ?? "(unknown)"}:${keyToString(a.key)}`,
      );
      throw new UsageError(
        `the expected key ${JSON.stringify(written)} names ${changedCandidates.length} changed assets; write one of ${where.map((w) => JSON.stringify(w)).join(", ")}`,
      );
    }
    const target = changedCandidates[0];
    const id =
      target === undefined
        ? `unchanged:${written}`
        : assetId({
            key: target.key,
            codeLocation: target.codeLocation,
            repository: target.repository,
          });
    const previous = claimed.get(id);
    if (previous !== undefined) {
      throw new UsageError(
        `the expected keys ${JSON.stringify(previous)} and ${JSON.stringify(written)} name the same asset`,
      );
    }
    claimed.set(id, written);
    const change = target === undefined ? undefined : changed.get(id);
    const found = change === undefined ? [] : typesOf(change);
    if (!sameTypes(wanted, found)) {
      mismatches.push({
        label:
          change === undefined
            ? written
            : labels.of({ key: change.path, codeLocation: change.codeLocation }),
        key: change === undefined ? keyToString(candidates[0]?.key ?? []) : change.key,
        expected: wanted,
        found,
      });
    }
  }
  for (const [id, change] of changed) {
    if (claimed.has(id)) continue;
    mismatches.push({
      label: labels.of({ key: change.path, codeLocation: change.codeLocation }),
      key: change.key,
      expected: [],
      found: typesOf(change),
    });
  }
  return mismatches.sort(
    (a, b) => compareStrings(a.key, b.key) || compareStrings(a.label, b.label),
  );
}

/** Change types in the canonical order: Dagster's, then the extra ones. */
function canonicalOrder(types: Iterable<ChangeType>): ChangeType[] {
  const set = new Set(types);
  return CHANGE_TYPES.filter((t) => set.has(t));
}

// --- internal ---

function typesOf(change: AssetChange): ChangeType[] {
  return canonicalOrder(allChangeTypes(change));
}

function sameTypes(a: readonly ChangeType[], b: readonly ChangeType[]): boolean {
  return a.length === b.length && a.every((t, i) => t === b[i]);
}

function checkTypes(written: string, types: unknown, mode: ChangeTypeMode): ChangeType[] {
  if (!Array.isArray(types)) {
    throw new UsageError(
      `the expected change types of ${JSON.stringify(written)} must be an array, e.g. ["CODE_VERSION"], not ${JSON.stringify(types)}`,
    );
  }
  for (const type of types as unknown[]) {
    if (typeof type !== "string" || !(isDagsterChangeType(type) || isExtraChangeType(type))) {
      throw new UsageError(
        `${JSON.stringify(type)} (expected for ${JSON.stringify(written)}) is not a change type; the change types are ${CHANGE_TYPES.join(", ")}`,
      );
    }
    if (mode === "dagster" && !isDagsterChangeType(type)) {
      throw new UsageError(
        `${type} (expected for ${JSON.stringify(written)}) is not one of Dagster's change types, so it is never reported with changeTypes "dagster"`,
      );
    }
  }
  return canonicalOrder(types as ChangeType[]);
}

/** Every asset of both graphs (once each) by `/`-joined key. */
function indexByKey(base: AssetGraph, branch: AssetGraph): Map<string, Asset[]> {
  const index = new Map<string, Asset[]>();
  const seen = new Set<string>();
  for (const asset of [...base.assets, ...branch.assets]) {
    const id = assetId({
      key: asset.key,
      codeLocation: asset.codeLocation,
      repository: asset.repository,
    });
    if (seen.has(id)) continue;
    seen.add(id);
    const key = keyToString(asset.key);
    const list = index.get(key);
    if (list === undefined) index.set(key, [asset]);
    else list.push(asset);
  }
  return index;
}

/** The assets an expected key names: by key, or by `location:key`. */
function resolve(written: string, index: Map<string, Asset[]>): Asset[] {
  const byKey = index.get(written);
  if (byKey !== undefined) return byKey;
  const colon = written.indexOf(":");
  if (colon > 0) {
    const location = written.slice(0, colon);
    const inLocation = (index.get(written.slice(colon + 1)) ?? []).filter(
      (a) => a.codeLocation === location,
    );
    if (inLocation.length > 0) return inLocation;
  }
  throw new UsageError(
    `the expected key ${JSON.stringify(written)} names no asset in the base or the received graph (write keys joined by "/", or "location:key")`,
  );
}
