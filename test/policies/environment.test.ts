import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { ChangeSet } from "../../src/diff/change-set";
import { changeSetSchema } from "../../src/diff/change-set-schema";
import { CHANGE_TYPES } from "../../src/diff/change-types";
import { type DiffOptions, diffAssetGraphs } from "../../src/diff/diff";
import { DEFAULT_RULES } from "../../src/diff/verdicts";
import { parseDbtManifest } from "../../src/load/dbt/parse";
import type { Asset, AssetGraph } from "../../src/model/asset";
import type { CodeReference, MetadataEntry, MetadataValue } from "../../src/model/metadata";
import type { IgnoreRule, Substitution } from "../../src/policies/config";
import { environmentRules } from "../../src/policies/environment";
import { ignoreRules } from "../../src/policies/ignore";
import { applyPolicies, createPolicyContext, type Policy } from "../../src/policies/policy";
import { substitutionRules } from "../../src/policies/substitutions";
import { arbGraph } from "../helpers/arbitraries";
import { asset, graph } from "../helpers/builders";

const TABLE = "dagster/table_name";
const RELATION = "dagster/relation_identifier";
const REFS = "dagster/code_references";

const text = (value: string): MetadataValue => ({ type: "text", text: value });
const refs = (...codeReferences: CodeReference[]): MetadataValue => ({
  type: "codeReferences",
  codeReferences,
});
const local = (filePath: string, lineNumber: number | null, label: string | null = null) =>
  ({ type: "localFile", filePath, lineNumber, label }) as const;
const url = (href: string, label: string | null = null) =>
  ({ type: "url", url: href, label }) as const;

/** Diffs two graphs and runs policies over the result, as the CLI does. */
function review(
  base: AssetGraph,
  branch: AssetGraph,
  policies: readonly Policy[] = [environmentRules()],
  options: DiffOptions = {},
): ChangeSet {
  return applyPolicies(
    diffAssetGraphs(base, branch, options),
    policies,
    createPolicyContext({ base, branch }),
  );
}

/** One asset `t` whose metadata key changes from `old` to `next` (absent for `null`). */
function oneChange(key: string, old: MetadataValue | null, next: MetadataValue | null) {
  const entries = (value: MetadataValue | null): MetadataEntry[] =>
    value === null ? [] : [{ key, value }];
  return review(
    graph(asset("t", { metadata: entries(old) })),
    graph(asset("t", { metadata: entries(next) })),
  );
}

const suppressedBy = (changes: ChangeSet) => changes.suppressed.map((s) => [s.rule, s.keys]);

