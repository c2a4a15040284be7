import { z } from "zod";
import { keyPartSchema, LIMITS, limitMessage, userKeyLimitProblem } from "../limits";

/**
 * zod schemas of the asset entries of `dg list defs --json` (and of its predecessor
 * `dagster-components definitions list`), one lenient schema for every variant Dagster has
 * written. Every field is optional (each variant carries a different subset), unknown fields are
 * dropped, and which of two spellings wins (`asset_key` or `key`, `dependency_keys` or `deps`,
 * `group_name` or `group`) is decided by the parser.
 *
 * The variants, by the fields of one asset entry:
 * - newest (`{assets, asset_checks, jobs, resources, schedules, sensors}`): `asset_key`,
 *   optionally `asset_key_parts`, `dependency_keys`, `kinds`, `group_name`, `description`,
 *   `owners` as `{email}` / `{team}` objects, `automation_condition` as
 *   `{label, expanded_label}` or null, `tags` as `[{key, value}]` (or null when empty),
 *   `is_executable`, `source`;
 * - 2025 (the same top-level object): `key`, `deps`, `kinds`, `group`, `description`,
 *   `automation_condition` as a label or null, `tags` as `"key"="value"` strings,
 *   `is_executable`, `source`, and later `owners` as `email` / `team:name` strings;
 * - early 2025 (a top-level list of definitions, tagged with `type` or, briefly, untagged):
 *   `key`, `deps`, `kinds`, `group`, `description`, `automation_condition`.
 */

const str = z.string();
const nullableStr = z.string().nullable();

/** A tag: a `"key"="value"` string (2025), a `{key, value}` object (newest), or a `[key, value]` pair. */
const dgTagSchema = z.union([str, z.object({ key: str, value: str }), z.tuple([str, str])], {
  error: 'expected a "key"="value" string or a {key, value} object',
});

/** An owner: an email or `team:name` string (2025), or an `{email}` / `{team}` object (newest). */
const dgOwnerSchema = z.union(
  [str, z.looseObject({ email: str.exactOptional(), team: str.exactOptional() })],
  { error: "expected an email or team:name string, or an {email} or {team} object" },
);

/** An automation condition: its label (2025), or `{label, expanded_label}` (newest); null for none. */
const dgAutomationConditionSchema = z
  .union(
    [
      str,
      z.object({
        label: nullableStr.exactOptional(),
        expanded_label: z.array(str).exactOptional(),
      }),
    ],
    { error: "expected a label string, a {label, expanded_label} object or null" },
  )
  .nullable();

const userKey = str.min(1, { error: "expected a non-empty asset key" }).superRefine((text, ctx) => {
  const problem = userKeyLimitProblem(text);
  if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
});

/** One asset entry of any variant. */
export const dgAssetEntrySchema = z.object({
  asset_key_parts: z
    .array(keyPartSchema)
    .min(1, { error: "expected at least one key part" })
    .max(LIMITS.keyParts.value, { error: limitMessage("keyParts") })
    .exactOptional(),
  asset_key: userKey.exactOptional(),
  key: userKey.exactOptional(),
  dependency_keys: z.array(userKey).nullable().exactOptional(),
  deps: z.array(userKey).nullable().exactOptional(),
  kinds: z.array(str).nullable().exactOptional(),
  group_name: nullableStr.exactOptional(),
  group: nullableStr.exactOptional(),
  description: nullableStr.exactOptional(),
  owners: z.array(dgOwnerSchema).nullable().exactOptional(),
  tags: z.array(dgTagSchema).nullable().exactOptional(),
  automation_condition: dgAutomationConditionSchema.exactOptional(),
  is_executable: z.boolean().exactOptional(),
});

/** One asset entry as read. */
export type DgAssetEntry = z.output<typeof dgAssetEntrySchema>;

/**
 * One entry of the top-level `asset_checks` list (2025 and newest variants alike): `key` (the
 * check's user string, `<asset>:<name>`), `asset_key` (its asset's user string), `name`,
 * `additional_deps` (Dagster writes every asset the check reads, its own included, as sorted user
 * strings), `description` and `source`. It carries no `blocking` and no automation condition.
 */
export const dgAssetCheckEntrySchema = z.object({
  key: str.exactOptional(),
  asset_key: userKey,
  name: str.min(1, { error: "expected a non-empty check name" }),
  additional_deps: z.array(userKey).nullable().exactOptional(),
  description: nullableStr.exactOptional(),
});

/** One asset check entry as read. */
export type DgAssetCheckEntry = z.output<typeof dgAssetCheckEntrySchema>;

/**
 * The sections of the top-level object besides `assets`; of them asset-diff reads
 * `asset_checks` only.
 */
export const DG_LIST_DEFS_SECTIONS = [
  "asset_checks",
  "jobs",
  "resources",
  "schedules",
  "sensors",
] as const;

/** The `type` tags of the early-2025 top-level list. */
export const DG_DEFINITION_TYPES = [
  "asset",
  "asset_check",
  "job",
  "resource",
  "schedule",
  "sensor",
] as const;
