import type { z } from "zod";
import {
  GraphQLResponseError,
  type InputIssue,
  type JsonPath,
  UnknownFormatError,
  ValidationError,
  zodIssues,
} from "../../errors";
import type {
  Asset,
  AssetDependency,
  AssetGraph,
  AssetOwner,
  CodeLocation,
  FreshnessPolicy,
  PartitionsDefinition,
} from "../../model/asset";
import type { JsonValue } from "../../model/json";
import { keyId } from "../../model/key";
import type {
  CodeReference,
  MetadataTypename,
  MetadataValue,
  TableSchema,
} from "../../model/metadata";
import { normalizeValidated } from "../../normalize/normalize";
import {
  type GqlAssetNode,
  type GqlMetadataEntry,
  gqlAssetNode,
  type gqlMetadataEntryHead,
  gqlMetadataEntryOf,
  type gqlTableSchema,
} from "./schema";

/** Options of {@link parseDagsterGraphql}. */
export interface ParseDagsterGraphqlOptions {
  /** Names the input in error messages, e.g. a file name. */
  source?: string;
}

/** The GraphQL root fields asset-diff reads asset nodes from. */
export const DAGSTER_GRAPHQL_ROOT_FIELDS = [
  "workspaceOrError",
  "repositoriesOrError",
  "repositoryOrError",
  "assetNodes",
] as const;

/**
 * Reads a Dagster GraphQL response into an asset graph. Accepts a full response
 * (`{"data": {...}}`), its bare `data` member, or a bare list of asset nodes, where the data holds
 * `assetNodes`, `repositoriesOrError`, `repositoryOrError` or `workspaceOrError` (nodes nested per
 * repository keep their code location and repository). Sections the query did not select are
 * left unknown; unknown `__typename`s are kept as opaque values; unknown fields are ignored.
 *
 * @example
 * const graph = parseDagsterGraphql(JSON.parse(text), { source: "prod.json" });
 */
export function parseDagsterGraphql(
  json: unknown,
  options: ParseDagsterGraphqlOptions = {},
): AssetGraph {
  const reader = new Reader(options.source);
  const located = reader.collect(json);
  const assets: Asset[] = [];
  for (const item of located.nodes) {
    const asset = reader.node(item.node, item.path, item.codeLocation, item.repository);
    if (asset) assets.push(asset);
  }
  reader.throwIfIssues();
  const graph: AssetGraph = { assets, source: sourceOf(options.source) };
  if (located.codeLocations) graph.codeLocations = located.codeLocations;
  return normalizeValidated(graph, options.source === undefined ? {} : { source: options.source });
}

/**
 * True when `json` looks like a Dagster GraphQL response (any of the shapes
 * {@link parseDagsterGraphql} reads).
 */
export function looksLikeDagsterGraphql(json: unknown): boolean {
  if (Array.isArray(json)) return json.length === 0 || (isObject(json[0]) && "assetKey" in json[0]);
  if (!isObject(json)) return false;
  if ("errors" in json && !("formatVersion" in json)) return true;
  const data = "data" in json && isObject(json.data) ? json.data : json;
  return DAGSTER_GRAPHQL_ROOT_FIELDS.some((field) => field in data);
}

// --- internal ---

interface LocatedNode {
  node: unknown;
  path: JsonPath;
  codeLocation: string | null;
  repository: string | null;
}

/** Most issues collected before giving up on a badly wrong input. */
const MAX_ISSUES = 50;

class Reader {
  private readonly issues: InputIssue[] = [];

  constructor(private readonly source: string | undefined) {}

  throwIfIssues(): void {
    if (this.issues.length > 0) throw new ValidationError(this.source, this.issues);
  }

  private issue(path: JsonPath, message: string): void {
    if (this.issues.length < MAX_ISSUES) this.issues.push({ path, message });
  }

