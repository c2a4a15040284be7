import { describe, expect, test } from "vitest";
import { renderText, summaryLine } from "../../src/report/text";
import {
  change,
  changeSetOf,
  columnChange,
  findingsChangeSet,
  identity,
  impactedAsset,
  keyRange,
  movedChange,
  NO_KEYS,
  notLoadedInBranch,
  partitionKeys,
  probableMove,
  rated,
  reviewedSetOf,
  staleApproval,
  suppressedChange,
  threeWaySetOf,
  verdict,
} from "./change-set-builders";

/** The lines of a group, from its heading to the next blank line. */
function group(text: string, title: string): string[] {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.startsWith(`${title} (`));
  if (start === -1) return [];
  const end = lines.indexOf("", start);
  return lines.slice(start + 1, end === -1 ? undefined : end);
}

const reviewed = reviewedSetOf([
  rated("a_safe", [verdict("TAGS", "safe", "DESCRIPTIVE_CHANGE")]),
  rated("b_breaking", [
    verdict("CODE_VERSION", "risky", "CODE_VERSION_CHANGED"),
    verdict("METADATA", "breaking", "COLUMN_REMOVED"),
  ]),
  rated("c_risky", [
    verdict("CODE_VERSION", "risky", "CODE_VERSION_CHANGED", {
      approved: { by: "alice", reason: "planned rewrite" },
    }),
  ]),
  rated("d_gone", [verdict("REMOVED", "breaking", "REMOVED_WITH_DEPENDENTS")]),
  rated("e_new", [verdict("NEW", "safe", "NEW_ASSET")]),
]);

describe("renderText of a reviewed change set", () => {
  test("orders each group worst first, with a severity badge per asset", () => {
    const text = renderText(reviewed);
    expect(group(text, "Modified")).toEqual([
      "  ~ [breaking] b_breaking  [loc]  CODE_VERSION METADATA",
      "      breaking: a column was removed from the table schema",
      "      risky: the code version changed",
      "  ~ [risky]    c_risky  [loc]     CODE_VERSION",
      "      risky: the code version changed (approved by alice: planned rewrite)",
      "  ~ [safe]     a_safe  [loc]      TAGS",
    ]);
    expect(group(text, "Removed")).toEqual([
      "  - [breaking] d_gone  [loc]",
      "      breaking: removed while other assets depend on it",
    ]);
    // Safe verdicts are not listed: the badge says it all.
    expect(group(text, "New")).toEqual(["  + [safe]     e_new  [loc]"]);
  });

  test("keeps the order of the change set among equal severities", () => {
    const assets = ["z", "m", "a"].map((key) =>
      rated(key, [verdict("TAGS", "safe", "DESCRIPTIVE_CHANGE")]),
    );
    expect(group(renderText(reviewedSetOf(assets)), "Modified").map((l) => l.trim())).toEqual([
      "~ [safe]     z  [loc]  TAGS",
      "~ [safe]     m  [loc]  TAGS",
      "~ [safe]     a  [loc]  TAGS",
    ]);
  });

  test("leaves the badge column blank for an asset without a severity", () => {
    const changeSet = reviewedSetOf([
      rated("a", [verdict("TAGS", "risky", "CONFIGURED", { message: "tags are contracts here" })]),
      change("b", ["TAGS"]),
    ]);
    expect(group(renderText(changeSet), "Modified")).toEqual([
      "  ~ [risky]    a  [loc]  TAGS",
      "      risky: tags are contracts here",
      "  ~            b  [loc]  TAGS",
    ]);
  });

  test("colours badges and reasons by severity on a terminal", () => {
    const text = renderText(reviewed, { color: true });
    expect(text).toContain("\u001b[31m[breaking]\u001b[39m ");
    expect(text).toContain("\u001b[33m[risky]\u001b[39m    ");
    expect(text).toContain("\u001b[2m[safe]\u001b[22m     ");
    expect(text).toContain(
      "\u001b[31mbreaking: a column was removed from the table schema\u001b[39m",
    );
    expect(text).toContain("\u001b[32mrisky: the code version changed (approved by alice");
  });

  test("says how many changes rules suppressed", () => {
    const one = reviewedSetOf([], { suppressed: [suppressedChange("a")] });
    expect(renderText(one)).toContain(
      "\n\n1 change suppressed by rules (run with --format json to see them)\n",
    );
    const many = reviewedSetOf([change("b", ["TAGS"])], {
      suppressed: [suppressedChange("a"), suppressedChange("b"), suppressedChange("c")],
    });
    expect(renderText(many)).toContain(
      "3 changes suppressed by rules (run with --format json to see them)",
    );
    expect(renderText(changeSetOf([change("b", ["TAGS"])]))).not.toContain("suppressed");
  });

  test("lists stale approvals, with who approved them when known", () => {
    const changeSet = reviewedSetOf([], {
      staleApprovals: [
        staleApproval("raw/orders", "CODE_VERSION", { id: "3f2a", currentId: "9c1d" }),
        staleApproval("raw/users", "TAGS", { by: "sam", reason: "pii tag" }),
      ],
    });
    const text = renderText(changeSet);
    expect(text).toContain(
      "\nStale approvals (2)\n" +
        "  ! raw/orders CODE_VERSION: approved id 3f2a no longer matches (now 9c1d)\n" +
        "  ! raw/users TAGS: approved id approved-0001 no longer matches (now current-0002) — approved by sam: pii tag\n",
    );
    expect(renderText(reviewedSetOf([], { staleApprovals: [] }))).not.toContain("Stale");
  });
});

