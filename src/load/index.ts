import { UnknownFormatError, ValidationError } from "../errors";
import type { AssetGraph } from "../model/asset";
import type { JsonValue } from "../model/json";
import {
  type FetchDagsterAssetGraphOptions,
  fetchDagsterAssetGraph,
} from "./dagster-graphql/client";
import { looksLikeDagsterGraphql } from "./dagster-graphql/envelope";
import { parseDagsterGraphql } from "./dagster-graphql/parse";
import { looksLikeDbtManifest, parseDbtManifest } from "./dbt/parse";
import type { DbtSettings } from "./dbt/settings";
import { looksLikeDgListDefs, parseDgListDefs } from "./dg/parse";
import { parseJsonText } from "./json";
import { type ReadInputOptions, readInputBytes, STDIN_NAME } from "./read";
import { NodeReuse, type Sharing, shareNodes } from "./reuse";
import { looksLikeSnapshot, parseSnapshot } from "./snapshot/snapshot";
import {
  checkUnreadElements,
  materialize,
  SplitFailure,
  splitFailureError,
  splitJson,
} from "./split";
import { locationWarnings } from "./warnings";

/** What every format's parser accepts. */
export interface FormatParseOptions {
  /** Names the input in error messages, e.g. a file name. */
  source?: string;
  /**
   * The code location (and repository) of the assets, for formats that do not carry them
   * (`dg list defs` output, dbt manifests); ignored by formats that do.
   */
  codeLocation?: string | null;
  repository?: string | null;
  /** How a dbt manifest is read (sources, key prefixes, ...); ignored by the other formats. */
  dbt?: DbtSettings;
  /** Receives what the parser read with a caveat (e.g. a dbt manifest of an unknown schema version). */
  onWarning?: (message: string) => void;
}

/**
 * The input formats asset-diff reads, in detection order. The single source for
 * {@link InputFormat}.
 */
export const INPUT_FORMATS = {
  snapshot: { detect: looksLikeSnapshot, parse: parseSnapshot, label: "asset-diff snapshot" },
  "dagster-graphql": {
    detect: looksLikeDagsterGraphql,
    parse: parseDagsterGraphql,
    label: "Dagster GraphQL response",
  },
  "dg-list-defs": {
    detect: looksLikeDgListDefs,
    parse: (json, options) => parseDgListDefs(materialize(json as JsonValue), options),
    label: "dg list defs --json output",
  },
  "dbt-manifest": {
    detect: looksLikeDbtManifest,
    parse: (json, { dbt, ...options }) =>
      parseDbtManifest(
        materialize(json as JsonValue),
        dbt === undefined ? options : { ...options, settings: dbt },
      ),
    label: "dbt manifest.json",
  },
} as const satisfies Record<
  string,
  {
    detect: (json: unknown) => boolean;
    parse: (json: unknown, options: FormatParseOptions) => AssetGraph;
    label: string;
  }
>;

/** A format name, e.g. `"dagster-graphql"`. */
export type InputFormat = keyof typeof INPUT_FORMATS;

/** Options of {@link parseAssetGraph}. */
export interface ParseAssetGraphOptions extends FormatParseOptions {
  /** The input's format; detected from its shape when `"auto"` or absent. */
  format?: InputFormat | "auto";
}

/**
 * Reads a parsed JSON document of any supported format into a normalized asset graph.
 *
 * @example
 * const graph = parseAssetGraph(JSON.parse(text), { source: "branch.json" });
 */
export function parseAssetGraph(json: unknown, options: ParseAssetGraphOptions = {}): AssetGraph {
  const { format: requested, ...parseOptions } = options;
  const format =
    requested === undefined || requested === "auto"
      ? detectFormat(json, options.source)
      : requested;
  try {
    return INPUT_FORMATS[format].parse(json, parseOptions);
  } catch (error) {
    // Hostile nesting can exhaust the stack inside schema validation; report it as input.
    if (error instanceof RangeError) {
      throw new ValidationError(
        options.source,
        [{ path: [], message: "nests too deeply to read" }],
        { cause: error },
      );
    }
    throw error;
  }
}

