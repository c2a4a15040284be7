import { z } from "zod";
import { changeSetSchema } from "./diff/change-set-schema";
import { snapshotSchema } from "./load/snapshot/schema";

/**
 * The JSON Schemas (draft 2020-12) of asset-diff's files, generated from the zod schemas that
 * validate them; committed as `docs/snapshot.schema.json` and `docs/change-set.schema.json`.
 *
 * @example
 * writeFileSync("snapshot.schema.json", JSON.stringify(jsonSchemas().snapshot, null, 2));
 */
export function jsonSchemas(): { snapshot: object; changeSet: object } {
  return {
    snapshot: z.toJSONSchema(snapshotSchema, {
      target: "draft-2020-12",
      io: "input",
    }),
    changeSet: z.toJSONSchema(changeSetSchema, {
      target: "draft-2020-12",
      io: "output",
    }),
  };
}
