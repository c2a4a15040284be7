import type {
  AssetCheck,
  AssetOwner,
  AutoMaterializePolicy,
  AutomationCondition,
  BackfillPolicy,
  FreshnessPolicy,
  GraphSource,
  LegacyFreshnessPolicy,
  PartitionMapping,
  PartitionsDefinition,
} from "../model/asset";
import type { JsonValue } from "../model/json";
import type { MetadataValue } from "../model/metadata";
import type {
  ChangeType,
  ChangeTypeMode,
  DagsterChangeType,
  ExtraChangeType,
} from "./change-types";
import type {
  ChangeOrigin,
  ImpactReason,
  ImpactSeverity,
  Severity,
  SeverityReason,
} from "./verdicts";

/**
 * The change-set format version this release writes. Version 2 added what the policy steps
 * decide: `severity` and `reasons` per asset, `suppressed`, `staleApprovals` and their counts.
 * Version 3 added impact (`impacted`, `graphIssues`), column changes, partition keys, moves
 * (`MOVED`, `movedFrom`, `probableMoves`) and three-way origins (`origin`, `mergeBase`).
 * Version 4 added asset checks: the `CHECKS` change type and its `details.checks`.
 */
export const CHANGE_SET_FORMAT_VERSION = 4 as const;

/** Old and new value of a changed field (Dagster's `ValueDiff`). */
export interface ValueChange<T> {
  old: T;
  new: T;
}

/** Keys only in the branch, in both with different values, and only in the base (Dagster's `DictDiff`); each list sorted. */
export interface KeysChange {
  addedKeys: string[];
  changedKeys: string[];
  removedKeys: string[];
}

/** The kinds of difference inside a structured value, as microdiff names them. */
export const PATH_CHANGE_TYPES = ["CREATE", "REMOVE", "CHANGE"] as const;

/** One difference inside a structured value, as microdiff reports it. */
export interface PathChange {
  type: (typeof PATH_CHANGE_TYPES)[number];
  path: (string | number)[];
  oldValue?: JsonValue;
  value?: JsonValue;
}

/** A partition mapping that differs on an upstream present in both graphs. */
export interface PartitionMappingChange {
  /** The upstream key, `/`-joined. */
  key: string;
  path: string[];
  old: PartitionMapping | null;
  new: PartitionMapping | null;
}

/**
 * DEPENDENCIES details. When the parent set changed, `addedKeys`/`removedKeys` hold the
 * difference and `changedKeys` is empty (as in Dagster); when only partition mappings changed,
 * `changedKeys` names every such parent (Dagster+ shows one). `partitionMappings` always lists
 * each mapping change with its old and new value.
 */
export interface DependenciesDetails extends KeysChange {
  partitionMappings: PartitionMappingChange[];
}

/** Old and new value of one tag; `null` where the tag is absent. */
export interface TagValueChange {
  key: string;
  old: string | null;
  new: string | null;
}

/** Columns of a table schema that were added, removed or changed (by column name). */
export interface ColumnChanges {
  addedColumns: string[];
  removedColumns: string[];
  changedColumns: string[];
}

/**
 * Old and new value of one metadata entry; `null` where absent. Structured values of the same
 * type also carry `changes` (paths inside the value) and, for table schemas, `columns`.
 */
export interface MetadataValueChange {
  key: string;
  old: MetadataValue | null;
  new: MetadataValue | null;
  changes?: PathChange[];
  columns?: ColumnChanges;
}

/** TAGS details: Dagster's key lists plus each value. */
export interface TagsDetails extends KeysChange {
  values: TagValueChange[];
}

/** METADATA details: Dagster's key lists plus each typed value. */
export interface MetadataDetails extends KeysChange {
  values: MetadataValueChange[];
}

/** The fields of an asset check that the differ compares; the single source for {@link CheckField}. */
export const CHECK_FIELDS = [
  "blocking",
  "description",
  "additionalAssetKeys",
  "automationCondition",
] as const;

