import type {
  AssetChange,
  ChangeSet,
  ColumnChange,
  ColumnChangeKind,
  ImpactedAsset,
  ImpactedColumn,
} from "../diff/change-set";
import { COLUMN_CHANGE_KINDS } from "../diff/change-set";
import {
  IMPACT_REASONS,
  SEVERITY_REASONS,
  type Severity,
  type SeverityReason,
  worstSeverity,
} from "../diff/verdicts";
import { isJsonObject } from "../model/json";
import { compareNullableStrings, compareStrings, keyId, keyToString } from "../model/key";
import type { Tag } from "../model/metadata";
import { nameSome } from "../text";
import type { Policy } from "./policy";
import { type RefinedVerdict, refineVerdict } from "./verdict";

/**
 * Column-level changes: what a METADATA change to `dagster/column_schema` and
 * `dagster/column_lineage` does to each column, with a severity per column change, and which
 * columns of impacted assets read a column that was removed or retyped upstream. Both steps only
 * add detail and refine verdicts; neither suppresses anything.
 */

/**
 * The columns policy, run after the severity policy: for each listed asset whose METADATA change
 * compares a table schema on both sides (`dagster/column_schema`), or a column lineage on both
 * sides (`dagster/column_lineage`), it sets `columns` (sorted by column name, the table's own
 * constraints first, then in `COLUMN_CHANGE_KINDS` order) and refines the METADATA verdict to the
 * worst of those changes and the rest of the metadata change. The rules, per column:
 *
 * - `removed`: `breaking` (COLUMN_REMOVED); `old` is its type, `new` null.
 * - `retyped`: `breaking` (COLUMN_TYPE_CHANGED). Types compare without regard to letter case,
 *   runs of whitespace, and whitespace around punctuation, so `VARCHAR(10)`, `varchar (10)` and
 *   `varchar( 10 )` are one type; `int` and `integer` are not (no dialect is assumed).
 * - `nullability`: made nullable, `risky` (COLUMN_MADE_NULLABLE); made non-nullable, `risky`
 *   (COLUMN_CONSTRAINT_CHANGED). `old`/`new` are the `nullable` flags.
 * - `uniqueness` (the `unique` flags) and `constraints` (the column's `constraints.other`, compared
 *   as sets; `old`/`new` sorted): `risky` (COLUMN_CONSTRAINT_CHANGED). The table's own
 *   `constraints.other` is a `constraints` change with `column: null`, the same severity.
 * - `added`: `safe` (COLUMN_ADDED); `old` null, `new` its type.
 * - `description` and `tags` (tags as a map, `old`/`new` sorted by key): `safe`
 *   (COLUMN_DESCRIPTIVE_CHANGE).
 * - `lineage`, one per column whose upstream columns differ (`old`/`new`: sorted `key/column`
 *   lists, empty where the column has no entry): `risky` (COLUMN_LINEAGE_CHANGED).
 *
 * Metadata keys other than these two are `safe` (DESCRIPTIVE_CHANGE), and so is a schema that
 * differs only in column order or in how types are spelled: it gets no `columns`, and its verdict
 * becomes `safe` where the severity policy's exact type comparison called it breaking. The refined
 * message is the deciding reason (among equally bad ones: removed, retyped, made nullable,
 * constraint, lineage, added, descriptive) and up to three columns it concerns, e.g. "a column was
 * removed from the table schema: customer_email". A verdict set by the configuration is kept (see
 * `refineVerdict`), the `columns` are still listed. A whole
 * schema or lineage entry added or removed changes no column (it describes the table, it does not
 * change it), so it yields no column changes and the severity policy's verdict stands; so do
 * assets without a METADATA change. Values of odd shapes are read as far as they make sense;
 * a schema without a column list is not compared.
 *
 * @example
 * const reviewed = applyPolicies(changeSet, [severityRules([]), columnRules()], context);
 * reviewed.assets[0]?.columns; // [{ column: "customer_email", change: "removed", old: "varchar", new: null, severity: "breaking", reason: "COLUMN_REMOVED" }]
 */
export function columnRules(): Policy {
  return (changeSet): ChangeSet => ({ ...changeSet, assets: changeSet.assets.map(withColumns) });
}

