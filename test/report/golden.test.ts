import { describe, expect, test } from "vitest";
import { changeSetSchema } from "../../src/diff/change-set-schema";
import { diffAssetGraphs } from "../../src/diff/diff";
import { loadAssetGraph } from "../../src/load/index";
import { reviewChanges } from "../../src/policies/review";
import {
  formatGithubOutputs,
  githubOutputs,
  renderGithubAnnotations,
} from "../../src/report/github";
import { renderJson } from "../../src/report/json";
import { renderText } from "../../src/report/text";
import { EXAMPLE_AS_OF } from "../helpers/example";
import { reviewedChangeSet } from "./reviewed-change-set";

// The README's example: a realistic pull request against two code locations.
const base = await loadAssetGraph("fixtures/example/base.json");
const branch = await loadAssetGraph("fixtures/example/branch.json");

describe("golden reports of the bundled example", () => {
  test("text", async () => {
    await expect(renderText(diffAssetGraphs(base, branch))).toMatchFileSnapshot(
      "../golden/example.txt",
    );
  });

  test("json, all change types", async () => {
    await expect(renderJson(diffAssetGraphs(base, branch))).toMatchFileSnapshot(
      "../golden/example.all.json",
    );
  });

  test("json, Dagster's change types only", async () => {
    await expect(
      renderJson(diffAssetGraphs(base, branch, { changeTypes: "dagster" })),
    ).toMatchFileSnapshot("../golden/example.dagster.json");
  });
});

describe("golden reports of the bundled example after the default policies (what the CLI prints)", () => {
  const reviewed = reviewChanges(
    diffAssetGraphs(base, branch),
    { base, branch },
    { asOf: EXAMPLE_AS_OF },
  );

  test("text", async () => {
    await expect(renderText(reviewed)).toMatchFileSnapshot("../golden/example.reviewed.txt");
  });

  test("json", async () => {
    await expect(renderJson(reviewed)).toMatchFileSnapshot("../golden/example.reviewed.json");
  });

  test("json, Dagster's change types only: the same changes as the raw differ, with severities", () => {
    const raw = diffAssetGraphs(base, branch, { changeTypes: "dagster" });
    const dagster = reviewChanges(raw, { base, branch });
    const strip = ({ severity: _s, reasons: _r, ...rest }: (typeof dagster.assets)[number]) => rest;
    expect(dagster.assets.map(strip)).toEqual(raw.assets);
    expect(dagster.suppressed).toEqual([]);
    expect(dagster.assets.every((a) => a.severity !== undefined)).toBe(true);
  });
});

describe("golden GitHub Actions output of the bundled example", () => {
  test("annotations and step outputs", async () => {
    const changeSet = diffAssetGraphs(base, branch);
    const annotations = renderGithubAnnotations(changeSet, {
      graphs: { base, branch },
      workspace: "/opt/dagster/app",
    });
    const outputs = formatGithubOutputs(githubOutputs(changeSet));
    await expect(`${annotations.join("")}\n${outputs}`).toMatchFileSnapshot(
      "../golden/example.github.txt",
    );
  });
});

describe("golden reports of a reviewed change set (severities, approvals, suppressions)", () => {
  test("text", async () => {
    await expect(renderText(reviewedChangeSet)).toMatchFileSnapshot("../golden/reviewed.txt");
  });

  test("annotations and step outputs", async () => {
    const annotations = renderGithubAnnotations(reviewedChangeSet);
    const outputs = formatGithubOutputs(githubOutputs(reviewedChangeSet));
    await expect(`${annotations.join("")}\n${outputs}`).toMatchFileSnapshot(
      "../golden/reviewed.github.txt",
    );
  });

  test("its JSON is a valid change set, the same once parsed", () => {
    const parsed = changeSetSchema.parse(JSON.parse(renderJson(reviewedChangeSet)));
    expect(parsed).toEqual(reviewedChangeSet);
  });
});

