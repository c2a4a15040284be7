import { describe, expect, test } from "vitest";
import type { ChangeSet } from "../../src/diff/change-set";
import { changeSetSchema } from "../../src/diff/change-set-schema";
import { diffAssetGraphs } from "../../src/diff/diff";
import type { AssetCheck } from "../../src/model/asset";
import { applyPolicies, createPolicyContext } from "../../src/policies/policy";
import { severityRules } from "../../src/policies/severity";
import { describeDetails } from "../../src/report/details";
import { asset, graph } from "../helpers/builders";
import { change, changeSetOf } from "../report/change-set-builders";

/** A check with the settings a full source (a current Dagster server) carries. */
function check(name: string, overrides: Partial<AssetCheck> = {}): AssetCheck {
  return {
    name,
    description: null,
    blocking: true,
    additionalAssetKeys: [],
    automationCondition: null,
    ...overrides,
  };
}

function diffChecks(before: AssetCheck[] | undefined, after: AssetCheck[] | undefined) {
  const base = graph(asset("orders", before === undefined ? {} : { checks: before }));
  const branch = graph(asset("orders", after === undefined ? {} : { checks: after }));
  if (before === undefined) delete base.assets[0]?.checks;
  if (after === undefined) delete branch.assets[0]?.checks;
  const changeSet = applyPolicies(
    diffAssetGraphs(base, branch),
    [severityRules()],
    createPolicyContext({ base, branch }),
  );
  changeSetSchema.parse(changeSet);
  return changeSet;
}

function only(changeSet: ChangeSet) {
  const change = changeSet.assets[0];
  const verdict = change?.reasons?.find((r) => r.changeType === "CHECKS");
  return {
    types: change?.extraChangeTypes ?? [],
    keys: change?.details.checks && {
      added: change.details.checks.addedKeys,
      changed: change.details.checks.changedKeys,
      removed: change.details.checks.removedKeys,
    },
    fields: change?.details.checks?.values.map((v) => v.fields ?? null),
    lines: change === undefined ? [] : describeDetails(change.details),
    verdict: verdict && [verdict.severity, verdict.reason, verdict.message],
  };
}

const NOT_NULL = "not_null_orders_id";
const UNIQUE = "unique_orders_id";