/**
 * The column impact policy, run after the impact policy: for each entry of `impacted` whose
 * branch definition has a `dagster/column_lineage`, the columns that read a column removed or
 * retyped upstream (by the `columns` of the changed assets, so after {@link columnRules}) are
 * set as `columns` (sorted), and the entry becomes `breaking-downstream` (UPSTREAM_COLUMN_BROKEN),
 * its message naming the first such column and the column it comes from. Breakage follows
 * column lineage through impacted assets: a column derived from an impacted column is impacted
 * too, naming the original upstream column (the nearest one, breadth first). One pass over the
 * lineage of the impacted entries, iterative. Entries without column lineage, or none of whose
 * columns reads a broken one, stay as they are.
 *
 * @example
 * const reviewed = applyPolicies(changeSet, [severityRules([]), columnRules(), impactRules(), columnImpactRules()], context);
 * reviewed.impacted?.[0]?.columns; // [{ column: "email", upstream: { key: "raw/customers", column: "email", change: "removed" } }]
 */
export function columnImpactRules(): Policy {
  return (changeSet, context): ChangeSet => {
    const impacted = changeSet.impacted;
    if (impacted === undefined || impacted.length === 0) return changeSet;
    const queue = brokenColumns(changeSet.assets);
    if (queue.length === 0) return changeSet;
    // Which columns of which impacted entries read each (key, column): the reverse lineage.
    const readers = new Map<string, { entry: number; column: string }[]>();
    impacted.forEach((entry, index) => {
      const asset = context.sideOf("branch", entry);
      const value = asset?.metadata?.find((m) => m.key === COLUMN_LINEAGE_KEY)?.value;
      const lineage = readLineage(value);
      if (lineage === undefined) return;
      for (const [column, upstreams] of lineage) {
        for (const upstream of upstreams) {
          const node = columnNode(upstream.path, upstream.column);
          const list = readers.get(node);
          if (list) list.push({ entry: index, column });
          else readers.set(node, [{ entry: index, column }]);
        }
      }
    });
    const found: (Map<string, ImpactedColumn> | undefined)[] = [];
    for (let head = 0; head < queue.length; head++) {
      const { node, upstream } = queue[head] as BrokenColumn;
      for (const reader of readers.get(node) ?? []) {
        let columns = found[reader.entry];
        if (columns === undefined) {
          columns = new Map();
          found[reader.entry] = columns;
        }
        if (columns.has(reader.column)) continue;
        columns.set(reader.column, { column: reader.column, upstream });
        const entry = impacted[reader.entry] as ImpactedAsset;
        queue.push({ node: columnNode(entry.path, reader.column), upstream });
      }
    }
    return {
      ...changeSet,
      impacted: impacted.map((entry, index) => {
        const columns = found[index];
        return columns === undefined ? entry : brokenEntry(entry, columns);
      }),
    };
  };
}

// --- internal ---

/** The Dagster metadata key of an asset's table schema (the severity policy reads it too). */
export const COLUMN_SCHEMA_KEY = "dagster/column_schema";

/** The Dagster metadata key of an asset's column-level lineage. */
const COLUMN_LINEAGE_KEY = "dagster/column_lineage";

/** How many columns a refined message names. */
const NAMED_COLUMNS = 3;

/** What a table's own constraints are called in a message. */
const TABLE_CONSTRAINTS = "the table constraints";

/** The verdict of each column change kind (`nullability` made nullable is the exception). */
const KIND_VERDICTS = {
  added: { severity: "safe", reason: "COLUMN_ADDED" },
  removed: { severity: "breaking", reason: "COLUMN_REMOVED" },
  retyped: { severity: "breaking", reason: "COLUMN_TYPE_CHANGED" },
  nullability: { severity: "risky", reason: "COLUMN_CONSTRAINT_CHANGED" },
  uniqueness: { severity: "risky", reason: "COLUMN_CONSTRAINT_CHANGED" },
  constraints: { severity: "risky", reason: "COLUMN_CONSTRAINT_CHANGED" },
  description: { severity: "safe", reason: "COLUMN_DESCRIPTIVE_CHANGE" },
  tags: { severity: "safe", reason: "COLUMN_DESCRIPTIVE_CHANGE" },
  lineage: { severity: "risky", reason: "COLUMN_LINEAGE_CHANGED" },
} as const satisfies Record<ColumnChangeKind, { severity: Severity; reason: SeverityReason }>;

