import type {
  AssetChange,
  DimensionPartitionKeysChange,
  PartitionKeyRange,
  PartitionKeysChange,
  PartitionsDefinitionDetails,
} from "../diff/change-set";
import { SEVERITY_REASONS } from "../diff/verdicts";
import type { PartitionsDefinition, PartitionsDimension } from "../model/asset";
import { compareStrings } from "../model/key";
import { formatCount, plural } from "../text";
import { staticKeysOf } from "./partition-keys/description";
import { type KeyDiff, type KeyListing, keyRange, type SideKeys } from "./partition-keys/key-diff";
import { diffStatic } from "./partition-keys/static";
import { diffTimeWindows, timeWindowKeys } from "./partition-keys/time-window";
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
    const assets = changeSet.assets.map((asset) => withPartitionKeys(asset, asOf));
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
 */
export function partitionKeysChange(
  details: Pick<PartitionsDefinitionDetails, "oldDefinition" | "newDefinition">,
  asOf: number,
): { partitionKeys: PartitionKeysChange; verdict: RefinedVerdict } {
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

/** How many keys a message names one by one before it names only the first and last. */
const NAMED_KEYS = 3;

const EMPTY: PartitionKeyRange = { count: 0, first: null, last: null };

function withPartitionKeys(asset: AssetChange, asOf: number): AssetChange {
  const details = asset.details.partitionsDefinition;
  if (!asset.changeTypes.includes("PARTITIONS_DEFINITION") || details === undefined) return asset;
  const { partitionKeys, verdict } = partitionKeysChange(details, asOf);
  return refineVerdict({ ...asset, partitionKeys }, "PARTITIONS_DEFINITION", verdict);
}

function decide(
  old: PartitionsDefinition | null,
  next: PartitionsDefinition | null,
  asOf: number,
): { partitionKeys: PartitionKeysChange; verdict: RefinedVerdict } {
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
      return multi(old.dimensions, (next as typeof old).dimensions, asOf);
  }
}

function notListed(
  reason: "PARTITIONS_NOT_ENUMERABLE" | "PARTITIONS_CHANGED",
  note: string,
  asOf: string | null,
): { partitionKeys: PartitionKeysChange; verdict: RefinedVerdict } {
  return {
    partitionKeys: { enumerable: false, note, asOf, added: EMPTY, removed: EMPTY },
    verdict: { severity: "breaking", reason, message: `${SEVERITY_REASONS[reason]}: ${note}` },
  };
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
      : plural(keys.count, `${keys.noun}`);
  const note =
    old === null
      ? `the asset was unpartitioned and now has ${what}; its unpartitioned materialization is no partition of them`
      : `the asset had ${what} and is now unpartitioned`;
  return notListed("PARTITIONS_CHANGED", note, keys.timed ? new Date(asOf).toISOString() : null);
}

/** One definition's key count, where it can be listed cheaply. */
function sideKeysOf(
  definition: PartitionsDefinition,
  asOf: number,
): { count: number | null; noun: string; timed: boolean; keys?: SideKeys; list?: () => string[] } {
  if (definition.type === "STATIC") {
    const keys = staticKeysOf(definition);
    if (keys === undefined) return { count: null, noun: "partition", timed: false };
    return {
      count: keys.length,
      noun: "static partition",
      timed: false,
      keys: { count: keys.length, first: keys[0] ?? null, last: keys.at(-1) ?? null },
      list: () => keys,
    };
  }
  if (definition.type === "TIME_WINDOW") {
    const listed = timeWindowKeys(definition, asOf);
    if (!listed.ok) return { count: null, noun: "partition", timed: true };
    return {
      count: listed.keys.count,
      noun: listed.noun,
      timed: true,
      keys: listed.keys,
      list: listed.list,
    };
  }
  return { count: null, noun: "partition", timed: false };
}

