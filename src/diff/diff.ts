import { dequal } from "dequal/lite";
import { UsageError } from "../errors";
import type { Asset, AssetGraph, CodeLocation } from "../model/asset";
import { compareAssets, compareNullableStrings, keyId, keyToString } from "../model/key";
import { normalize } from "../normalize/normalize";
import {
  type AssetChange,
  type AssetChangeDetails,
  assetChangeKind,
  CHANGE_SET_FORMAT_VERSION,
  type ChangeSet,
  type ChangeSetInput,
  type Limitation,
  type LocationComparison,
} from "./change-set";
import {
  type ChangeTypeMode,
  DAGSTER_CHANGE_TYPES,
  type DagsterChangeType,
  EXTRA_CHANGE_TYPES,
  type ExtraChangeType,
  isDagsterChangeType,
} from "./change-types";
import {
  LEGACY_FIELDS,
  PARTITION_MAPPING_FIELD,
  partitionMappingsComparable,
  SECTION_FIELDS,
  SECTIONS,
  type SectionChangeType,
} from "./sections";

/** Options of {@link diffAssetGraphs} and {@link createDiffer}. */
export interface DiffOptions {
  /**
   * Compare only this code location, as Dagster's differ does. When the base lacks it, every
   * asset is NEW; when the branch lacks it, a {@link UsageError} is thrown.
   */
  codeLocation?: string;
  /** `all` (default): Dagster's seven change types plus the extra ones; `dagster`: exactly Dagster's. */
  changeTypes?: ChangeTypeMode;
  /** List unchanged assets too, with empty `changeTypes`. */
  includeUnchanged?: boolean;
  /**
   * What to do with a code location that is in the base but not in the branch. `skip` (default,
   * as Dagster, whose branch deployments often hold only the locations a pull request deploys):
   * list it in `locations` as `notInBranch` and leave its assets out; `removed`: report each of its
   * assets as REMOVED.
   */
  missingLocations?: "skip" | "removed";
}

/** A configured differ: `(base, branch, overrides?) => ChangeSet`. */
export type Differ = (base: AssetGraph, branch: AssetGraph, overrides?: DiffOptions) => ChangeSet;

/**
 * Makes a differ with default options; per-call options override them.
 *
 * @example
 * const dagsterDiff = createDiffer({ changeTypes: "dagster" });
 * const changes = dagsterDiff(prod, branch, { codeLocation: "analytics" });
 */
export function createDiffer(defaults: DiffOptions = {}): Differ {
  return (base, branch, overrides = {}) =>
    computeChangeSet(base, branch, { ...defaults, ...overrides });
}

/**
 * Computes what `branch` changes compared with `base`, per asset, with Dagster's change-tracking
 * semantics and asset-diff's value-level details. Linear in the size of the graphs.
 *
 * @example
 * const changes = diffAssetGraphs(prodGraph, branchGraph);
 * changes.assets.filter((a) => a.changeTypes.includes("CODE_VERSION"));
 */
export const diffAssetGraphs: Differ = createDiffer();

// --- internal ---

type Side = "base" | "branch";

const LOADED: CodeLocation["status"] = "loaded";

