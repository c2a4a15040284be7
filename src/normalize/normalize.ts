import { type InputIssue, ValidationError, validate } from "../errors";
import type {
  Asset,
  AssetCheck,
  AssetDependency,
  AssetGraph,
  AssetOwner,
  AutoMaterializePolicy,
  CodeLocation,
  FreshnessPolicy,
  PartitionsDefinition,
} from "../model/asset";
import { canonicalJson, type JsonValue, sameData } from "../model/json";
import {
  assetId,
  compareAssets,
  compareStrings,
  keyId,
  keyToString,
  locationLabel,
  ownerKey,
} from "../model/key";
import type { FloatValue, MetadataEntry, MetadataValue, TableSchema, Tag } from "../model/metadata";
import { assetGraphSchema } from "../model/schema";
import { inspectJson } from "./json";

/** Options of {@link normalize}. */
export interface NormalizeOptions {
  /** Names the input in error messages, e.g. a file name. */
  source?: string;
}

/**
 * Puts an asset graph in canonical form, so that equal definitions compare equal whatever the
 * order of assets, tags, metadata entries, dependencies, owners, kinds and JSON object keys.
 * Order is kept where it carries meaning: static partition keys, table columns, records,
 * multi-partition dimensions, code references. Numbers get one spelling (`-0` is `0`, integers
 * that fit a double are numbers, NaN is `"NaN"`). Idempotent; the input is not modified, and the
 * result shares the parts that were already canonical, so treat graphs as immutable values.
 *
 * Throws a {@link ValidationError} for contradictions no order can fix: the same asset twice,
 * a tag or metadata key twice with different values, a dependency declared twice with different
 * partition mappings, or a value that is not plain JSON.
 *
 * @example
 * const canonical = normalize(graph);
 * normalize(structuredClone(canonical)); // deep-equals canonical
 */
export function normalize(graph: AssetGraph, options: NormalizeOptions = {}): AssetGraph {
  if (normalizedGraphs.has(graph)) return graph;
  // Graphs built in code get the same validation as files: shapes, types, plain objects.
  return normalizeValidated(validate(assetGraphSchema, graph, options.source), options);
}

/**
 * {@link normalize} for a graph whose shape is already known good: built by a loader from
 * zod-validated input. Not part of the public API.
 */
export function normalizeValidated(graph: AssetGraph, options: NormalizeOptions = {}): AssetGraph {
  if (normalizedGraphs.has(graph)) return graph;
  const issues: InputIssue[] = [];
  const seen = new Map<string, number>();
  const assets: Asset[] = [];
  graph.assets.forEach((asset, index) => {
    const id = assetId(asset);
    const first = seen.get(id);
    if (first !== undefined) {
      issues.push({
        path: ["assets", index],
        message: `${describeAsset(asset)} is defined twice (also at $.assets[${first}])`,
      });
      return;
    }
    seen.set(id, index);
    const report: Report = (message) =>
      issues.push({ path: ["assets", index], message: `${describeAsset(asset)}: ${message}` });
    assets.push(normalizedAssets.has(asset) ? asset : normalizeAsset(asset, report));
  });
  if (issues.length > 0) throw new ValidationError(options.source, issues);
  sortAssets(assets);

  const result: AssetGraph = { assets };
  if (graph.codeLocations !== undefined) {
    result.codeLocations = normalizeCodeLocations(graph.codeLocations, options.source);
  }
  if (graph.source !== undefined) result.source = { ...graph.source };
  normalizedGraphs.add(result);
  return result;
}

/** A short human description of an asset's identity, for messages. */
function describeAsset(asset: Pick<Asset, "key" | "codeLocation" | "repository">): string {
  const location = locationLabel(asset);
  const where = location === null ? "" : ` in ${location}`;
  return `asset ${JSON.stringify(keyToString(asset.key))}${where}`;
}

/**
 * One asset of a validated graph normalized on its own, as {@link normalizeValidated} would
 * normalize it, or `undefined` when it has a problem (which the graph's normalization then
 * reports with its place). A loader uses it to share one asset between two graphs. Not part of
 * the public API.
 */
export function normalizeAssetAlone(asset: Asset): Asset | undefined {
  let problem = false;
  const out = normalizeAsset(asset, () => {
    problem = true;
  });
  if (problem) return undefined;
  normalizedAssets.add(out);
  return out;
}

// --- internal ---

