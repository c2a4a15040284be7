import type { z } from "zod";
import { type InputIssue, type JsonPath, ValidationError, zodIssues } from "../../errors";
import type { Asset, AssetCheck, AssetGraph } from "../../model/asset";
import { isJsonObject } from "../../model/json";
import { keyId, keyToString } from "../../model/key";
import type { MetadataEntry } from "../../model/metadata";
import { normalizeValidated } from "../../normalize/normalize";
import { checkAssetCount, keyLimitProblem } from "../limits";
import {
  type DbtAssetNode,
  type DbtGroup,
  type DbtSource,
  dagsterAssetKeyMeta,
  dagsterAutoMaterializeMeta,
  dagsterGroupMeta,
  dagsterOwnersMeta,
  dagsterRefMeta,
  dbtAssetNode,
  dbtColumn,
  dbtEntryHead,
  dbtGroup,
  dbtManifestMetadata,
  dbtPassThroughEntry,
  dbtSource,
  dbtTestNode,
} from "./schema";
import { type DbtSettings, type ResolvedDbtSettings, resolveDbtSettings } from "./settings";
import {
  codeReferencesMetadata,
  type DbtResourceProps,
  defaultAssetKey,
  defaultCodeVersion,
  defaultDescription,
  defaultGroup,
  defaultKinds,
  defaultMetadata,
  defaultOwners,
  defaultTags,
} from "./translate";

/**
 * Options of {@link parseDbtManifest}.
 *
 * @example
 * const options: ParseDbtManifestOptions = { source: "manifest.json", codeLocation: "analytics", repository: "__repository__" };
 */
export interface ParseDbtManifestOptions {
  /** Names the input in error messages, e.g. a file name. */
  source?: string;
  /** The Dagster code location that loads the dbt project (a manifest does not know it); `null` by default. */
  codeLocation?: string | null;
  /** The repository in that code location, e.g. `__repository__`; `null` by default. */
  repository?: string | null;
  /**
   * Receives a warning when the manifest's schema version is outside the versions this reader
   * knows ({@link DBT_MANIFEST_SCHEMA_VERSIONS}) or is not declared: it is still read.
   */
  onWarning?: (message: string) => void;
  /**
   * The translator settings of the Dagster project that loads the manifest (sources as stubs or
   * assets, key prefixes, code references, code-version rule, checks); dagster-dbt's defaults when
   * absent. Invalid settings give a {@link UsageError} naming the field.
   */
  settings?: DbtSettings;
}

/**
 * The dbt manifest schema versions this reader knows (`metadata.dbt_schema_version`,
 * `https://schemas.getdbt.com/dbt/manifest/v12.json`): others are read with a warning.
 *
 * @internal Exported for the tests and the docs that name the range.
 */
export const DBT_MANIFEST_SCHEMA_VERSIONS = { oldest: 7, newest: 12 } as const;

/**
 * The `source.format` of graphs read from a dbt manifest.
 *
 * @example
 * parseDbtManifest(manifest).source?.format === DBT_MANIFEST_FORMAT; // true
 */
const DBT_MANIFEST_FORMAT = "dbt-manifest";