describe("summaryLine", () => {
  test("adds the breaking and risky counts once the severity policy ran", () => {
    expect(summaryLine(reviewed)).toBe(
      "1 new, 1 removed, 3 modified, 0 unchanged; 2 breaking, 1 risky",
    );
    const calm = reviewedSetOf([rated("a", [verdict("TAGS", "safe", "DESCRIPTIVE_CHANGE")])]);
    expect(summaryLine(calm)).toBe(
      "0 new, 0 removed, 1 modified, 0 unchanged; 0 breaking, 0 risky",
    );
  });

  test("is the raw form without severities, and for no changes", () => {
    expect(summaryLine(changeSetOf([change("a", ["TAGS"])]))).toBe(
      "0 new, 0 removed, 1 modified, 0 unchanged",
    );
    expect(summaryLine(reviewedSetOf([], { suppressed: [suppressedChange("a")] }))).toBe(
      "No changes (0 unchanged).",
    );
  });

  test("says how many branch locations did not load: never plain no changes then", () => {
    const unloaded = (codeLocation: string) => ({
      codeLocation,
      status: "notLoadedInBranch" as const,
      baseAssets: 3,
      branchAssets: 0,
      message: "failed to load in the branch: boom",
    });
    const notInBranch = {
      codeLocation: "old",
      status: "notInBranch" as const,
      baseAssets: 1,
      branchAssets: 0,
    };
    expect(summaryLine(changeSetOf([], { locations: [unloaded("etl"), notInBranch] }))).toBe(
      "No changes in what was compared (0 unchanged); 1 code location of the branch did not load, its assets not compared.",
    );
    expect(
      summaryLine(
        changeSetOf([change("a", ["TAGS"])], { locations: [unloaded("x"), unloaded("y")] }),
      ),
    ).toBe(
      "0 new, 0 removed, 1 modified, 0 unchanged; 2 code locations of the branch did not load, their assets not compared",
    );
    expect(summaryLine(changeSetOf([], { locations: [notInBranch] }))).toBe(
      "No changes (0 unchanged).",
    );
  });
});

test("the code locations not compared come right after the summary line, before any change", () => {
  const text = renderText(
    changeSetOf([change("a", ["TAGS"])], {
      locations: [notLoadedInBranch("etl")],
      limitations: [{ changeType: "CODE_VERSION", field: "codeVersion", side: "both", assets: 1 }],
    }),
  ).split("\n");
  expect(text.slice(2, 6)).toEqual([
    "",
    "Code locations not compared",
    "  ! etl: failed to load in the branch: boom",
    "",
  ]);
  expect(text.indexOf("Modified (1)")).toBeGreaterThan(4);
});

