/**
 * Metadata entries to typed values: reads one Dagster `MetadataEntry` into the model's
 * `MetadataValue`. Each of the 20 known `__typename`s is validated against its own value fields
 * and mapped by its own reader (a missing `__typename` is inferred from the fields present);
 * unknown typenames, and entries whose fields do not validate, are kept as opaque values.
 * Embedded JSON (`jsonString`, table records) is parsed, ints keep their exact repr, floats fall
 * back to theirs (NaN, infinities), and table schemas and code references are mapped to the model.
 */
import type { z } from "zod";
import { type JsonPath, zodIssues } from "../../errors";
import type { JsonValue } from "../../model/json";
import type {
  CodeReference,
  FloatValue,
  MetadataTypename,
  MetadataValue,
  TableSchema,
} from "../../model/metadata";
import {
  type GqlMetadataEntry,
  type gqlMetadataEntryHead,
  gqlMetadataEntryOf,
  type gqlTableSchema,
} from "./schema";

/** Reports an input issue at a JSON path (the parser collects them and throws them together). */
export type IssueReport = (path: JsonPath, message: string) => void;

/** Reads one metadata entry at `path`; what does not validate is reported and kept opaque. */
export function metadataValue(
  raw: GqlMetadataEntryHead,
  path: JsonPath,
  report: IssueReport,
): MetadataValue {
  const typename = raw.__typename ?? inferMetadataTypename(raw);
  if (typename === undefined || !Object.hasOwn(METADATA_FIELDS, typename)) {
    return opaqueMetadata(raw as GqlMetadataEntry, typename ?? "MetadataEntry");
  }
  const known = typename as MetadataTypename;
  const parsed = gqlMetadataEntryOf(METADATA_FIELDS[known]).safeParse(raw);
  if (!parsed.success) {
    for (const issue of zodIssues(parsed.error, path)) report(issue.path, issue.message);
    return opaqueMetadata(raw as GqlMetadataEntry, known);
  }
  const value = METADATA_READERS[known](parsed.data, (field, message) =>
    report([...path, field], message),
  );
  return value ?? opaqueMetadata(parsed.data, known);
}

// --- internal ---

/** The value fields each known metadata entry type carries (the single list its schema is cut from). */
const METADATA_FIELDS: { [T in MetadataTypename]: readonly (keyof GqlMetadataEntry)[] } = {
  TextMetadataEntry: ["text"],
  MarkdownMetadataEntry: ["mdStr"],
  UrlMetadataEntry: ["url"],
  PathMetadataEntry: ["path"],
  NotebookMetadataEntry: ["path"],
  PoolMetadataEntry: ["pool"],
  PipelineRunMetadataEntry: ["runId"],
  JsonMetadataEntry: ["jsonString"],
  BoolMetadataEntry: ["boolValue"],
  IntMetadataEntry: ["intValue", "intRepr"],
  FloatMetadataEntry: ["floatValue", "floatRepr"],
  TimestampMetadataEntry: ["timestamp"],
  PythonArtifactMetadataEntry: ["module", "name"],
  AssetMetadataEntry: ["assetKey"],
  JobMetadataEntry: ["jobName", "repositoryName", "locationName"],
  NullMetadataEntry: [],
  TableMetadataEntry: ["table"],
  TableSchemaMetadataEntry: ["schema"],
  TableColumnLineageMetadataEntry: ["lineage"],
  CodeReferencesMetadataEntry: ["codeReferences"],
};

type FieldReport = (field: string, message: string) => void;

type GqlMetadataEntryHead = z.output<typeof gqlMetadataEntryHead>;