/**
 * Reads a dbt `manifest.json` (schema v7 to v12; older ones where they agree) into the asset graph
 * Dagster builds from it with `@dbt_assets` and the default `DagsterDbtTranslator` (dagster-dbt
 * 0.25.4 and later unless `settings` say otherwise, see {@link DbtSettings}):
 *
 * - assets: enabled models, seeds and snapshots (ephemeral models are not assets; their parents
 *   are passed through to their children, as dagster-dbt does). A resource with
 *   `config.enabled: false` is left out, as are its tests, and nothing is reached through it;
 * - sources: by default (`sources: "stubs"`) only dependencies, so a source is in the graph only
 *   while some asset depends on it (directly or through ephemeral models, metrics, semantic models
 *   or saved queries), as the stub Dagster auto-creates: its key, `isAutoCreatedStub: true`, no
 *   code version, dependencies, tags, owners or kinds, group `default`, not executable, and only
 *   the stub marker `dagster/auto_created_stub_asset` as metadata. With `sources: "assets"` every
 *   enabled source is a full spec, as `build_dbt_source_asset_specs` gives it (marked an
 *   auto-created stub; automation and execution type unknown);
 * - key: `meta.dagster.asset_key`, else a source's `[source_name, name]`, a versioned model's
 *   `[alias]`, `[config.schema, name]` when a schema is configured, else `[name]`; then the
 *   configured `keyPrefix` (models, seeds, snapshots) or `sourceKeyPrefix`. Two resources in the
 *   graph with one key are an error;
 * - code version: SHA-1 of the raw code, else the checksum (seeds), else `null` (sources); with
 *   `codeVersion: "sha1"`, the rule up to dagster-dbt 0.25.3, the SHA-1 of empty code for seeds;
 * - dependencies: the parents that are assets or sources, as a set; partition mappings unknown;
 * - tags: each dbt tag `t` as `{t: ""}` plus the kind tags `dagster/kind/dbt` and
 *   `dagster/kind/<adapter>`; kinds likewise;
 * - metadata: materialization, column schema, table name, unique id and project id, and with
 *   `codeReferences` the `dagster/code_references` of `original_file_path`;
 * - group (`meta.dagster.group`, `config.group`, else `default`), owners, and dagster-dbt's
 *   description (the dbt description followed by the raw SQL);
 * - checks (`checks: []` when none): each enabled test attached (by `attached_node`, its only
 *   parent, or `meta.dagster.ref`) to an asset among its parents is a check named after the test,
 *   blocking unless `config.severity` is `warn` (any case), described by the test's
 *   `meta.description`, with the test's other parents as additional asset keys; tests on sources
 *   only with `sourceTestsAsChecks`, none with `assetChecks: false`; a check's automation condition
 *   stays unknown;
 * - models, seeds and snapshots are executable materializable assets with no automation
 *   condition unless `meta.dagster.auto_materialize_policy` sets one (then it is unknown).
 *
 * What a manifest cannot tell (partitions, freshness and backfill policies) is left unknown.
 * Invalid input gives a {@link ValidationError} naming each problem's JSON path; invalid settings
 * a `UsageError` naming the field.
 *
 * A custom translator or other definitions can change any of it. Deliberate differences: partition
 * mappings are unknown rather than Dagster's default; a parent the manifest does not hold is dropped
 * where dagster-dbt fails; the Python objects dagster-dbt puts in metadata (the manifest, the
 * translator) are left out; owners are not checked to be emails; a test parent that is not an
 * asset or source (an ephemeral model) is not an additional asset key of its check. Column order
 * follows JavaScript's object order, which puts integer-like column names first.
 *
 * @example
 * const graph = parseDbtManifest(JSON.parse(text), {
 *   source: "target/manifest.json",
 *   codeLocation: "analytics",
 *   repository: "__repository__",
 *   settings: { keyPrefix: "dbt", codeReferences: true },
 * });
 */
export function parseDbtManifest(json: unknown, options: ParseDbtManifestOptions = {}): AssetGraph {
  const reader = new ManifestReader(json, options);
  const warning = reader.schemaVersionWarning();
  if (warning !== undefined) options.onWarning?.(warning);
  const assets = reader.assets();
  reader.throwIfIssues();
  checkAssetCount(assets.length, options.source, []);
  const graph: AssetGraph = { assets, source: reader.graphSource() };
  return normalizeValidated(graph, options.source === undefined ? {} : { source: options.source });
}

/**
 * True when `json` declares itself a dbt manifest: `metadata.dbt_schema_version` names a manifest
 * schema (`.../manifest/v12.json`) and there is a `nodes` member.
 *
 * @example
 * looksLikeDbtManifest({ metadata: { dbt_schema_version: "https://schemas.getdbt.com/dbt/manifest/v12.json" }, nodes: {} }); // true
 */
export function looksLikeDbtManifest(json: unknown): boolean {
  if (!isJsonObject(json) || !("nodes" in json) || !isJsonObject(json.metadata)) return false;
  const version = json.metadata.dbt_schema_version;
  return typeof version === "string" && MANIFEST_SCHEMA.test(version);
}

// --- internal ---

const MANIFEST_SCHEMA = /\/manifest\/v(\d+)(?:\.json)?$/;

/** The node types dagster-dbt makes assets of (`ASSET_RESOURCE_TYPES`). */
const ASSET_NODE_TYPES: ReadonlySet<string> = new Set(["model", "seed", "snapshot"]);

/**
 * Graph entries that are not assets but sit between assets; dagster-dbt looks through them to
 * their own parents (`is_non_asset_node`). Ephemeral models are the fourth kind.
 */
const PASS_THROUGH_TYPES: ReadonlySet<string> = new Set([
  "metric",
  "semantic_model",
  "saved_query",
]);

/** Top-level maps that hold pass-through entries, searched when a parent is not a node or source. */
const PASS_THROUGH_MAPS = ["metrics", "semantic_models", "saved_queries"] as const;