/** A compared field of an asset check. */
export type CheckField = (typeof CHECK_FIELDS)[number];

/**
 * One asset check that was added, removed or changed; `null` where it is absent. A changed check
 * names its changed `fields` (those known on both sides), in {@link CHECK_FIELDS} order.
 */
export interface CheckChange {
  name: string;
  old: AssetCheck | null;
  new: AssetCheck | null;
  fields?: CheckField[];
}

/** CHECKS details: check names added, changed and removed, plus each check's old and new value. */
export interface ChecksDetails extends KeysChange {
  values: CheckChange[];
}

/** PARTITIONS_DEFINITION details: Dagster's class names plus both definitions. */
export interface PartitionsDefinitionDetails extends ValueChange<string | null> {
  oldDefinition: PartitionsDefinition | null;
  newDefinition: PartitionsDefinition | null;
}

/** A list-valued field's old and new value, with what was added and removed. */
export interface ListChange<T> extends ValueChange<T[]> {
  added: T[];
  removed: T[];
}

/** The automation settings compared for AUTOMATION_CONDITION (those known on both sides). */
export interface AutomationSettings {
  automationCondition?: AutomationCondition | null;
  autoMaterializePolicy?: AutoMaterializePolicy | null;
}

/** The freshness settings compared for FRESHNESS_POLICY (those known on both sides). */
export interface FreshnessSettings {
  freshnessPolicy?: FreshnessPolicy | null;
  legacyFreshnessPolicy?: LegacyFreshnessPolicy | null;
}

/** The execution flags compared for EXECUTION_TYPE (those known on both sides). */
export interface ExecutionFlags {
  isExecutable?: boolean;
  isMaterializable?: boolean;
  isObservable?: boolean;
}

/** Details of an asset's changes; a member exists exactly when its change type is reported. */
export interface AssetChangeDetails {
  codeVersion?: ValueChange<string | null>;
  dependencies?: DependenciesDetails;
  partitionsDefinition?: PartitionsDefinitionDetails;
  tags?: TagsDetails;
  metadata?: MetadataDetails;
  group?: ValueChange<string | null>;
  owners?: ListChange<AssetOwner>;
  description?: ValueChange<string | null>;
  kinds?: ListChange<string>;
  automationCondition?: ValueChange<AutomationSettings>;
  freshnessPolicy?: ValueChange<FreshnessSettings>;
  backfillPolicy?: ValueChange<BackfillPolicy | null>;
  executionType?: ValueChange<ExecutionFlags>;
  checks?: ChecksDetails;
}

/** One asset in a change set. */
export interface AssetChange {
  /** The key, `/`-joined. */
  key: string;
  /** The key path. */
  path: string[];
  codeLocation: string | null;
  repository: string | null;
  /** Dagster's change types, sorted; empty for an unchanged asset. */
  changeTypes: DagsterChangeType[];
  /** asset-diff's extra change types, sorted; present only in `all` mode. */
  extraChangeTypes?: ExtraChangeType[];
  details: AssetChangeDetails;
  /** The worst severity of its changes; present once the severity policy ran. */
  severity?: Severity;
  /**
   * What the policies decided about each change type present (Dagster's, then the extra ones, in
   * `CHANGE_TYPES` order); present once the severity policy ran.
   */
  reasons?: ChangeVerdict[];
  /** Direct neighbours, added by the `withLineage` policy (reports that draw lineage use it). */
  lineage?: AssetLineage;
  /** Column-level changes of its table schema, each with its severity (the columns policy). */
  columns?: ColumnChange[];
  /** The partition keys a PARTITIONS_DEFINITION change adds and removes (the partition-keys policy). */
  partitionKeys?: PartitionKeysChange;
  /** For a MOVED asset: where it was before (a declared move). */
  movedFrom?: AssetIdentity;
  /**
   * Upstream dependencies whose only change is that the upstream asset moved: the old key was
   * removed and the new one added (the moves policy).
   */
  movedDependencies?: MovedDependency[];
  /** In a three-way comparison: where its changes come from, the worst of `origins`. */
  origin?: ChangeOrigin;
  /** In a three-way comparison: where each change type comes from, in `CHANGE_TYPES` order. */
  origins?: ChangeTypeOrigin[];
}

