import type {
  AssetChange,
  AssetChangeDetails,
  AssetIdentity,
  ChangeSet,
  ChangeVerdict,
  PartitionKeyRange,
  PartitionKeysChange,
  ProbableMove,
  StaleApproval,
  SuppressedChange,
} from "../../src/diff/change-set";
import { type ChangeType, isDagsterChangeType } from "../../src/diff/change-types";
import { countChanges, summarizeChangeSet } from "../../src/diff/summary";
import {
  DEFAULT_RULES,
  SEVERITY_REASONS,
  type Severity,
  type SeverityReason,
  worstSeverity,
} from "../../src/diff/verdicts";

/** A changed asset in location `loc` with the given change types (Dagster's and extra). */
export function change(
  key: string,
  types: ChangeType[] = [],
  overrides: Partial<AssetChange> = {},
  details: AssetChangeDetails = {},
): AssetChange {
  return {
    key,
    path: key.split("/"),
    codeLocation: "loc",
    repository: "__repository__",
    changeTypes: types.filter(isDagsterChangeType).sort(),
    extraChangeTypes: types.filter((t) => !isDagsterChangeType(t)).sort() as never,
    details,
    ...overrides,
  };
}

/** A change set in `all` mode listing the given assets, with its summary counted from them. */
export function changeSetOf(assets: AssetChange[], overrides: Partial<ChangeSet> = {}): ChangeSet {
  return {
    formatVersion: 4,
    options: {
      changeTypes: "all",
      codeLocation: null,
      includeUnchanged: false,
      missingLocations: "skip",
    },
    base: { source: { format: "snapshot", name: "base.json" }, assets: assets.length },
    branch: { source: { format: "snapshot", name: "branch.json" }, assets: assets.length },
    // A moved asset pairs two compared identities, the old and the new.
    summary: countChanges(
      assets,
      assets.length + assets.filter((a) => a.extraChangeTypes?.includes("MOVED")).length,
      "all",
    ),
    locations: [{ codeLocation: "loc", status: "compared", baseAssets: 1, branchAssets: 1 }],
    limitations: [],
    assets,
    suppressed: [],
    ...overrides,
  };
}

/**
 * What a policy decided about one change type: `reason`'s own message unless `overrides` sets
 * one; the id is made up from the change type.
 */
export function verdict(
  changeType: ChangeType,
  severity: Severity,
  reason: SeverityReason,
  overrides: Partial<ChangeVerdict> = {},
): ChangeVerdict {
  return {
    changeType,
    id: `${changeType.toLowerCase()}-0001`,
    severity,
    reason,
    message: SEVERITY_REASONS[reason],
    ...overrides,
  };
}

/** A changed asset as the severity policy leaves it: `reasons` set, `severity` the worst of them. */
export function rated(
  key: string,
  reasons: ChangeVerdict[],
  overrides: Partial<AssetChange> = {},
  details: AssetChangeDetails = {},
): AssetChange {
  const types = reasons.map((r) => r.changeType);
  const severity = worstSeverity(reasons.map((r) => r.severity));
  return change(
    key,
    types,
    { ...(severity === undefined ? {} : { severity }), reasons, ...overrides },
    details,
  );
}

/** A change a rule suppressed (by default the table-name rule, on METADATA). */
export function suppressedChange(
  key: string,
  overrides: Partial<SuppressedChange> = {},
): SuppressedChange {
  return {
    key,
    path: key.split("/"),
    codeLocation: "loc",
    repository: "__repository__",
    changeType: "METADATA",
    keys: ["dagster/table_name"],
    rule: "environment-table-name",
    reason: DEFAULT_RULES["environment-table-name"],
    ...overrides,
  };
}

/** An approval of `key`'s change that no longer matches it. */
export function staleApproval(
  key: string,
  changeType: ChangeType,
  overrides: Partial<StaleApproval> = {},
): StaleApproval {
  return {
    id: "approved-0001",
    currentId: "current-0002",
    key,
    codeLocation: "loc",
    repository: "__repository__",
    changeType,
    by: null,
    reason: null,
    ...overrides,
  };
}

/**
 * {@link changeSetOf} after policies ran: its summary recomputed as `applyPolicies` does, so
 * severity, suppressed and approved counts follow the assets, `suppressed` and approvals.
 */
export function reviewedSetOf(
  assets: AssetChange[],
  overrides: Partial<ChangeSet> = {},
): ChangeSet {
  const changeSet = changeSetOf(assets, overrides);
  return { ...changeSet, summary: summarizeChangeSet(changeSet) };
}

/**
 * A change set of `n` assets in a chain (each depends on the previous one), with lineage: every
 * tenth asset new, every tenth + 1 removed, the rest modified with a code version and a tag.
 * Built in memory, so tests need no huge fixture.
 */