/** Most issues collected before giving up on a badly wrong input. */
const MAX_ISSUES = 50;

/**
 * The definition metadata Dagster gives an auto-created stub asset
 * (`SYSTEM_METADATA_KEY_AUTO_CREATED_STUB_ASSET`), which `build_dbt_source_asset_specs` also sets
 * on its source specs.
 */
const STUB_MARKER: MetadataEntry = {
  key: "dagster/auto_created_stub_asset",
  value: { type: "bool", value: true },
};

/** Dagster's group for assets without one, a stub's among them. */
const DEFAULT_GROUP = "default";

/** A graph entry as far as dependencies are concerned. */
interface Entry {
  /** An asset itself or its dependency: a non-ephemeral model, seed or snapshot, or a source. */
  asset: boolean;
  /** Looked through to its parents: an ephemeral model, metric, semantic model or saved query. */
  passThrough: boolean;
  parents: readonly string[];
}

/** A resource that may become an asset: an enabled model, seed or snapshot, or source. */
interface AssetResource {
  /** Its key in `nodes` or `sources`: what `depends_on` refers to. */
  id: string;
  path: JsonPath;
  props: DbtResourceProps;
  parents: readonly string[];
  /** `meta.dagster` of the `meta` block (group, owners, automation). */
  dagster: Record<string, unknown> | undefined;
  metaPath: JsonPath;
  /** `meta.dagster.asset_key` from `config.meta` when that is non-empty, else from `meta`. */
  configuredKey: string | string[] | null | undefined;
  group: string | null | undefined;
}

/** An enabled data test, as far as checks are concerned. */
interface TestResource {
  id: string;
  name: string;
  attachedNode: string | null | undefined;
  /** The test's parents (`depends_on.nodes`, which is also its `parent_map` entry), once each. */
  parents: readonly string[];
  severity: string | null | undefined;
  /** `meta.description`: dagster-dbt's check description. */
  description: string | null;
  /** `meta.dagster.ref` (from `config.meta` when that is non-empty, else `meta`). */
  ref: z.output<typeof dagsterRefMeta> | undefined;
}

/** Package and version of a node of some name, for `meta.dagster.ref` look-ups. */
interface NodeIdentity {
  id: string;
  packageName: string | null | undefined;
  version: string | number | null;
}

class ManifestReader {
  private readonly issues: InputIssue[] = [];
  private readonly source: string | undefined;
  private readonly settings: ResolvedDbtSettings;
  private readonly manifest: Record<string, unknown>;
  private readonly metadata: z.output<typeof dbtManifestMetadata>;
  private readonly entries = new Map<string, Entry>();
  private readonly resources: AssetResource[] = [];
  private readonly sourceIds = new Set<string>();
  private readonly tests: TestResource[] = [];
  /** The nodes by name, for `meta.dagster.ref` look-ups. */
  private readonly identities = new Map<string, NodeIdentity[]>();
  private readonly groups = new Map<string, DbtGroup>();
  /** The asset parents found behind each pass-through entry, by unique_id. */
  private readonly passedThrough = new Map<string, Set<string>>();

  constructor(
    json: unknown,
    private readonly options: ParseDbtManifestOptions,
  ) {
    this.source = options.source;
    this.settings = resolveDbtSettings(options.settings);
    if (!isJsonObject(json)) {
      throw new ValidationError(this.source, [
        {
          path: [],
          message: `expected a dbt manifest (a JSON object with "nodes"), got ${describeValue(json)}`,
        },
      ]);
    }
    this.manifest = json;
    this.metadata =
      json.metadata === undefined || json.metadata === null
        ? {}
        : (this.validate(dbtManifestMetadata, json.metadata, ["metadata"]) ?? {});
    if (!isJsonObject(json.nodes)) {
      throw new ValidationError(this.source, [
        {
          path: ["nodes"],
          message: `expected the manifest's nodes (an object keyed by unique_id), ${json.nodes === undefined ? "but the field is missing" : `got ${describeValue(json.nodes)}`}`,
        },
      ]);
    }
    this.readGroups();
    this.readNodes(json.nodes);
    this.readSources(this.map(json.sources, ["sources"], "sources"));
  }

