import { describe, expect, test } from "vitest";
import type { AssetChange, ChangeSet, ProbableMove } from "../../src/diff/change-set";
import { changeSetSchema } from "../../src/diff/change-set-schema";
import { type DiffOptions, diffAssetGraphs } from "../../src/diff/diff";
import type { Asset, AssetGraph } from "../../src/model/asset";
import type { MetadataEntry } from "../../src/model/metadata";
import type { DeclaredMove } from "../../src/policies/config";
import { movedDependencyRules, moveRules } from "../../src/policies/moves";
import { applyPolicies, createPolicyContext } from "../../src/policies/policy";
import { severityRules } from "../../src/policies/severity";
import { asset, dep, graph } from "../helpers/builders";

/** Diffs two graphs and runs moves, severity and moved dependencies; the result must validate. */
function review(
  base: AssetGraph,
  branch: AssetGraph,
  moves: DeclaredMove[] = [],
  options: DiffOptions = {},
): ChangeSet {
  const reviewed = applyPolicies(
    diffAssetGraphs(base, branch, options),
    [moveRules(moves), severityRules([]), movedDependencyRules(moves)],
    createPolicyContext({ base, branch }),
  );
  expect(changeSetSchema.safeParse(reviewed).success).toBe(true);
  return reviewed;
}

/** The same comparison with the severity policy alone: what the moves policies must not lower. */
function severityOnly(base: AssetGraph, branch: AssetGraph): ChangeSet {
  return applyPolicies(
    diffAssetGraphs(base, branch),
    [severityRules([])],
    createPolicyContext({ base, branch }),
  );
}

function entry(changeSet: ChangeSet, key: string, codeLocation = "loc"): AssetChange {
  const found = changeSet.assets.find((a) => a.key === key && a.codeLocation === codeLocation);
  if (found === undefined) throw new Error(`no entry for ${key} in ${codeLocation}`);
  return found;
}

/** Verdicts without their ids, for comparing. */
const verdicts = (change: AssetChange) => change.reasons?.map(({ id: _id, ...rest }) => rest);

const keys = (changeSet: ChangeSet) => changeSet.assets.map((a) => `${a.key}@${a.codeLocation}`);

const identity = (key: string, codeLocation = "loc") => ({
  key,
  path: key.split("/"),
  codeLocation,
  repository: "__repository__",
});

const pairs = (moves: readonly ProbableMove[] | undefined) =>
  (moves ?? []).map((m) => [m.from.key, m.to.key]);

const text = (key: string, value: string): MetadataEntry => ({
  key,
  value: { type: "text", text: value },
});

const ORDERS = "raw/orders";
const SHOP_ORDERS = "raw/shop/orders";
const MOVE: DeclaredMove = { from: ORDERS, to: SHOP_ORDERS };

