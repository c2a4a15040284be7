import type {
  AssetChange,
  AssetChangeDetails,
  ChangeSet,
  ChangeVerdict,
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
    formatVersion: 3,
    options: {
      changeTypes: "all",
      codeLocation: null,
      includeUnchanged: false,
      missingLocations: "skip",
    },
    base: { source: { format: "snapshot", name: "base.json" }, assets: assets.length },
    branch: { source: { format: "snapshot", name: "branch.json" }, assets: assets.length },
    summary: countChanges(assets, assets.length, "all"),
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
