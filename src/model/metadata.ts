import type { JsonValue } from "./json";

/**
 * Every kind of Dagster metadata value, keyed by the `MetadataEntry` GraphQL type name that
 * carries it. The single source for the `type` strings of {@link MetadataValue}.
 */
export const METADATA_TYPES = {
  TextMetadataEntry: "text",
  MarkdownMetadataEntry: "markdown",
  UrlMetadataEntry: "url",
  PathMetadataEntry: "path",
  NotebookMetadataEntry: "notebook",
  PoolMetadataEntry: "pool",
  PipelineRunMetadataEntry: "run",
  JsonMetadataEntry: "json",
  BoolMetadataEntry: "bool",
  IntMetadataEntry: "int",
  FloatMetadataEntry: "float",
  TimestampMetadataEntry: "timestamp",
  PythonArtifactMetadataEntry: "pythonArtifact",
  AssetMetadataEntry: "asset",
  JobMetadataEntry: "job",
  NullMetadataEntry: "null",
  TableMetadataEntry: "table",
  TableSchemaMetadataEntry: "tableSchema",
  TableColumnLineageMetadataEntry: "tableColumnLineage",
  CodeReferencesMetadataEntry: "codeReferences",
} as const;

/** The GraphQL type name of a known metadata entry, e.g. `"IntMetadataEntry"`. */
export type MetadataTypename = keyof typeof METADATA_TYPES;

/** The `type` of a known metadata value, e.g. `"int"`. */
export type KnownMetadataType = (typeof METADATA_TYPES)[MetadataTypename];

/** A column constraint set of a table schema. */
export interface TableColumnConstraints {
  nullable: boolean;
  unique: boolean;
  other: string[];
}

/** One column of a table schema; column order is meaningful and kept. */
export interface TableColumn {
  name: string;
  type: string;
  description: string | null;
  constraints: TableColumnConstraints;
  tags: Tag[];
}

/** A table schema (`dagster/column_schema` and friends). */
export interface TableSchema {
  columns: TableColumn[];
  constraints: { other: string[] } | null;
}

/** Upstream columns of one column in column-level lineage. */
export interface TableColumnLineageEntry {
  columnName: string;
  columnDeps: { assetKey: string[]; columnName: string }[];
}

/** A source-code reference (`dagster/code_references`). */
export type CodeReference =
  | { type: "localFile"; filePath: string; lineNumber: number | null; label: string | null }
  | { type: "url"; url: string; label: string | null }
  | { type: "unknown"; typename: string; raw: JsonValue };

/** The floats JSON cannot carry, as a metadata value writes them. */
export const NON_FINITE_FLOATS = ["NaN", "Infinity", "-Infinity"] as const;

/** A float metadata value: a number, one of {@link NON_FINITE_FLOATS}, or `null` (no value). */
export type FloatValue = number | (typeof NON_FINITE_FLOATS)[number] | null;

/**
 * A typed metadata value. Integers that do not fit a double exactly are kept as decimal strings;
 * floats that JSON cannot carry are `"NaN"`, `"Infinity"` or `"-Infinity"`. A value of a kind this
 * version does not know (a newer server) is kept opaque as `unknown` with its raw fields.
 */
export type MetadataValue =
  | { type: "text"; text: string }
  | { type: "markdown"; markdown: string }
  | { type: "url"; url: string }
  | { type: "path"; path: string }
  | { type: "notebook"; path: string }
  | { type: "pool"; pool: string }
  | { type: "run"; runId: string }
  | { type: "json"; value: JsonValue }
  | { type: "bool"; value: boolean | null }
  | { type: "int"; value: number | string | null }
  | { type: "float"; value: FloatValue }
  | { type: "timestamp"; timestamp: number }
  | { type: "pythonArtifact"; module: string; name: string }
  | { type: "asset"; assetKey: string[] }
  | { type: "job"; jobName: string; repositoryName: string | null; locationName: string }
  | { type: "null" }
  | { type: "table"; schema: TableSchema; records: JsonValue[] }
  | { type: "tableSchema"; schema: TableSchema }
  | { type: "tableColumnLineage"; lineage: TableColumnLineageEntry[] }
  | { type: "codeReferences"; codeReferences: CodeReference[] }
  | { type: "unknown"; typename: string; raw: JsonValue };

/** The `type` of any metadata value, including `unknown`. */
export type MetadataType = MetadataValue["type"];

/** One metadata entry: a key (Dagster's label) and its typed value. */
export interface MetadataEntry {
  key: string;
  value: MetadataValue;
}

/** A definition tag. Kind tags (`dagster/kind/<kind>`, value `""`) are ordinary tags here. */
export interface Tag {
  key: string;
  value: string;
}
