import { describe, expect, test } from "vitest";
import type { ChangeSet } from "../../src/diff/change-set";
import { changeSetSchema } from "../../src/diff/change-set-schema";
import { type DiffOptions, diffAssetGraphs } from "../../src/diff/diff";
import { isUsageError } from "../../src/errors";
import type { Asset, AssetGraph } from "../../src/model/asset";
import type { MetadataValue } from "../../src/model/metadata";
import type { Substitution } from "../../src/policies/config";
import { applyPolicies, createPolicyContext } from "../../src/policies/policy";
import { substitutionRules } from "../../src/policies/substitutions";
import { asset, graph } from "../helpers/builders";

const VARIABLES = { branch: "feature-x", pr: "42" };

function review(
  base: AssetGraph,
  branch: AssetGraph,
  rules: readonly Substitution[],
  variables: Record<string, string> = VARIABLES,
  options: DiffOptions = {},
): ChangeSet {
  return applyPolicies(
    diffAssetGraphs(base, branch, options),
    [substitutionRules(rules, variables)],
    createPolicyContext({ base, branch }),
  );
}

/** The same asset `t` on both sides with different fields. */
const pair = (old: Partial<Asset>, next: Partial<Asset>, key = "t") =>
  [graph(asset(key, old)), graph(asset(key, next))] as const;

const text = (value: string): MetadataValue => ({ type: "text", text: value });
const meta = (key: string, value: MetadataValue) => ({ metadata: [{ key, value }] });
const tags = (entries: Record<string, string>) => ({
  tags: Object.entries(entries).map(([key, value]) => ({ key, value })),
});

const SCHEMA = [{ from: "analytics_pr_{pr}", to: "analytics" }];

describe("substitutionRules: placeholders", () => {
  test("{pr} and {branch} are filled from the variables, in the reason too", () => {
    const [base, branch] = pair(
      meta("schema", text("analytics")),
      meta("schema", text("analytics_pr_42")),
    );
    const changes = review(base, branch, SCHEMA);
    expect(changes.assets).toEqual([]);
    expect(changes.suppressed).toEqual([
      {
        key: "t",
        path: ["t"],
        codeLocation: "loc",
        repository: "__repository__",
        changeType: "METADATA",
        keys: ["schema"],
        rule: "substitutions",
        reason: 'equal after substituting "analytics_pr_42" → "analytics"',
      },
    ]);
    const [b2, br2] = pair(tags({ url: "x/main/y" }), tags({ url: "x/feature-x/y" }));
    expect(
      review(b2, br2, [{ from: "/{branch}/", to: "/main/" }]).suppressed.map((s) => s.reason),
    ).toEqual(['equal after substituting "/feature-x/" → "/main/"']);
  });

  test("any variable given is a placeholder, in `to` as well", () => {
    const [base, branch] = pair(tags({ env: "prod-eu" }), tags({ env: "staging-eu" }));
    const changes = review(base, branch, [{ from: "{stage}-", to: "{live}-" }], {
      stage: "staging",
      live: "prod",
    });
    expect(changes.suppressed.map((s) => [s.changeType, s.keys])).toEqual([["TAGS", ["env"]]]);
  });

  test("braces around anything but a name are literal text", () => {
    const [base, branch] = pair(
      { description: "select * from {{ ref('a') }}" },
      { description: "select * from {{ ref('a_dev') }}" },
    );
    expect(
      review(base, branch, [{ from: "{{ ref('a_dev') }}", to: "{{ ref('a') }}" }], {}).suppressed,
    ).toHaveLength(1);
  });

  test.each([
    [
      "{pr} without a value",
      [{ from: "analytics_pr_{pr}", to: "analytics" }],
      {},
      "substitutions[0].from",
      "{pr}",
      "--pr",
    ],
    [
      "{branch} in `to`",
      [
        { from: "x", to: "y" },
        { from: "a", to: "{branch}" },
      ],
      {},
      "substitutions[1].to",
      "{branch}",
      "--branch",
    ],
    [
      "an empty value",
      [{ from: "pr_{pr}", to: "" }],
      { pr: "" },
      "substitutions[0].from",
      "{pr}",
      "--pr",
    ],
    [
      "another name",
      [{ from: "{stage}", to: "" }],
      VARIABLES,
      "substitutions[0].from",
      "{stage}",
      'variable "stage"',
    ],
  ] as [string, Substitution[], Record<string, string>, string, string, string][])(
    "%s is a UsageError naming the rule, the placeholder and how to provide it",
    (_name, rules, variables, where, placeholder, how) => {
      let error: unknown;
      try {
        substitutionRules(rules, variables);
      } catch (e) {
        error = e;
      }
      expect(isUsageError(error)).toBe(true);
      const message = (error as Error).message;
      expect(message).toContain(where);
      expect(message).toContain(placeholder);
      expect(message).toContain(how);
    },
  );

  test("a `from` that is empty once filled is a UsageError", () => {
    expect(() => substitutionRules([{ from: "", to: "x" }], {})).toThrow(
      /substitutions\[0\]\.from is empty/,
    );
  });

  test("the whole message; a name inherited from Object.prototype is no variable", () => {
    expect(() => substitutionRules([{ from: "{constructor}", to: "" }], {})).toThrow(
      'substitutions[0].from: the placeholder {constructor} has no value; give the variable "constructor" a value, or remove it from the rule',
    );
    expect(() => substitutionRules([{ from: "x_{pr}", to: "" }], {})).toThrow(
      'substitutions[0].from: the placeholder {pr} has no value; pass --pr <number> (in CI it is read from the environment) or give the variable "pr" a value, or remove it from the rule',
    );
  });
});

