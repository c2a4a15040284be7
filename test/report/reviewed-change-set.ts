import type { ChangeSet } from "../../src/diff/change-set";
import { countChanges } from "../../src/diff/summary";
import { DEFAULT_RULES } from "../../src/diff/verdicts";
import type { TableSchema } from "../../src/model/metadata";
import {
  rated,
  reviewedSetOf,
  staleApproval,
  suppressedChange,
  verdict,
} from "./change-set-builders";

/**
 * A change set as the policy steps leave it, built by hand so the reviewed goldens do not move
 * when a policy changes: severities and reasons on every changed asset, one approved change, one
 * stale approval and three suppressed changes, across two code locations.
 */
const schema = (...names: string[]): TableSchema => ({
  columns: names.map((name) => ({
    name,
    type: "NUMBER",
    description: null,
    constraints: { nullable: true, unique: false, other: [] },
    tags: [],
  })),
  constraints: null,
});

const assets = [
  rated(
    "marts/finance/fct_mrr",
    [
      verdict("CODE_VERSION", "risky", "CODE_VERSION_CHANGED", {
        id: "5b0e1c9a2f7d",
        approved: { by: "priya.raman@acme.io", reason: "MRR now counts paused subscriptions" },
      }),
      verdict("TAGS", "safe", "DESCRIPTIVE_CHANGE", { id: "9d41aa07c3e2" }),
      verdict("GROUP", "safe", "DESCRIPTIVE_CHANGE", { id: "0c7f3e5b8a19" }),
    ],
    { codeLocation: "analytics" },
    {
      codeVersion: { old: null, new: "v1" },
      tags: {
        addedKeys: [],
        changedKeys: ["tier"],
        removedKeys: [],
        values: [{ key: "tier", old: "silver", new: "gold" }],
      },
      group: { old: "finance", new: "revenue" },
    },
  ),
  rated(
    "marts/finance/fct_refunds",
    [verdict("REMOVED", "breaking", "REMOVED_WITH_DEPENDENTS", { id: "e3a9d2c41b70" })],
    { codeLocation: "analytics", lineage: { upstream: [], downstream: ["weekly_exec_report"] } },
  ),
  rated(
    "marts/finance/fct_revenue",
    [
      verdict("CODE_VERSION", "risky", "CODE_VERSION_CHANGED", { id: "71f0b8e2d5c4" }),
      verdict("DEPENDENCIES", "safe", "DEPENDENCY_ADDED", { id: "a8c3e6f10d92" }),
      verdict("METADATA", "breaking", "COLUMN_REMOVED", { id: "4d2b9f7e1a63" }),
    ],
    { codeLocation: "analytics" },
    {
      codeVersion: { old: "4bc9060", new: "d627c31" },
      dependencies: {
        addedKeys: ["shared/currency_rates"],
        changedKeys: [],
        removedKeys: [],
        partitionMappings: [],
      },
      metadata: {
        addedKeys: [],
        changedKeys: ["dagster/column_schema"],
        removedKeys: [],
        values: [
          {
            key: "dagster/column_schema",
            old: { type: "tableSchema", schema: schema("amount_cents", "amount_usd") },
            new: { type: "tableSchema", schema: schema("amount_usd") },
            columns: { addedColumns: [], removedColumns: ["amount_cents"], changedColumns: [] },
          },
        ],
      },
    },
  ),
  rated(
    "ml/scores/churn_risk_scores",
    [verdict("NEW", "safe", "NEW_ASSET", { id: "2e6d0a9c4f18" })],
    { codeLocation: "analytics" },
  ),
  rated(
    "raw/events/page_views",
    [
      verdict("PARTITIONS_DEFINITION", "breaking", "PARTITIONS_CHANGED", { id: "c5a1f8e03b27" }),
      verdict("BACKFILL_POLICY", "risky", "BEHAVIOUR_SETTING_CHANGED", { id: "f9b24d6e0a81" }),
    ],
    { codeLocation: "ingestion" },
    {
      backfillPolicy: {
        old: { policyType: "SINGLE_RUN", maxPartitionsPerRun: null, description: "Single run" },
        new: { policyType: "MULTI_RUN", maxPartitionsPerRun: 30, description: "Multi run" },
      },
    },
  ),
  rated(
    "raw/hubspot/contacts",
    [
      verdict("EXECUTION_TYPE", "risky", "CONFIGURED", {
        id: "6a0c2e4f8b13",
        message: "ingestion owners review every execution change",
      }),
    ],
    { codeLocation: "ingestion" },
    {
      executionType: {
        old: { isMaterializable: true, isObservable: false },
        new: { isMaterializable: false, isObservable: true },
      },
    },
  ),
  rated(
    "raw/stripe/customers",
    [verdict("TAGS", "safe", "DESCRIPTIVE_CHANGE", { id: "8e1f5c3a7d09" })],
    { codeLocation: "ingestion" },
    {
      tags: {
        addedKeys: ["pii"],
        changedKeys: [],
        removedKeys: [],
        values: [{ key: "pii", old: null, new: "true" }],
      },
    },
  ),
];

export const reviewedChangeSet: ChangeSet = reviewedSetOf(assets, {
  base: { source: { format: "dagster-graphql", name: "prod" }, assets: 10 },
  branch: { source: { format: "dagster-graphql", name: "pr-482" }, assets: 10 },
  // Ten assets compared, seven of them changed: the rest are unchanged, one of them only
  // after its changes were suppressed.
  summary: countChanges(assets, 10, "all"),
  locations: [
    { codeLocation: "analytics", status: "compared", baseAssets: 5, branchAssets: 5 },
    { codeLocation: "ingestion", status: "compared", baseAssets: 4, branchAssets: 4 },
  ],
  suppressed: [
    suppressedChange("raw/stripe/charges", { codeLocation: "ingestion" }),
    suppressedChange("raw/stripe/charges", {
      codeLocation: "ingestion",
      keys: ["dagster/row_count"],
      rule: "row-counts",
      reason: "row counts differ between environments",
    }),
    suppressedChange("staging/stg_page_views", {
      codeLocation: "analytics",
      keys: ["dagster/code_references"],
      rule: "environment-code-references",
      reason: DEFAULT_RULES["environment-code-references"],
    }),
  ],
  staleApprovals: [
    staleApproval("marts/core/dim_partners", "DEPENDENCIES", {
      id: "1f3e5d7c9b2a",
      currentId: "0a8c6e4f2d1b",
      codeLocation: "analytics",
      by: "sam.okafor@acme.io",
      reason: "partner feed moves to all-partitions",
    }),
  ],
});