const normalizedGraphs = new WeakSet<AssetGraph>();

/**
 * Sorts assets in place by {@link compareAssets}, each key's text made once rather than once per
 * comparison; a list already in order is left after one pass.
 */
function sortAssets(assets: Asset[]): void {
  const texts = assets.map((asset) => keyToString(asset.key));
  let inOrder = true;
  for (let i = 1; i < assets.length && inOrder; i++) {
    const byText = compareStrings(texts[i - 1] as string, texts[i] as string);
    inOrder =
      byText < 0 || (byText === 0 && compareAssets(assets[i - 1] as Asset, assets[i] as Asset) < 0);
  }
  if (inOrder) return;
  const keyed = assets.map((asset, i) => ({ asset, text: texts[i] as string }));
  keyed.sort((a, b) => compareStrings(a.text, b.text) || compareAssets(a.asset, b.asset));
  for (let i = 0; i < keyed.length; i++) assets[i] = (keyed[i] as { asset: Asset }).asset;
}

/** Assets normalized by {@link normalizeAssetAlone}: a graph's normalization keeps them as they are. */
const normalizedAssets = new WeakSet<Asset>();

type Report = (message: string) => void;

/** The asset object is rebuilt in a fixed field order; sections are shared when already canonical. */
function normalizeAsset(asset: Asset, report: Report): Asset {
  const out: Asset = {
    key: asset.key,
    codeLocation: asset.codeLocation,
    repository: asset.repository,
  };
  if (asset.codeVersion !== undefined) out.codeVersion = asset.codeVersion;
  if (asset.dependencies !== undefined)
    out.dependencies = normalizeDependencies(asset.dependencies, report);
  if (asset.partitionsDefinition !== undefined) {
    out.partitionsDefinition =
      asset.partitionsDefinition && normalizePartitions(asset.partitionsDefinition, report);
  }
  if (asset.tags !== undefined) out.tags = normalizeTags(asset.tags, "tag", report);
  if (asset.metadata !== undefined) out.metadata = normalizeMetadata(asset.metadata, report);
  if (asset.group !== undefined) out.group = asset.group;
  if (asset.owners !== undefined) out.owners = normalizeOwners(asset.owners, report);
  if (asset.kinds !== undefined)
    out.kinds = sortedUnique(
      asset.kinds,
      (k) => k,
      () => undefined,
    );
  if (asset.description !== undefined) out.description = asset.description;
  if (asset.automationCondition !== undefined) out.automationCondition = asset.automationCondition;
  if (asset.autoMaterializePolicy !== undefined) {
    out.autoMaterializePolicy =
      asset.autoMaterializePolicy && normalizeAutoMaterializePolicy(asset.autoMaterializePolicy);
  }
  if (asset.freshnessPolicy !== undefined) {
    out.freshnessPolicy =
      asset.freshnessPolicy && normalizeFreshness(asset.freshnessPolicy, report);
  }
  if (asset.legacyFreshnessPolicy !== undefined)
    out.legacyFreshnessPolicy = asset.legacyFreshnessPolicy;
  if (asset.backfillPolicy !== undefined) out.backfillPolicy = asset.backfillPolicy;
  if (asset.isExecutable !== undefined) out.isExecutable = asset.isExecutable;
  if (asset.isMaterializable !== undefined) out.isMaterializable = asset.isMaterializable;
  if (asset.isObservable !== undefined) out.isObservable = asset.isObservable;
  if (asset.isAutoCreatedStub !== undefined) out.isAutoCreatedStub = asset.isAutoCreatedStub;
  if (asset.checks !== undefined) out.checks = normalizeChecks(asset.checks, report);
  return out;
}

/**
 * Sorts by key and drops repeats, handing each repeat to `onRepeat` (which may return the item to
 * keep instead). Returns the input itself when it is already strictly in order.
 */
function sortedUnique<T>(
  items: readonly T[],
  key: (item: T) => string,
  onRepeat: (kept: T, repeat: T) => T | undefined,
): T[] {
  let inOrder = true;
  let previous = items.length > 0 ? key(items[0] as T) : "";
  for (let i = 1; i < items.length && inOrder; i++) {
    const next = key(items[i] as T);
    inOrder = compareStrings(previous, next) < 0;
    previous = next;
  }
  if (inOrder) return items as T[];
  const keyed = items
    .map((item) => ({ item, key: key(item) }))
    .sort((a, b) => compareStrings(a.key, b.key));
  const out: { item: T; key: string }[] = [];
  for (const entry of keyed) {
    const last = out[out.length - 1];
    if (last !== undefined && last.key === entry.key) {
      const kept = onRepeat(last.item, entry.item);
      if (kept !== undefined) last.item = kept;
    } else out.push(entry);
  }
  return out.map((entry) => entry.item);
}

