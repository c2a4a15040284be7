import type { PartitionKeyRange } from "../../diff/change-set";
import type { SeverityReason } from "../../diff/verdicts";

/**
 * What every kind of partitions definition gives the partition-keys policy: the keys each side
 * has (how many, first, last) and the keys added and removed, or why they cannot be listed.
 */

/** At most this many keys are listed in a {@link PartitionKeyRange}'s `keys`. */
const KEYS_LISTED_UP_TO = 200;

/** One side's keys: how many, and the first and last in partition order. */
export interface SideKeys {
  count: number;
  first: string | null;
  last: string | null;
}

/** The keys two definitions of one kind have, and what changes between them. */
export interface KeyDiff {
  old: SideKeys;
  new: SideKeys;
  /** Every key of the old side, in partition order; listed only when called. */
  oldList: () => string[];
  added: PartitionKeyRange;
  removed: PartitionKeyRange;
  /** Some keys both sides have cover other time windows now (another zone or offset). */
  windowsMoved: boolean;
  /** How the keys are named in messages, e.g. `daily partition`. */
  noun: string;
  /** True when time windows were listed (so `asOf` applies). */
  timed: boolean;
  /** What had to be assumed, e.g. defaults for what a description does not show. */
  assumptions: string[];
}

/** A {@link KeyDiff}, or why the keys cannot be listed. */
export type KeyListing =
  | { ok: true; diff: KeyDiff }
  | {
      ok: false;
      reason: Extract<SeverityReason, "PARTITIONS_NOT_ENUMERABLE" | "PARTITIONS_CHANGED">;
      note: string;
      timed: boolean;
    };

/**
 * A key range from its count and ends, with every key when there are few enough (`keys` is only
 * called then).
 *
 * @example
 * keyRange(2, "a", "b", () => ["a", "b"]); // { count: 2, first: "a", last: "b", keys: ["a", "b"] }
 */
export function keyRange(
  count: number,
  first: string | null,
  last: string | null,
  keys: () => string[],
): PartitionKeyRange {
  if (count === 0) return { count: 0, first: null, last: null, keys: [] };
  return count <= KEYS_LISTED_UP_TO ? { count, first, last, keys: keys() } : { count, first, last };
}

/**
 * Added and removed keys of two key lists, each in its own list's order; linear.
 *
 * @example
 * diffKeyLists(["a", "b"], ["b", "c"]); // { added: ["c"], removed: ["a"] }
 */
export function diffKeyLists(
  old: readonly string[],
  next: readonly string[],
): { added: string[]; removed: string[] } {
  const oldSet = new Set(old);
  const nextSet = new Set(next);
  return {
    added: next.filter((k) => !oldSet.has(k)),
    removed: old.filter((k) => !nextSet.has(k)),
  };
}

/**
 * A range over a list of keys.
 *
 * @example
 * rangeOfList(["a", "b", "c"]); // { count: 3, first: "a", last: "c", keys: ["a", "b", "c"] }
 */
export function rangeOfList(keys: readonly string[]): PartitionKeyRange {
  return keyRange(keys.length, keys[0] ?? null, keys.at(-1) ?? null, () => [...keys]);
}

/**
 * One side's keys from a list.
 *
 * @example
 * sideOfList(["a", "b"]); // { count: 2, first: "a", last: "b" }
 */
export function sideOfList(keys: readonly string[]): SideKeys {
  return { count: keys.length, first: keys[0] ?? null, last: keys.at(-1) ?? null };
}
