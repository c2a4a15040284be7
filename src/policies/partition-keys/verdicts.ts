import type { PartitionKeyRange, PartitionKeysChange } from "../../diff/change-set";
import { SEVERITY_REASONS } from "../../diff/verdicts";
import { formatCount, plural } from "../../text";
import type { RefinedVerdict } from "../verdict";

/**
 * The verdicts of the partition-keys policy and the text that says them: how many keys, and
 * which (a few by name, else the first and last).
 */

/** What the policy decides about one change: the keys and the verdict. */
export interface PartitionKeysOutcome {
  partitionKeys: PartitionKeysChange;
  verdict: RefinedVerdict;
}

/** An empty range, for a side whose keys were not listed. */
export const EMPTY_RANGE: PartitionKeyRange = { count: 0, first: null, last: null };

/**
 * The outcome for keys that cannot be listed, or a change that makes listing them meaningless:
 * `breaking`, with the note in the message.
 *
 * @example
 * notListed("PARTITIONS_NOT_ENUMERABLE", "dynamic partitions are added at run time", null).verdict.severity; // "breaking"
 */
export function notListed(
  reason: "PARTITIONS_NOT_ENUMERABLE" | "PARTITIONS_CHANGED",
  note: string,
  asOf: string | null,
): PartitionKeysOutcome {
  return {
    partitionKeys: { enumerable: false, note, asOf, added: EMPTY_RANGE, removed: EMPTY_RANGE },
    verdict: { severity: "breaking", reason, message: `${SEVERITY_REASONS[reason]}: ${note}` },
  };
}

/**
 * The verdict when keys are removed (and maybe others added): `breaking`, PARTITION_KEYS_REMOVED.
 *
 * @example
 * removedVerdict({ count: 365, first: "2022-01-01", last: "2022-12-31" }, EMPTY_RANGE, "daily partition").message;
 * // "removes 365 daily partitions (2022-01-01 … 2022-12-31)"
 */
export function removedVerdict(
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

/**
 * The verdict when keys are only added: `risky`, PARTITION_KEYS_ADDED.
 *
 * @example
 * addedVerdict({ count: 30, first: "2021-12-02", last: "2021-12-31" }, "daily partition").message;
 * // "+30 daily partitions (2021-12-02 … 2021-12-31), none removed"
 */
export function addedVerdict(added: PartitionKeyRange, noun: string): RefinedVerdict {
  return {
    severity: "risky",
    reason: "PARTITION_KEYS_ADDED",
    message: `+${plural(added.count, noun)}${added.first === null ? "" : ` (${rangeText(added)})`}, none removed`,
  };
}

/**
 * A range as messages show it: a few keys by name, else the first and last.
 *
 * @example
 * rangeText({ count: 2, first: "us", last: "eu", keys: ["us", "eu"] }); // "us, eu"
 */
export function rangeText(range: PartitionKeyRange): string {
  if (range.keys !== undefined && range.keys.length <= NAMED_KEYS) return range.keys.join(", ");
  if (range.count === 1 || range.first === range.last) return range.first ?? "";
  return `${range.first} … ${range.last}`;
}

// --- internal ---

/** How many keys a message names one by one before it names only the first and last. */
const NAMED_KEYS = 3;
