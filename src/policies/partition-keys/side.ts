import type { PartitionsDefinition } from "../../model/asset";
import { staticKeysOf } from "./description";
import { type SideKeys, sideOfList } from "./key-diff";
import { timeWindowKeys } from "./time-window";

/**
 * One definition's keys as of `asOf` (ms since the epoch), where they can be listed cheaply:
 * static keys and time windows; `count: null` otherwise.
 *
 * @example
 * sideKeysOf({ type: "STATIC", description: "'a', 'b'" }, Date.now()).count; // 2
 */
export function sideKeysOf(
  definition: PartitionsDefinition,
  asOf: number,
): { count: number | null; noun: string; timed: boolean; keys?: SideKeys } {
  if (definition.type === "STATIC") {
    const keys = staticKeysOf(definition);
    if (keys === undefined) return { count: null, noun: "partition", timed: false };
    return {
      count: keys.length,
      noun: "static partition",
      timed: false,
      keys: sideOfList(keys),
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
    };
  }
  return { count: null, noun: "partition", timed: false };
}
