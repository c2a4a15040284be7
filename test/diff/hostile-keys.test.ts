import { describe, expect, test } from "vitest";
import { diffAssetGraphs } from "../../src/diff/diff";
import { parseSnapshot, serializeSnapshot } from "../../src/load/snapshot/snapshot";
import { sameData } from "../../src/model/json";
import { asset, graph } from "../helpers/builders";

// Keys such as `constructor` and `__proto__` are data like any other: a graph diffed against a
// copy of itself, or against its own snapshot round trip, has no changes, whatever its JSON holds.

const HOSTILE = ["constructor", "__proto__", "prototype", "toString", "hasOwnProperty"];

/** A JSON metadata value with a hostile key at the top and nested, parsed as JSON does. */
function hostileJson(key: string, inner: number): unknown {
  return JSON.parse(`{"${key}": {"${key}": ${inner}, "x": [1, {"${key}": null}]}, "plain": 1}`);
}

function graphWith(key: string, inner: number) {
  return graph(
    asset(["a", key], {
      tags: [{ key, value: key }],
      metadata: [
        { key, value: { type: "json", value: hostileJson(key, inner) as never } },
        { key: `${key}/text`, value: { type: "text", text: key } },
      ],
    }),
  );
}

describe.each(HOSTILE)("the key %s", (key) => {
  test("a graph against a copy of itself has no changes", () => {
    const changes = diffAssetGraphs(graphWith(key, 1), structuredClone(graphWith(key, 1)));
    expect(changes.summary.assets).toEqual({ new: 0, removed: 0, modified: 0, unchanged: 1 });
  });

  test("a graph against its own snapshot round trip has no changes", () => {
    const original = graphWith(key, 1);
    const changes = diffAssetGraphs(
      original,
      parseSnapshot(JSON.parse(serializeSnapshot(original))),
    );
    expect(changes.assets).toEqual([]);
  });

  test("a change inside it is found, at its path", () => {
    const [change] = diffAssetGraphs(graphWith(key, 1), graphWith(key, 2)).assets;
    expect(change?.changeTypes).toEqual(["METADATA"]);
    expect(change?.details.metadata?.values[0]?.changes).toEqual([
      { type: "CHANGE", path: [key, key], oldValue: 1, value: 2 },
    ]);
  });

  test("prototypes are not polluted", () => {
    diffAssetGraphs(graphWith(key, 1), graphWith(key, 2));
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(Object.keys(Object.prototype)).toEqual([]);
  });
});

describe("sameData", () => {
  test.each([
    [{ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 }, true],
    [{ a: undefined }, {}, false],
    [[1, 2], { 0: 1, 1: 2 }, false],
    [Number.NaN, Number.NaN, true],
    [JSON.parse('{"constructor": {"a": 1}}'), JSON.parse('{"constructor": {"a": 1}}'), true],
    [JSON.parse('{"__proto__": {"a": 1}}'), JSON.parse('{"__proto__": {"a": 2}}'), false],
  ])("%j and %j: %s", (a, b, expected) => {
    expect(sameData(a, b)).toBe(expected);
  });

  test("100,000 levels of nesting do not overflow the stack", () => {
    let a: unknown = 0;
    let b: unknown = 0;
    for (let i = 0; i < 100_000; i++) {
      a = [a];
      b = [b];
    }
    expect(sameData(a, b)).toBe(true);
  });
});
