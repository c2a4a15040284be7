import type {
  AssetChange,
  ChangeSet,
  ChangeVerdict,
  ChecksDetails,
  DependenciesDetails,
  MetadataDetails,
  MetadataValueChange,
} from "../diff/change-set";
import { allChangeTypes } from "../diff/change-set";
import { type ChangeType, compareChangeTypes } from "../diff/change-types";
import { summarizeChangeSet } from "../diff/summary";
import {
  SEVERITIES,
  SEVERITY_REASONS,
  type Severity,
  type SeverityReason,
  worstSeverity,
} from "../diff/verdicts";
import { compareStrings } from "../model/key";
import type { MetadataValue, TableSchema } from "../model/metadata";
import { nameSome } from "../text";
import { COLUMN_SCHEMA_KEY } from "./columns";
import type { SeverityRule } from "./config";
import { changeId } from "./fingerprint";
import type { Policy, PolicyContext } from "./policy";
import { type AssetMatcher, selectAssets } from "./select";

/**
 * Severity: how much each change can hurt (`breaking`, `risky`, `safe`), by documented default
 * rules and the configuration's overrides. It classifies, never suppresses, so it runs in both
 * modes; in `dagster` mode it only adds `severity` and `reasons` beside Dagster's change types.
 */

/**
 * The severity policy: gives every change type of every changed asset a verdict (`reasons`, in
 * `CHANGE_TYPES` order, each with its stable `id`) and the asset the worst of them (`severity`).
 * Unchanged listed assets get neither. The default rules:
 *
 * - REMOVED, when assets depend on it in the branch or depended on it in the base: `breaking`
 *   (REMOVED_WITH_DEPENDENTS; the message names up to three of them). Base dependents count too:
 *   consumers that stopped depending on it in this branch may still read it elsewhere.
 * - REMOVED with no dependents on either side: `risky` (REMOVED_WITHOUT_DEPENDENTS).
 * - PARTITIONS_DEFINITION: `breaking` (PARTITIONS_CHANGED); stored partitions no longer line up.
 * - METADATA, when `dagster/column_schema` lost a column (COLUMN_REMOVED) or a column of the same
 *   name has another `type` (COLUMN_TYPE_CHANGED): `breaking`. Any other METADATA change is
 *   `safe` (DESCRIPTIVE_CHANGE), columns added included, and so is adding or removing the whole
 *   `dagster/column_schema` entry: that describes the table, it does not change it.
 * - DEPENDENCIES: a dependency removed (DEPENDENCY_REMOVED) or a partition mapping changed
 *   (PARTITION_MAPPING_CHANGED) is `risky`; dependencies only added is `safe` (DEPENDENCY_ADDED).
 * - CODE_VERSION: `risky` (CODE_VERSION_CHANGED).
 * - AUTOMATION_CONDITION, FRESHNESS_POLICY, BACKFILL_POLICY, EXECUTION_TYPE: `risky`
 *   (BEHAVIOUR_SETTING_CHANGED): they decide when or how the asset runs.
 * - CHECKS: a check removed (CHECK_REMOVED), made non-blocking (CHECK_MADE_NON_BLOCKING) or given
 *   another automation condition (CHECK_AUTOMATION_CHANGED) is `risky`: production is guarded less
 *   or differently. Checks only added or made blocking are `safe` (CHECK_ADDED), and so is a changed
 *   description or set of other assets read (CHECK_CHANGED). The message names the checks.
 * - NEW: `safe` (NEW_ASSET); TAGS, DESCRIPTION, OWNERS, GROUP, KINDS: `safe` (DESCRIPTIVE_CHANGE).
 *
 * Each override (`{ select?, changeTypes?, severity, reason? }`, compiled once) sets the severity
 * of its change types (all when absent) of the assets it selects; the last matching rule wins,
 * with reason CONFIGURED and the rule's `reason` (else "set by the configuration") as message.
 *
 * @example
 * const reviewed = applyPolicies(changeSet, [severityRules([{ select: { keys: ["marts/**"] }, severity: "breaking" }])], context);
 * reviewed.assets[0]?.severity; // "breaking"
 */
