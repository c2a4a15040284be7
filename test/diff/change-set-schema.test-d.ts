import { expectTypeOf, test } from "vitest";
import type { z } from "zod";
import type { AssetChange, AssetChangeDetails, ChangeSet } from "../../src/diff/change-set";
import type {
  assetChangeDetailsSchema,
  assetChangeSchema,
  changeSetSchema,
} from "../../src/diff/change-set-schema";

test("the change-set schema describes exactly the ChangeSet type", () => {
  expectTypeOf<z.output<typeof assetChangeDetailsSchema>>().toEqualTypeOf<AssetChangeDetails>();
  expectTypeOf<z.output<typeof assetChangeSchema>>().toEqualTypeOf<AssetChange>();
  expectTypeOf<z.output<typeof changeSetSchema>>().toEqualTypeOf<ChangeSet>();
});
