import { describe, expect, test } from "vitest";
import type { ChangeSet } from "../../src/diff/change-set";
import { allChangeTypes } from "../../src/diff/change-set";
import { changeSetSchema } from "../../src/diff/change-set-schema";
import { diffAssetGraphs } from "../../src/diff/diff";
import type { ChangeOrigin } from "../../src/diff/verdicts";
import type { Asset, AssetGraph, PartitionsDefinition } from "../../src/model/asset";
import { type ApprovalsFile, approvalRules } from "../../src/policies/approvals";
import {
  assetsFailing,
  FAIL_ON_CONDITIONS,
  type FailOnRule,
  isFailOnCondition,
} from "../../src/policies/fail-on";
import { ignoreRules } from "../../src/policies/ignore";
import { impactRules } from "../../src/policies/impact";
import { applyPolicies, createPolicyContext, type Policy } from "../../src/policies/policy";
import { severityRules } from "../../src/policies/severity";
import { asset, dep, graph } from "../helpers/builders";

const STATIC: PartitionsDefinition = { type: "STATIC", description: "a, b", keys: ["a", "b"] };

/** `key` in the base and in the branch, with `fields` changed in the branch. */
function changed(key: string, fields: Partial<Asset>, deps: string[] = []): [Asset, Asset] {
  const before = asset(key, { codeVersion: "1", dependencies: deps.map((d) => dep(d)) });
  return [before, asset(key, { ...before, ...fields })];
}

/** Both graphs: each pair's base and branch version, and assets that do not change. */
function graphs(pairs: [Asset, Asset][], same: Asset[] = []) {
  return {
    base: graph(...pairs.map((p) => p[0]), ...same),
    branch: graph(...pairs.map((p) => p[1]), ...same),
  };
}

/** Diffs, then severity, the given steps and impact, as the review would; the result validates. */
function review(base: AssetGraph, branch: AssetGraph, steps: Policy[] = []): ChangeSet {
  const changeSet = applyPolicies(
    diffAssetGraphs(base, branch),
    [severityRules([]), ...steps, impactRules()],
    createPolicyContext({ base, branch }),
  );
  expect(changeSetSchema.safeParse(changeSet).success).toBe(true);
  return changeSet;
}

function failing(changeSet: ChangeSet, rules: FailOnRule[]): string[] {
  return assetsFailing(changeSet, rules).map((a) => a.key);
}

/** An approvals file approving every change of the given assets. */
function approving(changeSet: ChangeSet, keys: string[]): ApprovalsFile {
  return {
    formatVersion: 1,
    approvals: changeSet.assets
      .filter((a) => keys.includes(a.key))
      .flatMap((a) =>
        (a.reasons ?? []).map((r) => ({
          id: r.id,
          key: a.key,
          codeLocation: a.codeLocation,
          repository: a.repository,
          changeType: r.changeType,
          by: "ana@example.com",
          reason: "checked",
        })),
      ),
  };
}

/** A stand-in for the three-way step: every change of the named assets gets that origin. */
function origins(byKey: Record<string, ChangeOrigin>): Policy {
  return (changeSet) => ({
    ...changeSet,
    assets: changeSet.assets.map((a) => {
      const origin = byKey[a.key];
      if (origin === undefined) return a;
      return {
        ...a,
        origin,
        origins: allChangeTypes(a).map((changeType) => ({ changeType, origin })),
      };
    }),
  });
}

describe("FAIL_ON_CONDITIONS", () => {
  test("is the closed list isFailOnCondition accepts", () => {
    expect(FAIL_ON_CONDITIONS).toEqual(["impacted-breaking", "conflict"]);
    for (const name of FAIL_ON_CONDITIONS) expect(isFailOnCondition(name)).toBe(true);
    for (const name of ["breaking", "REMOVED", "Impacted-Breaking", ""]) {
      expect(isFailOnCondition(name)).toBe(false);
    }
  });
});