describe("renderText of the findings", () => {
  test("under each change: its columns, partition keys, move, moved dependencies and impact", () => {
    const text = renderText(findingsChangeSet());
    expect(group(text, "Modified")).toEqual([
      "  ~ [breaking] marts/finance/fct_revenue  [loc]  CODE_VERSION METADATA",
      "      breaking: a column was removed from the table schema",
      "      risky: the code version changed",
      '      code version: "v4" → "v5"',
      "      column amount_usd added (safe)",
      "      column amount removed (breaking)",
      "      column currency retyped: varchar(3) → char(3) (breaking)",
      "      column note made nullable (risky)",
      "      impacts 2 downstream assets (2 breaking-downstream): marts/finance/rpt_monthly (breaking-downstream, 1 hop), weekly_exec_report (breaking-downstream, 2 hops)",
      "        marts/finance/rpt_monthly column total reads marts/finance/fct_revenue.amount, which was removed",
      "  ~ [safe]     staging/stg_orders  [loc]         DEPENDENCIES",
      "      dependency added: raw/shop/orders",
      "      dependency removed: raw/orders",
      "      dependency moved: raw/orders → raw/shop/orders (declared move)",
    ]);
    expect(group(text, "Moved")).toEqual([
      "  > [risky]    raw/shop/orders  [loc]  (MOVED)",
      "      risky: the asset moved to a new key or code location; whatever reads the old key must follow",
      "      moved from raw/orders [loc]",
    ]);
  });

  test("the summary line counts the impact and moves; a line counts the origins", () => {
    const lines = renderText(findingsChangeSet()).split("\n");
    expect(lines[1]).toMatch(
      /^1 new, 1 removed, 1 moved, 4 modified, -?\d+ unchanged; 1 breaking, 3 risky; 5 impacted downstream \(2 breaking-downstream, 2 risky-downstream, 1 safe-downstream\)$/,
    );
    expect(lines[2]).toBe("origins: 1 conflict, 5 from the branch, 1 base drift");
    const impacted = reviewedSetOf([change("a", ["TAGS"])], {
      impacted: [impactedAsset("b", ["a"], "breaking-downstream")],
    });
    expect(summaryLine(impacted)).toBe(
      "0 new, 0 removed, 1 modified, 0 unchanged; 1 impacted downstream (1 breaking-downstream)",
    );
  });

  test("caps the impacted assets under a change at five, with how many more", () => {
    const impacted = Array.from({ length: 14 }, (_, i) =>
      impactedAsset(
        `m/${String(i).padStart(2, "0")}`,
        ["raw/o"],
        i < 3 ? "breaking-downstream" : "risky-downstream",
      ),
    );
    const text = renderText(reviewedSetOf([change("raw/o", ["CODE_VERSION"])], { impacted }));
    expect(group(text, "Modified")).toEqual([
      "  ~ raw/o  [loc]  CODE_VERSION",
      "      impacts 14 downstream assets (3 breaking-downstream, 11 risky-downstream): m/00 (breaking-downstream, 1 hop), m/01 (breaking-downstream, 1 hop), m/02 (breaking-downstream, 1 hop), m/03 (risky-downstream, 1 hop), m/04 (risky-downstream, 1 hop), … and 9 more",
    ]);
  });

  test("partition keys, per dimension and when they cannot be listed", () => {
    const text = renderText(
      changeSetOf([
        change("static", ["PARTITIONS_DEFINITION"], {
          partitionKeys: partitionKeys(keyRange(["mx"]), keyRange(["latam", "apac"])),
        }),
        change("multi", ["PARTITIONS_DEFINITION"], {
          partitionKeys: partitionKeys(NO_KEYS, NO_KEYS, {
            asOf: "2026-12-01T00:00:00Z",
            dimensions: [
              {
                name: "date",
                enumerable: true,
                added: keyRange({ count: 2, first: "2026-11-29", last: "2026-11-30" }),
                removed: NO_KEYS,
              },
              {
                name: "tenant",
                enumerable: false,
                note: "dynamic",
                added: NO_KEYS,
                removed: NO_KEYS,
              },
            ],
          }),
        }),
        change("dynamic", ["PARTITIONS_DEFINITION"], {
          partitionKeys: partitionKeys(NO_KEYS, NO_KEYS, {
            enumerable: false,
            note: "dynamic partitions",
          }),
        }),
      ]),
    );
    expect(group(text, "Modified")).toEqual([
      "  ~ static  [loc]   PARTITIONS_DEFINITION",
      '      +1 partition ("mx"); −2 partitions ("latam", "apac")',
      "  ~ multi  [loc]    PARTITIONS_DEFINITION",
      "      dimension date: +2 partitions (2026-11-29 … 2026-11-30), none removed",
      "      dimension tenant: partition keys cannot be listed: dynamic",
      "      partition keys as of 2026-12-01",
      "  ~ dynamic  [loc]  PARTITIONS_DEFINITION",
      "      partition keys cannot be listed: dynamic partitions",
    ]);
  });

  test("probable moves and graph issues in their own short sections", () => {
    const text = renderText(findingsChangeSet());
    expect(group(text, "Probable moves")).toEqual([
      "  ? probably renamed: ml/features/churn → ml/features/churn_v2 (92% alike: the same code version, the same upstream dependencies (after renames), a similar key)",
    ]);
    expect(group(text, "Graph issues")).toEqual([
      "  ! cycle in the branch: loops/a, loops/b",
      "  ! self-dependency in the base: legacy/self_ref depends on itself",
      "  ! dangling dependency in the branch: raw/missing_feed is not defined, yet staging/stg_feed depends on it",
    ]);
    const many = changeSetOf([], {
      probableMoves: Array.from({ length: 25 }, (_, i) => probableMove(`a${i}`, `b${i}`)),
      graphIssues: Array.from({ length: 22 }, (_, i) => ({
        kind: "self-dependency" as const,
        side: "branch" as const,
        keys: [`s${i}`],
      })),
    });
    const capped = renderText(many);
    expect(group(capped, "Probable moves")).toHaveLength(21);
    expect(group(capped, "Probable moves").at(-1)).toBe("  … and 5 more probable moves");
    expect(group(capped, "Graph issues").at(-1)).toBe("  ! … and 2 more graph issues");
  });

  test("three-way: conflicts first, then the branch's changes, then base drift folded at the end", () => {
    const changeSet = threeWaySetOf([
      rated(
        "a_drift",
        [verdict("CODE_VERSION", "risky", "CODE_VERSION_CHANGED")],
        {
          origin: "drift",
          origins: [{ changeType: "CODE_VERSION", origin: "drift" }],
        },
        { codeVersion: { old: "1", new: "2" } },
      ),
      rated("b_branch", [verdict("TAGS", "safe", "DESCRIPTIVE_CHANGE")], {
        origin: "branch",
        origins: [{ changeType: "TAGS", origin: "branch" }],
      }),
      rated(
        "c_conflict",
        [
          verdict("CODE_VERSION", "risky", "CODE_VERSION_CHANGED"),
          verdict("OWNERS", "safe", "DESCRIPTIVE_CHANGE"),
        ],
        {
          origin: "conflict",
          origins: [
            { changeType: "CODE_VERSION", origin: "conflict" },
            { changeType: "OWNERS", origin: "drift" },
          ],
        },
      ),
      rated("d_new", [verdict("NEW", "safe", "NEW_ASSET")], { origin: "branch" }),
      rated("e_drift", [verdict("NEW", "safe", "NEW_ASSET")], { origin: "drift" }),
    ]);
    const text = renderText(changeSet);
    const headings = text.split("\n").filter((l) => /^[A-Z].* \(\d+\)$/.test(l));
    expect(headings).toEqual([
      "Conflicts (changed by the branch and in production since the merge base) (1)",
      "New (1)",
      "Modified (1)",
      "Base drift (not from this branch) (2)",
    ]);
    expect(
      group(text, "Conflicts (changed by the branch and in production since the merge base)"),
    ).toEqual([
      "  ~ [risky]    c_conflict  [loc]  CODE_VERSION (OWNERS)",
      "      conflict: CODE_VERSION; drift: OWNERS",
      "      risky: the code version changed",
    ]);
    // Folded: one line per asset, no details.
    expect(group(text, "Base drift (not from this branch)")).toEqual([
      "  ~ [risky]    a_drift  [loc]  CODE_VERSION",
      "  + [safe]     e_drift  [loc]",
    ]);
    expect(text.split("\n")[2]).toBe("origins: 1 conflict, 2 from the branch, 2 base drift");
  });

  test("a change set without the new fields renders as before", () => {
    const plain = reviewedSetOf([
      rated(
        "a",
        [verdict("CODE_VERSION", "risky", "CODE_VERSION_CHANGED")],
        {},
        { codeVersion: { old: "1", new: "2" } },
      ),
      rated("b", [verdict("NEW", "safe", "NEW_ASSET")]),
    ]);
    expect(renderText(plain)).toBe(
      [
        "asset-diff: base.json (2 assets) → branch.json (2 assets)",
        "1 new, 0 removed, 1 modified, 0 unchanged; 0 breaking, 1 risky",
        "",
        "New (1)",
        "  + [safe]     b  [loc]",
        "",
        "Modified (1)",
        "  ~ [risky]    a  [loc]  CODE_VERSION",
        "      risky: the code version changed",
        '      code version: "1" → "2"',
        "",
      ].join("\n"),
    );
    // Empty findings add nothing either.
    const empty = { ...plain, impacted: [], probableMoves: [], graphIssues: [] };
    expect(renderText(empty).replace("; 0 impacted downstream", "")).toBe(renderText(plain));
  });

  test("a moved asset with a move in another location names it", () => {
    const moved = movedChange("raw/shop/orders", "raw/orders", [], {
      movedFrom: identity("raw/orders", "ingestion"),
    });
    expect(group(renderText(changeSetOf([moved])), "Moved")).toEqual([
      "  > raw/shop/orders  [loc]  (MOVED)",
      "      moved from raw/orders [ingestion]",
    ]);
  });

  test("column values from the inputs cannot control the terminal", () => {
    const text = renderText(
      changeSetOf([
        change("a", ["METADATA"], {
          columns: [columnChange("x\u001b[2J", "retyped", "int", "float\u202e")],
        }),
      ]),
    );
    expect(text).toContain("column x\\u001b[2J retyped: int → float\\u202e (breaking)");
    expect(text).not.toContain("\u001b");
  });
});