/** Which reason names a verdict when several column changes are equally bad, first wins. */
const DECIDING_REASONS = [
  "COLUMN_REMOVED",
  "COLUMN_TYPE_CHANGED",
  "COLUMN_MADE_NULLABLE",
  "COLUMN_CONSTRAINT_CHANGED",
  "COLUMN_LINEAGE_CHANGED",
  "COLUMN_ADDED",
  "COLUMN_DESCRIPTIVE_CHANGE",
] as const satisfies readonly SeverityReason[];

/** A column as compared: every field read defensively, with Dagster's defaults. */
interface ColumnView {
  type: string | null;
  nullable: boolean;
  unique: boolean;
  other: string[];
  description: string | null;
  tags: Tag[];
}

interface SchemaView {
  /** The columns by name, in schema order; the first of a repeated name wins. */
  columns: Map<string, ColumnView>;
  /** The table's `constraints.other`, sorted and unique; `null` when it has none. */
  constraints: string[] | null;
}

/** Upstream columns by column name: each upstream's key path and column, sorted and unique. */
type LineageView = Map<string, { path: string[]; column: string; text: string }[]>;

/** A removed or retyped column, as the node the breadth-first walk starts from or reaches. */
interface BrokenColumn {
  node: string;
  upstream: ImpactedColumn["upstream"];
}

function withColumns(asset: AssetChange): AssetChange {
  if (!asset.changeTypes.includes("METADATA")) return asset;
  const values = asset.details.metadata?.values;
  if (!Array.isArray(values)) return asset;
  const schema = values.find((v) => v?.key === COLUMN_SCHEMA_KEY);
  const lineage = values.find((v) => v?.key === COLUMN_LINEAGE_KEY);
  const oldSchema = readSchema(schema?.old);
  const newSchema = readSchema(schema?.new);
  const oldLineage = readLineage(lineage?.old);
  const newLineage = readLineage(lineage?.new);
  const schemaCompared = oldSchema !== undefined && newSchema !== undefined;
  const lineageCompared = oldLineage !== undefined && newLineage !== undefined;
  if (!schemaCompared && !lineageCompared) return asset;
  const changes: ColumnChange[] = [
    ...(schemaCompared ? schemaChanges(oldSchema, newSchema) : []),
    ...(lineageCompared ? lineageChanges(oldLineage, newLineage) : []),
  ];
  changes.sort(compareColumnChanges);
  const { columns: _stale, ...rest } = asset;
  const next: AssetChange = changes.length > 0 ? { ...rest, columns: changes } : rest;
  return refineVerdict(next, "METADATA", metadataVerdict(changes));
}

/**
 * The worst of the column changes and the rest of the metadata change. The rest (other keys, and
 * a schema that differs only in column order or in how types are spelled) is `safe`
 * DESCRIPTIVE_CHANGE, never worse than a column change, so it decides only when there is none.
 */
function metadataVerdict(changes: readonly ColumnChange[]): RefinedVerdict {
  const worst = worstSeverity(changes.map((c) => c.severity));
  if (worst === undefined) {
    return {
      severity: "safe",
      reason: "DESCRIPTIVE_CHANGE",
      message: SEVERITY_REASONS.DESCRIPTIVE_CHANGE,
    };
  }
  const reason =
    DECIDING_REASONS.find((r) => changes.some((c) => c.severity === worst && c.reason === r)) ??
    (changes.find((c) => c.severity === worst) as ColumnChange).reason;
  const names = [
    ...new Set(
      changes.filter((c) => c.reason === reason).map((c) => c.column ?? TABLE_CONSTRAINTS),
    ),
  ];
  return {
    severity: worst,
    reason,
    message: `${SEVERITY_REASONS[reason]}: ${nameSome(names, NAMED_COLUMNS)}`,
  };
}

