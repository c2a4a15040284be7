import { expectTypeOf, test } from "vitest";
import type { z } from "zod";
import type { Asset, CodeLocation, GraphSource, PartitionsDefinition } from "../../src/model/asset";
import type { MetadataValue } from "../../src/model/metadata";
import type {
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
});