/** One reader per known metadata entry type; a mapped type makes a missing reader a type error. */
const METADATA_READERS: {
  [T in MetadataTypename]: (
    entry: GqlMetadataEntry,
    report: FieldReport,
  ) => MetadataValue | undefined;
} = {
  TextMetadataEntry: (e) => (e.text === undefined ? undefined : { type: "text", text: e.text }),
  MarkdownMetadataEntry: (e) =>
    e.mdStr === undefined ? undefined : { type: "markdown", markdown: e.mdStr },
  UrlMetadataEntry: (e) => (e.url === undefined ? undefined : { type: "url", url: e.url }),
  PathMetadataEntry: (e) => (e.path === undefined ? undefined : { type: "path", path: e.path }),
  NotebookMetadataEntry: (e) =>
    e.path === undefined ? undefined : { type: "notebook", path: e.path },
  PoolMetadataEntry: (e) => (e.pool === undefined ? undefined : { type: "pool", pool: e.pool }),
  PipelineRunMetadataEntry: (e) =>
    e.runId === undefined ? undefined : { type: "run", runId: e.runId },
  JsonMetadataEntry: (e, report) => {
    if (e.jsonString === undefined) return undefined;
    const value = parseEmbeddedJson(e.jsonString, "jsonString", report);
    return value === undefined ? { type: "json", value: null } : { type: "json", value };
  },
  BoolMetadataEntry: (e) =>
    e.boolValue === undefined ? undefined : { type: "bool", value: e.boolValue },
  IntMetadataEntry: (e) => {
    // intValue is null outside 32 bits; intRepr always holds the exact value.
    if (e.intRepr !== undefined && /^-?\d+$/.test(e.intRepr.trim()))
      return { type: "int", value: e.intRepr.trim() };
    if (e.intValue !== undefined) return { type: "int", value: e.intValue };
    return undefined;
  },
  FloatMetadataEntry: (e) => {
    if (e.floatValue !== undefined && e.floatValue !== null)
      return { type: "float", value: e.floatValue };
    if (e.floatRepr !== undefined) return { type: "float", value: floatFromRepr(e.floatRepr) };
    if (e.floatValue === null) return { type: "float", value: null };
    return undefined;
  },
  TimestampMetadataEntry: (e) =>
    e.timestamp === undefined ? undefined : { type: "timestamp", timestamp: e.timestamp },
  PythonArtifactMetadataEntry: (e) =>
    e.module === undefined || e.name === undefined
      ? undefined
      : { type: "pythonArtifact", module: e.module, name: e.name },
  AssetMetadataEntry: (e) =>
    e.assetKey === undefined ? undefined : { type: "asset", assetKey: e.assetKey.path },
  JobMetadataEntry: (e) =>
    e.jobName === undefined
      ? undefined
      : {
          type: "job",
          jobName: e.jobName,
          repositoryName: e.repositoryName ?? null,
          locationName: e.locationName ?? "",
        },
  NullMetadataEntry: () => ({ type: "null" }),
  TableMetadataEntry: (e, report) => {
    if (e.table === undefined) return undefined;
    const records = (e.table.records ?? []).map(
      (record, i) => parseEmbeddedJson(record, `table.records[${i}]`, report) ?? null,
    );
    return { type: "table", schema: tableSchema(e.table.schema), records };
  },
  TableSchemaMetadataEntry: (e) =>
    e.schema === undefined ? undefined : { type: "tableSchema", schema: tableSchema(e.schema) },
  TableColumnLineageMetadataEntry: (e) =>
    e.lineage === undefined
      ? undefined
      : {
          type: "tableColumnLineage",
          lineage: e.lineage.map((l) => ({
            columnName: l.columnName,
            columnDeps: (l.columnDeps ?? []).map((d) => ({
              assetKey: d.assetKey.path,
              columnName: d.columnName,
            })),
          })),
        },
  CodeReferencesMetadataEntry: (e) =>
    e.codeReferences === undefined
      ? undefined
      : { type: "codeReferences", codeReferences: e.codeReferences.map(codeReference) },
};

/**
 * When a query did not select `__typename`, the value fields still tell the type (a bare `path`
 * reads as a path, not a notebook; a value-less entry stays opaque).
 */
function inferMetadataTypename(entry: Record<string, unknown>): MetadataTypename | undefined {
  for (const [typename, fields] of Object.entries(METADATA_FIELDS) as [
    MetadataTypename,
    readonly string[],
  ][]) {
    if (typename === "NotebookMetadataEntry") continue;
    if (fields.some((field) => entry[field] !== undefined)) return typename;
  }
  return undefined;
}

function opaqueMetadata(entry: GqlMetadataEntry, typename: string): MetadataValue {
  const { __typename: _t, label: _l, description: _d, ...fields } = entry;
  return { type: "unknown", typename, raw: fields as JsonValue };
}

function parseEmbeddedJson(
  text: string,
  field: string,
  report: FieldReport,
): JsonValue | undefined {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    report(field, "is not valid JSON text");
    return undefined;
  }
}

function floatFromRepr(repr: string): FloatValue {
  const text = repr.trim().toLowerCase();
  if (text === "nan" || text === "-nan") return "NaN";
  if (text === "inf" || text === "+inf" || text === "infinity") return "Infinity";
  if (text === "-inf" || text === "-infinity") return "-Infinity";
  const n = Number(text);
  return text !== "" && Number.isFinite(n) ? n : null;
}

function tableSchema(schema: z.output<typeof gqlTableSchema> | undefined): TableSchema {
  return {
    columns: (schema?.columns ?? []).map((c) => ({
      name: c.name,
      type: c.type ?? "",
      description: c.description ?? null,
      // Dagster's defaults for a column without declared constraints.
      constraints: {
        nullable: c.constraints?.nullable ?? true,
        unique: c.constraints?.unique ?? false,
        other: c.constraints?.other ?? [],
      },
      tags: c.tags ?? [],
    })),
    constraints: schema?.constraints ? { other: schema.constraints.other ?? [] } : null,
  };
}

function codeReference(
  ref: NonNullable<GqlMetadataEntry["codeReferences"]>[number],
): CodeReference {
  const typename =
    ref.__typename ??
    (ref.filePath !== undefined
      ? "LocalFileCodeReference"
      : ref.url !== undefined
        ? "UrlCodeReference"
        : "");
  if (typename === "LocalFileCodeReference" && ref.filePath !== undefined) {
    return {
      type: "localFile",
      filePath: ref.filePath,
      lineNumber: ref.lineNumber ?? null,
      label: ref.label ?? null,
    };
  }
  if (typename === "UrlCodeReference" && ref.url !== undefined) {
    return { type: "url", url: ref.url, label: ref.label ?? null };
  }
  const { __typename: _t, ...raw } = ref;
  return { type: "unknown", typename, raw: raw as JsonValue };
}