function normalizeDependencies(
  dependencies: readonly AssetDependency[],
  report: Report,
): AssetDependency[] {
  return sortedUnique(
    dependencies,
    (d) => keyId(d.key),
    (kept, repeat) => {
      // Repeated parents are normal (dbt lists one per ref()); contradicting mappings are not.
      if (kept.partitionMapping === undefined) return repeat;
      if (
        repeat.partitionMapping !== undefined &&
        !sameData(kept.partitionMapping, repeat.partitionMapping)
      ) {
        report(
          `dependency ${JSON.stringify(keyToString(kept.key))} is declared twice with different partition mappings`,
        );
      }
      return undefined;
    },
  );
}

/** Checks by name; each check's other assets as a sorted set. A name given twice must agree. */
function normalizeChecks(checks: readonly AssetCheck[], report: Report): AssetCheck[] {
  const normalized = mapShared(checks, (check) => {
    if (check.additionalAssetKeys === undefined) return check;
    const keys = sortedUnique(check.additionalAssetKeys, keyId, () => undefined);
    return keys === check.additionalAssetKeys ? check : { ...check, additionalAssetKeys: keys };
  });
  return sortedUnique(
    normalized,
    (c) => c.name,
    (kept, repeat) => {
      if (!sameData(kept, repeat))
        report(
          `asset check ${JSON.stringify(kept.name)} is declared twice with different settings`,
        );
      return undefined;
    },
  );
}

function normalizeTags(tags: readonly Tag[], what: string, report: Report): Tag[] {
  return sortedUnique(
    tags,
    (t) => t.key,
    (kept, repeat) => {
      if (kept.value !== repeat.value)
        report(`${what} key ${JSON.stringify(kept.key)} appears twice with different values`);
      return undefined;
    },
  );
}

function normalizeMetadata(entries: readonly MetadataEntry[], report: Report): MetadataEntry[] {
  const normalized = mapShared(entries, (entry) => {
    const value = normalizeMetadataValue(entry.value, (message) =>
      report(`metadata ${JSON.stringify(entry.key)} ${message}`),
    );
    return value === entry.value ? entry : { key: entry.key, value };
  });
  return sortedUnique(
    normalized,
    (e) => e.key,
    (kept, repeat) => {
      if (!sameData(kept.value, repeat.value)) {
        report(`metadata key ${JSON.stringify(kept.key)} appears twice with different values`);
      }
      return undefined;
    },
  );
}

/**
 * Puts one metadata value in canonical form; returns the value itself when it already is.
 *
 * @example
 * normalizeMetadataValue({ type: "int", value: "42" }, reportIssue); // { type: "int", value: 42 }
 */
function normalizeMetadataValue(value: MetadataValue, report: Report): MetadataValue {
  switch (value.type) {
    case "json": {
      const json = checkedJson(value.value, report);
      return json === value.value ? value : { type: "json", value: json };
    }
    case "int": {
      const canonical = normalizeInt(value.value, report);
      return Object.is(canonical, value.value) ? value : { type: "int", value: canonical };
    }
    case "float": {
      const canonical = normalizeFloat(value.value);
      return Object.is(canonical, value.value) ? value : { type: "float", value: canonical };
    }
    case "timestamp":
      return Object.is(value.timestamp, -0) ? { type: "timestamp", timestamp: 0 } : value;
    case "table": {
      const records = mapShared(value.records, (record) => checkedJson(record, report));
      const schema = normalizeTableSchema(value.schema, report);
      return schema === value.schema && records === value.records
        ? value
        : { type: "table", schema, records };
    }
    case "tableSchema": {
      const schema = normalizeTableSchema(value.schema, report);
      return schema === value.schema ? value : { type: "tableSchema", schema };
    }
    case "tableColumnLineage": {
      const lineage = sortedUnique(
        value.lineage,
        (l) => l.columnName,
        (kept, repeat) => {
          if (!sameData(kept, repeat))
            report(`lineage of column ${JSON.stringify(kept.columnName)} appears twice`);
          return undefined;
        },
      );
      return lineage === value.lineage ? value : { type: "tableColumnLineage", lineage };
    }
    case "codeReferences": {
      const refs = mapShared(value.codeReferences, (ref) =>
        ref.type === "unknown" ? withRaw(ref, report) : ref,
      );
      return refs === value.codeReferences
        ? value
        : { type: "codeReferences", codeReferences: refs };
    }
    case "unknown":
      return withRaw(value, report);
    default:
      return value;
  }
}

