import { execFile, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

// Installs the committed HEAD the way a team without a registry would: `npm pack` of a clean
// clone into one throwaway project, `npm install git+file://…` into another. Network-free when
// the npm cache holds the dependencies (`--prefer-offline`), but slow: npm installs the
// devDependencies in each clone and the `prepare` script builds there.

const run = promisify(execFile);
const missing = ["git", "npm"].filter(
  (tool) => spawnSync(tool, ["--version"], { stdio: "ignore" }).status !== 0,
);

/** The committed package.json: what a clone installs, whatever the working tree holds. */
type Manifest = {
  version: string;
  exports: Record<string, unknown>;
  bin: Record<string, string>;
  files: string[];
};

// `npm test` puts its npm_* variables in the environment, and a child npm would read them as its
// own configuration (npm_config_local_prefix would make the parent's project its project). Kept:
// where the cache, the registry and the user's configuration are.
const keptNpmVariables = new Set([
  "npm_config_cache",
  "npm_config_registry",
  "npm_config_userconfig",
]);
const env = Object.fromEntries(
  Object.entries(process.env).filter(
    ([name]) => !/^npm_/i.test(name) || keptNpmVariables.has(name.toLowerCase()),
  ),
);

async function sh(cwd: string, command: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run(command, args, {
      cwd,
      env: { ...env, NO_COLOR: "1" },
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
      timeout: 540_000,
    });
    return stdout;
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    throw new Error(
      `${command} ${args.join(" ")} failed in ${cwd}:\n${stderr ?? ""}\n${stdout ?? ""}`,
      { cause: error },
    );
  }
}

const npmInstall = ["install", "--no-audit", "--no-fund", "--prefer-offline", "--no-save"];

/** A throwaway project that installs the package under test. */
function consumer(dir: string): string {
  mkdirSync(dir);
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: "consumer", version: "1.0.0", private: true }),
  );
  return dir;
}

/** Every file an `exports` map points to, under any condition. */
function exportTargets(value: unknown): string[] {
  if (typeof value === "string") return [value];
  return Object.values(value as Record<string, unknown>).flatMap(exportTargets);
}

/** The subpath's import specifier: "asset-diff" for ".", else "asset-diff/<subpath>". */
const specifier = (subpath: string) =>
  subpath === "." ? "asset-diff" : `asset-diff/${subpath.slice(2)}`;

// Imports every subpath of the installed package under ESM and requires it under CommonJS, and
// runs one diff through each format's root export.
const probe = `
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const graph = (codeVersion) => ({ assetNodes: [{ assetKey: { path: ["a"] }, opVersion: codeVersion }] });
const diff = (lib) => lib.diffAssetGraphs(lib.parseAssetGraph(graph("1")), lib.parseAssetGraph(graph("2"))).assets.map((a) => a.changeTypes);
const result = {};
for (const subpath of Object.keys(require("asset-diff/package.json").exports)) {
  const spec = subpath === "." ? "asset-diff" : "asset-diff/" + subpath.slice(2);
  const json = subpath.endsWith(".json");
  const esm = json ? (await import(spec, { with: { type: "json" } })).default : await import(spec);
  const cjs = require(spec);
  result[spec] = {
    resolved: require.resolve(spec),
    esm: json ? esm : Object.keys(esm).sort(),
    cjs: json ? cjs : Object.keys(cjs).sort(),
    ...(subpath === "." ? { esmDiff: diff(esm), cjsDiff: diff(cjs) } : {}),
  };
}
process.stdout.write(JSON.stringify(result));
`;

type Probed = Record<
  string,
  { resolved: string; esm: unknown; cjs: unknown; esmDiff?: unknown; cjsDiff?: unknown }
>;

