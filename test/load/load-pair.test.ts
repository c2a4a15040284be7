import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { diffAssetGraphs } from "../../src/diff/diff";
import { ValidationError } from "../../src/errors";
import { loadAssetGraph, loadAssetGraphs } from "../../src/load/index";
import { parseJsonText } from "../../src/load/json";
import { LIMITS } from "../../src/load/limits";
import { serializeSnapshot } from "../../src/load/snapshot/snapshot";
import type { Asset, AssetGraph } from "../../src/model/asset";
import { arbGraph } from "../helpers/arbitraries";
import { gqlNode, gqlWorkspace } from "../helpers/builders";

const dir = mkdtempSync(join(tmpdir(), "asset-diff-pair-"));
let files = 0;
/** Writes a temporary input file and gives its path. */
function write(text: string | Buffer, name = "input.json"): string {
  const path = join(dir, `${files++}-${name}`);
  writeFileSync(path, text);
  return path;
}

const BASE = "fixtures/example/base.json";
const BRANCH = "fixtures/example/branch.json";

type Workspace = {
  data: {
    workspaceOrError: {
      locationEntries: {
        name: string;
        locationOrLoadError: {
          repositories: { name: string; assetNodes: Record<string, unknown>[] }[];
        };
      }[];
    };
  };
};
const fixture = (path: string): Workspace => JSON.parse(readFileSync(path, "utf8")) as Workspace;

/** The asset of `graph` with the key and code location of `asset`. */
function find(graph: AssetGraph, asset: Asset): Asset | undefined {
  return graph.assets.find(
    (a) =>
      JSON.stringify(a.key) === JSON.stringify(asset.key) &&
      a.codeLocation === asset.codeLocation &&
      a.repository === asset.repository,
  );
}

/** loadAssetGraphs of the pair, checked against two separate loads (graphs and diff). */
async function loadPairChecked(
  base: string,
  branch: string,
): Promise<{ base: AssetGraph; branch: AssetGraph }> {
  const pair = await loadAssetGraphs(base, branch);
  const alone = { base: await loadAssetGraph(base), branch: await loadAssetGraph(branch) };
  expect(pair.base).toEqual(alone.base);
  expect(pair.branch).toEqual(alone.branch);
  expect(diffAssetGraphs(pair.base, pair.branch)).toEqual(
    diffAssetGraphs(alone.base, alone.branch),
  );
  return pair;
}

describe("loadAssetGraph of gzip inputs", () => {
  test("a .json.gz copy of a response reads as the plain file", async () => {
    const gz = write(gzipSync(readFileSync(BASE)), "base.json.gz");
    const plain = await loadAssetGraph(BASE);
    const fromGzip = await loadAssetGraph(gz);
    expect(fromGzip.assets).toEqual(plain.assets);
    expect(fromGzip.codeLocations).toEqual(plain.codeLocations);
    expect({ ...fromGzip, source: undefined }).toEqual({ ...plain, source: undefined });
    expect(fromGzip.assets.length).toBeGreaterThan(30);
  });

  test("a gzip snapshot on standard input", async () => {
    const snapshot = serializeSnapshot(await loadAssetGraph(BASE));
    async function* stdin(): AsyncGenerator<Uint8Array> {
      yield gzipSync(snapshot);
    }
    const fromStdin = await loadAssetGraph("-", { stdin: stdin() });
    expect(fromStdin.assets).toEqual((await loadAssetGraph(write(snapshot))).assets);
  });

  test("a .json.gz pair is read as the plain pair", async () => {
    const pair = await loadAssetGraphs(
      write(gzipSync(readFileSync(BASE)), "b.json.gz"),
      write(gzipSync(readFileSync(BRANCH)), "r.json.gz"),
    );
    const plain = await loadAssetGraphs(BASE, BRANCH);
    expect(pair.base.assets).toEqual(plain.base.assets);
    expect(pair.branch.assets).toEqual(plain.branch.assets);
  });
});