function fromListing(
  listing: KeyListing,
  asOf: string,
  unchangedRemark?: string,
): { partitionKeys: PartitionKeysChange; verdict: RefinedVerdict } {
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
  if (diff.removed.count > 0) verdict = removedVerdict(diff.removed, diff.added, diff.noun);
  else if (diff.added.count > 0) verdict = addedVerdict(diff.added, diff.noun);
  else if (diff.windowsMoved) {
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

function removedVerdict(
  removed: PartitionKeyRange,
  added: PartitionKeyRange,
  noun: string,
): RefinedVerdict {
  const also = added.count > 0 ? `, adds ${formatCount(added.count)} (${rangeText(added)})` : "";
  return {
    severity: "breaking",
    reason: "PARTITION_KEYS_REMOVED",
    message: `removes ${plural(removed.count, noun)}${removed.first === null ? "" : ` (${rangeText(removed)})`}${also}`,
  };
}

function addedVerdict(added: PartitionKeyRange, noun: string): RefinedVerdict {
  return {
    severity: "risky",
    reason: "PARTITION_KEYS_ADDED",
    message: `+${plural(added.count, noun)}${added.first === null ? "" : ` (${rangeText(added)})`}, none removed`,
  };
}

/** A range as messages show it: a few keys by name, else the first and last. */
function rangeText(range: PartitionKeyRange): string {
  if (range.keys !== undefined && range.keys.length <= NAMED_KEYS) return range.keys.join(", ");
  if (range.count === 1 || range.first === range.last) return range.first ?? "";
  return `${range.first} … ${range.last}`;
}

/** One dimension compared: the contract's entry plus what the product needs. */
interface DimensionResult {
  entry: DimensionPartitionKeysChange;
  changed: boolean;
  listing: KeyListing | undefined;
  /** Its keys on each side, when they can be counted. */
  old: SideKeys | undefined;
  new: SideKeys | undefined;
  oldList: (() => string[]) | undefined;
  timed: boolean;
}

function multi(
  oldDimensions: readonly PartitionsDimension[],
  newDimensions: readonly PartitionsDimension[],
  asOf: number,
): { partitionKeys: PartitionKeysChange; verdict: RefinedVerdict } {
  const iso = new Date(asOf).toISOString();
  const names = (dims: readonly PartitionsDimension[]) =>
    dims.map((d) => d.name).sort(compareStrings);
  const oldNames = names(oldDimensions);
  const newNames = names(newDimensions);
  if (oldNames.length === 0 || newNames.length === 0)
    return notListed(
      "PARTITIONS_NOT_ENUMERABLE",
      "the dimensions of the multi-partitions definition are not known",
      null,
    );
  if (oldNames.join("\u0000") !== newNames.join("\u0000"))
    return notListed(
      "PARTITIONS_CHANGED",
      `the dimensions changed from ${oldNames.join(", ")} to ${newNames.join(", ")}`,
      null,
    );
  // Dagster orders dimensions by name; keys are the product in that order, joined by "|".
  const results = newNames.map((name) =>
    dimension(
      oldDimensions.find((d) => d.name === name) as PartitionsDimension,
      newDimensions.find((d) => d.name === name) as PartitionsDimension,
      asOf,
    ),
  );
  const timed = results.some((r) => r.timed);
  const asOfText = timed ? iso : null;
  const dimensions = results.map((r) => r.entry);
  const blocking = results.find((r) => r.changed && (r.listing === undefined || !r.listing.ok));
  if (blocking !== undefined) {
    const listing = blocking.listing;
    const reason = listing !== undefined && !listing.ok ? listing.reason : "PARTITIONS_CHANGED";
    const outcome = notListed(
      reason,
      `dimension ${blocking.entry.name}: ${blocking.entry.note ?? ""}`,
      asOfText,
    );
    return { ...outcome, partitionKeys: { ...outcome.partitionKeys, dimensions } };
  }
  const countable = results.every((r) => r.old !== undefined && r.new !== undefined);
  const changedDims = results.filter((r) => r.changed);
  const byDimension = changedDims
    .map((r) => `${r.entry.name}: ${dimensionText(r.entry)}`)
    .join("; ");
  if (!countable) {
    const uncounted = results.filter((r) => r.old === undefined).map((r) => r.entry.name);
    const note = `dimension ${uncounted.join(", ")} cannot be listed, so the product is not counted`;
    const anyRemoved = results.some((r) => r.entry.removed.count > 0);
    const anyAdded = results.some((r) => r.entry.added.count > 0);
    const partitionKeys: PartitionKeysChange = {
      enumerable: false,
      note,
      asOf: asOfText,
      added: EMPTY,
      removed: EMPTY,
      dimensions,
    };
    if (!anyRemoved && !anyAdded)
      return { ...notListed("PARTITIONS_NOT_ENUMERABLE", note, asOfText), partitionKeys };
    return {
      partitionKeys,
      verdict: anyRemoved
        ? {
            severity: "breaking",
            reason: "PARTITION_KEYS_REMOVED",
            message: `removes partitions of ${byDimension}`,
          }
        : {
            severity: "risky",
            reason: "PARTITION_KEYS_ADDED",
            message: `adds partitions, none removed: ${byDimension}`,
          },
    };
  }
  const product = (pick: (r: DimensionResult) => number) =>
    results.reduce((n, r) => n * pick(r), 1);
  const oldCount = product((r) => (r.old as SideKeys).count);
  const newCount = product((r) => (r.new as SideKeys).count);
  const common = product((r) => (r.old as SideKeys).count - r.entry.removed.count);
  const added = productRange(results, newCount - common, "added");
  const removed = productRange(results, oldCount - common, "removed");
  const notes = results.flatMap((r) =>
    r.entry.note === undefined ? [] : [`${r.entry.name}: ${r.entry.note}`],
  );
  const base = { enumerable: true, asOf: asOfText, added, removed, dimensions };
  let verdict: RefinedVerdict;
  if (removed.count > 0)
    verdict = {
      ...removedVerdict(removed, added, "partition"),
      message: `${removedVerdict(removed, added, "partition").message}; ${byDimension}`,
    };
  else if (added.count > 0)
    verdict = {
      ...addedVerdict(added, "partition"),
      message: `${addedVerdict(added, "partition").message}; ${byDimension}`,
    };
  else {
    const moved = results.some((r) => r.listing?.ok === true && r.listing.diff.windowsMoved);
    const remark = moved
      ? "the same keys now cover other time windows"
      : `no partition is added or removed${timed ? ` as of ${iso}` : ""}`;
    notes.unshift(remark);
    verdict = {
      severity: moved ? "breaking" : "risky",
      reason: "PARTITIONS_CHANGED",
      message: `${SEVERITY_REASONS.PARTITIONS_CHANGED}: ${remark}`,
    };
  }
  return { partitionKeys: notes.length > 0 ? { ...base, note: notes.join("; ") } : base, verdict };
}

function dimensionText(entry: DimensionPartitionKeysChange): string {
  if (!entry.enumerable) return entry.note ?? "cannot be listed";
  const parts: string[] = [];
  if (entry.removed.count > 0)
    parts.push(`−${formatCount(entry.removed.count)} (${rangeText(entry.removed)})`);
  if (entry.added.count > 0)
    parts.push(`+${formatCount(entry.added.count)} (${rangeText(entry.added)})`);
  return parts.length > 0 ? parts.join(", ") : "no key added or removed";
}

/**
 * The product's added or removed keys: counted always; first, last and keys only when one
 * dimension changes (the others' keys are then the same on both sides).
 */
function productRange(
  results: readonly DimensionResult[],
  count: number,
  which: "added" | "removed",
): PartitionKeyRange {
  if (count === 0) return { count: 0, first: null, last: null, keys: [] };
  const changing = results.filter((r) => r.entry.added.count + r.entry.removed.count > 0);
  if (changing.length !== 1) return { count, first: null, last: null };
  const end = (pick: "first" | "last") =>
    results
      .map((r) => (r === changing[0] ? r.entry[which][pick] : (r.old as SideKeys)[pick]))
      .join("|");
  return keyRange(count, end("first"), end("last"), () => {
    let keys: string[][] = [[]];
    for (const r of results) {
      const own = r === changing[0] ? (r.entry[which].keys ?? []) : (r.oldList?.() ?? []);
      keys = keys.flatMap((prefix) => own.map((k) => [...prefix, k]));
    }
    return keys.map((k) => k.join("|"));
  });
}

function dimension(
  old: PartitionsDimension,
  next: PartitionsDimension,
  asOf: number,
): DimensionResult {
  const oldDef = dimensionDefinition(old);
  const newDef = dimensionDefinition(next);
  const changed =
    old.type !== next.type ||
    old.description !== next.description ||
    (old.dynamicPartitionsDefinitionName ?? null) !==
      (next.dynamicPartitionsDefinitionName ?? null);
  const entry = (
    fields: Omit<DimensionPartitionKeysChange, "name">,
  ): DimensionPartitionKeysChange => ({ name: next.name, ...fields });
  const timed = old.type === "TIME_WINDOW" || next.type === "TIME_WINDOW";
  const none = { listing: undefined, old: undefined, new: undefined, oldList: undefined, timed };
  if (oldDef === undefined || newDef === undefined || oldDef.type !== newDef.type) {
    const note =
      old.type !== next.type
        ? `the type changed from ${old.type} to ${next.type}`
        : `the partitions type ${next.type} is not known to this version`;
    return {
      ...none,
      changed: true,
      entry: entry({ enumerable: false, note, added: EMPTY, removed: EMPTY }),
    };
  }
  if (oldDef.type === "DYNAMIC") {
    const note = changed
      ? `dynamic partitions now read from ${JSON.stringify(next.dynamicPartitionsDefinitionName ?? null)} instead of ${JSON.stringify(old.dynamicPartitionsDefinitionName ?? null)}`
      : "dynamic partitions are added at run time, so their keys cannot be listed";
    return {
      ...none,
      changed,
      listing: { ok: false, reason: "PARTITIONS_NOT_ENUMERABLE", note, timed: false },
      entry: entry({ enumerable: false, note, added: EMPTY, removed: EMPTY }),
    };
  }
  const listing: KeyListing =
    oldDef.type === "STATIC"
      ? diffStatic(oldDef, newDef as typeof oldDef)
      : diffTimeWindows(
          oldDef as Extract<PartitionsDefinition, { type: "TIME_WINDOW" }>,
          newDef as Extract<PartitionsDefinition, { type: "TIME_WINDOW" }>,
          asOf,
        );
  if (!listing.ok)
    return {
      ...none,
      changed,
      listing,
      entry: entry({ enumerable: false, note: listing.note, added: EMPTY, removed: EMPTY }),
    };
  const diff: KeyDiff = listing.diff;
  const oldList = sideKeysOf(oldDef, asOf).list;
  const fields = { enumerable: true, added: diff.added, removed: diff.removed };
  const note = diff.windowsMoved
    ? ["the same keys now cover other time windows", ...diff.assumptions]
    : diff.assumptions;
  return {
    changed,
    listing,
    old: diff.old,
    new: diff.new,
    oldList,
    timed,
    entry: entry(note.length > 0 ? { ...fields, note: note.join("; ") } : fields),
  };
}

/** A dimension as a definition of its own; `undefined` for a type this version does not know. */
function dimensionDefinition(d: PartitionsDimension): PartitionsDefinition | undefined {
  switch (d.type) {
    case "TIME_WINDOW":
      return { type: "TIME_WINDOW", description: d.description, fmt: null };
    case "STATIC":
      return { type: "STATIC", description: d.description };
    case "DYNAMIC":
      return {
        type: "DYNAMIC",
        description: d.description,
        name: d.dynamicPartitionsDefinitionName ?? null,
      };
    default:
      return undefined;
  }
}
