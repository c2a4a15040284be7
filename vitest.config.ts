import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/setup/fail-on-console.ts"],
    typecheck: {
      enabled: true,
      include: ["test/**/*.test-d.ts"],
      tsconfig: "./tsconfig.json",
    },
    testTimeout: 30_000,
    server: {
      deps: {
        // graphql has no "exports" map: Node would load its CommonJS build for graphql-http while
        // the tests get the ESM build, and graphql refuses objects from another copy of itself.
        inline: ["graphql-http"],
      },
    },
  },
});
