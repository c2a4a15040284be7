import { describe, expect, test } from "vitest";
import type { ChangeSet, ChangeVerdict } from "../../src/diff/change-set";
import { changeSetSchema } from "../../src/diff/change-set-schema";
import type { ChangeType } from "../../src/diff/change-types";
import { type DiffOptions, diffAssetGraphs } from "../../src/diff/diff";
import type { Asset, AssetGraph } from "../../src/model/asset";
import type { TableColumn } from "../../src/model/metadata";
import type { SeverityRule } from "../../src/policies/config";
import { changeId } from "../../src/policies/fingerprint";
import { applyPolicies, createPolicyContext } from "../../src/policies/policy";
import { severityRules } from "../../src/policies/severity";
import { asset, dep, graph } from "../helpers/builders";

/** Diffs two graphs and runs the severity policy over the result, as `reviewChanges` would. */
function review(
  base: AssetGraph,
  branch: AssetGraph,
  overrides: SeverityRule[] = [],
  options: DiffOptions = {},
): ChangeSet {
  return applyPolicies(
    diffAssetGraphs(base, branch, options),
    [severityRules(overrides)],
    createPolicyContext({ base, branch }),
  );
}

/** The verdict of one change type of the asset `key`, without its id. */
function verdictOf(changeSet: ChangeSet, key: string, changeType: ChangeType) {
  const change = changeSet.assets.find((a) => a.key === key);
  const found = change?.reasons?.find((r) => r.changeType === changeType);
  if (found === undefined) throw new Error(`no ${changeType} verdict for ${key}`);
  const { id: _id, ...rest } = found;
  return rest;
}

/** The verdict of the one change of `key` between two versions of it. */
function verdictOfChange(before: Asset, after: Asset, changeType: ChangeType) {
  const key = after.key.join("/");
  return verdictOf(review(graph(before), graph(after)), key, changeType);
}

const column = (name: string, type: string): TableColumn => ({
  name,
  type,
  description: null,
  constraints: { nullable: true, unique: false, other: [] },
  tags: [],
});

const withSchema = (key: string, columns: TableColumn[]) =>
  asset(key, {
    metadata: [
      {
        key: "dagster/column_schema",
        value: { type: "tableSchema", schema: { columns, constraints: null } },
      },
    ],
  });

describe("severityRules: REMOVED", () => {
  test("breaking when branch assets still depend on it, naming them", () => {
    const changes = review(
      graph(asset("raw"), asset("stg", { dependencies: [dep("raw")] })),
      graph(asset("stg", { dependencies: [dep("raw")] })),
    );
    expect(verdictOf(changes, "raw", "REMOVED")).toEqual({
      changeType: "REMOVED",
      severity: "breaking",
      reason: "REMOVED_WITH_DEPENDENTS",
      message: "removed while other assets depend on it: stg",
    });
  });

  test("breaking when only base assets depended on it", () => {
    const changes = review(
      graph(asset("raw"), asset("stg", { dependencies: [dep("raw")] })),
      graph(asset("stg")),
    );
    expect(verdictOf(changes, "raw", "REMOVED")).toMatchObject({
      severity: "breaking",
      reason: "REMOVED_WITH_DEPENDENTS",
      message: "removed while other assets depend on it: stg",
    });
  });

  test("names at most three dependents, from both sides, sorted", () => {
    const users = ["e", "d", "c", "b"].map((k) => asset(k, { dependencies: [dep("raw")] }));
    const changes = review(
      graph(asset("raw"), ...users.slice(0, 2), asset("a", { dependencies: [dep("raw")] })),
      graph(...users, asset("a")),
    );
    expect(verdictOf(changes, "raw", "REMOVED").message).toBe(
      "removed while other assets depend on it: a, b, c and 2 more",
    );
    const two = review(graph(asset("raw"), ...users.slice(0, 2)), graph(...users.slice(0, 2)));
    expect(verdictOf(two, "raw", "REMOVED").message).toBe(
      "removed while other assets depend on it: d and e",
    );
  });

  test("risky when no asset depends on it on either side", () => {
    const changes = review(graph(asset("raw"), asset("other")), graph(asset("other")));
    expect(verdictOf(changes, "raw", "REMOVED")).toEqual({
      changeType: "REMOVED",
      severity: "risky",
      reason: "REMOVED_WITHOUT_DEPENDENTS",
      message: "removed; no asset depends on it",
    });
  });
});

