import { existsSync, readFileSync } from "node:fs";
import { afterEach, describe, expect, test } from "vitest";
import { diffAssetGraphs } from "../../../src/diff/diff";
import { GraphQLResponseError, JsonSyntaxError, SourceError } from "../../../src/errors";
import { fetchDagsterAssetGraph } from "../../../src/load/dagster-graphql/client";
import { parseAssetGraph } from "../../../src/load/index";
import {
  answer,
  DAGSTER_SDL,
  fixtureData,
  graphqlEndpoint,
  startServer,
  type TestServer,
} from "../../helpers/dagster-server";
import { dagsterSchemaSubset } from "../../helpers/schema-subset";
import { completeInputTypes, withAssetChecks, workspaceNodes } from "./stand-in";

const TOKEN = "tok-SECRET-8f2a91";
const fast = { retries: 2, retryDelayMs: 10, timeoutMs: 2_000 };
const servers: TestServer[] = [];
const serve = async (...args: Parameters<typeof startServer>) => {
  const server = await startServer(...args);
  servers.push(server);
  return server;
};
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** Everything an error exposes: message, stack, fields and causes. */
function everything(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 10; depth++) {
    const e = current as Error & Record<string, unknown>;
    parts.push(
      String(e.message),
      String(e.stack),
      JSON.stringify(e, Object.getOwnPropertyNames(e)),
    );
    current = e.cause;
  }
  return parts.join("\n");
}

// Brought up to the current query, should the fixture predate its asset checks.
const base = withAssetChecks(fixtureData("fixtures/example/base.json"));

describe("reading a Dagster GraphQL endpoint", () => {
  test("gives the same graph as the saved response, with both code locations", async () => {
    const server = await serve(graphqlEndpoint(base));
    const { graph, warnings } = await fetchDagsterAssetGraph(server.url, fast);
    const saved = parseAssetGraph({ data: base });
    expect(graph.assets).toEqual(saved.assets);
    expect(graph.codeLocations).toEqual([
      { name: "analytics", status: "loaded" },
      { name: "ingestion", status: "loaded" },
    ]);
    expect(warnings).toEqual([]);
    expect(graph.source).toMatchObject({ format: "dagster-graphql", name: server.url });
    // The same key in two code locations survives.
    expect(
      graph.assets
        .filter((a) => a.key.join("/") === "shared/currency_rates")
        .map((a) => a.codeLocation),
    ).toEqual(["analytics", "ingestion"]);
  });

  test("sends one POST with the workspace query and no token unless one is given", async () => {
    const server = await serve(graphqlEndpoint(base));
    await fetchDagsterAssetGraph(server.url, { ...fast, env: { DAGSTER_CLOUD_API_TOKEN: TOKEN } });
    expect(server.requests).toHaveLength(1);
    expect(JSON.parse(server.requests[0]?.body ?? "{}").query).toContain("workspaceOrError");
    // The environment's token goes to Dagster+ hosts only, never to this one.
    expect(server.requests[0]?.headers["dagster-cloud-api-token"]).toBeUndefined();
  });

  test("an explicit token is sent as Dagster-Cloud-Api-Token", async () => {
    const server = await serve(graphqlEndpoint(base));
    await fetchDagsterAssetGraph(server.url, { ...fast, token: TOKEN });
    expect(server.requests[0]?.headers["dagster-cloud-api-token"]).toBe(TOKEN);
  });

  test("the environment's token is sent to a Dagster+ host", async () => {
    const seen: string[] = [];
    const fetch: typeof globalThis.fetch = async (input, init) => {
      seen.push(new Headers(init?.headers).get("dagster-cloud-api-token") ?? "none");
      seen.push(String(input));
      return new Response(
        JSON.stringify({
          data: { workspaceOrError: { __typename: "Workspace", locationEntries: [] } },
        }),
        {
          headers: { "content-type": "application/json" },
        },
      );
    };
    await fetchDagsterAssetGraph("https://acme.dagster.cloud/prod/graphql", {
      fetch,
      env: { DAGSTER_CLOUD_API_TOKEN: TOKEN },
    });
    expect(seen).toEqual([TOKEN, "https://acme.dagster.cloud/prod/graphql"]);
  });

  test("a location that failed to load is reported, and its assets are never REMOVED", async () => {
    const data = structuredClone(base) as {
      workspaceOrError: { locationEntries: Record<string, unknown>[] };
    };
    const entry = data.workspaceOrError.locationEntries.find((e) => e.name === "ingestion");
    if (!entry) throw new Error("fixture changed");
    entry.locationOrLoadError = {
      __typename: "PythonError",
      message: "dagster._core.errors.DagsterImportError: No module named 'ingestion.defs'",
      className: "DagsterImportError",
    };
    const server = await serve(graphqlEndpoint(data));
    const { graph, warnings } = await fetchDagsterAssetGraph(server.url, fast);
    expect(warnings).toEqual([
      "code location ingestion failed to load: dagster._core.errors.DagsterImportError: No module named 'ingestion.defs'; its assets are unknown",
    ]);
    const changeSet = diffAssetGraphs(parseAssetGraph({ data: base }), graph);
    expect(changeSet.assets).toEqual([]);
    expect(changeSet.locations.find((l) => l.codeLocation === "ingestion")?.status).toBe(
      "notLoadedInBranch",
    );
  });
});

