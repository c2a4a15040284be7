/**
 * The closed sets of names that several lifecycle modules share, each an `as const` list and
 * the type derived from it. This module imports nothing, so every other module can import it:
 * the SQL dialects (for identifiers, errors, SQL, actions and the state) and the snapshot-base
 * conditions (for actions, transitions and the state).
 */

/** The SQL dialects whose schemas a branch deployment can clone; the single source for {@link SqlDialect}. */
export const SQL_DIALECTS = ["postgres", "snowflake", "bigquery", "duckdb"] as const;

/** One of {@link SQL_DIALECTS}. */
export type SqlDialect = (typeof SQL_DIALECTS)[number];

/**
 * What the branch is compared with, as Dagster+'s `snapshotBaseCondition`: `ON_CREATE` a
 * snapshot of the base taken when the deployment is created, `ON_UPDATE` one refreshed on every
 * update, `LIVE` (Dagster+'s default, `null` there) the base as it is when diffing. The single
 * source for {@link SnapshotBaseCondition}.
 */
export const SNAPSHOT_BASE_CONDITIONS = ["ON_CREATE", "ON_UPDATE", "LIVE"] as const;

/** One of {@link SNAPSHOT_BASE_CONDITIONS}. */
export type SnapshotBaseCondition = (typeof SNAPSHOT_BASE_CONDITIONS)[number];
