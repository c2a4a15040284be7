import { writeFileSync } from "node:fs";
import { jsonSchemas } from "../src/json-schemas";

// Regenerates the committed JSON Schemas from the zod schemas (a test checks they are current).
for (const [file, schema] of Object.entries(jsonSchemas())) {
  writeFileSync(file, `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote ${file}`);
}