describe.skipIf(missing.length > 0)(
  missing.length > 0
    ? `installing the package (skipped: ${missing.join(" and ")} not found on PATH)`
    : "installing the package from a clean clone: npm pack, and git+file://",
  () => {
    let work = "";
    let clone = "";
    let manifest: Manifest;
    let packed: { filename: string; size: number; files: { path: string }[] };
    let fromTarball = "";
    let fromGit = "";

    beforeAll(async () => {
      const root = (await sh(process.cwd(), "git", ["rev-parse", "--show-toplevel"])).trim();
      const head = (await sh(root, "git", ["rev-parse", "HEAD"])).trim();
      work = mkdtempSync(join(tmpdir(), "asset-diff-install-"));
      clone = join(work, "clone");
      await sh(work, "git", ["clone", "--quiet", root, clone]);
      await sh(clone, "git", ["checkout", "--quiet", "--detach", head]);
      manifest = JSON.parse(readFileSync(join(clone, "package.json"), "utf8"));

      // `npm pack` builds through `prepare`; the install only has to provide the build tools.
      await sh(clone, "npm", [
        "ci",
        "--no-audit",
        "--no-fund",
        "--prefer-offline",
        "--ignore-scripts",
      ]);
      [packed] = JSON.parse(await sh(clone, "npm", ["pack", "--json", "--pack-destination", work]));
      fromTarball = consumer(join(work, "from-tarball"));
      await sh(fromTarball, "npm", [...npmInstall, join(work, packed.filename)]);
      writeFileSync(join(fromTarball, "probe.mjs"), probe);

      // npm clones the repository itself, installs its devDependencies and runs `prepare`.
      fromGit = consumer(join(work, "from-git"));
      await sh(fromGit, "npm", [...npmInstall, `git+file://${clone}#${head}`]);
    }, 600_000);

    // Two clones' node_modules: removing them takes a while.
    afterAll(async () => {
      if (work) await rm(work, { recursive: true, force: true });
    }, 120_000);

    test("the tarball holds the build, the schemas and the license, and no sources", () => {
      const files = packed.files.map((f) => f.path);
      for (const target of [...Object.values(manifest.bin), ...exportTargets(manifest.exports)])
        expect(files, target).toContain(target.replace(/^\.\//, ""));
      expect(files).toEqual(expect.arrayContaining(["LICENSE", "README.md", "package.json"]));
      const stray = files.filter(
        (f) => !/^(dist\/|docs\/[\w-]+\.schema\.json$|LICENSE$|README\.md$|package\.json$)/.test(f),
      );
      expect(stray).toEqual([]);
    });

    test("the bin installed from the tarball prints the version and diffs the example", async () => {
      const bin = join(fromTarball, "node_modules", ".bin", "asset-diff");
      expect((await sh(fromTarball, bin, ["--version"])).trim()).toBe(manifest.version);
      const example = join(clone, "fixtures", "example");
      const changeSet = JSON.parse(
        await sh(fromTarball, bin, [
          "diff",
          join(example, "base.json"),
          join(example, "branch.json"),
          "--format",
          "json",
        ]),
      ) as { assets: { key: string; changeTypes: string[] }[] };
      expect(changeSet.assets.find((a) => a.key === "marts/finance/fct_refunds")).toMatchObject({
        changeTypes: ["REMOVED"],
      });
    });

    test("every subpath of exports imports under ESM and requires under CommonJS", async () => {
      const probed = JSON.parse(await sh(fromTarball, "node", ["probe.mjs"])) as Probed;
      expect(Object.keys(probed).sort()).toEqual(
        Object.keys(manifest.exports).map(specifier).sort(),
      );
      for (const [spec, { resolved, esm, cjs }] of Object.entries(probed)) {
        expect(resolved, spec).toContain(join(fromTarball, "node_modules", "asset-diff"));
        expect(esm, spec).toEqual(cjs);
      }
      expect(probed["asset-diff"]?.esm).toContain("diffAssetGraphs");
      expect(probed["asset-diff"]?.esmDiff).toEqual([["CODE_VERSION"]]);
      expect(probed["asset-diff"]?.cjsDiff).toEqual([["CODE_VERSION"]]);
    });

    test("each schema subpath resolves to its committed file and has its $id", async () => {
      const probed = JSON.parse(await sh(fromTarball, "node", ["probe.mjs"])) as Probed;
      const schemas = Object.entries(manifest.exports).filter(([subpath]) =>
        subpath.startsWith("./schemas/"),
      );
      expect(schemas.map(([subpath]) => subpath).sort()).toEqual(
        ["approvals", "change-set", "config", "snapshot"].map((n) => `./schemas/${n}.json`),
      );
      for (const [subpath, target] of schemas) {
        const { resolved, esm } = probed[specifier(subpath)] ?? {};
        const file = String(target).replace(/^\.\//, "");
        expect(resolved, subpath).toBe(join(fromTarball, "node_modules", "asset-diff", file));
        expect(esm, subpath).toEqual(JSON.parse(readFileSync(join(clone, file), "utf8")));
        expect((esm as { $id?: string }).$id, subpath).toMatch(new RegExp(`^https://.+/${file}$`));
      }
    });

    test("installed from git+file://, the package is built and its bin runs", async () => {
      const bin = join(fromGit, "node_modules", ".bin", "asset-diff");
      expect((await sh(fromGit, bin, ["--version"])).trim()).toBe(manifest.version);
      const lib = await sh(fromGit, "node", [
        "-e",
        "process.stdout.write(typeof require('asset-diff').diffAssetGraphs)",
      ]);
      expect(lib).toBe("function");
    });
  },
);
