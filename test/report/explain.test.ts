import { describe, expect, test } from "vitest";
import type { AssetChange, ChangeSet } from "../../src/diff/change-set";
import { type DiffOptions, diffAssetGraphs } from "../../src/diff/diff";
import type { Asset, AssetGraph } from "../../src/model/asset";
import { type ApprovalsFile, approveChanges } from "../../src/policies/approvals";
import { createPolicyContext } from "../../src/policies/policy";
import { type ReviewOptions, reviewChanges } from "../../src/policies/review";
import { type ExplanationInput, renderExplanation } from "../../src/report/explain";
import { columnLines } from "../../src/report/findings";
import { asset, dep, graph } from "../helpers/builders";
import { change, findingsChangeSet } from "./change-set-builders";

const MAPPING = { className: "TimeWindowPartitionMapping", description: "Maps to the same window" };
const column = (name: string, type: string) => ({
  name,
  type,
  description: null,
  constraints: { nullable: true, unique: false, other: [] },
  tags: [],
});
const schema = (...columns: ReturnType<typeof column>[]) => ({
  type: "tableSchema" as const,
  schema: { columns, constraints: null },
});
const table = (name: string) => ({ type: "text" as const, text: name });

const base = graph(
  asset("raw/orders"),
  asset("raw/refunds"),
  asset("marts/orders", {
    codeVersion: "1",
    dependencies: [dep("raw/orders", null), dep("raw/refunds", null)],
    tags: [
      { key: "team", value: "data" },
      { key: "tier", value: "gold" },
    ],
    metadata: [
      { key: "dagster/table_name", value: table("prod.analytics.orders") },
      { key: "dagster/column_schema", value: schema(column("id", "int"), column("amount", "int")) },
    ],
    owners: [{ type: "team", team: "data" }],
  }),
  asset("legacy"),
);
const branch = graph(
  asset("raw/orders"),
  asset("raw/refunds"),
  asset("marts/orders", {
    codeVersion: "2",
    dependencies: [dep("raw/orders", MAPPING), dep("raw/refunds", null)],
    tags: [
      { key: "team", value: "growth" },
      { key: "tier", value: "gold" },
    ],
    metadata: [
      { key: "dagster/table_name", value: table("prod.analytics_pr_7.orders") },
      {
        key: "dagster/column_schema",
        value: schema(column("id", "int"), column("amount", "float"), column("note", "text")),
      },
    ],
    owners: [{ type: "team", team: "data" }],
    description: "Orders, one row each.",
  }),
  asset("fresh", { group: "new_things" }),
);

/** The explanation input of `key`, gathered as the CLI does, after the default policies. */
function explain(
  key: string,
  graphs: { base: AssetGraph; branch: AssetGraph } = { base, branch },
  options: { diff?: DiffOptions; review?: ReviewOptions } = {},
): ExplanationInput {
  const raw = diffAssetGraphs(graphs.base, graphs.branch, {
    includeUnchanged: true,
    ...options.diff,
  });
  const context = createPolicyContext(graphs);
  const reviewed = reviewChanges(raw, context, options.review);
  const change = raw.assets.find((a) => a.key === key);
  if (change === undefined) throw new Error(`${key} is not in the change set`);
  const same = (other: { key: string }) => other.key === key;
  return {
    base: change.changeTypes.includes("NEW") ? undefined : context.sideOf("base", change),
    branch: change.changeTypes.includes("REMOVED") ? undefined : context.sideOf("branch", change),
    raw: change,
    reviewed: reviewed.assets.find(same),
    suppressed: reviewed.suppressed.filter(same),
    staleApprovals: (reviewed.staleApprovals ?? []).filter(same),
    approvals: reviewed.staleApprovals !== undefined,
    changeTypes: reviewed.options.changeTypes,
  };
}

function reviewedSet(graphs = { base, branch }): ChangeSet {
  return reviewChanges(diffAssetGraphs(graphs.base, graphs.branch), graphs);
}

