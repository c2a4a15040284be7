import { z } from "zod";
import { changeSetSchema } from "./diff/change-set-schema";
import { snapshotSchema } from "./load/snapshot/schema";
import { approvalsSchema } from "./policies/approvals";
import { configSchema } from "./policies/config";

/**
 * The JSON Schemas (draft 2020-12) of asset-diff's files, by the `docs/` file each is committed
 * as, generated from the zod schemas that validate them (`npm run schemas` writes them). Each
 * `$id` is the committed file's address in the repository; the package exports each file as
 * `asset-diff/schemas/<name>.json`.
 *
 * @example
 * for (const [file, schema] of Object.entries(jsonSchemas())) writeFileSync(file, JSON.stringify(schema));
 */
export function jsonSchemas(): Record<string, object> {
  return {
    "docs/snapshot.schema.json": withId(
      "docs/snapshot.schema.json",
      z.toJSONSchema(snapshotSchema, { target: "draft-2020-12", io: "input" }),
    ),
    "docs/change-set.schema.json": withId(
      "docs/change-set.schema.json",
      z.toJSONSchema(changeSetSchema, { target: "draft-2020-12", io: "output" }),
    ),
    "docs/config.schema.json": withId(
      "docs/config.schema.json",
      z.toJSONSchema(configSchema, { target: "draft-2020-12", io: "input" }),
    ),
    "docs/approvals.schema.json": withId(
      "docs/approvals.schema.json",
      z.toJSONSchema(approvalsSchema, { target: "draft-2020-12", io: "input" }),
    ),
  };
}

// --- internal ---

/** Where the committed schemas are served from: the repository's default branch. */
const SCHEMA_ID_BASE = "https://raw.githubusercontent.com/asset-diff/asset-diff/main/";

/** The schema with its `$id` placed right after `$schema`, as schema documents usually read. */
function withId(file: string, schema: object): object {
  const { $schema, ...rest } = schema as { $schema?: string };
  return { $schema, $id: `${SCHEMA_ID_BASE}${file}`, ...rest };
}