describe("severityRules: defaults per change type", () => {
  test("PARTITIONS_DEFINITION is breaking", () => {
    const daily = { type: "STATIC" as const, description: "a, b", keys: ["a", "b"] };
    expect(
      verdictOfChange(
        asset("a"),
        asset("a", { partitionsDefinition: daily }),
        "PARTITIONS_DEFINITION",
      ),
    ).toMatchObject({ severity: "breaking", reason: "PARTITIONS_CHANGED" });
  });

  test("a column removed from dagster/column_schema is breaking", () => {
    const before = withSchema("t", [column("id", "int"), column("name", "text")]);
    const after = withSchema("t", [column("id", "int")]);
    expect(verdictOfChange(before, after, "METADATA")).toEqual({
      changeType: "METADATA",
      severity: "breaking",
      reason: "COLUMN_REMOVED",
      message: "a column was removed from the table schema",
    });
  });

  test("a column's type changed in dagster/column_schema is breaking", () => {
    const before = withSchema("t", [column("id", "int"), column("name", "text")]);
    const after = withSchema("t", [column("id", "bigint"), column("name", "text")]);
    expect(verdictOfChange(before, after, "METADATA")).toMatchObject({
      severity: "breaking",
      reason: "COLUMN_TYPE_CHANGED",
    });
  });

  test("a column added (or only described differently) is safe", () => {
    const before = withSchema("t", [column("id", "int")]);
    const after = withSchema("t", [
      { ...column("id", "int"), description: "the key" },
      column("name", "text"),
    ]);
    expect(verdictOfChange(before, after, "METADATA")).toMatchObject({
      severity: "safe",
      reason: "DESCRIPTIVE_CHANGE",
    });
  });

  test("the whole dagster/column_schema entry added or removed is safe: it describes the table", () => {
    const described = withSchema("t", [column("id", "int")]);
    expect(verdictOfChange(described, asset("t"), "METADATA")).toMatchObject({ severity: "safe" });
    expect(verdictOfChange(asset("t"), described, "METADATA")).toMatchObject({ severity: "safe" });
  });

  test("other metadata is safe", () => {
    const after = asset("t", {
      metadata: [{ key: "owner_note", value: { type: "text", text: "x" } }],
    });
    expect(verdictOfChange(asset("t"), after, "METADATA")).toEqual({
      changeType: "METADATA",
      severity: "safe",
      reason: "DESCRIPTIVE_CHANGE",
      message: "descriptive only (tags, metadata, description, owners, group, kinds)",
    });
  });

  test("a dependency removed is risky, even with others added", () => {
    const before = asset("t", { dependencies: [dep("a")] });
    const after = asset("t", { dependencies: [dep("b")] });
    expect(verdictOfChange(before, after, "DEPENDENCIES")).toMatchObject({
      severity: "risky",
      reason: "DEPENDENCY_REMOVED",
    });
  });

  test("a partition mapping changed is risky", () => {
    const identity = { className: "IdentityPartitionMapping", description: "identity" };
    const lastOne = { className: "LastPartitionMapping", description: "last" };
    const before = asset("t", { dependencies: [dep("a", identity)] });
    const after = asset("t", { dependencies: [dep("a", lastOne)] });
    expect(verdictOfChange(before, after, "DEPENDENCIES")).toMatchObject({
      severity: "risky",
      reason: "PARTITION_MAPPING_CHANGED",
    });
  });

  test("dependencies only added is safe", () => {
    const before = asset("t", { dependencies: [dep("a")] });
    const after = asset("t", { dependencies: [dep("a"), dep("b")] });
    expect(verdictOfChange(before, after, "DEPENDENCIES")).toEqual({
      changeType: "DEPENDENCIES",
      severity: "safe",
      reason: "DEPENDENCY_ADDED",
      message: "only upstream dependencies were added",
    });
  });

  test("CODE_VERSION is risky", () => {
    expect(
      verdictOfChange(
        asset("t", { codeVersion: "1" }),
        asset("t", { codeVersion: "2" }),
        "CODE_VERSION",
      ),
    ).toMatchObject({ severity: "risky", reason: "CODE_VERSION_CHANGED" });
  });

  test.each<[ChangeType, Partial<Asset>]>([
    ["AUTOMATION_CONDITION", { automationCondition: { label: "eager", expandedLabel: ["eager"] } }],
    [
      "FRESHNESS_POLICY",
      { freshnessPolicy: { type: "timeWindow", failWindowSeconds: 60, warnWindowSeconds: null } },
    ],
    [
      "BACKFILL_POLICY",
      { backfillPolicy: { policyType: "SINGLE_RUN", maxPartitionsPerRun: null, description: "" } },
    ],
    ["EXECUTION_TYPE", { isExecutable: false, isMaterializable: false, isObservable: true }],
  ])("%s is risky: it decides when or how the asset runs", (changeType, fields) => {
    expect(verdictOfChange(asset("t"), asset("t", fields), changeType)).toMatchObject({
      severity: "risky",
      reason: "BEHAVIOUR_SETTING_CHANGED",
    });
  });

  test("NEW is safe", () => {
    expect(verdictOf(review(graph(), graph(asset("t"))), "t", "NEW")).toEqual({
      changeType: "NEW",
      severity: "safe",
      reason: "NEW_ASSET",
      message: "a new asset",
    });
  });

  test.each<[ChangeType, Partial<Asset>]>([
    ["TAGS", { tags: [{ key: "team", value: "data" }] }],
    ["DESCRIPTION", { description: "orders, one row each" }],
    ["OWNERS", { owners: [{ type: "team", team: "data" }] }],
    ["GROUP", { group: "marts" }],
    ["KINDS", { kinds: ["dbt"] }],
  ])("%s is safe: descriptive only", (changeType, fields) => {
    expect(verdictOfChange(asset("t"), asset("t", fields), changeType)).toMatchObject({
      severity: "safe",
      reason: "DESCRIPTIVE_CHANGE",
    });
  });
});

