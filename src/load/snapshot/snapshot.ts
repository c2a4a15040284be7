import { UnknownFormatError, ValidationError } from "../../errors";
import type { AssetGraph } from "../../model/asset";
import { normalize } from "../../normalize/normalize";
import { zodIssues } from "../zod-issues";
import { SNAPSHOT_FORMAT_VERSION, snapshotSchema } from "./schema";

/** Options of {@link parseSnapshot}. */
export interface ParseSnapshotOptions {
  /** Names the input in error messages, e.g. a file name. */
  source?: string;
}

/**
 * Reads asset-diff's own snapshot format (`formatVersion: 1`) into a normalized asset graph.
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
  const parsed = snapshotSchema.safeParse(json);
  if (!parsed.success) throw new ValidationError(options.source, zodIssues(parsed.error));
  const { assets, codeLocations, source } = parsed.data;
  const graph: AssetGraph = { assets };
  if (codeLocations !== undefined) graph.codeLocations = codeLocations;
  if (source !== undefined) graph.source = source;
  return normalize(graph, options.source === undefined ? {} : { source: options.source });
}

/** Options of {@link serializeSnapshot}. */
export interface SerializeSnapshotOptions {
  /** Indentation of the JSON text; 2 by default, 0 for one line. */
  indent?: number;
}

/**
 * Writes an asset graph in asset-diff's snapshot format: canonical order, stable text, so that
 * snapshots of equal graphs are byte-identical and reading one back gives the same graph.
 *
 * @example
 * await writeFile("prod.snapshot.json", serializeSnapshot(graph));
 */
export function serializeSnapshot(
  graph: AssetGraph,
  options: SerializeSnapshotOptions = {},
): string {
  const canonical = normalize(graph);
  const document: Record<string, unknown> = { formatVersion: SNAPSHOT_FORMAT_VERSION };
  if (canonical.source !== undefined) document.source = canonical.source;
  if (canonical.codeLocations !== undefined) document.codeLocations = canonical.codeLocations;
  document.assets = canonical.assets;
  return `${JSON.stringify(document, null, options.indent ?? 2)}\n`;
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
