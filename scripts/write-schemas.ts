import { writeFileSync } from "node:fs";
import { jsonSchemas } from "../src/json-schemas";

// Regenerates the committed JSON Schemas from the zod schemas (a test checks they are current).
const schemas = jsonSchemas();
writeFileSync("docs/snapshot.schema.json", `${JSON.stringify(schemas.snapshot, null, 2)}\n`);
writeFileSync("docs/change-set.schema.json", `${JSON.stringify(schemas.changeSet, null, 2)}\n`);
console.log("wrote docs/snapshot.schema.json and docs/change-set.schema.json");
