import microdiff from "microdiff";
import type { Asset, AssetCheck, AssetDependency } from "../model/asset";
import { PARTITIONS_DEFINITION_CLASS_NAMES } from "../model/asset";
import { type JsonValue, sameData } from "../model/json";
import { compareStrings, keyId, keyToString, ownerKey } from "../model/key";
import type { MetadataEntry, MetadataValue, TableSchema, Tag } from "../model/metadata";
import {
  type AssetChangeDetails,
  CHECK_FIELDS,
  type CheckChange,
  type CheckField,
  type ChecksDetails,
  type ColumnChanges,
  type DependenciesDetails,
  type KeysChange,
  type ListChange,
  type MetadataDetails,
  type MetadataValueChange,
  type PartitionMappingChange,
  type PathChange,
  type TagsDetails,
  type ValueChange,
} from "./change-set";
import { CHANGE_TYPES, type ChangeType } from "./change-types";
import { compareBy } from "./compare-by";

/**
 * A change type that compares sections of two versions of an asset (all but NEW, REMOVED and
 * MOVED, which say whether and where the asset exists).
 */
export type SectionChangeType = Exclude<ChangeType, "NEW" | "REMOVED" | "MOVED">;

/** The compared change types, in display order. */
export const SECTION_CHANGE_TYPES = CHANGE_TYPES.filter(
  (t): t is SectionChangeType => t !== "NEW" && t !== "REMOVED" && t !== "MOVED",
);

/**
 * Legacy fields that newer servers replace: when an input lacks one of them but carries the field
 * that replaced it, nothing is missing.
 */
export const LEGACY_FIELDS: ReadonlySet<keyof Asset> = new Set<keyof Asset>([
  "autoMaterializePolicy",
  "legacyFreshnessPolicy",
]);

/** The pseudo-field for partition mappings that a source did not carry. */
export const PARTITION_MAPPING_FIELD = "dependencies[].partitionMapping";

/** Where each compared change type's details go in {@link AssetChangeDetails}. */
const DETAILS_SLOTS = {
  CODE_VERSION: "codeVersion",
  DEPENDENCIES: "dependencies",
  PARTITIONS_DEFINITION: "partitionsDefinition",
  TAGS: "tags",
  METADATA: "metadata",
  GROUP: "group",
  OWNERS: "owners",
  DESCRIPTION: "description",
  KINDS: "kinds",
  AUTOMATION_CONDITION: "automationCondition",
  FRESHNESS_POLICY: "freshnessPolicy",
  BACKFILL_POLICY: "backfillPolicy",
  EXECUTION_TYPE: "executionType",
  CHECKS: "checks",
} as const satisfies Record<SectionChangeType, keyof AssetChangeDetails>;

/** The details slot of change type `T`. */
type DetailsSlot<T extends SectionChangeType> = (typeof DETAILS_SLOTS)[T];

/** One compared change type: the model fields that feed it, where its details go, how it compares. */
export interface Section<T extends SectionChangeType> {
  /** The model fields compared (NEW and REMOVED need none). */
  fields: readonly (keyof Asset)[];
  details: DetailsSlot<T>;
  /**
   * Compares two versions of an asset, given only the fields known on both sides; returns the
   * details when the change type applies.
   */
  compare: (
    base: Asset,
    branch: Asset,
    fields: readonly (keyof Asset)[],
  ) => NonNullable<AssetChangeDetails[DetailsSlot<T>]> | undefined;
}