describe("moveRules: declared moves", () => {
  test.each<{
    name: string;
    before: Partial<Asset>;
    after: Partial<Asset>;
    changeTypes: string[];
    extraChangeTypes: string[];
    severity: string;
  }>([
    {
      name: "no other change",
      before: { codeVersion: "1" },
      after: { codeVersion: "1" },
      changeTypes: [],
      extraChangeTypes: ["MOVED"],
      severity: "risky",
    },
    {
      name: "a code version and a tag change between them",
      before: { codeVersion: "1" },
      after: { codeVersion: "2", tags: [{ key: "team", value: "shop" }] },
      changeTypes: ["CODE_VERSION", "TAGS"],
      extraChangeTypes: ["MOVED"],
      severity: "risky",
    },
    {
      name: "a group change (an extra type, sorted beside MOVED)",
      before: {},
      after: { group: "shop" },
      changeTypes: [],
      extraChangeTypes: ["GROUP", "MOVED"],
      severity: "risky",
    },
    {
      name: "a partitions change (breaking, as between two versions)",
      before: {},
      after: { partitionsDefinition: { type: "STATIC", description: "a, b", keys: ["a", "b"] } },
      changeTypes: ["PARTITIONS_DEFINITION"],
      extraChangeTypes: ["MOVED"],
      severity: "breaking",
    },
  ])("one MOVED entry at the new key: $name", (c) => {
    const changes = review(
      graph(asset(ORDERS, c.before), asset("other")),
      graph(asset(SHOP_ORDERS, c.after), asset("other")),
      [MOVE],
    );
    expect(keys(changes)).toEqual([`${SHOP_ORDERS}@loc`]);
    const moved = entry(changes, SHOP_ORDERS);
    expect(moved).toMatchObject({
      changeTypes: c.changeTypes,
      extraChangeTypes: c.extraChangeTypes,
      movedFrom: identity(ORDERS),
      severity: c.severity,
    });
    expect(verdicts(moved)?.find((r) => r.changeType === "MOVED")).toEqual({
      changeType: "MOVED",
      severity: "risky",
      reason: "MOVED",
      message:
        "the asset moved to a new key or code location; whatever reads the old key must follow",
    });
    expect(changes.summary.assets).toEqual({
      new: 0,
      removed: 0,
      modified: 0,
      unchanged: 1,
      moved: 1,
    });
    expect(changes.probableMoves).toEqual([]);
  });

  test("details are the differ's, as between two versions of one asset", () => {
    const before = asset(ORDERS, { codeVersion: "1" });
    const after = asset(SHOP_ORDERS, { codeVersion: "2", tags: [{ key: "team", value: "shop" }] });
    const moved = entry(review(graph(before), graph(after), [MOVE]), SHOP_ORDERS);
    const sameKey = diffAssetGraphs(graph(before), graph({ ...after, key: before.key }));
    expect(moved.details).toEqual(sameKey.assets[0]?.details);
    expect(moved.details.codeVersion).toEqual({ old: "1", new: "2" });
  });

  test("across code locations, with the key kept or changed", () => {
    const base = graph(
      asset(ORDERS, { codeLocation: "ingest" }),
      asset("raw/customers", { codeLocation: "ingest" }),
      asset("kept", { codeLocation: "ingest" }),
      asset("shop_model", { codeLocation: "shop" }),
    );
    const branch = graph(
      asset("kept", { codeLocation: "ingest" }),
      asset("shop_model", { codeLocation: "shop" }),
      asset(ORDERS, { codeLocation: "shop" }),
      asset("shop/customers", { codeLocation: "shop", group: "shop" }),
    );
    const changes = review(base, branch, [
      { from: ORDERS, to: ORDERS, fromCodeLocation: "ingest", toCodeLocation: "shop" },
      { from: "raw/customers", to: "shop/customers", toCodeLocation: "shop" },
    ]);
    expect(keys(changes)).toEqual([`${ORDERS}@shop`, "shop/customers@shop"]);
    expect(entry(changes, ORDERS, "shop")).toMatchObject({
      changeTypes: [],
      extraChangeTypes: ["MOVED"],
      movedFrom: identity(ORDERS, "ingest"),
    });
    expect(entry(changes, "shop/customers", "shop")).toMatchObject({
      extraChangeTypes: ["GROUP", "MOVED"],
      movedFrom: identity("raw/customers", "ingest"),
    });
    expect(changes.summary.assets).toMatchObject({ moved: 2, unchanged: 2, new: 0, removed: 0 });
  });

  test.each<{ name: string; moves: DeclaredMove[] }>([
    {
      name: "an unknown old key (already applied, or a typo)",
      moves: [{ from: "raw/nope", to: SHOP_ORDERS }],
    },
    { name: "an unknown new key", moves: [{ from: ORDERS, to: "raw/nope" }] },
    { name: "a location that does not match", moves: [{ ...MOVE, fromCodeLocation: "elsewhere" }] },
    { name: "old and new swapped", moves: [{ from: SHOP_ORDERS, to: ORDERS }] },
  ])("a move that matches nothing is ignored: $name", ({ moves }) => {
    const base = graph(asset(ORDERS), asset("x"));
    const branch = graph(asset(SHOP_ORDERS), asset("x"));
    const changes = review(base, branch, moves);
    expect(changes).toEqual(review(base, branch, []));
    expect(entry(changes, ORDERS).changeTypes).toEqual(["REMOVED"]);
    expect(entry(changes, SHOP_ORDERS).changeTypes).toEqual(["NEW"]);
  });

  test("a new key claimed by two moves: the first wins, the other old asset stays REMOVED", () => {
    const changes = review(graph(asset("a"), asset("b")), graph(asset("c")), [
      { from: "a", to: "c" },
      { from: "b", to: "c" },
    ]);
    expect(entry(changes, "c").movedFrom?.key).toBe("a");
    expect(entry(changes, "b").changeTypes).toEqual(["REMOVED"]);
    expect(changes.summary.assets).toMatchObject({ moved: 1, removed: 1, new: 0 });
  });

  test("an old key in two locations is ambiguous until the move names one", () => {
    const base = graph(
      asset("a", { codeLocation: "l1" }),
      asset("a", { codeLocation: "l2" }),
      asset("k1", { codeLocation: "l1" }),
      asset("k2", { codeLocation: "l2" }),
    );
    const branch = graph(
      asset("k1", { codeLocation: "l1" }),
      asset("k2", { codeLocation: "l2" }),
      asset("b", { codeLocation: "l1" }),
    );
    const ambiguous = review(base, branch, [{ from: "a", to: "b" }]);
    expect(ambiguous.assets.some((a) => a.movedFrom !== undefined)).toBe(false);
    const named = review(base, branch, [{ from: "a", to: "b", fromCodeLocation: "l2" }]);
    expect(entry(named, "b", "l1").movedFrom).toEqual(identity("a", "l2"));
    expect(entry(named, "a", "l1").changeTypes).toEqual(["REMOVED"]);
  });

  test("dagster mode is Dagster parity: the change set is returned as it is", () => {
    const base = graph(asset(ORDERS));
    const branch = graph(asset(SHOP_ORDERS));
    const raw = diffAssetGraphs(base, branch, { changeTypes: "dagster" });
    const context = createPolicyContext({ base, branch });
    expect(moveRules([MOVE])(raw, context)).toBe(raw);
  });

  test("bad input never crashes: malformed moves and assets the graphs do not hold", () => {
    const base = graph(asset(ORDERS));
    const branch = graph(asset(SHOP_ORDERS));
    const raw = diffAssetGraphs(base, branch);
    const malformed = [{ from: 1, to: null }, null, MOVE] as unknown as DeclaredMove[];
    const empty = createPolicyContext({ base: graph(), branch: graph() });
    const out = applyPolicies(raw, [moveRules(malformed), movedDependencyRules()], empty);
    expect(out.assets.map((a) => a.changeTypes)).toEqual([["REMOVED"], ["NEW"]]);
    expect(out.probableMoves).toEqual([]);
    const applied = applyPolicies(
      raw,
      [moveRules(malformed)],
      createPolicyContext({ base, branch }),
    );
    expect(entry(applied, SHOP_ORDERS).movedFrom?.key).toBe(ORDERS);
  });
});