describe("servers older or newer than the schema", () => {
  test("fields an older server does not know are dropped, with warnings, and the rest loads", async () => {
    const older = DAGSTER_SDL.replace(/^\s+isAutoCreatedStub: Boolean!\n/m, "")
      .replace(/^\s+internalFreshnessPolicy: InternalFreshnessPolicy\n/m, "")
      .replace(/^type PoolMetadataEntry implements MetadataEntry \{[^}]*\}\n/m, "")
      .replace(/ \| PoolMetadataEntry/, "");
    expect(older).not.toContain("isAutoCreatedStub");
    const server = await serve(graphqlEndpoint(base, older));
    const { graph, warnings } = await fetchDagsterAssetGraph(server.url, fast);
    expect(warnings.sort()).toEqual([
      "the server does not know AssetNode.internalFreshnessPolicy; it is left out, and what it feeds is not compared",
      "the server does not know AssetNode.isAutoCreatedStub; it is left out, and what it feeds is not compared",
      "the server does not know the type PoolMetadataEntry; it is left out",
    ]);
    expect(graph.assets).toHaveLength(37);
    expect(
      graph.assets.every(
        (a) => a.freshnessPolicy === undefined && a.isAutoCreatedStub === undefined,
      ),
    ).toBe(true);
    const limitations = diffAssetGraphs(parseAssetGraph({ data: base }), graph).limitations;
    expect(limitations).toContainEqual({
      changeType: "FRESHNESS_POLICY",
      field: "freshnessPolicy",
      side: "branch",
      assets: 37,
    });
  });

  test("a server without asset checks: they are unknown, with one warning", async () => {
    const older = DAGSTER_SDL.replace(/^\s+assetChecksOrError\(.*\n/m, "")
      .replace(/^union AssetChecksOrError = .*\n\n/m, "")
      .replace(/^type AssetCheck\w* \{[^}]*\}\n\n/gm, "");
    expect(older).not.toMatch(/AssetCheck\b|AssetChecks|AssetCheckNeeds/);
    const server = await serve(graphqlEndpoint(base, older));
    const { graph, warnings } = await fetchDagsterAssetGraph(server.url, fast);
    // The unknown types inside the dropped field go with it, unmentioned.
    expect(warnings).toEqual([
      "the server does not know AssetNode.assetChecksOrError; it is left out, and what it feeds is not compared",
    ]);
    expect(graph.assets).toHaveLength(37);
    expect(graph.assets.every((a) => !("checks" in a))).toBe(true);
    expect(JSON.parse(server.requests[1]?.body ?? "{}").query).not.toContain("assetChecks");
  });

  test("checks fields an older server lacks are unknown, the others read", async () => {
    const older = DAGSTER_SDL.replace(/^\s+blocking: Boolean!\n/m, "")
      .replace(/^\s+additionalAssetKeys: \[AssetKey!\]!\n/m, "")
      .replace(/(type AssetCheck \{[^}]*?)\n\s+automationCondition: AutomationCondition/, "$1")
      .replace(/^type AssetCheckNeedsAgentUpgradeError \{[^}]*\}\n\n/m, "")
      .replace(" | AssetCheckNeedsAgentUpgradeError", "");
    expect(older).toMatch(/type AssetCheck \{\n {2}name: String!\n {2}description: String\n\}/);
    const data = structuredClone(base);
    for (const node of workspaceNodes(data)) {
      if ((node.assetKey as { path: string[] }).path.join("/") !== "shared/currency_rates")
        continue;
      node.assetChecksOrError = {
        __typename: "AssetChecks",
        checks: [
          {
            name: "rates_positive",
            description: "Every rate is above zero.",
            blocking: true,
            additionalAssetKeys: [{ path: ["raw", "stripe", "charges"] }],
            automationCondition: null,
          },
        ],
      };
    }
    const server = await serve(graphqlEndpoint(data, older));
    const { graph, warnings } = await fetchDagsterAssetGraph(server.url, fast);
    expect(warnings.sort()).toEqual([
      "the server does not know AssetCheck.additionalAssetKeys; it is left out, and what it feeds is not compared",
      "the server does not know AssetCheck.automationCondition; it is left out, and what it feeds is not compared",
      "the server does not know AssetCheck.blocking; it is left out, and what it feeds is not compared",
      "the server does not know the type AssetCheckNeedsAgentUpgradeError; it is left out",
    ]);
    const rates = graph.assets.filter((a) => a.key.join("/") === "shared/currency_rates");
    expect(rates.map((a) => a.checks)).toEqual([
      [{ name: "rates_positive", description: "Every rate is above zero." }],
      [{ name: "rates_positive", description: "Every rate is above zero." }],
    ]);
    for (const check of graph.assets.flatMap((a) => a.checks ?? [])) {
      expect(Object.keys(check).filter((f) => f !== "name" && f !== "description")).toEqual([]);
    }
  });

  test("a server that cannot list checks: they are unknown, with one warning for the graph", async () => {
    const data = structuredClone(base);
    for (const node of workspaceNodes(data)) {
      node.assetChecksOrError = {
        __typename: "AssetCheckNeedsMigrationError",
        message: "Asset checks require a storage migration. Run `dagster instance migrate`.",
      };
    }
    const server = await serve(graphqlEndpoint(data));
    const { graph, warnings } = await fetchDagsterAssetGraph(server.url, fast);
    expect(warnings).toEqual([
      "the server could not list the asset checks of 37 assets (AssetCheckNeedsMigrationError: Asset checks require a storage migration. Run `dagster instance migrate`.); their checks are not compared",
    ]);
    expect(graph.assets.every((a) => !("checks" in a))).toBe(true);
  });

  test("a newer server's extra fields and enum values are tolerated", async () => {
    const newer =
      `${DAGSTER_SDL.replace("type AssetNode {", "type AssetNode {\n  hasWipePermission: Boolean!")}`.replace(
        "enum PartitionDefinitionType {",
        "enum PartitionDefinitionType {\n  HYPERCUBE",
      );
    const data = structuredClone(base) as {
      workspaceOrError: {
        locationEntries: {
          locationOrLoadError: { repositories: { assetNodes: Record<string, unknown>[] }[] };
        }[];
      };
    };
    const node =
      data.workspaceOrError.locationEntries[0]?.locationOrLoadError.repositories[0]?.assetNodes[0];
    if (!node) throw new Error("fixture changed");
    node.hasWipePermission = true;
    node.partitionDefinition = {
      type: "HYPERCUBE",
      description: "4-d",
      name: null,
      fmt: null,
      dimensionTypes: [],
    };
    const server = await serve(graphqlEndpoint(data, newer));
    const { graph, warnings } = await fetchDagsterAssetGraph(server.url, fast);
    expect(warnings).toEqual([]);
    expect(graph.assets.some((a) => a.partitionsDefinition?.type === "UNKNOWN")).toBe(true);
  });
});