/** Every compared change type: its fields, where its details go and how it is compared. */
export const SECTIONS: { [T in SectionChangeType]: Section<T> } = {
  CODE_VERSION: {
    fields: ["codeVersion"],
    details: DETAILS_SLOTS.CODE_VERSION,
    compare: (a, b) => valueChange(a.codeVersion ?? null, b.codeVersion ?? null),
  },
  DEPENDENCIES: {
    fields: ["dependencies"],
    details: DETAILS_SLOTS.DEPENDENCIES,
    compare: (a, b) => compareDependencies(a.dependencies ?? [], b.dependencies ?? []),
  },
  PARTITIONS_DEFINITION: {
    fields: ["partitionsDefinition"],
    details: DETAILS_SLOTS.PARTITIONS_DEFINITION,
    compare: (a, b) => {
      const old = a.partitionsDefinition ?? null;
      const next = b.partitionsDefinition ?? null;
      if (same(old, next)) return undefined;
      return {
        old: partitionsClassName(old),
        new: partitionsClassName(next),
        oldDefinition: old,
        newDefinition: next,
      };
    },
  },
  TAGS: {
    fields: ["tags"],
    details: DETAILS_SLOTS.TAGS,
    compare: (a, b) => compareTags(a.tags ?? [], b.tags ?? []),
  },
  METADATA: {
    fields: ["metadata"],
    details: DETAILS_SLOTS.METADATA,
    compare: (a, b) => compareMetadata(a.metadata ?? [], b.metadata ?? []),
  },
  GROUP: {
    fields: ["group"],
    details: DETAILS_SLOTS.GROUP,
    compare: (a, b) => valueChange(a.group ?? null, b.group ?? null),
  },
  OWNERS: {
    fields: ["owners"],
    details: DETAILS_SLOTS.OWNERS,
    compare: (a, b) => listChange(a.owners ?? [], b.owners ?? [], ownerKey),
  },
  DESCRIPTION: {
    fields: ["description"],
    details: DETAILS_SLOTS.DESCRIPTION,
    compare: (a, b) => valueChange(a.description ?? null, b.description ?? null),
  },
  KINDS: {
    fields: ["kinds"],
    details: DETAILS_SLOTS.KINDS,
    compare: (a, b) => listChange(a.kinds ?? [], b.kinds ?? [], (k) => k),
  },
  AUTOMATION_CONDITION: {
    fields: ["automationCondition", "autoMaterializePolicy"],
    details: DETAILS_SLOTS.AUTOMATION_CONDITION,
    compare: fieldsChange,
  },
  FRESHNESS_POLICY: {
    fields: ["freshnessPolicy", "legacyFreshnessPolicy"],
    details: DETAILS_SLOTS.FRESHNESS_POLICY,
    compare: fieldsChange,
  },
  BACKFILL_POLICY: {
    fields: ["backfillPolicy"],
    details: DETAILS_SLOTS.BACKFILL_POLICY,
    compare: (a, b) => valueChange(a.backfillPolicy ?? null, b.backfillPolicy ?? null),
  },
  EXECUTION_TYPE: {
    fields: ["isExecutable", "isMaterializable", "isObservable"],
    details: DETAILS_SLOTS.EXECUTION_TYPE,
    compare: fieldsChange,
  },
  CHECKS: {
    fields: ["checks"],
    details: DETAILS_SLOTS.CHECKS,
    compare: (a, b) => compareChecks(a.checks ?? [], b.checks ?? []),
  },
};

/**
 * Compares one change type's section of two versions of an asset and, when it changed, writes
 * its details into `details`. Fields an input does not carry are left out; returns whether the
 * change type applies.
 */
export function compareSection<T extends SectionChangeType>(
  section: Section<T>,
  base: Asset,
  branch: Asset,
  details: AssetChangeDetails,
): boolean {
  const fields = section.fields.filter((f) => base[f] !== undefined && branch[f] !== undefined);
  if (fields.length === 0) return false;
  const result = section.compare(base, branch, fields);
  if (result === undefined) return false;
  details[section.details] = result;
  return true;
}

/**
 * True when every parent has a known partition mapping on both sides, or when the parent sets
 * differ (Dagster then does not look at mappings).
 */
export function partitionMappingsComparable(
  base: readonly AssetDependency[],
  branch: readonly AssetDependency[],
): boolean {
  if (base.length !== branch.length) return true;
  let anyUnknown = false;
  for (let i = 0; i < base.length; i++) {
    const a = base[i] as AssetDependency;
    const b = branch[i] as AssetDependency;
    // Normalized dependency lists are sorted, so equal sets line up index by index.
    if (keyId(a.key) !== keyId(b.key)) return true;
    if (a.partitionMapping === undefined || b.partitionMapping === undefined) anyUnknown = true;
  }
  return !anyUnknown;
}

// --- internal ---

// microdiff's CommonJS build puts the function on `exports.default`; under Node's interop a
// CommonJS consumer of this package receives that exports object as the default import.
const diffValues: typeof microdiff =
  typeof microdiff === "function"
    ? microdiff
    : (microdiff as unknown as { default: typeof microdiff }).default;

/** Deep equality of normalized values (JSON object key order never matters). */
function same(a: unknown, b: unknown): boolean {
  return sameData(a, b);
}

