import { UnknownFormatError, ValidationError } from "../errors";
import type { AssetGraph } from "../model/asset";
import { looksLikeDagsterGraphql, parseDagsterGraphql } from "./dagster-graphql/parse";
import { parseJsonText } from "./json";
import { type ReadInputOptions, readInputText, STDIN_NAME } from "./read";
import { looksLikeSnapshot, parseSnapshot } from "./snapshot/snapshot";

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
} as const satisfies Record<
  string,
  {
    detect: (json: unknown) => boolean;
    parse: (json: unknown, options: { source?: string }) => AssetGraph;
    label: string;
  }
>;

/** A format name, e.g. `"dagster-graphql"`. */
export type InputFormat = keyof typeof INPUT_FORMATS;

/** Options of {@link parseAssetGraph}. */
export interface ParseAssetGraphOptions {
  /** The input's format; detected from its shape when `"auto"` or absent. */
  format?: InputFormat | "auto";
  /** Names the input in error messages, e.g. a file name. */
  source?: string;
}

/**
 * Reads a parsed JSON document of any supported format into a normalized asset graph.
 *
 * @example
 * const graph = parseAssetGraph(JSON.parse(text), { source: "branch.json" });
 */
export function parseAssetGraph(json: unknown, options: ParseAssetGraphOptions = {}): AssetGraph {
  const format =
    options.format === undefined || options.format === "auto"
      ? detectFormat(json, options.source)
      : options.format;
  const parserOptions = options.source === undefined ? {} : { source: options.source };
  try {
    return INPUT_FORMATS[format].parse(json, parserOptions);
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
export function detectFormat(json: unknown, source?: string): InputFormat {
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
export interface LoadAssetGraphOptions extends ReadInputOptions {
  /** The input's format; detected from its shape when `"auto"` or absent. */
  format?: InputFormat | "auto";
}

/**
 * Reads an asset graph from a file (or `-` for standard input) in any supported format.
 *
 * @example
 * const base = await loadAssetGraph("prod.json");
 */
export async function loadAssetGraph(
  path: string,
  options: LoadAssetGraphOptions = {},
): Promise<AssetGraph> {
  const source = path === "-" ? STDIN_NAME : path;
  const text = await readInputText(path, options);
  const json = parseJsonText(text, source);
  return parseAssetGraph(json, { format: options.format ?? "auto", source });
}
