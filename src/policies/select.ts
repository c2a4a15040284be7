import picomatch from "picomatch";
import type { AssetChange } from "../diff/change-set";
import { UsageError } from "../errors";
import type { Asset } from "../model/asset";
import type { PolicyContext } from "./policy";

/**
 * Asset selection, shared by every configurable rule: which assets a rule applies to, by key
 * glob, code location, group, tag and kind. Every field given must match (and); within a field,
 * any entry may match (or). An empty selection selects every asset.
 */

/** Which assets a rule applies to. Globs are picomatch globs over the `/`-joined key. */
export interface AssetSelection {
  /** Key globs, e.g. `marts/**` or `staging/stg_*`. */
  keys?: string[];
  /** Code location names. */
  codeLocations?: string[];
  /** Group names. */
  groups?: string[];
  /** Tags: `key` (any value) or `key=value`; each side may be a glob. */
  tags?: string[];
  /** Kinds, e.g. `dbt`; globs allowed. */
  kinds?: string[];
}

/** A compiled selection: true for the changes of the assets it selects. */
export type AssetMatcher = (change: AssetChange, context: PolicyContext) => boolean;

/**
 * Compiles a selection once, for use on every change of a change set. Group, tag and kind are
 * read from the asset as the branch defines it (as the base did, for a REMOVED asset).
 *
 * @example
 * const selected = selectAssets({ keys: ["marts/**"], kinds: ["dbt"] });
 * changeSet.assets.filter((a) => selected(a, context));
 */
export function selectAssets(selection: AssetSelection = {}): AssetMatcher {
  const keys = globs(selection.keys);
  const kinds = globs(selection.kinds);
  const tags = selection.tags?.map(tagMatcher);
  const locations = selection.codeLocations ? new Set(selection.codeLocations) : undefined;
  const groups = selection.groups ? new Set(selection.groups) : undefined;
  const needsAsset = groups !== undefined || tags !== undefined || kinds !== undefined;
  return (change, context) => {
    if (keys && !keys(change.key)) return false;
    if (locations && (change.codeLocation === null || !locations.has(change.codeLocation)))
      return false;
    if (!needsAsset) return true;
    const asset = context.assetOf(change);
    if (asset === undefined) return false;
    if (groups && (asset.group == null || !groups.has(asset.group))) return false;
    if (kinds && !kindsOf(asset).some(kinds)) return false;
    if (tags && !tags.some((matches) => (asset.tags ?? []).some(matches))) return false;
    return true;
  };
}

/**
 * Compiles globs once into one matcher: true when any matches. Picomatch globs with `dot`, so
 * names starting with a dot are ordinary names here, not hidden files.
 *
 * @example
 * globs(["ci/*", "dagster/**"])?.("dagster/kind/dbt"); // true
 */
export function globs(
  patterns: readonly string[] | undefined,
): ((text: string) => boolean) | undefined {
  if (patterns === undefined) return undefined;
  const matchers = patterns.map(glob);
  return (text) => matchers.some((matches) => matches(text));
}

// --- internal ---

const KIND_TAG = "dagster/kind/";

/**
 * Compiles one glob. The empty glob matches the empty text only (picomatch refuses it), and a
 * glob that cannot be compiled (one over 65,536 characters, or whose regular expression is too
 * large for V8) is a {@link UsageError}.
 */
function glob(pattern: string): (text: string) => boolean {
  if (pattern === "") return (text) => text === "";
  try {
    const matches = picomatch(pattern, { dot: true });
    // V8 compiles a regular expression when it is first used, once for one-byte and once for
    // two-byte text, and only then finds one too large: both happen here, where the glob is named.
    matches("a");
    matches("\u0436");
    return matches;
  } catch (error) {
    const shown = pattern.length > 60 ? `${pattern.slice(0, 59)}…` : pattern;
    // V8 quotes the whole expression: keep its reason alone.
    const message = String((error as Error).message);
    const reason = /^Invalid regular expression: \/.*\/[a-z]*: ([^\n]*)$/s.exec(message)?.[1];
    throw new UsageError(`the glob ${JSON.stringify(shown)} cannot be used: ${reason ?? message}`, {
      cause: error,
    });
  }
}

function tagMatcher(pattern: string): (tag: { key: string; value: string }) => boolean {
  const at = pattern.indexOf("=");
  const key = glob(at < 0 ? pattern : pattern.slice(0, at));
  if (at < 0) return (tag) => key(tag.key);
  // `key=` selects the tag with an empty value (a kind tag's value, say).
  const value = glob(pattern.slice(at + 1));
  return (tag) => key(tag.key) && value(tag.value);
}

function kindsOf(asset: Asset): string[] {
  const fromTags = (asset.tags ?? [])
    .filter((t) => t.key.startsWith(KIND_TAG))
    .map((t) => t.key.slice(KIND_TAG.length));
  return [...(asset.kinds ?? []), ...fromTags];
}