describe("moveRules and movedDependencyRules: downstream of a declared move", () => {
  const upstream = (key: string) => asset(key, { codeVersion: "1" });

  test.each<{
    name: string;
    before: Asset[];
    after: Asset[];
    moved: { from: string; to: string; declared: boolean }[] | undefined;
    verdict: { severity: string; reason: string; message: string };
  }>([
    {
      name: "fully explained: safe",
      before: [asset("stg", { dependencies: [dep(ORDERS)] })],
      after: [asset("stg", { dependencies: [dep(SHOP_ORDERS)] })],
      moved: [{ from: ORDERS, to: SHOP_ORDERS, declared: true }],
      verdict: {
        severity: "safe",
        reason: "DEPENDENCY_MOVED",
        message:
          "an upstream dependency only follows an upstream asset's declared move: raw/orders → raw/shop/orders",
      },
    },
    {
      name: "partially explained (another dependency removed): risky, the message says which moved",
      before: [
        asset("raw/customers"),
        asset("stg", { dependencies: [dep(ORDERS), dep("raw/customers")] }),
      ],
      after: [asset("raw/customers"), asset("stg", { dependencies: [dep(SHOP_ORDERS)] })],
      moved: [{ from: ORDERS, to: SHOP_ORDERS, declared: true }],
      verdict: {
        severity: "risky",
        reason: "DEPENDENCY_REMOVED",
        message:
          "an upstream dependency was removed; raw/orders → raw/shop/orders follows a declared move",
      },
    },
    {
      name: "partially explained (another dependency added): risky",
      before: [asset("raw/customers"), asset("stg", { dependencies: [dep(ORDERS)] })],
      after: [
        asset("raw/customers"),
        asset("stg", { dependencies: [dep(SHOP_ORDERS), dep("raw/customers")] }),
      ],
      moved: [{ from: ORDERS, to: SHOP_ORDERS, declared: true }],
      verdict: {
        severity: "risky",
        reason: "DEPENDENCY_REMOVED",
        message:
          "an upstream dependency was removed; raw/orders → raw/shop/orders follows a declared move",
      },
    },
    {
      name: "the partition mapping changed with the move: not a moved dependency",
      before: [
        asset("stg", {
          dependencies: [dep(ORDERS, { className: "IdentityPartitionMapping", description: "" })],
        }),
      ],
      after: [
        asset("stg", {
          dependencies: [dep(SHOP_ORDERS, { className: "LastPartitionMapping", description: "" })],
        }),
      ],
      moved: undefined,
      verdict: {
        severity: "risky",
        reason: "DEPENDENCY_REMOVED",
        message: "an upstream dependency was removed",
      },
    },
  ])("$name", (c) => {
    const changes = review(
      graph(upstream(ORDERS), ...c.before),
      graph(upstream(SHOP_ORDERS), ...c.after),
      [MOVE],
    );
    const stg = entry(changes, "stg");
    expect(stg.changeTypes).toEqual(["DEPENDENCIES"]);
    expect(stg.movedDependencies).toEqual(c.moved);
    expect(verdicts(stg)?.find((r) => r.changeType === "DEPENDENCIES")).toEqual({
      changeType: "DEPENDENCIES",
      ...c.verdict,
    });
    expect(stg.severity).toBe(c.verdict.severity);
  });

  test("a moved asset whose upstream moved too: its DEPENDENCIES change is safe, MOVED stays risky", () => {
    const changes = review(
      graph(asset("a"), asset("b", { dependencies: [dep("a")] })),
      graph(asset("a2"), asset("b2", { dependencies: [dep("a2")] })),
      [
        { from: "a", to: "a2" },
        { from: "b", to: "b2" },
      ],
    );
    const b2 = entry(changes, "b2");
    expect(b2).toMatchObject({
      changeTypes: ["DEPENDENCIES"],
      extraChangeTypes: ["MOVED"],
      movedFrom: identity("b"),
      movedDependencies: [{ from: "a", to: "a2", declared: true }],
      severity: "risky",
    });
    expect(verdicts(b2)?.map((r) => [r.changeType, r.severity, r.reason])).toEqual([
      ["DEPENDENCIES", "safe", "DEPENDENCY_MOVED"],
      ["MOVED", "risky", "MOVED"],
    ]);
  });

  test("a verdict the configuration set is left as it is", () => {
    const base = graph(upstream(ORDERS), asset("stg", { dependencies: [dep(ORDERS)] }));
    const branch = graph(upstream(SHOP_ORDERS), asset("stg", { dependencies: [dep(SHOP_ORDERS)] }));
    const changes = applyPolicies(
      diffAssetGraphs(base, branch),
      [
        moveRules([MOVE]),
        severityRules([{ changeTypes: ["DEPENDENCIES"], severity: "breaking" }]),
        movedDependencyRules(),
      ],
      createPolicyContext({ base, branch }),
    );
    expect(entry(changes, "stg").severity).toBe("breaking");
  });

  test("movedDependencyRules twice changes nothing more", () => {
    const base = graph(
      asset("raw/customers"),
      upstream(ORDERS),
      asset("stg", { dependencies: [dep(ORDERS), dep("raw/customers")] }),
    );
    const branch = graph(
      asset("raw/customers"),
      upstream(SHOP_ORDERS),
      asset("stg", { dependencies: [dep(SHOP_ORDERS)] }),
    );
    const context = createPolicyContext({ base, branch });
    const once = review(base, branch, [MOVE]);
    expect(applyPolicies(once, [movedDependencyRules()], context)).toEqual(once);
  });
});