  collect(json: unknown): { nodes: LocatedNode[]; codeLocations?: CodeLocation[] } {
    if (Array.isArray(json)) return { nodes: this.list(json, [], null, null) };
    if (!isObject(json)) {
      throw new UnknownFormatError(
        this.source,
        "expected a Dagster GraphQL response object or a list of asset nodes",
      );
    }
    let data: Record<string, unknown> = json;
    let base: JsonPath = [];
    if ("data" in json || "errors" in json) {
      this.checkErrors(json);
      if (!isObject(json.data)) {
        throw new ValidationError(this.source, [
          { path: ["data"], message: "expected an object with the query's data" },
        ]);
      }
      data = json.data;
      base = ["data"];
    }
    if ("workspaceOrError" in data)
      return this.workspace(data.workspaceOrError, [...base, "workspaceOrError"]);
    if ("repositoriesOrError" in data) {
      const path = [...base, "repositoriesOrError"];
      const value = this.unwrapUnion(data.repositoriesOrError, path, "RepositoryConnection");
      const nodes = this.array(value.nodes, [...path, "nodes"]);
      return {
        nodes: nodes.flatMap((repo, i) => this.repository(repo, [...path, "nodes", i], null)),
      };
    }
    if ("repositoryOrError" in data) {
      const path = [...base, "repositoryOrError"];
      return {
        nodes: this.repository(
          this.unwrapUnion(data.repositoryOrError, path, "Repository"),
          path,
          null,
        ),
      };
    }
    if ("assetNodes" in data) {
      return {
        nodes: this.list(
          this.array(data.assetNodes, [...base, "assetNodes"]),
          [...base, "assetNodes"],
          null,
          null,
        ),
      };
    }
    throw new UnknownFormatError(
      this.source,
      `expected one of the root fields ${DAGSTER_GRAPHQL_ROOT_FIELDS.join(", ")} at ${base.length ? "$.data" : "$"}`,
    );
  }

  private checkErrors(json: Record<string, unknown>): void {
    const errors = json.errors;
    if (errors === undefined || errors === null) return;
    if (!Array.isArray(errors)) {
      throw new ValidationError(this.source, [
        { path: ["errors"], message: "expected a list of GraphQL errors" },
      ]);
    }
    if (errors.length === 0) return;
    const issues = errors.map((error, i): InputIssue => {
      const message =
        isObject(error) && typeof error.message === "string"
          ? error.message
          : "unnamed GraphQL error";
      return { path: ["errors", i], message: `GraphQL error: ${message}` };
    });
    throw new GraphQLResponseError("INPUT_GRAPHQL_ERRORS", this.source, issues);
  }

  /** Resolves an `XOrError` union: the expected member, or a typed error naming the error member. */
  private unwrapUnion(value: unknown, path: JsonPath, expected: string): Record<string, unknown> {
    if (!isObject(value)) {
      throw new ValidationError(this.source, [{ path, message: `expected a ${expected} object` }]);
    }
    const typename = value.__typename;
    if (typeof typename === "string" && typename !== expected) {
      const message = typeof value.message === "string" ? `: ${value.message}` : "";
      throw new GraphQLResponseError("INPUT_GRAPHQL_ERRORS", this.source, [
        { path, message: `the server returned ${typename} instead of ${expected}${message}` },
      ]);
    }
    if (
      typename === undefined &&
      typeof value.message === "string" &&
      !("nodes" in value) &&
      !("assetNodes" in value)
    ) {
      throw new GraphQLResponseError("INPUT_GRAPHQL_ERRORS", this.source, [
        { path, message: `the server returned an error instead of ${expected}: ${value.message}` },
      ]);
    }
    return value;
  }

