/**
 * The benchmark's input generator (see `scripts/bench.ts`): deterministic pairs of inputs, base and
 * branch, with planted changes whose exact counts are known.
 *
 * - Dagster GraphQL responses (`workspaceOrError`, three code locations of one `__repository__`
 *   each) of any number of assets, written node by node to a stream: at 500,000 assets a file is
 *   over V8's 512 MiB string limit, so the whole response is never one string.
 * - dbt manifests (schema v12) of 20,000 models and 200 sources.
 *
 * Every draw depends only on (asset, draw number), so the two sides agree except where a change is
 * planted. Files are reused when a stamp file says the same generator version wrote them.
 */
import { createHash } from "node:crypto";
import { once } from "node:events";
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  CHANGE_TYPES,
  type ChangeType,
  DAGSTER_CHANGE_TYPES,
  EXTRA_CHANGE_TYPES,
} from "../src/diff/change-types";

/** Bump when the generated files change: older files on disk are then written anew. */
const GENERATOR_VERSION = 3;

/** What the CLI must report for a generated pair. */
export interface ExpectedCounts {
  /** Assets in the change set: new + removed + modified. */
  changed: number;
  new: number;
  removed: number;
  modified: number;
  /** Dagster's change types and the extra ones, by name, zeros included. */
  changeTypes: Record<string, number>;
  extraChangeTypes: Record<string, number>;
  /** Unchanged assets whose branch node was rewritten in another order only. */
  orderOnly: number;
}

/** A generated pair of files. */
export interface GeneratedPair {
  base: string;
  branch: string;
  expected: ExpectedCounts;
  /** Whether the files were written now (false: reused). */
  written: boolean;
}

const DAGSTER_TYPES = DAGSTER_CHANGE_TYPES;
const EXTRA_TYPES = EXTRA_CHANGE_TYPES;

/**
 * The changes planted on modified Dagster assets, one change type each. MOVED is not planted: the
 * moves policy gives it only to a REMOVED and NEW pair that a configuration declares moved, and
 * the benchmark runs without a configuration.
 */
const DAGSTER_PLANTS = CHANGE_TYPES.filter(
  (type): type is Exclude<ChangeType, "NEW" | "REMOVED" | "MOVED"> =>
    type !== "NEW" && type !== "REMOVED" && type !== "MOVED",
);
type Plant = (typeof DAGSTER_PLANTS)[number] | "NEW" | "REMOVED";
/** Leaves (assets no other asset depends on) take these too, so that no dependency dangles. */
const LEAF_PLANTS: readonly Plant[] = ["NEW", "REMOVED", ...DAGSTER_PLANTS];

const CHANGE_RATE = 0.05;
const ORDER_ONLY_RATE = 0.05;
const LOCATIONS = ["analytics", "ingestion", "ml_platform"] as const;
const LAYERS = ["raw", "staging", "intermediate", "marts"] as const;
const DOMAINS = ["finance", "growth", "product", "ops"] as const;
const KINDS = ["dbt", "python", "snowflake"] as const;

/** A uniform draw in [0, 1) that depends only on (i, salt). */
function draw(i: number, salt: number): number {
  let h = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(salt + 0x632be5ab, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}
const pick = <T>(items: readonly T[], i: number, salt: number): T =>
  items[Math.floor(draw(i, salt) * items.length)] as T;

// --- Dagster GraphQL ---

/** The whole plan of a pair, small enough to hold for 500,000 assets (typed arrays). */
interface Plan {
  n: number;
  parentStart: Uint32Array;
  parents: Int32Array;
  /** Index into PLANTS + 1, or 0 for none. */
  plant: Uint8Array;
  orderOnly: Uint8Array;
}
const PLANTS: readonly Plant[] = ["NEW", "REMOVED", ...DAGSTER_PLANTS];

function makePlan(n: number): Plan {
  const parentStart = new Uint32Array(n + 1);
  const list: number[] = [];
  const children = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    parentStart[i] = list.length;
    const count = Math.min(i, Math.floor(draw(i, 1) * 5));
    const chosen = new Set<number>();
    for (let k = 0, tries = 0; chosen.size < count && tries < 20; k++, tries++) {
      // Mostly near parents, some anywhere before (across code locations: i % 3 differs).
      const far = draw(i, 20 + k) < 0.2;
      const span = far ? i : Math.min(i, 64);
      const j = i - 1 - Math.floor(draw(i, 40 + k) * span);
      if (j >= 0 && !chosen.has(j)) chosen.add(j);
    }
    for (const j of [...chosen].sort((a, b) => a - b)) {
      list.push(j);
      children[j] = (children[j] as number) + 1;
    }
  }
  parentStart[n] = list.length;
  const plant = new Uint8Array(n);
  const orderOnly = new Uint8Array(n);
  let leafCount = 0;
  let innerCount = 0;
  for (let i = 16; i < n; i++) {
    if (draw(i, 2) < CHANGE_RATE) {
      const p =
        children[i] === 0
          ? (LEAF_PLANTS[leafCount++ % LEAF_PLANTS.length] as Plant)
          : (DAGSTER_PLANTS[innerCount++ % DAGSTER_PLANTS.length] as Plant);
      plant[i] = PLANTS.indexOf(p) + 1;
    } else if (draw(i, 3) < ORDER_ONLY_RATE) orderOnly[i] = 1;
  }
  return { n, parentStart, parents: Int32Array.from(list), plant, orderOnly };
}

