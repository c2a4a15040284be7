import type { z } from "zod";
import { UnknownFormatError, type ValidationError, validate } from "../../errors";
import type { Asset, AssetGraph } from "../../model/asset";
import { isJsonObject, type JsonValue } from "../../model/json";
import { assetCheckSchema, assetSchema } from "../../model/schema";
import { normalize, normalizeAssetAlone, normalizeValidated } from "../../normalize/normalize";
import { LIMITS } from "../limits";
import { PROGRESS_NODES, sharingOf } from "../reuse";
import { isRawElement, materialize, parseRawElement } from "../split";
import { SNAPSHOT_FORMAT_VERSION, snapshotSchema } from "./schema";

/** Options of {@link parseSnapshot}. */
export interface ParseSnapshotOptions {
  /** Names the input in error messages, e.g. a file name. */
  source?: string;
}

/**
 * Reads asset-diff's own snapshot format into a normalized asset graph: `formatVersion: 2`, whose
 * assets may carry `checks`, or `formatVersion: 1`, whose assets carry none (their checks are
 * unknown; a version 1 file that has `checks` is a {@link ValidationError} naming the first
 * asset). A newer version is an {@link UnknownFormatError} that asks for an upgrade.
 *
 * @example
 * const graph = parseSnapshot(JSON.parse(text), { source: "prod.snapshot.json" });
 */
export function parseSnapshot(json: unknown, options: ParseSnapshotOptions = {}): AssetGraph {
  const version =
    typeof json === "object" && json !== null && "formatVersion" in json
      ? json.formatVersion
      : undefined;
  if (typeof version === "number" && version > SNAPSHOT_FORMAT_VERSION) {
    throw new UnknownFormatError(
      options.source,
      `snapshot formatVersion ${version} is newer than this asset-diff reads (${SNAPSHOT_FORMAT_VERSION}); upgrade asset-diff`,
    );
  }
  const { assets, codeLocations, source } =
    readSplitSnapshot(json) ??
    validate(snapshotSchema, materialize(json as JsonValue), options.source);
  const graph: AssetGraph = { assets };
  if (codeLocations !== undefined) graph.codeLocations = codeLocations;
  if (source !== undefined) graph.source = source;
  return normalizeValidated(graph, options.source === undefined ? {} : { source: options.source });
}

/** Options of {@link serializeSnapshot}. */
export interface SerializeSnapshotOptions {
  /**
   * Indentation of the JSON text. By default each asset is one line (compact, and a change to
   * an asset is a change to its line); a number indents the whole text by that many spaces, 0
   * writes it on one line.
   */
  indent?: number;
}

/**
 * Writes an asset graph in asset-diff's snapshot format (`formatVersion: 2`): canonical order,
 * stable text, so that snapshots of equal graphs are byte-identical and reading one back gives
 * the same graph.
 *
 * @example
 * await writeFile("prod.snapshot.json", serializeSnapshot(graph));
 */
export function serializeSnapshot(
  graph: AssetGraph,
  options: SerializeSnapshotOptions = {},
): string {
  return [...snapshotChunks(graph, options)].join("");
}

/**
 * {@link serializeSnapshot}'s text in pieces (the head, then about a megabyte of assets at a
 * time), for writing a snapshot larger than one string can hold. Not part of the public API.
 */
export function* snapshotChunks(
  graph: AssetGraph,
  options: SerializeSnapshotOptions = {},
): Generator<string> {
  const canonical = normalize(graph);
  const document: Record<string, unknown> = { formatVersion: SNAPSHOT_FORMAT_VERSION };
  if (canonical.source !== undefined) document.source = canonical.source;
  if (canonical.codeLocations !== undefined) document.codeLocations = canonical.codeLocations;
  document.assets = [];
  const indent = options.indent;
  const order = keyOrderer();
  // The document without its assets ends in `[]` and its closing brace(s).
  const head = JSON.stringify(document, order, indent);
  if (canonical.assets.length === 0) {
    yield `${head}\n`;
    return;
  }
  const opened = head.slice(0, head.lastIndexOf("[") + 1);
  // Where each asset starts and what joins them: by line (the default), one line, or indented
  // by the document's depth (each asset is two levels deep).
  const pad = indent === undefined || indent === 0 ? "" : " ".repeat(indent * 2);
  const before = indent === 0 ? "" : `\n${pad}`;
  const after =
    indent === undefined ? "\n]}\n" : indent === 0 ? "]}\n" : `\n${" ".repeat(indent)}]\n}\n`;
  let chunk = opened;
  for (let i = 0; i < canonical.assets.length; i++) {
    const text = JSON.stringify(canonical.assets[i], order, indent || undefined);
    chunk += `${i === 0 ? "" : ","}${before}${pad === "" ? text : text.replaceAll("\n", `\n${pad}`)}`;
    if (chunk.length >= CHUNK_CHARACTERS) {
      yield chunk;
      chunk = "";
    }
  }
  yield `${chunk}${after}`;
}

// --- internal ---

/**
 * A split snapshot read asset by asset, each asset that both inputs of a comparison write alike
 * read once; `undefined` when the input is not split, or when anything in it does not validate
 * (the whole snapshot is then validated at once, for the errors of every asset with their paths).
 */
