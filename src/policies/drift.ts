import type {
  AssetChange,
  AssetChangeDetails,
  AssetIdentity,
  ChangeSet,
  ChangeSetInput,
  ChangeTypeOrigin,
} from "../diff/change-set";
import { allChangeTypes } from "../diff/change-set";
import { type ChangeType, compareChangeTypes } from "../diff/change-types";
import { SECTIONS, type Section, type SectionChangeType } from "../diff/sections";
import { summarizeChangeSet } from "../diff/summary";
import type { ChangeOrigin } from "../diff/verdicts";
import type { Asset, AssetDependency, AssetGraph } from "../model/asset";
import { assetId, keyId, keyToString } from "../model/key";
import type { MetadataEntry, Tag } from "../model/metadata";
import { normalize } from "../normalize/normalize";
import type { Policy, PolicyContext } from "./policy";

/**
 * Base drift, a three-way comparison. Production moves on while a pull request is open, so a
 * change set computed from production now (`base`) to the branch also shows what production
 * changed since the branch's merge base. Given production at that merge base, this step labels
 * each change as the branch's, base drift, or a conflict. It only labels (no change is added,
 * suppressed or reclassified), so it runs in both modes, after the suppressing steps and
 * severity, and labels what they left.
 */

/**
 * The drift policy. It labels every change type of every listed asset with where it comes from,
 * given `mergeBase`, production at the branch's merge base. Each asset gets `origins` (one per
 * change type present, in `CHANGE_TYPES` order) and `origin`: `conflict` if any change type is
 * one, else `branch` if any is the branch's, else `drift`. The change set gets `mergeBase` (the
 * graph's source and asset count), so its summary counts assets by origin. The merge-base graph
 * is normalized like the others (a `ValidationError` when it is not a valid graph, when the
 * policy is made).
 *
 * The rules, per change type; "equal" means what the differ means (the same section comparison,
 * over the fields base and branch both carry):
 *
 * - NEW (in the branch, not in the base): in the merge base too, production removed it since
 *   and the branch kept it, so `drift`; else the branch added it, so `branch`.
 * - REMOVED (in the base, not in the branch): in the merge base, the branch removed it, so
 *   `branch`; else production added it since, so `drift`.
 * - MOVED: `branch`, unless the merge base already has the new identity (`drift`). The sections
 *   of a moved asset are compared with the merge base's asset at the new identity, else at the
 *   old one (`movedFrom`).
 * - Any compared section (CODE_VERSION, PARTITIONS_DEFINITION, OWNERS, ...): merge base equal
 *   to the branch, `drift`; else equal to the base, `branch`; else both changed it, differently:
 *   `conflict`. An asset the merge base lacks while base and branch both have it is `conflict`:
 *   both added it, differently.
 * - TAGS, METADATA and DEPENDENCIES are compared key by key (tag key, metadata key, upstream
 *   key), over the keys the change still lists (a suppressed key is not labelled). Each key gets
 *   the rule above. The change type is `conflict` when some key changed on both sides
 *   differently, else `branch` when some key's change is the branch's, else `drift`. So a tag
 *   production changed and another tag the branch changed are no conflict: the TAGS change is
 *   `branch`.
 *
 * When the merge base cannot say, a change is labelled `branch`, as a two-way comparison would
 * take it. That happens when the merge base does not carry a compared field (or a partition
 * mapping) that base and branch both carry, when matching by key alone finds the key twice in
 * the merge base, when the asset's code location failed or was still loading in the merge base
 * (its `codeLocations`), or when the asset cannot be found in the graphs the context was built
 * from.
 *
 * Identity is (code location, repository, key path), as in the differ. When the change set was
 * matched by key alone (an input does not say which code location its assets are in), or the
 * merge base does not say, the merge base is searched by key alone; when the merge base or a
 * change does not say which repository, by code location and key.
 *
 * @example
 * const changeSet = diffAssetGraphs(base, branch);
 * const labelled = applyPolicies(
 *   changeSet,
 *   [severityRules([]), driftRules(mergeBase)],
 *   createPolicyContext({ base, branch }),
 * );
 * labelled.assets.filter((a) => a.origin === "conflict");
 * labelled.summary.origins; // { branch: 3, drift: 1, conflict: 1 }
 */