describe("environmentRules: a branch that only moves its tables and code lines", () => {
  const side = (database: string, line: number) =>
    graph(
      asset("orders", {
        metadata: [
          { key: TABLE, value: text(`${database}.analytics.orders`) },
          { key: REFS, value: refs(local("models/orders.py", line)) },
        ],
      }),
      asset("customers", {
        metadata: [
          { key: TABLE, value: text(`${database}.analytics.customers`) },
          {
            key: REFS,
            value: refs(url(`https://github.com/o/r/blob/main/customers.py#L${line}`, "source")),
          },
        ],
      }),
      asset("raw", { metadata: [{ key: TABLE, value: text("raw.payments") }] }),
    );
  const prod = side("prod", 10);
  const branch = side("branch_db", 17);

  test("reports zero changes, every difference kept in suppressed with its rule and reason", () => {
    const raw = diffAssetGraphs(prod, branch);
    expect(raw.summary.assets.modified).toBe(2);
    const changes = review(prod, branch);
    expect(changes.assets).toEqual([]);
    expect(changes.summary.assets).toEqual({ new: 0, removed: 0, modified: 0, unchanged: 3 });
    expect(changes.summary.changeTypes.METADATA).toBe(0);
    expect(changes.summary.suppressed).toBe(changes.suppressed.length);
    expect(changes.suppressed.map((s) => [s.key, s.changeType, s.keys, s.rule, s.reason])).toEqual([
      [
        "customers",
        "METADATA",
        [REFS],
        "environment-code-references",
        DEFAULT_RULES["environment-code-references"],
      ],
      [
        "customers",
        "METADATA",
        [TABLE],
        "environment-table-name",
        DEFAULT_RULES["environment-table-name"],
      ],
      [
        "orders",
        "METADATA",
        [REFS],
        "environment-code-references",
        DEFAULT_RULES["environment-code-references"],
      ],
      [
        "orders",
        "METADATA",
        [TABLE],
        "environment-table-name",
        DEFAULT_RULES["environment-table-name"],
      ],
    ]);
    expect(changeSetSchema.safeParse(changes).success).toBe(true);
  });

  test("with includeUnchanged the assets are listed with empty change types", () => {
    const changes = review(prod, branch, [environmentRules()], { includeUnchanged: true });
    expect(
      changes.assets.map((a) => [a.key, a.changeTypes, a.extraChangeTypes, a.details]),
    ).toEqual([
      ["customers", [], [], {}],
      ["orders", [], [], {}],
      ["raw", [], [], {}],
    ]);
    expect(changes.summary.assets.unchanged).toBe(3);
    expect(changes.summary.suppressed).toBe(4);
  });

  test("dagster mode is Dagster parity: the policy returns the change set as it is", () => {
    const raw = diffAssetGraphs(prod, branch, { changeTypes: "dagster" });
    expect(environmentRules()(raw, createPolicyContext({ base: prod, branch }))).toBe(raw);
    const changes = review(prod, branch, [environmentRules()], { changeTypes: "dagster" });
    expect(
      changes.assets.map((a) => [a.key, a.changeTypes, a.details.metadata?.changedKeys]),
    ).toEqual([
      ["customers", ["METADATA"], [REFS, TABLE]],
      ["orders", ["METADATA"], [REFS, TABLE]],
    ]);
    expect(changes.suppressed).toEqual([]);
    expect(changes.summary.suppressed).toBe(0);
  });

  test("leaves its input untouched", () => {
    const raw = diffAssetGraphs(prod, branch);
    const copy = structuredClone(raw);
    environmentRules()(raw, createPolicyContext({ base: prod, branch }));
    expect(raw).toEqual(copy);
  });
});

describe("environmentRules: what else changed stays", () => {
  test("another metadata key stays, with only its key in the details", () => {
    const changes = review(
      graph(
        asset("t", {
          metadata: [
            { key: TABLE, value: text("prod.s.t") },
            { key: "owner_team", value: text("a") },
          ],
        }),
      ),
      graph(
        asset("t", {
          metadata: [
            { key: TABLE, value: text("dev.s.t") },
            { key: "owner_team", value: text("b") },
            { key: "new_key", value: text("c") },
          ],
        }),
      ),
    );
    const [only] = changes.assets;
    expect(only?.changeTypes).toEqual(["METADATA"]);
    expect(only?.details.metadata).toMatchObject({
      addedKeys: ["new_key"],
      changedKeys: ["owner_team"],
      removedKeys: [],
    });
    expect(only?.details.metadata?.values.map((v) => v.key)).toEqual(["new_key", "owner_team"]);
    expect(suppressedBy(changes)).toEqual([["environment-table-name", [TABLE]]]);
    expect(changes.summary.assets.modified).toBe(1);
  });

  test("a code version change stays when the table name moves", () => {
    const changes = review(
      graph(asset("t", { codeVersion: "1", metadata: [{ key: TABLE, value: text("prod.t") }] })),
      graph(asset("t", { codeVersion: "2", metadata: [{ key: TABLE, value: text("dev.t") }] })),
    );
    expect(changes.assets.map((a) => [a.key, a.changeTypes, Object.keys(a.details)])).toEqual([
      ["t", ["CODE_VERSION"], ["codeVersion"]],
    ]);
    expect(changes.summary.changeTypes).toMatchObject({ CODE_VERSION: 1, METADATA: 0 });
  });
});

