// Types of the asset-graph matchers on jest's `expect` (from `@jest/globals`, i.e. the `expect`
// package), as docs/testing.md tells users to write.
import "expect";
import type { AssetGraphMatchers } from "../../src/testing/index";

declare module "expect" {
  interface Matchers<R extends void | Promise<void>, T = unknown> extends AssetGraphMatchers<R> {}
}
