/**
 * asset-diff/testing: snapshot-test asset graphs and assert what a branch changes, in vitest or
 * jest. A serializer for `expect.addSnapshotSerializer` and matchers for `expect.extend`; neither
 * framework is imported, both are driven through the protocol they share.
 *
 * @example
 * import { assetGraphMatchers, assetGraphSerializer } from "asset-diff/testing";
 * expect.addSnapshotSerializer(assetGraphSerializer);
 * expect.extend(assetGraphMatchers);
 */

export type { ExpectedAssetChanges } from "./_changes";
export type { AssetGraphMatcherContext, AssetGraphMatcherResult } from "./_context";
export { type FormatAssetGraphOptions, formatAssetGraph } from "./format";
export {
  type AssetChangesOptions,
  type AssetGraphMatcherFunctions,
  type AssetGraphMatchers,
  type AssetGraphMatchersOptions,
  type AssetGraphSnapshotOptions,
  assetGraphMatchers,
  createAssetGraphMatchers,
} from "./matchers";
export {
  assetGraphSerializer,
  createAssetGraphSerializer,
  isAssetGraph,
  type SnapshotSerializer,
} from "./serializer";
