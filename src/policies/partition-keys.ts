import type {
  AssetChange,
  PartitionKeysChange,
  PartitionsDefinitionDetails,
} from "../diff/change-set";
import { SEVERITY_REASONS } from "../diff/verdicts";
import type { PartitionsDefinition } from "../model/asset";
import { canonicalJson, type JsonValue } from "../model/json";
import { plural } from "../text";
import { staticKeysOf } from "./partition-keys/description";
import type { KeyListing } from "./partition-keys/key-diff";
import { diffMulti } from "./partition-keys/multi";
import { sideKeysOf } from "./partition-keys/side";
import { diffStatic } from "./partition-keys/static";
import { diffTimeWindows } from "./partition-keys/time-window";
import {
  addedVerdict,
  notListed,
  type PartitionKeysOutcome,
  removedVerdict,
} from "./partition-keys/verdicts";
import type { Policy } from "./policy";
import { type RefinedVerdict, refineVerdict } from "./verdict";

/**
 * Partition keys: what a PARTITIONS_DEFINITION change does to the keys an asset has. Static keys
 * are compared exactly, time windows as Dagster lists them up to a reference time (`asOf`),
 * multi-partitions per dimension and as their product; dynamic and unknown definitions cannot be
 * listed. How time windows are listed (and the Dagster sources that says so) is documented in
 * `partition-keys/time-window.ts`; how descriptions are read, in `partition-keys/description.ts`.
 */

/** Options of {@link partitionKeyRules}. */
export interface PartitionKeyOptions {
  /** The reference time time-window keys are listed up to; default: now. */
  asOf?: Date;
}

/**
 * The partition-keys policy. Runs after the severity policy: for each listed asset with a
 * PARTITIONS_DEFINITION change it sets `partitionKeys` and refines that change's verdict (a
 * configured verdict is kept):
 *
 * - keys removed: `breaking` (PARTITION_KEYS_REMOVED), saying how many and which;
 * - keys only added (an earlier start, a new static key): `risky` (PARTITION_KEYS_ADDED);
 * - the same keys, now covering other time windows (another timezone or hour offset): `breaking`
 *   (PARTITIONS_CHANGED);
 * - the same keys (a static reorder, an end date still in the future): `risky` (PARTITIONS_CHANGED);
 * - keys that cannot be listed (dynamic, an unknown type, an unreadable description or `fmt`, a
 *   listing over the cap): `breaking` (PARTITIONS_NOT_ENUMERABLE); partitioned ↔ unpartitioned, a
 *   type change or other dimensions: `breaking` (PARTITIONS_CHANGED). Each with a `note`.
 *
 * @example
 * const reviewed = applyPolicies(diffAssetGraphs(base, branch), [severityRules([]), partitionKeyRules({ asOf: new Date("2024-06-01T00:00:00Z") })], createPolicyContext({ base, branch }));
 * reviewed.assets[0]?.partitionKeys?.added.count; // 30
 */
export function partitionKeyRules(options: PartitionKeyOptions = {}): Policy {
  return (changeSet) => {
    const given = options.asOf?.getTime();
    const asOf = given === undefined || Number.isNaN(given) ? Date.now() : given;
    // Many assets share one change of definition (a project's daily partitions): each distinct
    // pair of definitions is listed once per review.
    const outcomes = new Map<string, PartitionKeysOutcome>();
    const outcomeOf = (details: PartitionsDefinitionDetails): PartitionKeysOutcome => {
      const pair = canonicalJson([details.oldDefinition, details.newDefinition] as JsonValue);
      let outcome = outcomes.get(pair);
      if (outcome === undefined) {
        outcome = partitionKeysChange(details, asOf);
        outcomes.set(pair, outcome);
      }
      return outcome;
    };
    const assets = changeSet.assets.map((asset) => withPartitionKeys(asset, outcomeOf));
    return { ...changeSet, assets };
  };
}

/**
 * The partition keys one PARTITIONS_DEFINITION change adds and removes, and the verdict that
 * follows, as of `asOf` (ms since the epoch).
 *
 * @example
 * const { partitionKeys, verdict } = partitionKeysChange(details, Date.UTC(2024, 5, 1));
 * verdict.reason; // "PARTITION_KEYS_ADDED"
 *
 * @internal Exported for the test that bad definitions give a note, never an exception.
 */
export function partitionKeysChange(
  details: Pick<PartitionsDefinitionDetails, "oldDefinition" | "newDefinition">,
  asOf: number,
): PartitionKeysOutcome {
  try {
    return decide(details.oldDefinition, details.newDefinition, asOf);
  } catch (error) {
    // A definition this version cannot handle is not enumerable; it never fails the review.
    const note = `the partition keys could not be listed (${error instanceof Error ? error.message : String(error)})`;
    return notListed("PARTITIONS_NOT_ENUMERABLE", note, null);
  }
}

// --- internal ---

/** Type names as messages write them. */
const TYPE_NAMES = {
  TIME_WINDOW: "time-window",
  STATIC: "static",
  DYNAMIC: "dynamic",
  MULTIPARTITIONED: "multi-partitions",
} as const;