/** An asset's identity: its key (`/`-joined and as a path), code location and repository. */
export interface AssetIdentity {
  key: string;
  path: string[];
  codeLocation: string | null;
  repository: string | null;
}

/**
 * What changed about one column (or, with `column: null`, the table's own constraints); the
 * single source for {@link ColumnChangeKind}.
 */
export const COLUMN_CHANGE_KINDS = [
  "added",
  "removed",
  "retyped",
  "nullability",
  "uniqueness",
  "constraints",
  "description",
  "tags",
  "lineage",
] as const;

/** See {@link COLUMN_CHANGE_KINDS}. */
export type ColumnChangeKind = (typeof COLUMN_CHANGE_KINDS)[number];

/**
 * One column-level change, from `dagster/column_schema` (and `dagster/column_lineage` for
 * `lineage`). `old` and `new` are the changed value (the type, nullability, constraint list,
 * description, tags, or the column's upstream columns), `null` where absent.
 */
export interface ColumnChange {
  /** The column's name; `null` for the table's own constraints. */
  column: string | null;
  change: ColumnChangeKind;
  old: JsonValue;
  new: JsonValue;
  severity: Severity;
  reason: SeverityReason;
}

/** Partition keys on one side of a change: how many, the first and last, and (when few) all. */
export interface PartitionKeyRange {
  count: number;
  first: string | null;
  last: string | null;
  /** Every key, in partition order, when there are at most a few hundred; else absent. */
  keys?: string[];
}

/**
 * The partition keys a PARTITIONS_DEFINITION change adds and removes, where they can be listed:
 * static definitions exactly, time windows up to `asOf`, multi-partitions per dimension. A
 * definition whose keys cannot be listed (dynamic, unknown, or a description this version cannot
 * read) has `enumerable: false` and a `note` saying why.
 */
export interface PartitionKeysChange {
  enumerable: boolean;
  /** Why the keys could not be listed, or what was assumed. */
  note?: string;
  /** The reference time time-window keys were listed up to (ISO 8601), else `null`. */
  asOf: string | null;
  added: PartitionKeyRange;
  removed: PartitionKeyRange;
  /** A multi-partitions definition: the same per dimension, in dimension order. */
  dimensions?: DimensionPartitionKeysChange[];
}

/** The partition keys one dimension of a multi-partitions definition adds and removes. */
export interface DimensionPartitionKeysChange {
  name: string;
  enumerable: boolean;
  note?: string;
  added: PartitionKeyRange;
  removed: PartitionKeyRange;
}

/** An upstream dependency renamed by a move: `from` and `to` are `/`-joined keys. */
export interface MovedDependency {
  from: string;
  to: string;
  /** True for a declared move (`moves` in the configuration), false for a probable one. */
  declared: boolean;
}

/** The single source for {@link MoveEvidence}: what makes a REMOVED and a NEW asset a probable move. */
export const MOVE_EVIDENCE = {
  SAME_CODE_VERSION: "the same code version",
  SAME_DEPENDENCIES: "the same upstream dependencies (after renames)",
  SAME_DEPENDENTS: "the same downstream assets, which switched from the old key to the new",
  SAME_PARTITIONS: "the same partitions definition",
  SAME_METADATA: "the same metadata, apart from key-derived entries",
  SAME_TAGS: "the same tags",
  SAME_KINDS: "the same kinds",
  SAME_GROUP: "the same group",
  SAME_DESCRIPTION: "the same description",
  SIMILAR_KEY: "a similar key",
} as const;

