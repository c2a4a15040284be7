import type { AssetChange, ChangeVerdict } from "../diff/change-set";
import type { ChangeType } from "../diff/change-types";
import { type Severity, worstSeverity } from "../diff/verdicts";

/**
 * Refining a verdict: policies that know more about a change than the severity policy's default
 * rules (columns, partition keys, moves) replace that change type's verdict after it ran. A
 * verdict the configuration set (`CONFIGURED`) is the user's word and is never replaced.
 */

/** What a refining policy decides about one change type. */
export type RefinedVerdict = Pick<ChangeVerdict, "severity" | "reason" | "message">;

/**
 * The asset with `changeType`'s verdict replaced by `verdict` (keeping its id and approval) and
 * its severity recomputed. The asset is returned as it is when the severity policy has not run,
 * the change type has no verdict, or the configuration set it.
 *
 * @example
 * refineVerdict(asset, "PARTITIONS_DEFINITION", { severity: "risky", reason: "PARTITION_KEYS_ADDED", message: "+30 daily partitions, none removed" });
 */
export function refineVerdict(
  asset: AssetChange,
  changeType: ChangeType,
  verdict: RefinedVerdict,
): AssetChange {
  const reasons = asset.reasons;
  if (reasons === undefined) return asset;
  const index = reasons.findIndex((r) => r.changeType === changeType);
  const current = reasons[index];
  if (current === undefined || current.reason === "CONFIGURED") return asset;
  const next = [...reasons];
  next[index] = { ...current, ...verdict };
  return {
    ...asset,
    reasons: next,
    severity: worstSeverity(next.map((r) => r.severity)) as Severity,
  };
}
