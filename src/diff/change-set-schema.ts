import { z } from "zod";
import {
  assetCheckSchema,
  autoMaterializePolicySchema,
  automationConditionSchema,
  backfillPolicySchema,
  freshnessPolicySchema,
  graphSourceSchema,
  jsonValueSchema as jsonValue,
  legacyFreshnessPolicySchema,
  metadataValueSchema,
  ownerSchema,
  partitionMappingSchema,
  partitionsDefinitionSchema,
} from "../model/schema";
import {
  CHANGE_SET_FORMAT_VERSION,
  CHECK_FIELDS,
  COLUMN_CHANGE_KINDS,
  GRAPH_ISSUE_KINDS,
  LIMITATION_SIDES,
  LOCATION_STATUSES,
  MISSING_LOCATIONS_MODES,
  MOVE_EVIDENCE,
  type MoveEvidence,
  PATH_CHANGE_TYPES,
} from "./change-set";
import { CHANGE_TYPE_MODES, DAGSTER_CHANGE_TYPES, EXTRA_CHANGE_TYPES } from "./change-types";
import {
  CHANGE_ORIGINS,
  IMPACT_REASONS,
  IMPACT_SEVERITIES,
  type ImpactReason,
  SEVERITIES,
  SEVERITY_REASONS,
  type SeverityReason,
} from "./verdicts";

/**
 * zod schema of the change set, the source of `docs/change-set.schema.json`. A type test keeps it
 * equal to the {@link ChangeSet} interface; tests validate every change set they produce with it.
 */

const dagsterChangeType = z.enum(DAGSTER_CHANGE_TYPES);
const extraChangeType = z.enum(EXTRA_CHANGE_TYPES);
const changeType = z.union([dagsterChangeType, extraChangeType]);
const severity = z.enum(SEVERITIES);
const approvalMark = z.object({ by: z.string().nullable(), reason: z.string().nullable() });
const identity = {
  key: z.string(),
  path: z.array(z.string()),
  codeLocation: z.string().nullable(),
  repository: z.string().nullable(),
};
const sortedStrings = z.array(z.string());
const count = z.number().int().nonnegative();
const severityReason = z.enum(
  Object.keys(SEVERITY_REASONS) as [SeverityReason, ...SeverityReason[]],
);
const origin = z.enum(CHANGE_ORIGINS);
const assetIdentity = z.object(identity);

const partitionKeyRange = z.object({
  count,
  first: z.string().nullable(),
  last: z.string().nullable(),
  keys: z.array(z.string()).exactOptional(),
});
const partitionKeysOfDimension = z.object({
  enumerable: z.boolean(),
  note: z.string().exactOptional(),
  added: partitionKeyRange,
  removed: partitionKeyRange,
  name: z.string(),
});

const valueChange = <T extends z.ZodType>(value: T) => z.object({ old: value, new: value });
const listChange = <T extends z.ZodType>(item: T) =>
  z.object({
    old: z.array(item),
    new: z.array(item),
    added: z.array(item),
    removed: z.array(item),
  });
const keysChange = {
  addedKeys: sortedStrings,
  changedKeys: sortedStrings,
  removedKeys: sortedStrings,
};

const pathChange = z.object({
  type: z.enum(PATH_CHANGE_TYPES),
  path: z.array(z.union([z.string(), z.number()])),
  oldValue: jsonValue.exactOptional(),
  value: jsonValue.exactOptional(),
});

/**
 * Details of one asset's changes.
 *
 * @internal Exported for the type test that pins it to the `AssetChangeDetails` type.
 */
