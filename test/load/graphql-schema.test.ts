import { existsSync, readFileSync } from "node:fs";
import { buildSchema, graphql, parse, validate } from "graphql";
import { describe, expect, test } from "vitest";
import { WORKSPACE_ASSET_NODES_QUERY } from "../../src/load/dagster-graphql/query";
import { DOCUMENTS } from "../helpers/schema-subset";
import { withAssetChecks, workspaceNodes } from "./dagster-graphql/stand-in";

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

  /** The query's answer over `data` with default resolvers. */
  const answer = async (data: unknown) => {
    const result = await graphql({
      schema: schema(),
      source: WORKSPACE_ASSET_NODES_QUERY,
      rootValue: data,
    });
    expect(result.errors).toBeUndefined();
    return JSON.parse(JSON.stringify(result.data));
  };

  test.each(["fixtures/example/base.json", "fixtures/example/branch.json"])(
    "%s is exactly what a Dagster server answers to that query",
    async (path) => {
      // A fixture saved before the query selected asset checks is given none.
      const data = withAssetChecks(JSON.parse(readFileSync(path, "utf8")).data);
      // Executing the query over the fixture's own data with default resolvers reproduces it only
      // when every field is one the schema has, with the right types and nullability.
      expect(await answer(data)).toEqual(data);
    },
  );

  test("asset checks and the error members are answered as asset-diff reads them", async () => {
    const data = JSON.parse(readFileSync("fixtures/example/base.json", "utf8")).data;
    const nodes = workspaceNodes(data);
    nodes.forEach((node, i) => {
      node.assetChecksOrError =
        i === 0
          ? {
              __typename: "AssetChecks",
              checks: [
                {
                  name: "rates_positive",
                  description: null,
                  blocking: true,
                  additionalAssetKeys: [{ path: ["raw", "stripe", "charges"] }],
                  automationCondition: { label: "on_cron", expandedLabel: ["on_cron(0 * * * *)"] },
                },
              ],
            }
          : i === 1
            ? { __typename: "AssetCheckNeedsUserCodeUpgrade", message: "Upgrade." }
            : { __typename: "AssetChecks", checks: [] };
    });
    expect(await answer(data)).toEqual(data);
  });
});
