import { z } from "zod";
import { keyPathSchema, LIMITS, limitMessage, withinIntegerDigits } from "../load/limits";
import { CODE_LOCATION_STATUSES } from "./asset";
import type { JsonValue } from "./json";
import { NON_FINITE_FLOATS } from "./metadata";

/**
 * zod schemas of the model: they validate snapshots and graphs built in code, and mirror the
 * TypeScript types of `src/model/` field for field (a type test keeps them in step).
 */

/**
 * Any JSON value. Inputs are already JSON (parsed text); values built in code are checked by
 * `normalize`, which also bounds their depth.
 */
export const jsonValueSchema = z
  .unknown()
  .meta({ id: "JsonValue", description: "Any JSON value." }) as unknown as z.ZodType<JsonValue>;
const jsonValue = jsonValueSchema;
const keyPath = keyPathSchema.meta({
  id: "KeyPath",
  description: 'An asset key path, e.g. ["marts", "fct_revenue"]',
});
const tagSchema = z.object({ key: z.string(), value: z.string() }).meta({ id: "Tag" });

const tableColumn = z
  .object({
    name: z.string(),
    type: z.string(),
    description: z.string().nullable(),
    constraints: z.object({
      nullable: z.boolean(),
      unique: z.boolean(),
      other: z.array(z.string()),
    }),
    tags: z.array(tagSchema),
  })
  .meta({ id: "TableColumn" });

const tableSchema = z
  .object({
    columns: z.array(tableColumn),
    constraints: z.object({ other: z.array(z.string()) }).nullable(),
  })
  .meta({ id: "TableSchema" });

const codeReference = z
  .discriminatedUnion("type", [
    z.object({
      type: z.literal("localFile"),
      filePath: z.string(),
      lineNumber: z.number().int().nullable(),
      label: z.string().nullable(),
    }),
    z.object({ type: z.literal("url"), url: z.string(), label: z.string().nullable() }),
    z.object({ type: z.literal("unknown"), typename: z.string(), raw: jsonValue }),
  ])
  .meta({ id: "CodeReference" });

/** A typed metadata value. */
export const metadataValueSchema = z
  .discriminatedUnion("type", [
    z.object({ type: z.literal("text"), text: z.string() }),
    z.object({ type: z.literal("markdown"), markdown: z.string() }),
    z.object({ type: z.literal("url"), url: z.string() }),
    z.object({ type: z.literal("path"), path: z.string() }),
    z.object({ type: z.literal("notebook"), path: z.string() }),
    z.object({ type: z.literal("pool"), pool: z.string() }),
    z.object({ type: z.literal("run"), runId: z.string() }),
    z.object({ type: z.literal("json"), value: jsonValue }),
    z.object({ type: z.literal("bool"), value: z.boolean().nullable() }),
    z.object({
      type: z.literal("int"),
      value: z.union([
        z.number().int(),
        z
          .string()
          .regex(/^-?\d+$/)
          .refine(withinIntegerDigits, { error: limitMessage("integerDigits") }),
        z.null(),
      ]),
    }),
    z.object({
      type: z.literal("float"),
      value: z.union([z.number(), z.enum(NON_FINITE_FLOATS), z.null()]),
    }),
    z.object({ type: z.literal("timestamp"), timestamp: z.number() }),
    z.object({ type: z.literal("pythonArtifact"), module: z.string(), name: z.string() }),
    z.object({ type: z.literal("asset"), assetKey: keyPath }),
    z.object({
      type: z.literal("job"),
      jobName: z.string(),
      repositoryName: z.string().nullable(),
      locationName: z.string(),
    }),
    z.object({ type: z.literal("null") }),
    z.object({ type: z.literal("table"), schema: tableSchema, records: z.array(jsonValue) }),
    z.object({ type: z.literal("tableSchema"), schema: tableSchema }),
    z.object({
      type: z.literal("tableColumnLineage"),
      lineage: z.array(
        z.object({
          columnName: z.string(),
          columnDeps: z.array(z.object({ assetKey: keyPath, columnName: z.string() })),
        }),
      ),
    }),
    z.object({ type: z.literal("codeReferences"), codeReferences: z.array(codeReference) }),
    z.object({ type: z.literal("unknown"), typename: z.string(), raw: jsonValue }),
  ])
  .meta({ id: "MetadataValue" });

const partitionsDimension = z
  .object({
    name: z.string(),
    type: z.string(),
    description: z.string(),
    isPrimary: z.boolean().exactOptional(),
    dynamicPartitionsDefinitionName: z.string().nullable().exactOptional(),
  })
  .meta({ id: "PartitionsDimension" });

/** A partitions definition. */
export const partitionsDefinitionSchema = z
  .discriminatedUnion("type", [
    z.object({
      type: z.literal("TIME_WINDOW"),
      description: z.string(),
      fmt: z.string().nullable(),
      start: z.string().exactOptional(),
      end: z.string().nullable().exactOptional(),
      cronSchedule: z.string().exactOptional(),
      timezone: z.string().exactOptional(),
    }),
    z.object({
      type: z.literal("STATIC"),
      description: z.string(),
      keys: z.array(z.string()).exactOptional(),
    }),
    z.object({ type: z.literal("DYNAMIC"), description: z.string(), name: z.string().nullable() }),
    z.object({
      type: z.literal("MULTIPARTITIONED"),
      description: z.string(),
      dimensions: z.array(partitionsDimension),
    }),
    z.object({
      type: z.literal("UNKNOWN"),
      unknownType: z.string(),
      description: z.string(),
      raw: jsonValue,
    }),
  ])
  .meta({ id: "PartitionsDefinition" });

