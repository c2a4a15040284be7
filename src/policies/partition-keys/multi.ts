import type {
  DimensionPartitionKeysChange,
  PartitionKeyRange,
  PartitionKeysChange,
} from "../../diff/change-set";
import { SEVERITY_REASONS } from "../../diff/verdicts";
import type { PartitionsDefinition, PartitionsDimension } from "../../model/asset";
import { compareStrings } from "../../model/key";
import { formatCount } from "../../text";
import type { RefinedVerdict } from "../verdict";
import { type KeyDiff, type KeyListing, keyRange, type SideKeys } from "./key-diff";
import { diffStatic } from "./static";
import { diffTimeWindows } from "./time-window";
import {
  addedVerdict,
  EMPTY_RANGE,
  notListed,
  type PartitionKeysOutcome,
  rangeText,
  removedVerdict,
} from "./verdicts";

/**
 * Multi-partitions keys (dagster-io/dagster `partitions/definition/multi.py`,
 * `partitions/utils/multi.py`): the keys are the product of the dimensions' keys, dimensions
 * ordered by name, each key the dimensions' keys joined by `|`. Each dimension is compared on its
 * own (matched by name); the product's added and removed keys are counted from the dimensions'
 * (removed = |old| − |kept|, where kept is the product of each dimension's kept keys).
 */

/**
 * The keys two multi-partitions definitions add and remove, per dimension and as a product.
 *
 * @example
 * diffMulti(oldDefinition.dimensions, newDefinition.dimensions, Date.UTC(2024, 5, 1)).verdict.reason; // "PARTITION_KEYS_REMOVED"
 */
export function diffMulti(
  oldDimensions: readonly PartitionsDimension[],
  newDimensions: readonly PartitionsDimension[],
  asOf: number,
): PartitionKeysOutcome {
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
      added: EMPTY_RANGE,
      removed: EMPTY_RANGE,
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
  if (removed.count > 0 || added.count > 0) {
    const counted =
      removed.count > 0
        ? removedVerdict(removed, added, "partition")
        : addedVerdict(added, "partition");
    verdict = { ...counted, message: `${counted.message}; ${byDimension}` };
  } else {
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

// --- internal ---

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
      entry: entry({ enumerable: false, note, added: EMPTY_RANGE, removed: EMPTY_RANGE }),
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
      entry: entry({ enumerable: false, note, added: EMPTY_RANGE, removed: EMPTY_RANGE }),
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
      entry: entry({
        enumerable: false,
        note: listing.note,
        added: EMPTY_RANGE,
        removed: EMPTY_RANGE,
      }),
    };
  const diff: KeyDiff = listing.diff;
  const fields = { enumerable: true, added: diff.added, removed: diff.removed };
  const note = diff.windowsMoved
    ? ["the same keys now cover other time windows", ...diff.assumptions]
    : diff.assumptions;
  return {
    changed,
    listing,
    old: diff.old,
    new: diff.new,
    oldList: diff.oldList,
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
