import fc from "fast-check";
import type { Asset, AssetGraph } from "../../src/model/asset";
import type { JsonValue } from "../../src/model/json";
import type { MetadataValue } from "../../src/model/metadata";

// Small alphabets so that generated graphs share keys, tags and metadata keys often.
const word = fc.constantFrom("a", "b", "c", "raw", "stg", "Ünï", "with space", "__proto__", "a/b");
const keyPath = fc.array(word, { minLength: 1, maxLength: 3 });
const location = fc.constantFrom("one", "two");
const json: fc.Arbitrary<JsonValue> = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<JsonValue>;

const metadataValue: fc.Arbitrary<MetadataValue> = fc.oneof(
  fc.record({ type: fc.constant("text" as const), text: fc.string({ maxLength: 5 }) }),
  fc.record({
    type: fc.constant("int" as const),
    value: fc.oneof(fc.integer(), fc.constant("123456789012345678901"), fc.constant(null)),
  }),
  fc.record({
    type: fc.constant("float" as const),
    value: fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.constant("NaN" as const),
    ),
  }),
  fc.record({ type: fc.constant("bool" as const), value: fc.boolean() }),
  fc.record({ type: fc.constant("json" as const), value: json }),
  fc.record({ type: fc.constant("url" as const), url: fc.webUrl() }),
  fc.record({ type: fc.constant("null" as const) }),
  fc.record({ type: fc.constant("asset" as const), assetKey: keyPath }),
  fc.record({
    type: fc.constant("tableSchema" as const),
    schema: fc.record({
      columns: fc.array(
        fc.record({
          name: word,
          type: fc.constantFrom("int", "string"),
          description: fc.option(fc.string({ maxLength: 4 })),
          constraints: fc.record({
            nullable: fc.boolean(),
            unique: fc.boolean(),
            other: fc.array(word, { maxLength: 2 }),
          }),
          tags: fc.uniqueArray(fc.record({ key: word, value: word }), {
            selector: (t) => t.key,
            maxLength: 2,
          }),
        }),
        { maxLength: 3 },
      ),
      constraints: fc.option(fc.record({ other: fc.array(word, { maxLength: 2 }) })),
    }),
  }),
  fc.record({
    type: fc.constant("unknown" as const),
    typename: fc.constant("FutureMetadataEntry"),
    raw: json,
  }),
);

const mapping = fc.option(
  fc.record({
    className: fc.constantFrom("IdentityPartitionMapping", "TimeWindowPartitionMapping"),
    description: word,
  }),
);

/** A random asset; every section is sometimes unknown (absent). */
export const arbAsset = (loc: fc.Arbitrary<string | null> = location): fc.Arbitrary<Asset> =>
  fc.record(
    {
      key: keyPath,
      codeLocation: loc,
      repository: fc.constant("__repository__"),
      codeVersion: fc.option(fc.constantFrom("1", "2", "")),
      dependencies: fc.uniqueArray(
        fc.record({ key: keyPath, partitionMapping: mapping }, { requiredKeys: ["key"] }),
        { selector: (d) => JSON.stringify(d.key), maxLength: 3 },
      ),
      partitionsDefinition: fc.option(
        fc.oneof(
          fc.record({ type: fc.constant("STATIC" as const), description: word }),
          fc.record({
            type: fc.constant("TIME_WINDOW" as const),
            description: word,
            fmt: fc.constant("%Y-%m-%d"),
          }),
          fc.record({
            type: fc.constant("DYNAMIC" as const),
            description: word,
            name: fc.option(word),
          }),
        ),
      ),
      tags: fc.uniqueArray(fc.record({ key: word, value: word }), {
        selector: (t) => t.key,
        maxLength: 3,
      }),
      metadata: fc.uniqueArray(fc.record({ key: word, value: metadataValue }), {
        selector: (m) => m.key,
        maxLength: 3,
      }),
      group: fc.option(word),
      owners: fc.uniqueArray(
        fc.oneof(
          fc.record({
            type: fc.constant("user" as const),
            email: fc.constantFrom("a@x.io", "b@x.io"),
          }),
          fc.record({ type: fc.constant("team" as const), team: word }),
        ),
        { selector: (o) => JSON.stringify(o), maxLength: 2 },
      ),
      kinds: fc.uniqueArray(word, { maxLength: 2 }),
      description: fc.option(word),
      isExecutable: fc.boolean(),
      checks: fc.uniqueArray(
        fc.record(
          {
            name: fc.constantFrom("not_null_id", "unique_id", "fresh"),
            description: fc.option(word),
            blocking: fc.boolean(),
            additionalAssetKeys: fc.uniqueArray(keyPath, {
              selector: (k) => JSON.stringify(k),
              maxLength: 2,
            }),
            automationCondition: fc.option(
              fc.record({
                label: fc.option(word),
                expandedLabel: fc.array(word, { maxLength: 2 }),
              }),
            ),
          },
          { requiredKeys: ["name"] },
        ),
        { selector: (c) => c.name, maxLength: 3 },
      ),
    },
    { requiredKeys: ["key", "codeLocation", "repository"] },
  ) as fc.Arbitrary<Asset>;

/** A random graph whose assets have distinct identities. */
export const arbGraph: fc.Arbitrary<AssetGraph> = fc
  .uniqueArray(arbAsset(), {
    selector: (a) => JSON.stringify([a.codeLocation, a.key]),
    maxLength: 8,
  })
  .map((assets) => ({ assets }));

/** A random permutation of a list, driven by fast-check's random source. */
function shuffled<T>(items: readonly T[], random: (n: number) => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = random(i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** The same graph with every unordered list shuffled and JSON object keys reordered. */
export function reordered(graph: AssetGraph, random: (n: number) => number): AssetGraph {
  const reorderJson = (value: JsonValue): JsonValue => {
    if (Array.isArray(value)) return value.map(reorderJson);
    if (value === null || typeof value !== "object") return value;
    const entries = shuffled(Object.entries(value), random).map(
      ([k, v]) => [k, reorderJson(v)] as const,
    );
    const out: { [key: string]: JsonValue } = {};
    for (const [k, v] of entries)
      Object.defineProperty(out, k, {
        value: v,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return out;
  };
  const metadata = (value: MetadataValue): MetadataValue => {
    if (value.type === "json") return { type: "json", value: reorderJson(value.value) };
    if (value.type === "unknown") return { ...value, raw: reorderJson(value.raw) };
    return value;
  };
  return {
    assets: shuffled(graph.assets, random).map((a) => {
      const copy: Asset = { ...a };
      if (a.tags) copy.tags = shuffled(a.tags, random);
      if (a.metadata)
        copy.metadata = shuffled(a.metadata, random).map((m) => ({
          key: m.key,
          value: metadata(m.value),
        }));
      if (a.dependencies) copy.dependencies = shuffled(a.dependencies, random);
      if (a.owners) copy.owners = shuffled(a.owners, random);
      if (a.kinds) copy.kinds = shuffled(a.kinds, random);
      if (a.checks)
        copy.checks = shuffled(a.checks, random).map((c) =>
          c.additionalAssetKeys === undefined
            ? c
            : { ...c, additionalAssetKeys: shuffled(c.additionalAssetKeys, random) },
        );
      return copy;
    }),
  };
}
