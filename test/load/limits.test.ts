import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { diffAssetGraphs } from "../../src/diff/diff";
import { ValidationError } from "../../src/errors";
import { loadAssetGraph, parseAssetGraph } from "../../src/load/index";
import { parseJsonText } from "../../src/load/json";
import {
  formatLimit,
  keyLimitProblem,
  LIMITS,
  limitMessage,
  userKeyLimitProblem,
} from "../../src/load/limits";
import { DEFAULT_MAX_INPUT_BYTES, DEFAULT_MAX_TEXT_BYTES } from "../../src/load/read";
import { inspectJson } from "../../src/normalize/json";
import { normalize } from "../../src/normalize/normalize";
import { renderGithubAnnotations } from "../../src/report/github";
import { renderJson } from "../../src/report/json";
import { renderMarkdown } from "../../src/report/markdown";
import { renderText } from "../../src/report/text";
import { asset, graph } from "../helpers/builders";
import { cli } from "../helpers/cli";
import { manifest, model } from "./dbt/builders";

const dir = mkdtempSync(join(tmpdir(), "asset-diff-limits-"));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

/** The error `run` throws (a test failure when it throws none). */
function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error");
}

const snapshot = (assets: unknown[]) => ({ formatVersion: 1, assets });
const snapshotAsset = (fields: Record<string, unknown> = {}) => ({
  key: ["a"],
  codeLocation: "loc",
  repository: null,
  ...fields,
});
const jsonMetadata = (value: unknown) => ({
  metadata: [{ key: "m", value: { type: "json", value } }],
});