/** See {@link MOVE_EVIDENCE}. */
export type MoveEvidence = keyof typeof MOVE_EVIDENCE;

/**
 * A REMOVED and a NEW asset whose definitions match apart from the key: probably a rename. Both
 * changes stay in `assets`, with their severity; this only explains them.
 */
export interface ProbableMove {
  from: AssetIdentity;
  to: AssetIdentity;
  evidence: MoveEvidence[];
  /** How alike the two definitions are, from 0 to 1 (see docs/semantics.md). */
  similarity: number;
}

/** Where one change type of an asset comes from in a three-way comparison. */
export interface ChangeTypeOrigin {
  changeType: ChangeType;
  origin: ChangeOrigin;
}

/**
 * An asset downstream of a directly changed one, that is not changed itself. `via` names the
 * nearest changed ancestors (`/`-joined keys, sorted), `distance` the hops to them (at least 1),
 * and `route` the chain of changed ancestors that reaches it.
 */
export interface ImpactedAsset extends AssetIdentity {
  via: string[];
  distance: number;
  /**
   * The chain of directly changed ancestors that reaches this asset (`/`-joined keys): the root
   * cause first and the nearest (a member of `via`) last, each reaching the next through unchanged
   * assets only; the asset itself is not in it. Capped to the 10 nearest, so the JSON stays linear
   * in size; where there is a choice, it follows the worst change. When the cap cuts the chain
   * short of the changed asset whose change decided the severity, that one comes first, before the
   * 9 nearest.
   */
  route: string[];
  severity: ImpactSeverity;
  reason: ImpactReason;
  /** The reason as text, naming the deciding ancestor. */
  message: string;
  /** Its columns that read an upstream column that was removed or retyped. */
  columns?: ImpactedColumn[];
}

/** A column of an impacted asset whose upstream column was removed or retyped. */
export interface ImpactedColumn {
  column: string;
  upstream: { key: string; column: string; change: "removed" | "retyped" };
}

/** The kinds of graph oddity the impact traversal reports; the single source for {@link GraphIssue}. */
export const GRAPH_ISSUE_KINDS = ["cycle", "self-dependency", "dangling-dependency"] as const;

/**
 * A graph oddity met while walking downstream: a cycle (`keys`: the members of a strongly
 * connected component, sorted), a self-dependency (`keys`: the asset) or a dependency of the
 * branch on a key the branch no longer defines because this change set removed it
 * (`keys`: the missing key, then its dependents, sorted). Keys neither graph defines (references
 * to other code locations) are not reported. None stops the traversal.
 */
export interface GraphIssue {
  kind: (typeof GRAPH_ISSUE_KINDS)[number];
  side: "base" | "branch";
  keys: string[];
}

/** An approval that matched a change: who approved it and why, as the approvals file says. */
export interface ApprovalMark {
  by: string | null;
  reason: string | null;
}

/** What the policies decided about one change type of an asset. */
export interface ChangeVerdict {
  changeType: ChangeType;
  /**
   * The change's stable id: a fingerprint of the asset's identity, the change type and its old
   * and new values, so the same change has the same id on every run and machine.
   */
  id: string;
  severity: Severity;
  /** Why it has that severity. */
  reason: SeverityReason;
  /** The reason as text: the reason's own, or a configuration rule's `reason`. */
  message: string;
  /** Present when an approval matches `id`; an approved change does not trip `--fail-on`. */
  approved?: ApprovalMark;
}

/**
 * A change a rule suppressed: kept here, never lost, instead of in `assets`. `keys` names the tag
 * or metadata keys concerned; it is empty when the whole change type was suppressed.
 */
export interface SuppressedChange {
  key: string;
  path: string[];
  codeLocation: string | null;
  repository: string | null;
  changeType: ChangeType;
  keys: string[];
  /** The rule: a default rule's id (see `DEFAULT_RULES`), `substitutions`, or an ignore rule's id. */
  rule: string;
  /** Why the rule suppresses it. */
  reason: string;
}