function computeChangeSet(
  baseInput: AssetGraph,
  branchInput: AssetGraph,
  options: DiffOptions,
): ChangeSet {
  const mode: ChangeTypeMode = options.changeTypes ?? "all";
  if (mode !== "all" && mode !== "dagster") {
    throw new UsageError(`changeTypes must be "dagster" or "all", not ${JSON.stringify(mode)}`);
  }
  const base = normalize(baseInput);
  const branch = normalize(branchInput);
  // A side that has assets but never says where they live is matched by key alone.
  const withLocations = !lacks(base, "codeLocation") && !lacks(branch, "codeLocation");
  const withRepositories = !lacks(base, "repository") && !lacks(branch, "repository");
  const identity = (a: Asset) =>
    identityText(
      withLocations ? a.codeLocation : null,
      withRepositories ? a.repository : null,
      keyId(a.key),
    );

  const scope = (graph: AssetGraph) =>
    options.codeLocation === undefined || !hasAny(graph, "codeLocation")
      ? graph.assets
      : graph.assets.filter((a) => a.codeLocation === options.codeLocation);
  const baseAssets = scope(base);
  const branchAssets = scope(branch);
  if (options.codeLocation !== undefined && hasAny(branch, "codeLocation")) {
    const known =
      branchAssets.length > 0 || branch.codeLocations?.some((l) => l.name === options.codeLocation);
    if (!known) {
      const names = [
        ...new Set(branch.assets.map((a) => a.codeLocation).filter((n) => n !== null)),
      ].sort();
      throw new UsageError(
        `code location ${JSON.stringify(options.codeLocation)} is not in the branch; it has ${names.length ? names.map((n) => JSON.stringify(n)).join(", ") : "no code locations"}`,
      );
    }
  }

  const missing = options.missingLocations ?? "skip";
  if (missing !== "skip" && missing !== "removed") {
    throw new UsageError(
      `missingLocations must be "skip" or "removed", not ${JSON.stringify(missing)}`,
    );
  }
  const locations = compareLocations(
    base,
    branch,
    baseAssets,
    branchAssets,
    withLocations,
    missing,
  ).filter(
    (l) =>
      options.codeLocation === undefined ||
      l.codeLocation === options.codeLocation ||
      !withLocations,
  );
  const comparedLocation = new Map(locations.map((l) => [l.codeLocation, l.status]));
  const isCompared = (asset: Asset, side: Side) => {
    if (!withLocations) return true;
    const status = comparedLocation.get(asset.codeLocation);
    return (
      status === "compared" ||
      (side === "branch" && status === "new") ||
      (side === "base" && status === "removed")
    );
  };

  const limitations = new LimitationCounter();
  const changes: AssetChange[] = [];
  let unchanged = 0;
  const baseById = indexBy(
    baseAssets.filter((a) => isCompared(a, "base")),
    identity,
    "base",
  );
  if (!withLocations || !withRepositories) indexBy(branchAssets, identity, "branch");

  for (const asset of branchAssets) {
    if (!isCompared(asset, "branch")) continue;
    const id = identity(asset);
    const before = baseById.get(id);
    if (before === undefined) {
      changes.push(entry(asset, ["NEW"], mode, {}));
      continue;
    }
    baseById.delete(id);
    const change = compareAsset(before, asset, mode, limitations);
    if (change !== undefined) changes.push(change);
    else {
      unchanged++;
      if (options.includeUnchanged) changes.push(entry(asset, [], mode, {}));
    }
  }
  for (const asset of baseById.values()) changes.push(entry(asset, ["REMOVED"], mode, {}));

  changes.sort(compareAssetChanges);
  return {
    formatVersion: CHANGE_SET_FORMAT_VERSION,
    options: {
      changeTypes: mode,
      codeLocation: options.codeLocation ?? null,
      includeUnchanged: options.includeUnchanged ?? false,
      missingLocations: missing,
    },
    base: inputSummary(base),
    branch: inputSummary(branch),
    summary: summarize(changes, unchanged, mode),
    locations,
    limitations: limitations.list(mode),
    assets: changes,
  };
}

function compareAsset(
  base: Asset,
  branch: Asset,
  mode: ChangeTypeMode,
  limitations: LimitationCounter,
): AssetChange | undefined {
  limitations.record(base, branch);
  // Most assets do not change: one deep-equality check settles them.
  if (dequal(base, branch)) return undefined;
  const changeTypes: DagsterChangeType[] = [];
  const extraChangeTypes: ExtraChangeType[] = [];
  const details: AssetChangeDetails = {};
  for (const [type, allFields] of SECTION_LIST) {
    if (mode === "dagster" && !isDagsterChangeType(type)) continue;
    const fields = allFields.filter((f) => base[f] !== undefined && branch[f] !== undefined);
    if (fields.length === 0) continue;
    const section = SECTIONS[type];
    const result = section.compare(base, branch, fields);
    if (result === undefined) continue;
    (details as Record<string, unknown>)[section.details] = result;
    if (isDagsterChangeType(type)) changeTypes.push(type);
    else extraChangeTypes.push(type);
  }
  // Differences only in fields not compared (or only extra types in dagster mode) are no change.
  if (changeTypes.length === 0 && extraChangeTypes.length === 0) return undefined;
  return entry(branch, changeTypes, mode, details, extraChangeTypes);
}

function entry(
  asset: Asset,
  changeTypes: DagsterChangeType[],
  mode: ChangeTypeMode,
  details: AssetChangeDetails,
  extraChangeTypes: ExtraChangeType[] = [],
): AssetChange {
  const change: AssetChange = {
    key: keyToString(asset.key),
    path: asset.key,
    codeLocation: asset.codeLocation,
    repository: asset.repository,
    changeTypes: changeTypes.sort(),
    ...(mode === "all" ? { extraChangeTypes: extraChangeTypes.sort() } : {}),
    details,
  };
  return change;
}

