import { expectTypeOf, test } from "vitest";
import type { z } from "zod";
import type { snapshotSchema } from "../../src/load/snapshot/schema";
import type {
  Asset,
  AssetCheck,
  CodeLocation,
  GraphSource,
  PartitionsDefinition,
} from "../../src/model/asset";
import type { MetadataValue } from "../../src/model/metadata";
import type {
  assetCheckSchema,
  assetSchema,
  codeLocationSchema,
  graphSourceSchema,
  metadataValueSchema,
  partitionsDefinitionSchema,
} from "../../src/model/schema";

test("the snapshot schemas describe exactly the model types", () => {
  expectTypeOf<z.output<typeof assetSchema>>().toEqualTypeOf<Asset>();
  expectTypeOf<z.output<typeof metadataValueSchema>>().toEqualTypeOf<MetadataValue>();
  expectTypeOf<z.output<typeof partitionsDefinitionSchema>>().toEqualTypeOf<PartitionsDefinition>();
  expectTypeOf<z.output<typeof codeLocationSchema>>().toEqualTypeOf<CodeLocation>();
  expectTypeOf<z.output<typeof graphSourceSchema>>().toEqualTypeOf<GraphSource>();
  expectTypeOf<z.output<typeof assetCheckSchema>>().toEqualTypeOf<AssetCheck>();
});

test("a snapshot is of version 1 or 2, and its assets are the model's", () => {
  expectTypeOf<z.output<typeof snapshotSchema>["formatVersion"]>().toEqualTypeOf<1 | 2>();
  expectTypeOf<z.output<typeof snapshotSchema>["assets"]>().toEqualTypeOf<Asset[]>();
});
