import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { diffAssetGraphs } from "../../src/diff/diff";
import {
  InputReadError,
  JsonSyntaxError,
  UnknownFormatError,
  ValidationError,
} from "../../src/errors";
import { loadAssetGraph, parseAssetGraph } from "../../src/load/index";
import { parseSnapshot, serializeSnapshot } from "../../src/load/snapshot/snapshot";
import { normalize } from "../../src/normalize/normalize";
import { gqlNode } from "../helpers/builders";

const dir = mkdtempSync(join(tmpdir(), "asset-diff-hostile-"));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe("hostile keys", () => {
  const hostile = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty"];
  const node = (tagValue: string) =>
    gqlNode(["__proto__", "constructor"], {
      tags: hostile.map((key) => ({ key, value: tagValue })),
      metadataEntries: [
        ...hostile.map((label) => ({ __typename: "TextMetadataEntry", label, text: tagValue })),
        {
          __typename: "JsonMetadataEntry",
          label: "j",
          jsonString: `{"__proto__": {"polluted": "${tagValue}"}, "constructor": {"prototype": 1}}`,
        },
      ],
      dependencyKeys: [{ path: ["__proto__"] }],
    });

  test("are ordinary keys: parsed, compared and written, with no prototype pollution", () => {
    const base = parseAssetGraph(JSON.parse(JSON.stringify({ assetNodes: [node("1")] })));
    const branch = parseAssetGraph(JSON.parse(JSON.stringify({ assetNodes: [node("2")] })));
    expect(base.assets[0]?.tags?.map((t) => t.key)).toEqual([...hostile].sort());
    const changeSet = diffAssetGraphs(base, branch);
    expect(changeSet.assets[0]?.key).toBe("__proto__/constructor");
    expect(changeSet.assets[0]?.details.tags?.changedKeys).toEqual([...hostile].sort());
    expect(changeSet.assets[0]?.details.metadata?.changedKeys).toEqual([...hostile, "j"].sort());
    const json = changeSet.assets[0]?.details.metadata?.values.find((v) => v.key === "j");
    expect(json?.changes).toEqual([
      { type: "CHANGE", path: ["__proto__", "polluted"], oldValue: "1", value: "2" },
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");
    const again = parseSnapshot(JSON.parse(serializeSnapshot(base)));
    expect(again).toEqual(base);
  });
});

describe("malformed and oversized input", () => {
  test("invalid JSON names the file, line and column", async () => {
    const path = file("broken.json", '{\n  "assetNodes": [\n    {"assetKey": }\n  ]\n}');
    await expect(loadAssetGraph(path)).rejects.toThrow(JsonSyntaxError);
    await expect(loadAssetGraph(path)).rejects.toThrow(
      `${path}: invalid JSON at line 3, column 18: Unexpected token '}'`,
    );
  });

  test("an empty file is invalid JSON", async () => {
    await expect(loadAssetGraph(file("empty.json", ""))).rejects.toThrow(
      /invalid JSON at line 1, column 1: Unexpected end of JSON input/,
    );
  });

  test("binary garbage is invalid JSON, not a crash", async () => {
    await expect(loadAssetGraph(file("garbage.json", "\u0000\u00ff\u0001PNG\r\n"))).rejects.toThrow(
      JsonSyntaxError,
    );
  });

  test("a file over the size limit is refused before it is read", async () => {
    const path = file(
      "big.json",
      JSON.stringify({ assetNodes: Array.from({ length: 200 }, (_, i) => gqlNode(`a${i}`)) }),
    );
    await expect(loadAssetGraph(path, { maxBytes: 1000 })).rejects.toThrow(InputReadError);
    await expect(loadAssetGraph(path, { maxBytes: 1000 })).rejects.toThrow(
      /KiB, larger than the 1000 bytes limit$/,
    );
  });

  test("a missing file and a directory are read errors", async () => {
    await expect(loadAssetGraph(join(dir, "nope.json"))).rejects.toThrow(
      `${join(dir, "nope.json")}: does not exist`,
    );
    await expect(loadAssetGraph(dir)).rejects.toThrow(`${dir}: is a directory, not a file`);
  });

  test("JSON of no known shape names the formats asset-diff reads", () => {
    for (const json of [42, "text", null, { hello: "world" }, [1, 2]]) {
      expect(() => parseAssetGraph(json, { source: "x.json" })).toThrow(UnknownFormatError);
    }
    expect(() => parseAssetGraph({ hello: 1 }, { source: "x.json" })).toThrow(
      "x.json: is not a format asset-diff reads (asset-diff snapshot, Dagster GraphQL response, dg list defs --json output, dbt manifest.json)",
    );
  });

  test("a snapshot from a newer asset-diff says so", () => {
    expect(() => parseAssetGraph({ formatVersion: 3, assets: [] })).toThrow(
      /formatVersion 3 is newer than this asset-diff reads \(2\)/,
    );
  });

  test("deeply nested JSON metadata is refused with a clear error, not a stack overflow", () => {
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    const json = {
      assetNodes: [
        gqlNode("a", {
          metadataEntries: [{ __typename: "JsonMetadataEntry", label: "deep", jsonString: deep }],
        }),
      ],
    };
    expect(() => parseAssetGraph(json, { source: "d.json" })).toThrow(ValidationError);
    expect(() => parseAssetGraph(json, { source: "d.json" })).toThrow(
      'asset "a": metadata "deep" nests deeper than 512 levels',
    );
  });

  test("deeply nested documents are refused, not a crash", () => {
    let value: unknown = {};
    for (let i = 0; i < 50_000; i++) value = { assetNodes: [value] };
    expect(() => parseAssetGraph(value)).toThrow(ValidationError);
  });

  test("unknown enum values and union members from newer servers are kept, never fatal", () => {
    const graph = parseAssetGraph({
      assetNodes: [
        gqlNode("a", {
          partitionDefinition: { type: "HYPERCUBE", description: "4-d", dimensionTypes: [] },
          owners: [{ __typename: "BotAssetOwner", bot: "renovate" }],
          internalFreshnessPolicy: { __typename: "SlaFreshnessPolicy", slaSeconds: 60 },
          backfillPolicy: { policyType: "ADAPTIVE", maxPartitionsPerRun: null, description: "new" },
          changedReasons: ["NEW", "SOMETHING_NEWER"],
          hasWipePermission: true,
        }),
      ],
    });
    expect(graph.assets[0]).toMatchObject({
      partitionsDefinition: { type: "UNKNOWN", unknownType: "HYPERCUBE" },
      owners: [{ type: "unknown", typename: "BotAssetOwner", raw: { bot: "renovate" } }],
      freshnessPolicy: { type: "unknown", typename: "SlaFreshnessPolicy", raw: { slaSeconds: 60 } },
      backfillPolicy: { policyType: "ADAPTIVE" },
    });
  });
});

describe("graphs that are odd but valid", () => {
  test("dependency cycles and self-dependencies are tolerated", () => {
    const cyclic = parseAssetGraph([
      gqlNode("a", { dependencyKeys: [{ path: ["b"] }, { path: ["a"] }] }),
      gqlNode("b", { dependencyKeys: [{ path: ["a"] }] }),
    ]);
    const changeSet = diffAssetGraphs(
      cyclic,
      parseAssetGraph([
        gqlNode("a", { dependencyKeys: [{ path: ["b"] }] }),
        gqlNode("b", { dependencyKeys: [{ path: ["a"] }] }),
      ]),
    );
    expect(changeSet.assets.map((a) => [a.key, a.changeTypes])).toEqual([["a", ["DEPENDENCIES"]]]);
  });

  test("a parent listed twice is one parent (dbt repeats them)", () => {
    const graph = parseAssetGraph([
      gqlNode("a", { dependencyKeys: [{ path: ["p"] }, { path: ["p"] }] }),
    ]);
    expect(graph.assets[0]?.dependencies).toEqual([{ key: ["p"] }]);
  });

  test("values built in code that are not JSON are refused by normalize", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const graph = {
      assets: [
        {
          key: ["a"],
          codeLocation: null,
          repository: null,
          metadata: [{ key: "m", value: { type: "json" as const, value: cyclic as never } }],
        },
      ],
    };
    expect(() => normalize(graph)).toThrow('asset "a": metadata "m" contains a cycle');
    const nan = {
      assets: [
        {
          key: ["a"],
          codeLocation: null,
          repository: null,
          metadata: [{ key: "m", value: { type: "json" as const, value: { x: Number.NaN } } }],
        },
      ],
    };
    expect(() => normalize(nan)).toThrow("holds the non-JSON number NaN");
  });
});

describe("JSON syntax errors never echo the input", () => {
  test.each([
    ['{"a":}', 1, 6],
    ['{"token": "s3cr3t-value", "x": }', 1, 32],
    [`{"pad": "${"p".repeat(200)}", "secret": "hunter2" ]`, 1, 233],
  ])("%#", async (text, line, column) => {
    const path = file(`syntax-${line}-${column}.json`, text);
    const error = await loadAssetGraph(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JsonSyntaxError);
    expect((error as JsonSyntaxError).line).toBe(line);
    expect((error as JsonSyntaxError).column).toBe(column);
    expect((error as Error).message).not.toMatch(/s3cr3t|hunter2/);
  });
});

describe("error guards", () => {
  test("recognise asset-diff errors from another copy of the package, and nothing else", async () => {
    const { isAssetDiffError, isUsageError, UsageError } = await import("../../src/errors");
    const foreign = Object.assign(new Error("x"), { name: "UsageError", code: "USAGE" });
    Object.defineProperty(foreign, Symbol.for("asset-diff.error"), { value: true });
    expect(isAssetDiffError(foreign)).toBe(true);
    expect(isUsageError(foreign)).toBe(true);
    expect(isAssetDiffError(Object.assign(new Error("x"), { code: "USAGE" }))).toBe(false);
    expect(isAssetDiffError(new UsageError("x"))).toBe(true);
  });
});