describe("moveRules: probable moves", () => {
  const renamedBase = graph(
    asset(ORDERS, { codeVersion: "7", metadata: [text("dagster/table_name", "db.raw.orders")] }),
    asset("stg", { dependencies: [dep(ORDERS)] }),
  );
  const renamedBranch = graph(
    asset(SHOP_ORDERS, {
      codeVersion: "7",
      metadata: [text("dagster/table_name", "db.raw_shop.orders")],
    }),
    asset("stg", { dependencies: [dep(SHOP_ORDERS)] }),
  );

  test("a rename is reported with its evidence and similarity; REMOVED and NEW stay", () => {
    const changes = review(renamedBase, renamedBranch);
    expect(changes.probableMoves).toEqual([
      {
        from: identity(ORDERS),
        to: identity(SHOP_ORDERS),
        evidence: ["SAME_CODE_VERSION", "SAME_DEPENDENTS", "SAME_GROUP", "SIMILAR_KEY"],
        similarity: 1,
      },
    ]);
    expect(entry(changes, ORDERS).changeTypes).toEqual(["REMOVED"]);
    expect(entry(changes, SHOP_ORDERS).changeTypes).toEqual(["NEW"]);
    const stg = entry(changes, "stg");
    expect(stg.movedDependencies).toEqual([{ from: ORDERS, to: SHOP_ORDERS, declared: false }]);
    expect(verdicts(stg)).toEqual([
      {
        changeType: "DEPENDENCIES",
        severity: "risky",
        reason: "DEPENDENCY_REMOVED",
        message:
          "an upstream dependency was removed; probably because raw/orders was renamed to raw/shop/orders",
      },
    ]);
    expect(changes.summary.assets).toEqual({
      new: 1,
      removed: 1,
      modified: 1,
      unchanged: 0,
      moved: 0,
    });
  });

  test("a guess never lowers a severity", () => {
    const guessed = review(renamedBase, renamedBranch);
    const plain = severityOnly(renamedBase, renamedBranch);
    for (const key of [ORDERS, SHOP_ORDERS, "stg"]) {
      expect(entry(guessed, key).severity).toBe(entry(plain, key).severity);
      expect(verdicts(entry(guessed, key))?.map((r) => r.severity)).toEqual(
        verdicts(entry(plain, key))?.map((r) => r.severity),
      );
    }
    expect(entry(guessed, ORDERS).severity).toBe("breaking");
    expect(guessed.summary.severity).toEqual(plain.summary.severity);
  });

  test("a small difference lowers the similarity; the evidence leaves it out", () => {
    const branch = graph(
      asset(SHOP_ORDERS, { codeVersion: "7", tags: [{ key: "team", value: "shop" }] }),
      asset("stg", { dependencies: [dep(SHOP_ORDERS)] }),
    );
    const [move] = review(renamedBase, branch).probableMoves ?? [];
    // code version 3 + dependents 3 + group 1 + key 1 of 9 (tags counted, not matching).
    expect(move).toMatchObject({
      evidence: ["SAME_CODE_VERSION", "SAME_DEPENDENTS", "SAME_GROUP", "SIMILAR_KEY"],
      similarity: 0.89,
    });
  });

  test.each<{ name: string; before: Partial<Asset>; after: Partial<Asset> }>([
    { name: "code versions differ", before: { codeVersion: "1" }, after: { codeVersion: "2" } },
    {
      name: "partitions differ",
      before: {
        codeVersion: "1",
        partitionsDefinition: { type: "STATIC", description: "a", keys: ["a"] },
      },
      after: {
        codeVersion: "1",
        partitionsDefinition: { type: "STATIC", description: "b", keys: ["b"] },
      },
    },
    { name: "a code version on one side only", before: {}, after: { codeVersion: "1" } },
    {
      name: "metadata, tags, kinds and description differ",
      before: {
        metadata: [text("owner_note", "a")],
        tags: [{ key: "t", value: "1" }],
        kinds: ["sql"],
        description: "Orders.",
      },
      after: {
        metadata: [text("owner_note", "b")],
        tags: [{ key: "t", value: "2" }],
        kinds: ["python"],
        description: "Shop orders.",
      },
    },
  ])("no pair when definitions differ: $name", (c) => {
    const changes = review(
      graph(asset(ORDERS, c.before), asset("stg", { dependencies: [dep(ORDERS)] })),
      graph(asset(SHOP_ORDERS, c.after), asset("stg", { dependencies: [dep(SHOP_ORDERS)] })),
    );
    expect(changes.probableMoves).toEqual([]);
    expect(entry(changes, "stg").movedDependencies).toBeUndefined();
    expect(verdicts(entry(changes, "stg"))?.[0]?.message).toBe(
      "an upstream dependency was removed",
    );
  });

  test("no pair with nothing but the name and group in common", () => {
    const changes = review(graph(asset(ORDERS), asset("x")), graph(asset(SHOP_ORDERS), asset("x")));
    expect(changes.probableMoves).toEqual([]);
  });

  test("the same dependents switching from the old key to the new are evidence enough", () => {
    const changes = review(
      graph(asset(ORDERS), asset("stg", { dependencies: [dep(ORDERS)] })),
      graph(asset(SHOP_ORDERS), asset("stg", { dependencies: [dep(SHOP_ORDERS)] })),
    );
    expect(changes.probableMoves?.map((m) => [m.evidence, m.similarity])).toEqual([
      [["SAME_DEPENDENTS", "SAME_GROUP", "SIMILAR_KEY"], 1],
    ]);
  });

  test("two removed and two new are paired one to one, by the best similarity", () => {
    const tag = (value: string) => [{ key: "t", value }];
    const changes = review(
      graph(
        asset("raw/a", { codeVersion: "1", tags: tag("a") }),
        asset("raw/b", { codeVersion: "1", tags: tag("b") }),
      ),
      graph(
        asset("shop/x", { codeVersion: "1", tags: tag("b") }),
        asset("shop/y", { codeVersion: "1", tags: tag("a") }),
      ),
    );
    expect(pairs(changes.probableMoves)).toEqual([
      ["raw/a", "shop/y"],
      ["raw/b", "shop/x"],
    ]);
    expect(changes.probableMoves?.map((m) => m.similarity)).toEqual([0.83, 0.83]);
  });

  test("one new asset and two candidates: the better one wins, the other stays unpaired", () => {
    const changes = review(
      graph(
        asset("raw/orders", { codeVersion: "1", description: "Orders." }),
        asset("old/orders", { codeVersion: "1" }),
      ),
      graph(asset("shop/orders", { codeVersion: "1", description: "Orders." })),
    );
    expect(pairs(changes.probableMoves)).toEqual([["raw/orders", "shop/orders"]]);
  });

  test("a folder renamed whole: assets renamed together compare after the renames", () => {
    const changes = review(
      graph(
        asset("raw/a"),
        asset("stg/b", { dependencies: [dep("raw/a")] }),
        asset("marts/c", { dependencies: [dep("stg/b")] }),
      ),
      graph(
        asset("raw/shop/a"),
        asset("stg/shop/b", { dependencies: [dep("raw/shop/a")] }),
        asset("marts/c", { dependencies: [dep("stg/shop/b")] }),
      ),
    );
    expect(pairs(changes.probableMoves)).toEqual([
      ["raw/a", "raw/shop/a"],
      ["stg/b", "stg/shop/b"],
    ]);
    expect(changes.probableMoves?.[1]?.evidence).toEqual([
      "SAME_DEPENDENCIES",
      "SAME_DEPENDENTS",
      "SAME_GROUP",
      "SIMILAR_KEY",
    ]);
    expect(entry(changes, "marts/c").movedDependencies).toEqual([
      { from: "stg/b", to: "stg/shop/b", declared: false },
    ]);
  });

  test("downstream of a declared move, a renamed dependent is found", () => {
    const changes = review(
      graph(asset("raw/a"), asset("stg/b", { dependencies: [dep("raw/a")] })),
      graph(asset("raw/shop/a"), asset("stg/shop/b", { dependencies: [dep("raw/shop/a")] })),
      [{ from: "raw/a", to: "raw/shop/a" }],
    );
    expect(pairs(changes.probableMoves)).toEqual([["stg/b", "stg/shop/b"]]);
    expect(entry(changes, "raw/shop/a").movedFrom?.key).toBe("raw/a");
  });

  test("an undeclared move across code locations is found by its key", () => {
    const changes = review(
      graph(
        asset(ORDERS, { codeLocation: "ingest", codeVersion: "3" }),
        asset("kept", { codeLocation: "ingest" }),
        asset("stg", { codeLocation: "shop", dependencies: [dep(ORDERS)] }),
      ),
      graph(
        asset("kept", { codeLocation: "ingest" }),
        asset(ORDERS, { codeLocation: "shop", codeVersion: "3" }),
        asset("stg", { codeLocation: "shop", dependencies: [dep(ORDERS)] }),
      ),
    );
    expect(changes.probableMoves).toEqual([
      {
        from: identity(ORDERS, "ingest"),
        to: identity(ORDERS, "shop"),
        evidence: ["SAME_CODE_VERSION", "SAME_DEPENDENTS", "SAME_GROUP", "SIMILAR_KEY"],
        similarity: 1,
      },
    ]);
  });

  test("deterministic: the same result whatever the input order, run after run", () => {
    const base = graph(
      asset("raw/a", { codeVersion: "1", tags: [{ key: "t", value: "a" }] }),
      asset("raw/b", { codeVersion: "1", tags: [{ key: "t", value: "b" }] }),
      asset("raw/c"),
      asset("stg/d", { dependencies: [dep("raw/c"), dep("raw/a")] }),
    );
    const branch = graph(
      asset("shop/x", { codeVersion: "1", tags: [{ key: "t", value: "b" }] }),
      asset("shop/y", { codeVersion: "1", tags: [{ key: "t", value: "a" }] }),
      asset("raw/shop/c"),
      asset("stg/d", { dependencies: [dep("raw/shop/c"), dep("shop/y")] }),
    );
    const reversed = (g: AssetGraph) => graph(...[...g.assets].reverse());
    const first = review(base, branch, [{ from: "raw/c", to: "raw/shop/c" }]);
    expect(review(reversed(base), reversed(branch), [{ from: "raw/c", to: "raw/shop/c" }])).toEqual(
      first,
    );
    expect(review(base, branch, [{ from: "raw/c", to: "raw/shop/c" }])).toEqual(first);
    expect(entry(first, "stg/d").movedDependencies).toEqual([
      { from: "raw/a", to: "shop/y", declared: false },
      { from: "raw/c", to: "raw/shop/c", declared: true },
    ]);
    expect(verdicts(entry(first, "stg/d"))?.[0]).toMatchObject({
      severity: "risky",
      message:
        "an upstream dependency was removed; raw/c → raw/shop/c follows a declared move; probably because raw/a was renamed to shop/y",
    });
  });

  test("10,000 removed and 10,000 new assets with distinct signatures complete", () => {
    const n = 10_000;
    const base = graph(
      ...Array.from({ length: n }, (_, i) => asset(`old/a${i}`, { codeVersion: `v${i}` })),
      asset("kept"),
    );
    const branch = graph(
      ...Array.from({ length: n }, (_, i) => asset(`new/b${i}`, { codeVersion: `v${i}` })),
      asset("kept"),
    );
    const changes = review(base, branch);
    expect(changes.probableMoves).toHaveLength(n);
    expect(changes.probableMoves?.every((m) => m.from.key.slice(5) === m.to.key.slice(5))).toBe(
      true,
    );
    expect(changes.probableMoves?.[0]).toMatchObject({
      evidence: ["SAME_CODE_VERSION", "SAME_GROUP"],
      similarity: 0.8,
    });
    expect(changes.summary.assets).toEqual({
      new: n,
      removed: n,
      modified: 0,
      unchanged: 1,
      moved: 0,
    });
  });

  test("a signature shared too widely pairs nothing on its own", () => {
    const n = 20;
    const changes = review(
      graph(...Array.from({ length: n }, (_, i) => asset(`old/a${i}`, { codeVersion: "same" }))),
      graph(...Array.from({ length: n }, (_, i) => asset(`new/b${i}`, { codeVersion: "same" }))),
    );
    expect(changes.probableMoves).toEqual([]);
  });
});