export function generatedChangeSet(n: number): ChangeSet {
  const key = (i: number) =>
    `group_${String(Math.floor(i / 1000)).padStart(3, "0")}/asset_${String(i).padStart(6, "0")}`;
  const assets: AssetChange[] = [];
  for (let i = 0; i < n; i++) {
    const lineage = {
      upstream: i > 0 ? [key(i - 1)] : [],
      downstream: i < n - 1 ? [key(i + 1)] : [],
    };
    const kind = i % 10;
    if (kind === 0) assets.push(change(key(i), ["NEW"], { lineage }));
    else if (kind === 1) assets.push(change(key(i), ["REMOVED"], { lineage }));
    else {
      assets.push(
        change(
          key(i),
          ["CODE_VERSION", "TAGS"],
          { lineage },
          {
            codeVersion: { old: `v${i}`, new: `v${i + 1}` },
            tags: {
              addedKeys: [],
              changedKeys: ["tier"],
              removedKeys: [],
              values: [{ key: "tier", old: "silver", new: "gold" }],
            },
          },
        ),
      );
    }
  }
  return changeSetOf(assets);
}

/** Keys that break naive Markdown, HTML or Mermaid rendering. */
export const AWKWARD_KEYS = [
  "key with spaces",
  "it's",
  'say "hi"',
  'a "b',
  "a/b/c",
  "back\\slash",
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  "pipe|key",
  "[bracket]",
  "]reverse[",
  "{brace}",
  "(paren)",
  "#hash",
  "semi;colon",
  "%%{init: {'theme': 'dark'}}%%",
  "%% not a comment",
  "`tick`",
  "```fence",
  "ünïcödé/日本語",
  "emoji 🚀/🎉",
  "__proto__",
  "constructor",
  "end",
  "graph",
  "a-->b",
  "line\nbreak",
  "&amp; &lt;",
  "#quot;",
  "ﬂ°°35¶ß",
  "style:#f00;",
  "classDef x fill:#f00;",
  "click n0 call alert()",
  "**bold** _it_ ~strike~ $x$",
  "</details>",
  "<!-- comment -->",
  "@someone",
  `long/${"x".repeat(5000)}`,
];

/** A code location of the base that failed to load in the branch (3 base assets). */
export function notLoadedInBranch(codeLocation: string) {
  return {
    codeLocation,
    status: "notLoadedInBranch" as const,
    baseAssets: 3,
    branchAssets: 0,
    message: "failed to load in the branch: boom",
  };
}

/** A MOVED asset at `key`, declared moved from `from` (location `loc` unless `overrides` says). */
export function movedChange(
  key: string,
  from: string,
  types: ChangeType[] = [],
  overrides: Partial<AssetChange> = {},
  details: AssetChangeDetails = {},
): AssetChange {
  const movedFrom = {
    key: from,
    path: from.split("/"),
    codeLocation: "loc",
    repository: "__repository__",
  };
  return change(key, ["MOVED", ...types], { movedFrom, ...overrides }, details);
}

/**
 * An asset impacted downstream of the changed keys `via`, one hop away unless `overrides` says,
 * with the reason its severity gets by default.
 */
export function impactedAsset(
  key: string,
  via: string[],
  severity: import("../../src/diff/verdicts").ImpactSeverity = "risky-downstream",
  overrides: Partial<import("../../src/diff/change-set").ImpactedAsset> = {},
): import("../../src/diff/change-set").ImpactedAsset {
  const reason =
    severity === "breaking-downstream"
      ? "UPSTREAM_BREAKING"
      : severity === "risky-downstream"
        ? "UPSTREAM_RISKY"
        : "UPSTREAM_SAFE_FOR_CONSUMERS";
  return {
    key,
    path: key.split("/"),
    codeLocation: "loc",
    repository: "__repository__",
    via,
    distance: 1,
    route: [via[0] ?? key, key],
    severity,
    reason,
    message: `${severity.replace("-downstream", "")} change upstream, in ${via[0] ?? "(none)"}`,
    ...overrides,
  };
}

