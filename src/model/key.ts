import type { Asset, AssetOwner } from "./asset";
import { canonicalJson, type JsonValue } from "./json";

/** The repository of a `Definitions`-based code location, the only one it has. */
export const DEFAULT_REPOSITORY = "__repository__";

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
  if (path.length === 1) return `\u0001${path[0]}`;
  // A graph's key arrays are asked for again and again (identity maps, lineage, impact), and
  // graphs are immutable values: the text of each array is made once.
  let id = keyIds.get(path);
  if (id === undefined) {
    id = JSON.stringify(path);
    keyIds.set(path, id);
  }
  return id;
}

/** The {@link keyId} of each multi-part key array met. */
const keyIds = new WeakMap<readonly string[], string>();

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

/**
 * The identity text of an owner, for matching and ordering owners as a set: the email, `team:`
 * and the team's name, or (for an owner kind this release does not know) `~` and its canonical
 * JSON, so that field order never matters and such owners sort last.
 *
 * @example
 * ownerKey({ type: "team", team: "data" }); // "team:data"
 */
export function ownerKey(owner: AssetOwner): string {
  if (owner.type === "user") return owner.email;
  if (owner.type === "team") return `team:${owner.team}`;
  return `~${canonicalJson(owner as unknown as JsonValue)}`;
}

/**
 * An owner as people read it, the way Dagster writes owners: an email, `team:name`, or for an
 * unknown owner kind its GraphQL type name and canonical JSON.
 *
 * @example
 * ownerText({ type: "user", email: "ana@example.com" }); // "ana@example.com"
 */
export function ownerText(owner: AssetOwner): string {
  if (owner.type === "unknown") return `${owner.typename} ${canonicalJson(owner.raw)}`;
  return ownerKey(owner);
}

/**
 * Where an asset is defined, as people read it: the code location, with `/repository` unless the
 * repository is the default one (`__repository__`) or unknown; `null` when the location is unknown.
 *
 * @example
 * locationLabel({ codeLocation: "analytics", repository: "__repository__" }); // "analytics"
 * locationLabel({ codeLocation: "legacy", repository: "jobs" }); // "legacy/jobs"
 */
export function locationLabel(asset: Pick<Asset, "codeLocation" | "repository">): string | null {
  if (asset.codeLocation === null) return null;
  const repository = shownRepository(asset.repository);
  return repository === null ? asset.codeLocation : `${asset.codeLocation}/${repository}`;
}

/**
 * The repository worth showing beside a code location: `null` for the default repository
 * (`__repository__`) and for an unknown one.
 *
 * @example
 * shownRepository("__repository__"); // null
 */
export function shownRepository(repository: string | null): string | null {
  return repository === null || repository === "" || repository === DEFAULT_REPOSITORY
    ? null
    : repository;
}
