import { defineConfig } from "tsup";

/** Library entry points; each key is also a subpath in package.json `exports`. */
export const libraryEntries = {
  index: "src/index.ts",
  testing: "src/testing/index.ts",
  lifecycle: "src/lifecycle/index.ts",
} as const;

export default defineConfig([
  {
    entry: libraryEntries,
    format: ["esm", "cjs"],
    // Entries share one copy of the library in both formats (CommonJS too), so classes and
    // module state are not duplicated between "asset-diff" and "asset-diff/testing".
    splitting: true,
    dts: true,
    sourcemap: true,
    target: "node20",
    platform: "node",
  },
  {
    entry: { cli: "src/cli/bin.ts" },
    format: ["esm"],
    dts: false,
    sourcemap: true,
    target: "node20",
    platform: "node",
    banner: { js: "#!/usr/bin/env node" },
  },
]);