/**
 * Names the format of a parsed JSON document, or throws an {@link UnknownFormatError} that lists
 * the formats asset-diff reads.
 *
 * @example
 * detectFormat({ data: { assetNodes: [] } }); // "dagster-graphql"
 */
function detectFormat(json: unknown, source?: string): InputFormat {
  for (const [name, format] of Object.entries(INPUT_FORMATS) as [
    InputFormat,
    (typeof INPUT_FORMATS)[InputFormat],
  ][]) {
    if (format.detect(json)) return name;
  }
  const known = Object.values(INPUT_FORMATS)
    .map((f) => f.label)
    .join(", ");
  throw new UnknownFormatError(source, `is not a format asset-diff reads (${known})`);
}

/** Options of {@link loadAssetGraph}. */
export interface LoadAssetGraphOptions extends ReadInputOptions, FetchDagsterAssetGraphOptions {
  /** The input's format; detected from its shape when `"auto"` or absent. Ignored for URLs. */
  format?: InputFormat | "auto";
  /** The code location of assets whose input does not name one (dg, dbt). */
  codeLocation?: string | null;
  /** The repository of assets whose input does not name one (dg, dbt). */
  repository?: string | null;
  /** How a dbt manifest is read (sources, key prefixes, ...); ignored by the other formats. */
  dbt?: DbtSettings;
  /** Receives what a reader had to leave out or could not load (e.g. fields an older server lacks). */
  onWarning?: (message: string) => void;
  /**
   * Told how far reading a file or standard input has come: its bytes as they are read, then
   * its assets as they are read (Dagster GraphQL responses and snapshots). Not told for URLs.
   */
  onProgress?: (progress: LoadProgress) => void;
}

/** The steps of loading an input that {@link LoadAssetGraphOptions.onProgress} tells of. */
export const LOAD_STEPS = ["read", "parse"] as const;

/** One report of {@link LoadAssetGraphOptions.onProgress}. */
export interface LoadProgress {
  /** `read` counts the input's bytes, `parse` its assets. */
  step: (typeof LOAD_STEPS)[number];
  /** How many so far. */
  done: number;
  /** How many in all, when known (not for the bytes of standard input or of gzip). */
  total?: number;
}

/**
 * Reads an asset graph from a file, `-` (standard input) or an `http(s)://` URL of a Dagster
 * GraphQL endpoint, in any supported format.
 *
 * @example
 * const base = await loadAssetGraph("prod.json");
 * const branch = await loadAssetGraph("https://acme.dagster.cloud/pr-42/graphql");
 */
export async function loadAssetGraph(
  location: string,
  options: LoadAssetGraphOptions = {},
): Promise<AssetGraph> {
  if (isUrl(location)) {
    const { graph, warnings } = await fetchDagsterAssetGraph(location, options);
    for (const warning of warnings) options.onWarning?.(warning);
    return graph;
  }
  const bytes = await readInputBytes(location, options, bytesProgress(options.onProgress));
  return graphOfBytes(bytes, location, options);
}

/** {@link readInputBytes}'s progress as {@link LoadProgress}. */
function bytesProgress(
  onProgress: LoadAssetGraphOptions["onProgress"],
): ((read: number, total: number | undefined) => void) | undefined {
  if (onProgress === undefined) return undefined;
  return (done, total) =>
    onProgress(total === undefined ? { step: "read", done } : { step: "read", done, total });
}

/** The graph of an input's bytes: split, then read by its format's parser (see `split.ts`). */
function graphOfBytes(
  bytes: Buffer,
  location: string,
  options: LoadAssetGraphOptions,
  sharing?: Sharing,
): AssetGraph {
  const source = location === "-" ? STDIN_NAME : location;
  const parseOptions: ParseAssetGraphOptions = { format: options.format ?? "auto", source };
  if (options.codeLocation !== undefined) parseOptions.codeLocation = options.codeLocation;
  if (options.repository !== undefined) parseOptions.repository = options.repository;
  if (options.dbt !== undefined) parseOptions.dbt = options.dbt;
  // Warnings wait until the graph is read: a second reading must not repeat them.
  const warnings: string[] = [];
  parseOptions.onWarning = (message) => warnings.push(message);
  let graph: AssetGraph;
  const { onProgress } = options;
  try {
    const json = splitJson(bytes);
    const told: Sharing =
      onProgress === undefined
        ? (sharing ?? {})
        : { ...sharing, onNodes: (done, total) => onProgress({ step: "parse", done, total }) };
    shareNodes(json, told);
    graph = parseAssetGraph(json, parseOptions);
    checkUnreadElements(json);
  } catch (error) {
    if (!(error instanceof SplitFailure)) throw error;
    // Read again as one text, for the error with its line and column.
    warnings.length = 0;
    if (bytes.length > MAX_TEXT_BYTES) throw splitFailureError(error, source);
    graph = parseAssetGraph(parseJsonText(bytes.toString("utf8"), source), parseOptions);
  }
  for (const warning of warnings) options.onWarning?.(warning);
  for (const warning of locationWarnings(graph)) options.onWarning?.(warning);
  return graph;
}