describe("renderExplanation", () => {
  test("a modified asset: each section on both sides, the differ, the rules, severities", () => {
    const text = renderExplanation(explain("marts/orders"));
    const reviewedOrders = reviewedSet().assets.find((a) => a.key === "marts/orders");
    const ids = Object.fromEntries(
      (reviewedOrders?.reasons ?? []).map((v) => [v.changeType, v.id]),
    );
    // The type change of `amount`; the columns policy may name the column in the message.
    const metadata = reviewedOrders?.reasons?.find((v) => v.changeType === "METADATA");
    expect(metadata?.message).toMatch(/^a column's type changed in the table schema/);
    const columns = columnLines(reviewedOrders?.columns ?? [], {
      value: (t) => t,
      maxValueLength: 80,
    });
    expect(text).toBe(
      [
        "marts/orders  [loc]: modified",
        "",
        "Compared (base → branch):",
        '  code version: "1" → "2"',
        "  dependencies:",
        "    raw/orders: partition mapping (default) → TimeWindowPartitionMapping: Maps to the same window",
        "    raw/refunds: same",
        "  partitions definition: same: (unpartitioned)",
        "  tags:",
        '    team: "data" → "growth"',
        '    tier: same: "gold"',
        "  metadata:",
        "    dagster/column_schema: table schema (2 columns) → table schema (3 columns)",
        "      columns: +note ~amount",
        '    dagster/table_name: text "prod.analytics.orders" → text "prod.analytics_pr_7.orders"',
        '  group: same: "default"',
        "  owners: same: team:data",
        '  description: (none) → "Orders, one row each."',
        "  kinds: same: (none)",
        "  automation condition: same: (none)",
        "  auto-materialize policy: same: (none)",
        "  freshness policy: same: (none)",
        "  legacy freshness policy: same: (none)",
        "  backfill policy: same: (none)",
        "  execution type: same: materializable",
        "  asset checks: same: (none)",
        "",
        "The differ reported:",
        "  CODE_VERSION",
        "  DEPENDENCIES: raw/orders",
        "  TAGS: team",
        "  METADATA: dagster/column_schema, dagster/table_name",
        "  DESCRIPTION",
        "",
        "Suppressed by rules (1):",
        "  METADATA dagster/table_name: rule environment-table-name: dagster/table_name or dagster/relation_identifier names the same table in another database or schema",
        "",
        "After the rules: breaking",
        `  CODE_VERSION: risky: the code version changed (id ${ids.CODE_VERSION})`,
        `  DEPENDENCIES: risky: a partition mapping changed (id ${ids.DEPENDENCIES})`,
        `  TAGS: safe: descriptive only (tags, metadata, description, owners, group, kinds) (id ${ids.TAGS})`,
        `  METADATA: breaking: ${metadata?.message} (id ${ids.METADATA})`,
        `  DESCRIPTION: safe: descriptive only (tags, metadata, description, owners, group, kinds) (id ${ids.DESCRIPTION})`,
        "",
        // The columns policy's findings, once it ran.
        ...(columns.length === 0 ? [] : ["Findings:", ...columns.map((l) => `  ${l}`), ""]),
        "Approvals: none were read.",
        "",
      ].join("\n"),
    );
  });

  test("approvals: who approved each change, what is not approved, stale approvals", () => {
    const approved = approveChanges(
      reviewedSet(),
      {
        by: "ana",
        reason: "planned",
        select: (c) => c.key === "marts/orders",
        now: new Date(0),
      },
      undefined,
    );
    // Approve only the code version and the tags, then change the tags again.
    const file: ApprovalsFile = {
      formatVersion: 1,
      approvals: approved.approvals.filter(
        (a) => a.changeType === "CODE_VERSION" || a.changeType === "TAGS",
      ),
    };
    const pushed = graph(
      ...branch.assets.map((a) =>
        a.key.join("/") === "marts/orders"
          ? { ...a, tags: [{ key: "team", value: "growth-2" }, ...(a.tags ?? []).slice(1)] }
          : a,
      ),
    );
    const input = explain(
      "marts/orders",
      { base, branch: pushed },
      { review: { approvals: file } },
    );
    const text = renderExplanation(input);
    const stale = input.staleApprovals[0];
    expect(text).toContain(
      [
        "Approvals: 1 of 5 changes approved",
        "  CODE_VERSION: approved by ana: planned",
        "  DEPENDENCIES: not approved",
        "  TAGS: not approved",
        "  METADATA: not approved",
        "  DESCRIPTION: not approved",
        `  TAGS: stale approval by ana: planned, of other values (approved id ${stale?.id}, now ${stale?.currentId})`,
        "",
      ].join("\n"),
    );
    expect(text.endsWith("\n\n")).toBe(false);
  });

  test("a new asset shows its definition in the branch; a removed one its definition in the base", () => {
    const fresh = renderExplanation(explain("fresh"));
    expect(fresh).toMatch(
      /^fresh {2}\[loc\]: new in the branch\n\nNew: nothing to compare it with\. Its definition in the branch:\n {2}code version: \(none\)\n/,
    );
    expect(fresh).toContain('\n  group: "new_things"\n');
    expect(fresh).toContain("\nThe differ reported:\n  NEW\n");
    expect(fresh).toMatch(
      /\nAfter the rules: safe\n {2}NEW: safe: a new asset \(id [0-9a-f]{16}\)\n/,
    );

    const legacy = renderExplanation(explain("legacy"));
    expect(legacy).toContain("legacy  [loc]: removed from the branch\n");
    expect(legacy).toContain("Removed: nothing to compare it with. Its definition in the base:\n");
    expect(legacy).toContain(
      "After the rules: risky\n  REMOVED: risky: removed; no asset depends on it",
    );
  });

  test("an unchanged asset: every section the same, no change anywhere", () => {
    const text = renderExplanation(explain("raw/orders"));
    expect(text).toContain("raw/orders  [loc]: unchanged\n");
    expect(text).toContain(
      "  dependencies: same: (none)\n  partitions definition: same: (unpartitioned)",
    );
    expect(text).toContain(
      "The differ reported no change.\n\nSuppressed by rules: nothing.\n\nAfter the rules: no change.\n\nApprovals: none were read.\n",
    );
  });

  test("--change-types dagster: the extra sections are not compared, nothing is suppressed", () => {
    const text = renderExplanation(
      explain("marts/orders", undefined, { diff: { changeTypes: "dagster" } }),
    );
    expect(text).toContain("  group: not compared (Dagster's change types only)\n");
    expect(text).toContain("  execution type: not compared (Dagster's change types only)\n");
    expect(text).toContain(
      "The differ reported:\n  CODE_VERSION\n  DEPENDENCIES: raw/orders\n  TAGS: team\n  METADATA: dagster/column_schema, dagster/table_name\n\n",
    );
    expect(text).toContain(
      "Suppressed by rules: nothing (no rule suppresses with Dagster's change types only).\n",
    );
  });

  test("a section an input does not carry is not compared, and says which input", () => {
    const without = (a: Asset): Asset => {
      const { owners: _owners, group: _group, ...rest } = a;
      return rest;
    };
    const text = renderExplanation(
      explain("marts/orders", { base: graph(...base.assets.map(without)), branch }),
    );
    expect(text).toContain("  group: not compared (the base input does not carry it)\n");
    expect(text).toContain("  owners: not compared (the base input does not carry it)\n");
  });

  test("an asset whose every change was suppressed: nothing is left", () => {
    const text = renderExplanation(
      explain("marts/orders", undefined, {
        review: {
          config: {
            ignore: [{ id: "everything", select: { keys: ["marts/**"] }, reason: "not ours" }],
          },
        },
      }),
    );
    expect(text).toContain("Suppressed by rules (6):\n  CODE_VERSION: rule everything: not ours\n");
    expect(text).toContain("  METADATA: rule everything: not ours\n");
    expect(text).toContain("After the rules: no change is left.\n");
  });

  test("long values are shortened where they differ", () => {
    const long = "x".repeat(200);
    const text = renderExplanation(
      explain("a", {
        base: graph(asset("a", { description: `${long} one` })),
        branch: graph(asset("a", { description: `${long} two` })),
      }),
    );
    const line = text.split("\n").find((l) => l.startsWith("  description: "));
    expect(line).toMatch(/^ {2}description: …x+ one" → …x+ two"$/);
    expect(line?.length).toBeLessThan(200);
  });
});

describe("renderExplanation of the findings", () => {
  const findings = findingsChangeSet();
  /** The explanation input of `key` in the findings change set (no graphs: nothing compared). */
  const input = (key: string, raw?: AssetChange): ExplanationInput => {
    const reviewed = findings.assets.find((a) => a.key === key);
    return {
      raw: raw ?? reviewed ?? change(key),
      reviewed,
      suppressed: [],
      staleApprovals: [],
      impacted: findings.impacted,
      probableMoves: findings.probableMoves,
    };
  };
  const section = (text: string) => {
    const lines = text.split("\n");
    const start = lines.indexOf("Findings:");
    return start === -1 ? [] : lines.slice(start, lines.indexOf("", start));
  };

  test("columns and what the change impacts, worst first", () => {
    expect(section(renderExplanation(input("marts/finance/fct_revenue")))).toEqual([
      "Findings:",
      "  column amount_usd added (safe)",
      "  column amount removed (breaking)",
      "  column currency retyped: varchar(3) → char(3) (breaking)",
      "  column note made nullable (risky)",
      "  impacts 2 downstream assets (2 breaking-downstream): marts/finance/rpt_monthly (breaking-downstream, 1 hop), weekly_exec_report (breaking-downstream, 2 hops)",
      "    marts/finance/rpt_monthly column total reads marts/finance/fct_revenue.amount, which was removed",
    ]);
  });

  test("origins and partition keys of a conflict", () => {
    expect(section(renderExplanation(input("raw/events/page_views")))).toEqual([
      "Findings:",
      "  origins: conflict: CODE_VERSION; branch: PARTITIONS_DEFINITION",
      "  +30 partitions (2026-11-01 … 2026-11-30), none removed; as of 2026-12-01",
      "  impacts 2 downstream assets (2 risky-downstream): marts/web/sessions_daily (risky-downstream, 1 hop), marts/web/bounce_rate (risky-downstream, 2 hops)",
    ]);
  });

  test("moves: declared, followed by a dependency, and probable", () => {
    expect(section(renderExplanation(input("raw/shop/orders")))).toEqual([
      "Findings:",
      "  moved from raw/orders [loc]",
    ]);
    expect(section(renderExplanation(input("staging/stg_orders")))).toEqual([
      "Findings:",
      "  dependency moved: raw/orders → raw/shop/orders (declared move)",
    ]);
    expect(section(renderExplanation(input("ml/features/churn")))).toEqual([
      "Findings:",
      "  probably renamed: ml/features/churn → ml/features/churn_v2 (92% alike: the same code version, the same upstream dependencies (after renames), a similar key)",
    ]);
  });

  test("an unchanged asset: what impacts it, by which route, through which columns", () => {
    const text = renderExplanation(input("marts/finance/rpt_monthly"));
    expect(section(text)).toEqual([
      "Findings:",
      "  impacted by marts/finance/fct_revenue (breaking-downstream, 1 hop): breaking change upstream, in marts/finance/fct_revenue",
      "    route: marts/finance/fct_revenue → marts/finance/rpt_monthly",
      "    column total reads marts/finance/fct_revenue column amount, which was removed",
    ]);
    expect(section(renderExplanation(input("weekly_exec_report")))).toContain(
      "    route: marts/finance/fct_revenue → marts/finance/rpt_monthly → weekly_exec_report",
    );
  });

  test("base drift says where it comes from", () => {
    expect(section(renderExplanation(input("marts/core/dim_customers")))).toEqual([
      "Findings:",
      "  origins: drift: TAGS",
      "  impacts 1 downstream asset (1 safe-downstream): marts/core/dim_customers_wide (safe-downstream, 1 hop)",
    ]);
  });

  test("without findings, no section: the explanation is as before", () => {
    const plain = input("nothing/here");
    const without = renderExplanation({ ...plain, impacted: undefined, probableMoves: undefined });
    expect(renderExplanation(plain)).toBe(without);
    expect(without).not.toContain("Findings:");
  });
});
