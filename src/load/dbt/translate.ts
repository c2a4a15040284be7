import { createHash } from "node:crypto";
import { posix } from "node:path";
import type { AssetOwner } from "../../model/asset";
import type { MetadataEntry, TableColumn, Tag } from "../../model/metadata";
import type { DbtCodeVersionRule } from "./settings";

/**
 * dagster-dbt's default `DagsterDbtTranslator`, re-stated for one dbt resource at a time: how a
 * model, seed, snapshot or source becomes a Dagster asset spec. Internal to the dbt loader; every
 * function names the dagster-dbt function it follows (`dagster_dbt/asset_utils.py`,
 * `dagster_dbt/dagster_dbt_translator.py` in dagster-io/dagster).
 */

/** The fields of a dbt resource the translator reads, already validated. */
export interface DbtResourceProps {
  uniqueId: string;
  resourceType: string;
  name: string;
  /** Sources only. */
  sourceName?: string | undefined;
  alias?: string | null | undefined;
  database?: string | null | undefined;
  schema?: string | null | undefined;
  version?: string | number | null | undefined;
  description?: string | null | undefined;
  rawCode?: string | null | undefined;
  rawSql?: string | null | undefined;
  checksum?: string | null | undefined;
  tags?: readonly string[] | null | undefined;
  materialized?: string | null | undefined;
  /** `config.schema`: the schema configured on the resource, not the one it was built in. */
  configSchema?: string | null | undefined;
  configGroup?: string | null | undefined;
  /** `original_file_path`: the file that defines the resource, relative to the project root. */
  originalFilePath?: string | null | undefined;
  /** The resource's `columns` in manifest order. */
  columns: readonly {
    name: string;
    dataType?: string | null | undefined;
    description?: string | null | undefined;
    tags?: readonly string[] | null | undefined;
  }[];
}

/**
 * `default_asset_key_fn`: `meta.dagster.asset_key` when set; a source's `[source_name, name]`;
 * a versioned model's `[alias]`; otherwise `[config.schema, name]` when a schema is configured on
 * the resource, else `[name]`.
 */
export function defaultAssetKey(
  props: DbtResourceProps,
  configuredKey: string | readonly string[] | null | undefined,
): string[] | undefined {
  if (configuredKey !== undefined && configuredKey !== null && configuredKey.length > 0) {
    // Dagster's AssetKey takes one string as a one-component key.
    return typeof configuredKey === "string" ? [configuredKey] : [...configuredKey];
  }
  if (props.resourceType === "source") {
    return props.sourceName === undefined ? undefined : [props.sourceName, props.name];
  }
  if (isTruthy(props.version)) {
    return typeof props.alias === "string" ? [props.alias] : undefined;
  }
  if (props.configSchema !== undefined && props.configSchema !== null) {
    return [props.configSchema, props.name];
  }
  return [props.name];
}

/**
 * `default_code_version_fn`: the SHA-1 of the raw code (`raw_sql` before v7, `raw_code` since),
 * or, for resources without code (seeds, sources), `checksum.checksum`, or `null`. Under the rule
 * of dagster-dbt 0.25.3 and earlier (`sha1`), a resource without code has the SHA-1 of the empty
 * string (sources, which were never specs then, keep `null`).
 */
export function defaultCodeVersion(
  props: DbtResourceProps,
  rule: DbtCodeVersionRule = "sha1-or-checksum",
): string | null {
  const code = props.rawSql || props.rawCode;
  if (code) return sha1(code);
  if (rule === "sha1") return props.resourceType === "source" ? null : sha1("");
  return props.checksum ?? null;
}

/**
 * `_attach_sql_model_code_reference` (`enable_code_references`): a local-file reference to the
 * resource's `original_file_path`, under `projectDir` when given (dagster-dbt resolves it against
 * the project directory), or `undefined` when the manifest does not name the file.
 */
export function codeReferencesMetadata(
  props: DbtResourceProps,
  projectDir: string | undefined,
): MetadataEntry | undefined {
  const file = props.originalFilePath;
  if (typeof file !== "string" || file === "") return undefined;
  const filePath =
    projectDir === undefined
      ? file
      : posix.normalize(posix.join(projectDir, file.replace(/\\/g, "/")));
  return {
    key: "dagster/code_references",
    value: {
      type: "codeReferences",
      codeReferences: [{ type: "localFile", filePath, lineNumber: null, label: null }],
    },
  };
}

/**
 * `default_description_fn` with `display_raw_sql=True` (what `@dbt_assets` uses): the dbt
 * description (or `dbt <resource_type> <name>`), then the raw code, indented, in a SQL block.
 */
export function defaultDescription(props: DbtResourceProps): string {
  const code = props.rawSql || props.rawCode || "";
  const summary = props.description || `dbt ${props.resourceType} ${props.name}`;
  return `${summary}\n\n#### Raw SQL:\n\`\`\`sql\n${pythonIndent(code, "    ")}\n\`\`\``;
}

/**
 * `DagsterDbtTranslator.get_tags` plus the kind tags `AssetSpec` adds for `kinds`: each dbt tag
 * that is a valid Dagster tag key becomes `{key: tag, value: ""}` (others are dropped, as
 * dagster-dbt drops them).
 */
export function defaultTags(props: DbtResourceProps, kinds: readonly string[]): Tag[] {
  const tags: Tag[] = [];
  for (const tag of props.tags ?? []) if (isValidTagKey(tag)) tags.push({ key: tag, value: "" });
  for (const kind of kinds) tags.push({ key: `${KIND_TAG_PREFIX}${kind}`, value: "" });
  return tags;
}