const plantOf = (plan: Plan, i: number): Plant | undefined =>
  plan.plant[i] ? PLANTS[(plan.plant[i] as number) - 1] : undefined;

function expectedOf(plan: Plan): ExpectedCounts {
  const changeTypes = Object.fromEntries(DAGSTER_TYPES.map((t) => [t, 0]));
  const extraChangeTypes = Object.fromEntries(EXTRA_TYPES.map((t) => [t, 0]));
  const counts = { new: 0, removed: 0, modified: 0, orderOnly: 0 };
  for (let i = 0; i < plan.n; i++) {
    if (plan.orderOnly[i]) counts.orderOnly++;
    const p = plantOf(plan, i);
    if (p === undefined) continue;
    if (p === "NEW") counts.new++;
    else if (p === "REMOVED") counts.removed++;
    else counts.modified++;
    if (p in changeTypes) changeTypes[p] = (changeTypes[p] as number) + 1;
    else extraChangeTypes[p] = (extraChangeTypes[p] as number) + 1;
  }
  return {
    changed: counts.new + counts.removed + counts.modified,
    ...counts,
    changeTypes,
    extraChangeTypes,
  };
}

function keyOf(i: number): string[] {
  const layer = LAYERS[i % 4] as string;
  const domain = pick(DOMAINS, i, 4);
  const name = `asset_${i}`;
  switch (Math.floor(draw(i, 5) * 3)) {
    case 0:
      return [layer, name];
    case 1:
      return [layer, domain, name];
    default:
      return [LOCATIONS[i % 3] as string, layer, domain, name];
  }
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function column(i: number, c: number): Json {
  return {
    name: `col_${c}`,
    type: pick(["int", "string", "timestamp", "decimal(18,2)"], i, 100 + c),
    description: c % 2 ? `Column ${c} of asset ${i}` : null,
    constraints: { nullable: c !== 0, unique: c === 0, other: [] },
    tags: c === 1 ? [{ key: "pii", value: "" }] : [],
  };
}

const DAILY: Json = {
  type: "TIME_WINDOW",
  description: "Daily, starting 2024-01-01 UTC.",
  name: null,
  fmt: "%Y-%m-%d",
  dimensionTypes: [],
};
const HOURLY: Json = {
  type: "TIME_WINDOW",
  description: "Hourly, starting 2024-01-01-00:00 UTC.",
  name: null,
  fmt: "%Y-%m-%d-%H:%M",
  dimensionTypes: [],
};

/** One asset node as the given side writes it (`undefined`: not on that side). */
function assetNode(plan: Plan, i: number, side: "base" | "branch"): Json | undefined {
  const plant = side === "branch" ? plantOf(plan, i) : undefined;
  const basePlant = plantOf(plan, i);
  if (side === "base" && basePlant === "NEW") return undefined;
  if (side === "branch" && basePlant === "REMOVED") return undefined;
  const layer = LAYERS[i % 4] as string;
  const kind = KINDS[i % 3] as string;
  let parents = Array.from(
    plan.parents.subarray(plan.parentStart[i], plan.parentStart[i + 1]),
    (j) => keyOf(j),
  );
  const firstParent =
    plan.parentStart[i] === plan.parentStart[i + 1]
      ? undefined
      : plan.parents[plan.parentStart[i] as number];
  if (plant === "DEPENDENCIES") {
    if (parents.length > 0) parents = parents.slice(0, -1);
    else {
      // The nearest earlier asset on both sides.
      let j = i - 1;
      while (j > 0 && (plantOf(plan, j) === "NEW" || plantOf(plan, j) === "REMOVED")) j--;
      parents = [keyOf(j)];
    }
  }
  const columns = Array.from({ length: 8 }, (_, c) => column(i, c));
  if (plant === "METADATA") {
    columns.push({
      name: "added_col",
      type: "string",
      description: null,
      constraints: { nullable: true, unique: false, other: [] },
      tags: [],
    });
  }
  const partitioned = i % 5 === 0;
  const owners: Json[] = [
    { __typename: "TeamAssetOwner", team: pick(["data", "analytics"], i, 6) },
  ];
  if (i % 2 === 1)
    owners.push({ __typename: "UserAssetOwner", email: `owner${i % 97}@example.com` });
  if (plant === "OWNERS")
    owners.push({ __typename: "UserAssetOwner", email: "new.owner@example.com" });
  const checkCount = Math.floor(draw(i, 7) * 3);
  const checks: Json[] = Array.from({ length: checkCount }, (_, c) => ({
    name: c === 0 ? "row_count_positive" : "no_null_ids",
    description: c === 0 ? "Row count is above zero." : null,
    blocking: c === 0,
    // The first parent of the base, whatever the branch does to the dependencies.
    additionalAssetKeys: c === 1 && firstParent !== undefined ? [{ path: keyOf(firstParent) }] : [],
    automationCondition: null,
  }));
  if (plant === "CHECKS") {
    checks.push({
      name: "freshness_within_a_day",
      description: "Added on the branch.",
      blocking: false,
      additionalAssetKeys: [],
      automationCondition: null,
    });
  }
  const node: { [key: string]: Json } = {
    assetKey: { path: keyOf(i) },
    opVersion: plant === "CODE_VERSION" ? `v${i}-next` : `v${i}`,
    dependencyKeys: parents.map((path) => ({ path })),
    dependencies: parents.map((path) => ({
      asset: { assetKey: { path } },
      partitionMapping: null,
    })),
    partitionDefinition:
      plant === "PARTITIONS_DEFINITION"
        ? partitioned
          ? HOURLY
          : DAILY
        : partitioned
          ? DAILY
          : null,
    tags: [
      { key: `dagster/kind/${kind}`, value: "" },
      { key: "domain", value: pick(DOMAINS, i, 4) },
      { key: "tier", value: plant === "TAGS" ? "gold" : "silver" },
    ],
    metadataEntries: [
      {
        __typename: "TextMetadataEntry",
        label: "dagster/table_name",
        description: null,
        text: `analytics.${layer}.asset_${i}`,
      },
      {
        __typename: "IntMetadataEntry",
        label: "dagster/row_count",
        description: null,
        intValue: i * 10,
        intRepr: String(i * 10),
      },
      {
        __typename: "TableSchemaMetadataEntry",
        label: "dagster/column_schema",
        description: null,
        schema: { columns, constraints: null },
      },
      {
        __typename: "JsonMetadataEntry",
        label: "config",
        description: null,
        jsonString: JSON.stringify({ materialized: pick(["table", "view"], i, 8), retries: i % 4 }),
      },
      {
        __typename: "CodeReferencesMetadataEntry",
        label: "dagster/code_references",
        description: null,
        codeReferences: [
          {
            __typename: "LocalFileCodeReference",
            filePath: `src/${layer}/asset_${i}.py`,
            lineNumber: 1 + (i % 200),
            label: null,
          },
        ],
      },
    ],
    groupName: plant === "GROUP" ? `${layer}_v2` : layer,
    description:
      plant === "DESCRIPTION"
        ? `Asset ${i} in the ${layer} layer, revised.`
        : `Asset ${i} in the ${layer} layer.`,
    owners,
    kinds: plant === "KINDS" ? [kind, "table", "view"] : [kind, "table"],
    automationCondition:
      plant === "AUTOMATION_CONDITION" ? { label: "eager", expandedLabel: ["eager"] } : null,
    internalFreshnessPolicy:
      plant === "FRESHNESS_POLICY"
        ? {
            __typename: "TimeWindowFreshnessPolicy",
            failWindowSeconds: 86400,
            warnWindowSeconds: null,
          }
        : null,
    backfillPolicy:
      plant === "BACKFILL_POLICY"
        ? {
            policyType: "SINGLE_RUN",
            maxPartitionsPerRun: null,
            description: "Backfills in a single run",
          }
        : null,
    isExecutable: true,
    isMaterializable: plant !== "EXECUTION_TYPE",
    isObservable: plant === "EXECUTION_TYPE",
    assetChecksOrError: { __typename: "AssetChecks", checks },
  };
  if (side === "branch" && plan.orderOnly[i]) return reordered(node);
  return node;
}

/**
 * The same node written in another order: its lists that have no meaning in their order (tags,
 * metadata entries, owners, kinds, dependencies, checks) reversed, and the object keys of the
 * node and of its metadata entries reversed. Must not count as a change.
 */
function reordered(node: { [key: string]: Json }): Json {
  const reversedKeys = (o: { [key: string]: Json }) =>
    Object.fromEntries(Object.entries(o).reverse());
  const out: { [key: string]: Json } = { ...node };
  for (const field of ["tags", "owners", "kinds", "dependencyKeys", "dependencies"]) {
    out[field] = [...(node[field] as Json[])].reverse();
  }
  out.metadataEntries = (node.metadataEntries as { [key: string]: Json }[])
    .map(reversedKeys)
    .reverse();
  const checks = node.assetChecksOrError as { checks: Json[] };
  out.assetChecksOrError = { checks: [...checks.checks].reverse(), __typename: "AssetChecks" };
  return reversedKeys(out);
}

/** Buffers writes to a stream, waiting for it to drain: memory stays small whatever the size. */
class StreamWriter {
  private readonly stream;
  private chunks: string[] = [];
  private size = 0;

  constructor(path: string) {
    this.stream = createWriteStream(path);
  }

  async write(text: string): Promise<void> {
    this.chunks.push(text);
    this.size += text.length;
    if (this.size >= 1 << 20) await this.flush();
  }

  private async flush(): Promise<void> {
    const chunk = this.chunks.join("");
    this.chunks = [];
    this.size = 0;
    if (!this.stream.write(chunk)) await once(this.stream, "drain");
  }

  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    await once(this.stream, "finish");
  }
}

