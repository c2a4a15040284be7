import type { AssetOwner, PartitionMapping, PartitionsDefinition } from "../model/asset";
import type { JsonValue } from "../model/json";
import { keyToString, ownerText } from "../model/key";
import type { MetadataValue } from "../model/metadata";
import { plural } from "../text";

/** Longest rendering of a single value before it is shortened with `…`. */
const MAX_VALUE_LENGTH = 80;

/**
 * Shortens text to `max` characters (code points), marking the cut with `…`.
 *
 * @example
 * truncate("abcdef", 4); // "abc…"
 */
export function truncate(text: string, max = MAX_VALUE_LENGTH): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, Math.max(1, max - 1)).join("")}…`;
}

/**
 * Shortens an old and a new rendering together so that the place where they differ stays in
 * view: a long shared beginning is elided from both.
 *
 * @example
 * contrast("Maps … offset by -1", "Maps … offset by 0", 12); // ["…by -1", "…by 0"]
 */
export function contrast(old: string, next: string, max = MAX_VALUE_LENGTH): [string, string] {
  const a = Array.from(old);
  const b = Array.from(next);
  if (a.length <= max && b.length <= max) return [old, next];
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  const keep = Math.min(10, Math.floor(max / 4));
  const start = common > max / 2 ? common - keep : 0;
  const cut = (chars: string[]) =>
    truncate(`${start > 0 ? "…" : ""}${chars.slice(start).join("")}`, max);
  return [cut(a), cut(b)];
}

/** Renders a nullable string value for people: quoted, or `(none)`. */
export function formatText(value: string | null, max = MAX_VALUE_LENGTH): string {
  return value === null ? "(none)" : JSON.stringify(truncate(value, max));
}

/** Renders a metadata value in one short line, e.g. `int 1200` or `table schema (5 columns)`. */
export function formatMetadataValue(value: MetadataValue | null, max = MAX_VALUE_LENGTH): string {
  if (value === null) return "(none)";
  switch (value.type) {
    case "text":
      return `text ${formatText(value.text, max)}`;
    case "markdown":
      return `markdown ${formatText(value.markdown, max)}`;
    case "url":
      return `url ${truncate(value.url, max)}`;
    case "path":
    case "notebook":
      return `${value.type} ${truncate(value.path, max)}`;
    case "pool":
      return `pool ${formatText(value.pool, max)}`;
    case "run":
      return `run ${value.runId}`;
    case "json":
      return `json ${formatJson(value.value, max)}`;
    case "bool":
      return `bool ${String(value.value)}`;
    case "int":
      return `int ${String(value.value)}`;
    case "float":
      return `float ${String(value.value)}`;
    case "timestamp":
      return `timestamp ${formatTimestamp(value.timestamp)}`;
    case "pythonArtifact":
      return `python ${value.module}.${value.name}`;
    case "asset":
      return `asset ${keyToString(value.assetKey)}`;
    case "job":
      return `job ${value.jobName}`;
    case "null":
      return "null";
    case "table":
      return `table (${value.schema.columns.length} columns, ${value.records.length} records)`;
    case "tableSchema":
      return `table schema (${plural(value.schema.columns.length, "column")})`;
    case "tableColumnLineage":
      return `column lineage (${plural(value.lineage.length, "column")})`;
    case "codeReferences":
      return `code references (${value.codeReferences.map(formatCodeReference).join(", ")})`;
    case "unknown":
      return `${value.typename} ${formatJson(value.raw, max)}`;
  }
}

/** Renders a JSON value compactly, shortened to `max` characters. */
export function formatJson(value: JsonValue | undefined, max = MAX_VALUE_LENGTH): string {
  return truncate(value === undefined ? "(none)" : JSON.stringify(value), max);
}

/** Renders a partitions definition: its type and Dagster's description. */
export function formatPartitions(def: PartitionsDefinition | null, max = MAX_VALUE_LENGTH): string {
  if (def === null) return "(unpartitioned)";
  const type = def.type === "UNKNOWN" ? def.unknownType : def.type;
  return `${type} ${formatText(def.description, max)}`;
}

/** Renders a partition mapping: its class and description. */
export function formatMapping(mapping: PartitionMapping | null, max = MAX_VALUE_LENGTH): string {
  if (mapping === null) return "(default)";
  return truncate(
    mapping.description ? `${mapping.className}: ${mapping.description}` : mapping.className,
    max,
  );
}

/** Renders an owner as Dagster writes it (an email, or `team:name`), shortened to `max`. */
export function formatOwner(owner: AssetOwner, max = MAX_VALUE_LENGTH): string {
  return truncate(ownerText(owner), max);
}

function formatCodeReference(
  ref: Extract<MetadataValue, { type: "codeReferences" }>["codeReferences"][number],
): string {
  if (ref.type === "localFile")
    return ref.lineNumber === null ? ref.filePath : `${ref.filePath}:${ref.lineNumber}`;
  if (ref.type === "url") return ref.url;
  return ref.typename;
}

function formatTimestamp(seconds: number): string {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? String(seconds) : date.toISOString();
}