  private workspace(
    value: unknown,
    path: JsonPath,
  ): { nodes: LocatedNode[]; codeLocations: CodeLocation[] } {
    const workspace = this.unwrapUnion(value, path, "Workspace");
    const entries = this.array(workspace.locationEntries, [...path, "locationEntries"]);
    const nodes: LocatedNode[] = [];
    const codeLocations: CodeLocation[] = [];
    entries.forEach((entry, i) => {
      const entryPath = [...path, "locationEntries", i];
      if (!isObject(entry) || typeof entry.name !== "string") {
        this.issue(entryPath, "expected a location entry with a name");
        return;
      }
      const name = entry.name;
      const location = entry.locationOrLoadError;
      const locationPath = [...entryPath, "locationOrLoadError"];
      if (location === null || location === undefined) {
        // Still loading (or never loaded): its assets are unknown, not removed.
        codeLocations.push({ name, status: entry.loadStatus === "LOADED" ? "failed" : "loading" });
        return;
      }
      if (!isObject(location)) {
        this.issue(locationPath, "expected a RepositoryLocation or PythonError object");
        return;
      }
      const isError =
        (typeof location.__typename === "string" && location.__typename !== "RepositoryLocation") ||
        (location.__typename === undefined &&
          !("repositories" in location) &&
          "message" in location);
      if (isError) {
        codeLocations.push({
          name,
          status: "failed",
          error: {
            message:
              typeof location.message === "string"
                ? location.message
                : `${String(location.__typename)}`,
            className: typeof location.className === "string" ? location.className : null,
          },
        });
        return;
      }
      codeLocations.push({ name, status: entry.loadStatus === "LOADING" ? "loading" : "loaded" });
      if (entry.loadStatus === "LOADING") return;
      const locationName = typeof location.name === "string" ? location.name : name;
      const repos = this.array(location.repositories, [...locationPath, "repositories"]);
      repos.forEach((repo, j) => {
        nodes.push(...this.repository(repo, [...locationPath, "repositories", j], locationName));
      });
    });
    return { nodes, codeLocations };
  }

  private repository(value: unknown, path: JsonPath, locationName: string | null): LocatedNode[] {
    if (!isObject(value)) {
      this.issue(path, "expected a Repository object");
      return [];
    }
    const repoName = typeof value.name === "string" ? value.name : null;
    const location =
      locationName ??
      (isObject(value.location) && typeof value.location.name === "string"
        ? value.location.name
        : null);
    if (!("assetNodes" in value)) {
      this.issue(
        [...path, "assetNodes"],
        "expected the repository's assetNodes (select assetNodes in the query)",
      );
      return [];
    }
    return this.list(
      this.array(value.assetNodes, [...path, "assetNodes"]),
      [...path, "assetNodes"],
      location,
      repoName,
    );
  }

  private list(
    nodes: unknown[],
    path: JsonPath,
    codeLocation: string | null,
    repository: string | null,
  ): LocatedNode[] {
    return nodes.map((node, i) => ({ node, path: [...path, i], codeLocation, repository }));
  }

  private array(value: unknown, path: JsonPath): unknown[] {
    if (Array.isArray(value)) return value;
    this.issue(
      path,
      value === undefined ? "expected a list, but the field is missing" : "expected a list",
    );
    return [];
  }

