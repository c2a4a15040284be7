import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { parseSnapshot } from "../../src/load/snapshot/snapshot";
import { cli } from "../helpers/cli";
import {
  fixtureData,
  graphqlEndpoint,
  startServer,
  type TestServer,
} from "../helpers/dagster-server";
import { EXAMPLE_AS_OF_ARGS } from "../helpers/example";

const dir = mkdtempSync(join(tmpdir(), "asset-diff-sources-"));
const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
const serve = async (data: unknown) => {
  const server = await startServer(graphqlEndpoint(data));
  servers.push(server);
  return server;
};

describe("URLs as sources", () => {
  test("diff reads a live endpoint on one side and a file on the other", async () => {
    const prod = await serve(fixtureData("fixtures/example/base.json"));
    const { code, stdout, stderr } = await cli([
      "diff",
      prod.url,
      "fixtures/example/branch.json",
      "--format",
      "json",
    ]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const changeSet = JSON.parse(stdout);
    expect(changeSet.summary.assets).toEqual({
      new: 4,
      removed: 2,
      modified: 20,
      unchanged: 15,
      moved: 0,
    });
    expect(changeSet.base.source).toMatchObject({ format: "dagster-graphql", name: prod.url });
  });

  test("snapshot captures production; the snapshot diffs like the live endpoint", async () => {
    const prod = await serve(fixtureData("fixtures/example/base.json"));
    const file = join(dir, "prod.snapshot.json");
    expect((await cli(["snapshot", prod.url, "-o", file])).code).toBe(0);
    const snapshot = parseSnapshot(JSON.parse(readFileSync(file, "utf8")));
    expect(snapshot.assets).toHaveLength(37);
    // Both runs list time-window partition keys as of the same time.
    const diff = (base: string) =>
      cli([
        "diff",
        base,
        "fixtures/example/branch.json",
        "--format",
        "json",
        ...EXAMPLE_AS_OF_ARGS,
      ]);
    const fromSnapshot = await diff(file);
    const fromUrl = await diff(prod.url);
    expect(fromSnapshot.code).toBe(0);
    expect(fromUrl.code).toBe(0);
    const assets = (out: string) => JSON.parse(out).assets;
    expect(assets(fromSnapshot.stdout)).toEqual(assets(fromUrl.stdout));
  });

  test("snapshot of a file prints the snapshot", async () => {
    const { code, stdout } = await cli(["snapshot", "fixtures/example/branch.json"]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      formatVersion: 2,
      source: { format: "dagster-graphql" },
    });
  });

  test("a location that failed to load is a warning on stderr, the report goes to stdout, and the run fails unless allowed", async () => {
    const data = structuredClone(fixtureData("fixtures/example/branch.json")) as {
      workspaceOrError: { locationEntries: Record<string, unknown>[] };
    };
    const entry = data.workspaceOrError.locationEntries[1];
    if (!entry) throw new Error("fixture changed");
    entry.locationOrLoadError = {
      __typename: "PythonError",
      message: "SyntaxError: invalid syntax (defs.py, line 3)",
      className: "SyntaxError",
    };
    const branch = await serve(data);
    const warning = `asset-diff: warning (branch): code location ${entry.name} failed to load: SyntaxError: invalid syntax (defs.py, line 3); its assets are unknown\n`;
    // Both runs list time-window partition keys as of the same time, so their reports compare.
    const { code, stdout, stderr } = await cli([
      "diff",
      "fixtures/example/base.json",
      branch.url,
      ...EXAMPLE_AS_OF_ARGS,
    ]);
    expect(code).toBe(1);
    expect(stderr).toBe(
      `${warning}asset-diff: failed: code location "${entry.name}" of the branch did not load, so its assets were not compared (--allow-failed-locations accepts this)\n`,
    );
    expect(stdout).toContain("Code locations not compared");
    const allowed = await cli([
      "diff",
      "fixtures/example/base.json",
      branch.url,
      "--allow-failed-locations",
      ...EXAMPLE_AS_OF_ARGS,
    ]);
    expect(allowed.code).toBe(0);
    expect(allowed.stderr).toBe(warning);
    expect(allowed.stdout).toBe(stdout);
  });

  test("a refused Dagster+ token is reported without the token, exit 2", async () => {
    const token = "user:0123456789abcdef0123456789abcdef";
    const fetch: typeof globalThis.fetch = async () =>
      new Response("{}", { status: 401, headers: { "content-type": "application/json" } });
    const { code, stdout, stderr } = await cli(
      ["diff", "https://acme.dagster.cloud/prod/graphql", "fixtures/example/branch.json"],
      {
        env: { DAGSTER_CLOUD_API_TOKEN: token },
        fetch,
      },
    );
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toBe(
      "asset-diff: https://acme.dagster.cloud/prod/graphql: the server refused the request (HTTP 401): the API token is missing or wrong (Dagster+ reads it from DAGSTER_CLOUD_API_TOKEN)\n",
    );
    expect(stderr).not.toContain(token);
  });

  test.each([
    [["--timeout", "0"], /--timeout must be a number at least 0.001; got "0"/],
    [["--retries", "1.5"], /--retries must be a whole number from 0 to 20; got "1.5"/],
    [["--default-location", ""], /--default-location needs a name/],
  ])("bad source options are usage errors: %j", async (flags, message) => {
    const { code, stderr } = await cli(["snapshot", "fixtures/example/base.json", ...flags]);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});

describe("dg list defs output as a source", () => {
  test("--default-location names the location its output does not carry", async () => {
    const { code, stdout } = await cli([
      "diff",
      "fixtures/dg/base.json",
      "fixtures/dg/branch.json",
      "--format",
      "json",
      "--change-types",
      "dagster",
      "--default-location",
      "analytics",
    ]);
    expect(code).toBe(0);
    const changeSet = JSON.parse(stdout);
    expect(new Set(changeSet.assets.map((a: { codeLocation: string }) => a.codeLocation))).toEqual(
      new Set(["analytics"]),
    );
    expect(changeSet.limitations.map((l: { changeType: string }) => l.changeType)).toContain(
      "CODE_VERSION",
    );
  });
});

describe("source options reach the readers", () => {
  test("--timeout and --retries bound a slow server", async () => {
    const slow = await startServer(() => new Promise(() => {}));
    servers.push(slow);
    const once = await cli(["snapshot", slow.url, "--timeout", "0.2", "--retries", "0"]);
    expect(once.code).toBe(2);
    expect(once.stderr).toBe(`asset-diff: ${slow.url}: no response within 200 ms\n`);
    const twice = await cli(["snapshot", slow.url, "--timeout", "0.2", "--retries", "1"]);
    expect(twice.stderr).toBe(
      `asset-diff: ${slow.url}: no response within 200 ms (after 2 attempts)\n`,
    );
    expect(slow.requests).toHaveLength(3);
  });

  test("--input-format forces a format instead of detecting it", async () => {
    const forced = await cli([
      "snapshot",
      "fixtures/example/base.json",
      "--input-format",
      "snapshot",
    ]);
    expect(forced.code).toBe(2);
    expect(forced.stderr).toMatch(
      /^asset-diff: fixtures\/example\/base\.json: \$\.formatVersion: /,
    );
    expect(
      (await cli(["snapshot", "fixtures/example/base.json", "--input-format", "dagster-graphql"]))
        .code,
    ).toBe(0);
  });

  test("--default-repository names the repository of assets whose input names none", async () => {
    const { stdout } = await cli([
      "snapshot",
      "fixtures/dg/base.json",
      "--default-location",
      "analytics",
      "--default-repository",
      "defs",
    ]);
    const snapshot = JSON.parse(stdout);
    expect(
      new Set(
        snapshot.assets.map(
          (a: { codeLocation: string; repository: string }) => `${a.codeLocation}/${a.repository}`,
        ),
      ),
    ).toEqual(new Set(["analytics/defs"]));
  });

  test("--missing-locations removed reports a location the branch lacks as REMOVED", async () => {
    const ingestionOnly = join(dir, "ingestion-only.json");
    const data = structuredClone(fixtureData("fixtures/example/base.json")) as {
      workspaceOrError: { locationEntries: { name: string }[] };
    };
    data.workspaceOrError.locationEntries = data.workspaceOrError.locationEntries.filter(
      (e) => e.name === "ingestion",
    );
    writeFileSync(ingestionOnly, JSON.stringify({ data }));
    const summary = async (...flags: string[]) =>
      JSON.parse(
        (
          await cli([
            "diff",
            "fixtures/example/base.json",
            ingestionOnly,
            "--format",
            "json",
            ...flags,
          ])
        ).stdout,
      ).summary.assets;
    expect(await summary()).toEqual({ new: 0, removed: 0, modified: 0, unchanged: 11, moved: 0 });
    expect(await summary("--missing-locations", "removed")).toEqual({
      new: 0,
      removed: 26,
      modified: 0,
      unchanged: 11,
      moved: 0,
    });
  });
});