function valueChange<T>(old: T, next: T): ValueChange<T> | undefined {
  return same(old, next) ? undefined : { old, new: next };
}

function fieldsChange(
  base: Asset,
  branch: Asset,
  fields: readonly (keyof Asset)[],
): ValueChange<Record<string, unknown>> | undefined {
  const old: Record<string, unknown> = {};
  const next: Record<string, unknown> = {};
  for (const field of fields) {
    old[field] = base[field];
    next[field] = branch[field];
  }
  return valueChange(old, next);
}

function partitionsClassName(def: Asset["partitionsDefinition"]): string | null {
  if (def === null || def === undefined) return null;
  return def.type === "UNKNOWN" ? def.unknownType : PARTITIONS_DEFINITION_CLASS_NAMES[def.type];
}

function sortedKeys(keys: string[]): string[] {
  return keys.sort(compareStrings);
}

function compareDependencies(
  base: readonly AssetDependency[],
  branch: readonly AssetDependency[],
): DependenciesDetails | undefined {
  const matched = compareBy(base, branch, (d) => keyId(d.key));
  const partitionMappings: PartitionMappingChange[] = [];
  for (const { before, after } of matched.mutual) {
    if (before.partitionMapping === undefined || after.partitionMapping === undefined) continue;
    if (!same(before.partitionMapping, after.partitionMapping)) {
      partitionMappings.push({
        key: keyToString(after.key),
        path: after.key,
        old: before.partitionMapping,
        new: after.partitionMapping,
      });
    }
  }
  partitionMappings.sort((x, y) => compareStrings(x.key, y.key));
  const addedKeys = sortedKeys(matched.added.map((d) => keyToString(d.key)));
  const removedKeys = sortedKeys(matched.removed.map((d) => keyToString(d.key)));
  if (addedKeys.length > 0 || removedKeys.length > 0) {
    // As in Dagster: a changed parent set is reported alone, with no changed keys.
    return { addedKeys, changedKeys: [], removedKeys, partitionMappings };
  }
  if (partitionMappings.length === 0) return undefined;
  return {
    addedKeys: [],
    changedKeys: partitionMappings.map((m) => m.key),
    removedKeys: [],
    partitionMappings,
  };
}

function keysChange<T>(
  base: readonly T[],
  branch: readonly T[],
  key: (item: T) => string,
  equal: (a: T, b: T) => boolean,
) {
  const matched = compareBy(base, branch, key);
  const changed = matched.mutual.filter(({ before, after }) => !equal(before, after));
  const keys: KeysChange = {
    addedKeys: sortedKeys(matched.added.map(key)),
    changedKeys: sortedKeys(changed.map(({ after }) => key(after))),
    removedKeys: sortedKeys(matched.removed.map(key)),
  };
  return { keys, matched, changed };
}

function compareTags(base: readonly Tag[], branch: readonly Tag[]): TagsDetails | undefined {
  const { keys, matched, changed } = keysChange(
    base,
    branch,
    (t) => t.key,
    (a, b) => a.value === b.value,
  );
  if (keys.addedKeys.length + keys.changedKeys.length + keys.removedKeys.length === 0)
    return undefined;
  const values = [
    ...matched.added.map((t) => ({ key: t.key, old: null, new: t.value })),
    ...changed.map(({ before, after }) => ({
      key: after.key,
      old: before.value,
      new: after.value,
    })),
    ...matched.removed.map((t) => ({ key: t.key, old: t.value, new: null })),
  ].sort((a, b) => compareStrings(a.key, b.key));
  return { ...keys, values };
}

function compareMetadata(
  base: readonly MetadataEntry[],
  branch: readonly MetadataEntry[],
): MetadataDetails | undefined {
  const { keys, matched, changed } = keysChange(
    base,
    branch,
    (e) => e.key,
    (a, b) => same(a.value, b.value),
  );
  if (keys.addedKeys.length + keys.changedKeys.length + keys.removedKeys.length === 0)
    return undefined;
  const values: MetadataValueChange[] = [
    ...matched.added.map((e) => ({ key: e.key, old: null, new: e.value })),
    ...changed.map(({ before, after }) =>
      metadataValueChange(after.key, before.value, after.value),
    ),
    ...matched.removed.map((e) => ({ key: e.key, old: e.value, new: null })),
  ].sort((a, b) => compareStrings(a.key, b.key));
  return { ...keys, values };
}

