/**
 * Cuts from Dagster's GraphQL schema the part asset-diff's queries touch: every type and field
 * the documents select, with the types of their arguments, so that tests can run a server with
 * the real Dagster types without the whole schema.
 *
 *   tsx scripts/dagster-schema-subset.ts ../shared/reference/dagster/schema.graphql > fixtures/dagster/schema.graphql
 */
import { readFileSync } from "node:fs";
import { dagsterSchemaSubset } from "../test/helpers/schema-subset";

const path = process.argv[2] ?? "../shared/reference/dagster/schema.graphql";
process.stdout.write(dagsterSchemaSubset(readFileSync(path, "utf8")));
