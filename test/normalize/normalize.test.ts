import { describe, expect, test } from "vitest";
import { diffAssetGraphs } from "../../src/diff/diff";
import { ValidationError } from "../../src/errors";
import type { AssetGraph } from "../../src/model/asset";
import { normalize } from "../../src/normalize/normalize";
import { asset, dep, graph } from "../helpers/builders";

describe("normalize", () => {
  test("sorts what has no order and keeps what has one", () => {
    const [a] = normalize(
      graph(
        asset("a", {
          tags: [
            { key: "z", value: "1" },
            { key: "a", value: "2" },
          ],
          kinds: ["sql", "dbt", "sql"],
          owners: [
            { type: "team", team: "x" },
            { type: "user", email: "b@x.io" },
          ],
          dependencies: [dep("q"), dep("p"), dep("q")],
          partitionsDefinition: { type: "STATIC", description: "'b', 'a'", keys: ["b", "a"] },
          metadata: [
            {
              key: "m2",
              value: {
                type: "tableSchema",
                schema: { columns: [col("z"), col("a")], constraints: null },
              },
            },
            { key: "m1", value: { type: "int", value: "007" } },
          ],
        }),
      ),
    ).assets;
    expect(a?.tags?.map((t) => t.key)).toEqual(["a", "z"]);
    expect(a?.kinds).toEqual(["dbt", "sql"]);
    expect(a?.owners).toEqual([
      { type: "user", email: "b@x.io" },
      { type: "team", team: "x" },
    ]);
    expect(a?.dependencies).toEqual([dep("p"), dep("q")]);
    expect(a?.partitionsDefinition).toMatchObject({ keys: ["b", "a"] });
    expect(a?.metadata?.map((m) => m.key)).toEqual(["m1", "m2"]);
    expect(a?.metadata?.[0]?.value).toEqual({ type: "int", value: 7 });
    expect(a?.metadata?.[1]?.value).toMatchObject({
      schema: { columns: [{ name: "z" }, { name: "a" }] },
    });
  });

  test("orders assets by key, then code location", () => {
    const g = normalize(
      graph(asset("b"), asset("a", { codeLocation: "two" }), asset("a", { codeLocation: "one" })),
    );
    expect(g.assets.map((a) => `${a.key}@${a.codeLocation}`)).toEqual(["a@one", "a@two", "b@loc"]);
  });

  test("spells numbers one way: -0 is 0, safe big-int strings are numbers, NaN is a string", () => {
    const [a] = normalize(
      graph(
        asset("a", {
          metadata: [
            { key: "i", value: { type: "int", value: "-0" } },
            { key: "f", value: { type: "float", value: "NaN" } },
            { key: "g", value: { type: "float", value: -0 } },
            { key: "h", value: { type: "int", value: "99999999999999999999" } },
          ],
        }),
      ),
    ).assets;
    expect(Object.fromEntries(a?.metadata?.map((m) => [m.key, m.value]) ?? [])).toEqual({
      f: { type: "float", value: "NaN" },
      g: { type: "float", value: 0 },
      h: { type: "int", value: "99999999999999999999" },
      i: { type: "int", value: 0 },
    });
  });

  test('a NaN number in code is refused; NaN is written as the string "NaN"', () => {
    const nan = graph(
      asset("a", { metadata: [{ key: "f", value: { type: "float", value: Number.NaN } }] }),
    );
    expect(() => normalize(nan)).toThrow(/\$\.assets\[0\]\.metadata\[0\]\.value\.value: /);
  });

  test("is idempotent and returns its own result as it is", () => {
    const once = normalize(
      graph(
        asset("b"),
        asset("a", {
          tags: [
            { key: "y", value: "" },
            { key: "x", value: "" },
          ],
        }),
      ),
    );
    expect(normalize(once)).toBe(once);
    expect(normalize(structuredClone(once))).toEqual(once);
  });

  test("does not modify its input", () => {
    const input = graph(
      asset("b"),
      asset("a", {
        tags: [
          { key: "y", value: "" },
          { key: "x", value: "" },
        ],
      }),
    );
    const copy = structuredClone(input);
    normalize(input);
    expect(input).toEqual(copy);
  });

  test("validates graphs built in code like files, with JSON paths", () => {
    const bad = {
      assets: [{ key: "a", codeLocation: null, repository: null }],
    } as unknown as AssetGraph;
    expect(() => normalize(bad, { source: "my graph" })).toThrow(ValidationError);
    expect(() => normalize(bad, { source: "my graph" })).toThrow(
      "my graph: $.assets[0].key: expected array, received string",
    );
  });

  test("prototype-less objects equal plain ones", () => {
    const bare = Object.assign(Object.create(null), { a: 1 });
    const base = graph(
      asset("a", { metadata: [{ key: "j", value: { type: "json", value: bare } }] }),
    );
    const branch = graph(
      asset("a", { metadata: [{ key: "j", value: { type: "json", value: { a: 1 } } }] }),
    );
    expect(diffAssetGraphs(base, branch).assets).toEqual([]);
  });

  test("contradictions are errors that name the asset", () => {
    const twice = graph(
      asset("a", {
        metadata: [
          { key: "m", value: { type: "text", text: "1" } },
          { key: "m", value: { type: "text", text: "2" } },
        ],
      }),
    );
    expect(() => normalize(twice)).toThrow(
      'asset "a" in loc: metadata key "m" appears twice with different values',
    );
    const mappings = graph(
      asset("a", {
        dependencies: [
          dep("p", { className: "IdentityPartitionMapping", description: "" }),
          dep("p", { className: "AllPartitionMapping", description: "" }),
        ],
      }),
    );
    expect(() => normalize(mappings)).toThrow(
      'dependency "p" is declared twice with different partition mappings',
    );
    const exactRepeat = graph(
      asset("a", {
        tags: [
          { key: "t", value: "1" },
          { key: "t", value: "1" },
        ],
      }),
    );
    expect(normalize(exactRepeat).assets[0]?.tags).toEqual([{ key: "t", value: "1" }]);
  });
});

function col(name: string) {
  return {
    name,
    type: "int",
    description: null,
    constraints: { nullable: true, unique: false, other: [] },
    tags: [],
  };
}
