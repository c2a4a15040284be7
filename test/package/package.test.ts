import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import picomatch from "picomatch";
import { beforeAll, describe, expect, test } from "vitest";
import { jsonSchemas } from "../../src/json-schemas";
import { libraryEntries } from "../../tsup.config";

const root = join(import.meta.dirname, "..", "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

describe("package shape", () => {
  const subpaths = Object.keys(pkg.exports).filter((k) => k !== "./package.json");

  test("the exports map has exactly the build entries, the schemas and package.json", () => {
    const subpath = (entry: string) => (entry === "index" ? "." : `./${entry}`);
    expect(subpaths.filter((k) => !k.startsWith("./schemas/")).sort()).toEqual(
      Object.keys(libraryEntries).map(subpath).sort(),
    );
  });

  test("every committed JSON Schema is exported as asset-diff/schemas/<name>.json", () => {
    const schemas = Object.fromEntries(
      Object.keys(jsonSchemas()).map((file) => [
        `./schemas/${/^docs\/(.+)\.schema\.json$/.exec(file)?.[1]}.json`,
        `./${file}`,
      ]),
    );
    expect(
      Object.fromEntries(Object.entries(pkg.exports).filter(([k]) => k.startsWith("./schemas/"))),
    ).toEqual(schemas);
    for (const file of Object.values(schemas)) {
      expect(pkg.files.some((pattern: string) => picomatch(pattern)(file.slice(2)))).toBe(true);
    }
  });

  test("typesVersions maps every subpath but the root, for moduleResolution node10", () => {
    expect(Object.keys(pkg.typesVersions["*"]).sort()).toEqual(
      subpaths
        .filter((k) => k !== ".")
        .map((k) => k.slice(2))
        .sort(),
    );
  });

  test("a bin named asset-diff, Node 20 or newer", () => {
    expect(Object.keys(pkg.bin)).toEqual(["asset-diff"]);
    expect(pkg.engines.node).toBe(">=20");
  });

  test("dependencies are ^ ranges from the version the lockfile pins; devDependencies exact", () => {
    const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8"));
    for (const [name, range] of Object.entries(pkg.dependencies as Record<string, string>)) {
      expect(range, name).toBe(`^${lock.packages[`node_modules/${name}`]?.version}`);
    }
    for (const [name, version] of Object.entries(pkg.devDependencies as Record<string, string>)) {
      expect(version, name).toMatch(/^\d+\.\d+\.\d+(-[\w.]+)?$/);
    }
  });
});

describe("the built package works from CommonJS and ESM", () => {
  beforeAll(() => {
    // CI builds before testing; a fresh clone builds here.
    if (!existsSync(join(root, "dist", "index.cjs")))
      execFileSync("npm", ["run", "build", "--silent"], { cwd: root });
  }, 120_000);

  const base = {
    assetNodes: [
      {
        assetKey: { path: ["a"] },
        metadataEntries: [{ __typename: "JsonMetadataEntry", label: "j", jsonString: '{"x": 1}' }],
      },
    ],
  };
  const branch = {
    assetNodes: [
      {
        assetKey: { path: ["a"] },
        metadataEntries: [{ __typename: "JsonMetadataEntry", label: "j", jsonString: '{"x": 2}' }],
      },
    ],
  };
  type Lib = typeof import("../../src/index");
  const check = (lib: Lib) => {
    const changeSet = lib.diffAssetGraphs(lib.parseAssetGraph(base), lib.parseAssetGraph(branch));
    expect(changeSet.assets[0]?.details.metadata?.values[0]?.changes).toEqual([
      { type: "CHANGE", path: ["x"], oldValue: 1, value: 2 },
    ]);
  };

  test("require()", () => {
    check(createRequire(import.meta.url)(join(root, "dist", "index.cjs")) as Lib);
  });

  test("errors thrown by asset-diff/testing are asset-diff errors under require()", () => {
    const require = createRequire(import.meta.url);
    const lib = require(join(root, "dist", "index.cjs")) as Lib;
    const testing = require(
      join(root, "dist", "testing.cjs"),
    ) as typeof import("../../src/testing/index");
    const context = { isNot: false, equals: () => true, utils: {} } as never;
    const call = () =>
      (testing.assetGraphMatchers.toHaveAssetChanges as (...args: unknown[]) => unknown).call(
        context,
        { assets: [] },
        { assets: [] },
        { x: ["BOGUS"] },
      );
    expect(call).toThrow(lib.UsageError);
    try {
      call();
    } catch (error) {
      expect(lib.isUsageError(error)).toBe(true);
    }
  });

  test("import()", async () => {
    check((await import(pathToFileURL(join(root, "dist", "index.js")).href)) as Lib);
  });

  test("the bin runs", () => {
    const out = execFileSync("node", [join(root, pkg.bin["asset-diff"]), "--version"], {
      encoding: "utf8",
    });
    expect(out.trim()).toBe(pkg.version);
  });
});