function schemaChanges(old: SchemaView, next: SchemaView): ColumnChange[] {
  const changes: ColumnChange[] = [];
  if (!sameStrings(old.constraints ?? [], next.constraints ?? [])) {
    changes.push(columnChange(null, "constraints", old.constraints, next.constraints));
  }
  for (const [name, before] of old.columns) {
    const after = next.columns.get(name);
    if (after === undefined) {
      changes.push(columnChange(name, "removed", before.type, null));
      continue;
    }
    if (typeText(before.type) !== typeText(after.type))
      changes.push(columnChange(name, "retyped", before.type, after.type));
    if (before.nullable !== after.nullable)
      changes.push(columnChange(name, "nullability", before.nullable, after.nullable));
    if (before.unique !== after.unique)
      changes.push(columnChange(name, "uniqueness", before.unique, after.unique));
    if (!sameStrings(before.other, after.other))
      changes.push(columnChange(name, "constraints", before.other, after.other));
    if (before.description !== after.description)
      changes.push(columnChange(name, "description", before.description, after.description));
    if (!sameTags(before.tags, after.tags)) {
      const tags = (list: Tag[]) => list.map((t) => ({ key: t.key, value: t.value }));
      changes.push(columnChange(name, "tags", tags(before.tags), tags(after.tags)));
    }
  }
  for (const [name, after] of next.columns) {
    if (!old.columns.has(name)) changes.push(columnChange(name, "added", null, after.type));
  }
  return changes;
}

function lineageChanges(old: LineageView, next: LineageView): ColumnChange[] {
  const changes: ColumnChange[] = [];
  const texts = (list: { text: string }[] | undefined) => (list ?? []).map((u) => u.text);
  for (const column of new Set([...old.keys(), ...next.keys()])) {
    const before = texts(old.get(column));
    const after = texts(next.get(column));
    if (!sameStrings(before, after)) changes.push(columnChange(column, "lineage", before, after));
  }
  return changes;
}

function columnChange(
  column: string | null,
  change: ColumnChangeKind,
  old: ColumnChange["old"],
  next: ColumnChange["new"],
): ColumnChange {
  const verdict =
    change === "nullability" && next === true
      ? ({ severity: "risky", reason: "COLUMN_MADE_NULLABLE" } as const)
      : KIND_VERDICTS[change];
  return { column, change, old, new: next, ...verdict };
}

function compareColumnChanges(a: ColumnChange, b: ColumnChange): number {
  return (
    compareNullableStrings(a.column, b.column) ||
    COLUMN_CHANGE_KINDS.indexOf(a.change) - COLUMN_CHANGE_KINDS.indexOf(b.change)
  );
}

/**
 * A type as compared: lower case, whitespace runs as one space, none around punctuation, so that
 * `NUMERIC(10, 2)` and `numeric(10,2)` are one type.
 */
function typeText(type: string | null): string | null {
  if (type === null) return null;
  return type
    .trim()
    .replace(/\s+/gu, " ")
    .replace(/ ?([^\p{L}\p{N}_ ]) ?/gu, "$1")
    .toLowerCase();
}

function readSchema(value: unknown): SchemaView | undefined {
  if (!isJsonObject(value) || (value.type !== "tableSchema" && value.type !== "table")) return;
  const schema: unknown = value.schema;
  if (!isJsonObject(schema) || !Array.isArray(schema.columns)) return;
  const columns = new Map<string, ColumnView>();
  for (const column of schema.columns as unknown[]) {
    if (!isJsonObject(column) || typeof column.name !== "string" || columns.has(column.name))
      continue;
    const constraints = isJsonObject(column.constraints) ? column.constraints : {};
    columns.set(column.name, {
      type: typeof column.type === "string" ? column.type : null,
      nullable: typeof constraints.nullable === "boolean" ? constraints.nullable : true,
      unique: typeof constraints.unique === "boolean" ? constraints.unique : false,
      other: sortedStrings(constraints.other),
      description: typeof column.description === "string" ? column.description : null,
      tags: readTags(column.tags),
    });
  }
  const table = schema.constraints;
  const constraints =
    isJsonObject(table) && Array.isArray(table.other) ? sortedStrings(table.other) : null;
  return { columns, constraints };
}

