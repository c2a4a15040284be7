import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test, vi } from "vitest";
import { UsageError } from "../../src/errors";
import { parseAssetGraph } from "../../src/load/index";
import type { Asset, AssetGraph } from "../../src/model/asset";
import type { AssetGraphMatcherContext } from "../../src/testing/_context";
import {
  type AssetChangesOptions,
  assetGraphMatchers,
  createAssetGraphMatchers,
} from "../../src/testing/matchers";
import { asset, gqlNode, gqlWorkspace, graph } from "../helpers/builders";

expect.extend(assetGraphMatchers);

const exampleJson = (name: string) =>
  JSON.parse(
    readFileSync(join(import.meta.dirname, "../../fixtures/example", `${name}.json`), "utf8"),
  );
const base = exampleJson("base");
const branch = exampleJson("branch");

const prod = graph(asset("raw/orders", { codeVersion: "1" }), asset("marts/revenue"));
const pr = graph(
  asset("raw/orders", { codeVersion: "2" }),
  asset("marts/revenue", { group: "finance" }),
  asset("ml/forecast"),
);

/** Calls a matcher as a framework would, with a plain context (no colours). */
const changes = (
  received: unknown,
  baseGraph: unknown,
  expected?: Record<string, string[]>,
  options?: AssetChangesOptions,
  isNot = false,
) =>
  assetGraphMatchers.toHaveAssetChanges.call(
    { isNot },
    received,
    baseGraph,
    expected as never,
    options,
  );