export function severityRules(overrides: readonly SeverityRule[] = []): Policy {
  const rules = overrides.map(compileOverride);
  return (changeSet, context) => {
    const assets = changeSet.assets.map((asset) => classify(asset, context, rules));
    // A zero severity record tells the summary that severity ran, even with nothing to count.
    const next: ChangeSet = {
      ...changeSet,
      assets,
      summary: { ...changeSet.summary, severity: zeroSeverities() },
    };
    return { ...next, summary: summarizeChangeSet(next) };
  };
}

// --- internal ---

/** The settings whose change is BEHAVIOUR_SETTING_CHANGED, as the message names them. */
const BEHAVIOUR_SETTINGS = {
  AUTOMATION_CONDITION: "automation condition",
  FRESHNESS_POLICY: "freshness policy",
  BACKFILL_POLICY: "backfill policy",
  EXECUTION_TYPE: "execution type",
} as const;

/** How many dependents a REMOVED_WITH_DEPENDENTS message names. */
const NAMED_DEPENDENTS = 3;

interface Verdict {
  severity: Severity;
  reason: SeverityReason;
  message: string;
}

interface CompiledOverride {
  selected: AssetMatcher;
  changeTypes: ReadonlySet<ChangeType> | undefined;
  verdict: Verdict;
}

function compileOverride(rule: SeverityRule): CompiledOverride {
  return {
    selected: selectAssets(rule.select),
    changeTypes: rule.changeTypes ? new Set(rule.changeTypes) : undefined,
    verdict: {
      severity: rule.severity,
      reason: "CONFIGURED",
      message: rule.reason ?? SEVERITY_REASONS.CONFIGURED,
    },
  };
}

function classify(
  asset: AssetChange,
  context: PolicyContext,
  rules: readonly CompiledOverride[],
): AssetChange {
  // Drop any verdicts an earlier run left: they are recomputed from what the asset is now.
  const { severity: _severity, reasons: _reasons, ...rest } = asset;
  const types = allChangeTypes(asset).sort(compareChangeTypes);
  if (types.length === 0) return rest;
  // Selections may look the asset up in the graphs, so each rule is asked once per asset.
  const matching = rules.filter((rule) => rule.selected(asset, context));
  const reasons = types.map((changeType): ChangeVerdict => {
    const verdict =
      lastOverride(matching, changeType) ?? defaultVerdict(asset, changeType, context);
    return { changeType, id: changeId(asset, changeType), ...verdict };
  });
  const severity = worstSeverity(reasons.map((r) => r.severity)) as Severity;
  return { ...rest, severity, reasons };
}

function lastOverride(rules: readonly CompiledOverride[], changeType: ChangeType) {
  return rules.findLast((rule) => rule.changeTypes?.has(changeType) ?? true)?.verdict;
}

function verdict(severity: Severity, reason: SeverityReason): Verdict {
  return { severity, reason, message: SEVERITY_REASONS[reason] };
}

function defaultVerdict(
  asset: AssetChange,
  changeType: ChangeType,
  context: PolicyContext,
): Verdict {
  switch (changeType) {
    case "REMOVED":
      return removedVerdict(asset, context);
    case "PARTITIONS_DEFINITION":
      return verdict("breaking", "PARTITIONS_CHANGED");
    case "METADATA":
      return metadataVerdict(asset.details.metadata);
    case "DEPENDENCIES":
      return dependenciesVerdict(asset.details.dependencies);
    case "CODE_VERSION":
      return verdict("risky", "CODE_VERSION_CHANGED");
    case "AUTOMATION_CONDITION":
    case "FRESHNESS_POLICY":
    case "BACKFILL_POLICY":
    case "EXECUTION_TYPE":
      return {
        ...verdict("risky", "BEHAVIOUR_SETTING_CHANGED"),
        message: `the ${BEHAVIOUR_SETTINGS[changeType]} changed: it decides when or how the asset runs`,
      };
    case "NEW":
      return verdict("safe", "NEW_ASSET");
    case "MOVED":
      return verdict("risky", "MOVED");
    case "TAGS":
    case "DESCRIPTION":
    case "OWNERS":
    case "GROUP":
    case "KINDS":
      return verdict("safe", "DESCRIPTIVE_CHANGE");
    case "CHECKS":
      return checksVerdict(asset.details.checks);
  }
}