  /** Why the manifest's schema version calls for care, or `undefined` for a known one. */
  schemaVersionWarning(): string | undefined {
    const { oldest, newest } = DBT_MANIFEST_SCHEMA_VERSIONS;
    const known = `v${oldest} to v${newest}`;
    const declared = this.metadata.dbt_schema_version;
    if (declared === undefined) {
      return `the dbt manifest declares no schema version (metadata.dbt_schema_version); it is read as one of ${known}, and fields that differ may be missed`;
    }
    const digits = MANIFEST_SCHEMA.exec(declared)?.[1];
    const version = digits === undefined ? undefined : Number(digits);
    if (version !== undefined && version >= oldest && version <= newest) return undefined;
    const shown = version === undefined ? JSON.stringify(declared) : `v${version}`;
    const as =
      version !== undefined && version < oldest
        ? `where it agrees with v${oldest}`
        : `as v${newest}`;
    return `dbt manifest schema ${shown} is not one asset-diff knows (${known}); it is read ${as}, and fields that changed may be missed`;
  }

  throwIfIssues(): void {
    if (this.issues.length > 0) throw new ValidationError(this.source, this.issues);
  }

  graphSource(): NonNullable<AssetGraph["source"]> {
    const source: NonNullable<AssetGraph["source"]> = { format: DBT_MANIFEST_FORMAT };
    if (this.options.source !== undefined) source.name = this.options.source;
    if (this.metadata.generated_at !== undefined) source.capturedAt = this.metadata.generated_at;
    return source;
  }

  assets(): Asset[] {
    const nodes = this.resources.filter((r) => !this.sourceIds.has(r.id));
    const upstream = new Map<string, Set<string>>();
    const referenced = new Set<string>();
    for (const resource of nodes) {
      const ids = this.upstream(resource.parents);
      upstream.set(resource.id, ids);
      for (const id of ids) if (this.sourceIds.has(id)) referenced.add(id);
    }
    // A source is in the graph as the stub Dagster creates for a dependency nothing defines, so
    // only while some asset depends on it; as an asset spec, always.
    const stubs = this.settings.sources === "stubs";
    const inGraph = this.resources.filter(
      (r) => !this.sourceIds.has(r.id) || !stubs || referenced.has(r.id),
    );
    const keys = this.keys(inGraph);
    const checks = this.checks(keys, referenced);
    const kinds = defaultKinds(this.metadata.adapter_type);
    const assets: Asset[] = [];
    for (const resource of inGraph) {
      const key = keys.get(resource.id);
      if (key === undefined) continue;
      const own = checks.get(resource.id) ?? [];
      if (!this.sourceIds.has(resource.id)) {
        assets.push(this.asset(resource, key, upstream.get(resource.id), keys, kinds, own));
      } else if (stubs) {
        assets.push(this.stub(key, own));
      } else {
        const asset = this.asset(resource, key, undefined, keys, kinds, own);
        // `build_dbt_source_asset_specs` marks each spec an auto-created stub, so that another
        // definition of the key takes precedence.
        asset.isAutoCreatedStub = true;
        asset.metadata?.push(STUB_MARKER);
        assets.push(asset);
      }
    }
    return assets;
  }

  private asset(
    resource: AssetResource,
    key: string[],
    upstream: ReadonlySet<string> | undefined,
    keys: ReadonlyMap<string, string[]>,
    kinds: string[],
    checks: AssetCheck[],
  ): Asset {
    const { props, dagster, metaPath } = resource;
    const dependencies = [...(upstream ?? [])].flatMap((id) => {
      const parentKey = keys.get(id);
      return parentKey === undefined ? [] : [{ key: parentKey }];
    });
    const metaGroup = this.dagsterField(dagster, "group", dagsterGroupMeta, metaPath);
    const metaOwners = this.dagsterField(dagster, "owners", dagsterOwnersMeta, metaPath);
    const groupOwner =
      resource.group === null || resource.group === undefined
        ? undefined
        : this.groups.get(resource.group)?.owner?.email;
    const metadata = defaultMetadata(props, this.metadata.project_id);
    if (this.settings.codeReferences) {
      const reference = codeReferencesMetadata(props, this.settings.projectDir);
      if (reference !== undefined) metadata.push(reference);
    }
    const asset: Asset = {
      key,
      codeLocation: this.options.codeLocation ?? null,
      repository: this.options.repository ?? null,
      codeVersion: defaultCodeVersion(props, this.settings.codeVersion),
      dependencies,
      tags: defaultTags(props, kinds),
      metadata,
      group: defaultGroup(metaGroup, props.configGroup),
      owners: defaultOwners(metaOwners, groupOwner),
      kinds,
      description: defaultDescription(props),
      checks,
    };
    if (props.resourceType !== "source") {
      // A source spec is external: whether Dagster executes or automates it depends on the
      // definitions it merges with, outside the manifest, so those stay unknown.
      const policy = this.dagsterField(
        dagster,
        "auto_materialize_policy",
        dagsterAutoMaterializeMeta,
        metaPath,
      );
      if (policy?.type !== "eager" && policy?.type !== "lazy") {
        asset.automationCondition = null;
        asset.autoMaterializePolicy = null;
      }
      asset.isExecutable = true;
      asset.isMaterializable = true;
      asset.isObservable = false;
      asset.isAutoCreatedStub = false;
    }
    return asset;
  }