describe("the example's change types, checked by hand against fixtures/example/CHANGES.md", () => {
  const view = (changeSet: ReturnType<typeof diffAssetGraphs>) =>
    Object.fromEntries(
      changeSet.assets.map((a) => [
        `${a.codeLocation} ${a.key}`,
        [...a.changeTypes, ...(a.extraChangeTypes ?? [])],
      ]),
    );

  test("Dagster's view", () => {
    expect(view(diffAssetGraphs(base, branch, { changeTypes: "dagster" }))).toEqual({
      "ingestion raw/stripe/subscriptions": ["NEW"],
      "ingestion raw/stripe/charges": ["METADATA"],
      "ingestion raw/stripe/customers": ["TAGS"],
      "ingestion raw/events/page_views": ["PARTITIONS_DEFINITION"],
      "ingestion raw/events/app_events": ["PARTITIONS_DEFINITION"],
      "analytics shared/currency_rates": ["CODE_VERSION"],
      "analytics staging/stg_charges": ["METADATA"],
      "analytics staging/stg_page_views": ["METADATA"],
      "analytics intermediate/int_sessions": ["DEPENDENCIES"],
      "analytics intermediate/int_deal_pipeline": ["METADATA"],
      "analytics marts/finance/fct_revenue": ["CODE_VERSION", "DEPENDENCIES", "METADATA"],
      "analytics marts/finance/fct_refunds": ["REMOVED"],
      "analytics marts/finance/fct_mrr": ["CODE_VERSION", "METADATA", "TAGS"],
      "analytics marts/finance/revenue_by_region": ["PARTITIONS_DEFINITION"],
      "analytics marts/core/dim_customers": ["DEPENDENCIES"],
      "analytics marts/core/dim_partners": ["DEPENDENCIES"],
      "analytics marts/core/dim_dates": ["REMOVED"],
      "analytics marts/core/dim_calendar": ["NEW"],
      "analytics marts/sales/fct_pipeline": ["PARTITIONS_DEFINITION"],
      "analytics marts/marketing/fct_web_traffic": ["DEPENDENCIES"],
      "analytics ml/features/customer_features": ["TAGS"],
      "analytics ml/features/churn_features": ["NEW"],
      "analytics ml/models/ltv_model": ["DEPENDENCIES", "METADATA"],
      "analytics ml/scores/churn_risk_scores": ["NEW"],
      "analytics weekly_exec_report": ["DEPENDENCIES", "TAGS"],
    });
  });

  test("the extra change types add exactly the non-Dagster changes", () => {
    const all = view(diffAssetGraphs(base, branch));
    const dagster = view(diffAssetGraphs(base, branch, { changeTypes: "dagster" }));
    const extra = Object.fromEntries(
      Object.entries(all)
        .map(([id, types]) => [id, types.filter((t) => !(dagster[id] ?? []).includes(t))] as const)
        .filter(([, types]) => types.length > 0),
    );
    expect(extra).toEqual({
      "ingestion raw/hubspot/contacts": ["EXECUTION_TYPE"],
      "ingestion raw/events/page_views": ["BACKFILL_POLICY"],
      "analytics staging/stg_charges": ["CHECKS", "DESCRIPTION"],
      "analytics marts/finance/fct_revenue": ["CHECKS"],
      "analytics marts/finance/fct_mrr": ["CHECKS", "GROUP"],
      "analytics marts/finance/revenue_by_region": ["OWNERS"],
      "analytics marts/core/dim_customers": ["FRESHNESS_POLICY"],
      "analytics marts/marketing/fct_web_traffic": ["AUTOMATION_CONDITION"],
      "analytics ml/features/customer_features": ["KINDS"],
    });
  });

  test("the checks: one removed, one made non-blocking, one added; their order is no change", () => {
    const changes = diffAssetGraphs(base, branch);
    const checks = (key: string) =>
      changes.assets
        .find((a) => a.key === key)
        ?.details.checks?.values.map((v) => [
          v.name,
          v.old?.blocking ?? null,
          v.new?.blocking ?? null,
          v.fields,
        ]);
    expect(checks("staging/stg_charges")).toEqual([
      ["not_null_stg_charges_amount_refunded", false, null, undefined],
    ]);
    expect(checks("marts/finance/fct_revenue")).toEqual([
      ["unique_fct_revenue_charge_id", true, false, ["blocking"]],
    ]);
    expect(checks("marts/finance/fct_mrr")).toEqual([["mrr_non_negative", null, true, undefined]]);
    // stg_customers lists its two checks in reverse order in the branch.
    expect(changes.assets.find((a) => a.key === "staging/stg_customers")).toBeUndefined();
    const reviewed = reviewChanges(changes, { base, branch }, { asOf: EXAMPLE_AS_OF });
    const reason = (key: string) =>
      reviewed.assets
        .find((a) => a.key === key)
        ?.reasons?.filter((r) => r.changeType === "CHECKS")
        .map((r) => [r.severity, r.reason]);
    expect(reason("staging/stg_charges")).toEqual([["risky", "CHECK_REMOVED"]]);
    expect(reason("marts/finance/fct_revenue")).toEqual([["risky", "CHECK_MADE_NON_BLOCKING"]]);
    expect(reason("marts/finance/fct_mrr")).toEqual([["safe", "CHECK_ADDED"]]);
  });

  test("the partition-mapping change names its one parent, with Dagster's descriptions", () => {
    const sessions = diffAssetGraphs(base, branch).assets.find(
      (a) => a.key === "intermediate/int_sessions",
    );
    expect(sessions?.details.dependencies).toMatchObject({
      addedKeys: [],
      changedKeys: ["staging/stg_page_views"],
      removedKeys: [],
    });
    expect(sessions?.details.dependencies?.partitionMappings[0]?.old?.className).toBe(
      "TimeWindowPartitionMapping",
    );
  });

  test("the example has nothing it cannot compare", () => {
    expect(diffAssetGraphs(base, branch).limitations).toEqual([]);
  });
});