  node(
    raw: unknown,
    path: JsonPath,
    codeLocation: string | null,
    repository: string | null,
  ): Asset | undefined {
    const parsed = gqlAssetNode.safeParse(raw);
    if (!parsed.success) {
      for (const issue of zodIssues(parsed.error, path)) this.issue(issue.path, issue.message);
      return undefined;
    }
    const node = parsed.data;
    const asset: Asset = {
      key: node.assetKey.path,
      codeLocation: codeLocation ?? node.repository?.location?.name ?? null,
      repository: repository ?? node.repository?.name ?? null,
    };
    const codeVersion = node.opVersion !== undefined ? node.opVersion : node.codeVersion;
    if (codeVersion !== undefined) asset.codeVersion = codeVersion;
    const dependencies = this.dependencies(node);
    if (dependencies) asset.dependencies = dependencies;
    if (node.partitionDefinition !== undefined) {
      asset.partitionsDefinition =
        node.partitionDefinition === null ? null : partitionsDefinition(node.partitionDefinition);
    }
    if (node.tags !== undefined) asset.tags = node.tags;
    if (node.metadataEntries !== undefined) {
      asset.metadata = node.metadataEntries.map((entry, i) => ({
        key: entry.label,
        value: this.metadataValue(entry, [...path, "metadataEntries", i]),
      }));
    }
    if (node.groupName !== undefined) asset.group = node.groupName;
    if (node.owners !== undefined) asset.owners = node.owners.map(owner);
    const kinds = kindsOf(node);
    if (kinds) asset.kinds = kinds;
    if (node.description !== undefined) asset.description = node.description;
    if (node.automationCondition !== undefined) {
      asset.automationCondition =
        node.automationCondition === null
          ? null
          : {
              label: node.automationCondition.label ?? null,
              expandedLabel: node.automationCondition.expandedLabel ?? [],
            };
    }
    if (node.autoMaterializePolicy !== undefined) {
      const p = node.autoMaterializePolicy;
      asset.autoMaterializePolicy =
        p === null
          ? null
          : {
              policyType: p.policyType,
              maxMaterializationsPerMinute: p.maxMaterializationsPerMinute ?? null,
              rules: (p.rules ?? []).map((r) => ({
                className: r.className,
                description: r.description ?? "",
                decisionType: r.decisionType ?? "",
              })),
            };
    }
    if (node.internalFreshnessPolicy !== undefined) {
      asset.freshnessPolicy =
        node.internalFreshnessPolicy === null
          ? null
          : freshnessPolicy(node.internalFreshnessPolicy);
    }
    if (node.freshnessPolicy !== undefined) {
      const p = node.freshnessPolicy;
      asset.legacyFreshnessPolicy =
        p === null
          ? null
          : {
              maximumLagMinutes: p.maximumLagMinutes,
              cronSchedule: p.cronSchedule ?? null,
              cronScheduleTimezone: p.cronScheduleTimezone ?? null,
            };
    }
    if (node.backfillPolicy !== undefined) {
      const p = node.backfillPolicy;
      asset.backfillPolicy =
        p === null
          ? null
          : {
              policyType: p.policyType,
              maxPartitionsPerRun: p.maxPartitionsPerRun ?? null,
              description: p.description ?? "",
            };
    }
    if (node.isExecutable !== undefined) asset.isExecutable = node.isExecutable;
    if (node.isMaterializable !== undefined) asset.isMaterializable = node.isMaterializable;
    if (node.isObservable !== undefined) asset.isObservable = node.isObservable;
    if (node.isAutoCreatedStub !== undefined) asset.isAutoCreatedStub = node.isAutoCreatedStub;
    return asset;
  }

  private dependencies(node: GqlAssetNode): AssetDependency[] | undefined {
    if (node.dependencies === undefined && node.dependencyKeys === undefined) return undefined;
    const out: AssetDependency[] = [];
    const seen = new Set<string>();
    for (const dep of node.dependencies ?? []) {
      const d: AssetDependency = { key: dep.asset.assetKey.path };
      if (dep.partitionMapping !== undefined) d.partitionMapping = dep.partitionMapping;
      out.push(d);
      seen.add(keyId(d.key));
    }
    // Keys only in dependencyKeys (when `dependencies` was not selected): mapping unknown.
    for (const key of node.dependencyKeys ?? []) {
      if (!seen.has(keyId(key.path))) out.push({ key: key.path });
    }
    return out;
  }

  private metadataValue(raw: GqlMetadataEntryHead, path: JsonPath): MetadataValue {
    const typename = raw.__typename ?? inferMetadataTypename(raw);
    if (typename === undefined || !Object.hasOwn(METADATA_FIELDS, typename)) {
      return opaqueMetadata(raw as GqlMetadataEntry, typename ?? "MetadataEntry");
    }
    const known = typename as MetadataTypename;
    const parsed = gqlMetadataEntryOf(METADATA_FIELDS[known]).safeParse(raw);
    if (!parsed.success) {
      for (const issue of zodIssues(parsed.error, path)) this.issue(issue.path, issue.message);
      return opaqueMetadata(raw as GqlMetadataEntry, known);
    }
    const value = METADATA_READERS[known](parsed.data, (field, message) =>
      this.issue([...path, field], message),
    );
    return value ?? opaqueMetadata(parsed.data, known);
  }
}