/** How many checks a CHECKS message names. */
const NAMED_CHECKS = 3;

function checksVerdict(details: ChecksDetails | undefined): Verdict {
  // Without details (a hand-built change set) a removed check cannot be ruled out.
  if (details === undefined) return verdict("risky", "CHECK_REMOVED");
  const named = (severity: Severity, reason: SeverityReason, names: string[]): Verdict => ({
    severity,
    reason,
    message: `${SEVERITY_REASONS[reason]}: ${nameSome(names, NAMED_CHECKS)}`,
  });
  const changed = details.values.filter((v) => v.old !== null && v.new !== null);
  const madeNonBlocking = changed.filter(
    (v) => v.old?.blocking === true && v.new?.blocking === false,
  );
  const automation = changed.filter((v) => v.fields?.includes("automationCondition"));
  const descriptive = changed.filter(
    (v) => v.fields?.some((f) => f === "description" || f === "additionalAssetKeys") ?? false,
  );
  if (details.removedKeys.length > 0) return named("risky", "CHECK_REMOVED", details.removedKeys);
  if (madeNonBlocking.length > 0)
    return named(
      "risky",
      "CHECK_MADE_NON_BLOCKING",
      madeNonBlocking.map((v) => v.name),
    );
  if (automation.length > 0)
    return named(
      "risky",
      "CHECK_AUTOMATION_CHANGED",
      automation.map((v) => v.name),
    );
  if (descriptive.length > 0)
    return named(
      "safe",
      "CHECK_CHANGED",
      descriptive.map((v) => v.name),
    );
  const strengthened = changed.filter((v) => v.old?.blocking === false && v.new?.blocking === true);
  return named("safe", "CHECK_ADDED", [...details.addedKeys, ...strengthened.map((v) => v.name)]);
}

function removedVerdict(asset: AssetChange, context: PolicyContext): Verdict {
  const dependents = [
    ...new Set([
      ...context.dependentsOf("branch", asset.path),
      ...context.dependentsOf("base", asset.path),
    ]),
  ].sort(compareStrings);
  if (dependents.length === 0) return verdict("risky", "REMOVED_WITHOUT_DEPENDENTS");
  const reason = "REMOVED_WITH_DEPENDENTS";
  return {
    severity: "breaking",
    reason,
    message: `${SEVERITY_REASONS[reason]}: ${nameSome(dependents, NAMED_DEPENDENTS)}`,
  };
}

function metadataVerdict(details: MetadataDetails | undefined): Verdict {
  const schema = details?.values.find((v) => v.key === COLUMN_SCHEMA_KEY);
  if (schema !== undefined) {
    if ((schema.columns?.removedColumns.length ?? 0) > 0)
      return verdict("breaking", "COLUMN_REMOVED");
    if (columnTypeChanged(schema)) return verdict("breaking", "COLUMN_TYPE_CHANGED");
  }
  return verdict("safe", "DESCRIPTIVE_CHANGE");
}

/** True when a column present on both sides of a table schema has another `type`. */
function columnTypeChanged(change: MetadataValueChange): boolean {
  const old = schemaOf(change.old);
  const next = schemaOf(change.new);
  // A whole schema added or removed (or replaced by another kind of value) changes no column.
  if (old === undefined || next === undefined) return false;
  const types = new Map(next.columns.map((c) => [c.name, c.type]));
  return old.columns.some((c) => types.has(c.name) && types.get(c.name) !== c.type);
}

function schemaOf(value: MetadataValue | null): TableSchema | undefined {
  return value !== null && (value.type === "tableSchema" || value.type === "table")
    ? value.schema
    : undefined;
}

function dependenciesVerdict(details: DependenciesDetails | undefined): Verdict {
  // Without details (a hand-built change set) nothing shows that dependencies were only added,
  // so the change is taken as the riskier kind rather than called safe.
  if (details === undefined || details.removedKeys.length > 0)
    return verdict("risky", "DEPENDENCY_REMOVED");
  if (details.partitionMappings.length > 0) return verdict("risky", "PARTITION_MAPPING_CHANGED");
  return verdict("safe", "DEPENDENCY_ADDED");
}

function zeroSeverities(): Record<Severity, number> {
  return Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
}