export function driftRules(mergeBase: AssetGraph): Policy {
  const normalized = normalize(mergeBase);
  const index = indexMergeBase(normalized);
  const input: ChangeSetInput = {
    source: normalized.source ?? null,
    assets: normalized.assets.length,
  };
  return (changeSet, context) => {
    const byKeyOnly = matchedByKeyOnly(changeSet);
    const lookup = (identity: Identity) => findInMergeBase(index, identity, byKeyOnly);
    const assets = changeSet.assets.map((asset) => label(asset, lookup, context));
    const next: ChangeSet = { ...changeSet, assets, mergeBase: { ...input } };
    return { ...next, summary: summarizeChangeSet(next) };
  };
}

// --- internal ---

/** The origins from the worst down: how an asset's (or a change type's) origin is decided. */
const ORIGIN_PRECEDENCE = [
  "conflict",
  "branch",
  "drift",
] as const satisfies readonly ChangeOrigin[];

/** What identifies an asset, as a change and `movedFrom` carry it. */
type Identity = Pick<AssetIdentity, "path" | "codeLocation" | "repository">;

/**
 * The merge base's asset of an identity: `undefined` when it has none, `null` when the merge base
 * cannot say (matching by key alone finds the key more than once, or its code location did not
 * load there).
 */
type Lookup = (identity: Identity) => Asset | null | undefined;

interface MergeBaseIndex {
  byId: Map<string, Asset>;
  /** By code location and key; `null` for a pair defined more than once. */
  byLocationKey: Map<string, Asset | null>;
  /** By key; `null` for a key defined more than once. */
  byKey: Map<string, Asset | null>;
  /** Some asset says which code location it is in. */
  withLocations: boolean;
  /** Some asset says which repository it is in. */
  withRepositories: boolean;
  /** Code locations that failed or were still loading: their assets are unknown. */
  notLoaded: ReadonlySet<string>;
}

function indexMergeBase(graph: AssetGraph): MergeBaseIndex {
  const index: MergeBaseIndex = {
    byId: new Map(),
    byLocationKey: new Map(),
    byKey: new Map(),
    withLocations: false,
    withRepositories: false,
    notLoaded: new Set(
      (graph.codeLocations ?? []).filter((l) => l.status !== "loaded").map((l) => l.name),
    ),
  };
  const once = (map: Map<string, Asset | null>, id: string, asset: Asset) =>
    map.set(id, map.has(id) ? null : asset);
  for (const asset of graph.assets) {
    index.byId.set(assetId(asset), asset);
    once(index.byLocationKey, locationKeyId(asset.codeLocation, asset.key), asset);
    once(index.byKey, keyId(asset.key), asset);
    if (asset.codeLocation !== null) index.withLocations = true;
    if (asset.repository !== null) index.withRepositories = true;
  }
  return index;
}

function locationKeyId(location: string | null, key: readonly string[]): string {
  return JSON.stringify([location, key]);
}

/**
 * True when the differ matched assets by key alone: it then lists a single row of locations,
 * for the assets whose code location the inputs do not say.
 */
function matchedByKeyOnly(changeSet: ChangeSet): boolean {
  return (
    changeSet.locations.length > 0 && changeSet.locations.every((l) => l.codeLocation === null)
  );
}

function findInMergeBase(
  index: MergeBaseIndex,
  identity: Identity,
  byKeyOnly: boolean,
): Asset | null | undefined {
  const key = identity.path;
  const exact = index.byId.get(
    assetId({ key, codeLocation: identity.codeLocation, repository: identity.repository }),
  );
  if (exact !== undefined) return exact;
  let found: Asset | null | undefined;
  if (byKeyOnly || !index.withLocations) found = index.byKey.get(keyId(key));
  else if (identity.repository === null || !index.withRepositories) {
    found = index.byLocationKey.get(locationKeyId(identity.codeLocation, key));
  }
  // Absent from a location that did not load says nothing about the asset.
  if (found === undefined && identity.codeLocation !== null) {
    return index.notLoaded.has(identity.codeLocation) ? null : undefined;
  }
  return found;
}

