import type { AssetGraph } from "../model/asset";
import { type FormatAssetGraphOptions, formatAssetGraph } from "./format";

/**
 * A snapshot serializer in the protocol that `expect.addSnapshotSerializer` takes in both vitest
 * and jest (a pretty-format plugin): `test` picks the values it prints, `serialize` prints them.
 *
 * @example
 * const serializer: SnapshotSerializer = createAssetGraphSerializer();
 * serializer.test({ assets: [] }); // true
 */
export interface SnapshotSerializer {
  /** True for the values this serializer prints. */
  test(value: unknown): boolean;
  /** Prints a value `test` accepted; lines after the first are indented by `indentation`. */
  serialize(
    value: unknown,
    config: unknown,
    indentation: string,
    depth: number,
    refs: unknown,
    printer: unknown,
  ): string;
}

/**
 * True when a value has the shape of an {@link AssetGraph}: a plain object with an `assets` array
 * of objects with `key` arrays of strings, and no fields an asset graph does not have. A shape
 * check only; `normalize` validates the rest.
 *
 * @example
 * isAssetGraph({ assets: [{ key: ["a"], codeLocation: null, repository: null }] }); // true
 * isAssetGraph({ data: { assetNodes: [] } }); // false: a Dagster GraphQL response
 */
export function isAssetGraph(value: unknown): value is AssetGraph {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const { assets } = value as { assets?: unknown };
  if (!Array.isArray(assets)) return false;
  if (!Object.keys(value).every((field) => GRAPH_FIELDS.has(field))) return false;
  return assets.every(
    (asset: unknown) =>
      typeof asset === "object" &&
      asset !== null &&
      Array.isArray((asset as { key?: unknown }).key) &&
      ((asset as { key: unknown[] }).key as unknown[]).every((part) => typeof part === "string"),
  );
}

/**
 * Makes a snapshot serializer that prints asset graphs with {@link formatAssetGraph} and the
 * given options, and leaves every other value to the next serializer.
 *
 * @example
 * expect.addSnapshotSerializer(createAssetGraphSerializer({ omitMetadata: ["dagster/row_count"] }));
 * expect(graph).toMatchSnapshot();
 */
export function createAssetGraphSerializer(
  options: FormatAssetGraphOptions = {},
): SnapshotSerializer {
  return {
    test: isAssetGraph,
    serialize(value, _config, indentation) {
      const text = formatAssetGraph(value as AssetGraph, options).replace(/\n$/, "");
      return text
        .split("\n")
        .map((line, index) => (index === 0 || line === "" ? line : `${indentation}${line}`))
        .join("\n");
    },
  };
}

/**
 * The asset-graph serializer with default options (code-reference line numbers masked).
 *
 * @example
 * // vitest.setup.ts or a jest setupFilesAfterEnv file
 * expect.addSnapshotSerializer(assetGraphSerializer);
 */
export const assetGraphSerializer: SnapshotSerializer = createAssetGraphSerializer();

// --- internal ---

const GRAPH_FIELDS = new Set(["assets", "codeLocations", "source"]);
