/**
 * Dagster's seven change types, exactly as its `AssetGraphDiffer` names them. The single source
 * for {@link DagsterChangeType}.
 */
export const DAGSTER_CHANGE_TYPES = [
  "NEW",
  "REMOVED",
  "CODE_VERSION",
  "DEPENDENCIES",
  "PARTITIONS_DEFINITION",
  "TAGS",
  "METADATA",
] as const;

/** One of Dagster's change types. */
export type DagsterChangeType = (typeof DAGSTER_CHANGE_TYPES)[number];

/**
 * Changes Dagster does not track, reported separately (`extraChangeTypes`) so that Dagster's own
 * verdict is never mixed with them. The single source for {@link ExtraChangeType}. `MOVED` is
 * not a compared field: the moves policy gives it to an asset whose key or code location changed
 * (a REMOVED and a NEW asset paired by a declared move).
 */
export const EXTRA_CHANGE_TYPES = [
  "MOVED",
  "GROUP",
  "OWNERS",
  "DESCRIPTION",
  "KINDS",
  "AUTOMATION_CONDITION",
  "FRESHNESS_POLICY",
  "BACKFILL_POLICY",
  "EXECUTION_TYPE",
  "CHECKS",
] as const;

/** A change type asset-diff adds beside Dagster's. */
export type ExtraChangeType = (typeof EXTRA_CHANGE_TYPES)[number];

/** Any change type. */
export type ChangeType = DagsterChangeType | ExtraChangeType;

/**
 * Every change type in display order: Dagster's seven, then the extra ones. Reports, limitation
 * lists and help text list change types in this order.
 */
export const CHANGE_TYPES = [
  ...DAGSTER_CHANGE_TYPES,
  ...EXTRA_CHANGE_TYPES,
] as const satisfies readonly ChangeType[];

/** Which change types a change set reports: Dagster's seven only, or those plus the extra ones. */
export const CHANGE_TYPE_MODES = ["dagster", "all"] as const;

/** See {@link CHANGE_TYPE_MODES}. */
export type ChangeTypeMode = (typeof CHANGE_TYPE_MODES)[number];

/**
 * True for one of Dagster's change type names.
 *
 * @example
 * isDagsterChangeType("TAGS"); // true
 */
export function isDagsterChangeType(value: string): value is DagsterChangeType {
  return (DAGSTER_CHANGE_TYPES as readonly string[]).includes(value);
}

/**
 * True for one of asset-diff's extra change type names.
 *
 * @example
 * isExtraChangeType("OWNERS"); // true
 */
export function isExtraChangeType(value: string): value is ExtraChangeType {
  return (EXTRA_CHANGE_TYPES as readonly string[]).includes(value);
}

/**
 * Orders change types by {@link CHANGE_TYPES}, for sorting.
 *
 * @example
 * ["OWNERS", "TAGS", "NEW"].sort(compareChangeTypes); // ["NEW", "TAGS", "OWNERS"]
 */
export function compareChangeTypes(a: ChangeType, b: ChangeType): number {
  return CHANGE_TYPE_ORDER[a] - CHANGE_TYPE_ORDER[b];
}

// --- internal ---

const CHANGE_TYPE_ORDER = Object.fromEntries(CHANGE_TYPES.map((t, i) => [t, i])) as Record<
  ChangeType,
  number
>;
