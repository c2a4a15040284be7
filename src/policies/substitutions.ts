import type { AssetChange } from "../diff/change-set";
import { UsageError } from "../errors";
import { type JsonValue, sameData } from "../model/json";
import type { CodeReference, MetadataValue } from "../model/metadata";
import type { Substitution } from "./config";
import type { Policy } from "./policy";
import { type AssetMatcher, selectAssets } from "./select";
import { type Suppression, suppress } from "./suppress";

/**
 * Declared substitutions: text that differs between production and a branch by construction
 * (a schema `analytics_pr_42` for `analytics`, a branch name in a URL), replaced on both sides
 * before comparing. Only the comparison uses the replaced values: a change that becomes equal is
 * suppressed, any other change stays exactly as the differ reported it.
 */

/** The rule id every substitution suppresses with. */
const RULE = "substitutions";

/**
 * A policy that replaces, for the assets each rule selects, every occurrence of `from` by `to`
 * in the old and new values of TAGS (tag values, not keys), METADATA and DESCRIPTION changes,
 * and suppresses each tag, metadata key or description that becomes equal (rule
 * `substitutions`, reason naming the substitutions that made it equal). Rules apply in order,
 * each to the result of the previous one.
 *
 * Metadata: every string inside the value, deep (texts, URLs, paths, JSON strings, table
 * records, schema columns, code references), but never an object key of a JSON value and never
 * a value's or code reference's `type`; numbers, booleans and timestamps are not text (a big
 * integer kept as a decimal string is a number). Only keys changed on both sides can become
 * equal; an added or removed key stays.
 *
 * Placeholders: `{name}` (letters, digits, `_`) in `from` and `to` is filled from `variables`
 * when the factory is called (`{branch}`, `{pr}`, or any other name given); there is no escape.
 * A placeholder without a value, or with an empty one, is a `UsageError` naming the rule, the
 * placeholder and how to provide it; so is a `from` that is empty after filling.
 *
 * In `dagster` mode the change set is returned unchanged: that mode is Dagster parity.
 *
 * @example
 * const policy = substitutionRules([{ from: "analytics_pr_{pr}", to: "analytics" }], { pr: "42" });
 * applyPolicies(changeSet, [policy], createPolicyContext({ base, branch })).suppressed[0]?.reason;
 * // 'equal after substituting "analytics_pr_42" → "analytics"'
 */
export function substitutionRules(
  rules: readonly Substitution[],
  variables: Readonly<Record<string, string>>,
): Policy {
  const compiled = rules.map((rule, index) => compile(rule, index, variables));
  return (changeSet, context) => {
    // Dagster parity: nothing is suppressed (and `suppress` refuses to) in dagster mode.
    if (changeSet.options.changeTypes === "dagster" || compiled.length === 0) return changeSet;
    const suppressions: Suppression[] = [];
    for (const asset of changeSet.assets) {
      if (!hasSubstitutable(asset)) continue;
      const applicable = compiled.filter((rule) => rule.selects(asset, context));
      if (applicable.length > 0) suppressions.push(...substitutionSuppressions(asset, applicable));
    }
    return suppress(changeSet, suppressions);
  };
}

// --- internal ---

interface CompiledSubstitution {
  from: string;
  to: string;
  selects: AssetMatcher;
}

/** `{name}`: a placeholder; anything else in braces (`{{ ref('x') }}`, `{ }`) is literal text. */
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** How a CLI user provides each well-known placeholder, besides the library's `variables`. */
const CLI_OPTION: Readonly<Record<string, string>> = {
  branch: "--branch <name>",
  pr: "--pr <number>",
};

function compile(
  rule: Substitution,
  index: number,
  variables: Readonly<Record<string, string>>,
): CompiledSubstitution {
  const from = fill(rule.from, `substitutions[${index}].from`, variables);
  const to = fill(rule.to, `substitutions[${index}].to`, variables);
  // Replacing "" would insert `to` between every two characters.
  if (from === "") throw new UsageError(`substitutions[${index}].from is empty`);
  return { from, to, selects: selectAssets(rule.select) };
}

function fill(text: string, where: string, variables: Readonly<Record<string, string>>): string {
  return text.replace(PLACEHOLDER, (_match, name: string) => {
    const value = Object.hasOwn(variables, name) ? variables[name] : undefined;
    if (value !== undefined && value !== "") return value;
    const option = Object.hasOwn(CLI_OPTION, name) ? CLI_OPTION[name] : undefined;
    const how =
      option === undefined
        ? `give the variable "${name}" a value`
        : `pass ${option} (in CI it is read from the environment) or give the variable "${name}" a value`;
    throw new UsageError(
      `${where}: the placeholder {${name}} has no value; ${how}, or remove it from the rule`,
    );
  });
}

