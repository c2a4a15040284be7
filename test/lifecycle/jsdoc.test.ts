import { join } from "node:path";
import ts from "typescript";
import { expect, test } from "vitest";

// The asset-diff/lifecycle entry point: every export has a JSDoc sentence, functions an @example.
test("every export of asset-diff/lifecycle is documented", () => {
  const entry = join(import.meta.dirname, "..", "..", "src", "lifecycle", "index.ts");
  const program = ts.createProgram([entry], {
    strict: true,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  if (!source) throw new Error("no source for src/lifecycle/index.ts");
  const moduleSymbol = checker.getSymbolAtLocation(source);
  if (!moduleSymbol) throw new Error("src/lifecycle/index.ts is not a module");

  const undocumented: string[] = [];
  const withoutExample: string[] = [];
  const exports = checker.getExportsOfModule(moduleSymbol);
  for (const exported of exports) {
    const symbol =
      exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const docs = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
    if (docs.length < 10) undocumented.push(exported.name);
    const isFunction = symbol.declarations?.some((d) => ts.isFunctionDeclaration(d));
    if (isFunction && !symbol.getJsDocTags(checker).some((tag) => tag.name === "example"))
      withoutExample.push(exported.name);
  }
  expect(exports.length).toBeGreaterThan(50);
  expect(undocumented).toEqual([]);
  expect(withoutExample).toEqual([]);
});