/**
 * Checks are matched by name. A check present on both sides changed when a field known on both
 * sides differs (a field one source does not carry, e.g. `blocking` from an older server, is not
 * compared).
 */
function compareChecks(
  base: readonly AssetCheck[],
  branch: readonly AssetCheck[],
): ChecksDetails | undefined {
  const fieldsOf = new Map<string, CheckField[]>();
  const { keys, matched, changed } = keysChange(
    base,
    branch,
    (c) => c.name,
    (a, b) => {
      const fields = CHECK_FIELDS.filter(
        (f) => a[f] !== undefined && b[f] !== undefined && !same(a[f], b[f]),
      );
      if (fields.length > 0) fieldsOf.set(b.name, fields);
      return fields.length === 0;
    },
  );
  if (keys.addedKeys.length + keys.changedKeys.length + keys.removedKeys.length === 0)
    return undefined;
  const values: CheckChange[] = [
    ...matched.added.map((c) => ({ name: c.name, old: null, new: c })),
    ...changed.map(({ before, after }) => ({
      name: after.name,
      old: before,
      new: after,
      fields: fieldsOf.get(after.name) ?? [],
    })),
    ...matched.removed.map((c) => ({ name: c.name, old: c, new: null })),
  ].sort((x, y) => compareStrings(x.name, y.name));
  return { ...keys, values };
}

function metadataValueChange(
  key: string,
  old: MetadataValue,
  next: MetadataValue,
): MetadataValueChange {
  const change: MetadataValueChange = { key, old, new: next };
  if (old.type !== next.type) return change;
  const changes = pathChanges(payload(old), payload(next));
  // The keys of a JSON value come in the input's order; a typed value's in the model's.
  if (old.type === "json" || old.type === "unknown")
    changes.sort((x, y) => comparePaths(x.path, y.path));
  if (changes.length > 0) change.changes = changes;
  if (
    (old.type === "tableSchema" || old.type === "table") &&
    (next.type === "tableSchema" || next.type === "table")
  ) {
    change.columns = columnChanges(old.schema, next.schema);
  }
  return change;
}

/** The part of a metadata value that holds its data (without the `type` tag). */
function payload(value: MetadataValue): JsonValue {
  const { type: _type, ...rest } = value;
  return (value.type === "json" ? value.value : rest) as JsonValue;
}

function pathChanges(old: JsonValue, next: JsonValue): PathChange[] {
  const structured = (v: JsonValue) => typeof v === "object" && v !== null;
  if (!structured(old) || !structured(next) || Array.isArray(old) !== Array.isArray(next)) {
    return [{ type: "CHANGE", path: [], oldValue: old, value: next }];
  }
  return diffValues(old as Record<string, unknown>, next as Record<string, unknown>).map(
    (d): PathChange => {
      const change: PathChange = { type: d.type, path: d.path };
      if (d.type !== "CREATE") change.oldValue = d.oldValue as JsonValue;
      if (d.type !== "REMOVE") change.value = d.value as JsonValue;
      return change;
    },
  );
}

/**
 * Orders paths inside a JSON value part by part (array indexes by number, before object keys),
 * a prefix first, so that the differences of two values come out in the same order whatever the
 * order of their objects' keys.
 */
function comparePaths(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] as string | number;
    const y = b[i] as string | number;
    if (x === y) continue;
    if (typeof x === "number" && typeof y === "number") return x - y;
    if (typeof x === "number") return -1;
    if (typeof y === "number") return 1;
    return compareStrings(x, y);
  }
  return a.length - b.length;
}

function columnChanges(old: TableSchema, next: TableSchema): ColumnChanges {
  const matched = compareBy(old.columns, next.columns, (c) => c.name);
  return {
    addedColumns: matched.added.map((c) => c.name),
    removedColumns: matched.removed.map((c) => c.name),
    changedColumns: matched.mutual
      .filter(({ before, after }) => !same(before, after))
      .map(({ after }) => after.name),
  };
}

function listChange<T>(old: T[], next: T[], text: (item: T) => string): ListChange<T> | undefined {
  const matched = compareBy(old, next, text);
  if (matched.added.length === 0 && matched.removed.length === 0) return undefined;
  return { old, new: next, added: matched.added, removed: matched.removed };
}