export const assetChangeDetailsSchema = z.object({
  codeVersion: valueChange(z.string().nullable()).exactOptional(),
  dependencies: z
    .object({
      ...keysChange,
      partitionMappings: z.array(
        z.object({
          key: z.string(),
          path: z.array(z.string()),
          old: partitionMappingSchema.nullable(),
          new: partitionMappingSchema.nullable(),
        }),
      ),
    })
    .exactOptional(),
  partitionsDefinition: z
    .object({
      old: z.string().nullable(),
      new: z.string().nullable(),
      oldDefinition: partitionsDefinitionSchema.nullable(),
      newDefinition: partitionsDefinitionSchema.nullable(),
    })
    .exactOptional(),
  tags: z
    .object({
      ...keysChange,
      values: z.array(
        z.object({ key: z.string(), old: z.string().nullable(), new: z.string().nullable() }),
      ),
    })
    .exactOptional(),
  metadata: z
    .object({
      ...keysChange,
      values: z.array(
        z.object({
          key: z.string(),
          old: metadataValueSchema.nullable(),
          new: metadataValueSchema.nullable(),
          changes: z.array(pathChange).exactOptional(),
          columns: z
            .object({
              addedColumns: sortedStrings,
              removedColumns: sortedStrings,
              changedColumns: sortedStrings,
            })
            .exactOptional(),
        }),
      ),
    })
    .exactOptional(),
  group: valueChange(z.string().nullable()).exactOptional(),
  owners: listChange(ownerSchema).exactOptional(),
  description: valueChange(z.string().nullable()).exactOptional(),
  kinds: listChange(z.string()).exactOptional(),
  automationCondition: valueChange(
    z.object({
      automationCondition: automationConditionSchema.nullable().exactOptional(),
      autoMaterializePolicy: autoMaterializePolicySchema.nullable().exactOptional(),
    }),
  ).exactOptional(),
  freshnessPolicy: valueChange(
    z.object({
      freshnessPolicy: freshnessPolicySchema.nullable().exactOptional(),
      legacyFreshnessPolicy: legacyFreshnessPolicySchema.nullable().exactOptional(),
    }),
  ).exactOptional(),
  backfillPolicy: valueChange(backfillPolicySchema.nullable()).exactOptional(),
  executionType: valueChange(
    z.object({
      isExecutable: z.boolean().exactOptional(),
      isMaterializable: z.boolean().exactOptional(),
      isObservable: z.boolean().exactOptional(),
    }),
  ).exactOptional(),
  checks: z
    .object({
      ...keysChange,
      values: z.array(
        z.object({
          name: z.string(),
          old: assetCheckSchema.nullable(),
          new: assetCheckSchema.nullable(),
          fields: z.array(z.enum(CHECK_FIELDS)).exactOptional(),
        }),
      ),
    })
    .exactOptional(),
});

/**
 * One asset of a change set.
 *
 * @internal Exported for the type test that pins it to the `AssetChange` type.
 */
export const assetChangeSchema = z.object({
  ...identity,
  changeTypes: z.array(dagsterChangeType),
  extraChangeTypes: z.array(extraChangeType).exactOptional(),
  details: assetChangeDetailsSchema,
  severity: severity.exactOptional(),
  reasons: z
    .array(
      z.object({
        changeType,
        id: z.string(),
        severity,
        reason: severityReason,
        message: z.string(),
        approved: approvalMark.exactOptional(),
      }),
    )
    .exactOptional(),
  lineage: z.object({ upstream: sortedStrings, downstream: sortedStrings }).exactOptional(),
  columns: z
    .array(
      z.object({
        column: z.string().nullable(),
        change: z.enum(COLUMN_CHANGE_KINDS),
        old: jsonValue,
        new: jsonValue,
        severity,
        reason: severityReason,
      }),
    )
    .exactOptional(),
  partitionKeys: z
    .object({
      enumerable: z.boolean(),
      note: z.string().exactOptional(),
      asOf: z.string().nullable(),
      added: partitionKeyRange,
      removed: partitionKeyRange,
      dimensions: z.array(partitionKeysOfDimension).exactOptional(),
    })
    .exactOptional(),
  movedFrom: assetIdentity.exactOptional(),
  movedDependencies: z
    .array(z.object({ from: z.string(), to: z.string(), declared: z.boolean() }))
    .exactOptional(),
  origin: origin.exactOptional(),
  origins: z.array(z.object({ changeType, origin })).exactOptional(),
});

const counts = <T extends readonly [string, ...string[]]>(types: T) =>
  z.object(
    Object.fromEntries(types.map((t) => [t, z.number().int().nonnegative()])) as {
      [K in T[number]]: z.ZodNumber;
    },
  );