describe("environment-table-name", () => {
  test.each([
    ["the database differs", "prod.analytics.orders", "dev.analytics.orders", true],
    ["the schema differs", "prod.analytics.orders", "prod.analytics_pr_42.orders", true],
    ["both qualifiers differ", "prod.analytics.orders", "dev.scratch.orders", true],
    ["a qualifier is dropped", "db.schema.t", "schema.t", true],
    ["every qualifier is dropped", "db.schema.t", "t", true],
    ["a qualifier is added", "t", "dev.t", true],
    ["the table is renamed", "prod.orders", "dev.orders_v2", false],
    ["only the table is renamed", "prod.s.orders", "prod.s.orders_v2", false],
    ["the table's case changes (compared as written)", "prod.Orders", "dev.orders", false],
    ["the table's quoting changes", 'prod."orders"', "dev.orders", false],
    ["quoted qualifiers with dots", '"my.db".schema."tbl"', '"other.db".schema."tbl"', true],
    ["a quoted table with a dot, renamed", 'db."a.orders"', 'db."b.orders"', false],
    ["a quoted table with a dot, moved", '"prod"."orders.v1"', '"dev"."orders.v1"', true],
    ["a doubled quote inside a quoted name", 'prod."a"".b"', 'dev."a"".b"', true],
    ["backticks", "`prod`.`orders`", "`dev`.`orders`", true],
    ["a backticked table with a dot, renamed", "db.`a.orders`", "db.`b.orders`", false],
    [
      "a BigQuery path in one pair of backticks",
      "`prod-proj.ds.orders`",
      "`pr-42.ds.orders`",
      true,
    ],
    ["a BigQuery path whose table changed", "`proj.ds.orders`", "`proj.ds.orders_v2`", false],
    ["square brackets", "[prod].[dbo].[orders]", "[dev].[dbo].[orders]", true],
    ["an escaped ] inside brackets", "db.[x]].t]", "db.[y]].t]", false],
    ["an unbalanced quote", '"prod.orders', '"dev.orders', false],
    ["an empty table part", "prod.", "dev.", false],
  ])("%s: %s → %s suppressed: %s", (_name, old, next, suppressed) => {
    const changes = oneChange(TABLE, text(old), text(next));
    expect(changes.assets.length).toBe(suppressed ? 0 : 1);
    expect(suppressedBy(changes)).toEqual(suppressed ? [["environment-table-name", [TABLE]]] : []);
  });

  test("dagster/relation_identifier is a table name too", () => {
    expect(suppressedBy(oneChange(RELATION, text("prod.s.t"), text("dev.s.t")))).toEqual([
      ["environment-table-name", [RELATION]],
    ]);
  });

  test("another key with a table-like value is not", () => {
    expect(suppressedBy(oneChange("my/table", text("prod.s.t"), text("dev.s.t")))).toEqual([]);
  });

  test.each([
    ["added", null, text("dev.t")],
    ["removed", text("prod.t"), null],
    ["text to a JSON string", text("prod.t"), { type: "json", value: "dev.t" }],
    ["a path", { type: "path", path: "prod.t" }, { type: "path", path: "dev.t" }],
  ] as [string, MetadataValue | null, MetadataValue | null][])(
    "a table name %s is a real change",
    (_name, old, next) => {
      const changes = oneChange(TABLE, old, next);
      expect(changes.assets.map((a) => a.changeTypes)).toEqual([["METADATA"]]);
      expect(changes.suppressed).toEqual([]);
    },
  );

  test("JSON strings on both sides are names too", () => {
    const json = (value: string): MetadataValue => ({ type: "json", value });
    expect(suppressedBy(oneChange(TABLE, json("prod.t"), json("dev.t")))).toEqual([
      ["environment-table-name", [TABLE]],
    ]);
  });
});