/** `get_asset_spec`'s kinds: `dbt` and the manifest's adapter type. */
export function defaultKinds(adapterType: string | null | undefined): string[] {
  return adapterType && adapterType !== "dbt" ? ["dbt", adapterType] : ["dbt"];
}

/**
 * `default_metadata_from_dbt_resource_props` plus the entries `get_asset_spec` merges in:
 * `dagster-dbt/materialization_type`, `dagster/column_schema` (when there are columns),
 * `dagster/table_name` (database, schema and alias, or a source's name, joined by `.`),
 * `dagster_dbt/unique_id` and `dagster_dbt/project_id`. The Python objects dagster-dbt also attaches
 * (`dagster_dbt/manifest`, `dagster_dbt/dagster_dbt_translator`, `dagster_dbt/project`) are not
 * metadata values and are left out.
 */
export function defaultMetadata(
  props: DbtResourceProps,
  projectId: string | null | undefined,
): MetadataEntry[] {
  const entries: MetadataEntry[] = [];
  if (props.materialized !== undefined && props.materialized !== null) {
    entries.push(text("dagster-dbt/materialization_type", props.materialized));
  }
  if (props.columns.length > 0) {
    entries.push({
      key: "dagster/column_schema",
      value: {
        type: "tableSchema",
        schema: { columns: props.columns.map(tableColumn), constraints: null },
      },
    });
  }
  const relation = [
    props.database,
    props.schema,
    props.alias,
    props.resourceType === "source" ? props.name : null,
  ].filter((part): part is string => typeof part === "string" && part !== "");
  if (relation.length > 0) entries.push(text("dagster/table_name", relation.join(".")));
  entries.push(text("dagster_dbt/unique_id", props.uniqueId));
  if (projectId) entries.push(text("dagster_dbt/project_id", projectId));
  return entries;
}

/**
 * `default_group_from_dbt_resource_props`: `meta.dagster.group`, else `config.group`, else none,
 * which Dagster shows as its `default` group.
 */
export function defaultGroup(
  metaGroup: string | null | undefined,
  configGroup: string | null | undefined,
): string {
  return metaGroup || configGroup || DEFAULT_GROUP;
}

/**
 * `default_owners_from_dbt_resource_props`: `meta.dagster.owners`, else the email(s) of the owner
 * of the resource's dbt group; `team:<name>` strings are teams, others user emails.
 */
export function defaultOwners(
  metaOwners: readonly string[] | null | undefined,
  groupOwnerEmail: string | readonly string[] | null | undefined,
): AssetOwner[] {
  const owners =
    metaOwners && metaOwners.length > 0
      ? metaOwners
      : !groupOwnerEmail || groupOwnerEmail.length === 0
        ? []
        : typeof groupOwnerEmail === "string"
          ? [groupOwnerEmail]
          : groupOwnerEmail;
  return owners.map((owner) =>
    owner.startsWith(TEAM_PREFIX)
      ? { type: "team", team: owner.slice(TEAM_PREFIX.length) }
      : { type: "user", email: owner },
  );
}

// --- internal ---

/** Dagster's group for assets without one. */
const DEFAULT_GROUP = "default";

const KIND_TAG_PREFIX = "dagster/kind/";
const TEAM_PREFIX = "team:";

/**
 * Dagster's `is_valid_tag_key`: an optional `namespace/` (or `dagster/kind/`) and a name, each of
 * 1 to 63 letters, digits, `_`, `.` or `-`. Python's `$` also matches before a final newline.
 */
const VALID_TAG_KEY = /^(?:[A-Za-z0-9_.-]{1,63}\/|dagster\/kind\/)?[A-Za-z0-9_.-]{1,63}\n?$/;

function isValidTagKey(key: string): boolean {
  return VALID_TAG_KEY.test(key);
}

/** `TableColumn(name, type=data_type or "?", description, tags={tag: ""})`, default constraints. */
function tableColumn(column: DbtResourceProps["columns"][number]): TableColumn {
  return {
    name: column.name,
    type: column.dataType || "?",
    description: column.description ?? null,
    constraints: { nullable: true, unique: false, other: [] },
    tags: (column.tags ?? []).map((tag) => ({ key: tag, value: "" })),
  };
}

function sha1(code: string): string {
  return createHash("sha1").update(code, "utf8").digest("hex");
}

function text(key: string, value: string): MetadataEntry {
  return { key, value: { type: "text", text: value } };
}

/** Python truthiness of a JSON scalar. */
function isTruthy(value: string | number | null | undefined): boolean {
  return value !== undefined && value !== null && value !== "" && value !== 0;
}

/** Python's line boundaries (`str.splitlines`), each kept with its line. */
const PYTHON_LINE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: Python splits lines at these characters too.
  /[^\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]*(?:\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029])?/gu;

/** Python's whitespace (`str.isspace`), for `str.strip()`. */
const PYTHON_BLANK =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: Python counts these characters as whitespace.
  /^[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/u;

/** Python's `textwrap.indent(text, prefix)`: the prefix goes before every line that is not blank. */
function pythonIndent(code: string, prefix: string): string {
  let out = "";
  for (const line of code.match(PYTHON_LINE) ?? []) {
    out += PYTHON_BLANK.test(line) ? line : prefix + line;
  }
  return out;
}