describe("failures give typed errors, retried where it helps", () => {
  test("401: the token is missing or wrong, said without printing it", async () => {
    const server = await serve(answer(401, '{"error":"unauthorized"}'));
    const error = await fetchDagsterAssetGraph(server.url, { ...fast, token: TOKEN }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SourceError);
    expect(error).toMatchObject({ code: "SOURCE_AUTH", status: 401, attempts: 1 });
    expect((error as Error).message).toBe(
      `${server.url}: the server refused the request (HTTP 401): the API token is missing or wrong (Dagster+ reads it from DAGSTER_CLOUD_API_TOKEN)`,
    );
    expect(everything(error)).not.toContain(TOKEN);
  });

  test("403 is an authentication error too, not retried", async () => {
    const server = await serve(answer(403, "forbidden", "text/plain"));
    await expect(fetchDagsterAssetGraph(server.url, fast)).rejects.toMatchObject({
      code: "SOURCE_AUTH",
      status: 403,
    });
    expect(server.requests).toHaveLength(1);
  });

  test("500 then success: retried, and the graph loads", async () => {
    const ok = graphqlEndpoint(base);
    const server = await serve((req, res, received, count) =>
      count === 1
        ? answer(500, "boom", "text/plain")(req, res, received, count)
        : ok(req, res, received, count),
    );
    const { graph } = await fetchDagsterAssetGraph(server.url, fast);
    expect(graph.assets).toHaveLength(37);
    expect(server.requests).toHaveLength(2);
  });

  test("5xx on every attempt gives up after the allowed retries", async () => {
    const server = await serve(answer(503, "maintenance", "text/plain"));
    const error = await fetchDagsterAssetGraph(server.url, { ...fast, token: TOKEN }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: "SOURCE_HTTP", status: 503, attempts: 3 });
    expect((error as Error).message).toBe(
      `${server.url}: the server answered HTTP 503 on all 3 attempts`,
    );
    expect(server.requests).toHaveLength(3);
    expect(everything(error)).not.toContain(TOKEN);
  });

  test("429 honours Retry-After", async () => {
    const ok = graphqlEndpoint(base);
    const server = await serve((req, res, received, count) => {
      if (count > 1) return ok(req, res, received, count);
      res.writeHead(429, { "retry-after": "0", "content-type": "text/plain" }).end("slow down");
    });
    await expect(fetchDagsterAssetGraph(server.url, fast)).resolves.toBeDefined();
    expect(server.requests).toHaveLength(2);
  });

  test("a slow server times out, bounded", async () => {
    const server = await serve(() => new Promise(() => {}));
    const started = Date.now();
    const error = await fetchDagsterAssetGraph(server.url, {
      retries: 1,
      retryDelayMs: 10,
      timeoutMs: 200,
      token: TOKEN,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "SOURCE_TIMEOUT", attempts: 2 });
    expect((error as Error).message).toBe(
      `${server.url}: no response within 200 ms (after 2 attempts)`,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(everything(error)).not.toContain(TOKEN);
  });

  test("a server that is not there is a network error after the retries", async () => {
    const server = await serve(answer(200, "{}"));
    const url = server.url;
    await server.close();
    servers.length = 0;
    const error = await fetchDagsterAssetGraph(url, fast).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "SOURCE_NETWORK", attempts: 3 });
    expect((error as Error).message).toMatch(
      /could not be reached \(ECONNREFUSED\) \(after 3 attempts\)$/,
    );
  });

  test("GraphQL errors are reported, not retried", async () => {
    const server = await serve(
      graphqlEndpoint({
        workspaceOrError: () => {
          throw new Error("Permission denied for workspace");
        },
      }),
    );
    const error = await fetchDagsterAssetGraph(server.url, fast).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphQLResponseError);
    expect((error as Error).message).toBe(
      `${server.url}: $.errors[0]: GraphQL error: Permission denied for workspace`,
    );
    expect(server.requests).toHaveLength(1);
  });

  test("an error union member is reported with its message", async () => {
    const server = await serve(
      graphqlEndpoint({
        workspaceOrError: {
          __typename: "PythonError",
          message: "workspace unavailable",
          className: null,
        },
      }),
    );
    await expect(fetchDagsterAssetGraph(server.url, fast)).rejects.toThrow(
      `${server.url}: $.data.workspaceOrError: the server returned PythonError instead of Workspace: workspace unavailable`,
    );
  });

  test("malformed JSON names the URL, line and column", async () => {
    const server = await serve(answer(200, '{"data": {"workspaceOrError": '));
    const error = await fetchDagsterAssetGraph(server.url, fast).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JsonSyntaxError);
    expect((error as Error).message).toMatch(
      new RegExp(`^${server.url}: invalid JSON at line 1, column 31`),
    );
  });

  test("a body that is not JSON (a proxy's HTML page) is refused without echoing it", async () => {
    const server = await serve(
      answer(200, `<html>login for ${TOKEN}</html>`, "text/html; charset=utf-8"),
    );
    const error = await fetchDagsterAssetGraph(server.url, fast).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "SOURCE_NOT_JSON" });
    expect((error as Error).message).toBe(
      `${server.url}: expected a JSON GraphQL response, got HTTP 200 with content type text/html`,
    );
    expect(everything(error)).not.toContain(TOKEN);
  });

  test.each([
    ["declared by Content-Length", true],
    ["streamed without a length", false],
  ])("a response over the size limit is refused (%s)", async (_name, declared) => {
    const body = JSON.stringify({ data: base });
    const server = await serve((_req, res) => {
      res.writeHead(
        200,
        declared
          ? { "content-type": "application/json", "content-length": Buffer.byteLength(body) }
          : { "content-type": "application/json" },
      );
      res.end(body);
    });
    await expect(
      fetchDagsterAssetGraph(server.url, { ...fast, maxBytes: 10_000 }),
    ).rejects.toMatchObject({ code: "SOURCE_TOO_LARGE" });
  });

  test("credentials in the URL are sent as Basic auth, not in the URL", async () => {
    const server = await serve(graphqlEndpoint(base));
    await fetchDagsterAssetGraph(server.url.replace("http://", "http://ci%20bot:p4ss@"), fast);
    expect(server.requests[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from("ci bot:p4ss").toString("base64")}`,
    );
  });

  test("URLs with credentials are never shown with them", async () => {
    const server = await serve(answer(401, "{}"));
    const url = server.url.replace("http://", "http://user:p4ssw0rd@").concat("?token=abc");
    const error = await fetchDagsterAssetGraph(url, fast).catch((e: unknown) => e);
    expect(everything(error)).not.toMatch(/p4ssw0rd|token=abc/);
    await expect(fetchDagsterAssetGraph("ftp://example.com/graphql")).rejects.toThrow(
      "ftp://example.com/graphql: only http and https URLs can be read",
    );
    await expect(fetchDagsterAssetGraph("not a url")).rejects.toThrow('"not a url" is not a URL');
  });
});

const REAL_SCHEMA = "../shared/reference/dagster/schema.graphql";
describe.runIf(existsSync(REAL_SCHEMA))("the test server's schema", () => {
  // scripts/dagster-schema-subset.ts writes the subset; the input types its arguments need (e.g.
  // assetChecksOrError's PipelineSelector) are appended by completeInputTypes.
  test("is Dagster's own schema cut to what asset-diff selects (run scripts/dagster-schema-subset.ts)", () => {
    const real = readFileSync(REAL_SCHEMA, "utf8");
    expect(DAGSTER_SDL).toBe(completeInputTypes(dagsterSchemaSubset(real), real));
  });
});