/** The value fields each known metadata entry type carries (the single list its schema is cut from). */
const METADATA_FIELDS: { [T in MetadataTypename]: readonly (keyof GqlMetadataEntry)[] } = {
  TextMetadataEntry: ["text"],
  MarkdownMetadataEntry: ["mdStr"],
  UrlMetadataEntry: ["url"],
  PathMetadataEntry: ["path"],
  NotebookMetadataEntry: ["path"],
  PoolMetadataEntry: ["pool"],
  PipelineRunMetadataEntry: ["runId"],
  JsonMetadataEntry: ["jsonString"],
  BoolMetadataEntry: ["boolValue"],
  IntMetadataEntry: ["intValue", "intRepr"],
  FloatMetadataEntry: ["floatValue", "floatRepr"],
  TimestampMetadataEntry: ["timestamp"],
  PythonArtifactMetadataEntry: ["module", "name"],
  AssetMetadataEntry: ["assetKey"],
  JobMetadataEntry: ["jobName", "repositoryName", "locationName"],
  NullMetadataEntry: [],
  TableMetadataEntry: ["table"],
  TableSchemaMetadataEntry: ["schema"],
  TableColumnLineageMetadataEntry: ["lineage"],
  CodeReferencesMetadataEntry: ["codeReferences"],
};

type FieldReport = (field: string, message: string) => void;

type GqlMetadataEntryHead = z.output<typeof gqlMetadataEntryHead>;

/** One reader per known metadata entry type; a mapped type makes a missing reader a type error. */
const METADATA_READERS: {
  [T in MetadataTypename]: (
    entry: GqlMetadataEntry,
    report: FieldReport,
  ) => MetadataValue | undefined;
} = {
  TextMetadataEntry: (e) => (e.text === undefined ? undefined : { type: "text", text: e.text }),
  MarkdownMetadataEntry: (e) =>
    e.mdStr === undefined ? undefined : { type: "markdown", markdown: e.mdStr },
  UrlMetadataEntry: (e) => (e.url === undefined ? undefined : { type: "url", url: e.url }),
  PathMetadataEntry: (e) => (e.path === undefined ? undefined : { type: "path", path: e.path }),
  NotebookMetadataEntry: (e) =>
    e.path === undefined ? undefined : { type: "notebook", path: e.path },
  PoolMetadataEntry: (e) => (e.pool === undefined ? undefined : { type: "pool", pool: e.pool }),
  PipelineRunMetadataEntry: (e) =>
    e.runId === undefined ? undefined : { type: "run", runId: e.runId },
  JsonMetadataEntry: (e, report) => {
    if (e.jsonString === undefined) return undefined;
    const value = parseEmbeddedJson(e.jsonString, "jsonString", report);
    return value === undefined ? { type: "json", value: null } : { type: "json", value };
  },
  BoolMetadataEntry: (e) =>
    e.boolValue === undefined ? undefined : { type: "bool", value: e.boolValue },
  IntMetadataEntry: (e) => {
    // intValue is null outside 32 bits; intRepr always holds the exact value.
    if (e.intRepr !== undefined && /^-?\d+$/.test(e.intRepr.trim()))
      return { type: "int", value: e.intRepr.trim() };
    if (e.intValue !== undefined) return { type: "int", value: e.intValue };
    return undefined;
  },
  FloatMetadataEntry: (e) => {
    if (e.floatValue !== undefined && e.floatValue !== null)
      return { type: "float", value: e.floatValue };
    if (e.floatRepr !== undefined) return { type: "float", value: floatFromRepr(e.floatRepr) };
    if (e.floatValue === null) return { type: "float", value: null };
    return undefined;
  },
  TimestampMetadataEntry: (e) =>
    e.timestamp === undefined ? undefined : { type: "timestamp", timestamp: e.timestamp },
  PythonArtifactMetadataEntry: (e) =>
    e.module === undefined || e.name === undefined
      ? undefined
      : { type: "pythonArtifact", module: e.module, name: e.name },
  AssetMetadataEntry: (e) =>
    e.assetKey === undefined ? undefined : { type: "asset", assetKey: e.assetKey.path },
  JobMetadataEntry: (e) =>
    e.jobName === undefined
      ? undefined
      : {
          type: "job",
          jobName: e.jobName,
          repositoryName: e.repositoryName ?? null,
          locationName: e.locationName ?? "",
        },
  NullMetadataEntry: () => ({ type: "null" }),
  TableMetadataEntry: (e, report) => {
    if (e.table === undefined) return undefined;
    const records = (e.table.records ?? []).map(
      (record, i) => parseEmbeddedJson(record, `table.records[${i}]`, report) ?? null,
    );
    return { type: "table", schema: tableSchema(e.table.schema), records };
  },
  TableSchemaMetadataEntry: (e) =>
    e.schema === undefined ? undefined : { type: "tableSchema", schema: tableSchema(e.schema) },
  TableColumnLineageMetadataEntry: (e) =>
    e.lineage === undefined
      ? undefined
      : {
          type: "tableColumnLineage",
          lineage: e.lineage.map((l) => ({
            columnName: l.columnName,
            columnDeps: (l.columnDeps ?? []).map((d) => ({
              assetKey: d.assetKey.path,
              columnName: d.columnName,
            })),
          })),
        },
  CodeReferencesMetadataEntry: (e) =>
    e.codeReferences === undefined
      ? undefined
      : { type: "codeReferences", codeReferences: e.codeReferences.map(codeReference) },
};

