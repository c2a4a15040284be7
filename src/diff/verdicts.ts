/**
 * The vocabulary of what the policy steps decide about a change, as the change set records it:
 * severities, the reasons a severity was given, and the ids of the built-in suppression rules.
 * The raw differ writes none of these; they are part of the change-set format, so they are
 * defined here, below the policies that use them.
 */

/**
 * How much a change can hurt, worst first; the single source for {@link Severity}.
 * `breaking`: consumers of the asset can fail or read wrong data; `risky`: behaviour may change
 * and deserves a look; `safe`: descriptive only.
 */
export const SEVERITIES = ["breaking", "risky", "safe"] as const;

/** See {@link SEVERITIES}. */
export type Severity = (typeof SEVERITIES)[number];

/**
 * Why a change got its severity: a stable constant and the text reports show. The single source
 * for {@link SeverityReason}; `CONFIGURED` is a rule of the configuration, whose own reason text
 * is then shown.
 */
export const SEVERITY_REASONS = {
  REMOVED_WITH_DEPENDENTS: "removed while other assets depend on it",
  REMOVED_WITHOUT_DEPENDENTS: "removed; no asset depends on it",
  PARTITIONS_CHANGED: "the partitions definition changed",
  COLUMN_REMOVED: "a column was removed from the table schema",
  COLUMN_TYPE_CHANGED: "a column's type changed in the table schema",
  DEPENDENCY_REMOVED: "an upstream dependency was removed",
  PARTITION_MAPPING_CHANGED: "a partition mapping changed",
  CODE_VERSION_CHANGED: "the code version changed",
  BEHAVIOUR_SETTING_CHANGED:
    "a setting that decides when or how the asset runs changed (automation, freshness, backfill or execution type)",
  NEW_ASSET: "a new asset",
  DEPENDENCY_ADDED: "only upstream dependencies were added",
  DESCRIPTIVE_CHANGE: "descriptive only (tags, metadata, description, owners, group, kinds)",
  PARTITION_KEYS_REMOVED: "partitions were removed from the partitions definition",
  PARTITION_KEYS_ADDED: "partitions were only added to the partitions definition, none removed",
  PARTITIONS_NOT_ENUMERABLE:
    "the partitions definition changed in a way whose partition keys cannot be listed",
  COLUMN_ADDED: "only columns were added to the table schema",
  COLUMN_MADE_NULLABLE: "a column may now hold nulls",
  COLUMN_CONSTRAINT_CHANGED: "a column or table constraint changed",
  COLUMN_DESCRIPTIVE_CHANGE: "only column descriptions or tags changed",
  COLUMN_LINEAGE_CHANGED: "the column lineage changed",
  MOVED: "the asset moved to a new key or code location; whatever reads the old key must follow",
  DEPENDENCY_MOVED: "an upstream dependency only follows an upstream asset's declared move",
  CHECK_REMOVED: "an asset check was removed",
  CHECK_MADE_NON_BLOCKING: "an asset check no longer blocks downstream materializations",
  CHECK_AUTOMATION_CHANGED: "an asset check's automation condition changed",
  CHECK_ADDED: "asset checks were only added or made blocking",
  CHECK_CHANGED: "only an asset check's description or the other assets it reads changed",
  CONFIGURED: "set by the configuration",
} as const;

/** See {@link SEVERITY_REASONS}. */
export type SeverityReason = keyof typeof SEVERITY_REASONS;

/**
 * The built-in rules that suppress environment differences (on by default in `all` mode); the
 * single source for {@link DefaultRuleId}. Rules of the configuration are named
 * `substitutions` or by their own `id` (else `ignore[N]`).
 */
export const DEFAULT_RULES = {
  "environment-table-name":
    "dagster/table_name or dagster/relation_identifier names the same table in another database or schema",
  "environment-code-references":
    "dagster/code_references only moved line numbers, in the same files and URLs",
} as const;

/** See {@link DEFAULT_RULES}. */
export type DefaultRuleId = keyof typeof DEFAULT_RULES;

/**
 * True for a severity name, e.g. as `--fail-on` accepts it.
 *
 * @example
 * isSeverity("risky"); // true
 */
export function isSeverity(value: string): value is Severity {
  return (SEVERITIES as readonly string[]).includes(value);
}

/**
 * Orders severities worst first, for sorting.
 *
 * @example
 * (["safe", "breaking", "risky"] as Severity[]).sort(compareSeverities); // ["breaking", "risky", "safe"]
 */
export function compareSeverities(a: Severity, b: Severity): number {
  return SEVERITIES.indexOf(a) - SEVERITIES.indexOf(b);
}

/**
 * The worst of some severities, or `undefined` when there are none.
 *
 * @example
 * worstSeverity(["safe", "risky"]); // "risky"
 */
export function worstSeverity(severities: Iterable<Severity>): Severity | undefined {
  let worst: Severity | undefined;
  for (const s of severities) if (worst === undefined || compareSeverities(s, worst) < 0) worst = s;
  return worst;
}

/**
 * True when `severity` is at least as bad as `threshold`: what `--fail-on risky` fails on.
 *
 * @example
 * atLeast("breaking", "risky"); // true
 */
export function atLeast(severity: Severity, threshold: Severity): boolean {
  return compareSeverities(severity, threshold) <= 0;
}

/**
 * How a change to an asset reaches the assets downstream of it, worst first; the single source
 * for {@link ImpactSeverity}. An impacted asset is not changed itself: it reads from a changed
 * ancestor. `breaking-downstream`: an ancestor's change is breaking; `risky-downstream`: the worst
 * is risky (its data may differ); `safe-downstream`: every ancestor change is known safe for
 * consumers (a column added, tags, descriptions).
 */
export const IMPACT_SEVERITIES = [
  "breaking-downstream",
  "risky-downstream",
  "safe-downstream",
] as const;

/** See {@link IMPACT_SEVERITIES}. */
export type ImpactSeverity = (typeof IMPACT_SEVERITIES)[number];

/**
 * Which rule decided an impacted asset's {@link ImpactSeverity}; the single source for
 * {@link ImpactReason}.
 */
export const IMPACT_REASONS = {
  UPSTREAM_BREAKING: "an upstream asset has a breaking change",
  UPSTREAM_RISKY: "an upstream asset has a risky change, so its data may differ",
  UPSTREAM_SAFE_FOR_CONSUMERS:
    "every upstream change is known safe for consumers (columns added, tags, descriptions)",
  UPSTREAM_COLUMN_BROKEN: "a column it reads upstream was removed or retyped",
} as const;

/** See {@link IMPACT_REASONS}. */
export type ImpactReason = keyof typeof IMPACT_REASONS;

/**
 * Where a change comes from in a three-way comparison (production at the merge base, production
 * now, the branch); the single source for {@link ChangeOrigin}. `branch`: the branch changed it;
 * `drift`: production changed it since the merge base and the branch did not; `conflict`: both
 * changed the same section, differently.
 */
export const CHANGE_ORIGINS = ["branch", "drift", "conflict"] as const;

/** See {@link CHANGE_ORIGINS}. */
export type ChangeOrigin = (typeof CHANGE_ORIGINS)[number];