describe("environment-code-references", () => {
  const GH = "https://github.com/o/r/blob/main/a.py";
  const GL = "https://gitlab.com/o/r/-/blob/main/a.py";
  test.each([
    ["a line shift", [local("a.py", 10)], [local("a.py", 12)], true],
    ["a line number appears", [local("a.py", null)], [local("a.py", 12)], true],
    [
      "several references, each shifted",
      [local("a.py", 1, "x"), url(`${GH}#L1`, "y")],
      [local("a.py", 5, "x"), url(`${GH}#L5`, "y")],
      true,
    ],
    ["a changed path", [local("a.py", 10)], [local("b.py", 10)], false],
    ["a changed label", [local("a.py", 10, "x")], [local("a.py", 12, "y")], false],
    ["an added reference", [local("a.py", 10)], [local("a.py", 10), local("b.py", 1)], false],
    ["a removed reference", [local("a.py", 10), local("b.py", 1)], [local("b.py", 1)], false],
    [
      "swapped references",
      [local("a.py", 1), local("b.py", 1)],
      [local("b.py", 2), local("a.py", 2)],
      false,
    ],
    ["a file that became a URL", [local("a.py", 1)], [url(`${GH}#L1`)], false],
    ["GitHub #L12 → #L14", [url(`${GH}#L12`)], [url(`${GH}#L14`)], true],
    ["GitHub ranges", [url(`${GH}#L12-L20`)], [url(`${GH}#L30-L38`)], true],
    ["GitHub columns", [url(`${GH}#L12C3-L14C9`)], [url(`${GH}#L13C1-L15C2`)], true],
    ["GitLab ranges", [url(`${GL}#L12-20`)], [url(`${GL}#L22-30`)], true],
    ["Bitbucket ranges", [url(`${GH}#lines-12:20`)], [url(`${GH}#lines-14:22`)], true],
    ["an anchor dropped", [url(`${GH}#L12`)], [url(GH)], true],
    [
      "a changed file in the URL",
      [url(`${GH}#L12`)],
      [url(`${GH.replace("a.py", "b.py")}#L12`)],
      false,
    ],
    [
      "a changed branch in the URL",
      [url(`${GH}#L12`)],
      [url(`${GH.replace("main", "feat")}#L14`)],
      false,
    ],
    ["another fragment", [url(`${GH}#section-a`)], [url(`${GH}#section-b`)], false],
    ["an anchor that is not only lines", [url(`${GH}#L12x`)], [url(`${GH}#L14x`)], false],
    ["a changed URL label", [url(`${GH}#L12`, "a")], [url(`${GH}#L14`, "b")], false],
  ] as [string, CodeReference[], CodeReference[], boolean][])(
    "%s: suppressed %s",
    (_name, old, next, suppressed) => {
      const changes = oneChange(REFS, refs(...old), refs(...next));
      expect(changes.assets.length).toBe(suppressed ? 0 : 1);
      expect(suppressedBy(changes)).toEqual(
        suppressed ? [["environment-code-references", [REFS]]] : [],
      );
    },
  );

  test("references of an unknown kind must be equal as they are", () => {
    const unknown = (line: number): CodeReference => ({
      type: "unknown",
      typename: "FutureCodeReference",
      raw: { line },
    });
    const changes = oneChange(
      REFS,
      refs(unknown(1), local("a.py", 1)),
      refs(unknown(1), local("a.py", 2)),
    );
    expect(suppressedBy(changes)).toEqual([["environment-code-references", [REFS]]]);
    expect(suppressedBy(oneChange(REFS, refs(unknown(1)), refs(unknown(2))))).toEqual([]);
  });
});

// Real manifests nobody here wrote, in ../shared/data (see each folder's SOURCE.md). Skipped on a
// clone without them.
const RECCE = join(process.cwd(), "..", "shared", "data", "recce-manifest-pair-v12");

