import {
  type AssetChange,
  assetChangeKind,
  type ChangeSet,
  type ChangeSummary,
} from "./change-set";
import {
  type ChangeTypeMode,
  DAGSTER_CHANGE_TYPES,
  type DagsterChangeType,
  EXTRA_CHANGE_TYPES,
  type ExtraChangeType,
} from "./change-types";
import { CHANGE_ORIGINS, IMPACT_SEVERITIES, SEVERITIES } from "./verdicts";

/**
 * The summary of a change set: counts that are always derived from its assets, suppressed changes
 * and approvals, never kept by hand, so no step that edits a change set can leave them stale.
 */

/**
 * Recomputes a change set's summary from its assets, `suppressed` and approvals. The number of
 * compared assets is kept from the summary it had (policies never add or drop compared assets;
 * an asset whose every change was suppressed counts as unchanged).
 *
 * @example
 * const edited = { ...changeSet, assets: changeSet.assets.filter(keep) };
 * edited.summary = summarizeChangeSet(edited);
 */
export function summarizeChangeSet(changeSet: ChangeSet): ChangeSummary {
  const { assets } = changeSet.summary;
  // A moved asset pairs two compared identities (the old one and the new).
  const compared =
    assets.new + assets.removed + assets.modified + assets.unchanged + 2 * (assets.moved ?? 0);
  const summary = countChanges(changeSet.assets, compared, changeSet.options.changeTypes);
  summary.suppressed = changeSet.suppressed.length;
  // Once the moves policy ran (it sets `probableMoves`), `moved` is counted, zero or not.
  if (changeSet.probableMoves !== undefined) summary.assets.moved ??= 0;
  if (changeSet.summary.severity !== undefined || changeSet.assets.some((a) => a.severity)) {
    summary.severity = tally(
      SEVERITIES,
      changeSet.assets.map((a) => a.severity),
    );
  }
  if (changeSet.staleApprovals !== undefined) {
    summary.approved = changeSet.assets.reduce(
      (n, a) => n + (a.reasons ?? []).filter((r) => r.approved !== undefined).length,
      0,
    );
  }
  if (changeSet.impacted !== undefined) {
    summary.impacted = changeSet.impacted.length;
    summary.impactSeverity = tally(
      IMPACT_SEVERITIES,
      changeSet.impacted.map((i) => i.severity),
    );
  }
  if (changeSet.mergeBase !== undefined) {
    summary.origins = tally(
      CHANGE_ORIGINS,
      changeSet.assets.map((a) => a.origin),
    );
  }
  return summary;
}

/**
 * Counts listed assets by kind and change type; `compared` is the number of assets compared in
 * all (listed or not), so the unchanged ones that are not listed are counted too.
 */
export function countChanges(
  changes: readonly AssetChange[],
  compared: number,
  mode: ChangeTypeMode,
): ChangeSummary {
  const changeTypes = zeros(DAGSTER_CHANGE_TYPES) as Record<DagsterChangeType, number>;
  const extra = zeros(EXTRA_CHANGE_TYPES) as Record<ExtraChangeType, number>;
  const assets = { new: 0, removed: 0, modified: 0, unchanged: 0, moved: 0 };
  for (const change of changes) {
    for (const t of change.changeTypes) changeTypes[t]++;
    for (const t of change.extraChangeTypes ?? []) extra[t]++;
    const kind = assetChangeKind(change);
    if (kind !== "unchanged") assets[kind]++;
  }
  assets.unchanged = compared - assets.new - assets.removed - assets.modified - 2 * assets.moved;
  // `moved` only once there is one (the moves policy lists it from then on, see below).
  const { moved, ...counted } = assets;
  const summary: ChangeSummary = {
    assets: moved > 0 ? assets : counted,
    changeTypes,
    suppressed: 0,
  };
  if (mode === "all") summary.extraChangeTypes = extra;
  return summary;
}

// --- internal ---

/** How many of `values` are each of `names` (every name counted, zero or not). */
function tally<K extends string>(
  names: readonly K[],
  values: readonly (K | undefined)[],
): Record<K, number> {
  const counts = zeros(names) as Record<K, number>;
  for (const value of values) if (value !== undefined) counts[value]++;
  return counts;
}

function zeros(names: readonly string[]): Record<string, number> {
  return Object.fromEntries(names.map((n) => [n, 0]));
}