/** The three versions of an asset a section is compared across. */
interface Versions {
  base: Asset | undefined;
  branch: Asset | undefined;
  mergeBase: Asset | null | undefined;
}

function label(change: AssetChange, lookup: Lookup, context: PolicyContext): AssetChange {
  // Labels an earlier run left are recomputed from what the asset is now.
  const { origin: _origin, origins: _origins, ...rest } = change;
  const types = allChangeTypes(change).sort(compareChangeTypes);
  if (types.length === 0) return rest;
  const atNewIdentity = lookup(change);
  const moved = types.includes("MOVED") ? change.movedFrom : undefined;
  const versions: Versions = {
    base: context.sideOf("base", moved ?? change),
    branch: context.sideOf("branch", change),
    mergeBase: atNewIdentity === undefined && moved !== undefined ? lookup(moved) : atNewIdentity,
  };
  const origins = types.map(
    (changeType): ChangeTypeOrigin => ({
      changeType,
      origin: originOf(changeType, atNewIdentity, versions, change.details),
    }),
  );
  return { ...rest, origin: worstOrigin(origins.map((o) => o.origin)), origins };
}

function originOf(
  changeType: ChangeType,
  atNewIdentity: Asset | null | undefined,
  versions: Versions,
  details: AssetChangeDetails,
): ChangeOrigin {
  const inMergeBase = atNewIdentity !== undefined && atNewIdentity !== null;
  switch (changeType) {
    case "NEW":
      return inMergeBase ? "drift" : "branch";
    case "REMOVED":
      return inMergeBase || atNewIdentity === null ? "branch" : "drift";
    case "MOVED":
      return inMergeBase ? "drift" : "branch";
    default:
      return sectionOrigin(changeType, versions, details);
  }
}

function sectionOrigin(
  changeType: SectionChangeType,
  { base, branch, mergeBase }: Versions,
  details: AssetChangeDetails,
): ChangeOrigin {
  if (base === undefined || branch === undefined || mergeBase === null) return "branch";
  if (mergeBase === undefined) return "conflict";
  const section: Section<SectionChangeType> = SECTIONS[changeType];
  const fields = section.fields.filter((f) => base[f] !== undefined && branch[f] !== undefined);
  if (fields.length === 0 || fields.some((f) => mergeBase[f] === undefined)) return "branch";
  const keyed = keyedOrigin(changeType, base, branch, mergeBase, details);
  if (keyed !== undefined) return keyed;
  const same = (a: Asset, b: Asset) => section.compare(a, b, fields) === undefined;
  return threeWay(same(mergeBase, branch), same(mergeBase, base));
}

/** The rule of one section (or one key of it), from whether the merge base equals each side. */
function threeWay(mergeBaseIsBranch: boolean, mergeBaseIsBase: boolean): ChangeOrigin {
  if (mergeBaseIsBranch) return "drift";
  return mergeBaseIsBase ? "branch" : "conflict";
}

function worstOrigin(origins: readonly ChangeOrigin[]): ChangeOrigin {
  return ORIGIN_PRECEDENCE.find((o) => origins.includes(o)) ?? "branch";
}

/**
 * How a section compared key by key is read: its entries, each entry's id (what the differ
 * matches by) and text (how the details list it), the keys the change lists, and whether two
 * versions of one entry (either absent) are equal as the differ compares them.
 */
interface KeyedSection<E> {
  entries: (asset: Asset) => readonly E[];
  id: (entry: E) => string;
  text: (entry: E) => string;
  listed: (details: AssetChangeDetails) => readonly string[] | undefined;
  same: (a: E | undefined, b: E | undefined) => boolean;
  /** True when the merge base's version of a changed entry cannot be compared. */
  unknown?: (mergeBase: E) => boolean;
}

/** An asset holding nothing but the given section, to compare single entries with the differ. */
function holder(section: Pick<Asset, "tags" | "metadata" | "dependencies">): Asset {
  return { key: [], codeLocation: null, repository: null, ...section };
}

