import { expect as jestExpect } from "@jest/globals";
import { describe, expect, expectTypeOf, test } from "vitest";
import type { AssetGraph } from "../../src/model/asset";
import {
  type AssetGraphMatcherFunctions,
  assetGraphMatchers,
  assetGraphSerializer,
  createAssetGraphMatchers,
  createAssetGraphSerializer,
  type SnapshotSerializer,
} from "../../src/testing/index";

const graph: AssetGraph = { assets: [] };

describe("the testing API fits both frameworks' types", () => {
  test("vitest: expect.extend, addSnapshotSerializer, and the augmented matchers", () => {
    expect.extend(assetGraphMatchers);
    expect.extend(createAssetGraphMatchers({ changes: { changeTypes: "dagster" } }));
    expect.addSnapshotSerializer(assetGraphSerializer);
    expect.addSnapshotSerializer(createAssetGraphSerializer({ maskLineNumbers: false }));
    expectTypeOf(expect(graph).toHaveAssetChanges).toBeCallableWith(graph, { "a/b": ["NEW"] });
    expectTypeOf(expect(graph).toHaveAssetChanges).toBeCallableWith(graph, undefined, {
      changeTypes: "dagster",
      codeLocation: "analytics",
    });
    expectTypeOf(expect(graph).not.toMatchAssetGraphSnapshot).toBeCallableWith("hint");
    expectTypeOf(expect(graph).toMatchAssetGraphSnapshot).toBeCallableWith({ omitMetadata: [/x/] });
    expectTypeOf(expect.toHaveAssetChanges).toBeCallableWith(graph);
    // @ts-expect-error: not a change type
    expect(graph).toHaveAssetChanges(graph, { a: ["CODEVERSION"] });
  });

  test("jest (@jest/globals): expect.extend, addSnapshotSerializer, and the augmented matchers", () => {
    jestExpect.extend(assetGraphMatchers);
    jestExpect.addSnapshotSerializer(assetGraphSerializer);
    expectTypeOf(jestExpect(graph).toHaveAssetChanges).toBeCallableWith(graph, { a: ["TAGS"] });
    expectTypeOf(jestExpect(graph).not.toMatchAssetGraphSnapshot).toBeCallableWith();
    expectTypeOf(jestExpect(graph).toHaveAssetChanges(graph)).toEqualTypeOf<void>();
  });

  test("the serializer is a plain pretty-format plugin", () => {
    expectTypeOf(assetGraphSerializer).toEqualTypeOf<SnapshotSerializer>();
    expectTypeOf(assetGraphMatchers).toEqualTypeOf<AssetGraphMatcherFunctions>();
    expectTypeOf(assetGraphSerializer.test).parameter(0).toBeUnknown();
  });
});