export const partitionMappingSchema = z
  .object({ className: z.string(), description: z.string() })
  .meta({ id: "PartitionMapping" });

export const ownerSchema = z
  .discriminatedUnion("type", [
    z.object({ type: z.literal("user"), email: z.string() }),
    z.object({ type: z.literal("team"), team: z.string() }),
    z.object({ type: z.literal("unknown"), typename: z.string(), raw: jsonValue }),
  ])
  .meta({ id: "AssetOwner" });

export const freshnessPolicySchema = z
  .discriminatedUnion("type", [
    z.object({
      type: z.literal("timeWindow"),
      failWindowSeconds: z.number(),
      warnWindowSeconds: z.number().nullable(),
    }),
    z.object({
      type: z.literal("cron"),
      deadlineCron: z.string(),
      lowerBoundDeltaSeconds: z.number(),
      timezone: z.string(),
    }),
    z.object({ type: z.literal("unknown"), typename: z.string(), raw: jsonValue }),
  ])
  .meta({ id: "FreshnessPolicy" });

export const automationConditionSchema = z
  .object({
    label: z.string().nullable(),
    expandedLabel: z.array(z.string()),
  })
  .meta({ id: "AutomationCondition" });

export const autoMaterializePolicySchema = z
  .object({
    policyType: z.string(),
    maxMaterializationsPerMinute: z.number().nullable(),
    rules: z.array(
      z.object({ className: z.string(), description: z.string(), decisionType: z.string() }),
    ),
  })
  .meta({ id: "AutoMaterializePolicy" });

export const legacyFreshnessPolicySchema = z
  .object({
    maximumLagMinutes: z.number(),
    cronSchedule: z.string().nullable(),
    cronScheduleTimezone: z.string().nullable(),
  })
  .meta({ id: "LegacyFreshnessPolicy" });

export const backfillPolicySchema = z
  .object({
    policyType: z.string(),
    maxPartitionsPerRun: z.number().nullable(),
    description: z.string(),
  })
  .meta({ id: "BackfillPolicy" });

export const assetCheckSchema = z
  .object({
    name: z.string(),
    description: z.string().nullable().exactOptional(),
    blocking: z.boolean().exactOptional(),
    additionalAssetKeys: z.array(keyPath).exactOptional(),
    automationCondition: automationConditionSchema.nullable().exactOptional(),
  })
  .meta({ id: "AssetCheck" });

/** One asset of a snapshot; an absent optional section means "unknown", `null` means "none". */
export const assetSchema = z
  .object({
    key: keyPath,
    codeLocation: z.string().nullable(),
    repository: z.string().nullable(),
    codeVersion: z.string().nullable().exactOptional(),
    dependencies: z
      .array(
        z.object({
          key: keyPath,
          partitionMapping: partitionMappingSchema.nullable().exactOptional(),
        }),
      )
      .exactOptional(),
    partitionsDefinition: partitionsDefinitionSchema.nullable().exactOptional(),
    tags: z.array(tagSchema).exactOptional(),
    metadata: z.array(z.object({ key: z.string(), value: metadataValueSchema })).exactOptional(),
    group: z.string().nullable().exactOptional(),
    owners: z.array(ownerSchema).exactOptional(),
    kinds: z.array(z.string()).exactOptional(),
    description: z.string().nullable().exactOptional(),
    automationCondition: automationConditionSchema.nullable().exactOptional(),
    autoMaterializePolicy: autoMaterializePolicySchema.nullable().exactOptional(),
    freshnessPolicy: freshnessPolicySchema.nullable().exactOptional(),
    legacyFreshnessPolicy: legacyFreshnessPolicySchema.nullable().exactOptional(),
    backfillPolicy: backfillPolicySchema.nullable().exactOptional(),
    isExecutable: z.boolean().exactOptional(),
    isMaterializable: z.boolean().exactOptional(),
    isObservable: z.boolean().exactOptional(),
    isAutoCreatedStub: z.boolean().exactOptional(),
    checks: z.array(assetCheckSchema).exactOptional(),
  })
  .meta({ id: "Asset" });

/** Load state of one code location. */
export const codeLocationSchema = z
  .object({
    name: z.string(),
    status: z.enum(CODE_LOCATION_STATUSES),
    error: z.object({ message: z.string(), className: z.string().nullable() }).exactOptional(),
  })
  .meta({ id: "CodeLocation" });

/** Where a snapshot came from. */
export const graphSourceSchema = z
  .object({
    format: z.string(),
    name: z.string().exactOptional(),
    capturedAt: z.string().exactOptional(),
  })
  .meta({ id: "GraphSource" });

/** An asset graph as the library takes it (what {@link normalize} validates). */
export const assetGraphSchema = z.object({
  assets: z.array(assetSchema).max(LIMITS.assets.value, { error: limitMessage("assets") }),
  codeLocations: z.array(codeLocationSchema).exactOptional(),
  source: graphSourceSchema.exactOptional(),
});