  /**
   * The stub Dagster auto-creates for a source some asset depends on: the key, what a spec with
   * nothing but a key gives, and the metadata entry that marks it a stub.
   */
  private stub(key: string[], checks: AssetCheck[]): Asset {
    return {
      key,
      codeLocation: this.options.codeLocation ?? null,
      repository: this.options.repository ?? null,
      codeVersion: null,
      dependencies: [],
      partitionsDefinition: null,
      tags: [],
      metadata: [STUB_MARKER],
      group: DEFAULT_GROUP,
      owners: [],
      kinds: [],
      description: null,
      automationCondition: null,
      isExecutable: false,
      isMaterializable: false,
      isObservable: false,
      isAutoCreatedStub: true,
      checks,
    };
  }

  /** A resource's asset key with the configured prefix (`get_asset_key`), if it has one. */
  private keyOf(resource: AssetResource): string[] | undefined {
    const key = defaultAssetKey(resource.props, resource.configuredKey);
    if (key === undefined) return undefined;
    const prefix = this.sourceIds.has(resource.id)
      ? this.settings.sourceKeyPrefix
      : this.settings.keyPrefix;
    return prefix.length === 0 ? key : [...prefix, ...key];
  }

  /**
   * The asset key of every resource in the graph; two with one key are an issue, except two
   * sources made asset specs, where the first wins (`build_dbt_source_asset_specs`).
   */
  private keys(inGraph: readonly AssetResource[]): Map<string, string[]> {
    const keys = new Map<string, string[]>();
    const owners = new Map<string, AssetResource>();
    for (const resource of inGraph) {
      const key = this.keyOf(resource);
      if (key === undefined) {
        this.issue(
          [...resource.path, "alias"],
          "expected a string: a versioned model's asset key is its alias",
        );
        continue;
      }
      const tooLong = keyLimitProblem(key);
      if (tooLong !== undefined) {
        this.issue(resource.path, tooLong);
        continue;
      }
      const id = keyId(key);
      const first = owners.get(id);
      if (first !== undefined) {
        const bothSources = this.sourceIds.has(first.id) && this.sourceIds.has(resource.id);
        if (bothSources && this.settings.sources === "assets") continue;
        this.issue(
          resource.path,
          `${JSON.stringify(first.id)} and ${JSON.stringify(resource.id)} both map to the asset key ${JSON.stringify(keyToString(key))}; dagster-dbt needs a distinct key per dbt resource (set meta.dagster.asset_key on one of them)`,
        );
        continue;
      }
      owners.set(id, resource);
      keys.set(resource.id, key);
    }
    return keys;
  }

  /**
   * The checks dagster-dbt makes of the enabled tests (`default_asset_check_fn`), by the
   * unique_id of the asset each attaches to: the test's `attached_node`, else its one parent, else
   * the node `meta.dagster.ref` names, when that is an asset (or, with `sourceTestsAsChecks`, a
   * source some asset depends on) and among the test's parents. A test name met twice on one
   * asset keeps the last test, as dagster-dbt's map of check specs does.
   */
  private checks(
    keys: ReadonlyMap<string, string[]>,
    referenced: ReadonlySet<string>,
  ): Map<string, AssetCheck[]> {
    const byAsset = new Map<string, Map<string, AssetCheck>>();
    if (!this.settings.assetChecks) return new Map();
    const resources = new Map(this.resources.map((r) => [r.id, r]));
    for (const test of this.tests) {
      let attached = test.attachedNode ?? undefined;
      if (test.parents.length === 1) attached = test.parents[0];
      if (test.ref !== undefined) attached = this.refTarget(test.ref);
      if (attached === undefined || !test.parents.includes(attached)) continue;
      const key = keys.get(attached);
      if (key === undefined) continue;
      if (
        this.sourceIds.has(attached) &&
        !(this.settings.sourceTestsAsChecks && referenced.has(attached))
      ) {
        continue;
      }
      const additional: string[][] = [];
      for (const parent of test.parents) {
        const resource = resources.get(parent);
        const parentKey = resource === undefined ? undefined : this.keyOf(resource);
        if (parentKey !== undefined && keyId(parentKey) !== keyId(key)) additional.push(parentKey);
      }
      const checks = byAsset.get(attached) ?? new Map<string, AssetCheck>();
      checks.set(test.name, {
        name: test.name,
        description: test.description,
        blocking: (test.severity ?? "error").toLowerCase() === "error",
        additionalAssetKeys: additional,
      });
      byAsset.set(attached, checks);
    }
    return new Map([...byAsset].map(([id, checks]) => [id, [...checks.values()]]));
  }