/** A whole change set. */
export const changeSetSchema = z
  .object({
    formatVersion: z.literal(CHANGE_SET_FORMAT_VERSION),
    options: z.object({
      changeTypes: z.enum(CHANGE_TYPE_MODES),
      codeLocation: z.string().nullable(),
      includeUnchanged: z.boolean(),
      missingLocations: z.enum(MISSING_LOCATIONS_MODES),
    }),
    base: z.object({
      source: graphSourceSchema.nullable(),
      assets: z.number().int().nonnegative(),
    }),
    branch: z.object({
      source: graphSourceSchema.nullable(),
      assets: z.number().int().nonnegative(),
    }),
    summary: z.object({
      assets: z.object({
        new: z.number().int().nonnegative(),
        removed: z.number().int().nonnegative(),
        modified: z.number().int().nonnegative(),
        unchanged: z.number().int().nonnegative(),
        moved: count.exactOptional(),
      }),
      changeTypes: counts(DAGSTER_CHANGE_TYPES),
      extraChangeTypes: counts(EXTRA_CHANGE_TYPES).exactOptional(),
      suppressed: z.number().int().nonnegative(),
      severity: counts(SEVERITIES).exactOptional(),
      approved: z.number().int().nonnegative().exactOptional(),
      impacted: count.exactOptional(),
      impactSeverity: counts(IMPACT_SEVERITIES).exactOptional(),
      origins: counts(CHANGE_ORIGINS).exactOptional(),
    }),
    locations: z.array(
      z.object({
        codeLocation: z.string().nullable(),
        status: z.enum(LOCATION_STATUSES),
        baseAssets: z.number().int().nonnegative(),
        branchAssets: z.number().int().nonnegative(),
        message: z.string().exactOptional(),
      }),
    ),
    limitations: z.array(
      z.object({
        changeType,
        field: z.string(),
        side: z.enum(LIMITATION_SIDES),
        assets: z.number().int().positive(),
      }),
    ),
    assets: z.array(assetChangeSchema),
    suppressed: z.array(
      z.object({
        ...identity,
        changeType,
        keys: sortedStrings,
        rule: z.string(),
        reason: z.string(),
      }),
    ),
    staleApprovals: z
      .array(
        z.object({
          id: z.string(),
          currentId: z.string(),
          key: z.string(),
          codeLocation: z.string().nullable(),
          repository: z.string().nullable(),
          changeType,
          by: z.string().nullable(),
          reason: z.string().nullable(),
        }),
      )
      .exactOptional(),
    impacted: z
      .array(
        z.object({
          ...identity,
          via: sortedStrings,
          distance: z.number().int().positive(),
          route: z.array(z.string()),
          severity: z.enum(IMPACT_SEVERITIES),
          reason: z.enum(Object.keys(IMPACT_REASONS) as [ImpactReason, ...ImpactReason[]]),
          message: z.string(),
          columns: z
            .array(
              z.object({
                column: z.string(),
                upstream: z.object({
                  key: z.string(),
                  column: z.string(),
                  change: z.enum(["removed", "retyped"]),
                }),
              }),
            )
            .exactOptional(),
        }),
      )
      .exactOptional(),
    graphIssues: z
      .array(
        z.object({
          kind: z.enum(GRAPH_ISSUE_KINDS),
          side: z.enum(["base", "branch"]),
          keys: z.array(z.string()),
        }),
      )
      .exactOptional(),
    probableMoves: z
      .array(
        z.object({
          from: assetIdentity,
          to: assetIdentity,
          evidence: z.array(
            z.enum(Object.keys(MOVE_EVIDENCE) as [MoveEvidence, ...MoveEvidence[]]),
          ),
          similarity: z.number().min(0).max(1),
        }),
      )
      .exactOptional(),
    mergeBase: z
      .object({
        source: graphSourceSchema.nullable(),
        assets: count,
      })
      .exactOptional(),
  })
  .meta({
    title: "asset-diff change set",
    description:
      "What a branch changes compared with its base deployment, per asset. See docs/change-set.md.",
  });