/**
 * When a query did not select `__typename`, the value fields still tell the type (a bare `path`
 * reads as a path, not a notebook; a value-less entry stays opaque).
 */
function inferMetadataTypename(entry: Record<string, unknown>): MetadataTypename | undefined {
  for (const [typename, fields] of Object.entries(METADATA_FIELDS) as [
    MetadataTypename,
    readonly string[],
  ][]) {
    if (typename === "NotebookMetadataEntry") continue;
    if (fields.some((field) => entry[field] !== undefined)) return typename;
  }
  return undefined;
}

function opaqueMetadata(entry: GqlMetadataEntry, typename: string): MetadataValue {
  const { __typename: _t, label: _l, description: _d, ...fields } = entry;
  return { type: "unknown", typename, raw: fields as JsonValue };
}

function parseEmbeddedJson(
  text: string,
  field: string,
  report: FieldReport,
): JsonValue | undefined {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    report(field, "is not valid JSON text");
    return undefined;
  }
}

function floatFromRepr(repr: string): number | "NaN" | "Infinity" | "-Infinity" | null {
  const text = repr.trim().toLowerCase();
  if (text === "nan" || text === "-nan") return "NaN";
  if (text === "inf" || text === "+inf" || text === "infinity") return "Infinity";
  if (text === "-inf" || text === "-infinity") return "-Infinity";
  const n = Number(text);
  return text !== "" && Number.isFinite(n) ? n : null;
}

function tableSchema(schema: z.output<typeof gqlTableSchema> | undefined): TableSchema {
  return {
    columns: (schema?.columns ?? []).map((c) => ({
      name: c.name,
      type: c.type ?? "",
      description: c.description ?? null,
      // Dagster's defaults for a column without declared constraints.
      constraints: {
        nullable: c.constraints?.nullable ?? true,
        unique: c.constraints?.unique ?? false,
        other: c.constraints?.other ?? [],
      },
      tags: c.tags ?? [],
    })),
    constraints: schema?.constraints ? { other: schema.constraints.other ?? [] } : null,
  };
}

function codeReference(
  ref: NonNullable<GqlMetadataEntry["codeReferences"]>[number],
): CodeReference {
  const typename =
    ref.__typename ??
    (ref.filePath !== undefined
      ? "LocalFileCodeReference"
      : ref.url !== undefined
        ? "UrlCodeReference"
        : "");
  if (typename === "LocalFileCodeReference" && ref.filePath !== undefined) {
    return {
      type: "localFile",
      filePath: ref.filePath,
      lineNumber: ref.lineNumber ?? null,
      label: ref.label ?? null,
    };
  }
  if (typename === "UrlCodeReference" && ref.url !== undefined) {
    return { type: "url", url: ref.url, label: ref.label ?? null };
  }
  const { __typename: _t, ...raw } = ref;
  return { type: "unknown", typename, raw: raw as JsonValue };
}

