import type { AssetChange, ChangeSet, LocationComparison } from "../diff/change-set";
import { UsageError } from "../errors";
import type { Asset, AssetGraph } from "../model/asset";
import { keyToString, locationLabel } from "../model/key";
import type { PolicyContext } from "../policies/policy";
import type { ExplanationInput } from "../report/explain";

/**
 * What `asset-diff explain` gathers for the renderer: the one asset a key names, on both sides,
 * as the differ reported it and as the policies left it.
 */

/** A comparison, as `explain` reads it. */
export interface ExplainedComparison {
  base: AssetGraph;
  branch: AssetGraph;
  /** The differ's change set, listing unchanged assets too. */
  raw: ChangeSet;
  /** The change set after the policies, listing unchanged assets too. */
  reviewed: ChangeSet;
  context: PolicyContext;
}

/**
 * The explanation's input for the asset `key` (`/`-joined). A key in several code locations (or
 * repositories) is a `UsageError` listing them, which asks for `--code-location`; an unknown key
 * is one naming close matches; an asset of a location that was not compared is one saying why.
 */
export function explanationInput(
  comparison: ExplainedComparison,
  key: string,
  codeLocation: string | undefined,
): ExplanationInput {
  const { raw, reviewed, context } = comparison;
  const candidates = raw.assets.filter((a) => a.key === key);
  if (candidates.length > 1) {
    const where = candidates.map((a) => JSON.stringify(locationLabel(a) ?? "(none)")).join(", ");
    throw new UsageError(
      codeLocation === undefined
        ? `asset key ${JSON.stringify(key)} is in more than one code location (${where}); choose one with --code-location`
        : `asset key ${JSON.stringify(key)} is in more than one repository of code location ${JSON.stringify(codeLocation)} (${where}); explain cannot tell them apart`,
    );
  }
  const change = candidates[0];
  if (change === undefined) throw notCompared(comparison, key, codeLocation);
  const same = (other: Pick<AssetChange, "key" | "codeLocation" | "repository">) =>
    other.key === change.key &&
    other.codeLocation === change.codeLocation &&
    other.repository === change.repository;
  return {
    base: change.changeTypes.includes("NEW") ? undefined : context.sideOf("base", change),
    branch: change.changeTypes.includes("REMOVED") ? undefined : context.sideOf("branch", change),
    raw: change,
    reviewed: reviewed.assets.find(same),
    suppressed: reviewed.suppressed.filter(same),
    staleApprovals: (reviewed.staleApprovals ?? []).filter(same),
    approvals: reviewed.staleApprovals !== undefined,
    changeTypes: reviewed.options.changeTypes,
    impacted: reviewed.impacted,
    probableMoves: reviewed.probableMoves,
  };
}

// --- internal ---

/** Why a key has no change in the comparison: not compared where it is, or not in either input. */
function notCompared(
  comparison: ExplainedComparison,
  key: string,
  codeLocation: string | undefined,
): UsageError {
  const found = [...comparison.base.assets, ...comparison.branch.assets].filter(
    (a) => keyToString(a.key) === key,
  );
  const quoted = JSON.stringify(key);
  const [asset] = found;
  if (asset === undefined) {
    const close = closeKeys(key, [...comparison.base.assets, ...comparison.branch.assets]);
    const hint =
      close.length === 0 ? "" : `; did you mean ${close.map((k) => JSON.stringify(k)).join(", ")}?`;
    return new UsageError(`asset key ${quoted} is in neither input${hint}`);
  }
  if (codeLocation !== undefined && found.every((a) => a.codeLocation !== codeLocation)) {
    const where = [...new Set(found.map((a) => JSON.stringify(a.codeLocation ?? "(none)")))];
    return new UsageError(
      `asset key ${quoted} is not in code location ${JSON.stringify(codeLocation)}; it is in ${where.join(", ")}`,
    );
  }
  const status = comparison.raw.locations.find((l) => l.codeLocation === asset.codeLocation);
  return new UsageError(`asset ${quoted} was not compared: ${whyNotCompared(asset, status)}`);
}

function whyNotCompared(asset: Asset, status: LocationComparison | undefined): string {
  const location = JSON.stringify(asset.codeLocation ?? "(none)");
  switch (status?.status) {
    case "notInBranch":
      return `its code location ${location} is not in the branch (--missing-locations removed compares it)`;
    case "notLoadedInBase":
      return `its code location ${location} did not load in the base`;
    case "notLoadedInBranch":
      return `its code location ${location} did not load in the branch`;
    default:
      return `its code location ${location} was not compared`;
  }
}

/** Up to three keys like `key`: the same last part, or a few edits away. */
function closeKeys(key: string, assets: readonly Asset[]): string[] {
  const keys = [...new Set(assets.map((a) => keyToString(a.key)))];
  const last = key.split("/").at(-1) ?? key;
  const limit = Math.max(2, Math.floor(key.length / 4));
  return keys
    .map((k) => ({ k, d: k.split("/").at(-1) === last ? 0 : distance(key, k) }))
    .filter(({ d }) => d <= limit)
    .sort((a, b) => a.d - b.d || (a.k < b.k ? -1 : 1))
    .slice(0, 3)
    .map(({ k }) => k);
}

/** Levenshtein distance. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      );
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