function readLineage(value: unknown): LineageView | undefined {
  if (!isJsonObject(value) || value.type !== "tableColumnLineage" || !Array.isArray(value.lineage))
    return;
  const lineage: LineageView = new Map();
  for (const entry of value.lineage as unknown[]) {
    if (!isJsonObject(entry) || typeof entry.columnName !== "string") continue;
    if (lineage.has(entry.columnName)) continue;
    const upstreams = new Map<string, { path: string[]; column: string; text: string }>();
    for (const dep of Array.isArray(entry.columnDeps) ? (entry.columnDeps as unknown[]) : []) {
      if (!isJsonObject(dep) || typeof dep.columnName !== "string") continue;
      const path = keyPath(dep.assetKey);
      if (path === undefined) continue;
      const text = `${keyToString(path)}/${dep.columnName}`;
      if (!upstreams.has(text)) upstreams.set(text, { path, column: dep.columnName, text });
    }
    lineage.set(
      entry.columnName,
      [...upstreams.values()].sort((a, b) => compareStrings(a.text, b.text)),
    );
  }
  return lineage;
}

/** A key path as the model writes it (`string[]`), or as GraphQL does (`{ path }`). */
function keyPath(value: unknown): string[] | undefined {
  const path = isJsonObject(value) ? value.path : value;
  if (!Array.isArray(path) || path.length === 0) return;
  return path.every((p) => typeof p === "string") ? (path as string[]) : undefined;
}

/** Tags as a map: a `{key, value}` list or a plain object, sorted by key, the first key wins. */
function readTags(value: unknown): Tag[] {
  const pairs: [unknown, unknown][] = Array.isArray(value)
    ? value.map((t) => (isJsonObject(t) ? [t.key, t.value] : [undefined, undefined]))
    : isJsonObject(value)
      ? Object.entries(value)
      : [];
  const tags = new Map<string, string>();
  for (const [key, tagValue] of pairs) {
    if (typeof key !== "string" || tags.has(key)) continue;
    tags.set(key, typeof tagValue === "string" ? tagValue : "");
  }
  return [...tags]
    .map(([key, tagValue]) => ({ key, value: tagValue }))
    .sort((a, b) => compareStrings(a.key, b.key));
}

function sortedStrings(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return [...new Set(value.filter((v): v is string => typeof v === "string"))].sort(compareStrings);
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

function sameTags(a: readonly Tag[], b: readonly Tag[]): boolean {
  return a.length === b.length && a.every((t, i) => t.key === b[i]?.key && t.value === b[i]?.value);
}

/** An unambiguous id for one column of one asset key. */
function columnNode(path: readonly string[], column: string): string {
  return JSON.stringify([keyId(path), column]);
}

/** The removed and retyped columns of the changed assets, in the change set's order. */
function brokenColumns(assets: readonly AssetChange[]): BrokenColumn[] {
  const seen = new Set<string>();
  const broken: BrokenColumn[] = [];
  for (const asset of assets) {
    if (!Array.isArray(asset.columns)) continue;
    for (const change of asset.columns) {
      if (change.column === null || (change.change !== "removed" && change.change !== "retyped"))
        continue;
      const node = columnNode(asset.path, change.column);
      if (seen.has(node)) continue;
      seen.add(node);
      broken.push({
        node,
        upstream: { key: keyToString(asset.path), column: change.column, change: change.change },
      });
    }
  }
  return broken;
}

function brokenEntry(entry: ImpactedAsset, found: Map<string, ImpactedColumn>): ImpactedAsset {
  const columns = [...found.values()].sort((a, b) => compareStrings(a.column, b.column));
  const first = columns[0] as ImpactedColumn;
  const { key, column, change } = first.upstream;
  const more = columns.length > 1 ? ` and ${columns.length - 1} more` : "";
  return {
    ...entry,
    columns,
    severity: "breaking-downstream",
    reason: "UPSTREAM_COLUMN_BROKEN",
    message: `${IMPACT_REASONS.UPSTREAM_COLUMN_BROKEN}: ${first.column} reads column ${column} of ${key}, which was ${change}${more}`,
  };
}
