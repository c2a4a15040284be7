import { z } from "zod";
import { UsageError, zodIssues } from "../../errors";

/**
 * How the dbt loader treats dbt sources: the single source for {@link DbtSettings.sources}.
 *
 * - `stubs`: as `@dbt_assets` does, a source is only a dependency, so Dagster auto-creates a stub
 *   asset for it while some asset depends on it.
 * - `assets`: every enabled source is an asset spec, as `build_dbt_source_asset_specs` makes them.
 *
 * @example
 * DBT_SOURCE_MODES.includes("stubs"); // true
 */
export const DBT_SOURCE_MODES = ["stubs", "assets"] as const;

/** See {@link DBT_SOURCE_MODES}. */
export type DbtSourceMode = (typeof DBT_SOURCE_MODES)[number];

/**
 * dagster-dbt's code-version rules (`default_code_version_fn`): the single source for
 * {@link DbtSettings.codeVersion}.
 *
 * - `sha1-or-checksum`: the SHA-1 of the raw code, else `checksum.checksum` (seeds); dagster-dbt
 *   0.25.4 (Dagster 1.9.4) and later.
 * - `sha1`: the SHA-1 of the raw code, empty when there is none, so that every seed has the SHA-1
 *   of the empty string; dagster-dbt up to 0.25.3 (Dagster 1.9.3).
 *
 * @example
 * DBT_CODE_VERSION_RULES[0]; // "sha1-or-checksum"
 */
export const DBT_CODE_VERSION_RULES = ["sha1-or-checksum", "sha1"] as const;

/** See {@link DBT_CODE_VERSION_RULES}. */
export type DbtCodeVersionRule = (typeof DBT_CODE_VERSION_RULES)[number];

/**
 * The translator settings the dbt loader follows: what a Dagster project changes about how
 * dagster-dbt maps a manifest. Every field is optional; the defaults are dagster-dbt's.
 *
 * @example
 * const settings: DbtSettings = { sources: "assets", keyPrefix: ["analytics"], codeReferences: true };
 */
export interface DbtSettings {
  /**
   * `stubs` (default): a source is in the graph only while some asset depends on it (directly or
   * through ephemeral models, metrics, semantic models and saved queries), as the stub Dagster
   * auto-creates for a dependency nothing defines (`@dbt_assets`, every dagster-dbt release).
   * `assets`: every enabled source is an asset with the translator's key, metadata, tags and
   * group, as `build_dbt_source_asset_specs` (newest dagster-dbt) gives them.
   */
  sources?: DbtSourceMode;
  /**
   * Prepended to the key of every model, seed and snapshot, also to a key set by
   * `meta.dagster.asset_key`: what `translation: {key_prefix}` of the `DbtProjectComponent`, a
   * translator overriding `get_asset_key` with `super().get_asset_key(...).with_prefix(...)`, and
   * the `key_prefix` of the former `load_assets_from_dbt_manifest` do. One string is one component.
   */
  keyPrefix?: string | readonly string[];
  /**
   * Prepended to the key of every source, also to a key set by `meta.dagster.asset_key`, as the
   * `source_key_prefix` of the former `load_assets_from_dbt_manifest` and a translator prefixing
   * source keys only do.
   */
  sourceKeyPrefix?: string | readonly string[];
  /**
   * `enable_code_references`: attach `dagster/code_references`, a local-file reference to the
   * resource's `original_file_path`. Off by default, as in `DagsterDbtTranslatorSettings`; the
   * `DbtProjectComponent` turns it on by default.
   */
  codeReferences?: boolean;
  /**
   * The dbt project's directory as Dagster resolves it: dagster-dbt's code references are absolute
   * (`project_dir / original_file_path`). Without it, a code reference holds `original_file_path`
   * relative to the project root.
   */
  projectDir?: string;
  /** The code-version rule of the dagster-dbt release to match, `sha1-or-checksum` by default. */
  codeVersion?: DbtCodeVersionRule;
  /** `enable_asset_checks` (default `true`): dbt tests become asset checks. */
  assetChecks?: boolean;
  /**
   * `enable_source_tests_as_checks` (default `false`): tests on a source become checks of the
   * source's asset (for sources some asset depends on).
   */
  sourceTestsAsChecks?: boolean;
}

const keyPrefix = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/**
 * The zod schema of {@link DbtSettings}: a strict object, every field optional, for a
 * configuration file to reuse.
 *
 * @example
 * dbtSettingsSchema.safeParse({ sources: "everything" }).success; // false
 */
export const dbtSettingsSchema = z.strictObject({
  sources: z.enum(DBT_SOURCE_MODES).exactOptional(),
  keyPrefix: keyPrefix.exactOptional(),
  sourceKeyPrefix: keyPrefix.exactOptional(),
  codeReferences: z.boolean().exactOptional(),
  projectDir: z.string().min(1).exactOptional(),
  codeVersion: z.enum(DBT_CODE_VERSION_RULES).exactOptional(),
  assetChecks: z.boolean().exactOptional(),
  sourceTestsAsChecks: z.boolean().exactOptional(),
}) satisfies z.ZodType<DbtSettings>;

/** {@link DbtSettings} with every default filled in. @internal */
export interface ResolvedDbtSettings {
  sources: DbtSourceMode;
  keyPrefix: readonly string[];
  sourceKeyPrefix: readonly string[];
  codeReferences: boolean;
  projectDir: string | undefined;
  codeVersion: DbtCodeVersionRule;
  assetChecks: boolean;
  sourceTestsAsChecks: boolean;
}

/**
 * Validates settings and fills in dagster-dbt's defaults; invalid settings give a
 * {@link UsageError} naming each field (`settings.keyPrefix: ...`).
 *
 * @internal The dbt loader's; exported for its tests.
 * @example
 * resolveDbtSettings({}).sources; // "stubs"
 */
export function resolveDbtSettings(settings: unknown = {}): ResolvedDbtSettings {
  const parsed = dbtSettingsSchema.safeParse(settings);
  if (!parsed.success) {
    const problems = zodIssues(parsed.error, ["settings"]).map(
      (issue) => `${issue.path.join(".")}: ${issue.message}`,
    );
    throw new UsageError(`invalid dbt settings: ${problems.join("; ")}`, { cause: parsed.error });
  }
  const s = parsed.data;
  return {
    sources: s.sources ?? "stubs",
    keyPrefix: prefixPath(s.keyPrefix),
    sourceKeyPrefix: prefixPath(s.sourceKeyPrefix),
    codeReferences: s.codeReferences ?? false,
    projectDir: s.projectDir,
    codeVersion: s.codeVersion ?? "sha1-or-checksum",
    assetChecks: s.assetChecks ?? true,
    sourceTestsAsChecks: s.sourceTestsAsChecks ?? false,
  };
}

// --- internal ---

function prefixPath(prefix: string | readonly string[] | undefined): readonly string[] {
  if (prefix === undefined) return [];
  return typeof prefix === "string" ? [prefix] : prefix;
}