describe("CHECKS: asset checks compared by name", () => {
  test.each([
    {
      what: "a check removed",
      before: [check(NOT_NULL), check(UNIQUE)],
      after: [check(UNIQUE)],
      keys: { added: [], changed: [], removed: [NOT_NULL] },
      fields: [null],
      lines: [`check removed: ${NOT_NULL} (blocking)`],
      verdict: ["risky", "CHECK_REMOVED", `an asset check was removed: ${NOT_NULL}`],
    },
    {
      what: "a check added",
      before: [],
      after: [check(NOT_NULL, { blocking: false })],
      keys: { added: [NOT_NULL], changed: [], removed: [] },
      fields: [null],
      lines: [`check added: ${NOT_NULL} (non-blocking)`],
      verdict: [
        "safe",
        "CHECK_ADDED",
        `asset checks were only added or made blocking: ${NOT_NULL}`,
      ],
    },
    {
      what: "a blocking check made non-blocking",
      before: [check(NOT_NULL)],
      after: [check(NOT_NULL, { blocking: false })],
      keys: { added: [], changed: [NOT_NULL], removed: [] },
      fields: [["blocking"]],
      lines: [`check ${NOT_NULL}: blocking → non-blocking`],
      verdict: [
        "risky",
        "CHECK_MADE_NON_BLOCKING",
        `an asset check no longer blocks downstream materializations: ${NOT_NULL}`,
      ],
    },
    {
      what: "a check made blocking",
      before: [check(NOT_NULL, { blocking: false })],
      after: [check(NOT_NULL)],
      keys: { added: [], changed: [NOT_NULL], removed: [] },
      fields: [["blocking"]],
      lines: [`check ${NOT_NULL}: non-blocking → blocking`],
      verdict: [
        "safe",
        "CHECK_ADDED",
        `asset checks were only added or made blocking: ${NOT_NULL}`,
      ],
    },
    {
      what: "a check's automation condition",
      before: [check(NOT_NULL)],
      after: [check(NOT_NULL, { automationCondition: { label: "on_cron", expandedLabel: [] } })],
      keys: { added: [], changed: [NOT_NULL], removed: [] },
      fields: [["automationCondition"]],
      lines: [`check ${NOT_NULL} automation condition: (none) → on_cron`],
      verdict: [
        "risky",
        "CHECK_AUTOMATION_CHANGED",
        `an asset check's automation condition changed: ${NOT_NULL}`,
      ],
    },
    {
      what: "the other assets a check reads",
      before: [check("fk", { additionalAssetKeys: [["customers"]] })],
      after: [check("fk", { additionalAssetKeys: [["dim", "customers"]] })],
      keys: { added: [], changed: ["fk"], removed: [] },
      fields: [["additionalAssetKeys"]],
      lines: ["check fk also reads: dim/customers", "check fk no longer reads: customers"],
      verdict: [
        "safe",
        "CHECK_CHANGED",
        "only an asset check's description or the other assets it reads changed: fk",
      ],
    },
    {
      what: "a check's description and blocking together",
      before: [check(NOT_NULL, { description: "ids are set" })],
      after: [check(NOT_NULL, { description: "ids are never null", blocking: false })],
      keys: { added: [], changed: [NOT_NULL], removed: [] },
      fields: [["blocking", "description"]],
      lines: [
        `check ${NOT_NULL}: blocking → non-blocking`,
        `check ${NOT_NULL} description: "ids are set" → "ids are never null"`,
      ],
      verdict: [
        "risky",
        "CHECK_MADE_NON_BLOCKING",
        `an asset check no longer blocks downstream materializations: ${NOT_NULL}`,
      ],
    },
    {
      what: "a removal outranks a check added on the same asset",
      before: [check("a"), check("b"), check("c"), check("d")],
      after: [check("e")],
      keys: { added: ["e"], changed: [], removed: ["a", "b", "c", "d"] },
      fields: [null, null, null, null, null],
      lines: [
        "check removed: a (blocking)",
        "check removed: b (blocking)",
        "check removed: c (blocking)",
        "check removed: d (blocking)",
        "check added: e (blocking)",
      ],
      verdict: ["risky", "CHECK_REMOVED", "an asset check was removed: a, b, c and 1 more"],
    },
  ])("$what", ({ before, after, keys, fields, lines, verdict }) => {
    const result = only(diffChecks(before, after));
    expect(result.types).toEqual(["CHECKS"]);
    expect(result.keys).toEqual(keys);
    expect(result.fields).toEqual(fields);
    expect(result.lines).toEqual(lines);
    expect(result.verdict).toEqual(verdict);
  });

  test("order and repeats of the same check are no change", () => {
    const checks = [check(UNIQUE), check(NOT_NULL, { additionalAssetKeys: [["b"], ["a"]] })];
    const reordered = [check(NOT_NULL, { additionalAssetKeys: [["a"], ["b"]] }), check(UNIQUE)];
    expect(diffChecks(checks, [...reordered, check(UNIQUE)]).assets).toEqual([]);
  });

  test("a field one side does not carry is not compared (an older server has no blocking)", () => {
    const { blocking: _blocking, ...older } = check(NOT_NULL);
    expect(diffChecks([older], [check(NOT_NULL, { blocking: false })]).assets).toEqual([]);
    // Other fields are still compared.
    const result = only(diffChecks([older], [check(NOT_NULL, { description: "new" })]));
    expect(result.fields).toEqual([["description"]]);
  });

  test("an input without checks leaves CHECKS not compared, and says so", () => {
    const changeSet = diffChecks(undefined, [check(NOT_NULL)]);
    expect(changeSet.assets).toEqual([]);
    expect(changeSet.limitations.map((l) => l.changeType)).toEqual(["CHECKS"]);
    // Known empty on both sides is compared and equal: nothing to say.
    expect(diffChecks([], []).limitations).toEqual([]);
  });

  test("Dagster's change types only: checks are never compared", () => {
    const base = graph(asset("orders", { checks: [check(NOT_NULL)] }));
    const branch = graph(asset("orders", { checks: [] }));
    const changeSet = diffAssetGraphs(base, branch, { changeTypes: "dagster" });
    expect(changeSet.assets).toEqual([]);
    expect(changeSet.limitations).toEqual([]);
  });
});

describe("CHECKS severity without details", () => {
  test("a hand-built CHECKS change without details is taken as a removal: risky, not safe", () => {
    const set = applyPolicies(
      changeSetOf([change("orders", ["CHECKS"])]),
      [severityRules()],
      createPolicyContext({ base: { assets: [] }, branch: { assets: [] } }),
    );
    expect(set.assets[0]?.reasons?.map((r) => [r.changeType, r.severity, r.reason])).toEqual([
      ["CHECKS", "risky", "CHECK_REMOVED"],
    ]);
  });
});