  /** The first node `meta.dagster.ref` names (`name`, `package` or the project's, `version`). */
  private refTarget(ref: z.output<typeof dagsterRefMeta>): string | undefined {
    const packageName = ref.package || this.metadata.project_name;
    const version = ref.version ?? null;
    return this.identities
      .get(ref.name)
      ?.find((n) => n.packageName === packageName && n.version === version)?.id;
  }

  /**
   * The unique_ids of the assets a resource depends on (`get_upstream_unique_ids`): parents that
   * are assets, and the asset parents found behind pass-through parents. Parents the manifest does
   * not hold, and parents of other kinds (tests, analyses, exposures...), are dropped.
   */
  private upstream(parents: readonly string[]): Set<string> {
    const upstream = new Set<string>();
    for (const id of parents) {
      const entry = this.entry(id);
      if (entry === undefined) continue;
      if (entry.passThrough) {
        for (const behind of this.behind(id, entry)) upstream.add(behind);
      } else if (entry.asset) upstream.add(id);
    }
    return upstream;
  }

  /**
   * The asset parents behind a pass-through entry: its asset parents, and those behind its
   * pass-through parents. Every pass-through entry met is resolved once (a post-order walk with an
   * explicit stack, so long chains of ephemeral models neither recurse deeply nor get walked once
   * per child); an entry met again while it is being resolved (a cycle, which dbt refuses) adds
   * nothing.
   */
  private behind(root: string, rootEntry: Entry): Set<string> {
    const done = this.passedThrough.get(root);
    if (done !== undefined) return done;
    const expanding = new Set<string>();
    const stack: [string, Entry][] = [[root, rootEntry]];
    while (stack.length > 0) {
      const [id, entry] = stack[stack.length - 1] as [string, Entry];
      if (this.passedThrough.has(id)) {
        stack.pop();
        continue;
      }
      if (!expanding.has(id)) {
        expanding.add(id);
        for (const parent of entry.parents) {
          const next = this.entry(parent);
          if (next?.passThrough && !expanding.has(parent) && !this.passedThrough.has(parent)) {
            stack.push([parent, next]);
          }
        }
        continue;
      }
      const found = new Set<string>();
      for (const parent of entry.parents) {
        const next = this.entry(parent);
        if (next?.asset) found.add(parent);
        else if (next?.passThrough)
          for (const ancestor of this.passedThrough.get(parent) ?? []) found.add(ancestor);
      }
      this.passedThrough.set(id, found);
      stack.pop();
    }
    return this.passedThrough.get(root) ?? new Set();
  }

  /** A graph entry by unique_id: a node, a source, or (read on demand) a metric or semantic model. */
  private entry(id: string): Entry | undefined {
    const known = this.entries.get(id);
    if (known !== undefined) return known;
    for (const name of PASS_THROUGH_MAPS) {
      const map = this.manifest[name];
      if (!isJsonObject(map) || !Object.hasOwn(map, id)) continue;
      const raw = this.validate(dbtPassThroughEntry, map[id], [name, id]);
      const entry: Entry = {
        asset: false,
        passThrough: raw !== undefined && PASS_THROUGH_TYPES.has(raw.resource_type),
        parents: raw?.depends_on?.nodes ?? [],
      };
      this.entries.set(id, entry);
      return entry;
    }
    return undefined;
  }