describe("severityRules: verdicts", () => {
  const before = asset("t", { codeVersion: "1", dependencies: [dep("a")], tags: [] });
  const after = asset("t", {
    codeVersion: "2",
    dependencies: [],
    tags: [{ key: "x", value: "y" }],
    owners: [{ type: "user", email: "ana@example.com" }],
    partitionsDefinition: { type: "DYNAMIC", description: "d", name: "d" },
  });

  test("one per change type, in CHANGE_TYPES order, with ids from changeId; the asset gets the worst", () => {
    const changes = review(graph(before), graph(after));
    const [t] = changes.assets;
    expect(t?.reasons?.map((r) => [r.changeType, r.severity])).toEqual([
      ["CODE_VERSION", "risky"],
      ["DEPENDENCIES", "risky"],
      ["PARTITIONS_DEFINITION", "breaking"],
      ["TAGS", "safe"],
      ["OWNERS", "safe"],
    ]);
    expect(t?.severity).toBe("breaking");
    for (const r of t?.reasons ?? []) expect(r.id).toBe(changeId(t as never, r.changeType));
    expect(changeSetSchema.safeParse(changes).success).toBe(true);
  });

  test("unchanged listed assets get no severity and no reasons", () => {
    const changes = review(graph(asset("same"), before), graph(asset("same"), after), [], {
      includeUnchanged: true,
    });
    const same = changes.assets.find((a) => a.key === "same");
    expect(same).toBeDefined();
    expect(same).not.toHaveProperty("severity");
    expect(same).not.toHaveProperty("reasons");
  });

  test("the input change set is left untouched", () => {
    const raw = diffAssetGraphs(graph(before), graph(after));
    const copy = structuredClone(raw);
    severityRules()(raw, createPolicyContext({ base: graph(before), branch: graph(after) }));
    expect(raw).toEqual(copy);
  });
});