const one = <E>(entry: E | undefined): E[] => (entry === undefined ? [] : [entry]);

const TAG_SECTION: KeyedSection<Tag> = {
  entries: (a) => a.tags ?? [],
  id: (t) => t.key,
  text: (t) => t.key,
  listed: (d) => d.tags && [...d.tags.addedKeys, ...d.tags.changedKeys, ...d.tags.removedKeys],
  same: (a, b) =>
    SECTIONS.TAGS.compare(holder({ tags: one(a) }), holder({ tags: one(b) }), ["tags"]) ===
    undefined,
};

const METADATA_SECTION: KeyedSection<MetadataEntry> = {
  entries: (a) => a.metadata ?? [],
  id: (e) => e.key,
  text: (e) => e.key,
  listed: (d) =>
    d.metadata && [...d.metadata.addedKeys, ...d.metadata.changedKeys, ...d.metadata.removedKeys],
  same: (a, b) =>
    SECTIONS.METADATA.compare(holder({ metadata: one(a) }), holder({ metadata: one(b) }), [
      "metadata",
    ]) === undefined,
};

const DEPENDENCY_SECTION: KeyedSection<AssetDependency> = {
  entries: (a) => a.dependencies ?? [],
  id: (d) => keyId(d.key),
  text: (d) => keyToString(d.key),
  // A changed parent set lists no changed keys; its partition-mapping changes are listed apart.
  listed: (d) =>
    d.dependencies && [
      ...d.dependencies.addedKeys,
      ...d.dependencies.changedKeys,
      ...d.dependencies.removedKeys,
      ...d.dependencies.partitionMappings.map((m) => m.key),
    ],
  same: (a, b) =>
    SECTIONS.DEPENDENCIES.compare(
      holder({ dependencies: one(a) }),
      holder({ dependencies: one(b) }),
      ["dependencies"],
    ) === undefined,
  // The differ skips a mapping a source did not carry: equal to it would mean nothing.
  unknown: (d) => d.partitionMapping === undefined,
};

function keyedOrigin(
  changeType: SectionChangeType,
  base: Asset,
  branch: Asset,
  mergeBase: Asset,
  details: AssetChangeDetails,
): ChangeOrigin | undefined {
  switch (changeType) {
    case "TAGS":
      return byKey(TAG_SECTION, base, branch, mergeBase, details);
    case "METADATA":
      return byKey(METADATA_SECTION, base, branch, mergeBase, details);
    case "DEPENDENCIES":
      return byKey(DEPENDENCY_SECTION, base, branch, mergeBase, details);
    default:
      return undefined;
  }
}

/**
 * The origin of a keyed section from its keys' origins, over the entries base and branch hold
 * differently that the details still list (all such entries when the details list none);
 * `undefined` when there is no such entry, so the whole section is compared instead.
 */
function byKey<E>(
  spec: KeyedSection<E>,
  base: Asset,
  branch: Asset,
  mergeBase: Asset,
  details: AssetChangeDetails,
): ChangeOrigin | undefined {
  const listedKeys = spec.listed(details);
  const listed = listedKeys === undefined ? undefined : new Set(listedKeys);
  const index = (asset: Asset) => new Map(spec.entries(asset).map((e) => [spec.id(e), e]));
  const before = index(base);
  const after = index(branch);
  const then = index(mergeBase);
  const origins = new Set<ChangeOrigin>();
  const visit = (id: string, entry: E) => {
    if (listed !== undefined && !listed.has(spec.text(entry))) return;
    const b = before.get(id);
    const r = after.get(id);
    if (spec.same(b, r)) return;
    const m = then.get(id);
    if (m !== undefined && b !== undefined && r !== undefined && spec.unknown?.(m)) {
      origins.add("branch");
      return;
    }
    origins.add(threeWay(spec.same(m, r), spec.same(m, b)));
  };
  for (const [id, entry] of after) visit(id, entry);
  for (const [id, entry] of before) if (!after.has(id)) visit(id, entry);
  return origins.size === 0 ? undefined : worstOrigin([...origins]);
}
