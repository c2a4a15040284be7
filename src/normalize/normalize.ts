import { dequal } from "dequal/lite";
import { type InputIssue, ValidationError } from "../errors";
import type {
  Asset,
  AssetDependency,
  AssetGraph,
  AssetOwner,
  AutoMaterializePolicy,
  CodeLocation,
  FreshnessPolicy,
  PartitionsDefinition,
} from "../model/asset";
import type { JsonValue } from "../model/json";
import {
  assetId,
  compareAssets,
  compareKeys,
  compareStrings,
  keyId,
  keyToString,
} from "../model/key";
import type {
  CodeReference,
  MetadataEntry,
  MetadataValue,
  TableSchema,
  Tag,
} from "../model/metadata";
import { canonicalJson, jsonProblem, sortJsonKeys } from "./json";

/** Options of {@link normalize}. */
export interface NormalizeOptions {
  /** Names the input in error messages, e.g. a file name. */
  source?: string;
}

/**
 * Puts an asset graph in canonical form, so that equal definitions compare equal whatever the
 * order of assets, tags, metadata entries, dependencies, owners, kinds and JSON object keys.
 * Order is kept where it carries meaning: static partition keys, table columns, records,
 * multi-partition dimensions, code references. Idempotent; the input is not modified.
 *
 * Throws a {@link ValidationError} for contradictions no order can fix: the same asset twice,
 * a tag or metadata key twice with different values, a dependency declared twice with different
 * partition mappings, or a value that is not plain JSON.
 *
 * @example
 * const canonical = normalize(graph);
 * normalize(canonical); // deep-equals canonical
 */
export function normalize(graph: AssetGraph, options: NormalizeOptions = {}): AssetGraph {
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
    assets.push(
      normalizeAsset(asset, (message) =>
        issues.push({ path: ["assets", index], message: `${describeAsset(asset)}: ${message}` }),
      ),
    );
  });
  if (issues.length > 0) throw new ValidationError(options.source, issues);
  assets.sort(compareAssets);

  const result: AssetGraph = { assets };
  if (graph.codeLocations !== undefined)
    result.codeLocations = normalizeCodeLocations(graph.codeLocations, options.source);
  if (graph.source !== undefined) result.source = { ...graph.source };
  normalizedGraphs.add(result);
  return result;
}

/**
 * True when `graph` is the result of {@link normalize} (and so needs no second pass). Graphs are
 * treated as immutable values.
 */
export function isNormalized(graph: AssetGraph): boolean {
  return normalizedGraphs.has(graph);
}

/** A short human description of an asset's identity, for messages. */
export function describeAsset(asset: Pick<Asset, "key" | "codeLocation" | "repository">): string {
  const where =
    asset.codeLocation === null
      ? ""
      : ` in ${asset.codeLocation}${asset.repository && asset.repository !== "__repository__" ? `/${asset.repository}` : ""}`;
  return `asset ${JSON.stringify(keyToString(asset.key))}${where}`;
}

// --- internal ---

const normalizedGraphs = new WeakSet<AssetGraph>();

type Report = (message: string) => void;

function normalizeAsset(asset: Asset, report: Report): Asset {
  const out: Asset = {
    key: [...asset.key],
    codeLocation: asset.codeLocation,
    repository: asset.repository,
  };
  if (asset.codeVersion !== undefined) out.codeVersion = asset.codeVersion;
  if (asset.dependencies !== undefined)
    out.dependencies = normalizeDependencies(asset.dependencies, report);
  if (asset.partitionsDefinition !== undefined) {
    out.partitionsDefinition =
      asset.partitionsDefinition === null
        ? null
        : normalizePartitions(asset.partitionsDefinition, report);
  }
  if (asset.tags !== undefined) out.tags = normalizeTags(asset.tags, "tag", report);
  if (asset.metadata !== undefined) out.metadata = normalizeMetadata(asset.metadata, report);
  if (asset.group !== undefined) out.group = asset.group;
  if (asset.owners !== undefined) out.owners = normalizeOwners(asset.owners, report);
  if (asset.kinds !== undefined) out.kinds = [...new Set(asset.kinds)].sort(compareStrings);
  if (asset.description !== undefined) out.description = asset.description;
  if (asset.automationCondition !== undefined) {
    out.automationCondition =
      asset.automationCondition === null
        ? null
        : {
            label: asset.automationCondition.label,
            expandedLabel: [...asset.automationCondition.expandedLabel],
          };
  }
  if (asset.autoMaterializePolicy !== undefined) {
    out.autoMaterializePolicy =
      asset.autoMaterializePolicy === null
        ? null
        : normalizeAutoMaterializePolicy(asset.autoMaterializePolicy);
  }
  if (asset.freshnessPolicy !== undefined) {
    out.freshnessPolicy =
      asset.freshnessPolicy === null ? null : normalizeFreshness(asset.freshnessPolicy, report);
  }
  if (asset.legacyFreshnessPolicy !== undefined) {
    const p = asset.legacyFreshnessPolicy;
    out.legacyFreshnessPolicy =
      p === null
        ? null
        : {
            maximumLagMinutes: p.maximumLagMinutes,
            cronSchedule: p.cronSchedule,
            cronScheduleTimezone: p.cronScheduleTimezone,
          };
  }
  if (asset.backfillPolicy !== undefined) {
    const p = asset.backfillPolicy;
    out.backfillPolicy =
      p === null
        ? null
        : {
            policyType: p.policyType,
            maxPartitionsPerRun: p.maxPartitionsPerRun,
            description: p.description,
          };
  }
  if (asset.isExecutable !== undefined) out.isExecutable = asset.isExecutable;
  if (asset.isMaterializable !== undefined) out.isMaterializable = asset.isMaterializable;
  if (asset.isObservable !== undefined) out.isObservable = asset.isObservable;
  if (asset.isAutoCreatedStub !== undefined) out.isAutoCreatedStub = asset.isAutoCreatedStub;
  return out;
}