/** Nodes of one repository in a block this long are sometimes written backwards in the branch. */
const SHUFFLE_BLOCK = 32;

async function writeResponse(plan: Plan, side: "base" | "branch", path: string): Promise<void> {
  const out = new StreamWriter(path);
  await out.write('{"data":{"workspaceOrError":{"__typename":"Workspace","locationEntries":[');
  for (let l = 0; l < LOCATIONS.length; l++) {
    const name = LOCATIONS[l] as string;
    await out.write(
      `${l ? "," : ""}{"name":${JSON.stringify(name)},"loadStatus":"LOADED","locationOrLoadError":{"__typename":"RepositoryLocation","name":${JSON.stringify(name)},"repositories":[{"name":"__repository__","assetNodes":[`,
    );
    let first = true;
    let block: string[] = [];
    let blockNumber = 0;
    const flushBlock = async () => {
      if (side === "branch" && draw(blockNumber * 3 + l, 9) < 0.3) block.reverse();
      blockNumber++;
      for (const text of block) {
        await out.write(first ? text : `,${text}`);
        first = false;
      }
      block = [];
    };
    for (let i = l; i < plan.n; i += LOCATIONS.length) {
      const node = assetNode(plan, i, side);
      if (node === undefined) continue;
      block.push(JSON.stringify(node));
      if (block.length === SHUFFLE_BLOCK) await flushBlock();
    }
    await flushBlock();
    await out.write("]}]}}");
  }
  await out.write("]}}}\n");
  await out.close();
}

