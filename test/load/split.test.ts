import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { InputReadError, JsonSyntaxError, ValidationError } from "../../src/errors";
import { parseJsonText } from "../../src/load/json";
import { LIMITS } from "../../src/load/limits";
import { readInputBytes } from "../../src/load/read";
import {
  isRawElement,
  materialize,
  parseRawElement,
  type RawElement,
  SplitFailure,
  splitFailureError,
  splitJson,
} from "../../src/load/split";
import type { JsonValue } from "../../src/model/json";
import { gqlNode, gqlWorkspace } from "../helpers/builders";

/** The split input with every raw element parsed: what JSON.parse gives for valid input. */
function splitAll(text: string | Buffer): JsonValue {
  return materialize(splitJson(typeof text === "string" ? Buffer.from(text, "utf8") : text));
}

/** The value at a JSON path of a split input (raw elements are not entered). */
function at(value: unknown, path: readonly (string | number)[]): unknown {
  let here = value;
  for (const part of path) here = (here as Record<string | number, unknown>)[part];
  return here;
}

/** Every raw element of a split input, with its path as found by walking it. */
function rawElements(value: unknown, path: (string | number)[] = []): [RawElement, unknown[]][] {
  if (isRawElement(value)) return [[value, path]];
  if (Array.isArray(value)) return value.flatMap((item, i) => rawElements(item, [...path, i]));
  if (typeof value === "object" && value !== null)
    return Object.entries(value).flatMap(([k, item]) => rawElements(item, [...path, k]));
  return [];
}

const nodes = [
  gqlNode("raw/orders", {
    description: 'quote " backslash \\ nul \u0000 é 漢字 😀',
    tags: [{ key: "tier", value: "1" }],
    nested: { list: [1, 2.5, -3e10, true, false, null, "]}"] },
  }),
  gqlNode(["stg", "orders"], { groupName: null, dependencyKeys: [{ path: ["raw", "orders"] }] }),
  gqlNode("marts/fct"),
];
// A `__proto__` key can only be written through JSON.
const protoNode = JSON.parse('{"assetKey":{"path":["p"]},"__proto__":{"polluted":true}}');
const allNodes = [...nodes, protoNode];

/** Shapes that hold asset nodes, with the path of their node list. */
const ENVELOPES: { name: string; doc: unknown; list: (string | number)[] }[] = [
  {
    name: "workspaceOrError",
    doc: gqlWorkspace({
      one: allNodes,
      two: [allNodes[1] as Record<string, unknown>],
      broken: { error: "boom" },
    }),
    list: [
      "data",
      "workspaceOrError",
      "locationEntries",
      0,
      "locationOrLoadError",
      "repositories",
      0,
      "assetNodes",
    ],
  },
  {
    name: "bare workspaceOrError",
    doc: (gqlWorkspace({ one: allNodes }) as { data: unknown }).data,
    list: [
      "workspaceOrError",
      "locationEntries",
      0,
      "locationOrLoadError",
      "repositories",
      0,
      "assetNodes",
    ],
  },
  {
    name: "repositoriesOrError",
    doc: {
      data: {
        repositoriesOrError: {
          __typename: "RepositoryConnection",
          nodes: [{ name: "r", location: { name: "l" }, assetNodes: allNodes }],
        },
      },
    },
    list: ["data", "repositoriesOrError", "nodes", 0, "assetNodes"],
  },
  {
    name: "repositoryOrError",
    doc: { data: { repositoryOrError: { __typename: "Repository", assetNodes: allNodes } } },
    list: ["data", "repositoryOrError", "assetNodes"],
  },
  {
    name: "data.assetNodes",
    doc: { data: { assetNodes: allNodes } },
    list: ["data", "assetNodes"],
  },
  { name: "assetNodes", doc: { assetNodes: allNodes }, list: ["assetNodes"] },
];

