import { type AssetChange, allChangeTypes } from "../diff/change-set";
import type { ChangeType } from "../diff/change-types";
import type { IgnoreRule } from "./config";
import type { Policy } from "./policy";
import { type AssetMatcher, globs, selectAssets } from "./select";
import { type Suppression, suppress } from "./suppress";

/**
 * Ignore rules: changes a team has decided not to review (a tag CI rewrites on every deploy, a
 * metadata key that holds a timestamp, every change of a scratch group). Suppressed, never
 * dropped: the report still says what was hidden and by which rule.
 */

/**
 * A policy that suppresses, for the assets each rule selects: every change type the rule lists,
 * whole; the TAGS keys matching any of its `tags` globs; the METADATA keys matching any of its
 * `metadata` globs. A rule with none of the three suppresses every change type of the selected
 * assets (NEW and REMOVED too: such an asset then counts as unchanged). Globs are picomatch
 * globs (`dot: true`, compiled once here), so `*` stops at `/`: `dagster/**` matches
 * `dagster/kind/dbt`. A rule is named by its `id`, else `ignore[N]` (its index in the list);
 * its `reason` is the suppression's reason. When several rules match the same change, the first
 * one in the list is recorded.
 *
 * In `dagster` mode the change set is returned unchanged: that mode is Dagster parity.
 *
 * @example
 * const policy = ignoreRules([{ id: "ci-tags", tags: ["ci/*"], reason: "set by CI on every deploy" }]);
 * applyPolicies(changeSet, [policy], createPolicyContext({ base, branch })).suppressed;
 */
export function ignoreRules(rules: readonly IgnoreRule[]): Policy {
  const compiled = rules.map(compile);
  return (changeSet, context) => {
    // Dagster parity: nothing is suppressed (and `suppress` refuses to) in dagster mode.
    if (changeSet.options.changeTypes === "dagster" || compiled.length === 0) return changeSet;
    const suppressions: Suppression[] = [];
    for (const asset of changeSet.assets) {
      for (const rule of compiled) {
        if (rule.selects(asset, context)) suppressions.push(...ruleSuppressions(rule, asset));
      }
    }
    return suppress(changeSet, suppressions);
  };
}

// --- internal ---

interface CompiledIgnoreRule {
  id: string;
  reason: string;
  selects: AssetMatcher;
  /** Whole change types; `undefined` with no tags or metadata globs either: every change type. */
  changeTypes: ReadonlySet<ChangeType> | undefined;
  tags: ((key: string) => boolean) | undefined;
  metadata: ((key: string) => boolean) | undefined;
}

function compile(rule: IgnoreRule, index: number): CompiledIgnoreRule {
  return {
    id: rule.id ?? `ignore[${index}]`,
    reason: rule.reason,
    selects: selectAssets(rule.select),
    changeTypes: rule.changeTypes ? new Set(rule.changeTypes) : undefined,
    tags: globs(rule.tags),
    metadata: globs(rule.metadata),
  };
}

function ruleSuppressions(rule: CompiledIgnoreRule, asset: AssetChange): Suppression[] {
  const present = allChangeTypes(asset);
  const base = { asset, rule: rule.id, reason: rule.reason };
  const everything = rule.changeTypes === undefined && !rule.tags && !rule.metadata;
  const whole = everything ? present : present.filter((t) => rule.changeTypes?.has(t));
  const out: Suppression[] = whole.map((changeType) => ({ ...base, changeType }));
  const wholly = new Set<ChangeType>(whole);
  // Keys of a change type already suppressed whole need no second entry.
  if (rule.tags && !wholly.has("TAGS")) {
    const matches = rule.tags;
    const keys = changedKeys(asset, "tags").filter((key) => matches(key));
    if (keys.length > 0) out.push({ ...base, changeType: "TAGS", keys });
  }
  if (rule.metadata && !wholly.has("METADATA")) {
    const matches = rule.metadata;
    const keys = changedKeys(asset, "metadata").filter((key) => matches(key));
    if (keys.length > 0) out.push({ ...base, changeType: "METADATA", keys });
  }
  return out;
}

function changedKeys(asset: AssetChange, slot: "tags" | "metadata"): string[] {
  const details = asset.details[slot];
  if (details === undefined) return [];
  return [...details.addedKeys, ...details.changedKeys, ...details.removedKeys];
}
