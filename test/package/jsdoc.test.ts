import { join } from "node:path";
import ts from "typescript";
import { expect, test } from "vitest";

// Every public export carries JSDoc: a sentence at least, and functions an @example too.
test("every export of the public API is documented", () => {
  const entry = join(import.meta.dirname, "..", "..", "src", "index.ts");
  const program = ts.createProgram([entry], {
    strict: true,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  if (!source) throw new Error("no source for src/index.ts");
  const moduleSymbol = checker.getSymbolAtLocation(source);
  if (!moduleSymbol) throw new Error("src/index.ts is not a module");

  const undocumented: string[] = [];
  const withoutExample: string[] = [];
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const symbol =
      exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const docs = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
    if (docs.length < 10) undocumented.push(exported.name);
    const isFunction = symbol.declarations?.some((d) => ts.isFunctionDeclaration(d));
    if (isFunction && !symbol.getJsDocTags(checker).some((tag) => tag.name === "example"))
      withoutExample.push(exported.name);
  }
  expect(undocumented).toEqual([]);
  expect(withoutExample).toEqual([]);
});