/** True when an asset has a change a substitution could make equal. */
function hasSubstitutable(asset: AssetChange): boolean {
  const { tags, metadata, description } = asset.details;
  return (
    (tags?.changedKeys.length ?? 0) > 0 ||
    (metadata?.changedKeys.length ?? 0) > 0 ||
    (description !== undefined && description.old !== null && description.new !== null)
  );
}

function substitutionSuppressions(
  asset: AssetChange,
  rules: readonly CompiledSubstitution[],
): Suppression[] {
  const out: Suppression[] = [];
  const { tags, metadata, description } = asset.details;
  // Keys made equal by the same substitutions are one suppressed entry.
  const group = (changeType: "TAGS" | "METADATA", found: [string, string][]) => {
    const byReason = new Map<string, string[]>();
    for (const [key, reason] of found) {
      const keys = byReason.get(reason);
      if (keys === undefined) byReason.set(reason, [key]);
      else keys.push(key);
    }
    for (const [reason, keys] of byReason) {
      out.push({ asset, changeType, keys, rule: RULE, reason });
    }
  };
  if (tags !== undefined) {
    const changed = new Set(tags.changedKeys);
    const found: [string, string][] = [];
    for (const tag of tags.values) {
      if (!changed.has(tag.key) || tag.old === null || tag.new === null) continue;
      const reason = equalAfter(tag.old, tag.new, rules, substituteText);
      if (reason !== undefined) found.push([tag.key, reason]);
    }
    group("TAGS", found);
  }
  if (metadata !== undefined) {
    const changed = new Set(metadata.changedKeys);
    const found: [string, string][] = [];
    for (const entry of metadata.values) {
      if (!changed.has(entry.key) || entry.old === null || entry.new === null) continue;
      const reason = equalAfter(entry.old, entry.new, rules, substituteMetadata);
      if (reason !== undefined) found.push([entry.key, reason]);
    }
    group("METADATA", found);
  }
  if (description !== undefined && description.old !== null && description.new !== null) {
    const reason = equalAfter(description.old, description.new, rules, substituteText);
    if (reason !== undefined) out.push({ asset, changeType: "DESCRIPTION", rule: RULE, reason });
  }
  return out;
}

/** Replaces every occurrence of `from` by `to` in the strings of a value. */
type Substitute<T> = (value: T, from: string, to: string) => T;

/**
 * Applies the rules in order to both values; when they end up equal, the reason naming the rules
 * that changed either side (those that did not cannot have made them equal).
 */
function equalAfter<T>(
  old: T,
  next: T,
  rules: readonly CompiledSubstitution[],
  substitute: Substitute<T>,
): string | undefined {
  let a = old;
  let b = next;
  const used: CompiledSubstitution[] = [];
  for (const rule of rules) {
    const a2 = substitute(a, rule.from, rule.to);
    const b2 = substitute(b, rule.from, rule.to);
    if (!sameData(a2, a) || !sameData(b2, b)) used.push(rule);
    a = a2;
    b = b2;
  }
  if (used.length === 0 || !sameData(a, b)) return undefined;
  const named = used.map((r) => `${JSON.stringify(r.from)} → ${JSON.stringify(r.to)}`);
  return `equal after substituting ${named.join(" and ")}`;
}

function substituteText(text: string, from: string, to: string): string {
  return text.replaceAll(from, to);
}

function substituteMetadata(value: MetadataValue, from: string, to: string): MetadataValue {
  switch (value.type) {
    // Numbers, flags and times are not text, even when a big integer is kept as a string.
    case "bool":
    case "int":
    case "float":
    case "timestamp":
    case "null":
      return value;
    case "json":
      return { ...value, value: substituteJson(value.value, from, to) };
    case "unknown":
      // The type name is the kind of value, not text of it.
      return { ...value, raw: substituteJson(value.raw, from, to) };
    case "codeReferences":
      return {
        ...value,
        codeReferences: value.codeReferences.map((r) => substituteReference(r, from, to)),
      };
    default: {
      const { type, ...fields } = value;
      return {
        type,
        ...(substituteJson(fields as JsonValue, from, to) as object),
      } as MetadataValue;
    }
  }
}

function substituteReference(reference: CodeReference, from: string, to: string): CodeReference {
  if (reference.type === "unknown") {
    return { ...reference, raw: substituteJson(reference.raw, from, to) };
  }
  const { type, ...fields } = reference;
  return { type, ...(substituteJson(fields as JsonValue, from, to) as object) } as CodeReference;
}

/** Every string value inside a JSON value, deep; object keys are names, not values, and stay. */
function substituteJson(value: JsonValue, from: string, to: string): JsonValue {
  if (typeof value === "string") return value.replaceAll(from, to);
  if (Array.isArray(value)) return value.map((v) => substituteJson(v, from, to));
  if (value === null || typeof value !== "object") return value;
  const out: { [key: string]: JsonValue } = {};
  for (const [key, v] of Object.entries(value)) {
    // defineProperty: a key such as `__proto__` stays an ordinary member.
    Object.defineProperty(out, key, {
      value: substituteJson(v, from, to),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
