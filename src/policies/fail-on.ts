import { type AssetChange, allChangeTypes, type ChangeSet } from "../diff/change-set";
import { type ChangeType, isDagsterChangeType, isExtraChangeType } from "../diff/change-types";
import { atLeast, isSeverity, type Severity } from "../diff/verdicts";

/**
 * The CI gate: which assets of a change set fail a `--fail-on` policy. A policy names change
 * types, severities and conditions; an approved change never fails it, nor does a change that
 * production made (base drift, in a three-way comparison).
 */

/**
 * The conditions `--fail-on` names besides change types and severities; the single source for
 * {@link FailOnCondition}. `impacted-breaking`: an unapproved breaking change that makes an
 * impacted asset `breaking-downstream` (needs the impact policy); `conflict`: an asset the branch
 * and production both changed, differently (needs a three-way comparison).
 */
export const FAIL_ON_CONDITIONS = ["impacted-breaking", "conflict"] as const;

/** See {@link FAIL_ON_CONDITIONS}. */
export type FailOnCondition = (typeof FAIL_ON_CONDITIONS)[number];

/**
 * What `--fail-on` names: change types (`REMOVED`), severities (`breaking`: at least that) and
 * conditions (`impacted-breaking`, `conflict`).
 */
export type FailOnRule = ChangeType | Severity | FailOnCondition;

/**
 * True for a condition name, as `--fail-on` accepts it.
 *
 * @example
 * isFailOnCondition("impacted-breaking"); // true
 * isFailOnCondition("breaking"); // false: a severity
 */
export function isFailOnCondition(value: string): value is FailOnCondition {
  return (FAIL_ON_CONDITIONS as readonly string[]).includes(value);
}

/**
 * The assets that fail a `--fail-on` policy, in change-set order:
 *
 * - a change type or severity: assets with a change of one of the named change types, or of at
 *   least one of the named severities, that no approval matched. A change set the severity policy
 *   did not run over fails on change types only (a severity rule then matches nothing).
 * - `impacted-breaking`: changed assets named by an impacted entry that is `breaking-downstream`
 *   (in its `via` or `route`) that have an unapproved `breaking` change: the change that makes
 *   that asset break downstream. Without the impact policy (no `impacted`) it matches nothing.
 * - `conflict`: assets whose three-way `origin` is `conflict` (the branch and production changed
 *   them differently); an approval does not settle a conflict, a merge does.
 *
 * A change whose three-way origin (in `origins`) is `drift` never fails any rule: production
 * made it, not the branch, so an asset only drifted never fails.
 *
 * @example
 * assetsFailing(changeSet, ["breaking", "REMOVED"]).map((a) => a.key);
 * assetsFailing(reviewed, ["impacted-breaking"]).map((a) => a.key); // ["raw/orders"]
 */
export function assetsFailing(changeSet: ChangeSet, rules: readonly FailOnRule[]): AssetChange[] {
  const types = new Set<string>(
    rules.filter((r) => isDagsterChangeType(r) || isExtraChangeType(r)),
  );
  const severities = rules.filter(isSeverity);
  const conflict = rules.includes("conflict");
  const breakingUpstream = rules.includes("impacted-breaking")
    ? namedByBreakingImpact(changeSet)
    : new Set<string>();
  return changeSet.assets.filter((asset) => {
    if (conflict && asset.origin === "conflict") return true;
    const drifted = driftedChangeTypes(asset);
    if (asset.reasons === undefined) {
      return allChangeTypes(asset).some((t) => types.has(t) && !drifted.has(t));
    }
    const impacting = breakingUpstream.has(asset.key);
    return asset.reasons.some(
      (verdict) =>
        verdict.approved === undefined &&
        !drifted.has(verdict.changeType) &&
        (types.has(verdict.changeType) ||
          severities.some((s) => atLeast(verdict.severity, s)) ||
          (impacting && verdict.severity === "breaking")),
    );
  });
}

// --- internal ---

/** The change types of an asset that production changed, not the branch. */
function driftedChangeTypes(asset: AssetChange): ReadonlySet<ChangeType> {
  const drifted = new Set<ChangeType>();
  for (const o of asset.origins ?? []) if (o.origin === "drift") drifted.add(o.changeType);
  return drifted;
}

/** The changed ancestors (`/`-joined keys) an impacted `breaking-downstream` entry names. */
function namedByBreakingImpact(changeSet: ChangeSet): ReadonlySet<string> {
  const named = new Set<string>();
  for (const entry of changeSet.impacted ?? []) {
    if (entry.severity !== "breaking-downstream") continue;
    for (const key of entry.via) named.add(key);
    for (const key of entry.route) named.add(key);
  }
  return named;
}
