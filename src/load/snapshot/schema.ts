import { z } from "zod";
import { assetSchema, codeLocationSchema, graphSourceSchema } from "../../model/schema";
import { LIMITS, limitMessage } from "../limits";

/** The snapshot format version this release writes. */
export const SNAPSHOT_FORMAT_VERSION = 2 as const;

/**
 * Every snapshot format version this release reads: 1, whose assets carry no checks (they are
 * unknown), and 2, whose assets may carry `checks`.
 */
const SNAPSHOT_FORMAT_VERSIONS = [1, SNAPSHOT_FORMAT_VERSION] as const;

/** A whole snapshot file. */
export const snapshotSchema = z
  .object({
    $schema: z.string().exactOptional(),
    formatVersion: z.literal(SNAPSHOT_FORMAT_VERSIONS),
    source: graphSourceSchema.exactOptional(),
    codeLocations: z.array(codeLocationSchema).exactOptional(),
    assets: z.array(assetSchema).max(LIMITS.assets.value, { error: limitMessage("assets") }),
  })
  .superRefine((snapshot, ctx) => {
    // No version 1 writer had checks: a version 1 file with them was edited or mislabeled, and
    // reading them under the wrong version could pass off unchecked data as a known state.
    if (snapshot.formatVersion !== 1) return;
    const index = snapshot.assets.findIndex((asset) => asset.checks !== undefined);
    if (index === -1) return;
    const count = snapshot.assets.filter((asset) => asset.checks !== undefined).length;
    ctx.addIssue({
      code: "custom",
      path: ["assets", index, "checks"],
      message: `asset checks need formatVersion ${SNAPSHOT_FORMAT_VERSION}; a formatVersion 1 snapshot carries none (${count === 1 ? "1 asset has" : `${count} assets have`} checks)`,
    });
  })
  .meta({
    title: "asset-diff snapshot",
    description:
      "An asset graph in asset-diff's own format. Absent optional sections are unknown; null means none. Assets carry checks only from formatVersion 2.",
    // The version 1 rule above, for JSON Schema validators.
    if: { properties: { formatVersion: { const: 1 } } },
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's own if/then keywords.
    then: { properties: { assets: { items: { not: { required: ["checks"] } } } } },
  });