function reusable(dir: string, stamp: string, files: readonly string[]): boolean {
  const stampPath = join(dir, "stamp.json");
  return (
    existsSync(stampPath) &&
    readFileSync(stampPath, "utf8") === stamp &&
    files.every((file) => existsSync(join(dir, file)))
  );
}

/**
 * The Dagster GraphQL pair of `n` assets per graph in `dir` (`base.json`, `branch.json`),
 * written unless the stamp says this generator version already wrote them.
 */
export async function dagsterPair(dir: string, n: number): Promise<GeneratedPair> {
  const plan = makePlan(n);
  const expected = expectedOf(plan);
  const base = join(dir, "base.json");
  const branch = join(dir, "branch.json");
  const stamp = JSON.stringify({ generator: GENERATOR_VERSION, kind: "dagster", n });
  if (reusable(dir, stamp, ["base.json", "branch.json"])) {
    return { base, branch, expected, written: false };
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "stamp.json"), "");
  await writeResponse(plan, "base", base);
  await writeResponse(plan, "branch", branch);
  writeFileSync(join(dir, "stamp.json"), stamp);
  return { base, branch, expected, written: true };
}

// --- dbt manifests ---

/** Changes planted on dbt models, each with the change types it gives. */
const DBT_PLANTS = {
  /** New SQL: the code version (SHA-1 of the raw code) and dagster-dbt's description, which ends with the SQL. */
  sql: ["CODE_VERSION", "DESCRIPTION"],
  tag: ["TAGS"],
  column: ["METADATA"],
  materialized: ["METADATA"],
  /** One more `ref()`: the SQL changes with it. */
  dependency: ["DEPENDENCIES", "CODE_VERSION", "DESCRIPTION"],
  description: ["DESCRIPTION"],
  group: ["GROUP"],
  new: ["NEW"],
  removed: ["REMOVED"],
} as const satisfies Record<string, readonly string[]>;
type DbtPlant = keyof typeof DBT_PLANTS;
const DBT_INNER: readonly DbtPlant[] = [
  "sql",
  "tag",
  "column",
  "materialized",
  "dependency",
  "description",
  "group",
];
const DBT_LEAF: readonly DbtPlant[] = ["new", "removed", ...DBT_INNER];
const DBT_SOURCES = 200;
const PROJECT = "proj";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** The dbt pair of `models` models in `dir` (`base.json`, `branch.json`: manifest.json files). */
export async function dbtPair(dir: string, models: number): Promise<GeneratedPair> {
  // Parents: earlier models, and sources for the first models.
  const parents: string[][] = [];
  const childCount = new Uint32Array(models);
  const modelId = (i: number) => `model.${PROJECT}.model_${i}`;
  const sourceId = (s: number) => `source.${PROJECT}.raw.table_${s}`;
  for (let i = 0; i < models; i++) {
    const list = new Set<string>();
    // The first 50 models (never changed) read four sources each: every source keeps a dependent
    // on both sides, so no source stub comes or goes with a planted change.
    if (i < 50) for (let s = 4 * i; s < 4 * i + 4 && s < DBT_SOURCES; s++) list.add(sourceId(s));
    const count = 1 + Math.floor(draw(i, 201) * 3);
    for (let k = 0; k < count; k++) {
      if (i < 400 || draw(i, 210 + k) < 0.05)
        list.add(sourceId(Math.floor(draw(i, 220 + k) * DBT_SOURCES)));
      else {
        const j = i - 1 - Math.floor(draw(i, 230 + k) * Math.min(i, 100));
        list.add(modelId(j));
        childCount[j] = (childCount[j] as number) + 1;
      }
    }
    parents.push([...list].sort());
  }
  const plants = new Map<number, DbtPlant>();
  let leaf = 0;
  let inner = 0;
  for (let i = 50; i < models; i++) {
    if (draw(i, 202) >= CHANGE_RATE) continue;
    plants.set(
      i,
      childCount[i] === 0
        ? (DBT_LEAF[leaf++ % DBT_LEAF.length] as DbtPlant)
        : (DBT_INNER[inner++ % DBT_INNER.length] as DbtPlant),
    );
  }
  const changeTypes = Object.fromEntries(DAGSTER_TYPES.map((t) => [t, 0]));
  const extraChangeTypes = Object.fromEntries(EXTRA_TYPES.map((t) => [t, 0]));
  const counts = { new: 0, removed: 0, modified: 0 };
  for (const plant of plants.values()) {
    if (plant === "new") counts.new++;
    else if (plant === "removed") counts.removed++;
    else counts.modified++;
    for (const t of DBT_PLANTS[plant]) {
      const table = t in changeTypes ? changeTypes : extraChangeTypes;
      table[t] = (table[t] as number) + 1;
    }
  }
  const expected: ExpectedCounts = {
    changed: plants.size,
    ...counts,
    changeTypes,
    extraChangeTypes,
    orderOnly: 0,
  };
  const base = join(dir, "base.json");
  const branch = join(dir, "branch.json");
  const stamp = JSON.stringify({ generator: GENERATOR_VERSION, kind: "dbt", models });
  if (reusable(dir, stamp, ["base.json", "branch.json"]))
    return { base, branch, expected, written: false };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "stamp.json"), "");
  for (const side of ["base", "branch"] as const) {
    await writeManifest(
      side === "base" ? base : branch,
      side,
      models,
      parents,
      plants,
      modelId,
      sourceId,
    );
  }
  writeFileSync(join(dir, "stamp.json"), stamp);
  return { base, branch, expected, written: true };
}