function normalizeDependencies(
  dependencies: readonly AssetDependency[],
  report: Report,
): AssetDependency[] {
  const byKey = new Map<string, AssetDependency>();
  for (const dependency of dependencies) {
    const id = keyId(dependency.key);
    const normalized: AssetDependency = { key: [...dependency.key] };
    if (dependency.partitionMapping !== undefined) {
      normalized.partitionMapping =
        dependency.partitionMapping === null
          ? null
          : {
              className: dependency.partitionMapping.className,
              description: dependency.partitionMapping.description,
            };
    }
    const previous = byKey.get(id);
    if (previous === undefined) {
      byKey.set(id, normalized);
    } else if (!dequal(previous, normalized)) {
      // Repeated parents are normal (dbt lists one per ref()); contradicting mappings are not.
      if (previous.partitionMapping === undefined) byKey.set(id, normalized);
      else if (normalized.partitionMapping !== undefined) {
        report(
          `dependency ${JSON.stringify(keyToString(dependency.key))} is declared twice with different partition mappings`,
        );
      }
    }
  }
  return [...byKey.values()].sort((a, b) => compareKeys(a.key, b.key));
}

/**
 * Sorts by key and drops repeats: an exact repeat is harmless, a repeat with another value is
 * reported. Linear after the sort, and no sort at all when the input is already in order.
 */
function sortedUnique<T>(
  items: readonly T[],
  key: (item: T) => string,
  onRepeat: (kept: T, repeat: T) => T | undefined,
): T[] {
  let inOrder = true;
  for (let i = 1; i < items.length && inOrder; i++) {
    inOrder = compareStrings(key(items[i - 1] as T), key(items[i] as T)) < 0;
  }
  const sorted = inOrder ? items : [...items].sort((a, b) => compareStrings(key(a), key(b)));
  if (inOrder) return sorted as T[];
  const out: T[] = [];
  for (const item of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && key(last) === key(item)) {
      const kept = onRepeat(last, item);
      if (kept !== undefined) out[out.length - 1] = kept;
    } else out.push(item);
  }
  return out;
}

function normalizeTags(tags: readonly Tag[], what: string, report: Report): Tag[] {
  return sortedUnique(
    tags.map((t) => ({ key: t.key, value: t.value })),
    (t) => t.key,
    (kept, repeat) => {
      if (kept.value !== repeat.value) {
        report(`${what} key ${JSON.stringify(kept.key)} appears twice with different values`);
      }
      return undefined;
    },
  );
}

function normalizeMetadata(entries: readonly MetadataEntry[], report: Report): MetadataEntry[] {
  const normalized = entries.map((entry) => ({
    key: entry.key,
    value: normalizeMetadataValue(entry.value, (message) =>
      report(`metadata ${JSON.stringify(entry.key)} ${message}`),
    ),
  }));
  return sortedUnique(
    normalized,
    (e) => e.key,
    (kept, repeat) => {
      if (!dequal(kept.value, repeat.value)) {
        report(`metadata key ${JSON.stringify(kept.key)} appears twice with different values`);
      }
      return undefined;
    },
  );
}

