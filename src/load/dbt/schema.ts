import { z } from "zod";

/**
 * zod schemas of the parts of a dbt `manifest.json` asset-diff reads (schema v7 to v12, and the
 * older shapes where they agree). Each schema describes one resource, not the maps that hold them:
 * `nodes`, `sources`, `columns` and `groups` are keyed by user-chosen names (a model may be called
 * `__proto__`), so the loader walks those maps itself and validates each entry. Unknown fields are
 * dropped, every field that some version lacks is optional, and `null` is accepted wherever dbt
 * writes it.
 */

const str = z.string();
const nullableStr = z.string().nullable();
/**
 * `config.enabled`: dbt writes a boolean; some packages leave a rendered expression
 * (`"True and True"`), which dbt's selector reads by Python truthiness.
 */
const enabledFlag = z.unknown();

/** The `metadata` block: what the manifest says about itself. */
export const dbtManifestMetadata = z.object({
  dbt_schema_version: str.exactOptional(),
  dbt_version: str.exactOptional(),
  generated_at: str.exactOptional(),
  project_id: nullableStr.exactOptional(),
  adapter_type: nullableStr.exactOptional(),
  project_name: nullableStr.exactOptional(),
});

/**
 * What every entry of `nodes` is checked for first: its type, `config.enabled` (dbt's selector
 * leaves out disabled resources) and, for `meta.dagster.ref` look-ups, its name, package and
 * version.
 */
export const dbtEntryHead = z.object({
  resource_type: str,
  name: str.exactOptional(),
  package_name: nullableStr.exactOptional(),
  version: z.union([str, z.number()]).nullable().exactOptional(),
  config: z.object({ enabled: enabledFlag }).nullable().exactOptional(),
});

/** `depends_on`: the parents by unique_id (absent on v8+ seeds, repeated in old manifests). */
const dependsOn = z
  .object({ nodes: z.array(str).exactOptional() })
  .nullable()
  .exactOptional();

/** A graph entry that is not an asset but may sit between two (metric, semantic model...). */
export const dbtPassThroughEntry = z.object({ resource_type: str, depends_on: dependsOn });

/**
 * A model, seed or snapshot from `nodes`. `columns` and `meta` are read separately (see the module
 * comment); `config.meta` likewise.
 */
export const dbtAssetNode = z.object({
  unique_id: str.exactOptional(),
  resource_type: str,
  name: str,
  alias: nullableStr.exactOptional(),
  database: nullableStr.exactOptional(),
  schema: nullableStr.exactOptional(),
  // dbt writes model versions as strings or numbers.
  version: z.union([str, z.number()]).nullable().exactOptional(),
  description: nullableStr.exactOptional(),
  raw_code: nullableStr.exactOptional(),
  raw_sql: nullableStr.exactOptional(),
  checksum: z
    .object({ name: str.exactOptional(), checksum: nullableStr.exactOptional() })
    .nullable()
    .exactOptional(),
  tags: z.array(str).nullable().exactOptional(),
  config: z
    .object({
      materialized: nullableStr.exactOptional(),
      schema: nullableStr.exactOptional(),
      group: nullableStr.exactOptional(),
    })
    .nullable()
    .exactOptional(),
  depends_on: dependsOn,
  group: nullableStr.exactOptional(),
  original_file_path: nullableStr.exactOptional(),
});

/**
 * A data test from `nodes` (`resource_type: test`). `meta` and `config.meta` are read separately
 * (`meta.description`, `meta.dagster.ref`).
 */
export const dbtTestNode = z.object({
  name: str,
  attached_node: nullableStr.exactOptional(),
  depends_on: dependsOn,
  config: z.object({ severity: nullableStr.exactOptional() }).nullable().exactOptional(),
});

/** `meta.dagster.ref` of a singular test: the node it checks. */
export const dagsterRefMeta = z.object({
  name: str,
  package: nullableStr.exactOptional(),
  version: z.union([str, z.number()]).nullable().exactOptional(),
});

/** A model, seed or snapshot as read. */
export type DbtAssetNode = z.output<typeof dbtAssetNode>;

/** A source table from `sources`. */
export const dbtSource = z.object({
  unique_id: str.exactOptional(),
  resource_type: str,
  name: str,
  source_name: str,
  database: nullableStr.exactOptional(),
  schema: nullableStr.exactOptional(),
  description: nullableStr.exactOptional(),
  tags: z.array(str).nullable().exactOptional(),
  config: z
    .object({ group: nullableStr.exactOptional(), enabled: enabledFlag })
    .nullable()
    .exactOptional(),
  original_file_path: nullableStr.exactOptional(),
});

/** A source as read. */
export type DbtSource = z.output<typeof dbtSource>;

/** One entry of a resource's `columns` map. */
export const dbtColumn = z.object({
  description: nullableStr.exactOptional(),
  data_type: nullableStr.exactOptional(),
  tags: z.array(str).nullable().exactOptional(),
});

/** One entry of the `groups` map (v10+): its owner gives the owners of the group's resources. */
export const dbtGroup = z.object({
  name: str,
  owner: z
    .object({
      email: z
        .union([str, z.array(str)])
        .nullable()
        .exactOptional(),
    })
    .nullable()
    .exactOptional(),
});

/** A group as read. */
export type DbtGroup = z.output<typeof dbtGroup>;

/** `meta.dagster.asset_key` as a key path (one string, a one-component key, is read before). */
export const dagsterAssetKeyMeta = z.array(str);

/** `meta.dagster.group`. */
export const dagsterGroupMeta = nullableStr;

/** `meta.dagster.owners`: emails and `team:` names. */
export const dagsterOwnersMeta = z.array(str).nullable();

/** `meta.dagster.auto_materialize_policy`: `{type: "eager" | "lazy"}`. */
export const dagsterAutoMaterializeMeta = z
  .object({ type: str.nullable().exactOptional() })
  .nullable();