/** A column change with the severity and reason the columns policy gives its kind by default. */
export function columnChange(
  column: string | null,
  kind: import("../../src/diff/change-set").ColumnChangeKind,
  old: import("../../src/model/json").JsonValue = null,
  next: import("../../src/model/json").JsonValue = null,
): import("../../src/diff/change-set").ColumnChange {
  const verdicts: Record<typeof kind, [Severity, SeverityReason]> = {
    added: ["safe", "COLUMN_ADDED"],
    removed: ["breaking", "COLUMN_REMOVED"],
    retyped: ["breaking", "COLUMN_TYPE_CHANGED"],
    nullability: ["risky", "COLUMN_MADE_NULLABLE"],
    uniqueness: ["risky", "COLUMN_CONSTRAINT_CHANGED"],
    constraints: ["risky", "COLUMN_CONSTRAINT_CHANGED"],
    description: ["safe", "COLUMN_DESCRIPTIVE_CHANGE"],
    tags: ["safe", "COLUMN_DESCRIPTIVE_CHANGE"],
    lineage: ["risky", "COLUMN_LINEAGE_CHANGED"],
  };
  const [severity, reason] = verdicts[kind];
  return { column, change: kind, old, new: next, severity, reason };
}

/**
 * {@link reviewedSetOf} of a three-way comparison: a merge base is set, so the summary counts the
 * assets by their `origin`.
 */
export function threeWaySetOf(
  assets: AssetChange[],
  overrides: Partial<ChangeSet> = {},
): ChangeSet {
  return reviewedSetOf(assets, {
    mergeBase: { source: { format: "snapshot", name: "merge-base.json" }, assets: assets.length },
    ...overrides,
  });
}

/**
 * A three-way change set with every finding the policies add: column changes, partition keys, a
 * declared move and a dependency that follows it, a probable rename, impact (with broken
 * columns), graph issues, a conflict and base drift; with lineage, as the CLI adds it.
 */
export function findingsChangeSet(): ChangeSet {
  const lineage = (upstream: string[], downstream: string[]) => ({ upstream, downstream });
  const origins = (
    pairs: [ChangeType, import("../../src/diff/verdicts").ChangeOrigin][],
  ): Pick<AssetChange, "origin" | "origins"> => {
    const list = pairs.map(([changeType, origin]) => ({ changeType, origin }));
    const all = list.map((o) => o.origin);
    const origin = all.includes("conflict")
      ? "conflict"
      : all.includes("branch")
        ? "branch"
        : "drift";
    return { origin, origins: list };
  };
  const assets: AssetChange[] = [
    rated(
      "marts/core/dim_customers",
      [verdict("TAGS", "safe", "DESCRIPTIVE_CHANGE")],
      { lineage: lineage(["staging/stg_customers"], []), ...origins([["TAGS", "drift"]]) },
      {
        tags: {
          addedKeys: [],
          changedKeys: ["tier"],
          removedKeys: [],
          values: [{ key: "tier", old: "silver", new: "gold" }],
        },
      },
    ),
    rated(
      "marts/finance/fct_revenue",
      [
        verdict("CODE_VERSION", "risky", "CODE_VERSION_CHANGED"),
        verdict("METADATA", "breaking", "COLUMN_REMOVED"),
      ],
      {
        lineage: lineage(["staging/stg_orders"], ["marts/finance/rpt_monthly"]),
        columns: [
          columnChange("amount_usd", "added", null, "decimal(38,2)"),
          columnChange("amount", "removed", "decimal(38,2)", null),
          columnChange("currency", "retyped", "varchar(3)", "char(3)"),
          columnChange("note", "nullability", false, true),
        ],
        ...origins([
          ["CODE_VERSION", "branch"],
          ["METADATA", "branch"],
        ]),
      },
      { codeVersion: { old: "v4", new: "v5" } },
    ),
    rated("ml/features/churn", [verdict("REMOVED", "risky", "REMOVED_WITHOUT_DEPENDENTS")], {
      lineage: lineage(["staging/stg_orders"], []),
      ...origins([["REMOVED", "branch"]]),
    }),
    rated("ml/features/churn_v2", [verdict("NEW", "safe", "NEW_ASSET")], {
      lineage: lineage(["staging/stg_orders"], []),
      ...origins([["NEW", "branch"]]),
    }),
    rated(
      "raw/events/page_views",
      [
        verdict("CODE_VERSION", "risky", "CODE_VERSION_CHANGED"),
        verdict("PARTITIONS_DEFINITION", "risky", "PARTITION_KEYS_ADDED"),
      ],
      {
        lineage: lineage([], ["marts/web/sessions_daily"]),
        partitionKeys: {
          enumerable: true,
          asOf: "2026-12-01T00:00:00Z",
          added: { count: 30, first: "2026-11-01", last: "2026-11-30" },
          removed: { count: 0, first: null, last: null },
        },
        ...origins([
          ["CODE_VERSION", "conflict"],
          ["PARTITIONS_DEFINITION", "branch"],
        ]),
      },
      {
        codeVersion: { old: "v1", new: "v2" },
        partitionsDefinition: {
          old: "TimeWindowPartitionsDefinition",
          new: "TimeWindowPartitionsDefinition",
          oldDefinition: {
            type: "TIME_WINDOW",
            description: "Daily, starting 2026-01-01 UTC, ending 2026-11-01.",
            fmt: "%Y-%m-%d",
            start: "2026-01-01",
            end: "2026-11-01",
          },
          newDefinition: {
            type: "TIME_WINDOW",
            description: "Daily, starting 2026-01-01 UTC.",
            fmt: "%Y-%m-%d",
            start: "2026-01-01",
            end: null,
          },
        },
      },
    ),
    {
      ...movedChange("raw/shop/orders", "raw/orders", [], {
        lineage: lineage([], ["staging/stg_orders"]),
        ...origins([["MOVED", "branch"]]),
      }),
      severity: "risky",
      reasons: [verdict("MOVED", "risky", "MOVED")],
    },
    rated(
      "staging/stg_orders",
      [verdict("DEPENDENCIES", "safe", "DEPENDENCY_MOVED")],
      {
        lineage: lineage(
          ["raw/shop/orders"],
          ["marts/finance/fct_revenue", "ml/features/churn_v2"],
        ),
        movedDependencies: [{ from: "raw/orders", to: "raw/shop/orders", declared: true }],
        ...origins([["DEPENDENCIES", "branch"]]),
      },
      {
        dependencies: {
          addedKeys: ["raw/shop/orders"],
          changedKeys: [],
          removedKeys: ["raw/orders"],
          partitionMappings: [],
        },
      },
    ),
  ];
  const impacted = [
    impactedAsset(
      "marts/finance/rpt_monthly",
      ["marts/finance/fct_revenue"],
      "breaking-downstream",
      {
        columns: [
          {
            column: "total",
            upstream: { key: "marts/finance/fct_revenue", column: "amount", change: "removed" },
          },
        ],
      },
    ),
    impactedAsset("weekly_exec_report", ["marts/finance/fct_revenue"], "breaking-downstream", {
      distance: 2,
      route: ["marts/finance/fct_revenue", "marts/finance/rpt_monthly", "weekly_exec_report"],
    }),
    impactedAsset("marts/web/sessions_daily", ["raw/events/page_views"], "risky-downstream"),
    impactedAsset("marts/web/bounce_rate", ["raw/events/page_views"], "risky-downstream", {
      distance: 2,
      route: ["raw/events/page_views", "marts/web/sessions_daily", "marts/web/bounce_rate"],
    }),
    impactedAsset("marts/core/dim_customers_wide", ["marts/core/dim_customers"], "safe-downstream"),
  ];
  const identity = (key: string) => ({
    key,
    path: key.split("/"),
    codeLocation: "loc",
    repository: "__repository__",
  });
  return threeWaySetOf(assets, {
    impacted,
    probableMoves: [
      {
        from: identity("ml/features/churn"),
        to: identity("ml/features/churn_v2"),
        evidence: ["SAME_CODE_VERSION", "SAME_DEPENDENCIES", "SIMILAR_KEY"],
        similarity: 0.92,
      },
    ],
    graphIssues: [
      { kind: "cycle", side: "branch", keys: ["loops/a", "loops/b"] },
      { kind: "self-dependency", side: "base", keys: ["legacy/self_ref"] },
      {
        kind: "dangling-dependency",
        side: "branch",
        keys: ["raw/missing_feed", "staging/stg_feed"],
      },
    ],
  });
}