function readSplitSnapshot(json: unknown): z.output<typeof snapshotSchema> | undefined {
  if (!isJsonObject(json) || !Array.isArray(json.assets)) return undefined;
  const elements = json.assets;
  if (!elements.some(isRawElement) || elements.length > LIMITS.assets.value) return undefined;
  const envelope = snapshotSchema.safeParse({ ...json, assets: [] });
  if (!envelope.success) return undefined;
  const sharing = sharingOf(json);
  const assets: Asset[] = [];
  const total = elements.length;
  for (let i = 0; i < total; i++) {
    if (i % PROGRESS_NODES === 0) sharing?.onNodes?.(i, total);
    const element = elements[i];
    if (isRawElement(element)) {
      const known = sharing?.reuse?.find("", element);
      if (known !== undefined) {
        assets.push(known.asset);
        continue;
      }
    }
    const parsed = assetSchema.safeParse(
      isRawElement(element) ? parseRawElement(element) : element,
    );
    if (!parsed.success) return undefined;
    // Version 1 carries no checks: the whole-file validation says so.
    if (envelope.data.formatVersion === 1 && parsed.data.checks !== undefined) return undefined;
    const normalized =
      sharing?.role === "remember" && isRawElement(element)
        ? normalizeAssetAlone(parsed.data)
        : undefined;
    if (normalized === undefined) {
      assets.push(parsed.data);
      continue;
    }
    assets.push(normalized);
    if (isRawElement(element)) sharing?.reuse?.remember("", element, { asset: normalized });
  }
  sharing?.onNodes?.(total, total);
  return { ...envelope.data, assets };
}

/**
 * The order fields are written in: the model's own order for its fields, then any other key
 * (inside JSON values) alphabetically. Equal graphs thus serialize to the same bytes whichever
 * source built their objects.
 */
const FIELD_ORDER = [
  ...Object.keys(assetSchema.shape),
  ...[
    "formatVersion",
    "source",
    "codeLocations",
    "assets",
    "format",
    "name",
    "capturedAt",
    "status",
    "error",
  ],
  ...[
    "type",
    "unknownType",
    "typename",
    "label",
    "expandedLabel",
    "description",
    "fmt",
    "start",
    "end",
  ],
  ...[
    "cronSchedule",
    "timezone",
    "keys",
    "dimensions",
    "isPrimary",
    "dynamicPartitionsDefinitionName",
  ],
  ...[
    "className",
    "partitionMapping",
    "value",
    "text",
    "markdown",
    "url",
    "path",
    "pool",
    "runId",
    "module",
  ],
  ...[
    "timestamp",
    "assetKey",
    "jobName",
    "repositoryName",
    "locationName",
    "schema",
    "records",
    "columns",
  ],
  ...[
    "constraints",
    "nullable",
    "unique",
    "other",
    "lineage",
    "columnName",
    "columnDeps",
    "codeReferences",
  ],
  ...[
    "filePath",
    "lineNumber",
    "email",
    "team",
    "policyType",
    "maxMaterializationsPerMinute",
    "rules",
  ],
  ...[
    "decisionType",
    "failWindowSeconds",
    "warnWindowSeconds",
    "deadlineCron",
    "lowerBoundDeltaSeconds",
  ],
  ...["maximumLagMinutes", "cronScheduleTimezone", "maxPartitionsPerRun", "message", "raw"],
];
const RANK = new Map(FIELD_ORDER.map((field, i) => [field, i]));

/**
 * The order of an asset check's fields, its model's own. Checks get their own ranks: the global
 * order puts the asset's `description` and `automationCondition` before a check's `name`.
 */
const CHECK_RANK = new Map(Object.keys(assetCheckSchema.shape).map((field, i) => [field, i]));

/**
 * A `JSON.stringify` replacer that orders every object's keys: an asset check's by
 * {@link CHECK_RANK}, any other's by {@link RANK}. It knows a check by where it sits (an item of
 * an asset's `checks`), so that a JSON value holding a `checks` key is ordered like any other.
 */
/**
 * The replacer that writes every object's keys in {@link RANK} order (a check's in
 * {@link CHECK_RANK} order), for the snapshot document and for each asset written on its own: a
 * value written at the root (key `""`) that is not the document is an asset.
 */
function keyOrderer(): (this: unknown, key: string, value: unknown) => unknown {
  const assets = new WeakSet<object>();
  const checkLists = new WeakSet<object>();
  return function (this: unknown, key: string, value: unknown): unknown {
    if (value === null || typeof value !== "object") return value;
    const holder = this as object;
    if (Array.isArray(value)) {
      if (key === "checks" && assets.has(holder)) checkLists.add(value);
      return value;
    }
    const ordered = orderKeys(value, checkLists.has(holder) ? CHECK_RANK : RANK);
    if (key === "" && !("formatVersion" in value)) assets.add(ordered);
    return ordered;
  };
}

/** About how many characters {@link snapshotChunks} gives at a time. */
const CHUNK_CHARACTERS = 1 << 20;

function orderKeys(value: object, rank: ReadonlyMap<string, number>): object {
  const keys = Object.keys(value).sort((a, b) => {
    const ra = rank.get(a) ?? Number.MAX_SAFE_INTEGER;
    const rb = rank.get(b) ?? Number.MAX_SAFE_INTEGER;
    return ra - rb || (a < b ? -1 : a > b ? 1 : 0);
  });
  const ordered: Record<string, unknown> = {};
  for (const key of keys) {
    // defineProperty keeps a JSON key named "__proto__" an ordinary property.
    Object.defineProperty(ordered, key, {
      value: (value as Record<string, unknown>)[key],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return ordered;
}

/** True when `json` declares itself an asset-diff snapshot. */
export function looksLikeSnapshot(json: unknown): boolean {
  return (
    typeof json === "object" &&
    json !== null &&
    !Array.isArray(json) &&
    "formatVersion" in json &&
    "assets" in json
  );
}