/**
 * An approval whose asset and change type still change, but with other values than were
 * approved: it no longer applies, and the report says so.
 */
export interface StaleApproval {
  /** The approved id, from the approvals file. */
  id: string;
  /** The id of the change as it is now. */
  currentId: string;
  key: string;
  codeLocation: string | null;
  repository: string | null;
  changeType: ChangeType;
  by: string | null;
  reason: string | null;
}

/** An asset's direct neighbours: keys (`/`-joined, sorted) it depends on and that depend on it. */
export interface AssetLineage {
  upstream: string[];
  downstream: string[];
}

/**
 * What a comparison does with a code location that is in the base but not in the branch: `skip`
 * it (as Dagster does) or report its assets as `removed`. The single source for
 * {@link MissingLocationsMode}.
 */
export const MISSING_LOCATIONS_MODES = ["skip", "removed"] as const;

/** See {@link MISSING_LOCATIONS_MODES}. */
export type MissingLocationsMode = (typeof MISSING_LOCATIONS_MODES)[number];

/**
 * How a code location was compared; the single source for {@link LocationStatus}. `compared`: in
 * both; `new`: only in the branch (all its assets are NEW); `notInBranch`: only in the base and not
 * compared, as Dagster compares the branch's locations only; `removed`: only in the base, its
 * assets reported REMOVED (option `missingLocations: "removed"`); `notLoadedInBase` /
 * `notLoadedInBranch`: failed or still loading there, so not compared.
 */
export const LOCATION_STATUSES = [
  "compared",
  "new",
  "removed",
  "notInBranch",
  "notLoadedInBase",
  "notLoadedInBranch",
] as const;

/** See {@link LOCATION_STATUSES}. */
export type LocationStatus = (typeof LOCATION_STATUSES)[number];

/**
 * The code locations of the branch that did not load (failed, or still loading): their assets
 * are unknown, so the change set says nothing about them, not that they are unchanged.
 *
 * @example
 * branchLocationsNotLoaded(changeSet).map((l) => l.codeLocation); // ["ingestion"]
 */
export function branchLocationsNotLoaded(
  changeSet: Pick<ChangeSet, "locations">,
): LocationComparison[] {
  return changeSet.locations.filter((l) => l.status === "notLoadedInBranch");
}

/** The sides of a comparison; `both` where a field is missing from each. */
export const LIMITATION_SIDES = ["base", "branch", "both"] as const;

/** How one code location was compared. */
export interface LocationComparison {
  /** The code location, or `null` for assets whose location the inputs do not say. */
  codeLocation: string | null;
  /** See {@link LOCATION_STATUSES}. */
  status: LocationStatus;
  baseAssets: number;
  branchAssets: number;
  /** Why it was not compared, e.g. the load error. */
  message?: string;
}

/** A field that could not be compared because an input does not carry it. */
export interface Limitation {
  changeType: DagsterChangeType | ExtraChangeType;
  /** The model field, e.g. `codeVersion` or `dependencies[].partitionMapping`. */
  field: string;
  /** Which input lacks it. */
  side: (typeof LIMITATION_SIDES)[number];
  /** How many compared assets it affected. */
  assets: number;
}

/** Counts of a change set. */
export interface ChangeSummary {
  /**
   * Assets by kind. `moved` (present once the moves policy ran, or when there is one) counts MOVED
   * assets; each pairs two compared identities, the old and the new.
   */
  assets: { new: number; removed: number; modified: number; unchanged: number; moved?: number };
  changeTypes: Record<DagsterChangeType, number>;
  /** Present only in `all` mode. */
  extraChangeTypes?: Record<ExtraChangeType, number>;
  /** Changes in `suppressed`. */
  suppressed: number;
  /** Listed assets by their worst severity; present once the severity policy ran. */
  severity?: Record<Severity, number>;
  /** Changes an approval matched; present once approvals were applied. */
  approved?: number;
  /** Entries of `impacted`; present once the impact policy ran. */
  impacted?: number;
  /** Entries of `impacted` by severity; present once the impact policy ran. */
  impactSeverity?: Record<ImpactSeverity, number>;
  /** Listed assets by origin; present in a three-way comparison. */
  origins?: Record<ChangeOrigin, number>;
}