describe("assetsFailing: impacted-breaking", () => {
  const cases: { name: string; fixture: () => ReturnType<typeof graphs>; failing: string[] }[] = [
    {
      name: "a breaking change with an impacted dependent fails",
      fixture: () =>
        graphs(
          [changed("raw", { partitionsDefinition: STATIC })],
          [asset("mart", { dependencies: [dep("raw")] })],
        ),
      failing: ["raw"],
    },
    {
      name: "a breaking change nothing downstream reads does not",
      fixture: () => graphs([changed("raw", { partitionsDefinition: STATIC })]),
      failing: [],
    },
    {
      name: "a risky change with impacted dependents does not",
      fixture: () =>
        graphs(
          [changed("raw", { codeVersion: "2" })],
          [asset("mart", { dependencies: [dep("raw")] })],
        ),
      failing: [],
    },
    {
      name: "the breaking root of a chain of changes fails, not the safe change below it",
      fixture: () =>
        graphs(
          [
            changed("raw", { partitionsDefinition: STATIC }),
            changed("stg", { tags: [{ key: "team", value: "data" }] }, ["raw"]),
          ],
          [asset("mart", { dependencies: [dep("stg")] })],
        ),
      failing: ["raw"],
    },
    {
      name: "the breaking root fails however many changed assets stand between it and the impact",
      fixture: () =>
        graphs(
          [
            changed("raw", { partitionsDefinition: STATIC }),
            ...Array.from({ length: 12 }, (_, i) =>
              changed(`s${i + 1}`, { tags: [{ key: "team", value: "data" }] }, [
                i === 0 ? "raw" : `s${i}`,
              ]),
            ),
          ],
          [asset("mart", { dependencies: [dep("s12")] })],
        ),
      failing: ["raw"],
    },
    {
      name: "a removed asset still read downstream fails",
      fixture: () => {
        const stg = asset("stg", { dependencies: [dep("raw")] });
        return { base: graph(asset("raw"), stg), branch: graph(stg) };
      },
      failing: ["raw"],
    },
  ];

  test.each(cases)("$name", ({ fixture, failing: expected }) => {
    const { base, branch } = fixture();
    expect(failing(review(base, branch), ["impacted-breaking"])).toEqual(expected);
  });

  test("an approved breaking change does not fail; an unapproved one beside it does", () => {
    const { base, branch } = graphs(
      [
        changed("approved", { partitionsDefinition: STATIC }),
        changed("pending", { partitionsDefinition: STATIC }),
        changed("join", { tags: [{ key: "team", value: "data" }] }, ["approved", "pending"]),
      ],
      [asset("mart", { dependencies: [dep("join")] })],
    );
    const approvals = approving(review(base, branch), ["approved"]);
    const reviewed = review(base, branch, [approvalRules(approvals)]);
    // The route follows the change that can still fail, whatever the key order.
    expect(reviewed.impacted?.map((i) => i.route)).toEqual([["pending", "join"]]);
    expect(failing(reviewed, ["impacted-breaking"])).toEqual(["pending"]);
    expect(failing(reviewed, ["breaking"])).toEqual(["pending"]);

    const all = approving(review(base, branch), ["approved", "pending"]);
    const settled = review(base, branch, [approvalRules(all)]);
    expect(settled.impacted?.map((i) => i.severity)).toEqual(["breaking-downstream"]);
    expect(failing(settled, ["impacted-breaking", "breaking"])).toEqual([]);
  });

  test("a suppressed breaking change neither makes anything breaking downstream nor fails", () => {
    const { base, branch } = graphs(
      [changed("raw", { partitionsDefinition: STATIC, codeVersion: "2" })],
      [asset("mart", { dependencies: [dep("raw")] })],
    );
    const reviewed = applyPolicies(
      diffAssetGraphs(base, branch),
      [
        ignoreRules([
          { changeTypes: ["PARTITIONS_DEFINITION"], reason: "repartitioned on purpose" },
        ]),
        severityRules([]),
        impactRules(),
      ],
      createPolicyContext({ base, branch }),
    );
    expect(reviewed.suppressed.map((s) => s.changeType)).toEqual(["PARTITIONS_DEFINITION"]);
    expect(reviewed.impacted?.map((i) => i.severity)).toEqual(["risky-downstream"]);
    expect(failing(reviewed, ["impacted-breaking", "breaking"])).toEqual([]);
    expect(failing(reviewed, ["risky"])).toEqual(["raw"]);
  });

  test("without the impact policy it matches nothing", () => {
    const { base, branch } = graphs(
      [changed("raw", { partitionsDefinition: STATIC })],
      [asset("mart", { dependencies: [dep("raw")] })],
    );
    const reviewed = applyPolicies(
      diffAssetGraphs(base, branch),
      [severityRules([])],
      createPolicyContext({ base, branch }),
    );
    expect(failing(reviewed, ["impacted-breaking"])).toEqual([]);
  });
});

describe("assetsFailing: conflict and drift", () => {
  const { base, branch } = graphs(
    [
      changed("both", { partitionsDefinition: STATIC }),
      changed("mine", { codeVersion: "2" }),
      changed("theirs", { partitionsDefinition: STATIC }),
    ],
    [asset("mart", { dependencies: [dep("both"), dep("theirs")] })],
  );
  const labelled = () =>
    review(base, branch, [origins({ both: "conflict", mine: "branch", theirs: "drift" })]);

  test("conflict fails the assets both sides changed differently, and only those", () => {
    expect(failing(labelled(), ["conflict"])).toEqual(["both"]);
  });

  test("a drifted change fails no rule, whatever its severity or type", () => {
    const reviewed = labelled();
    expect(reviewed.impacted?.[0]?.severity).toBe("breaking-downstream");
    expect(failing(reviewed, ["breaking"])).toEqual(["both"]);
    expect(failing(reviewed, ["impacted-breaking"])).toEqual(["both"]);
    expect(failing(reviewed, ["PARTITIONS_DEFINITION", "CODE_VERSION"])).toEqual(["both", "mine"]);
  });

  test("a drifted change fails no change-type rule without severity either", () => {
    const raw = applyPolicies(
      diffAssetGraphs(base, branch),
      [origins({ theirs: "drift" })],
      createPolicyContext({ base, branch }),
    );
    expect(failing(raw, ["PARTITIONS_DEFINITION"])).toEqual(["both"]);
  });

  test("without a three-way comparison conflict matches nothing", () => {
    expect(failing(review(base, branch), ["conflict"])).toEqual([]);
  });
});

describe("assetsFailing: change types and severities", () => {
  const { base, branch } = graphs([
    changed("part", { partitionsDefinition: STATIC }),
    changed("code", { codeVersion: "2" }),
    changed("tags", { tags: [{ key: "team", value: "data" }] }),
  ]);

  test.each([
    [["breaking"], ["part"]],
    [["risky"], ["code", "part"]],
    [["safe"], ["code", "part", "tags"]],
    [["TAGS"], ["tags"]],
    [
      ["TAGS", "breaking"],
      ["part", "tags"],
    ],
  ] as [FailOnRule[], string[]][])("%j fails %j", (rules, expected) => {
    expect(failing(review(base, branch), rules)).toEqual(expected);
  });
});