describe.runIf(existsSync(RECCE))("Recce jaffle_shop base → PR 2 (prod schema → dev)", () => {
  const load = (name: string) =>
    parseDbtManifest(JSON.parse(readFileSync(join(RECCE, name), "utf8")), {
      source: name,
      codeLocation: "dbt",
      repository: "__repository__",
    });

  test("only the rewritten customers model and the two new models stay", () => {
    const base = load("manifest-base.json");
    const branch = load("manifest-pr2.json");
    const changes = review(base, branch);
    expect(changes.assets.map((a) => [a.key, a.changeTypes, a.extraChangeTypes])).toEqual([
      ["customers", ["CODE_VERSION", "DEPENDENCIES"], ["DESCRIPTION"]],
      ["int_customer_orders", ["NEW"], []],
      ["int_customer_payments", ["NEW"], []],
    ]);
    expect(changes.assets[0]?.details.metadata).toBeUndefined();
    expect(changes.suppressed.map((s) => [s.key, s.rule, s.keys])).toEqual(
      [
        "customer_order_pattern",
        "customer_segments",
        "customers",
        "orders",
        "stg_customers",
        "stg_orders",
        "stg_payments",
      ].map((key) => [key, "environment-table-name", [TABLE]]),
    );
    expect(changes.summary.suppressed).toBe(7);
    expect(changes.summary.assets).toEqual({ new: 2, removed: 0, modified: 1, unchanged: 9 });
  });
});

