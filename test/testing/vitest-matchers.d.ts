// Types of the asset-graph matchers on vitest's `expect`, as docs/testing.md tells users to write.
import "vitest";
import type { AssetGraphMatchers } from "../../src/testing/index";

declare module "vitest" {
  // biome-ignore lint/suspicious/noExplicitAny: vitest declares Matchers<T = any>
  interface Matchers<T = any> extends AssetGraphMatchers<T> {}
}
