import { join } from "node:path";
import ts from "typescript";
import { expect, test } from "vitest";
import { libraryEntries } from "../../tsup.config";

// Every public export of every entry point carries JSDoc: a sentence at least, and functions and
// classes an @example too.
test.each(Object.entries(libraryEntries))(
  "every export of the %s entry point is documented",
  (_name, path) => {
    const entry = join(import.meta.dirname, "..", "..", path);
    const program = ts.createProgram([entry], {
      strict: true,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
    });
    const checker = program.getTypeChecker();
    const source = program.getSourceFile(entry);
    if (!source) throw new Error(`no source for ${path}`);
    const moduleSymbol = checker.getSymbolAtLocation(source);
    if (!moduleSymbol) throw new Error(`${path} is not a module`);

    const exports = checker.getExportsOfModule(moduleSymbol);
    const undocumented: string[] = [];
    const withoutExample: string[] = [];
    for (const exported of exports) {
      const symbol =
        exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const docs = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
      if (docs.length < 10) undocumented.push(exported.name);
      const needsExample = symbol.declarations?.some(
        (d) => ts.isFunctionDeclaration(d) || ts.isClassDeclaration(d),
      );
      if (needsExample && !symbol.getJsDocTags(checker).some((tag) => tag.name === "example"))
        withoutExample.push(exported.name);
    }
    expect(exports.length).toBeGreaterThan(5);
    expect(undocumented).toEqual([]);
    expect(withoutExample).toEqual([]);
  },
);