describe("splitJson: which values stay raw", () => {
  for (const { name, doc, list } of ENVELOPES) {
    for (const indent of [undefined, 2]) {
      test(`${name} (indent ${indent ?? "none"}): nodes are raw elements that parse as JSON.parse does`, () => {
        const text = JSON.stringify(doc, null, indent);
        const expected = JSON.parse(text);
        const split = splitJson(Buffer.from(text));
        const written = at(split, list) as unknown[];
        const parsedNodes = at(expected, list) as unknown[];
        expect(written).toHaveLength(allNodes.length);
        written.forEach((element, i) => {
          expect(isRawElement(element)).toBe(true);
          const raw = element as RawElement;
          expect(raw.path).toEqual([...list, i]);
          expect(parseRawElement(raw)).toEqual(parsedNodes[i]);
          expect(raw.keyText).toBeDefined();
          // The member's text as written (indented text keeps its whitespace).
          expect(JSON.parse(raw.keyText as string)).toEqual(
            (parsedNodes[i] as { assetKey: unknown }).assetKey,
          );
          if (indent === undefined)
            expect(raw.keyText).toBe(
              JSON.stringify((parsedNodes[i] as { assetKey: unknown }).assetKey),
            );
          expect(text).toContain(raw.keyText);
        });
        // Only the nodes are raw; every other value is what JSON.parse gives.
        const raws = rawElements(split);
        expect(raws.length).toBeGreaterThanOrEqual(allNodes.length);
        for (const [, path] of raws) expect(path.at(-2)).toBe("assetNodes");
        expect(splitAll(text)).toEqual(expected);
        expect(
          Object.hasOwn(parseRawElement(written[3] as RawElement) as object, "__proto__"),
        ).toBe(true);
      });
    }
  }

  test("the raw elements' paths are where they are", () => {
    const text = JSON.stringify(ENVELOPES[0]?.doc);
    for (const [raw, path] of rawElements(splitJson(Buffer.from(text)))) {
      expect(raw.path).toEqual(path);
    }
  });

  test("a node that is not an object is parsed, not kept raw; a key of another type gives no keyText", () => {
    const text = '{"assetNodes":[1,null,"x",[{"assetKey":1}],{"assetKey":"s"},{"other":{"a":1}}]}';
    const split = splitJson(Buffer.from(text)) as { assetNodes: unknown[] };
    expect(split.assetNodes.slice(0, 4)).toEqual([1, null, "x", [{ assetKey: 1 }]]);
    expect(isRawElement(split.assetNodes[4])).toBe(true);
    expect((split.assetNodes[4] as RawElement).keyText).toBeUndefined();
    expect((split.assetNodes[5] as RawElement).keyText).toBeUndefined();
    expect(splitAll(text)).toEqual(JSON.parse(text));
  });

  test("keyText is the assetKey member of the node itself, not a nested one", () => {
    const text =
      '{"assetNodes":[{"x":{"assetKey":{"path":["inner"]}},"assetKey" : { "path" : [ "outer" ] } ,"y":1}]}';
    const raw = (splitJson(Buffer.from(text)) as unknown as { assetNodes: RawElement[] })
      .assetNodes[0];
    expect(raw?.keyText).toBe('{ "path" : [ "outer" ] }');
  });

  test("snapshot assets are raw elements keyed by their key member", () => {
    const doc = {
      formatVersion: 1,
      source: { format: "dagster-graphql", name: "x" },
      codeLocations: [{ name: "one", status: "loaded" }],
      assets: [
        { key: ["a", "b"], codeLocation: "one", repository: "__repository__", tags: [] },
        { codeLocation: null, key: ["é"], description: '\\"' },
      ],
    };
    for (const indent of [undefined, 2]) {
      const text = JSON.stringify(doc, null, indent);
      const split = splitJson(Buffer.from(text)) as unknown as { assets: RawElement[] };
      expect(split.assets.every(isRawElement)).toBe(true);
      expect(split.assets.map(parseRawElement)).toEqual(doc.assets);
      expect(JSON.parse(split.assets[0]?.keyText as string)).toEqual(["a", "b"]);
      if (indent === undefined) expect(split.assets[0]?.keyText).toBe('["a","b"]');
      expect(isRawElement((split as unknown as { source: unknown }).source)).toBe(false);
      expect(splitAll(text)).toEqual(doc);
    }
  });

  test("a dbt manifest comes back as JSON.parse gives it, with no raw elements", () => {
    const manifest = {
      metadata: { dbt_schema_version: "https://schemas.getdbt.com/dbt/manifest/v12.json" },
      nodes: {
        "model.a.b": {
          unique_id: "model.a.b",
          resource_type: "model",
          depends_on: { nodes: ["source.a.raw.orders"] },
          config: { tags: ["x"], meta: { assets: [{ key: 1 }] } },
        },
        "model.a.c": { unique_id: "model.a.c", assets: [{ key: ["x"] }] },
      },
      sources: { "source.a.raw.orders": { name: "orders" } },
      parent_map: { "model.a.b": ["source.a.raw.orders"] },
      child_map: {},
      exposures: {},
      disabled: {},
    };
    const text = JSON.stringify(manifest, null, 2);
    const split = splitJson(Buffer.from(text));
    expect(rawElements(split)).toEqual([]);
    expect(materialize(split)).toEqual(manifest);
  });
});