describe("severityRules: overrides", () => {
  const base = graph(
    asset("marts/finance/revenue", { codeVersion: "1" }),
    asset("marts/sales/orders", { codeVersion: "1" }),
  );
  const branch = graph(
    asset("marts/finance/revenue", { codeVersion: "2", tags: [{ key: "t", value: "v" }] }),
    asset("marts/sales/orders", { codeVersion: "2", tags: [{ key: "t", value: "v" }] }),
  );

  test("set the severity of every change type of the assets a key glob selects", () => {
    const changes = review(base, branch, [
      { select: { keys: ["marts/finance/**"] }, severity: "breaking", reason: "feeds the board" },
    ]);
    for (const type of ["CODE_VERSION", "TAGS"] as const) {
      expect(verdictOf(changes, "marts/finance/revenue", type)).toEqual({
        changeType: type,
        severity: "breaking",
        reason: "CONFIGURED",
        message: "feeds the board",
      });
    }
    expect(verdictOf(changes, "marts/sales/orders", "CODE_VERSION")).toMatchObject({
      severity: "risky",
      reason: "CODE_VERSION_CHANGED",
    });
    expect(changes.assets.map((a) => a.severity)).toEqual(["breaking", "risky"]);
  });

  test("the last matching rule wins", () => {
    const changes = review(base, branch, [
      { severity: "breaking", reason: "first" },
      { select: { keys: ["marts/sales/*"] }, severity: "safe" },
      { select: { keys: ["nothing/**"] }, severity: "risky", reason: "never matches" },
    ]);
    expect(verdictOf(changes, "marts/sales/orders", "CODE_VERSION")).toEqual({
      changeType: "CODE_VERSION",
      severity: "safe",
      reason: "CONFIGURED",
      message: "set by the configuration",
    });
    expect(verdictOf(changes, "marts/finance/revenue", "CODE_VERSION")).toMatchObject({
      severity: "breaking",
      message: "first",
    });
  });

  test("with changeTypes, only those change types; the others keep their default", () => {
    const changes = review(base, branch, [{ changeTypes: ["TAGS"], severity: "risky" }]);
    expect(verdictOf(changes, "marts/sales/orders", "TAGS")).toMatchObject({
      severity: "risky",
      reason: "CONFIGURED",
    });
    expect(verdictOf(changes, "marts/sales/orders", "CODE_VERSION")).toMatchObject({
      reason: "CODE_VERSION_CHANGED",
    });
  });

  test("a later rule for other change types does not undo an earlier one", () => {
    const changes = review(base, branch, [
      { changeTypes: ["CODE_VERSION"], severity: "safe" },
      { changeTypes: ["TAGS"], severity: "breaking" },
    ]);
    const reasons = changes.assets[0]?.reasons?.map((r: ChangeVerdict) => [
      r.changeType,
      r.severity,
    ]);
    expect(reasons).toEqual([
      ["CODE_VERSION", "safe"],
      ["TAGS", "breaking"],
    ]);
  });
});

describe("severityRules: dagster mode and the summary", () => {
  const base = graph(
    asset("raw"),
    asset("stg", { dependencies: [dep("raw")], codeVersion: "1" }),
    asset("gone"),
  );
  const branch = graph(
    asset("raw", { owners: [{ type: "team", team: "x" }], tags: [{ key: "a", value: "b" }] }),
    asset("stg", { dependencies: [], codeVersion: "2" }),
    asset("new"),
  );

  test("in dagster mode only severity, reasons and summary.severity are added", () => {
    const raw = diffAssetGraphs(base, branch, { changeTypes: "dagster" });
    const reviewed = review(base, branch, [], { changeTypes: "dagster" });
    const {
      summary: { severity, ...summary },
      assets,
      ...rest
    } = reviewed;
    const { summary: rawSummary, assets: rawAssets, ...rawRest } = raw;
    expect(severity).toEqual({ breaking: 0, risky: 2, safe: 2 });
    expect(summary).toEqual(rawSummary);
    expect(rest).toEqual(rawRest);
    expect(assets.map(({ severity: _s, reasons: _r, ...a }) => a)).toEqual(rawAssets);
    expect(assets.flatMap((a) => a.reasons?.map((r) => r.changeType))).not.toContain("OWNERS");
  });

  test("summary.severity counts assets by their worst severity", () => {
    const reviewed = review(base, branch);
    expect(reviewed.summary.severity).toEqual({ breaking: 0, risky: 2, safe: 2 });
    const overridden = review(base, branch, [{ select: { keys: ["new"] }, severity: "breaking" }]);
    expect(overridden.summary.severity).toEqual({ breaking: 1, risky: 2, safe: 1 });
  });

  test("a change set without changes still says severity ran: all counts zero", () => {
    const reviewed = review(graph(asset("a")), graph(asset("a")));
    expect(reviewed.assets).toEqual([]);
    expect(reviewed.summary.severity).toEqual({ breaking: 0, risky: 0, safe: 0 });
    expect(changeSetSchema.safeParse(reviewed).success).toBe(true);
  });

  test("the policy alone (outside applyPolicies) leaves a correct summary", () => {
    const raw = diffAssetGraphs(base, branch);
    const reviewed = severityRules()(raw, createPolicyContext({ base, branch }));
    expect(reviewed.summary.severity).toEqual({ breaking: 0, risky: 2, safe: 2 });
  });
});