describe("substitutionRules: what becomes equal", () => {
  test.each([
    [
      "a tag value",
      tags({ schema: "analytics" }),
      tags({ schema: "analytics_pr_42" }),
      "TAGS",
      ["schema"],
    ],
    [
      "a text in metadata, every occurrence",
      meta("sql", text("analytics.a join analytics.b")),
      meta("sql", text("analytics_pr_42.a join analytics_pr_42.b")),
      "METADATA",
      ["sql"],
    ],
    [
      "strings deep inside JSON metadata",
      meta("cfg", { type: "json", value: { target: { schemas: ["analytics", 1] } } }),
      meta("cfg", { type: "json", value: { target: { schemas: ["analytics_pr_42", 1] } } }),
      "METADATA",
      ["cfg"],
    ],
    [
      "a URL",
      meta("dashboard", { type: "url", url: "https://bi/analytics" }),
      meta("dashboard", { type: "url", url: "https://bi/analytics_pr_42" }),
      "METADATA",
      ["dashboard"],
    ],
    [
      "a code reference's URL",
      meta("refs", {
        type: "codeReferences",
        codeReferences: [{ type: "url", url: "u/analytics", label: null }],
      }),
      meta("refs", {
        type: "codeReferences",
        codeReferences: [{ type: "url", url: "u/analytics_pr_42", label: null }],
      }),
      "METADATA",
      ["refs"],
    ],
    [
      "the description",
      { description: "Lives in analytics." },
      { description: "Lives in analytics_pr_42." },
      "DESCRIPTION",
      [],
    ],
  ] as [string, Partial<Asset>, Partial<Asset>, string, string[]][])(
    "%s is suppressed when equal after substituting",
    (_name, old, next, changeType, keys) => {
      const [base, branch] = pair(old, next);
      const changes = review(base, branch, SCHEMA);
      expect(changes.assets).toEqual([]);
      expect(changes.suppressed.map((s) => [s.changeType, s.keys, s.rule])).toEqual([
        [changeType, keys, "substitutions"],
      ]);
      expect(changeSetSchema.safeParse(changes).success).toBe(true);
    },
  );

  test.each([
    [
      "a tag value that differs elsewhere too",
      tags({ s: "analytics" }),
      tags({ s: "analytics_pr_42_v2" }),
    ],
    [
      "a JSON object key (keys are names, not values)",
      meta("cfg", { type: "json", value: { analytics: 1 } }),
      meta("cfg", { type: "json", value: { analytics_pr_42: 1 } }),
    ],
    ["an added tag", tags({}), tags({ s: "analytics_pr_42" })],
    ["a removed metadata key", meta("s", text("analytics")), {}],
    ["a description that appears", { description: null }, { description: "analytics_pr_42" }],
    [
      "a changed type",
      meta("s", text("analytics")),
      meta("s", { type: "json", value: "analytics_pr_42" }),
    ],
  ] as [string, Partial<Asset>, Partial<Asset>][])(
    "%s stays, exactly as reported",
    (_name, old, next) => {
      const [base, branch] = pair(old, next);
      const raw = diffAssetGraphs(base, branch);
      const changes = review(base, branch, SCHEMA);
      expect(changes.suppressed).toEqual([]);
      expect(changes.assets).toEqual(raw.assets);
    },
  );

  test("numbers are not text: a big integer kept as a string is not substituted", () => {
    const [base, branch] = pair(
      meta("rows", { type: "int", value: "123456789012345678901" }),
      meta("rows", { type: "int", value: "923456789012345678901" }),
    );
    expect(review(base, branch, [{ from: "9", to: "1" }]).suppressed).toEqual([]);
  });

  test("a value's type is not text: substituting it never makes two kinds equal", () => {
    const [base, branch] = pair(
      meta("p", { type: "path", path: "x" }),
      meta("p", { type: "notebook", path: "x" }),
    );
    expect(review(base, branch, [{ from: "notebook", to: "path" }]).suppressed).toEqual([]);
  });

  test("only the keys made equal go; the others stay with their values", () => {
    const [base, branch] = pair(
      tags({ schema: "analytics", team: "a" }),
      tags({ schema: "analytics_pr_42", team: "b" }),
    );
    const changes = review(base, branch, SCHEMA);
    expect(changes.assets[0]?.details.tags).toEqual({
      addedKeys: [],
      changedKeys: ["team"],
      removedKeys: [],
      values: [{ key: "team", old: "a", new: "b" }],
    });
    expect(changes.suppressed.map((s) => s.keys)).toEqual([["schema"]]);
  });

  test("rules apply in order, and the reason names those that made it equal", () => {
    const [base, branch] = pair(
      tags({ a: "prod.analytics", b: "analytics", c: "x" }),
      tags({ a: "dev.analytics_pr_42", b: "analytics_pr_42", c: "y" }),
    );
    const rules = [
      { from: "analytics_pr_{pr}", to: "analytics" },
      { from: "unused", to: "x" },
      { from: "dev.", to: "prod." },
    ];
    const changes = review(base, branch, rules);
    expect(changes.suppressed.map((s) => [s.keys, s.reason])).toEqual([
      [["a"], 'equal after substituting "analytics_pr_42" → "analytics" and "dev." → "prod."'],
      [["b"], 'equal after substituting "analytics_pr_42" → "analytics"'],
    ]);
    expect(changes.assets[0]?.details.tags?.changedKeys).toEqual(["c"]);
  });

  test("a rule applies only to the assets it selects", () => {
    const base = graph(
      asset("marts/a", tags({ s: "analytics" })),
      asset("staging/b", tags({ s: "analytics" })),
    );
    const branch = graph(
      asset("marts/a", tags({ s: "analytics_pr_42" })),
      asset("staging/b", tags({ s: "analytics_pr_42" })),
    );
    const changes = review(base, branch, [
      { ...SCHEMA[0], select: { keys: ["marts/**"] } } as Substitution,
    ]);
    expect(changes.assets.map((a) => a.key)).toEqual(["staging/b"]);
    expect(changes.suppressed.map((s) => s.key)).toEqual(["marts/a"]);
  });

  test("in dagster mode the change set is returned as it is", () => {
    const [base, branch] = pair(tags({ s: "analytics" }), tags({ s: "analytics_pr_42" }));
    const raw = diffAssetGraphs(base, branch, { changeTypes: "dagster" });
    const policy = substitutionRules(SCHEMA, VARIABLES);
    expect(policy(raw, createPolicyContext({ base, branch }))).toBe(raw);
    expect(
      review(base, branch, SCHEMA, VARIABLES, { changeTypes: "dagster" }).assets.map(
        (a) => a.changeTypes,
      ),
    ).toEqual([["TAGS"]]);
  });

  test("leaves its input untouched", () => {
    const [base, branch] = pair(
      { ...tags({ s: "analytics" }), description: "analytics" },
      { ...tags({ s: "analytics_pr_42" }), description: "analytics_pr_42" },
    );
    const raw = diffAssetGraphs(base, branch);
    const copy = structuredClone(raw);
    substitutionRules(SCHEMA, VARIABLES)(raw, createPolicyContext({ base, branch }));
    expect(raw).toEqual(copy);
  });
});