/** JSON text of a value with arbitrary whitespace between tokens, from a seeded generator. */
function writeSpaced(value: unknown, seed: number): string {
  let state = seed >>> 0 || 1;
  const spaces = [" ", "\n", "\t", "\r", "  \n\t"];
  const ws = (): string => {
    state = (state * 1103515245 + 12345) >>> 0;
    return state % 3 === 0 ? "" : (spaces[state % spaces.length] as string);
  };
  const write = (v: unknown): string => {
    if (Array.isArray(v))
      return `[${ws()}${v.map((x) => ws() + write(x) + ws()).join(",")}${ws()}]`;
    if (typeof v === "object" && v !== null)
      return `{${ws()}${Object.entries(v)
        .map(([k, x]) => `${ws()}${JSON.stringify(k)}${ws()}:${ws()}${write(x)}${ws()}`)
        .join(",")}${ws()}}`;
    return JSON.stringify(v);
  };
  return write(value);
}

const anyJson = fc.jsonValue({ maxDepth: 5 });
const unicodeJson = fc.jsonValue({ maxDepth: 4, stringUnit: "binary" });
const specialStrings = fc.constantFrom(
  '"',
  "\\",
  "\u0000",
  "\u2028",
  "é",
  "😀",
  "\\u0000",
  "]}",
  "__proto__",
);
const jsonWithSpecials = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    specialStrings,
    unicodeJson,
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(fc.oneof(specialStrings, fc.string()), tie("value"), { maxKeys: 3 }),
  ),
})).value;
/** A GraphQL-shaped envelope around arbitrary nodes (objects with an arbitrary assetKey). */
const arbNode = fc
  .tuple(
    jsonWithSpecials,
    fc.dictionary(fc.oneof(specialStrings, fc.string()), jsonWithSpecials, { maxKeys: 4 }),
  )
  .map(([assetKey, rest]) => {
    const node: Record<string, unknown> = {};
    Object.defineProperty(node, "assetKey", {
      value: assetKey,
      enumerable: true,
      writable: true,
      configurable: true,
    });
    for (const [k, v] of Object.entries(rest))
      Object.defineProperty(node, k, {
        value: v,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return node;
  });
const arbEnvelope = fc.oneof(
  fc.array(arbNode, { maxLength: 4 }).map((ns) => gqlWorkspace({ one: ns, two: ns.slice(1) })),
  fc
    .array(arbNode, { maxLength: 4 })
    .map((ns) => ({ data: { repositoryOrError: { assetNodes: ns } } })),
  fc
    .array(fc.oneof(arbNode, jsonWithSpecials), { maxLength: 4 })
    .map((ns) => ({ assetNodes: ns, extra: ns })),
  fc.array(arbNode, { maxLength: 4 }).map((ns) => ({ formatVersion: 1, assets: ns })),
);

describe("splitJson reads what JSON.parse reads", () => {
  test("property: any JSON document, compact, indented and spaced, with and without a BOM", () => {
    fc.assert(
      fc.property(
        fc.oneof(anyJson, unicodeJson, jsonWithSpecials, arbEnvelope),
        fc.integer(),
        (value, seed) => {
          const compact = JSON.stringify(value);
          const expected = JSON.parse(compact);
          for (const text of [compact, JSON.stringify(value, null, 2), writeSpaced(value, seed)]) {
            expect(splitAll(text)).toEqual(expected);
            expect(splitAll(`\uFEFF${text}`)).toEqual(expected);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  test("__proto__ keys stay own properties, in the envelope and in parsed and raw values", () => {
    const text =
      '{"__proto__":{"a":1},"data":{"__proto__":[1],"assetNodes":[{"assetKey":{"path":["x"]},"__proto__":{"b":2}}]},"m":{"__proto__":{"c":3}}}';
    const value = splitAll(text) as Record<string, Record<string, unknown>>;
    expect(value).toEqual(JSON.parse(text));
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.hasOwn(value, "__proto__")).toBe(true);
    expect(Object.hasOwn(value.data as object, "__proto__")).toBe(true);
    expect(
      Object.hasOwn((value.data as { assetNodes: object[] }).assetNodes[0] as object, "__proto__"),
    ).toBe(true);
    expect(Object.hasOwn(value.m as object, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).a).toBeUndefined();
  });

  test("scalars and empty containers at the root", () => {
    for (const text of [
      "1",
      " -0.5e3 ",
      "true",
      "null",
      '"é\\u0000"',
      "[]",
      "{}",
      " [ ] ",
      '[{"a":[]}]',
    ])
      expect(splitAll(text)).toEqual(JSON.parse(text));
  });

  test("nesting up to the depth limit is read, in the envelope and inside a raw element", () => {
    const depth = LIMITS.jsonDepth.value;
    const deep = (n: number): string => `${"[".repeat(n)}${"]".repeat(n)}`;
    expect(splitAll(deep(depth))).toEqual(JSON.parse(deep(depth)));
    // The node list is 2 deep and the node a third level.
    const inNode = `{"assetNodes":[{"assetKey":${deep(depth - 3)}}]}`;
    expect(splitAll(inNode)).toEqual(JSON.parse(inNode));
  });
});

/** What a failure to split looks like: a SplitFailure when splitting or parsing a raw element. */
function splitError(text: string | Buffer): unknown {
  try {
    splitAll(text);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("splitJson refuses what parseJsonText refuses, as a SplitFailure", () => {
  const node = '{"assetKey":{"path":["a"]},"x":1}';
  const cases: [string, string, boolean][] = [
    ["empty input", "", false],
    ["only whitespace", " \n", false],
    ["truncated envelope", `{"assetNodes":[${node}`, false],
    ["truncated node", `{"assetNodes":[${node.slice(0, -3)}`, false],
    ["truncated string", '{"assetNodes":["abc', false],
    ["trailing garbage", `{"assetNodes":[${node}]} x`, false],
    ["a second document", `{"assetNodes":[]}{}`, false],
    ["a closing brace too many", `{"assetNodes":[]}}`, false],
    ["missing comma in the envelope", `{"a":1 "assetNodes":[]}`, false],
    ["missing comma between nodes", `{"assetNodes":[${node} ${node}]}`, false],
    ["missing comma in a node", '{"assetNodes":[{"assetKey":{"path":["a"]} "x":1}]}', false],
    ["missing colon in the envelope", '{"assetNodes" []}', false],
    ["missing colon in a node", '{"assetNodes":[{"assetKey" {"path":["a"]}}]}', false],
    ["trailing comma in the envelope", '{"assetNodes":[],}', false],
    ["trailing comma in a list", `{"assetNodes":[${node},]}`, false],
    ["leading comma", `{"assetNodes":[,${node}]}`, false],
    ["trailing comma in a node", '{"assetNodes":[{"assetKey":{"path":["a"]},}]}', false],
    ["bad literal", '{"assetNodes":[tru]}', false],
    ["bad number", '{"m":{"a":01}}', false],
    ["single quotes", "{'a':1}", false],
    ["unquoted key in a node", '{"assetNodes":[{assetKey:1}]}', false],
    ["raw control character in a key", '{"a\u0001":1}', false],
    ["raw control character in a node", '{"assetNodes":[{"assetKey":"a\u0001"}]}', false],
    ["bad escape in a node", '{"assetNodes":[{"assetKey":"\\x"}]}', false],
    ["mismatched brackets in a node", '{"assetNodes":[{"assetKey":[1}]]}', false],
    ["duplicate key in the envelope", '{"assetNodes":[],"assetNodes":[]}', false],
    ["duplicate key in data", '{"data":{"assetNodes":[],"assetNodes":[]}}', false],
    ["duplicate key in a node", '{"assetNodes":[{"assetKey":1,"assetKey":2}]}', false],
    ["duplicate key deep in a node", '{"assetNodes":[{"a":[{"b":1,"c":{"d":1,"d":1}}]}]}', false],
    ["duplicate key in a parsed member", '{"metadata":{"x":{"a":1,"a":2}}}', false],
    [
      "duplicate key in a snapshot asset",
      '{"formatVersion":1,"assets":[{"key":["a"],"key":["b"]}]}',
      false,
    ],
    ["duplicate key in a root list element", '[{"a":1,"a":1}]', false],
    [
      "too deep in the envelope",
      `${"[".repeat(LIMITS.jsonDepth.value + 1)}${"]".repeat(LIMITS.jsonDepth.value + 1)}`,
      true,
    ],
    [
      "too deep in a parsed member",
      `{"m":${"[".repeat(LIMITS.jsonDepth.value)}${"]".repeat(LIMITS.jsonDepth.value)}}`,
      true,
    ],
    [
      "too deep in a raw element",
      `{"assetNodes":[{"assetKey":${"[".repeat(LIMITS.jsonDepth.value - 2)}${"]".repeat(LIMITS.jsonDepth.value - 2)}}]}`,
      true,
    ],
    [
      "too deep and truncated",
      `{"assetNodes":[${'{"a":'.repeat(LIMITS.jsonDepth.value * 2)}`,
      true,
    ],
  ];
  for (const [name, text, limit] of cases) {
    test(name, () => {
      let oracle: unknown;
      try {
        parseJsonText(text);
      } catch (error) {
        oracle = error;
      }
      expect(oracle, "parseJsonText refuses it too").toBeDefined();
      const error = splitError(text);
      expect(error).toBeInstanceOf(SplitFailure);
      expect((error as SplitFailure).limit).toBe(limit);
      expect(oracle).toBeInstanceOf(
        limit ? ValidationError : name.startsWith("duplicate") ? ValidationError : JsonSyntaxError,
      );
      const offset = (error as SplitFailure).offset;
      expect(offset).toBeGreaterThanOrEqual(0);
      expect(offset).toBeLessThanOrEqual(Buffer.byteLength(text));
    });
  }

  test("a string longer than the string limit is refused as a limit", () => {
    const long = "x".repeat(LIMITS.stringLength.value + 1);
    for (const text of [
      `{"m":"${long}"}`,
      `{"assetNodes":[{"assetKey":"${long}"}]}`,
      `{"${long}":1}`,
    ]) {
      const error = splitError(text);
      expect(error).toBeInstanceOf(SplitFailure);
      expect((error as SplitFailure).limit).toBe(true);
    }
  });

  test("property: a mutated valid document splits as parseJsonText reads it, or fails with a SplitFailure", () => {
    const significant = [...'{}[],:"\\ 0-eE.tfn\u0000é'].map((c) => Buffer.from(c));
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
      fc.record({ kind: fc.constant("delete" as const), at: fc.nat() }),
      fc.record({
        kind: fc.constant("insert" as const),
        at: fc.nat(),
        bytes: fc.oneof(
          fc.constantFrom(...significant),
          fc.uint8Array({ minLength: 1, maxLength: 2 }).map(Buffer.from),
        ),
      }),
      fc.record({
        kind: fc.constant("duplicate" as const),
        at: fc.nat(),
        length: fc.integer({ min: 1, max: 30 }),
      }),
    );
    fc.assert(
      fc.property(
        fc.oneof(arbEnvelope, anyJson, jsonWithSpecials),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        (value, mutations, indent) => {
          let bytes = Buffer.from(JSON.stringify(value, null, indent ? 1 : undefined));
          for (const m of mutations) {
            const i = bytes.length === 0 ? 0 : m.at % (bytes.length + 1);
            if (m.kind === "truncate") bytes = bytes.subarray(0, i);
            else if (m.kind === "delete")
              bytes = Buffer.concat([bytes.subarray(0, i), bytes.subarray(i + 1)]);
            else if (m.kind === "insert")
              bytes = Buffer.concat([bytes.subarray(0, i), m.bytes, bytes.subarray(i)]);
            else bytes = Buffer.concat([bytes.subarray(0, i + m.length), bytes.subarray(i)]);
          }
          let expected: JsonValue | undefined;
          try {
            expected = parseJsonText(bytes.toString("utf8"));
          } catch {
            expected = undefined;
          }
          if (expected === undefined) {
            expect(splitError(bytes)).toBeInstanceOf(SplitFailure);
          } else {
            expect(splitAll(bytes)).toEqual(expected);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe("splitFailureError", () => {
  test("a limit is a ValidationError naming the path and the byte offset", () => {
    const error = splitFailureError(
      new SplitFailure(1234567, "nests too deep", ["a", 0], true),
      "big.json",
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe("INPUT_INVALID");
    expect((error as ValidationError).issues).toEqual([
      { path: ["a", 0], message: "nests too deep at byte 1,234,567" },
    ]);
    expect(error.message).toContain("big.json");
  });

  test("anything else is a JsonSyntaxError naming the byte offset, without line and column", () => {
    const error = splitFailureError(
      new SplitFailure(12, "Unexpected end of JSON input"),
      "big.json",
    );
    expect(error).toBeInstanceOf(JsonSyntaxError);
    expect((error as JsonSyntaxError).code).toBe("INPUT_JSON_SYNTAX");
    expect((error as JsonSyntaxError).line).toBeUndefined();
    expect(error.message).toBe("big.json: invalid JSON: Unexpected end of JSON input at byte 12");
  });

  test("the offset of a real failure counts bytes, not characters", () => {
    const prefix = '["ééé漢😀", ';
    const failure = splitError(`${prefix}x]`) as SplitFailure;
    expect(failure).toBeInstanceOf(SplitFailure);
    expect(failure.offset).toBe(Buffer.byteLength(prefix));
    expect(splitFailureError(failure, undefined).message).toContain(
      `at byte ${Buffer.byteLength(prefix)}`,
    );
    const missingComma = '{"é":1 "b":2}';
    const second = splitError(missingComma) as SplitFailure;
    expect(second.offset).toBe(Buffer.byteLength('{"é":1 '));
    const deep = `{"é":${"[".repeat(LIMITS.jsonDepth.value)}${"]".repeat(LIMITS.jsonDepth.value)}}`;
    const tooDeep = splitError(deep) as SplitFailure;
    expect(tooDeep.limit).toBe(true);
    expect(tooDeep.offset).toBe(Buffer.byteLength('{"é":') + LIMITS.jsonDepth.value - 1);
    expect(splitFailureError(tooDeep, "x.json")).toBeInstanceOf(ValidationError);
  });
});

describe("readInputBytes", () => {
  const dir = mkdtempSync(join(tmpdir(), "asset-diff-read-"));
  const text = `{"é":"${"abc漢".repeat(5000)}"}`;
  const plain = Buffer.from(text);
  const write = (name: string, bytes: Buffer | string): string => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  };
  async function* chunks(...parts: (Uint8Array | string)[]): AsyncGenerator<Uint8Array | string> {
    for (const part of parts) yield part;
  }
  /** A buffer cut in pieces of at most `size` bytes. */
  const pieces = (bytes: Buffer, size: number): Buffer[] => {
    const out: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
    return out;
  };
  const readError = async (promise: Promise<unknown>): Promise<InputReadError> => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InputReadError);
    return error as InputReadError;
  };

  test("a plain file reads as its bytes", async () => {
    expect((await readInputBytes(write("plain.json", plain))).equals(plain)).toBe(true);
  });

  test("a gzip file reads as its decompressed bytes, whatever its name", async () => {
    const gz = gzipSync(plain);
    for (const name of ["a.json.gz", "a.json", "noext"]) {
      expect((await readInputBytes(write(name, gz))).equals(plain)).toBe(true);
    }
  });

  test("an empty file reads as no bytes, plain or gzip", async () => {
    expect((await readInputBytes(write("empty.json", ""))).length).toBe(0);
    expect((await readInputBytes(write("empty.json.gz", gzipSync(Buffer.alloc(0))))).length).toBe(
      0,
    );
  });

  test("a one-byte file that starts like gzip is read plain", async () => {
    expect(
      (await readInputBytes(write("one", Buffer.from([0x1f])))).equals(Buffer.from([0x1f])),
    ).toBe(true);
  });

  test("standard input: plain and gzip, in chunks of bytes or strings", async () => {
    const gz = gzipSync(plain);
    const cases: AsyncIterable<Uint8Array | string>[] = [
      chunks(plain),
      chunks(...pieces(plain, 7)),
      chunks(...pieces(plain, 1000).map((p) => new Uint8Array(p))),
      chunks(text.slice(0, 10), text.slice(10)),
      chunks(gz),
      chunks(...pieces(gz, 3)),
      chunks(new Uint8Array(gz)),
      // The magic number split over chunks, or after an empty one.
      chunks(gz.subarray(0, 1), gz.subarray(1)),
      chunks(...pieces(gz, 1)),
      chunks(Buffer.alloc(0), gz),
    ];
    for (const stdin of cases) {
      expect((await readInputBytes("-", { stdin })).equals(plain)).toBe(true);
    }
    expect((await readInputBytes("-", { stdin: chunks() })).length).toBe(0);
    expect((await readInputBytes("-", { stdin: chunks("", "{}") })).toString()).toBe("{}");
  });

  test("a corrupt gzip is an InputReadError saying it is not valid gzip", async () => {
    const gz = gzipSync(plain);
    const corrupt = Buffer.concat([gz.subarray(0, 20), Buffer.alloc(40, 0xff), gz.subarray(60)]);
    const truncated = gz.subarray(0, gz.length - 10);
    for (const bytes of [corrupt, truncated, Buffer.from([0x1f, 0x8b, 0x00])]) {
      const fromFile = await readError(readInputBytes(write("bad.gz", bytes)));
      expect(fromFile.message).toContain("is not valid gzip");
      const fromStdin = await readError(readInputBytes("-", { stdin: chunks(bytes) }));
      expect(fromStdin.message).toContain("is not valid gzip");
      expect(fromStdin.source).toBe("<stdin>");
    }
  });

  test("maxBytes counts decompressed bytes: a small gzip bomb is refused", async () => {
    const bomb = gzipSync(Buffer.alloc(8 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const maxBytes = 1024 * 1024;
    const path = write("bomb.json.gz", bomb);
    const fromFile = await readError(readInputBytes(path, { maxBytes }));
    expect(fromFile.message).toMatch(/larger than the 1\.0 MiB limit/);
    const fromStdin = await readError(readInputBytes("-", { stdin: chunks(bomb), maxBytes }));
    expect(fromStdin.message).toMatch(/larger than the 1\.0 MiB limit/);
    // Exactly the limit passes.
    expect((await readInputBytes(path, { maxBytes: 8 * 1024 * 1024 })).length).toBe(
      8 * 1024 * 1024,
    );
  });

  test("maxBytes for plain files and standard input", async () => {
    const path = write("sized.json", plain);
    expect((await readInputBytes(path, { maxBytes: plain.length })).equals(plain)).toBe(true);
    await readError(readInputBytes(path, { maxBytes: plain.length - 1 }));
    await readError(
      readInputBytes("-", { stdin: chunks(...pieces(plain, 100)), maxBytes: plain.length - 1 }),
    );
    expect(
      (
        await readInputBytes("-", { stdin: chunks(...pieces(plain, 100)), maxBytes: plain.length })
      ).equals(plain),
    ).toBe(true);
  });

  test("a missing file and a directory are InputReadErrors", async () => {
    const missing = await readError(readInputBytes(join(dir, "nope.json")));
    expect(missing.message).toContain("does not exist");
    expect(missing.code).toBe("INPUT_READ");
    const directory = await readError(readInputBytes(dir));
    expect(directory.message).toContain("is a directory");
  });

  test("a failing standard input is an InputReadError", async () => {
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield Buffer.from("{");
      throw new Error("pipe closed");
    }
    const error = await readError(readInputBytes("-", { stdin: failing() }));
    expect(error.message).toContain("pipe closed");
  });
});
