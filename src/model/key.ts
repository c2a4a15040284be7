import type { Asset } from "./asset";

/**
 * Renders a key path as Dagster's user string: the components joined by `/`.
 *
 * @example
 * keyToString(["marts", "fct_revenue"]); // "marts/fct_revenue"
 */
export function keyToString(path: readonly string[]): string {
  return path.join("/");
}

/**
 * An unambiguous string for a key path (components may themselves contain `/`), for use as a
 * map key.
 *
 * @example
 * keyId(["a/b", "c"]) !== keyId(["a", "b/c"]); // true
 */
export function keyId(path: readonly string[]): string {
  // Most keys have one component; JSON text never starts with \u0001, so the two cannot meet.
  return path.length === 1 ? `\u0001${path[0]}` : JSON.stringify(path);
}

/**
 * An unambiguous string for an asset's identity (code location, repository, key).
 *
 * @example
 * assetId({ key: ["a"], codeLocation: "loc", repository: "__repository__" });
 */
export function assetId(asset: Pick<Asset, "key" | "codeLocation" | "repository">): string {
  return JSON.stringify([asset.codeLocation, asset.repository, asset.key]);
}

/**
 * Orders key paths by their `/`-joined user strings (the order people read), by code unit and
 * independent of locale; paths that join to the same string are ordered by component.
 *
 * @example
 * [["b"], ["a", "z"], ["a"]].sort(compareKeys); // [["a"], ["a", "z"], ["b"]]
 */
export function compareKeys(a: readonly string[], b: readonly string[]): number {
  const byText = compareStrings(keyToString(a), keyToString(b));
  if (byText !== 0) return byText;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareStrings(a[i] as string, b[i] as string);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/** Locale-independent string order by UTF-16 code unit. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders `null` before any string, then strings by code unit. */
export function compareNullableStrings(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return compareStrings(a, b);
}

/**
 * Orders assets by key, then code location, then repository: the order of every listing.
 *
 * @example
 * graph.assets.slice().sort(compareAssets);
 */
export function compareAssets(
  a: Pick<Asset, "key" | "codeLocation" | "repository">,
  b: Pick<Asset, "key" | "codeLocation" | "repository">,
): number {
  return (
    compareKeys(a.key, b.key) ||
    compareNullableStrings(a.codeLocation, b.codeLocation) ||
    compareNullableStrings(a.repository, b.repository)
  );
}
