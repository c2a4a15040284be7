import { z } from "zod";
import { keyPathSchema, limitMessage, withinIntegerDigits } from "../limits";

/**
 * zod schemas of the Dagster GraphQL shapes asset-diff reads. Every field is optional (a query
 * selects what it selects; an absent section is unknown), unknown fields are dropped, and union
 * members are told apart by `__typename` later, so newer servers never break parsing.
 */

const str = z.string();
const nullableStr = z.string().nullable();
const assetKey = z.object({ path: keyPathSchema });
const definitionTag = z.object({ key: z.string(), value: z.string() });

/** `TableSchema`. */
export const gqlTableSchema = z.object({
  columns: z
    .array(
      z.object({
        name: str,
        type: str.exactOptional(),
        description: nullableStr.exactOptional(),
        constraints: z
          .object({
            nullable: z.boolean().exactOptional(),
            unique: z.boolean().exactOptional(),
            other: z.array(str).exactOptional(),
          })
          .nullable()
          .exactOptional(),
        tags: z.array(definitionTag).nullable().exactOptional(),
      }),
    )
    .exactOptional(),
  constraints: z
    .object({ other: z.array(str).exactOptional() })
    .nullable()
    .exactOptional(),
});

/**
 * The value fields of every `MetadataEntry` subtype, all optional. Entries are validated against
 * the fields of their own `__typename` only ({@link gqlMetadataEntryOf}), which keeps large
 * responses fast.
 */
const gqlMetadataEntry = z.looseObject({
  __typename: str.exactOptional(),
  label: str,
  description: nullableStr.exactOptional(),
  text: str.exactOptional(),
  mdStr: str.exactOptional(),
  url: str.exactOptional(),
  path: str.exactOptional(),
  pool: str.exactOptional(),
  runId: str.exactOptional(),
  jsonString: str.exactOptional(),
  boolValue: z.boolean().nullable().exactOptional(),
  intValue: z.number().int().nullable().exactOptional(),
  intRepr: str
    .refine((repr) => !/^\s*-?\d+\s*$/.test(repr) || withinIntegerDigits(repr.trim()), {
      error: limitMessage("integerDigits"),
    })
    .exactOptional(),
  floatValue: z.number().nullable().exactOptional(),
  floatRepr: str.exactOptional(),
  timestamp: z.number().exactOptional(),
  module: str.exactOptional(),
  name: str.exactOptional(),
  assetKey: assetKey.exactOptional(),
  jobName: str.exactOptional(),
  repositoryName: nullableStr.exactOptional(),
  locationName: str.exactOptional(),
  table: z
    .object({ records: z.array(str).exactOptional(), schema: gqlTableSchema.exactOptional() })
    .exactOptional(),
  schema: gqlTableSchema.exactOptional(),
  lineage: z
    .array(
      z.object({
        columnName: str,
        columnDeps: z.array(z.object({ assetKey, columnName: str })).exactOptional(),
      }),
    )
    .exactOptional(),
  codeReferences: z
    .array(
      z.looseObject({
        __typename: str.exactOptional(),
        filePath: str.exactOptional(),
        lineNumber: z.number().int().nullable().exactOptional(),
        url: str.exactOptional(),
        label: nullableStr.exactOptional(),
      }),
    )
    .exactOptional(),
});

/** One `MetadataEntry` as read. */
export type GqlMetadataEntry = z.output<typeof gqlMetadataEntry>;

/** What every metadata entry is checked for before its type is known. */
export const gqlMetadataEntryHead = z.looseObject({ __typename: str.exactOptional(), label: str });

const pickedSchemas = new Map<string, z.ZodType<GqlMetadataEntry>>();

/** The schema of a metadata entry with only the given value fields (cached). */
export function gqlMetadataEntryOf(
  fields: readonly (keyof GqlMetadataEntry)[],
): z.ZodType<GqlMetadataEntry> {
  const id = fields.join(",");
  let schema = pickedSchemas.get(id);
  if (schema === undefined) {
    const mask = Object.fromEntries(["__typename", "label", ...fields].map((f) => [f, true]));
    schema = gqlMetadataEntry.pick(mask as never) as unknown as z.ZodType<GqlMetadataEntry>;
    pickedSchemas.set(id, schema);
  }
  return schema;
}

const partitionMapping = z.object({ className: str, description: str });