/** Puts one metadata value in canonical form (exported for the differ's value-level details). */
export function normalizeMetadataValue(value: MetadataValue, report: Report): MetadataValue {
  switch (value.type) {
    case "text":
      return { type: "text", text: value.text };
    case "markdown":
      return { type: "markdown", markdown: value.markdown };
    case "url":
      return { type: "url", url: value.url };
    case "path":
      return { type: "path", path: value.path };
    case "notebook":
      return { type: "notebook", path: value.path };
    case "pool":
      return { type: "pool", pool: value.pool };
    case "run":
      return { type: "run", runId: value.runId };
    case "json":
      return { type: "json", value: checkedJson(value.value, report) };
    case "bool":
      return { type: "bool", value: value.value };
    case "int":
      return { type: "int", value: normalizeInt(value.value, report) };
    case "float":
      return { type: "float", value: normalizeFloat(value.value) };
    case "timestamp":
      return { type: "timestamp", timestamp: value.timestamp === 0 ? 0 : value.timestamp };
    case "pythonArtifact":
      return { type: "pythonArtifact", module: value.module, name: value.name };
    case "asset":
      return { type: "asset", assetKey: [...value.assetKey] };
    case "job":
      return {
        type: "job",
        jobName: value.jobName,
        repositoryName: value.repositoryName,
        locationName: value.locationName,
      };
    case "null":
      return { type: "null" };
    case "table":
      return {
        type: "table",
        schema: normalizeTableSchema(value.schema, report),
        records: value.records.map((record) => checkedJson(record, report)),
      };
    case "tableSchema":
      return { type: "tableSchema", schema: normalizeTableSchema(value.schema, report) };
    case "tableColumnLineage":
      return {
        type: "tableColumnLineage",
        lineage: value.lineage
          .map((entry) => ({
            columnName: entry.columnName,
            columnDeps: entry.columnDeps.map((dep) => ({
              assetKey: [...dep.assetKey],
              columnName: dep.columnName,
            })),
          }))
          .sort((a, b) => compareStrings(a.columnName, b.columnName)),
      };
    case "codeReferences":
      return {
        type: "codeReferences",
        codeReferences: value.codeReferences.map((ref) => normalizeCodeReference(ref, report)),
      };
    case "unknown":
      return { type: "unknown", typename: value.typename, raw: checkedJson(value.raw, report) };
  }
}

function normalizeInt(value: number | string | null, report: Report): number | string | null {
  if (value === null) return null;
  if (typeof value === "number") {
    if (!Number.isInteger(value)) report(`holds the int value ${value}, which is not an integer`);
    return value === 0 ? 0 : value;
  }
  if (!/^-?\d+$/.test(value)) {
    report(`holds the int value ${JSON.stringify(value)}, which is not a decimal integer`);
    return null;
  }
  const big = BigInt(value);
  const asNumber = Number(big);
  return Number.isSafeInteger(asNumber) ? asNumber : big.toString();
}

function normalizeFloat(
  value: number | "NaN" | "Infinity" | "-Infinity" | null,
): number | "NaN" | "Infinity" | "-Infinity" | null {
  if (typeof value !== "number") return value;
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "Infinity";
  if (value === Number.NEGATIVE_INFINITY) return "-Infinity";
  return value === 0 ? 0 : value;
}

function normalizeTableSchema(schema: TableSchema, report: Report): TableSchema {
  return {
    columns: schema.columns.map((column) => ({
      name: column.name,
      type: column.type,
      description: column.description,
      constraints: {
        nullable: column.constraints.nullable,
        unique: column.constraints.unique,
        other: [...column.constraints.other],
      },
      tags: normalizeTags(column.tags, `column ${JSON.stringify(column.name)} tag`, report),
    })),
    constraints: schema.constraints === null ? null : { other: [...schema.constraints.other] },
  };
}

function normalizeCodeReference(ref: CodeReference, report: Report): CodeReference {
  switch (ref.type) {
    case "localFile":
      return {
        type: "localFile",
        filePath: ref.filePath,
        lineNumber: ref.lineNumber,
        label: ref.label,
      };
    case "url":
      return { type: "url", url: ref.url, label: ref.label };
    case "unknown":
      return { type: "unknown", typename: ref.typename, raw: checkedJson(ref.raw, report) };
  }
}