function partitionsDefinition(
  def: NonNullable<GqlAssetNode["partitionDefinition"]>,
): PartitionsDefinition {
  const description = def.description ?? "";
  switch (def.type) {
    case "TIME_WINDOW":
      return { type: "TIME_WINDOW", description, fmt: def.fmt ?? null };
    case "STATIC":
      return { type: "STATIC", description };
    case "DYNAMIC":
      return { type: "DYNAMIC", description, name: def.name ?? null };
    case "MULTIPARTITIONED":
      return {
        type: "MULTIPARTITIONED",
        description,
        dimensions: (def.dimensionTypes ?? []).map((d) => {
          const dimension: {
            name: string;
            type: string;
            description: string;
            isPrimary?: boolean;
            dynamicPartitionsDefinitionName?: string | null;
          } = {
            name: d.name,
            type: d.type ?? "",
            description: d.description ?? "",
          };
          if (d.isPrimaryDimension !== undefined) dimension.isPrimary = d.isPrimaryDimension;
          if (d.dynamicPartitionsDefinitionName !== undefined)
            dimension.dynamicPartitionsDefinitionName = d.dynamicPartitionsDefinitionName;
          return dimension;
        }),
      };
    default: {
      const { type: _type, description: _description, ...raw } = def;
      return { type: "UNKNOWN", unknownType: def.type ?? "", description, raw: raw as JsonValue };
    }
  }
}

function owner(o: NonNullable<GqlAssetNode["owners"]>[number]): AssetOwner {
  const typename =
    o.__typename ??
    (o.email !== undefined ? "UserAssetOwner" : o.team !== undefined ? "TeamAssetOwner" : "");
  if (typename === "UserAssetOwner" && o.email !== undefined)
    return { type: "user", email: o.email };
  if (typename === "TeamAssetOwner" && o.team !== undefined) return { type: "team", team: o.team };
  const { __typename: _t, ...raw } = o;
  return { type: "unknown", typename, raw: raw as JsonValue };
}

function freshnessPolicy(p: NonNullable<GqlAssetNode["internalFreshnessPolicy"]>): FreshnessPolicy {
  const typename =
    p.__typename ??
    (p.failWindowSeconds !== undefined
      ? "TimeWindowFreshnessPolicy"
      : p.deadlineCron !== undefined
        ? "CronFreshnessPolicy"
        : "");
  if (typename === "TimeWindowFreshnessPolicy" && p.failWindowSeconds !== undefined) {
    return {
      type: "timeWindow",
      failWindowSeconds: p.failWindowSeconds,
      warnWindowSeconds: p.warnWindowSeconds ?? null,
    };
  }
  if (typename === "CronFreshnessPolicy" && p.deadlineCron !== undefined) {
    return {
      type: "cron",
      deadlineCron: p.deadlineCron,
      lowerBoundDeltaSeconds: p.lowerBoundDeltaSeconds ?? 0,
      timezone: p.timezone ?? "UTC",
    };
  }
  const { __typename: _t, ...raw } = p;
  return { type: "unknown", typename, raw: raw as JsonValue };
}

/** Dagster's kind tags carry kinds as `dagster/kind/<kind>` with an empty value. */
const KIND_TAG_PREFIX = "dagster/kind/";

function kindsOf(node: GqlAssetNode): string[] | undefined {
  if (node.kinds !== undefined) return node.kinds;
  if (node.tags === undefined) return undefined;
  const kinds = node.tags
    .filter((t) => t.key.startsWith(KIND_TAG_PREFIX))
    .map((t) => t.key.slice(KIND_TAG_PREFIX.length));
  if (node.computeKind) kinds.push(node.computeKind);
  return kinds;
}

function sourceOf(name: string | undefined): NonNullable<AssetGraph["source"]> {
  return name === undefined ? { format: "dagster-graphql" } : { format: "dagster-graphql", name };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