/** One side of a comparison. */
export interface ChangeSetInput {
  source: GraphSource | null;
  /** Assets in the input (before scoping to a code location). */
  assets: number;
}

/** The options a change set was computed with. */
export interface ChangeSetOptions {
  changeTypes: ChangeTypeMode;
  codeLocation: string | null;
  includeUnchanged: boolean;
  missingLocations: MissingLocationsMode;
}

/**
 * The change set: what a branch changes compared with the base, per asset. It is plain JSON,
 * versioned and documented in `docs/change-set.md`, so it can be stored and re-rendered.
 */
export interface ChangeSet {
  formatVersion: typeof CHANGE_SET_FORMAT_VERSION;
  options: ChangeSetOptions;
  base: ChangeSetInput;
  branch: ChangeSetInput;
  summary: ChangeSummary;
  locations: LocationComparison[];
  limitations: Limitation[];
  /** Changed assets (all compared assets with `includeUnchanged`), sorted by key, location, repository. */
  assets: AssetChange[];
  /** Changes rules suppressed, sorted like `assets`, then by change type. */
  suppressed: SuppressedChange[];
  /** Approvals that no longer match their change; present once approvals were applied. */
  staleApprovals?: StaleApproval[];
  /** Assets downstream of a changed asset and not changed themselves; once the impact policy ran. */
  impacted?: ImpactedAsset[];
  /** Cycles, self-dependencies and dangling dependencies the impact traversal met. */
  graphIssues?: GraphIssue[];
  /** REMOVED and NEW assets that are probably one asset renamed; once the moves policy ran. */
  probableMoves?: ProbableMove[];
  /** Production at the branch's merge base, in a three-way comparison. */
  mergeBase?: ChangeSetInput;
}

/**
 * Every change type of a listed asset: Dagster's (sorted), then the extra ones (sorted).
 *
 * @example
 * allChangeTypes({ changeTypes: ["TAGS"], extraChangeTypes: ["OWNERS"] }); // ["TAGS", "OWNERS"]
 */
export function allChangeTypes(
  asset: Pick<AssetChange, "changeTypes" | "extraChangeTypes">,
): ChangeType[] {
  return [...asset.changeTypes, ...(asset.extraChangeTypes ?? [])];
}

/** The kinds of asset a change set lists; the single source for {@link AssetChangeKind}. */
export const ASSET_CHANGE_KINDS = ["new", "removed", "moved", "modified", "unchanged"] as const;

/** Whether a listed asset is new, removed, modified or unchanged. */
export type AssetChangeKind = (typeof ASSET_CHANGE_KINDS)[number];

/**
 * Whether an asset of a change set is new, removed, moved (MOVED), modified (any other change
 * type, Dagster's or extra) or unchanged (listed with `includeUnchanged`).
 *
 * @example
 * changeSet.assets.filter((a) => assetChangeKind(a) === "modified");
 */
export function assetChangeKind(
  asset: Pick<AssetChange, "changeTypes" | "extraChangeTypes">,
): AssetChangeKind {
  if (asset.changeTypes.includes("NEW")) return "new";
  if (asset.changeTypes.includes("REMOVED")) return "removed";
  if (asset.extraChangeTypes?.includes("MOVED")) return "moved";
  return asset.changeTypes.length > 0 || (asset.extraChangeTypes?.length ?? 0) > 0
    ? "modified"
    : "unchanged";
}
