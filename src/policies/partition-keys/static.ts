import type { PartitionsDefinition } from "../../model/asset";
import { staticKeysOf } from "./description";
import { diffKeyLists, type KeyListing, rangeOfList, sideOfList } from "./key-diff";

/**
 * The keys two static definitions add and remove: exact, in each definition's own order (the
 * `keys` the source gave, else read from Dagster's description).
 *
 * @example
 * diffStatic({ type: "STATIC", description: "'us', 'eu'" }, { type: "STATIC", description: "'us'" });
 * // { ok: true, diff: { removed: { count: 1, first: "eu", … }, … } }
 */
export function diffStatic(
  old: Extract<PartitionsDefinition, { type: "STATIC" }>,
  next: Extract<PartitionsDefinition, { type: "STATIC" }>,
): KeyListing {
  const oldKeys = staticKeysOf(old);
  const newKeys = staticKeysOf(next);
  if (oldKeys === undefined || newKeys === undefined) {
    const unreadable = oldKeys === undefined ? old : next;
    return {
      ok: false,
      reason: "PARTITIONS_NOT_ENUMERABLE",
      note: `the static keys cannot be read from the description ${quote(unreadable.description)}`,
      timed: false,
    };
  }
  const { added, removed } = diffKeyLists(oldKeys, newKeys);
  return {
    ok: true,
    diff: {
      old: sideOfList(oldKeys),
      new: sideOfList(newKeys),
      oldList: () => oldKeys,
      added: rangeOfList(added),
      removed: rangeOfList(removed),
      windowsMoved: false,
      noun: "partition",
      timed: false,
      assumptions: [],
    },
  };
}

// --- internal ---

/** A description in a note, shortened so that a long static key list stays readable. */
function quote(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);
}