/** An unambiguous identity string (lengths make any separator safe). */
function identityText(location: string | null, repository: string | null, key: string): string {
  const part = (s: string | null) => (s === null ? "-" : `${s.length}:${s}`);
  return `${part(location)}|${part(repository)}|${key}`;
}

/** Every compared change type with its fields, in a fixed order. */
const SECTION_LIST = Object.entries(SECTION_FIELDS) as [
  SectionChangeType,
  readonly (keyof Asset)[],
][];

/** Counts, per change type and field, the compared assets where an input lacks the field. */
class LimitationCounter {
  private readonly counts = new Map<string, Limitation>();

  /** Records, for one compared pair, every field an input lacks. */
  record(base: Asset, branch: Asset): void {
    for (const [type, fields] of SECTION_LIST) {
      for (const field of fields) {
        const inBase = base[field] !== undefined;
        const inBranch = branch[field] !== undefined;
        if (inBase && inBranch) continue;
        if (inBase || inBranch || !LEGACY_FIELDS.has(field)) {
          this.add(type, field, inBase ? "branch" : inBranch ? "base" : "both");
        }
      }
    }
    if (base.dependencies !== undefined && branch.dependencies !== undefined) {
      if (!partitionMappingsComparable(base.dependencies, branch.dependencies)) {
        const baseLacks = base.dependencies.some((d) => d.partitionMapping === undefined);
        const branchLacks = branch.dependencies.some((d) => d.partitionMapping === undefined);
        this.add(
          "DEPENDENCIES",
          PARTITION_MAPPING_FIELD,
          baseLacks && branchLacks ? "both" : baseLacks ? "base" : "branch",
        );
      }
    }
  }

  private add(changeType: SectionChangeType, field: string, side: Limitation["side"]): void {
    const key = `${changeType}\u0000${field}\u0000${side}`;
    const existing = this.counts.get(key);
    if (existing) existing.assets++;
    else this.counts.set(key, { changeType, field, side, assets: 1 });
  }

  list(mode: ChangeTypeMode): Limitation[] {
    return [...this.counts.values()]
      .filter((l) => mode === "all" || isDagsterChangeType(l.changeType))
      .sort(
        (a, b) =>
          changeTypeOrder(a.changeType) - changeTypeOrder(b.changeType) ||
          compareNullableStrings(a.field, b.field) ||
          compareNullableStrings(a.side, b.side),
      );
  }
}

function changeTypeOrder(type: string): number {
  const dagster = (DAGSTER_CHANGE_TYPES as readonly string[]).indexOf(type);
  return dagster >= 0
    ? dagster
    : DAGSTER_CHANGE_TYPES.length + (EXTRA_CHANGE_TYPES as readonly string[]).indexOf(type);
}

function compareLocations(
  base: AssetGraph,
  branch: AssetGraph,
  baseAssets: readonly Asset[],
  branchAssets: readonly Asset[],
  withLocations: boolean,
  missing: "skip" | "removed",
): LocationComparison[] {
  if (!withLocations) {
    const row: LocationComparison = {
      codeLocation: null,
      status: "compared",
      baseAssets: baseAssets.length,
      branchAssets: branchAssets.length,
    };
    const located = hasAny(base, "codeLocation")
      ? "base"
      : hasAny(branch, "codeLocation")
        ? "branch"
        : undefined;
    if (located !== undefined) {
      const other = located === "base" ? "branch" : "base";
      row.message = `matched by key alone: the ${other} input does not say which code location its assets are in`;
    }
    return [row];
  }
  const count = (assets: readonly Asset[]) => {
    const counts = new Map<string | null, number>();
    for (const a of assets) counts.set(a.codeLocation, (counts.get(a.codeLocation) ?? 0) + 1);
    return counts;
  };
  const baseCounts = count(baseAssets);
  const branchCounts = count(branchAssets);
  const baseStatus = new Map((base.codeLocations ?? []).map((l) => [l.name as string | null, l]));
  const branchStatus = new Map(
    (branch.codeLocations ?? []).map((l) => [l.name as string | null, l]),
  );
  const scoped = (name: string | null) => baseCounts.has(name) || branchCounts.has(name);
  const names = new Set<string | null>([...baseCounts.keys(), ...branchCounts.keys()]);
  for (const name of [...baseStatus.keys(), ...branchStatus.keys()]) {
    if (
      scoped(name) ||
      (baseStatus.get(name)?.status ?? LOADED) !== LOADED ||
      (branchStatus.get(name)?.status ?? LOADED) !== LOADED
    ) {
      names.add(name);
    }
  }
  const present = (
    side: Map<string | null, CodeLocation>,
    counts: Map<string | null, number>,
    name: string | null,
  ) => side.get(name) ?? (counts.has(name) ? { name: name ?? "", status: LOADED } : undefined);

  return [...names]
    .sort(compareNullableStrings)
    .map((name): LocationComparison => {
      const inBase = present(baseStatus, baseCounts, name);
      const inBranch = present(branchStatus, branchCounts, name);
      const row = (status: LocationComparison["status"], message?: string): LocationComparison => {
        const out: LocationComparison = {
          codeLocation: name,
          status,
          baseAssets: baseCounts.get(name) ?? 0,
          branchAssets: branchCounts.get(name) ?? 0,
        };
        if (message !== undefined) out.message = message;
        return out;
      };
      if (inBranch === undefined) {
        return missing === "removed"
          ? row("removed")
          : row(
              "notInBranch",
              "not in the branch; not compared, as Dagster compares the branch's code locations only",
            );
      }
      if (inBranch.status !== LOADED)
        return row("notLoadedInBranch", loadMessage("branch", inBranch));
      if (inBase === undefined) return row("new");
      if (inBase.status !== LOADED) return row("notLoadedInBase", loadMessage("base", inBase));
      return row("compared");
    })
    .filter((l) => l.baseAssets + l.branchAssets > 0 || l.status !== "compared");
}

