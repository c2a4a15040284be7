import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "tsup";

/** The committed bundle that action.yml runs. */
export const ACTION_BUNDLE = ".github/action/index.js";

/**
 * Bundles the GitHub Action (src/action/main.ts and every dependency) into one ES module,
 * `index.js` in `outDir`, and returns its text. The build reads only the sources and
 * node_modules and writes no source map, so the same checkout gives the same bytes: the test of
 * the committed bundle rebuilds it into a temporary directory and compares.
 */
export async function buildAction(outDir: string): Promise<string> {
  await build({
    config: false,
    entry: { index: "src/action/main.ts" },
    outDir,
    format: ["esm"],
    platform: "node",
    target: "node20",
    // Everything is bundled: the action runs from a checkout without node_modules.
    noExternal: [/./],
    splitting: false,
    sourcemap: false,
    dts: false,
    clean: false,
    minify: true,
    silent: true,
    outExtension: () => ({ js: ".js" }),
    esbuildPlugins: [packageJsonVersionOnly],
    // Bundled CommonJS dependencies call require() for Node's modules.
    banner: {
      js: [
        "// The asset-diff GitHub Action, bundled by `npm run build:action`; do not edit.",
        'import { createRequire as __assetDiffCreateRequire } from "node:module";',
        "const require = __assetDiffCreateRequire(import.meta.url);",
      ].join("\n"),
    },
  });
  return readFile(join(outDir, "index.js"), "utf8");
}

// --- internal ---

/**
 * The CLI reads only `name` and `version` of package.json (for --version and the help): the
 * bundle gets only those, so that a change to the scripts or dependencies does not change it.
 */
const packageJsonVersionOnly = {
  name: "package-json-version-only",
  setup(build: {
    onLoad(
      options: { filter: RegExp },
      callback: (args: {
        path: string;
      }) => Promise<{ contents: string; loader: "json" } | undefined>,
    ): void;
  }) {
    const root = resolve("package.json");
    build.onLoad({ filter: /[\\/]package\.json$/ }, async (args) => {
      if (resolve(args.path) !== root) return undefined;
      const { name, version } = JSON.parse(await readFile(root, "utf8")) as Record<string, unknown>;
      return { contents: JSON.stringify({ name, version }), loader: "json" };
    });
  },
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const text = await buildAction(".github/action");
  process.stdout.write(`${ACTION_BUNDLE}: ${Buffer.byteLength(text)} bytes\n`);
}