describe("toHaveAssetChanges", () => {
  test("passes for exactly the changes of the example branch", () => {
    expect(branch).toHaveAssetChanges(base, {
      "analytics:shared/currency_rates": ["CODE_VERSION"],
      "intermediate/int_deal_pipeline": ["METADATA"],
      "intermediate/int_sessions": ["DEPENDENCIES"],
      "marts/core/dim_calendar": ["NEW"],
      "marts/core/dim_customers": ["FRESHNESS_POLICY", "DEPENDENCIES"],
      "marts/core/dim_dates": ["REMOVED"],
      "marts/core/dim_partners": ["DEPENDENCIES"],
      "marts/finance/fct_mrr": ["GROUP", "CODE_VERSION", "TAGS", "METADATA", "CHECKS"],
      "marts/finance/fct_refunds": ["REMOVED"],
      "marts/finance/fct_revenue": ["CODE_VERSION", "DEPENDENCIES", "METADATA", "CHECKS"],
      "marts/finance/revenue_by_region": ["PARTITIONS_DEFINITION", "OWNERS"],
      "marts/marketing/fct_web_traffic": ["DEPENDENCIES", "AUTOMATION_CONDITION"],
      "marts/sales/fct_pipeline": ["PARTITIONS_DEFINITION"],
      "ml/features/churn_features": ["NEW"],
      "ml/features/customer_features": ["TAGS", "KINDS"],
      "ml/models/ltv_model": ["DEPENDENCIES", "METADATA"],
      "ml/scores/churn_risk_scores": ["NEW"],
      "raw/events/app_events": ["PARTITIONS_DEFINITION"],
      "raw/events/page_views": ["PARTITIONS_DEFINITION", "BACKFILL_POLICY"],
      "raw/hubspot/contacts": ["EXECUTION_TYPE"],
      "raw/stripe/charges": ["METADATA"],
      "raw/stripe/customers": ["TAGS"],
      "raw/stripe/subscriptions": ["NEW"],
      "staging/stg_charges": ["METADATA", "DESCRIPTION", "CHECKS"],
      "staging/stg_page_views": ["METADATA"],
      weekly_exec_report: ["DEPENDENCIES", "TAGS"],
      // Listed as unchanged: allowed, and checked.
      "ingestion:shared/currency_rates": [],
      // It reads a column stg_charges drops, but its own definition is the same.
      "intermediate/int_payments": [],
    });
  });

  test.each<[string, Record<string, string[]>, AssetChangesOptions, boolean]>([
    [
      "exact",
      { "raw/orders": ["CODE_VERSION"], "marts/revenue": ["GROUP"], "ml/forecast": ["NEW"] },
      {},
      true,
    ],
    [
      "in any order, repeats ignored",
      { "ml/forecast": ["NEW", "NEW"], "marts/revenue": ["GROUP"], "raw/orders": ["CODE_VERSION"] },
      {},
      true,
    ],
    [
      "a change type missing",
      { "raw/orders": [], "marts/revenue": ["GROUP"], "ml/forecast": ["NEW"] },
      {},
      false,
    ],
    [
      "a change type too many",
      {
        "raw/orders": ["CODE_VERSION", "TAGS"],
        "marts/revenue": ["GROUP"],
        "ml/forecast": ["NEW"],
      },
      {},
      false,
    ],
    [
      "an asset not listed",
      { "raw/orders": ["CODE_VERSION"], "marts/revenue": ["GROUP"] },
      {},
      false,
    ],
    [
      "Dagster's types only",
      { "raw/orders": ["CODE_VERSION"], "ml/forecast": ["NEW"] },
      { changeTypes: "dagster" },
      true,
    ],
    [
      "Dagster's types only, an extra type expected",
      { "raw/orders": ["CODE_VERSION"], "marts/revenue": [], "ml/forecast": ["NEW"] },
      { changeTypes: "dagster" },
      true,
    ],
  ])("%s", (_name, expected, options, pass) => {
    expect(changes(pr, prod, expected, options).pass).toBe(pass);
    expect(changes(pr, prod, expected, options, true).pass).toBe(pass);
  });

  test("a failure shows what differs, the changes as an expectation to paste, and the change set", () => {
    const result = changes(pr, prod, {
      "raw/orders": ["CODE_VERSION", "TAGS"],
      "marts/revenue": [],
    });
    expect(result.pass).toBe(false);
    expect(result.message()).toMatchInlineSnapshot(`
      "expect(received).toHaveAssetChanges(base, expected)

      The asset changes differ from the expected ones:
        marts/revenue: expected no change, found GROUP
        ml/forecast: expected no change, found NEW
        raw/orders: expected CODE_VERSION, TAGS, found CODE_VERSION (missing TAGS)

      The changes found, as an expectation:
        {
          "marts/revenue": ["GROUP"],
          "ml/forecast": ["NEW"],
          "raw/orders": ["CODE_VERSION"],
        }

      Change set:
        asset-diff: graph (2 assets) → graph (3 assets)
        1 new, 0 removed, 2 modified, 0 unchanged

        New (1)
          + ml/forecast  [loc]

        Modified (2)
          ~ marts/revenue  [loc]  (GROUP)
              group: "default" → "finance"
          ~ raw/orders  [loc]     CODE_VERSION
              code version: "1" → "2""
    `);
  });

  test("without expected changes it asserts that something changed; .not that nothing did", () => {
    expect(pr).toHaveAssetChanges(prod);
    expect(prod).not.toHaveAssetChanges(prod);
    const reordered = { assets: [...parseAssetGraph(base).assets].reverse() };
    expect(reordered).not.toHaveAssetChanges(base);
    expect(changes(prod, prod).message()).toContain("Expected asset changes, but found none.");
    const negated = changes(pr, prod, undefined, {}, true);
    expect(negated.pass).toBe(true);
    expect(negated.message()).toMatchInlineSnapshot(`
      "expect(received).not.toHaveAssetChanges(base)

      Expected no asset changes, but found 1 new, 0 removed, 2 modified, 0 unchanged.

      Change set:
        asset-diff: graph (2 assets) → graph (3 assets)
        1 new, 0 removed, 2 modified, 0 unchanged

        New (1)
          + ml/forecast  [loc]

        Modified (2)
          ~ marts/revenue  [loc]  (GROUP)
              group: "default" → "finance"
          ~ raw/orders  [loc]     CODE_VERSION
              code version: "1" → "2""
    `);
    expect(
      changes(
        pr,
        prod,
        { "raw/orders": ["CODE_VERSION"], "marts/revenue": ["GROUP"], "ml/forecast": ["NEW"] },
        {},
        true,
      ).message(),
    ).toContain("Expected other asset changes than these, but found exactly them:");
    expect(() => expect(pr).not.toHaveAssetChanges(prod)).toThrow("Expected no asset changes");
  });

  test("scopes to one code location, and qualifies keys that are in several", () => {
    const twice = (location: string, codeVersion: string) =>
      asset("shared/rates", { codeLocation: location, codeVersion });
    const before = graph(twice("a", "1"), twice("b", "1"));
    const after = graph(twice("a", "2"), twice("b", "2"));
    expect(after).toHaveAssetChanges(before, {
      "a:shared/rates": ["CODE_VERSION"],
      "b:shared/rates": ["CODE_VERSION"],
    });
    expect(after).toHaveAssetChanges(
      before,
      { "shared/rates": ["CODE_VERSION"] },
      { codeLocation: "a" },
    );
    expect(() =>
      expect(after).toHaveAssetChanges(before, { "shared/rates": ["CODE_VERSION"] }),
    ).toThrow(
      'the expected key "shared/rates" names 2 changed assets; write one of "a:shared/rates", "b:shared/rates"',
    );
    // Only one of the two changed: the plain key names it.
    const oneChanged = graph(twice("a", "2"), twice("b", "1"));
    expect(oneChanged).toHaveAssetChanges(before, { "shared/rates": ["CODE_VERSION"] });
    expect(
      changes(graph(twice("a", "2"), twice("b", "3")), before, {
        "a:shared/rates": ["CODE_VERSION"],
      }).message(),
    ).toContain("b:shared/rates: expected no change, found CODE_VERSION");
  });

  test("reads the graphs from any supported document", () => {
    const gql = (version: string) =>
      gqlWorkspace({ analytics: [gqlNode("raw/orders", { opVersion: version })] });
    expect(gql("2")).toHaveAssetChanges(
      gql("1"),
      { "raw/orders": ["CODE_VERSION"] },
      { changeTypes: "dagster" },
    );
    expect(() => expect({ nope: true }).toHaveAssetChanges(gql("1"))).toThrow(/received/);
  });

  test.each<[string, () => unknown, string | RegExp]>([
    [
      "an unknown change type",
      () => changes(pr, prod, { "raw/orders": ["CODEVERSION"] }),
      '"CODEVERSION" (expected for "raw/orders") is not a change type',
    ],
    [
      "an extra type in Dagster mode",
      () => changes(pr, prod, { "marts/revenue": ["GROUP"] }, { changeTypes: "dagster" }),
      'GROUP (expected for "marts/revenue") is not one of Dagster\'s change types',
    ],
    [
      "a key no asset has",
      () => changes(pr, prod, { "raw/order": ["NEW"] }),
      'the expected key "raw/order" names no asset in the base or the received graph',
    ],
    [
      "one asset listed twice",
      () =>
        changes(pr, prod, { "raw/orders": ["CODE_VERSION"], "loc:raw/orders": ["CODE_VERSION"] }),
      'the expected keys "raw/orders" and "loc:raw/orders" name the same asset',
    ],
    [
      "change types that are not a list",
      () => changes(pr, prod, { "raw/orders": "CODE_VERSION" as never }),
      /must be an array/,
    ],
    [
      "expected changes that are not an object",
      () => changes(pr, prod, [] as never),
      /must be an object/,
    ],
    [
      "an unknown option value",
      () => changes(pr, prod, {}, { changeTypes: "some" as never }),
      /changeTypes must be "dagster" or "all"/,
    ],
  ])("throws a UsageError, under .not too, for %s", (_name, call, message) => {
    expect(call).toThrow(UsageError);
    expect(call).toThrow(message);
  });

  test("throws when a code location did not load, rather than pass for want of assets", () => {
    const failed = gqlWorkspace({ analytics: { error: "ImportError: no module named x" } });
    const ok = gqlWorkspace({ analytics: [gqlNode("a")] });
    expect(() => changes(failed, ok, undefined, {}, true)).toThrow(
      "toHaveAssetChanges cannot tell what changed: code location analytics failed to load in the branch",
    );
  });

  test("caps the change set in a message", () => {
    const many = (version: string) =>
      graph(...Array.from({ length: 200 }, (_, i) => asset(`a${i}`, { codeVersion: version })));
    const message = changes(many("2"), many("1"), {}).message();
    expect(message).toMatch(
      /… \d+ more lines \(renderText\(diffAssetGraphs\(base, received\)\) prints them all\)$/,
    );
  });

  test("defaults set by createAssetGraphMatchers, overridden per call", () => {
    const dagster = createAssetGraphMatchers({ changes: { changeTypes: "dagster" } });
    const call = (options?: AssetChangesOptions) =>
      dagster.toHaveAssetChanges.call(
        { isNot: false },
        pr,
        prod,
        { "raw/orders": ["CODE_VERSION"], "ml/forecast": ["NEW"] },
        options,
      );
    expect(call().pass).toBe(true);
    expect(call({ changeTypes: "all" }).pass).toBe(false);
  });

  test("works as an asymmetric matcher", () => {
    expect({ pr }).toEqual({ pr: expect.toHaveAssetChanges(prod) });
    expect({ pr: prod }).not.toEqual({ pr: expect.toHaveAssetChanges(prod) });
  });
});