describe("loadAssetGraphs reads what two loadAssetGraph calls read", () => {
  test("the example pair, sharing the assets both write alike", async () => {
    const pair = await loadPairChecked(BASE, BRANCH);
    const shared = pair.branch.assets.filter((a) => pair.base.assets.includes(a));
    // Some of the example's assets are written alike by the branch.
    expect(shared.length).toBeGreaterThan(0);
    expect(shared.length).toBeLessThan(pair.branch.assets.length);
  });

  test("one file as both sides: every asset shared", async () => {
    const pair = await loadPairChecked(BASE, BASE);
    expect(pair.branch.assets).toHaveLength(pair.base.assets.length);
    pair.branch.assets.forEach((a, i) => {
      expect(a).toBe(pair.base.assets[i]);
    });
    expect(diffAssetGraphs(pair.base, pair.branch).assets ?? []).toHaveLength(0);
  });

  test("property: generated GraphQL branches (reordered, changed, added, removed, moved nodes)", async () => {
    const doc = fixture(BASE);
    const pool: { location: number; node: Record<string, unknown> }[] = [];
    doc.data.workspaceOrError.locationEntries.forEach((entry, location) => {
      for (const node of entry.locationOrLoadError.repositories[0]?.assetNodes ?? [])
        pool.push({ location, node });
    });
    const edit = fc.constantFrom("keep", "keep", "keep", "describe", "reorderKeys", "drop", "move");
    await fc.assert(
      fc.asyncProperty(
        fc.array(edit, { minLength: pool.length, maxLength: pool.length }),
        fc.array(fc.nat(), { minLength: pool.length, maxLength: pool.length }),
        fc.boolean(),
        async (edits, order, indent) => {
          const base = structuredClone(doc);
          const branch = structuredClone(doc);
          const branchLists = branch.data.workspaceOrError.locationEntries.map((e) => {
            const list: Record<string, unknown>[] = [];
            (e.locationOrLoadError.repositories[0] as { assetNodes: unknown[] }).assetNodes = list;
            return list;
          });
          const expectShared = new Set<string>();
          const keysAt = (l: number) =>
            new Set(
              pool.filter((p) => p.location === l).map((p) => JSON.stringify(p.node.assetKey)),
            );
          const present = [keysAt(0), keysAt(1)];
          const sorted = pool
            .map((p, i) => ({ ...p, i }))
            .sort((a, b) => (order[a.i] as number) - (order[b.i] as number));
          for (const { location, node, i } of sorted) {
            const e = edits[i];
            const key = JSON.stringify([location, node.assetKey]);
            if (e === "keep") {
              branchLists[location]?.push(node);
              expectShared.add(key);
            } else if (e === "describe")
              branchLists[location]?.push({ ...node, description: `changed ${i}` });
            else if (e === "reorderKeys")
              branchLists[location]?.push(Object.fromEntries(Object.entries(node).reverse()));
            else if (e === "move" && !present[1 - location]?.has(JSON.stringify(node.assetKey)))
              branchLists[1 - location]?.push(node);
          }
          // An added node.
          branchLists[0]?.push(gqlNode(["added", String(order[0])], { description: "new" }));
          const text = (d: unknown) => JSON.stringify(d, null, indent ? 2 : undefined);
          const pair = await loadPairChecked(write(text(base)), write(text(branch)));
          const names = doc.data.workspaceOrError.locationEntries.map((e) => e.name);
          for (const asset of pair.branch.assets) {
            const location = names.indexOf(asset.codeLocation as string);
            const sameInBase = find(pair.base, asset);
            const key = JSON.stringify([location, { path: asset.key }]);
            if (expectShared.has(key)) expect(asset).toBe(sameInBase);
            else expect(asset).not.toBe(sameInBase);
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  test("property: generated snapshot pairs", async () => {
    const arbPair = arbGraph.chain((base) =>
      fc
        .tuple(
          fc.array(fc.constantFrom("keep", "keep", "drop", "change"), {
            minLength: base.assets.length,
            maxLength: base.assets.length,
          }),
          arbGraph,
        )
        .map(([edits, extra]) => {
          const kept: Asset[] = [];
          base.assets.forEach((a, i) => {
            if (edits[i] === "keep") kept.push(a);
            else if (edits[i] === "change") kept.push({ ...a, description: `changed ${i}` });
          });
          const seen = new Set(kept.map((a) => JSON.stringify([a.codeLocation, a.key])));
          for (const a of extra.assets)
            if (!seen.has(JSON.stringify([a.codeLocation, a.key]))) kept.push(a);
          return { base, branch: { assets: kept.reverse() } };
        }),
    );
    await fc.assert(
      fc.asyncProperty(
        arbPair,
        fc.constantFrom(undefined, 0, 2),
        async ({ base, branch }, indent) => {
          const options = indent === undefined ? {} : { indent };
          const pair = await loadPairChecked(
            write(serializeSnapshot(base, options)),
            write(serializeSnapshot(branch, options)),
          );
          // Only assets whose key is once in the base: see the snapshot test in "sharing".
          const once = (a: Asset) =>
            base.assets.filter((b) => JSON.stringify(b.key) === JSON.stringify(a.key)).length === 1;
          for (const asset of pair.branch.assets) {
            const same = find(pair.base, asset);
            if (!once(asset)) continue;
            // Written alike (a snapshot writes canonical bytes) exactly when equal.
            if (same !== undefined && JSON.stringify(same) === JSON.stringify(asset))
              expect(asset).toBe(same);
            else expect(asset).not.toBe(same);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("sharing", () => {
  test("a snapshot whose key repeats in two code locations shares every asset", async () => {
    const text = serializeSnapshot(await loadAssetGraph(BASE));
    const keys = (JSON.parse(text) as { assets: { key: string[] }[] }).assets.map((a) =>
      a.key.join("/"),
    );
    expect(new Set(keys).size).toBeLessThan(keys.length);
    const { base, branch } = await loadAssetGraphs(write(text), write(text));
    expect(branch.assets.every((asset, i) => asset === base.assets[i])).toBe(true);
  });

  const nodeA = gqlNode("a/b", {
    description: "d",
    groupName: "g",
    tags: [{ key: "k", value: "v" }],
  });
  const nodeB = gqlNode("c", { description: "other", dependencyKeys: [{ path: ["a", "b"] }] });

  test("a node written alike at the same location is the same object", async () => {
    const text = JSON.stringify(gqlWorkspace({ one: [nodeA, nodeB] }));
    const reordered = JSON.stringify(gqlWorkspace({ one: [nodeB, nodeA] }));
    const pair = await loadPairChecked(write(text), write(reordered));
    for (const asset of pair.branch.assets) expect(asset).toBe(find(pair.base, asset));
  });

  test("key order differs: equal assets, not the same object", async () => {
    const swapped = Object.fromEntries(Object.entries(nodeA).reverse());
    const pair = await loadPairChecked(
      write(JSON.stringify(gqlWorkspace({ one: [nodeA, nodeB] }))),
      write(JSON.stringify(gqlWorkspace({ one: [swapped, nodeB] }))),
    );
    const [a] = pair.branch.assets.filter((x) => x.key.join("/") === "a/b");
    expect(a).toEqual(find(pair.base, a as Asset));
    expect(a).not.toBe(find(pair.base, a as Asset));
    const [c] = pair.branch.assets.filter((x) => x.key.join("/") === "c");
    expect(c).toBe(find(pair.base, c as Asset));
    expect(diffAssetGraphs(pair.base, pair.branch).assets ?? []).toHaveLength(0);
  });

  test("whitespace differs inside a node: not shared, still equal", async () => {
    const base = JSON.stringify(gqlWorkspace({ one: [nodeA] }));
    const branch = base.replace('"description":"d"', '"description": "d"');
    expect(branch).not.toBe(base);
    const pair = await loadPairChecked(write(base), write(branch));
    expect(pair.branch.assets[0]).toEqual(pair.base.assets[0]);
    expect(pair.branch.assets[0]).not.toBe(pair.base.assets[0]);
  });

  test("the same node bytes under another code location are not shared", async () => {
    const pair = await loadPairChecked(
      write(JSON.stringify(gqlWorkspace({ one: [nodeA] }))),
      write(JSON.stringify(gqlWorkspace({ two: [nodeA] }))),
    );
    expect(pair.base.assets[0]?.codeLocation).toBe("one");
    expect(pair.branch.assets[0]?.codeLocation).toBe("two");
    expect(pair.branch.assets[0]).not.toBe(pair.base.assets[0]);
  });

  test("the same node bytes under another repository are not shared", async () => {
    const base = gqlWorkspace({ one: [nodeA] }) as Workspace;
    const branch = structuredClone(base);
    (
      branch.data.workspaceOrError.locationEntries[0]?.locationOrLoadError.repositories[0] as {
        name: string;
      }
    ).name = "other";
    const pair = await loadPairChecked(write(JSON.stringify(base)), write(JSON.stringify(branch)));
    expect(pair.branch.assets[0]?.repository).toBe("other");
    expect(pair.branch.assets[0]).not.toBe(pair.base.assets[0]);
  });

  test("across shapes: bare assetNodes against a workspace are not shared", async () => {
    const pair = await loadPairChecked(
      write(JSON.stringify({ data: { assetNodes: [nodeA] } })),
      write(JSON.stringify(gqlWorkspace({ one: [nodeA] }))),
    );
    expect(pair.branch.assets[0]?.codeLocation).toBe("one");
    expect(pair.branch.assets[0]).not.toBe(pair.base.assets[0]);
  });

  test("snapshot assets written alike are shared", async () => {
    const graph = await loadAssetGraph(BASE);
    const text = serializeSnapshot(graph);
    const pair = await loadPairChecked(write(text), write(text));
    // Assets whose key is in two code locations are left out (see the report of this test).
    const once = pair.base.assets.filter(
      (a) => pair.base.assets.filter((b) => b.key.join("/") === a.key.join("/")).length === 1,
    );
    expect(once.length).toBeGreaterThan(30);
    for (const a of once) expect(find(pair.branch, a)).toBe(a);
  });
});

/** The error a promise rejects with. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

/** What parseJsonText throws for a text. */
function textError(text: string, source: string): Error {
  try {
    parseJsonText(text, source);
  } catch (error) {
    return error as Error;
  }
  throw new Error("parseJsonText accepted the text");
}

describe("errors are those of reading the input as one text", () => {
  const good = JSON.stringify(gqlWorkspace({ one: [gqlNode("a")] }), null, 2);
  const depth = LIMITS.jsonDepth.value;
  const BAD: [string, string][] = [
    [
      "syntax error in a node",
      '{\n  "data": {\n    "assetNodes": [\n      {"assetKey": {"path": ["a"]} "x": 1}\n    ]\n  }\n}\n',
    ],
    ["syntax error in the envelope", '{\n  "data": {\n    "assetNodes" [\n    ]\n  }\n}\n'],
    ["truncated", good.slice(0, good.length - 40)],
    ["trailing garbage", `${good}\n,`],
    [
      "unicode before the error",
      '{"data": {"assetNodes": [{"assetKey": {"path": ["é漢😀"]}, "description": "é" x}]}}',
    ],
    [
      "duplicate key in a node",
      '{"data": {"assetNodes": [\n  {"assetKey": {"path": ["a"]}, "x": 1,\n   "x": 2}]}}',
    ],
    ["duplicate key in the envelope", '{"data": {"assetNodes": []},\n "data": {"assetNodes": []}}'],
    [
      "duplicate key in a snapshot asset",
      '{"formatVersion": 1, "assets": [{"key": ["a"], "codeLocation": null, "key": ["b"]}]}',
    ],
    [
      "too deep in a node",
      `{"assetNodes": [{"assetKey": {"path": ["a"]}, "x": ${"[".repeat(depth)}${"]".repeat(depth)}}]}`,
    ],
    ["too deep in the envelope", `${"[".repeat(depth + 1)}${"]".repeat(depth + 1)}`],
    [
      "a string too long",
      `{"assetNodes": [{"assetKey": {"path": ["${"x".repeat(LIMITS.stringLength.value + 1)}"]}}]}`,
    ],
    ["a BOM and then an error", '\uFEFF{"assetNodes": [}'],
    [
      "a syntax error in an element no loader reads",
      `${good.slice(0, good.lastIndexOf("}"))},\n  "assets": [{"x" 1}]\n}`,
    ],
    [
      "a duplicate key in an element no loader reads",
      `${good.slice(0, good.lastIndexOf("}"))},\n  "assets": [{"x": 1, "x": 2}]\n}`,
    ],
    [
      "a syntax error in the nodes of a location that failed to load",
      '{"data":{"workspaceOrError":{"__typename":"Workspace","locationEntries":[{"name":"l","loadStatus":"LOADED","locationOrLoadError":{"__typename":"PythonError","message":"m","repositories":[{"name":"r","assetNodes":[{"x" 1}]}]}}]}}}',
    ],
  ];
  for (const [name, text] of BAD) {
    test(name, async () => {
      const path = write(text);
      const expected = textError(text, path);
      const check = (error: Error, source = path): void => {
        const wanted = source === path ? expected : textError(text, source);
        expect(error.constructor).toBe(wanted.constructor);
        expect((error as { code?: string }).code).toBe((wanted as { code?: string }).code);
        expect(error.message).toBe(wanted.message);
        expect((error as { line?: number }).line).toBe((wanted as { line?: number }).line);
        expect((error as { column?: number }).column).toBe((wanted as { column?: number }).column);
      };
      check(await rejection(loadAssetGraph(path)));
      // Either side of a pair; the base's failure first.
      check(await rejection(loadAssetGraphs(path, BASE)));
      check(await rejection(loadAssetGraphs(BASE, path)));
      const other = write(text);
      check(await rejection(loadAssetGraphs(path, other)));
      // Both bad: the base's error.
      check(await rejection(loadAssetGraphs(other, path)), other);
    });
  }

  test("a malformed node written alike in both inputs is a ValidationError", async () => {
    const bad = gqlNode("a", { tags: "not a list", isExecutable: "yes" });
    const text = JSON.stringify(gqlWorkspace({ one: [gqlNode("b"), bad] }));
    const base = write(text);
    const branch = write(text);
    const alone = await rejection(loadAssetGraph(branch));
    expect(alone).toBeInstanceOf(ValidationError);
    const error = await rejection(loadAssetGraphs(base, branch));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toBe((await rejection(loadAssetGraph(base))).message);
  });

  test("a node malformed only in the branch is the branch's ValidationError", async () => {
    const base = write(JSON.stringify(gqlWorkspace({ one: [gqlNode("a"), gqlNode("b")] })));
    const branchPath = write(
      JSON.stringify(gqlWorkspace({ one: [gqlNode("a"), gqlNode("b", { tags: 3 })] })),
    );
    const error = await rejection(loadAssetGraphs(base, branchPath));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toBe((await rejection(loadAssetGraph(branchPath))).message);
  });
});

describe("warnings", () => {
  const migrating = (path: string, description = "d") =>
    gqlNode(path, {
      description,
      assetChecksOrError: {
        __typename: "AssetCheckNeedsMigrationError",
        message: "Asset checks need a migration.\nRun dagster instance migrate.",
      },
    });

  test("checks the server could not list are told once per side, for shared nodes too", async () => {
    const base = write(JSON.stringify(gqlWorkspace({ one: [migrating("a"), migrating("b")] })));
    const branch = write(
      JSON.stringify(gqlWorkspace({ one: [migrating("b"), migrating("a"), migrating("c")] })),
    );
    const alone: string[] = [];
    await loadAssetGraph(branch, { onWarning: (m) => alone.push(m) });
    const aloneBase: string[] = [];
    await loadAssetGraph(base, { onWarning: (m) => aloneBase.push(m) });
    const told: [string, string][] = [];
    const pair = await loadAssetGraphs(base, branch, {
      onWarning: (m, side) => told.push([m, side]),
    });
    expect(told.filter(([, side]) => side === "base").map(([m]) => m)).toEqual(aloneBase);
    expect(told.filter(([, side]) => side === "branch").map(([m]) => m)).toEqual(alone);
    expect(aloneBase).toHaveLength(1);
    expect(alone).toHaveLength(1);
    expect(alone[0]).toContain("3 assets");
    expect(aloneBase[0]).toContain("2 assets");
    expect(alone[0]).toContain("AssetCheckNeedsMigrationError: Asset checks need a migration.");
    // The branch's a and b were shared with the base.
    expect(pair.branch.assets.filter((a) => pair.base.assets.includes(a))).toHaveLength(2);
  });

  test("an identical input on both sides warns on both sides", async () => {
    const text = JSON.stringify(gqlWorkspace({ one: [migrating("a")] }));
    const told: [string, string][] = [];
    const pair = await loadAssetGraphs(write(text), write(text), {
      onWarning: (m, side) => told.push([m, side]),
    });
    expect(pair.branch.assets[0]).toBe(pair.base.assets[0]);
    expect(told.map(([, side]) => side)).toEqual(["base", "branch"]);
    expect(told[0]?.[0]).toBe(told[1]?.[0]);
    expect(told[0]?.[0]).toContain("1 asset ");
  });
});