function loadMessage(side: Side, location: CodeLocation): string {
  if (location.status === "loading") return `still loading in the ${side}; its assets are unknown`;
  const { error } = location;
  if (error === undefined) return `failed to load in the ${side}`;
  const message = firstLine(error.message);
  // Dagster's messages usually start with the class name already.
  const prefix =
    error.className && !message.startsWith(error.className) ? `${error.className}: ` : "";
  return `failed to load in the ${side}: ${prefix}${message}`;
}

function firstLine(text: string): string {
  const line = text.split("\n", 1)[0] ?? "";
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

/** True when a graph has assets but none says which code location (or repository) it is in. */
function lacks(graph: AssetGraph, field: "codeLocation" | "repository"): boolean {
  return graph.assets.length > 0 && !hasAny(graph, field);
}

/** Indexes assets by identity; two assets on one side with one identity make the match ambiguous. */
function indexBy(
  assets: readonly Asset[],
  identity: (a: Asset) => string,
  side: Side,
): Map<string, Asset> {
  const index = new Map<string, Asset>();
  for (const asset of assets) {
    const id = identity(asset);
    const other = index.get(id);
    if (other !== undefined) {
      const where = (a: Asset) =>
        JSON.stringify([a.codeLocation, a.repository].filter((x) => x !== null).join("/"));
      throw new UsageError(
        `one input does not say which code location or repository its assets are in, so assets are matched by key; but the ${side} defines ${JSON.stringify(keyToString(asset.key))} twice (in ${where(other)} and ${where(asset)}): compare one code location at a time`,
      );
    }
    index.set(id, asset);
  }
  return index;
}

function hasAny(graph: AssetGraph, field: "codeLocation" | "repository"): boolean {
  return (
    graph.assets.some((a) => a[field] !== null) ||
    (field === "codeLocation" && (graph.codeLocations?.length ?? 0) > 0)
  );
}

function inputSummary(graph: AssetGraph): ChangeSetInput {
  return { source: graph.source ?? null, assets: graph.assets.length };
}

function summarize(
  changes: readonly AssetChange[],
  unchanged: number,
  mode: ChangeTypeMode,
): ChangeSet["summary"] {
  const changeTypes = Object.fromEntries(DAGSTER_CHANGE_TYPES.map((t) => [t, 0])) as Record<
    DagsterChangeType,
    number
  >;
  const extra = Object.fromEntries(EXTRA_CHANGE_TYPES.map((t) => [t, 0])) as Record<
    ExtraChangeType,
    number
  >;
  const assets = { new: 0, removed: 0, modified: 0, unchanged };
  for (const change of changes) {
    for (const t of change.changeTypes) changeTypes[t]++;
    for (const t of change.extraChangeTypes ?? []) extra[t]++;
    const kind = assetChangeKind(change);
    if (kind === "new") assets.new++;
    else if (kind === "removed") assets.removed++;
    else if (kind === "modified") assets.modified++;
  }
  const summary: ChangeSet["summary"] = { assets, changeTypes };
  if (mode === "all") summary.extraChangeTypes = extra;
  return summary;
}

function compareAssetChanges(a: AssetChange, b: AssetChange): number {
  return compareAssets(
    { key: a.path, codeLocation: a.codeLocation, repository: a.repository },
    { key: b.path, codeLocation: b.codeLocation, repository: b.repository },
  );
}