describe("toMatchAssetGraphSnapshot", () => {
  test("stores the graph's text in the snapshot file", () => {
    expect(pr).toMatchAssetGraphSnapshot();
    const response = gqlWorkspace({
      analytics: [
        gqlNode("marts/revenue", {
          opVersion: "4bc9060a",
          dependencyKeys: [{ path: ["raw", "orders"] }],
          metadataEntries: [
            { __typename: "TextMetadataEntry", label: "dagster_dbt/unique_id", text: "model.x" },
            { __typename: "IntMetadataEntry", label: "dagster/row_count", intValue: 12 },
          ],
        }),
      ],
    });
    expect(response).toMatchAssetGraphSnapshot({
      hint: "a GraphQL response, without dagster_dbt metadata",
      omitMetadata: [/^dagster_dbt\//],
    });
  });

  test("cannot be negated, and needs a running test", () => {
    expect(() => expect(pr).not.toMatchAssetGraphSnapshot()).toThrow(
      "toMatchAssetGraphSnapshot cannot be used with .not",
    );
    expect(() => assetGraphMatchers.toMatchAssetGraphSnapshot.call({}, pr)).toThrow(
      "toMatchAssetGraphSnapshot needs a snapshot state on the matcher context",
    );
  });

  /** A snapshot state that records what it was asked and answers as told. */
  const fakeState = (answer: Record<string, unknown>) => {
    const calls: Record<string, unknown>[] = [];
    return {
      calls,
      state: {
        expand: false,
        match: (options: Record<string, unknown>) => {
          calls.push(options);
          return answer;
        },
      },
    };
  };

  test("asks the framework's snapshot state, naming the snapshot as the framework does", () => {
    const jestLike = fakeState({ pass: true });
    const dontThrow = vi.fn();
    const jestContext = {
      snapshotState: jestLike.state,
      currentTestName: "suite test",
      currentTestIdentity: () => "id-1",
      dontThrow,
    };
    expect(
      assetGraphMatchers.toMatchAssetGraphSnapshot.call(
        jestContext as AssetGraphMatcherContext,
        pr,
        "prod",
      ).pass,
    ).toBe(true);
    const vitestLike = fakeState({ pass: true });
    const vitestContext = {
      snapshotState: vitestLike.state,
      currentTestName: "suite > test",
      task: { id: "t1" },
      assertion: {},
    };
    assetGraphMatchers.toMatchAssetGraphSnapshot.call(
      vitestContext as AssetGraphMatcherContext,
      pr,
      "prod",
    );

    expect(dontThrow).toHaveBeenCalledOnce();
    expect(jestLike.calls[0]).toMatchObject({
      testName: "suite test: prod",
      isInline: false,
      testIdentity: "id-1",
    });
    expect(vitestLike.calls[0]).toMatchObject({
      testName: "suite > test > prod",
      testId: "t1",
      assertionName: "toMatchAssetGraphSnapshot",
    });
    // The received value prints bare (pretty-format's asymmetric-matcher plugin): the text itself.
    const received = jestLike.calls[0]?.received as {
      toAsymmetricMatcher(): string;
      $$typeof: symbol;
    };
    expect(received.$$typeof).toBe(Symbol.for("jest.asymmetricMatcher"));
    expect(received.toAsymmetricMatcher()).toMatch(
      /^asset graph: 3 assets\n\nasset marts\/revenue/,
    );
    expect(received.toAsymmetricMatcher().endsWith("\n")).toBe(false);
  });

  test("a mismatch: jest gets the diff in the message, vitest gets actual and expected", () => {
    const answer = {
      pass: false,
      key: "t 1",
      actual: "asset graph: 2 assets\nb",
      expected: "asset graph: 2 assets\na",
    };
    const jestResult = assetGraphMatchers.toMatchAssetGraphSnapshot.call(
      {
        snapshotState: fakeState(answer).state,
        currentTestName: "t",
        utils: { diff: (a: string, b: string) => `DIFF(${a} | ${b})` },
      } as AssetGraphMatcherContext,
      pr,
    );
    expect(jestResult.pass).toBe(false);
    expect(jestResult.message()).toBe(
      "expect(received).toMatchAssetGraphSnapshot()\n\nSnapshot `t 1` mismatched\n\nDIFF(asset graph: 2 assets\na | asset graph: 2 assets\nb)",
    );
    const vitestResult = assetGraphMatchers.toMatchAssetGraphSnapshot.call(
      {
        snapshotState: fakeState(answer).state,
        currentTestName: "t",
        assertion: {},
      } as AssetGraphMatcherContext,
      pr,
    );
    expect(vitestResult).toMatchObject({
      pass: false,
      actual: answer.actual,
      expected: answer.expected,
    });
    expect(vitestResult.message()).toBe(
      "expect(received).toMatchAssetGraphSnapshot()\n\nSnapshot `t 1` mismatched",
    );
  });

  test("a snapshot not stored and not written (CI) says how to write it", () => {
    const result = assetGraphMatchers.toMatchAssetGraphSnapshot.call(
      {
        snapshotState: fakeState({ pass: false, count: 2, actual: "text" }).state,
        currentTestName: "t",
      },
      pr,
    );
    expect(result.message()).toBe(
      "expect(received).toMatchAssetGraphSnapshot()\n\nSnapshot `t 2` is not stored, and new snapshots are not written in CI (or with --ci): run the tests with -u to write it.\n\nReceived:\ntext",
    );
  });

  test("reads a received value that is not a graph as a document, or throws", () => {
    expect(() => expect({ data: {} }).toMatchAssetGraphSnapshot()).toThrow(/received/);
    const invalid: AssetGraph = { assets: [asset("a"), asset("a")] as Asset[] };
    expect(() => expect(invalid).toMatchAssetGraphSnapshot()).toThrow(/defined twice/);
  });
});