describe("summary counts", () => {
  test("a declared move counts as moved, pairing two compared identities; unchanged stays right", () => {
    const base = graph(asset(ORDERS), asset("u1"), asset("u2"), asset("gone"));
    const branch = graph(asset(SHOP_ORDERS), asset("u1"), asset("u2"), asset("fresh"));
    const raw = diffAssetGraphs(base, branch);
    // The raw differ knows no moves: its summary has no `moved`.
    expect(raw.summary.assets).toEqual({ new: 2, removed: 2, modified: 0, unchanged: 2 });
    const changes = review(base, branch, [MOVE]);
    expect(changes.summary.assets).toEqual({
      new: 1,
      removed: 1,
      modified: 0,
      unchanged: 2,
      moved: 1,
    });
    expect(changes.summary.extraChangeTypes?.MOVED).toBe(1);
    expect(changes.summary.changeTypes).toMatchObject({ NEW: 1, REMOVED: 1 });
  });

  test("with unchanged assets listed", () => {
    const base = graph(asset(ORDERS), asset("u1"));
    const branch = graph(asset(SHOP_ORDERS), asset("u1"));
    const changes = review(base, branch, [MOVE], { includeUnchanged: true });
    expect(keys(changes)).toEqual([`${SHOP_ORDERS}@loc`, "u1@loc"]);
    expect(changes.summary.assets).toEqual({
      new: 0,
      removed: 0,
      modified: 0,
      unchanged: 1,
      moved: 1,
    });
  });
});