  private readNodes(nodes: Record<string, unknown>): void {
    for (const id of Object.keys(nodes)) {
      const path = ["nodes", id];
      const raw = nodes[id];
      const head = this.validate(dbtEntryHead, raw, path);
      if (head?.name !== undefined) {
        const named = this.identities.get(head.name) ?? [];
        named.push({ id, packageName: head.package_name, version: head.version ?? null });
        this.identities.set(head.name, named);
      }
      // dbt's selector leaves disabled resources out, so they are neither assets nor checks, and
      // nothing is reached through them (dbt refuses a ref to a disabled node).
      const disabled = isDisabled(head);
      if (head === undefined || disabled || !ASSET_NODE_TYPES.has(head.resource_type)) {
        this.entries.set(id, { asset: false, passThrough: false, parents: [] });
        if (head?.resource_type === "test" && !disabled && id.startsWith("test")) {
          this.readTest(id, raw as Record<string, unknown>, path);
        }
        continue;
      }
      const node = this.validate(dbtAssetNode, raw, path);
      if (node === undefined) {
        // Counted as an asset so that its children do not report a second, misleading problem.
        this.entries.set(id, { asset: true, passThrough: false, parents: [] });
        continue;
      }
      const parents = node.depends_on?.nodes ?? [];
      const ephemeral = node.resource_type === "model" && node.config?.materialized === "ephemeral";
      this.entries.set(id, { asset: !ephemeral, passThrough: ephemeral, parents });
      if (!ephemeral)
        this.addResource(
          id,
          raw as Record<string, unknown>,
          path,
          nodeProps(id, node),
          parents,
          node.group,
        );
    }
  }

  private readTest(id: string, raw: Record<string, unknown>, path: JsonPath): void {
    const test = this.validate(dbtTestNode, raw, path);
    if (test === undefined) return;
    const meta = this.metaObject(raw.meta, [...path, "meta"]);
    const config = isJsonObject(raw.config) ? raw.config : undefined;
    const refMeta =
      config !== undefined && isJsonObject(config.meta) && Object.keys(config.meta).length > 0
        ? { meta: config.meta, path: [...path, "config", "meta"] }
        : { meta, path: [...path, "meta"] };
    const dagster = this.dagsterBlock(refMeta.meta, refMeta.path);
    const ref = this.dagsterField(dagster, "ref", dagsterRefMeta.nullable(), refMeta.path);
    const description =
      meta !== undefined && Object.hasOwn(meta, "description") ? meta.description : undefined;
    this.tests.push({
      id,
      name: test.name,
      attachedNode: test.attached_node,
      parents: [...new Set(test.depends_on?.nodes ?? [])],
      severity: test.config?.severity,
      description: typeof description === "string" ? description : null,
      ref: ref ?? undefined,
    });
  }

  private readSources(sources: Record<string, unknown>): void {
    for (const id of Object.keys(sources)) {
      const path = ["sources", id];
      const raw = sources[id];
      const source = this.validate(dbtSource, raw, path);
      const enabled = !isDisabled(source);
      this.entries.set(id, { asset: enabled, passThrough: false, parents: [] });
      if (!enabled) continue;
      this.sourceIds.add(id);
      if (source !== undefined)
        this.addResource(
          id,
          raw as Record<string, unknown>,
          path,
          sourceProps(id, source),
          [],
          null,
        );
    }
  }

  private addResource(
    id: string,
    raw: Record<string, unknown>,
    path: JsonPath,
    props: Omit<DbtResourceProps, "columns">,
    parents: readonly string[],
    group: string | null | undefined,
  ): void {
    const metaPath = [...path, "meta"];
    const meta = this.metaObject(raw.meta, metaPath);
    const config = isJsonObject(raw.config) ? raw.config : undefined;
    // dagster-dbt reads the key from `config.meta` when that is non-empty, else from `meta`.
    const keyMeta =
      config !== undefined && isJsonObject(config.meta) && Object.keys(config.meta).length > 0
        ? {
            meta: this.metaObject(config.meta, [...path, "config", "meta"]),
            path: [...path, "config", "meta"],
          }
        : { meta, path: metaPath };
    this.resources.push({
      id,
      path,
      props: { ...props, columns: this.columns(raw.columns, [...path, "columns"]) },
      parents,
      dagster: this.dagsterBlock(meta, metaPath),
      metaPath,
      configuredKey: this.configuredKey(
        this.dagsterBlock(keyMeta.meta, keyMeta.path),
        keyMeta.path,
      ),
      group,
    });
  }

  private columns(value: unknown, path: JsonPath): DbtResourceProps["columns"] {
    if (value === undefined || value === null) return [];
    if (!isJsonObject(value)) {
      this.issue(path, `expected an object of columns by name, got ${describeValue(value)}`);
      return [];
    }
    const columns: DbtResourceProps["columns"][number][] = [];
    for (const name of Object.keys(value)) {
      const column = this.validate(dbtColumn, value[name], [...path, name]);
      if (column === undefined) continue;
      columns.push({
        name,
        dataType: column.data_type,
        description: column.description,
        tags: column.tags,
      });
    }
    return columns;
  }