/** An asset's identity in location `codeLocation` (default `loc`), as moves and impact name it. */
export function identity(key: string, codeLocation: string | null = "loc"): AssetIdentity {
  return { key, path: key.split("/"), codeLocation, repository: "__repository__" };
}

/** Partition keys on one side: `keys` listed in full, or only a count and the first and last. */
export function keyRange(keys: string[] | { count: number; first: string; last: string }) {
  if (Array.isArray(keys))
    return { count: keys.length, first: keys[0] ?? null, last: keys.at(-1) ?? null, keys };
  return keys;
}

/** No partition keys on one side. */
export const NO_KEYS = { count: 0, first: null, last: null };

/** The partition keys a PARTITIONS_DEFINITION change adds and removes (enumerable, no `asOf`). */
export function partitionKeys(
  added: PartitionKeyRange,
  removed: PartitionKeyRange,
  overrides: Partial<PartitionKeysChange> = {},
): PartitionKeysChange {
  return { enumerable: true, asOf: null, added, removed, ...overrides };
}

/** A REMOVED and a NEW asset that are probably one asset renamed (in location `loc`). */
export function probableMove(
  from: string,
  to: string,
  overrides: Partial<ProbableMove> = {},
): ProbableMove {
  return {
    from: identity(from),
    to: identity(to),
    evidence: ["SAME_CODE_VERSION", "SAME_DEPENDENCIES"],
    similarity: 0.92,
    ...overrides,
  };
}
