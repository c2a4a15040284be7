import { type AssetChange, allChangeTypes, type ChangeSet } from "../diff/change-set";
import type { ChangeType } from "../diff/change-types";

/**
 * The assets of a change set that have any of the given change types: what a CI policy such as
 * `--fail-on REMOVED,PARTITIONS_DEFINITION` fails on.
 *
 * @example
 * assetsWithChangeTypes(changeSet, ["REMOVED"]).map((a) => a.key);
 */
export function assetsWithChangeTypes(
  changeSet: ChangeSet,
  types: readonly ChangeType[],
): AssetChange[] {
  const wanted = new Set<string>(types);
  return changeSet.assets.filter((asset) => allChangeTypes(asset).some((t) => wanted.has(t)));
}