  private readGroups(): void {
    const groups = this.map(this.manifest.groups, ["groups"], "groups");
    for (const id of Object.keys(groups)) {
      const group = this.validate(dbtGroup, groups[id], ["groups", id]);
      // By name, the last one winning, as dagster-dbt's dict of groups does.
      if (group !== undefined) this.groups.set(group.name, group);
    }
  }

  /** A `meta` block; dbt writes `{}` when there is none, older files sometimes `null`. */
  private metaObject(value: unknown, path: JsonPath): Record<string, unknown> | undefined {
    if (value === undefined || value === null) return undefined;
    if (isJsonObject(value)) return value;
    this.issue(path, `expected an object, got ${describeValue(value)}`);
    return undefined;
  }

  private dagsterBlock(
    meta: Record<string, unknown> | undefined,
    metaPath: JsonPath,
  ): Record<string, unknown> | undefined {
    const dagster =
      meta === undefined ? undefined : Object.hasOwn(meta, "dagster") ? meta.dagster : undefined;
    if (dagster === undefined || dagster === null) return undefined;
    if (isJsonObject(dagster)) return dagster;
    this.issue(
      [...metaPath, "dagster"],
      `expected an object of Dagster settings, got ${describeValue(dagster)}`,
    );
    return undefined;
  }

  /** `meta.dagster.asset_key`: a key path, or one string for a one-component key. */
  private configuredKey(
    dagster: Record<string, unknown> | undefined,
    metaPath: JsonPath,
  ): string | string[] | null | undefined {
    const value =
      dagster !== undefined && Object.hasOwn(dagster, "asset_key") ? dagster.asset_key : undefined;
    if (value === undefined || value === null || typeof value === "string") return value;
    return this.validate(dagsterAssetKeyMeta, value, [...metaPath, "dagster", "asset_key"]);
  }

  private dagsterField<T extends z.ZodType>(
    dagster: Record<string, unknown> | undefined,
    field: string,
    schema: T,
    metaPath: JsonPath,
  ): z.output<T> | undefined {
    if (dagster === undefined || !Object.hasOwn(dagster, field)) return undefined;
    return this.validate(schema, dagster[field], [...metaPath, "dagster", field]);
  }

  /** A top-level map keyed by unique_id; absent or `null` reads as empty. */
  private map(value: unknown, path: JsonPath, what: string): Record<string, unknown> {
    if (value === undefined || value === null) return {};
    if (isJsonObject(value)) return value;
    this.issue(
      path,
      `expected an object of ${what} keyed by unique_id, got ${describeValue(value)}`,
    );
    return {};
  }

  private validate<T extends z.ZodType>(
    schema: T,
    value: unknown,
    path: JsonPath,
  ): z.output<T> | undefined {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    for (const issue of zodIssues(parsed.error, path)) this.issue(issue.path, issue.message);
    return undefined;
  }

  private issue(path: JsonPath, message: string): void {
    if (this.issues.length < MAX_ISSUES) this.issues.push({ path, message });
  }
}

function nodeProps(id: string, node: DbtAssetNode): Omit<DbtResourceProps, "columns"> {
  return {
    uniqueId: node.unique_id ?? id,
    resourceType: node.resource_type,
    name: node.name,
    alias: node.alias,
    database: node.database,
    schema: node.schema,
    version: node.version,
    description: node.description,
    rawCode: node.raw_code,
    rawSql: node.raw_sql,
    checksum: node.checksum?.checksum,
    tags: node.tags,
    materialized: node.config?.materialized,
    configSchema: node.config?.schema,
    configGroup: node.config?.group,
    originalFilePath: node.original_file_path,
  };
}

function sourceProps(id: string, source: DbtSource): Omit<DbtResourceProps, "columns"> {
  return {
    uniqueId: source.unique_id ?? id,
    resourceType: "source",
    name: source.name,
    sourceName: source.source_name,
    database: source.database,
    schema: source.schema,
    description: source.description,
    tags: source.tags,
    configGroup: source.config?.group,
    originalFilePath: source.original_file_path,
  };
}

/** `config.enabled` is set and false by Python truthiness (`false`, `0`, `""`). */
function isDisabled(resource: { config?: { enabled?: unknown } | null } | undefined): boolean {
  const enabled = resource?.config?.enabled;
  return enabled === false || enabled === 0 || enabled === "";
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}
