import { type AssetChange, allChangeTypes, type ChangeSet } from "../diff/change-set";
import { type ChangeType, isDagsterChangeType, isExtraChangeType } from "../diff/change-types";
import { atLeast, isSeverity, type Severity } from "../diff/verdicts";

/**
 * The CI gate: which assets of a change set fail a `--fail-on` policy. A policy names change
 * types and severities; an approved change never fails it.
 */

/** What `--fail-on` names: change types (`REMOVED`) and severities (`breaking`: at least that). */
export type FailOnRule = ChangeType | Severity;

/**
 * The assets that fail a `--fail-on` policy: those with a change of one of the named change types,
 * or of at least one of the named severities, that no approval matched. A change set the severity
 * policy did not run over fails on change types only (a severity rule then matches nothing).
 *
 * @example
 * assetsFailing(changeSet, ["breaking", "REMOVED"]).map((a) => a.key);
 */
export function assetsFailing(changeSet: ChangeSet, rules: readonly FailOnRule[]): AssetChange[] {
  const types = new Set<string>(
    rules.filter((r) => isDagsterChangeType(r) || isExtraChangeType(r)),
  );
  const severities = rules.filter(isSeverity);
  return changeSet.assets.filter((asset) => {
    if (asset.reasons === undefined) return allChangeTypes(asset).some((t) => types.has(t));
    return asset.reasons.some(
      (verdict) =>
        verdict.approved === undefined &&
        (types.has(verdict.changeType) || severities.some((s) => atLeast(verdict.severity, s))),
    );
  });
}