async function writeManifest(
  path: string,
  side: "base" | "branch",
  models: number,
  parents: readonly string[][],
  plants: ReadonlyMap<number, DbtPlant>,
  modelId: (i: number) => string,
  sourceId: (s: number) => string,
): Promise<void> {
  const out = new StreamWriter(path);
  const metadata = {
    dbt_schema_version: "https://schemas.getdbt.com/dbt/manifest/v12.json",
    dbt_version: "1.8.1",
    generated_at: "2026-12-01T00:00:00.000000Z",
    invocation_id: "00000000-0000-4000-8000-000000000000",
    env: {},
    project_name: PROJECT,
    project_id: "0123456789abcdef0123456789abcdef",
    user_id: null,
    send_anonymous_usage_stats: false,
    adapter_type: "snowflake",
  };
  await out.write(`{"metadata":${JSON.stringify(metadata)},"nodes":{`);
  const present = (i: number) => {
    const plant = plants.get(i);
    return !(side === "base" ? plant === "new" : plant === "removed");
  };
  const parentMap = new Map<string, string[]>();
  const childMap = new Map<string, string[]>();
  for (let s = 0; s < DBT_SOURCES; s++) {
    parentMap.set(sourceId(s), []);
    childMap.set(sourceId(s), []);
  }
  let first = true;
  for (let i = 0; i < models; i++) {
    if (!present(i)) continue;
    const plant = side === "branch" ? plants.get(i) : undefined;
    const id = modelId(i);
    let deps = parents[i] as string[];
    if (plant === "dependency") {
      // One more parent: the nearest earlier model on both sides that is not one already.
      let j = i - 1;
      while (deps.includes(modelId(j)) || plants.get(j) === "new" || plants.get(j) === "removed")
        j--;
      deps = [...deps, modelId(j)].sort();
    }
    parentMap.set(id, deps);
    childMap.set(id, []);
    for (const d of deps) childMap.get(d)?.push(id);
    await out.write(
      `${first ? "" : ","}${JSON.stringify(id)}:${JSON.stringify(dbtModel(i, id, deps, plant))}`,
    );
    first = false;
  }
  await out.write('},"sources":{');
  for (let s = 0; s < DBT_SOURCES; s++) {
    await out.write(
      `${s ? "," : ""}${JSON.stringify(sourceId(s))}:${JSON.stringify(dbtSource(s, sourceId(s)))}`,
    );
  }
  await out.write(
    '},"macros":{},"docs":{},"exposures":{},"metrics":{},"groups":{},"selectors":{},"disabled":{},',
  );
  for (const [name, map] of [
    ["parent_map", parentMap],
    ["child_map", childMap],
  ] as const) {
    await out.write(`"${name}":{`);
    let firstEntry = true;
    for (const [id, list] of map) {
      await out.write(`${firstEntry ? "" : ","}${JSON.stringify(id)}:${JSON.stringify(list)}`);
      firstEntry = false;
    }
    await out.write("},");
  }
  await out.write('"group_map":{},"saved_queries":{},"semantic_models":{},"unit_tests":{}}\n');
  await out.close();
}