describe("policy properties", () => {
  // Seeded, so a failure is reproducible; fast-check prints the seed and the shrunk case.
  const runs = { numRuns: 200, seed: 20261130 };

  // Table names and code references that are, or are not, environment differences.
  const envEntry: fc.Arbitrary<MetadataEntry> = fc.oneof(
    fc.record({
      key: fc.constantFrom(TABLE, RELATION),
      value: fc.constantFrom("prod.s.t", "dev.s.t", "t", "dev.u", '"a.b".t', "a").map(text),
    }),
    fc.record({
      key: fc.constant(REFS),
      value: fc
        .array(
          fc.oneof(
            fc.record({
              type: fc.constant("localFile" as const),
              filePath: fc.constantFrom("a.py", "b.py"),
              lineNumber: fc.option(fc.nat(3)),
              label: fc.constant(null),
            }),
            fc.record({
              type: fc.constant("url" as const),
              url: fc.constantFrom("https://x/a#L1", "https://x/a#L2-L3", "https://x/b"),
              label: fc.constant(null),
            }),
          ),
          { maxLength: 2 },
        )
        .map((list) => refs(...list)),
    }),
  );
  const withEnv = (g: AssetGraph, extra: MetadataEntry[][]): AssetGraph => ({
    assets: g.assets.map((a, i) => {
      if (a.metadata === undefined) return a;
      const keys = new Set(a.metadata.map((m) => m.key));
      const added = (extra[i] ?? []).filter((m) => !keys.has(m.key));
      return { ...a, metadata: [...a.metadata, ...added] };
    }),
  });
  const arbEnv = fc.array(fc.uniqueArray(envEntry, { selector: (m) => m.key, maxLength: 2 }), {
    minLength: 8,
    maxLength: 8,
  });
  // The branch mostly keeps the base's assets, some fields taken from another random asset, so
  // that the same assets change in every section (independent graphs rarely share an asset).
  const FIELDS = ["tags", "metadata", "description", "codeVersion", "dependencies"] as const;
  const eight = <T>(arb: fc.Arbitrary<T>) => fc.array(arb, { minLength: 8, maxLength: 8 });
  const arbPair = fc
    .tuple(arbGraph, arbGraph, arbEnv, arbEnv, eight(fc.subarray([...FIELDS])), eight(fc.boolean()))
    .map(([base, other, baseEnv, branchEnv, fields, replace]) => {
      const seen = new Set<string>();
      const assets = base.assets.flatMap((a, i) => {
        const o = other.assets[i];
        const next: Asset = replace[i] && o ? o : { ...a };
        if (next !== o && o) for (const f of fields[i] ?? []) copyField(next, o, f);
        const id = JSON.stringify([next.codeLocation, next.key]);
        if (seen.has(id)) return [];
        seen.add(id);
        return [next];
      });
      return [withEnv(base, baseEnv), withEnv({ assets }, branchEnv)] as const;
    });
  const copyField = (to: Asset, from: Asset, field: (typeof FIELDS)[number]) => {
    if (from[field] === undefined) delete to[field];
    else Object.assign(to, { [field]: from[field] });
  };

  const word = fc.constantFrom("a", "b", "raw", "stg", "prod", "dev", "*", "**");
  const arbIgnore: fc.Arbitrary<IgnoreRule[]> = fc.array(
    fc.record(
      {
        id: fc.constantFrom("one", "two"),
        select: fc.record({ keys: fc.array(word, { minLength: 1, maxLength: 2 }) }),
        changeTypes: fc.subarray([...CHANGE_TYPES], { minLength: 1, maxLength: 3 }),
        tags: fc.array(word, { minLength: 1, maxLength: 2 }),
        metadata: fc.array(word, { minLength: 1, maxLength: 2 }),
        reason: fc.constant("because"),
      },
      { requiredKeys: ["reason"] },
    ),
    { maxLength: 3 },
  );
  const arbSubstitutions: fc.Arbitrary<Substitution[]> = fc.array(
    fc.record({
      from: fc.constantFrom("a", "b", "c", "stg", "prod", "raw"),
      to: fc.constantFrom("", "a", "raw", "dev"),
    }),
    { maxLength: 2 },
  );

  const compared = (cs: ChangeSet) =>
    cs.summary.assets.new +
    cs.summary.assets.removed +
    cs.summary.assets.modified +
    cs.summary.assets.unchanged;

  test("the compared assets are kept, and nothing suppressed is left in the details", () => {
    fc.assert(
      fc.property(
        arbPair,
        arbIgnore,
        arbSubstitutions,
        fc.boolean(),
        ([base, branch], ignore, substitutions, includeUnchanged) => {
          const raw = diffAssetGraphs(base, branch, { includeUnchanged });
          const copy = structuredClone(raw);
          const policies = [
            environmentRules(),
            substitutionRules(substitutions, {}),
            ignoreRules(ignore),
          ];
          const changes = applyPolicies(raw, policies, createPolicyContext({ base, branch }));
          expect(raw).toEqual(copy);
          expect(compared(changes)).toBe(compared(raw));
          expect(changes.summary.suppressed).toBe(changes.suppressed.length);
          if (includeUnchanged) expect(changes.assets.length).toBe(raw.assets.length);
          for (const s of changes.suppressed) {
            const listed = changes.assets.find(
              (a) => a.key === s.key && a.codeLocation === s.codeLocation,
            );
            if (listed === undefined) continue;
            const types: string[] = [...listed.changeTypes, ...(listed.extraChangeTypes ?? [])];
            if (s.keys.length === 0) {
              expect(types).not.toContain(s.changeType);
              continue;
            }
            const details = s.changeType === "TAGS" ? listed.details.tags : listed.details.metadata;
            const left = [
              ...(details?.addedKeys ?? []),
              ...(details?.changedKeys ?? []),
              ...(details?.removedKeys ?? []),
              ...(details?.values.map((v) => v.key) ?? []),
            ];
            for (const key of s.keys) expect(left).not.toContain(key);
          }
          expect(changeSetSchema.safeParse(changes).success).toBe(true);
        },
      ),
      runs,
    );
  });

  test("in dagster mode every policy returns the change set as it is", () => {
    fc.assert(
      fc.property(arbPair, arbIgnore, arbSubstitutions, ([base, branch], ignore, substitutions) => {
        const raw = diffAssetGraphs(base, branch, { changeTypes: "dagster" });
        const context = createPolicyContext({ base, branch });
        for (const policy of [
          environmentRules(),
          substitutionRules(substitutions, {}),
          ignoreRules(ignore),
        ]) {
          expect(policy(raw, context)).toBe(raw);
        }
      }),
      runs,
    );
  });
});