describe("the example's findings after the default policies, checked by hand against fixtures/example/CHANGES.md", () => {
  const reviewed = reviewChanges(
    diffAssetGraphs(base, branch),
    { base, branch },
    { asOf: EXAMPLE_AS_OF },
  );
  const find = (key: string) => reviewed.assets.find((a) => a.key === key);

  test("downstream impact: the unchanged assets below a change, with the rule that decided", () => {
    expect(reviewed.impacted?.map((i) => [i.key, i.severity, i.reason, i.via, i.distance])).toEqual(
      [
        // reads stg_charges.amount_refunded, which the branch drops
        [
          "intermediate/int_payments",
          "breaking-downstream",
          "UPSTREAM_COLUMN_BROKEN",
          ["staging/stg_charges"],
          1,
        ],
        // below fct_web_traffic, which read dim_dates, removed (the rename is only probable)
        [
          "marts/marketing/campaign_attribution",
          "breaking-downstream",
          "UPSTREAM_BREAKING",
          ["marts/marketing/fct_web_traffic"],
          1,
        ],
        // raw/hubspot/contacts became observable only
        ["staging/stg_contacts", "risky-downstream", "UPSTREAM_RISKY", ["raw/hubspot/contacts"], 1],
        // raw/stripe/customers only gained a tag
        [
          "staging/stg_customers",
          "safe-downstream",
          "UPSTREAM_SAFE_FOR_CONSUMERS",
          ["raw/stripe/customers"],
          1,
        ],
      ],
    );
    expect(reviewed.graphIssues).toEqual([]);
  });

  test("column changes: amount_refunded removed, net_amount_usd added", () => {
    expect(
      find("staging/stg_charges")?.columns?.map((c) => [c.column, c.change, c.severity]),
    ).toEqual([["amount_refunded", "removed", "breaking"]]);
    expect(
      find("marts/finance/fct_revenue")?.columns?.map((c) => [c.column, c.change, c.severity]),
    ).toEqual([["net_amount_usd", "added", "safe"]]);
  });

  test("partition keys: +365 daily, −8,784 hourly, +latam", () => {
    const keys = (key: string) => {
      const k = find(key)?.partitionKeys;
      return [k?.added.count, k?.removed.count, find(key)?.severity];
    };
    expect(keys("raw/events/page_views")).toEqual([365, 0, "risky"]);
    expect(keys("raw/events/app_events")).toEqual([0, 366 * 24, "breaking"]);
    expect(keys("marts/finance/revenue_by_region")).toEqual([1, 0, "risky"]);
    expect(find("marts/sales/fct_pipeline")?.partitionKeys?.enumerable).toBe(false);
  });

  test("the rename: dim_dates → dim_calendar, probable, severities kept", () => {
    expect(reviewed.probableMoves?.map((m) => [m.from.key, m.to.key])).toEqual([
      ["marts/core/dim_dates", "marts/core/dim_calendar"],
    ]);
    expect(find("marts/core/dim_dates")?.severity).toBe("breaking");
    expect(find("marts/marketing/fct_web_traffic")?.movedDependencies).toEqual([
      { from: "marts/core/dim_dates", to: "marts/core/dim_calendar", declared: false },
    ]);
  });
});

describe("the example's three-way comparison, checked by hand against fixtures/example/CHANGES.md", () => {
  test("one conflict, one change of base drift, the rest the branch's; reports fold the drift", async () => {
    const mergeBase = await loadAssetGraph("fixtures/example/merge-base.json");
    const reviewed = reviewChanges(
      diffAssetGraphs(base, branch),
      { base, branch },
      { asOf: EXAMPLE_AS_OF, mergeBase },
    );
    const notBranch = reviewed.assets
      .filter((a) => a.origin !== "branch")
      .map((a) => [a.key, a.origins?.map((o) => `${o.changeType}:${o.origin}`)]);
    expect(notBranch).toEqual([
      [
        "marts/finance/fct_mrr",
        [
          "CODE_VERSION:branch",
          "TAGS:conflict",
          "METADATA:branch",
          "GROUP:branch",
          "CHECKS:branch",
        ],
      ],
      ["shared/currency_rates", ["CODE_VERSION:drift"]],
    ]);
    expect(reviewed.summary.origins).toEqual({ branch: 24, drift: 1, conflict: 1 });
    await expect(renderText(reviewed)).toMatchFileSnapshot("../golden/example.three-way.txt");
  });
});