function normalizeInt(value: number | string | null, report: Report): number | string | null {
  if (value === null) return null;
  if (typeof value === "number") {
    if (!Number.isInteger(value)) report(`holds the int value ${value}, which is not an integer`);
    return Object.is(value, -0) ? 0 : value;
  }
  if (!/^-?\d+$/.test(value)) {
    report(`holds the int value ${JSON.stringify(value)}, which is not a decimal integer`);
    return null;
  }
  const big = BigInt(value);
  const asNumber = Number(big);
  return Number.isSafeInteger(asNumber) ? asNumber : big.toString();
}

function normalizeFloat(value: FloatValue): FloatValue {
  if (typeof value !== "number") return value;
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "Infinity";
  if (value === Number.NEGATIVE_INFINITY) return "-Infinity";
  return Object.is(value, -0) ? 0 : value;
}

function normalizeTableSchema(schema: TableSchema, report: Report): TableSchema {
  const columns = mapShared(schema.columns, (column) => {
    const tags = normalizeTags(column.tags, `column ${JSON.stringify(column.name)} tag`, report);
    return tags === column.tags ? column : { ...column, tags };
  });
  return columns === schema.columns ? schema : { columns, constraints: schema.constraints };
}

function normalizePartitions(def: PartitionsDefinition, report: Report): PartitionsDefinition {
  return def.type === "UNKNOWN" ? withRaw(def, (m) => report(`partitions definition ${m}`)) : def;
}

function normalizeOwners(owners: readonly AssetOwner[], report: Report): AssetOwner[] {
  const checked = mapShared(owners, (owner) =>
    owner.type === "unknown" ? withRaw(owner, report) : owner,
  );
  return sortedUnique(checked, ownerKey, () => undefined);
}

function normalizeAutoMaterializePolicy(policy: AutoMaterializePolicy): AutoMaterializePolicy {
  // Dagster holds the rules as a set.
  const rules = sortedUnique(
    policy.rules,
    (r) => canonicalJson(r as unknown as JsonValue),
    () => undefined,
  );
  return rules === policy.rules ? policy : { ...policy, rules };
}

function normalizeFreshness(policy: FreshnessPolicy, report: Report): FreshnessPolicy {
  return policy.type === "unknown" ? withRaw(policy, report) : policy;
}

/** A JSON value, checked; copied only when it holds prototype-less objects. */
function checkedJson(value: JsonValue, report: Report): JsonValue {
  const { problem, nullPrototype } = inspectJson(value);
  if (problem !== undefined) {
    report(problem);
    return null;
  }
  return nullPrototype ? (JSON.parse(JSON.stringify(value)) as JsonValue) : value;
}

/** An opaque value with its `raw` JSON checked (and copied if need be). */
function withRaw<T extends { raw: JsonValue }>(value: T, report: Report): T {
  const raw = checkedJson(value.raw, report);
  return raw === value.raw ? value : { ...value, raw };
}

/** Maps a list, returning the list itself when every item maps to itself. */
function mapShared<T>(items: readonly T[], map: (item: T) => T): T[] {
  let out: T[] | undefined;
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as T;
    const mapped = map(item);
    if (mapped !== item && out === undefined) out = items.slice(0, i);
    out?.push(mapped);
  }
  return out ?? (items as T[]);
}

function normalizeCodeLocations(
  locations: readonly CodeLocation[],
  source: string | undefined,
): CodeLocation[] {
  const issues: InputIssue[] = [];
  const result = sortedUnique(
    locations,
    (l) => l.name,
    (kept, repeat) => {
      if (!sameData(kept, repeat)) {
        issues.push({
          path: ["codeLocations"],
          message: `code location ${JSON.stringify(kept.name)} is listed twice`,
        });
      }
      return undefined;
    },
  );
  if (issues.length > 0) throw new ValidationError(source, issues);
  return result;
}
