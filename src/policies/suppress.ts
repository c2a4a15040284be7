import type { AssetChange, ChangeSet, SuppressedChange } from "../diff/change-set";
import { type ChangeType, isDagsterChangeType } from "../diff/change-types";
import { SECTIONS, type SectionChangeType } from "../diff/sections";
import { worstSeverity } from "../diff/verdicts";
import { UsageError } from "../errors";
import { compareStrings } from "../model/key";

/**
 * Suppression, the one way a policy takes a change out of `assets`: the change (or some tag or
 * metadata keys of it) moves to `suppressed` with the rule and its reason, so nothing a rule
 * hides is lost. Every suppressing rule (environment, substitutions, ignore) goes through here.
 */

/** One decision to suppress: a whole change type of an asset, or some of its keys. */
export interface Suppression {
  /** The asset, as listed in the change set (matched by object identity). */
  asset: AssetChange;
  changeType: ChangeType;
  /**
   * TAGS and METADATA: the tag or metadata keys to suppress (the change type goes when none is
   * left); absent: the whole change type.
   */
  keys?: readonly string[];
  rule: string;
  reason: string;
}

/**
 * Applies suppressions to a change set: removes what they name from the assets (dropping an
 * emptied change type and its details, and the verdicts of the change types they touch) and
 * records each in `suppressed`. Refuses in `dagster` mode, which is Dagster parity.
 *
 * @example
 * suppress(changeSet, [{ asset, changeType: "METADATA", keys: ["dagster/table_name"], rule: "x", reason: "y" }]);
 */
export function suppress(changeSet: ChangeSet, suppressions: readonly Suppression[]): ChangeSet {
  if (suppressions.length === 0) return changeSet;
  if (changeSet.options.changeTypes === "dagster") {
    throw new UsageError(
      "a change set in dagster mode is Dagster parity: no change may be suppressed in it",
    );
  }
  const byAsset = new Map<AssetChange, Suppression[]>();
  for (const s of suppressions) {
    const list = byAsset.get(s.asset);
    if (list) list.push(s);
    else byAsset.set(s.asset, [s]);
  }
  const suppressed: SuppressedChange[] = [...changeSet.suppressed];
  const assets = changeSet.assets.map((asset) => {
    const decisions = byAsset.get(asset);
    if (decisions === undefined) return asset;
    let next = asset;
    for (const decision of decisions) {
      const result = suppressOne(next, decision);
      if (result === undefined) continue;
      next = result.asset;
      suppressed.push(result.record);
    }
    return next;
  });
  return { ...changeSet, assets, suppressed };
}

// --- internal ---

const KEYED: ReadonlySet<ChangeType> = new Set<ChangeType>(["TAGS", "METADATA"]);

function suppressOne(
  asset: AssetChange,
  decision: Suppression,
): { asset: AssetChange; record: SuppressedChange } | undefined {
  const { changeType } = decision;
  const present =
    asset.changeTypes.includes(changeType as never) ||
    (asset.extraChangeTypes ?? []).includes(changeType as never);
  if (!present) return undefined;
  const record = (keys: string[]): SuppressedChange => ({
    key: asset.key,
    path: asset.path,
    codeLocation: asset.codeLocation,
    repository: asset.repository,
    changeType,
    keys,
    rule: decision.rule,
    reason: decision.reason,
  });
  if (decision.keys !== undefined && KEYED.has(changeType)) {
    const slot = changeType === "TAGS" ? "tags" : "metadata";
    const details = asset.details[slot];
    if (details === undefined) return undefined;
    const drop = new Set(decision.keys);
    const all = [...details.addedKeys, ...details.changedKeys, ...details.removedKeys];
    const dropped = all.filter((k) => drop.has(k)).sort(compareStrings);
    if (dropped.length === 0) return undefined;
    if (dropped.length < all.length) {
      const keep = (keys: string[]) => keys.filter((k) => !drop.has(k));
      const kept = {
        ...details,
        addedKeys: keep(details.addedKeys),
        changedKeys: keep(details.changedKeys),
        removedKeys: keep(details.removedKeys),
        values: details.values.filter((v) => !drop.has(v.key)),
      };
      const next: AssetChange = { ...asset, details: { ...asset.details, [slot]: kept } };
      return { asset: withoutVerdict(next, changeType), record: record(dropped) };
    }
    return { asset: withoutType(asset, changeType), record: record(dropped) };
  }
  return { asset: withoutType(asset, changeType), record: record([]) };
}

/** The asset without a change type, its details and its verdict. */
function withoutType(asset: AssetChange, changeType: ChangeType): AssetChange {
  const details = { ...asset.details };
  if (changeType !== "NEW" && changeType !== "REMOVED") {
    delete details[SECTIONS[changeType as SectionChangeType].details];
  }
  const next: AssetChange = { ...asset, details };
  if (isDagsterChangeType(changeType)) {
    next.changeTypes = asset.changeTypes.filter((t) => t !== changeType);
  } else if (asset.extraChangeTypes !== undefined) {
    next.extraChangeTypes = asset.extraChangeTypes.filter((t) => t !== changeType);
  }
  return withoutVerdict(next, changeType);
}

/** Drops a change type's verdict (it no longer describes what is left); the severity follows. */
function withoutVerdict(asset: AssetChange, changeType: ChangeType): AssetChange {
  if (asset.reasons === undefined) return asset;
  const { severity: _severity, reasons: _reasons, ...rest } = asset;
  const reasons = asset.reasons.filter((r) => r.changeType !== changeType);
  if (reasons.length === 0) return rest;
  const severity = worstSeverity(reasons.map((r) => r.severity));
  return severity === undefined ? { ...rest, reasons } : { ...rest, reasons, severity };
}
