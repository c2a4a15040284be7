import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { InputFormat } from "../../src/load/index";
import { parseAssetGraph } from "../../src/load/index";
import { serializeSnapshot } from "../../src/load/snapshot/snapshot";
import type { AssetGraph } from "../../src/model/asset";

/**
 * The real inputs the fuzzer mutates: the fixtures, snapshots written from them and, when the
 * folder is there, the real files of `../shared/data` (skipped on a clone without it, as
 * `test/load/dbt/real-manifests.test.ts` does). Each is read once, on first use.
 */

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const FIXTURES = join(ROOT, "fixtures");
/** Real inputs nobody here wrote (see each folder's SOURCE.md). */
const SHARED_DATA = join(ROOT, "..", "shared", "data");

/** A document the fuzzer starts from. */
export interface Seed {
  name: string;
  format: InputFormat;
  /** The parsed JSON document. */
  document: () => unknown;
  /** The seed the other side of a comparison starts from (a base and its branch). */
  partner?: string;
  /** Large (a real manifest): used whole only now and then, else as a slice. */
  large: boolean;
}

function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
}

const readJson = (path: string) => once(() => JSON.parse(readFileSync(path, "utf8")) as unknown);

function fileSeed(
  name: string,
  format: InputFormat,
  path: string,
  extra: { partner?: string; large?: boolean } = {},
): Seed {
  const seed: Seed = { name, format, document: readJson(path), large: extra.large ?? false };
  if (extra.partner !== undefined) seed.partner = extra.partner;
  return seed;
}

/** A snapshot written from another seed's graph. */
function snapshotSeed(name: string, of: Seed, partner?: string): Seed {
  const seed: Seed = {
    name,
    format: "snapshot",
    document: once(() => JSON.parse(serializeSnapshot(seedGraph(of))) as unknown),
    large: false,
  };
  if (partner !== undefined) seed.partner = partner;
  return seed;
}

/**
 * The nodes of the example workspace as one bare `assetNodes` response (one node per key: the
 * workspace has a key in two code locations, which a bare list cannot tell apart).
 */
function assetNodesSeed(name: string, of: Seed): Seed {
  return {
    name,
    format: "dagster-graphql",
    large: false,
    document: once(() => {
      const text = JSON.stringify(of.document());
      const nodes = new Map<string, unknown>();
      JSON.parse(text, (key, value) => {
        if (key === "assetNodes" && Array.isArray(value)) {
          for (const node of value) {
            const id = JSON.stringify(node.assetKey);
            if (!nodes.has(id)) nodes.set(id, node);
          }
        }
        return value;
      });
      return { data: { assetNodes: [...nodes.values()] } };
    }),
  };
}

const example = {
  base: fileSeed("example/base", "dagster-graphql", join(FIXTURES, "example", "base.json"), {
    partner: "example/branch",
  }),
  branch: fileSeed("example/branch", "dagster-graphql", join(FIXTURES, "example", "branch.json"), {
    partner: "example/base",
  }),
};
const dg = {
  base: fileSeed("dg/base", "dg-list-defs", join(FIXTURES, "dg", "base.json"), {
    partner: "dg/branch",
  }),
  branch: fileSeed("dg/branch", "dg-list-defs", join(FIXTURES, "dg", "branch.json"), {
    partner: "dg/base",
  }),
};
const shop = {
  base: fileSeed("dbt/shop-v12-base", "dbt-manifest", join(FIXTURES, "dbt", "shop-v12-base.json"), {
    partner: "dbt/shop-v12-branch",
  }),
  branch: fileSeed(
    "dbt/shop-v12-branch",
    "dbt-manifest",
    join(FIXTURES, "dbt", "shop-v12-branch.json"),
    { partner: "dbt/shop-v12-base" },
  ),
};

const FIXTURE_SEEDS: Seed[] = [
  example.base,
  example.branch,
  assetNodesSeed("example/asset-nodes", example.base),
  dg.base,
  dg.branch,
  fileSeed("dg/list-defs-newest", "dg-list-defs", join(FIXTURES, "dg", "list-defs-newest.json")),
  fileSeed("dg/list-defs-2025", "dg-list-defs", join(FIXTURES, "dg", "list-defs-2025.json")),
  fileSeed(
    "dg/definitions-list-early-2025",
    "dg-list-defs",
    join(FIXTURES, "dg", "definitions-list-early-2025.json"),
  ),
  shop.base,
  shop.branch,
  fileSeed("dbt/ads-v7", "dbt-manifest", join(FIXTURES, "dbt", "ads-v7.json")),
  snapshotSeed("snapshot/example-base", example.base, "snapshot/example-branch"),
  snapshotSeed("snapshot/example-branch", example.branch, "snapshot/example-base"),
  snapshotSeed("snapshot/dg-base", dg.base),
  snapshotSeed("snapshot/shop-base", shop.base),
];

/** The real files of ../shared/data, by folder: dbt manifests and a Dagster+ response. */
function sharedSeeds(): Seed[] {
  if (!existsSync(SHARED_DATA)) return [];
  const seeds: Seed[] = [];
  for (const folder of readdirSync(SHARED_DATA).sort()) {
    const dir = join(SHARED_DATA, folder);
    let files: string[];
    try {
      files = readdirSync(dir)
        .filter((f) => f.endsWith(".json"))
        .sort();
    } catch {
      continue;
    }
    const names = files.map((f) => `shared/${folder}/${f}`);
    files.forEach((file, i) => {
      const path = join(dir, file);
      const format: InputFormat = file.startsWith("manifest") ? "dbt-manifest" : "dagster-graphql";
      // The two manifests of one folder are a base and its branch.
      const partner = files.length === 2 ? names[1 - i] : undefined;
      seeds.push(
        fileSeed(names[i] as string, format, path, {
          large: format === "dbt-manifest",
          ...(partner === undefined ? {} : { partner }),
        }),
      );
    });
  }
  return seeds;
}

/** Every seed: the fixtures first, then the shared real files when present. */
export const SEEDS: readonly Seed[] = [...FIXTURE_SEEDS, ...sharedSeeds()];

const BY_NAME = new Map(SEEDS.map((s) => [s.name, s]));

/** The seed of that name. */
export function seedNamed(name: string): Seed {
  const seed = BY_NAME.get(name);
  if (seed === undefined) throw new Error(`no fuzz seed ${name}`);
  return seed;
}

/** The seeds of one format. */
export function seedsOf(format: InputFormat): Seed[] {
  return SEEDS.filter((s) => s.format === format);
}

const graphs = new Map<string, AssetGraph>();

/** A seed's graph, parsed once (seeds are valid inputs). */
export function seedGraph(seed: Seed): AssetGraph {
  let graph = graphs.get(seed.name);
  if (graph === undefined) {
    graph = parseAssetGraph(seed.document(), { format: seed.format, source: seed.name });
    graphs.set(seed.name, graph);
  }
  return graph;
}
