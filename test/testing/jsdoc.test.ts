import { join } from "node:path";
import ts from "typescript";
import { expect, test } from "vitest";

// Every export of asset-diff/testing carries JSDoc: a sentence and an @example.
test("every export of the testing API is documented with an example", () => {
  const entry = join(import.meta.dirname, "..", "..", "src", "testing", "index.ts");
  const program = ts.createProgram([entry], {
    strict: true,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  if (!source) throw new Error("no source for src/testing/index.ts");
  const moduleSymbol = checker.getSymbolAtLocation(source);
  if (!moduleSymbol) throw new Error("src/testing/index.ts is not a module");

  const exports = checker.getExportsOfModule(moduleSymbol);
  const undocumented: string[] = [];
  const withoutExample: string[] = [];
  for (const exported of exports) {
    const symbol =
      exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const docs = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
    if (docs.length < 10) undocumented.push(exported.name);
    if (!symbol.getJsDocTags(checker).some((tag) => tag.name === "example"))
      withoutExample.push(exported.name);
  }
  expect(exports.map((e) => e.name).sort()).toEqual([
    "AssetChangesOptions",
    "AssetGraphMatcherContext",
    "AssetGraphMatcherFunctions",
    "AssetGraphMatcherResult",
    "AssetGraphMatchers",
    "AssetGraphMatchersOptions",
    "AssetGraphSnapshotOptions",
    "ExpectedAssetChanges",
    "FormatAssetGraphOptions",
    "SnapshotSerializer",
    "assetGraphMatchers",
    "assetGraphSerializer",
    "createAssetGraphMatchers",
    "createAssetGraphSerializer",
    "formatAssetGraph",
    "isAssetGraph",
  ]);
  expect(undocumented).toEqual([]);
  expect(withoutExample).toEqual([]);
});
