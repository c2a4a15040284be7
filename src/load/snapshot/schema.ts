import { z } from "zod";
import { assetSchema, codeLocationSchema, graphSourceSchema } from "../../model/schema";
import { LIMITS, limitMessage } from "../limits";

/** The snapshot format version this release reads and writes. */
export const SNAPSHOT_FORMAT_VERSION = 1 as const;

/** A whole snapshot file. */
export const snapshotSchema = z
  .object({
    $schema: z.string().exactOptional(),
    formatVersion: z.literal(SNAPSHOT_FORMAT_VERSION),
    source: graphSourceSchema.exactOptional(),
    codeLocations: z.array(codeLocationSchema).exactOptional(),
    assets: z.array(assetSchema).max(LIMITS.assets.value, { error: limitMessage("assets") }),
  })
  .meta({
    title: "asset-diff snapshot",
    description:
      "An asset graph in asset-diff's own format. Absent optional sections are unknown; null means none.",
  });