describe("a declared move's reason", () => {
  const base = graph(asset("raw/orders"));
  const branch = graph(asset("raw/shop/orders"));
  const moved = (moves: DeclaredMove[], severity: Parameters<typeof severityRules>[0] = []) =>
    applyPolicies(
      diffAssetGraphs(base, branch),
      [moveRules(moves), severityRules(severity), movedDependencyRules(moves)],
      createPolicyContext({ base, branch }),
    ).assets[0]?.reasons?.find((r) => r.changeType === "MOVED");

  test("ends the MOVED verdict's message, which keeps its severity and reason", () => {
    expect(
      moved([{ from: "raw/orders", to: "raw/shop/orders", reason: "orders belong to the shop" }]),
    ).toMatchObject({
      severity: "risky",
      reason: "MOVED",
      message:
        "the asset moved to a new key or code location; whatever reads the old key must follow: orders belong to the shop",
    });
  });

  test("without one, the message is the reason's own", () => {
    expect(moved([{ from: "raw/orders", to: "raw/shop/orders" }])?.message).toBe(
      "the asset moved to a new key or code location; whatever reads the old key must follow",
    );
  });

  test("only the move that made the asset counts, and a configured verdict is kept", () => {
    const other = { from: "raw/x", to: "raw/shop/orders", reason: "not this one" };
    expect(moved([{ from: "raw/orders", to: "raw/shop/orders" }, other])?.message).not.toContain(
      "not this one",
    );
    const configured = moved(
      [{ from: "raw/orders", to: "raw/shop/orders", reason: "why" }],
      [{ changeTypes: ["MOVED"], severity: "safe", reason: "renames are fine here" }],
    );
    expect(configured).toMatchObject({ severity: "safe", message: "renames are fine here" });
  });
});
