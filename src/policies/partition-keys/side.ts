import type { PartitionsDefinition } from "../../model/asset";
import { staticKeysOf } from "./description";
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
): { count: number | null; noun: string; timed: boolean } {
  if (definition.type === "STATIC") {
    const keys = staticKeysOf(definition);
    if (keys === undefined) return { count: null, noun: "partition", timed: false };
    return { count: keys.length, noun: "static partition", timed: false };
  }
  if (definition.type === "TIME_WINDOW") {
    const listed = timeWindowKeys(definition, asOf);
    if (!listed.ok) return { count: null, noun: "partition", timed: true };
    return { count: listed.keys.count, noun: listed.noun, timed: true };
  }
  return { count: null, noun: "partition", timed: false };
}