/** `PartitionDefinition`, kept loose so that newer fields survive into opaque values. */
const gqlPartitionDefinition = z.looseObject({
  type: str.exactOptional(),
  description: str.exactOptional(),
  name: nullableStr.exactOptional(),
  fmt: nullableStr.exactOptional(),
  dimensionTypes: z
    .array(
      z.object({
        name: str,
        description: str.exactOptional(),
        type: str.exactOptional(),
        isPrimaryDimension: z.boolean().exactOptional(),
        dynamicPartitionsDefinitionName: nullableStr.exactOptional(),
      }),
    )
    .exactOptional(),
});

/** `AutomationCondition`, of an asset or of an asset check. */
const gqlAutomationCondition = z
  .object({ label: nullableStr.exactOptional(), expandedLabel: z.array(str).exactOptional() })
  .nullable();

/** `AssetCheck`: every field but the name was added to Dagster at its own time. */
const gqlAssetCheck = z.object({
  name: str,
  description: nullableStr.exactOptional(),
  blocking: z.boolean().exactOptional(),
  additionalAssetKeys: z.array(assetKey).exactOptional(),
  automationCondition: gqlAutomationCondition.exactOptional(),
});

/**
 * `AssetChecksOrError`: `AssetChecks {checks}` or an error member (`message`), told apart by
 * `__typename` (or, without it, by which fields are present) in `node.ts`.
 */
const gqlAssetChecksOrError = z.looseObject({
  __typename: str.exactOptional(),
  checks: z.array(gqlAssetCheck).exactOptional(),
  message: str.exactOptional(),
});

/** `AssetNode`: only the fields asset-diff compares. */
export const gqlAssetNode = z.object({
  assetKey,
  repository: z
    .object({ name: str, location: z.object({ name: str }).exactOptional() })
    .exactOptional(),
  opVersion: nullableStr.exactOptional(),
  codeVersion: nullableStr.exactOptional(),
  dependencyKeys: z.array(assetKey).exactOptional(),
  dependencies: z
    .array(
      z.object({
        asset: z.object({ assetKey }),
        partitionMapping: partitionMapping.nullable().exactOptional(),
      }),
    )
    .exactOptional(),
  partitionDefinition: gqlPartitionDefinition.nullable().exactOptional(),
  tags: z.array(definitionTag).exactOptional(),
  metadataEntries: z.array(gqlMetadataEntryHead).exactOptional(),
  groupName: nullableStr.exactOptional(),
  description: nullableStr.exactOptional(),
  owners: z
    .array(
      z.looseObject({
        __typename: str.exactOptional(),
        email: str.exactOptional(),
        team: str.exactOptional(),
      }),
    )
    .exactOptional(),
  kinds: z.array(str).exactOptional(),
  computeKind: nullableStr.exactOptional(),
  automationCondition: gqlAutomationCondition.exactOptional(),
  autoMaterializePolicy: z
    .object({
      policyType: str,
      maxMaterializationsPerMinute: z.number().nullable().exactOptional(),
      rules: z
        .array(
          z.object({
            className: str,
            description: str.exactOptional(),
            decisionType: str.exactOptional(),
          }),
        )
        .exactOptional(),
    })
    .nullable()
    .exactOptional(),
  freshnessPolicy: z
    .object({
      maximumLagMinutes: z.number(),
      cronSchedule: nullableStr.exactOptional(),
      cronScheduleTimezone: nullableStr.exactOptional(),
    })
    .nullable()
    .exactOptional(),
  internalFreshnessPolicy: z
    .looseObject({
      __typename: str.exactOptional(),
      failWindowSeconds: z.number().exactOptional(),
      warnWindowSeconds: z.number().nullable().exactOptional(),
      deadlineCron: str.exactOptional(),
      lowerBoundDeltaSeconds: z.number().exactOptional(),
      timezone: str.exactOptional(),
    })
    .nullable()
    .exactOptional(),
  backfillPolicy: z
    .object({
      policyType: str,
      maxPartitionsPerRun: z.number().nullable().exactOptional(),
      description: str.exactOptional(),
    })
    .nullable()
    .exactOptional(),
  isExecutable: z.boolean().exactOptional(),
  isMaterializable: z.boolean().exactOptional(),
  isObservable: z.boolean().exactOptional(),
  isAutoCreatedStub: z.boolean().exactOptional(),
  assetChecksOrError: gqlAssetChecksOrError.exactOptional(),
});

/** One `AssetNode` as read. */
export type GqlAssetNode = z.output<typeof gqlAssetNode>;
