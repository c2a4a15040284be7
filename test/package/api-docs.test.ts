import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { apiDocs } from "../../scripts/api-docs";
import * as root from "../../src/index";
import * as lifecycle from "../../src/lifecycle/index";
import * as testing from "../../src/testing/index";

const committed = readFileSync(join(import.meta.dirname, "..", "..", "docs", "api.md"), "utf8");

test("docs/api.md is generated from the exports (run npm run docs:api after changing them)", async () => {
  expect(committed).toBe(await apiDocs());
}, 60_000);

test.each([
  ["asset-diff", root],
  ["asset-diff/testing", testing],
  ["asset-diff/lifecycle", lifecycle],
])("every runtime export of %s has its own entry in docs/api.md", (_entry, module) => {
  const missing = Object.keys(module).filter((name) => !committed.includes(`#### \`${name}\``));
  expect(missing).toEqual([]);
});
