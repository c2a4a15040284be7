import type { PartitionsDefinition } from "../../model/asset";

/**
 * Reading Dagster's renderings back. A GraphQL server gives a partitions definition's
 * `description` and little else (`dagster_graphql/schema/partition_sets.py`: the description is
 * `str()` of the definition, per dimension too), so the parts that decide its keys are read out of
 * it, in the shapes dagster-io/dagster writes: `TimeWindowPartitionsDefinition.__str__`
 * (`_core/definitions/partitions/definition/time_window.py`) and `PartitionsDefinition.__str__`
 * for static keys (`partitions/definition/base.py`). A dynamic definition's description names its
 * set only, and a multi-partitions one is read through its dimensions (`multi.py` `__str__`
 * capitalises the names, so they are not read from there).
 */

/** What a time-window description says; `schedule` is `Daily` (etc.) or a cron string. */
export interface TimeWindowDescription {
  schedule: string;
  start: string;
  timezone: string;
  endOffset: number;
}

/**
 * Reads `TimeWindowPartitionsDefinition.__str__`: `"{schedule}, starting {start} {timezone}."`
 * plus `" End offsetted by {n} partition(s)."` when the end offset is not zero. The schedule is
 * `Hourly`, `Daily`, `Weekly` or `Monthly` (the offsets are not shown) or the cron string; the
 * start is written with the definition's `fmt`; the end is never shown.
 *
 * @example
 * readTimeWindowDescription("Daily, starting 2023-01-01 UTC."); // { schedule: "Daily", start: "2023-01-01", timezone: "UTC", endOffset: 0 }
 */
export function readTimeWindowDescription(description: string): TimeWindowDescription | undefined {
  const match = /^(.+?), starting (.+?) (\S+)\.(?: End offsetted by (-?\d+) partitions?\.)?$/s.exec(
    description,
  );
  if (match === null) return undefined;
  const [, schedule, start, timezone, offset] = match as unknown as [
    string,
    string,
    string,
    string,
    string | undefined,
  ];
  return { schedule, start, timezone, endOffset: offset === undefined ? 0 : Number(offset) };
}

/**
 * Reads `PartitionsDefinition.__str__` of a static definition: each key in single quotes, joined
 * by `", "` (keys are not escaped). `undefined` when the text is not in that shape or names a key
 * twice (Dagster refuses duplicate keys, so such a reading is wrong).
 *
 * @example
 * readStaticDescription("'us', 'eu'"); // ["us", "eu"]
 */
function readStaticDescription(description: string): string[] | undefined {
  if (description === "") return [];
  if (description.length < 2 || !description.startsWith("'") || !description.endsWith("'"))
    return undefined;
  const keys = description.slice(1, -1).split("', '");
  return new Set(keys).size === keys.length ? keys : undefined;
}

/**
 * The static keys of a definition: its `keys` when the source gave them, else read from the
 * description.
 *
 * @example
 * staticKeysOf({ type: "STATIC", description: "'a', 'b'" }); // ["a", "b"]
 */
export function staticKeysOf(
  definition: Extract<PartitionsDefinition, { type: "STATIC" }>,
): string[] | undefined {
  return definition.keys ?? readStaticDescription(definition.description);
}
