import { existsSync, readFileSync } from "node:fs";
import { buildSchema, graphql, parse, validate } from "graphql";
import { describe, expect, test } from "vitest";
import { WORKSPACE_ASSET_NODES_QUERY } from "../../src/load/dagster-graphql/query";
import { DOCUMENTS } from "../helpers/schema-subset";

// Dagster's real GraphQL schema, kept beside the project; these checks need it.
const SCHEMA = "../shared/reference/dagster/schema.graphql";

describe.runIf(existsSync(SCHEMA))("GraphQL documents against Dagster's schema", () => {
  // Built inside the tests: a skipped suite's body still runs when the file is absent.
  let built: ReturnType<typeof buildSchema> | undefined;
  const schema = () => {
    built ??= buildSchema(readFileSync(SCHEMA, "utf8"));
    return built;
  };

  test.each(DOCUMENTS)("every document asset-diff sends validates (%#)", (document) => {
    expect(validate(schema(), parse(document)).map((e) => e.message)).toEqual([]);
  });

  test.each(["fixtures/example/base.json", "fixtures/example/branch.json"])(
    "%s is exactly what a Dagster server answers to that query",
    async (path) => {
      const response = JSON.parse(readFileSync(path, "utf8"));
      // Executing the query over the fixture's own data with default resolvers reproduces it only
      // when every field is one the schema has, with the right types and nullability.
      const result = await graphql({
        schema: schema(),
        source: WORKSPACE_ASSET_NODES_QUERY,
        rootValue: response.data,
      });
      expect(result.errors).toBeUndefined();
      expect(JSON.parse(JSON.stringify(result.data))).toEqual(response.data);
    },
  );
});