function dbtModel(
  i: number,
  id: string,
  deps: readonly string[],
  plant: DbtPlant | undefined,
): Json {
  const name = `model_${i}`;
  const refs = deps
    .filter((d) => d.startsWith("model."))
    .map((d) => d.slice(`model.${PROJECT}.`.length));
  const sources = deps.filter((d) => d.startsWith("source."));
  const select = refs
    .map((r) => `{{ ref('${r}') }}`)
    .concat(sources.map((s) => `{{ source('raw', '${s.split(".").pop()}') }}`));
  let rawCode = `select\n  id,\n  value_${i % 7} as value,\n  updated_at\nfrom ${select.join("\njoin ")}\n`;
  if (plant === "sql") rawCode += "where value is not null\n";
  const tags = ["nightly", ...(i % 3 === 0 ? ["core"] : [])];
  if (plant === "tag") tags.push("finance");
  const columns: { [key: string]: Json } = {};
  for (let c = 0; c < 6; c++) {
    columns[`col_${c}`] = {
      name: `col_${c}`,
      description: c === 0 ? "The primary key." : `Column ${c} of ${name}.`,
      meta: {},
      data_type: pick(["integer", "varchar", "timestamp", "numeric"], i, 240 + c),
      constraints: [],
      quote: null,
      tags: c === 0 ? ["pk"] : [],
      granularity: null,
    };
  }
  if (plant === "column") {
    columns.added_col = {
      name: "added_col",
      description: "Added on the branch.",
      meta: {},
      data_type: "varchar",
      constraints: [],
      quote: null,
      tags: [],
      granularity: null,
    };
  }
  const materialized = plant === "materialized" ? "incremental" : i % 4 === 0 ? "view" : "table";
  const meta: { [key: string]: Json } = { owner_team: pick(["data", "analytics"], i, 250) };
  if (plant === "group") meta.dagster = { group: "finance_marts" };
  const layer = LAYERS[i % 4] as string;
  return {
    database: "analytics",
    schema: layer,
    name,
    resource_type: "model",
    package_name: PROJECT,
    path: `${layer}/${name}.sql`,
    original_file_path: `models/${layer}/${name}.sql`,
    unique_id: id,
    fqn: [PROJECT, layer, name],
    alias: name,
    checksum: { name: "sha256", checksum: sha256(rawCode) },
    config: {
      enabled: true,
      alias: null,
      schema: null,
      database: null,
      tags,
      meta,
      group: null,
      materialized,
      incremental_strategy: null,
      persist_docs: {},
      "post-hook": [],
      "pre-hook": [],
      quoting: {},
      column_types: {},
      full_refresh: null,
      unique_key: null,
      on_schema_change: "ignore",
      on_configuration_change: "apply",
      grants: {},
      packages: [],
      docs: { show: true, node_color: null },
      contract: { enforced: false, alias_types: true },
      access: "protected",
    },
    tags,
    description:
      plant === "description"
        ? `Model ${i} of the ${layer} layer, revised.`
        : `Model ${i} of the ${layer} layer.`,
    columns,
    meta,
    group: null,
    docs: { show: true, node_color: null },
    patch_path: `${PROJECT}://models/${layer}/schema.yml`,
    build_path: null,
    unrendered_config: { materialized },
    created_at: 1764547200 + i / 1000,
    relation_name: `"analytics"."${layer}"."${name}"`,
    raw_code: rawCode,
    language: "sql",
    refs: refs.map((r) => ({ name: r, package: null, version: null })),
    sources: sources.map((s) => ["raw", s.split(".").pop() as string]),
    metrics: [],
    depends_on: { macros: [], nodes: [...deps] },
    compiled_path: `target/compiled/${PROJECT}/models/${layer}/${name}.sql`,
    contract: { enforced: false, alias_types: true, checksum: null },
    access: "protected",
    constraints: [],
    version: null,
    latest_version: null,
    deprecation_date: null,
  };
}

function dbtSource(s: number, id: string): Json {
  const name = `table_${s}`;
  return {
    database: "raw_db",
    schema: "raw",
    name,
    resource_type: "source",
    package_name: PROJECT,
    path: "models/sources.yml",
    original_file_path: "models/sources.yml",
    unique_id: id,
    fqn: [PROJECT, "raw", name],
    source_name: "raw",
    source_description: "",
    loader: "fivetran",
    identifier: name,
    quoting: { database: null, schema: null, identifier: null, column: null },
    loaded_at_field: null,
    freshness: {
      warn_after: { count: null, period: null },
      error_after: { count: null, period: null },
      filter: null,
    },
    external: null,
    description: `Raw table ${s}.`,
    columns: {},
    meta: {},
    source_meta: {},
    tags: [],
    config: { enabled: true },
    patch_path: null,
    unrendered_config: {},
    relation_name: `"raw_db"."raw"."${name}"`,
    created_at: 1764547200,
  };
}