function normalizePartitions(def: PartitionsDefinition, report: Report): PartitionsDefinition {
  switch (def.type) {
    case "TIME_WINDOW": {
      const out: PartitionsDefinition = {
        type: "TIME_WINDOW",
        description: def.description,
        fmt: def.fmt,
      };
      if (def.start !== undefined) out.start = def.start;
      if (def.end !== undefined) out.end = def.end;
      if (def.cronSchedule !== undefined) out.cronSchedule = def.cronSchedule;
      if (def.timezone !== undefined) out.timezone = def.timezone;
      return out;
    }
    case "STATIC": {
      const out: PartitionsDefinition = { type: "STATIC", description: def.description };
      if (def.keys !== undefined) out.keys = [...def.keys];
      return out;
    }
    case "DYNAMIC":
      return { type: "DYNAMIC", description: def.description, name: def.name };
    case "MULTIPARTITIONED":
      return {
        type: "MULTIPARTITIONED",
        description: def.description,
        dimensions: def.dimensions.map((d) => {
          const out: (typeof def.dimensions)[number] = {
            name: d.name,
            type: d.type,
            description: d.description,
          };
          if (d.isPrimary !== undefined) out.isPrimary = d.isPrimary;
          if (d.dynamicPartitionsDefinitionName !== undefined) {
            out.dynamicPartitionsDefinitionName = d.dynamicPartitionsDefinitionName;
          }
          return out;
        }),
      };
    case "UNKNOWN":
      return {
        type: "UNKNOWN",
        unknownType: def.unknownType,
        description: def.description,
        raw: checkedJson(def.raw, (m) => report(`partitions definition ${m}`)),
      };
  }
}

function normalizeOwners(owners: readonly AssetOwner[], report: Report): AssetOwner[] {
  const normalized = owners.map(
    (owner): AssetOwner =>
      owner.type === "user"
        ? { type: "user", email: owner.email }
        : owner.type === "team"
          ? { type: "team", team: owner.team }
          : { type: "unknown", typename: owner.typename, raw: checkedJson(owner.raw, report) },
  );
  return sortedUnique(normalized, ownerKey, () => undefined);
}

/** Owners are a set; this text orders them (emails, then `team:` names, then unknown kinds). */
function ownerKey(owner: AssetOwner): string {
  if (owner.type === "user") return owner.email;
  if (owner.type === "team") return `team:${owner.team}`;
  return `~${canonicalJson(owner as unknown as JsonValue)}`;
}

function normalizeAutoMaterializePolicy(policy: AutoMaterializePolicy): AutoMaterializePolicy {
  // Dagster holds the rules as a set.
  const rules = policy.rules
    .map((r) => ({
      className: r.className,
      description: r.description,
      decisionType: r.decisionType,
    }))
    .sort((a, b) => compareStrings(JSON.stringify(a), JSON.stringify(b)));
  return {
    policyType: policy.policyType,
    maxMaterializationsPerMinute: policy.maxMaterializationsPerMinute,
    rules,
  };
}

function normalizeFreshness(policy: FreshnessPolicy, report: Report): FreshnessPolicy {
  switch (policy.type) {
    case "timeWindow":
      return {
        type: "timeWindow",
        failWindowSeconds: policy.failWindowSeconds,
        warnWindowSeconds: policy.warnWindowSeconds,
      };
    case "cron":
      return {
        type: "cron",
        deadlineCron: policy.deadlineCron,
        lowerBoundDeltaSeconds: policy.lowerBoundDeltaSeconds,
        timezone: policy.timezone,
      };
    case "unknown":
      return { type: "unknown", typename: policy.typename, raw: checkedJson(policy.raw, report) };
  }
}

function checkedJson(value: JsonValue, report: Report): JsonValue {
  const problem = jsonProblem(value);
  if (problem !== undefined) {
    report(problem);
    return null;
  }
  return sortJsonKeys(value);
}

function normalizeCodeLocations(
  locations: readonly CodeLocation[],
  source: string | undefined,
): CodeLocation[] {
  const byName = new Map<string, CodeLocation>();
  const issues: InputIssue[] = [];
  locations.forEach((location, index) => {
    const normalized: CodeLocation = { name: location.name, status: location.status };
    if (location.error !== undefined)
      normalized.error = { message: location.error.message, className: location.error.className };
    const previous = byName.get(location.name);
    if (
      previous !== undefined &&
      canonicalJson(previous as unknown as JsonValue) !==
        canonicalJson(normalized as unknown as JsonValue)
    ) {
      issues.push({
        path: ["codeLocations", index],
        message: `code location ${JSON.stringify(location.name)} is listed twice`,
      });
    }
    byName.set(location.name, normalized);
  });
  if (issues.length > 0) throw new ValidationError(source, issues);
  return [...byName.values()].sort((a, b) => compareStrings(a.name, b.name));
}
