import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";

// The modules of src/lifecycle import each other as a DAG: no cycles, type-only imports
// included. Imports are read as text, so the test sees exactly what the files say.

const LIFECYCLE = join(import.meta.dirname, "..", "..", "src", "lifecycle");

/**
 * `import … from "…"`, `import type … from "…"`, `export … from "…"` and `export type … from
 * "…"` (default, named, namespace and `* as` forms, over any number of lines).
 */
const FROM =
  /^[ \t]*(?:import|export)\s+(?:type\s+)?(?:[\w$]+\s*,\s*)?(?:\{[^}]*\}|\*(?:\s+as\s+[\w$]+)?|[\w$]+)\s+from\s*["']([^"']+)["']/gm;
/** `import "…"`, for side effects. */
const BARE = /^[ \t]*import\s*["']([^"']+)["']/gm;

/** The specifiers a module's text imports or re-exports, in order. */
function specifiersOf(text: string): string[] {
  return [...text.matchAll(FROM), ...text.matchAll(BARE)]
    .sort((a, b) => (a.index ?? 0) - (b.index ?? 0))
    .map((m) => m[1] as string);
}

/** The same-directory modules (file names) that `text` imports; throws on an unresolvable one. */
function siblingsOf(text: string, files: ReadonlySet<string>, from: string): string[] {
  const siblings: string[] = [];
  for (const specifier of specifiersOf(text)) {
    if (!specifier.startsWith("./")) continue;
    const base = specifier.slice(2).replace(/\.[cm]?js$/, "");
    const file = [`${base}.ts`, `${base}/index.ts`].find((f) => files.has(f));
    if (file === undefined) throw new Error(`${from}: cannot resolve ${JSON.stringify(specifier)}`);
    siblings.push(file);
  }
  return [...new Set(siblings)];
}

/** Every cycle reachable by depth-first search, each as `a.ts → b.ts → a.ts`. */
function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const cycles: string[] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (node: string) => {
    const at = path.indexOf(node);
    if (at >= 0) {
      cycles.push([...path.slice(at), node].join(" → "));
      return;
    }
    if (done.has(node)) return;
    path.push(node);
    for (const next of graph.get(node) ?? []) visit(next);
    path.pop();
    done.add(node);
  };
  for (const node of [...graph.keys()].sort()) visit(node);
  return cycles;
}

function lifecycleGraph(): Map<string, string[]> {
  const files = new Set(readdirSync(LIFECYCLE).filter((f) => f.endsWith(".ts")));
  const graph = new Map<string, string[]>();
  for (const file of [...files].sort()) {
    graph.set(file, siblingsOf(readFileSync(join(LIFECYCLE, file), "utf8"), files, file));
  }
  return graph;
}

describe("the import parser", () => {
  test("reads every form of import and re-export, and nothing in comments or strings", () => {
    const text = [
      'import { z } from "zod";',
      "import {",
      "  a,",
      "  type B,",
      '} from "./multi";',
      'import type { C } from "./type-only";',
      'import D, { e } from "./default-and-named";',
      'import * as ns from "./namespace";',
      "export {",
      "  f,",
      '} from "./re-export";',
      'export type { G } from "./type-re-export";',
      'export * from "./star";',
      'import "./side-effect";',
      "/**",
      ' * import { h } from "./in-a-comment";',
      " */",
      "const s = 'import { i } from \"./in-a-string\"';",
    ].join("\n");
    expect(specifiersOf(text)).toEqual([
      "zod",
      "./multi",
      "./type-only",
      "./default-and-named",
      "./namespace",
      "./re-export",
      "./type-re-export",
      "./star",
      "./side-effect",
    ]);
  });

  test("names each cycle, type-only edges included", () => {
    const graph = new Map([
      ["actions.ts", ["state.ts"]],
      ["state.ts", ["actions.ts", "event.ts"]],
      ["event.ts", []],
      ["dialects.ts", ["errors.ts"]],
      ["errors.ts", ["dialects.ts"]],
      ["index.ts", ["actions.ts", "dialects.ts"]],
    ]);
    expect(findCycles(graph)).toEqual([
      "actions.ts → state.ts → actions.ts",
      "dialects.ts → errors.ts → dialects.ts",
    ]);
  });

  test("sees the imports of src/lifecycle", () => {
    const graph = lifecycleGraph();
    expect(graph.get("index.ts")).toContain("transition.ts");
    expect(graph.get("transition.ts")).toContain("state.ts");
    expect(graph.get("sql.ts")).toContain("errors.ts");
  });
});

test("the modules of src/lifecycle import each other without cycles", () => {
  expect(findCycles(lifecycleGraph())).toEqual([]);
});