/** The longest input read again as one text: V8's longest string, 2^29 − 24 characters. */
const MAX_TEXT_BYTES = 2 ** 29 - 24;

/** Options of {@link loadAssetGraphs}: those of {@link loadAssetGraph}, with warnings told per side. */
export interface LoadAssetGraphsOptions
  extends Omit<LoadAssetGraphOptions, "onWarning" | "onProgress"> {
  /** Receives what a reader had to leave out, and the side (`"base"` or `"branch"`) it came from. */
  onWarning?: (message: string, side: "base" | "branch") => void;
  /** Told how far reading each input has come, and which. */
  onProgress?: (progress: LoadProgress, side: "base" | "branch") => void;
}

/**
 * Reads the two graphs of a comparison, base and branch, as {@link loadAssetGraph} reads each.
 * Faster than two calls when the inputs share most of their assets, as a branch shares them with
 * production: an asset node written identically in both is read once and the two graphs share
 * the one asset object (graphs are immutable values), which `diffAssetGraphs` settles at once.
 *
 * @example
 * const { base, branch } = await loadAssetGraphs("prod.json", "branch.json");
 * const changes = diffAssetGraphs(base, branch);
 */
export async function loadAssetGraphs(
  base: string,
  branch: string,
  options: LoadAssetGraphsOptions = {},
): Promise<{ base: AssetGraph; branch: AssetGraph }> {
  const { onWarning, onProgress, ...shared } = options;
  const sideOptions = (side: "base" | "branch"): LoadAssetGraphOptions => {
    const one: LoadAssetGraphOptions = { ...shared };
    if (onWarning !== undefined) one.onWarning = (message) => onWarning(message, side);
    if (onProgress !== undefined) one.onProgress = (progress) => onProgress(progress, side);
    return one;
  };
  if (isUrl(base) || isUrl(branch)) {
    const [baseGraph, branchGraph] = await Promise.all([
      loadAssetGraph(base, sideOptions("base")),
      loadAssetGraph(branch, sideOptions("branch")),
    ]);
    return { base: baseGraph, branch: branchGraph };
  }
  // Both read first (the base's failure wins, as it is named first), then parsed in turn: the
  // branch reuses the base's reading of every node written alike.
  const baseOptions = sideOptions("base");
  const branchOptions = sideOptions("branch");
  const [baseBytes, branchBytes] = await Promise.allSettled([
    readInputBytes(base, shared, bytesProgress(baseOptions.onProgress)),
    readInputBytes(branch, shared, bytesProgress(branchOptions.onProgress)),
  ]);
  if (baseBytes.status === "rejected") throw baseBytes.reason;
  if (branchBytes.status === "rejected") throw branchBytes.reason;
  const reuse = new NodeReuse();
  const baseGraph = graphOfBytes(baseBytes.value, base, baseOptions, {
    reuse,
    role: "remember",
  });
  const branchGraph = graphOfBytes(branchBytes.value, branch, branchOptions, {
    reuse,
    role: "find",
  });
  return { base: baseGraph, branch: branchGraph };
}

/**
 * True for an `http://` or `https://` address (read over GraphQL) rather than a file path.
 *
 * @example
 * isUrl("http://localhost:3000/graphql"); // true
 */
function isUrl(location: string): boolean {
  return /^https?:\/\//i.test(location);
}
