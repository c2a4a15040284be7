import { z } from "zod";
import { CHANGE_TYPES } from "../diff/change-types";
import { SEVERITIES } from "../diff/verdicts";
import { validate } from "../errors";
import { dbtSettingsSchema } from "../load/dbt/settings";

/**
 * The configuration (`asset-diff.config.json`): which rules interpret a change set. Validated
 * with zod, strictly: an unknown member is a typo, reported with its JSON path, never ignored.
 * Library users pass the same object, typed {@link AssetDiffConfig}.
 */

/** The name of the configuration file the CLI looks for in the working directory. */
export const CONFIG_FILE_NAME = "asset-diff.config.json";

const name = z.string().min(1);
const names = z.array(name).min(1);
const changeType = z.enum(CHANGE_TYPES);
/** An `http:` or `https:` URL. */
const httpUrl = z.url({ protocol: /^https?$/ });

/** Which assets a rule applies to (see `AssetSelection`). */
const selectionSchema = z
  .strictObject({
    keys: names.exactOptional(),
    codeLocations: names.exactOptional(),
    groups: names.exactOptional(),
    tags: names.exactOptional(),
    kinds: names.exactOptional(),
  })
  .meta({ id: "AssetSelection" });

/** zod schema of {@link AssetDiffConfig}; the source of `docs/config.schema.json`. */
export const configSchema = z
  .strictObject({
    $schema: z.string().exactOptional(),
    defaultRules: z
      .boolean()
      .exactOptional()
      .meta({ description: "Run the default environment rules (default true)." }),
    substitutions: z
      .array(
        z.strictObject({
          from: name,
          to: z.string(),
          select: selectionSchema.exactOptional(),
        }),
      )
      .exactOptional()
      .meta({
        description:
          "Text replaced in string values (tags, metadata, descriptions) on both sides before comparing; {branch} and {pr} are filled in.",
      }),
    ignore: z
      .array(
        z.strictObject({
          id: name.exactOptional(),
          select: selectionSchema.exactOptional(),
          changeTypes: z.array(changeType).min(1).exactOptional(),
          tags: names.exactOptional(),
          metadata: names.exactOptional(),
          reason: name,
        }),
      )
      .exactOptional()
      .meta({
        description:
          "Changes to suppress: whole change types, or tag and metadata keys (globs), of the selected assets.",
      }),
    severity: z
      .array(
        z.strictObject({
          select: selectionSchema.exactOptional(),
          changeTypes: z.array(changeType).min(1).exactOptional(),
          severity: z.enum(SEVERITIES),
          reason: name.exactOptional(),
        }),
      )
      .exactOptional()
      .meta({ description: "Severity overrides; the last matching rule wins." }),
    moves: z
      .array(
        z.strictObject({
          from: name,
          to: name,
          fromCodeLocation: name.exactOptional(),
          toCodeLocation: name.exactOptional(),
          reason: name.exactOptional(),
        }),
      )
      .exactOptional()
      .meta({
        description:
          "Declared moves, like Terraform's moved blocks: the asset at `from` (a `/`-joined key, in `fromCodeLocation` when given) is now at `to` (in `toCodeLocation`); its REMOVED and NEW changes become one MOVED change.",
      }),
    approvals: name
      .exactOptional()
      .meta({ description: "The approvals file, relative to the configuration file." }),
    dagsterUi: z
      .strictObject({
        base: httpUrl.exactOptional(),
        branch: httpUrl.exactOptional(),
      })
      .exactOptional()
      .meta({
        description:
          "The Dagster UI of production (`base`) and of the branch deployment (`branch`), e.g. https://acme.dagster.cloud/prod: reports link each asset to its page. Without it, each is derived from its side's GraphQL URL when that is the source.",
      }),
    dbt: dbtSettingsSchema.exactOptional().meta({
      description:
        "How dbt manifests are read, as the project's dagster-dbt translator maps them: sources as stubs or assets, key prefixes, code references, the code-version rule and checks from tests. See docs/sources.md.",
    }),
  })
  .meta({
    title: "asset-diff configuration",
    description: "Rules that interpret a change set. See docs/configuration.md.",
  });

/** The configuration: rules that interpret a change set (see `docs/configuration.md`). */
export type AssetDiffConfig = z.input<typeof configSchema>;

/** One entry of {@link AssetDiffConfig}'s `substitutions`. */
export type Substitution = NonNullable<AssetDiffConfig["substitutions"]>[number];

/** One entry of {@link AssetDiffConfig}'s `ignore`. */
export type IgnoreRule = NonNullable<AssetDiffConfig["ignore"]>[number];

/** One entry of {@link AssetDiffConfig}'s `moves`: a declared move. */
export type DeclaredMove = NonNullable<AssetDiffConfig["moves"]>[number];

/** One entry of {@link AssetDiffConfig}'s `severity`. */
export type SeverityRule = NonNullable<AssetDiffConfig["severity"]>[number];

/**
 * Validates a configuration (parsed JSON, or an object built in code). An invalid one is a
 * `ValidationError` naming each bad path and what was expected.
 *
 * @example
 * const config = parseConfig(JSON.parse(text), { source: "asset-diff.config.json" });
 */
export function parseConfig(json: unknown, options: { source?: string } = {}): AssetDiffConfig {
  return validate(configSchema, json, options.source ?? "configuration", { showValues: true });
}