function withPartitionKeys(
  asset: AssetChange,
  outcomeOf: (details: PartitionsDefinitionDetails) => PartitionKeysOutcome,
): AssetChange {
  const details = asset.details.partitionsDefinition;
  if (!asset.changeTypes.includes("PARTITIONS_DEFINITION") || details === undefined) return asset;
  const { partitionKeys, verdict } = outcomeOf(details);
  return refineVerdict({ ...asset, partitionKeys }, "PARTITIONS_DEFINITION", verdict);
}

function decide(
  old: PartitionsDefinition | null,
  next: PartitionsDefinition | null,
  asOf: number,
): PartitionKeysOutcome {
  const iso = new Date(asOf).toISOString();
  if (old === null || next === null) return partitionedOrNot(old, next, asOf);
  if (old.type === "UNKNOWN" || next.type === "UNKNOWN") {
    const unknown =
      old.type === "UNKNOWN" ? old.unknownType : (next as { unknownType: string }).unknownType;
    return notListed(
      "PARTITIONS_NOT_ENUMERABLE",
      `the partitions type ${unknown} is not known to this version`,
      null,
    );
  }
  if (old.type !== next.type)
    return notListed(
      "PARTITIONS_CHANGED",
      `the partitions type changed from ${TYPE_NAMES[old.type]} to ${TYPE_NAMES[next.type]}`,
      null,
    );
  switch (old.type) {
    case "DYNAMIC": {
      const name = (next as typeof old).name;
      const note =
        old.name === name
          ? "dynamic partitions are added at run time, so their keys cannot be listed"
          : `dynamic partitions are added at run time; the definition now reads the set ${JSON.stringify(name)} instead of ${JSON.stringify(old.name)}`;
      return notListed("PARTITIONS_NOT_ENUMERABLE", note, null);
    }
    case "STATIC": {
      const listing = diffStatic(old, next as typeof old);
      const reordered =
        JSON.stringify(staticKeysOf(old)) !== JSON.stringify(staticKeysOf(next as typeof old));
      return fromListing(
        listing,
        iso,
        reordered ? "the same partitions, in another order" : undefined,
      );
    }
    case "TIME_WINDOW":
      return fromListing(diffTimeWindows(old, next as typeof old, asOf), iso);
    case "MULTIPARTITIONED":
      return diffMulti(old.dimensions, (next as typeof old).dimensions, asOf);
  }
}

function partitionedOrNot(
  old: PartitionsDefinition | null,
  next: PartitionsDefinition | null,
  asOf: number,
) {
  const definition = (old ?? next) as PartitionsDefinition;
  const keys = sideKeysOf(definition, asOf);
  const what =
    keys.count === null
      ? `${TYPE_NAMES[definition.type as keyof typeof TYPE_NAMES] ?? definition.type} partitions`
      : plural(keys.count, keys.noun);
  const note =
    old === null
      ? `the asset was unpartitioned and now has ${what}; its unpartitioned materialization is no partition of them`
      : `the asset had ${what} and is now unpartitioned`;
  return notListed("PARTITIONS_CHANGED", note, keys.timed ? new Date(asOf).toISOString() : null);
}

function fromListing(
  listing: KeyListing,
  asOf: string,
  unchangedRemark?: string,
): PartitionKeysOutcome {
  if (!listing.ok) return notListed(listing.reason, listing.note, listing.timed ? asOf : null);
  const { diff } = listing;
  const notes = [...diff.assumptions];
  const base = {
    enumerable: true,
    asOf: diff.timed ? asOf : null,
    added: diff.added,
    removed: diff.removed,
  };
  let verdict: RefinedVerdict;
  if (diff.removed.count > 0 || diff.added.count > 0) {
    verdict =
      diff.removed.count > 0
        ? removedVerdict(diff.removed, diff.added, diff.noun)
        : addedVerdict(diff.added, diff.noun);
    if (diff.windowsMoved) {
      // Keys added or removed at the edges, and every key kept now means another window.
      const note = "the keys kept now cover other time windows";
      notes.unshift(note);
      verdict = {
        ...verdict,
        severity: "breaking",
        reason: diff.removed.count > 0 ? verdict.reason : "PARTITIONS_CHANGED",
        message: `${verdict.message}; ${note}`,
      };
    }
  } else if (diff.windowsMoved) {
    const note = "the same keys now cover other time windows";
    notes.unshift(note);
    verdict = {
      severity: "breaking",
      reason: "PARTITIONS_CHANGED",
      message: `${SEVERITY_REASONS.PARTITIONS_CHANGED}: ${note}`,
    };
  } else {
    const remark =
      unchangedRemark ??
      (diff.timed
        ? `no partition is added or removed as of ${asOf}`
        : "no partition is added or removed");
    notes.unshift(remark);
    verdict = {
      severity: "risky",
      reason: "PARTITIONS_CHANGED",
      message: `${SEVERITY_REASONS.PARTITIONS_CHANGED}: ${remark}`,
    };
  }
  const partitionKeys: PartitionKeysChange =
    notes.length > 0 ? { ...base, note: notes.join("; ") } : base;
  return { partitionKeys, verdict };
}