describe("the limits table", () => {
  test("holds the documented defaults", () => {
    expect(Object.fromEntries(Object.entries(LIMITS).map(([name, l]) => [name, l.value]))).toEqual({
      inputBytes: 4 * 1024 * 1024 * 1024,
      textBytes: 512 * 1024 * 1024,
      jsonDepth: 1024,
      jsonValueDepth: 512,
      stringLength: 16 * 1024 * 1024,
      assets: 1_000_000,
      keyParts: 256,
      keyPartLength: 65_536,
      integerDigits: 4300,
    });
    expect(DEFAULT_MAX_INPUT_BYTES).toBe(LIMITS.inputBytes.value);
    expect(DEFAULT_MAX_TEXT_BYTES).toBe(LIMITS.textBytes.value);
  });

  test("messages name the limit, its value and its name", () => {
    expect(formatLimit("stringLength")).toBe("16,777,216 characters");
    expect(limitMessage("jsonDepth", " at line 1, column 2")).toBe(
      "nests deeper than 1,024 levels at line 1, column 2 (limit jsonDepth)",
    );
  });

  test("is the table of docs/reliability.md, row for row", () => {
    const doc = readFileSync(
      join(import.meta.dirname, "..", "..", "docs", "reliability.md"),
      "utf8",
    );
    const section = doc.split(/^## /m).find((s) => s.startsWith("Limits\n")) ?? "";
    const rows = section
      .split("\n")
      .filter((line) => line.startsWith("|") && !/^\|\s*-/.test(line))
      .map((line) =>
        line
          .slice(1, -1)
          .split("|")
          .map((cell) => cell.trim()),
      );
    expect(rows[0]).toEqual(["Limit", "Default", "Applies to", "Error"]);
    expect(rows.slice(1)).toEqual(
      (Object.keys(LIMITS) as (keyof typeof LIMITS)[]).map((name) => [
        `\`${name}\``,
        formatLimit(name),
        LIMITS[name].appliesTo,
        LIMITS[name].error,
      ]),
    );
  });

  test("a value's depth fits inside a document's, with room for the envelope around it", () => {
    expect(LIMITS.jsonDepth.value - LIMITS.jsonValueDepth.value).toBeGreaterThanOrEqual(256);
  });
});

describe("jsonDepth: nesting of a JSON text", () => {
  const nested = (levels: number) => `${"[".repeat(levels)}${"]".repeat(levels)}`;

  test("up to the limit parses; one level more is a ValidationError naming path, line and column", () => {
    expect(() => parseJsonText(nested(LIMITS.jsonDepth.value))).not.toThrow();
    const error = thrown(() => parseJsonText(nested(LIMITS.jsonDepth.value + 1), "deep.json"));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toBe(
      `deep.json: $${"[0]".repeat(12)}: nests deeper than 1,024 levels at line 1, column 1025 (limit jsonDepth)`,
    );
  });

  test("the path names object keys and array indices on the way down", () => {
    const text = `{"data": {"assetNodes": [{}, {"m": ${nested(2000)}}]}}`;
    expect(() => parseJsonText(text, "r.json")).toThrow(
      "r.json: $.data.assetNodes[1].m[0][0][0][0][0][0][0][0]: nests deeper than 1,024 levels at line 1, column 1056 (limit jsonDepth)",
    );
  });

  test("brackets inside strings, with escaped quotes and backslashes, are not nesting", () => {
    const text = `["\\"${"[".repeat(5000)}", "\\\\", {"k\\\\": "${"{".repeat(5000)}\\\\"}]`;
    expect(parseJsonText(text)).toEqual([
      `"${"[".repeat(5000)}`,
      "\\",
      { "k\\": `${"{".repeat(5000)}\\` },
    ]);
  });

  test.each([
    ["closed arrays", nested(100_000)],
    ["unclosed arrays (invalid JSON)", "[".repeat(100_000)],
    ["objects", `${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}`],
    ["unclosed objects (invalid JSON)", '{"a":'.repeat(100_000)],
    ["invalid JSON after the nesting", `${nested(100_000)}}`],
  ])("100,000 levels of %s: refused, never a RangeError", async (_, text) => {
    const path = file(`deep-${text.length}-${text.at(-1)}.json`, text);
    const error = await loadAssetGraph(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(
      /nests deeper than 1,024 levels at line 1, column \d+ \(limit jsonDepth\)$/,
    );
  });

  test("a snapshot file with a 100,000-level metadata value is refused by the text scan", async () => {
    const deep = nested(100_000);
    const text = `{"formatVersion": 1, "assets": [{"key": ["a"], "codeLocation": "loc", "repository": null, "metadata": [{"key": "m", "value": {"type": "json", "value": ${deep}}}]}]}`;
    await expect(loadAssetGraph(file("deep-snapshot.json", text))).rejects.toThrow(
      /deep-snapshot\.json: \$\.assets\[0\]\.metadata\[0\]\.value\.value(\[0\]){6}: nests deeper than 1,024 levels/,
    );
  });
});

describe("jsonValueDepth: nesting inside one JSON value", () => {
  const chain = (levels: number) => {
    let value: unknown = 1;
    for (let i = 0; i < levels; i++) value = [value];
    return value;
  };

  test("up to the limit is kept; deeper is a ValidationError naming the asset and the limit", () => {
    const ok = parseAssetGraph(snapshot([snapshotAsset(jsonMetadata(chain(512)))]));
    expect(ok.assets).toHaveLength(1);
    expect(() =>
      parseAssetGraph(snapshot([snapshotAsset(jsonMetadata(chain(513)))]), { source: "s.json" }),
    ).toThrow(
      's.json: $.assets[0]: asset "a" in loc: metadata "m" nests deeper than 512 levels (limit jsonValueDepth)',
    );
  });

  test("100,000 levels, as a parsed snapshot and as an embedded jsonString, are refused", () => {
    const deep = chain(100_000);
    expect(() => parseAssetGraph(snapshot([snapshotAsset(jsonMetadata(deep))]))).toThrow(
      ValidationError,
    );
    const text = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    const node = {
      assetKey: { path: ["a"] },
      metadataEntries: [{ __typename: "JsonMetadataEntry", label: "j", jsonString: text }],
    };
    expect(() => parseAssetGraph({ data: { assetNodes: [node] } })).toThrow(
      'metadata "j" nests deeper than 512 levels (limit jsonValueDepth)',
    );
  });

  test("a value at the limit, changed at its deepest level, diffs (microdiff) and renders", () => {
    const at = (leaf: number) => {
      let value: unknown = { x: leaf };
      for (let i = 1; i < LIMITS.jsonValueDepth.value; i++) value = i % 2 ? [value] : { k: value };
      return graph(asset("a", jsonMetadata(value) as never));
    };
    const changeSet = diffAssetGraphs(at(1), at(2));
    const change = changeSet.assets[0]?.details.metadata?.values[0]?.changes?.[0];
    expect(change).toMatchObject({ type: "CHANGE", oldValue: 1, value: 2 });
    expect(change?.path).toHaveLength(LIMITS.jsonValueDepth.value);
    for (const render of [renderText, renderJson, renderMarkdown, renderGithubAnnotations]) {
      expect(() => render(changeSet)).not.toThrow();
    }
  });

  test("inspecting a deep value with many objects deep down is linear, not depth × size", () => {
    const leaves = Array.from({ length: 200_000 }, (_, i) => ({ i }));
    const timed = (depth: number) => {
      let value: unknown = leaves;
      for (let i = 0; i < depth; i++) value = { v: value };
      const started = performance.now();
      expect(inspectJson(value)).toEqual({ problem: undefined, nullPrototype: false });
      return performance.now() - started;
    };
    timed(1);
    // Copying the ancestors at each leaf made 500 levels above them cost about 40 times 1 level.
    expect(timed(500)).toBeLessThan(5 * timed(1) + 50);
  });

  test("a value built in code that shares one object everywhere is inspected once per depth", () => {
    let value: unknown = { leaf: true };
    for (let i = 0; i < 60; i++) value = [value, value];
    expect(inspectJson(value)).toEqual({ problem: undefined, nullPrototype: false });
    const cyclic: unknown[] = [];
    cyclic.push([cyclic]);
    expect(inspectJson(cyclic).problem).toBe("contains a cycle");
  });
});

describe("stringLength: one string of a JSON text", () => {
  const max = LIMITS.stringLength.value;

  test("up to the limit parses; longer is refused naming path, line, column and size", () => {
    expect(() => parseJsonText(`["${"x".repeat(max)}"]`)).not.toThrow();
    expect(() => parseJsonText(`{"tags": [1, "${"x".repeat(max + 1)}"]}`, "s.json")).toThrow(
      "s.json: $.tags[1]: a string of 16,777,217 characters is longer than 16,777,216 characters at line 1, column 14 (limit stringLength)",
    );
  });

  test("an object key too", () => {
    expect(() => parseJsonText(`{"a": {"${"k".repeat(max + 1)}": 1}}`, "k.json")).toThrow(
      "k.json: $.a: a key of 16,777,217 characters is longer than 16,777,216 characters at line 1, column 8 (limit stringLength)",
    );
  });
});

describe("keyParts and keyPartLength: asset keys", () => {
  const parts = (n: number) => Array.from({ length: n }, (_, i) => `p${i}`);
  const long = "k".repeat(LIMITS.keyPartLength.value + 1);

  test("Dagster GraphQL: asset, dependency and metadata keys", () => {
    const node = (path: string[], fields: Record<string, unknown> = {}) => ({
      assetKey: { path },
      ...fields,
    });
    expect(parseAssetGraph([node(parts(256))]).assets[0]?.key).toHaveLength(256);
    expect(() => parseAssetGraph([node(parts(257))], { source: "g.json" })).toThrow(
      "g.json: $[0].assetKey.path: has more than 256 parts (limit keyParts)",
    );
    expect(() =>
      parseAssetGraph([node(["a"], { dependencyKeys: [{ path: [long] }] })], { source: "g.json" }),
    ).toThrow(
      "g.json: $[0].dependencyKeys[0].path[0]: is longer than 65,536 characters (limit keyPartLength)",
    );
    const entry = { __typename: "AssetMetadataEntry", label: "up", assetKey: { path: parts(300) } };
    expect(() => parseAssetGraph([node(["a"], { metadataEntries: [entry] })])).toThrow(
      "$[0].metadataEntries[0].assetKey.path: has more than 256 parts (limit keyParts)",
    );
  });

  test("snapshots and graphs built in code", () => {
    expect(() =>
      parseAssetGraph(snapshot([snapshotAsset({ key: [long] })]), { source: "s.json" }),
    ).toThrow("s.json: $.assets[0].key[0]: is longer than 65,536 characters (limit keyPartLength)");
    expect(() => normalize(graph(asset(parts(257))))).toThrow(
      "$.assets[0].key: has more than 256 parts (limit keyParts)",
    );
    expect(() =>
      diffAssetGraphs(graph(), graph(asset(["a"], { dependencies: [{ key: [long] }] }))),
    ).toThrow(
      "$.assets[0].dependencies[0].key[0]: is longer than 65,536 characters (limit keyPartLength)",
    );
  });

  test("dg list defs: key parts, /-joined user strings and dependencies", () => {
    const dg = (entry: Record<string, unknown>) => ({
      assets: [entry],
      asset_checks: [],
      jobs: [],
      resources: [],
      schedules: [],
      sensors: [],
    });
    expect(parseAssetGraph(dg({ asset_key: parts(256).join("/") })).assets[0]?.key).toHaveLength(
      256,
    );
    expect(() =>
      parseAssetGraph(dg({ asset_key: parts(257).join("/") }), { source: "d.json" }),
    ).toThrow("d.json: $.assets[0].asset_key: asset key has more than 256 parts (limit keyParts)");
    expect(() =>
      parseAssetGraph(dg({ asset_key: "a", deps: [`x/${long}`] }), { source: "d.json" }),
    ).toThrow(
      "d.json: $.assets[0].deps[0]: asset key part is longer than 65,536 characters (65,537) (limit keyPartLength)",
    );
    expect(() =>
      parseAssetGraph(dg({ asset_key_parts: parts(257) }), { source: "d.json" }),
    ).toThrow("d.json: $.assets[0].asset_key_parts: has more than 256 parts (limit keyParts)");
  });

  test("dbt: a configured meta.dagster.asset_key", () => {
    const json = manifest({
      nodes: [model("orders", { meta: { dagster: { asset_key: parts(300) } } })],
    });
    expect(() => parseAssetGraph(json, { source: "manifest.json" })).toThrow(
      'manifest.json: $.nodes["model.shop.orders"]: asset key has more than 256 parts (300) (limit keyParts)',
    );
  });

  test("the helpers agree with each other", () => {
    expect(keyLimitProblem(parts(256))).toBeUndefined();
    expect(userKeyLimitProblem(parts(256).join("/"))).toBeUndefined();
    expect(userKeyLimitProblem(parts(257).join("/"))).toBe(
      "asset key has more than 256 parts (limit keyParts)",
    );
    expect(keyLimitProblem(["a", long])).toBe(
      "asset key part is longer than 65,536 characters (65,537) (limit keyPartLength)",
    );
    expect(userKeyLimitProblem(`a/${long}`)).toBe(keyLimitProblem(["a", long]));
  });
});

describe("assets: assets per graph", () => {
  const over = LIMITS.assets.value + 1;

  test("a Dagster GraphQL response and dg output are refused before their entries are read", () => {
    const nodes = Array.from({ length: over }, () => ({}));
    expect(() => parseAssetGraph({ data: { assetNodes: nodes } }, { source: "big.json" })).toThrow(
      "big.json: the graph has more than 1,000,000 assets (1,000,001) (limit assets)",
    );
    const dg = {
      assets: nodes,
      asset_checks: [],
      jobs: [],
      resources: [],
      schedules: [],
      sensors: [],
    };
    expect(() => parseAssetGraph(dg, { source: "dg.json" })).toThrow(
      "dg.json: the graph has more than 1,000,000 assets (1,000,001) (limit assets)",
    );
  });

  test("a snapshot", () => {
    const assets = new Array(over).fill(snapshotAsset());
    expect(() => parseAssetGraph(snapshot(assets), { source: "s.json" })).toThrow(
      "s.json: $.assets: has more than 1,000,000 assets (limit assets)",
    );
  });
});

describe("integerDigits: integers written as text", () => {
  const digits = (n: number) => "9".repeat(n);

  test("a snapshot's int metadata value", () => {
    const int = (value: string) =>
      snapshot([snapshotAsset({ metadata: [{ key: "n", value: { type: "int", value } }] })]);
    expect(parseAssetGraph(int(`-${digits(4300)}`)).assets[0]?.metadata?.[0]?.value).toEqual({
      type: "int",
      value: `-${digits(4300)}`,
    });
    expect(() => parseAssetGraph(int(digits(4301)), { source: "s.json" })).toThrow(
      "s.json: $.assets[0].metadata[0].value.value: has more than 4,300 digits (limit integerDigits)",
    );
  });

  test("a Dagster GraphQL intRepr", () => {
    const node = (intRepr: string) => [
      {
        assetKey: { path: ["a"] },
        metadataEntries: [{ __typename: "IntMetadataEntry", label: "n", intValue: null, intRepr }],
      },
    ];
    expect(parseAssetGraph(node(` ${digits(4300)} `)).assets[0]?.metadata?.[0]?.value).toEqual({
      type: "int",
      value: digits(4300),
    });
    expect(() => parseAssetGraph(node(digits(100_000)), { source: "g.json" })).toThrow(
      "g.json: $[0].metadataEntries[0].intRepr: has more than 4,300 digits (limit integerDigits)",
    );
  });
});

describe("through the CLI: exit 2 and one line on stderr, never a stack trace", () => {
  const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
  const ok = () =>
    file("ok.json", JSON.stringify({ data: { assetNodes: [{ assetKey: { path: ["a"] } }] } }));

  test.each([
    [
      "an input file nesting 100,000 levels",
      () => file("cli-deep.json", deep),
      /nests deeper than 1,024 levels at line 1, column 1025 \(limit jsonDepth\)$/,
    ],
    [
      "a snapshot with a metadata value nesting 100,000 levels",
      () =>
        file(
          "cli-deep-snapshot.json",
          `{"formatVersion": 1, "assets": [{"key": ["a"], "codeLocation": "loc", "repository": null, "metadata": [{"key": "m", "value": {"type": "json", "value": ${deep}}}]}]}`,
        ),
      /: \$\.assets\[0\]\.metadata\[0\]\.value\.value(\[0\]){6}: nests deeper than 1,024 levels at line 1, column 1170 \(limit jsonDepth\)$/,
    ],
    [
      "a Dagster JSON metadata entry (jsonString) nesting 100,000 levels",
      () =>
        file(
          "cli-deep-jsonstring.json",
          JSON.stringify({
            data: {
              assetNodes: [
                {
                  assetKey: { path: ["a"] },
                  metadataEntries: [
                    { __typename: "JsonMetadataEntry", label: "j", jsonString: deep },
                  ],
                },
              ],
            },
          }),
        ),
      /: \$\.assets\[0\]: asset "a": metadata "j" nests deeper than 512 levels \(limit jsonValueDepth\)$/,
    ],
    [
      "a string longer than the limit",
      () =>
        file(
          "cli-long.json",
          `{"data": {"assetNodes": [{"assetKey": {"path": ["${"k".repeat(LIMITS.stringLength.value + 1)}"]}}]}}`,
        ),
      /: \$\.data\.assetNodes\[0\]\.assetKey\.path\[0\]: a string of 16,777,217 characters is longer than 16,777,216 characters at line 1, column 49 \(limit stringLength\)$/,
    ],
  ])("%s", async (_, make, message) => {
    const path = make();
    for (const args of [
      [path, ok()],
      [ok(), path],
    ]) {
      const result = await cli(["diff", ...args]);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr.split("\n")).toEqual([expect.stringMatching(message), ""]);
      expect(result.stderr.startsWith(`asset-diff: ${path}: `)).toBe(true);
      expect(result.stderr).not.toMatch(/RangeError| {4}at /);
    }
  });
});
