import { describe, expect, test } from "vitest";
import type {
  AssetChange,
  ChangeSet,
  ColumnChange,
  ImpactedAsset,
} from "../../src/diff/change-set";
import { changeSetSchema } from "../../src/diff/change-set-schema";
import { type DiffOptions, diffAssetGraphs } from "../../src/diff/diff";
import type { ImpactReason, ImpactSeverity } from "../../src/diff/verdicts";
import type { Asset, AssetGraph } from "../../src/model/asset";
import type { MetadataEntry, TableColumn, TableSchema } from "../../src/model/metadata";
import { columnImpactRules, columnRules } from "../../src/policies/columns";
import type { SeverityRule } from "../../src/policies/config";
import { impactRules } from "../../src/policies/impact";
import { applyPolicies, createPolicyContext, type Policy } from "../../src/policies/policy";
import { severityRules } from "../../src/policies/severity";
import { asset, dep, graph } from "../helpers/builders";

/** Diffs two graphs and runs severity then the columns policy, as the policy order does. */
function review(
  base: AssetGraph,
  branch: AssetGraph,
  overrides: SeverityRule[] = [],
  options: DiffOptions = {},
): ChangeSet {
  return applyPolicies(
    diffAssetGraphs(base, branch, options),
    [severityRules(overrides), columnRules()],
    createPolicyContext({ base, branch }),
  );
}

/** The same, without the columns policy: what the severity policy alone decides. */
function severityOnly(base: AssetGraph, branch: AssetGraph, options: DiffOptions = {}): ChangeSet {
  return applyPolicies(
    diffAssetGraphs(base, branch, options),
    [severityRules([])],
    createPolicyContext({ base, branch }),
  );
}

function only(changeSet: ChangeSet, key = "t"): AssetChange {
  const found = changeSet.assets.find((a) => a.key === key);
  if (found === undefined) throw new Error(`no change for ${key}`);
  return found;
}

/** The METADATA verdict of an asset, without its id. */
function metadataVerdict(change: AssetChange) {
  const found = change.reasons?.find((r) => r.changeType === "METADATA");
  if (found === undefined) throw new Error(`no METADATA verdict for ${change.key}`);
  const { id: _id, changeType: _type, ...rest } = found;
  return rest;
}

/** A nullable, non-unique column without description or tags, overridable. */
function col(name: string, type: string, overrides: Partial<TableColumn> = {}): TableColumn {
  return {
    name,
    type,
    description: null,
    constraints: { nullable: true, unique: false, other: [] },
    tags: [],
    ...overrides,
  };
}

function constraints(nullable: boolean, unique = false, other: string[] = []) {
  return { constraints: { nullable, unique, other } };
}

function schemaEntry(
  columns: TableColumn[],
  tableConstraints: TableSchema["constraints"] = null,
): MetadataEntry {
  const schema = { columns, constraints: tableConstraints };
  return { key: "dagster/column_schema", value: { type: "tableSchema", schema } };
}

/** `dagster/column_lineage` from `{ column: ["upstream/key.column", …] }`. */
function lineageEntry(columns: Record<string, string[]>): MetadataEntry {
  return {
    key: "dagster/column_lineage",
    value: {
      type: "tableColumnLineage",
      lineage: Object.entries(columns).map(([columnName, deps]) => ({
        columnName,
        columnDeps: deps.map((d) => {
          const dot = d.lastIndexOf(".");
          return { assetKey: d.slice(0, dot).split("/"), columnName: d.slice(dot + 1) };
        }),
      })),
    },
  };
}

function text(key: string, value: string): MetadataEntry {
  return { key, value: { type: "text", text: value } };
}

function withMetadata(key: string, ...metadata: MetadataEntry[]): Asset {
  return asset(key, { metadata });
}

/** The one asset `t` before and after a schema change, reviewed. */
function reviewSchema(before: TableColumn[], after: TableColumn[]): AssetChange {
  return only(
    review(
      graph(withMetadata("t", schemaEntry(before))),
      graph(withMetadata("t", schemaEntry(after))),
    ),
  );
}

const change = (
  column: string | null,
  kind: ColumnChange["change"],
  old: ColumnChange["old"],
  next: ColumnChange["new"],
  severity: ColumnChange["severity"],
  reason: ColumnChange["reason"],
): ColumnChange => ({ column, change: kind, old, new: next, severity, reason });

describe("columnRules: one change per kind, with its severity", () => {
  const id = col("id", "int");
  test.each<{
    name: string;
    before: TableColumn[];
    after: TableColumn[];
    columns: ColumnChange[];
    verdict: { severity: string; reason: string; message: string };
  }>([
    {
      name: "a removed column is breaking",
      before: [id, col("customer_email", "varchar")],
      after: [id],
      columns: [change("customer_email", "removed", "varchar", null, "breaking", "COLUMN_REMOVED")],
      verdict: {
        severity: "breaking",
        reason: "COLUMN_REMOVED",
        message: "a column was removed from the table schema: customer_email",
      },
    },
    {
      name: "a retyped column is breaking",
      before: [col("id", "int")],
      after: [col("id", "bigint")],
      columns: [change("id", "retyped", "int", "bigint", "breaking", "COLUMN_TYPE_CHANGED")],
      verdict: {
        severity: "breaking",
        reason: "COLUMN_TYPE_CHANGED",
        message: "a column's type changed in the table schema: id",
      },
    },
    {
      name: "a column made nullable is risky",
      before: [col("id", "int", constraints(false))],
      after: [col("id", "int", constraints(true))],
      columns: [change("id", "nullability", false, true, "risky", "COLUMN_MADE_NULLABLE")],
      verdict: {
        severity: "risky",
        reason: "COLUMN_MADE_NULLABLE",
        message: "a column may now hold nulls: id",
      },
    },
    {
      name: "a column made non-nullable is a risky constraint change",
      before: [col("id", "int", constraints(true))],
      after: [col("id", "int", constraints(false))],
      columns: [change("id", "nullability", true, false, "risky", "COLUMN_CONSTRAINT_CHANGED")],
      verdict: {
        severity: "risky",
        reason: "COLUMN_CONSTRAINT_CHANGED",
        message: "a column or table constraint changed: id",
      },
    },
    {
      name: "uniqueness is a risky constraint change",
      before: [col("id", "int", constraints(true, false))],
      after: [col("id", "int", constraints(true, true))],
      columns: [change("id", "uniqueness", false, true, "risky", "COLUMN_CONSTRAINT_CHANGED")],
      verdict: {
        severity: "risky",
        reason: "COLUMN_CONSTRAINT_CHANGED",
        message: "a column or table constraint changed: id",
      },
    },
    {
      name: "other constraints are compared as sets and changes are risky",
      before: [col("id", "int", constraints(true, false, ["b > 0", "a > 0"]))],
      after: [col("id", "int", constraints(true, false, ["a > 0", "c > 0", "b > 0"]))],
      columns: [
        change(
          "id",
          "constraints",
          ["a > 0", "b > 0"],
          ["a > 0", "b > 0", "c > 0"],
          "risky",
          "COLUMN_CONSTRAINT_CHANGED",
        ),
      ],
      verdict: {
        severity: "risky",
        reason: "COLUMN_CONSTRAINT_CHANGED",
        message: "a column or table constraint changed: id",
      },
    },
    {
      name: "an added column is safe",
      before: [id],
      after: [id, col("email", "varchar")],
      columns: [change("email", "added", null, "varchar", "safe", "COLUMN_ADDED")],
      verdict: {
        severity: "safe",
        reason: "COLUMN_ADDED",
        message: "only columns were added to the table schema: email",
      },
    },
    {
      name: "a description is safe",
      before: [col("id", "int", { description: "the id" })],
      after: [col("id", "int", { description: "the key" })],
      columns: [
        change("id", "description", "the id", "the key", "safe", "COLUMN_DESCRIPTIVE_CHANGE"),
      ],
      verdict: {
        severity: "safe",
        reason: "COLUMN_DESCRIPTIVE_CHANGE",
        message: "only column descriptions or tags changed: id",
      },
    },
    {
      name: "tags are safe, compared as a map",
      before: [col("id", "int", { tags: [{ key: "pii", value: "" }] })],
      after: [
        col("id", "int", {
          tags: [
            { key: "tier", value: "gold" },
            { key: "pii", value: "" },
          ],
        }),
      ],
      columns: [
        change(
          "id",
          "tags",
          [{ key: "pii", value: "" }],
          [
            { key: "pii", value: "" },
            { key: "tier", value: "gold" },
          ],
          "safe",
          "COLUMN_DESCRIPTIVE_CHANGE",
        ),
      ],
      verdict: {
        severity: "safe",
        reason: "COLUMN_DESCRIPTIVE_CHANGE",
        message: "only column descriptions or tags changed: id",
      },
    },
  ])("$name", ({ before, after, columns, verdict }) => {
    const reviewed = reviewSchema(before, after);
    expect(reviewed.columns).toEqual(columns);
    expect(metadataVerdict(reviewed)).toEqual(verdict);
    expect(reviewed.severity).toBe(verdict.severity);
  });

  test.each([
    ["letter case", "VARCHAR(10)", "varchar(10)"],
    ["whitespace runs and ends", " timestamp  with time zone", "timestamp with time zone "],
    ["whitespace around punctuation", "NUMERIC(10, 2)", "numeric( 10,2 )"],
    ["angle brackets", "ARRAY< STRING >", "array<string>"],
  ])("a type spelled differently (%s) is not retyped, and no longer breaking", (_n, a, b) => {
    const before = [col("id", a)];
    const after = [col("id", b)];
    expect(
      metadataVerdict(
        only(
          severityOnly(
            graph(withMetadata("t", schemaEntry(before))),
            graph(withMetadata("t", schemaEntry(after))),
          ),
        ),
      ),
    ).toMatchObject({ severity: "breaking", reason: "COLUMN_TYPE_CHANGED" });
    const reviewed = reviewSchema(before, after);
    expect(reviewed).not.toHaveProperty("columns");
    expect(metadataVerdict(reviewed)).toEqual({
      severity: "safe",
      reason: "DESCRIPTIVE_CHANGE",
      message: "descriptive only (tags, metadata, description, owners, group, kinds)",
    });
  });

  test("types that differ by more than spelling are retyped (no dialect is assumed)", () => {
    expect(reviewSchema([col("id", "int")], [col("id", "integer")]).columns).toEqual([
      change("id", "retyped", "int", "integer", "breaking", "COLUMN_TYPE_CHANGED"),
    ]);
    expect(reviewSchema([col("a", "varchar(10)")], [col("a", "varchar(1 0)")]).columns).toEqual([
      change("a", "retyped", "varchar(10)", "varchar(1 0)", "breaking", "COLUMN_TYPE_CHANGED"),
    ]);
  });

  test("reordered columns change no column and are safe", () => {
    const reviewed = reviewSchema(
      [col("a", "int"), col("b", "int")],
      [col("b", "int"), col("a", "int")],
    );
    expect(reviewed).not.toHaveProperty("columns");
    expect(metadataVerdict(reviewed)).toMatchObject({
      severity: "safe",
      reason: "DESCRIPTIVE_CHANGE",
    });
  });
});

describe("columnRules: order, worst of, messages", () => {
  test("sorted by column, the table's constraints first, then by kind", () => {
    const reviewed = only(
      review(
        graph(
          withMetadata(
            "t",
            schemaEntry(
              [
                col("b", "int", {
                  description: "x",
                  constraints: { nullable: true, unique: false, other: [] },
                }),
                col("a", "int"),
                col("gone", "text"),
              ],
              null,
            ),
          ),
        ),
        graph(
          withMetadata(
            "t",
            schemaEntry(
              [
                col("new", "text"),
                col("b", "bigint", {
                  description: "y",
                  constraints: { nullable: false, unique: true, other: [] },
                }),
                col("a", "int"),
              ],
              { other: ["primary key (b)"] },
            ),
          ),
        ),
      ),
    );
    expect(reviewed.columns?.map((c) => [c.column, c.change])).toEqual([
      [null, "constraints"],
      ["b", "retyped"],
      ["b", "nullability"],
      ["b", "uniqueness"],
      ["b", "description"],
      ["gone", "removed"],
      ["new", "added"],
    ]);
    expect(reviewed.columns?.[0]).toEqual(
      change(null, "constraints", null, ["primary key (b)"], "risky", "COLUMN_CONSTRAINT_CHANGED"),
    );
    // Both breaking: the removal names the verdict, as the first deciding reason.
    expect(metadataVerdict(reviewed)).toEqual({
      severity: "breaking",
      reason: "COLUMN_REMOVED",
      message: "a column was removed from the table schema: gone",
    });
  });

  test("table constraints: a risky change with column null, compared as a set", () => {
    const table = (other: string[] | null) =>
      review(
        graph(
          withMetadata("t", schemaEntry([col("id", "int")], { other: ["unique (id)", "pk (id)"] })),
        ),
        graph(
          withMetadata("t", schemaEntry([col("id", "int")], other === null ? null : { other })),
        ),
      );
    const dropped = only(table(null));
    expect(dropped.columns).toEqual([
      change(
        null,
        "constraints",
        ["pk (id)", "unique (id)"],
        null,
        "risky",
        "COLUMN_CONSTRAINT_CHANGED",
      ),
    ]);
    expect(metadataVerdict(dropped)).toEqual({
      severity: "risky",
      reason: "COLUMN_CONSTRAINT_CHANGED",
      message: "a column or table constraint changed: the table constraints",
    });
    const reordered = only(table(["pk (id)", "unique (id)"]));
    expect(reordered).not.toHaveProperty("columns");
    expect(metadataVerdict(reordered).severity).toBe("safe");
  });

  test("no table constraints and an empty list are the same", () => {
    const changeSet = review(
      graph(withMetadata("t", schemaEntry([col("id", "int")], null))),
      graph(
        withMetadata("t", schemaEntry([col("id", "int", { description: "d" })], { other: [] })),
      ),
    );
    expect(only(changeSet).columns?.map((c) => c.change)).toEqual(["description"]);
  });

  test("the worst column change wins over other metadata keys, which are safe", () => {
    const reviewed = only(
      review(
        graph(
          withMetadata(
            "t",
            schemaEntry([col("id", "int", constraints(false))]),
            text("owner_note", "a"),
          ),
        ),
        graph(
          withMetadata(
            "t",
            schemaEntry([col("id", "int", constraints(true))]),
            text("owner_note", "b"),
          ),
        ),
      ),
    );
    expect(metadataVerdict(reviewed)).toMatchObject({
      severity: "risky",
      reason: "COLUMN_MADE_NULLABLE",
    });
  });

  test("a safe column change and other keys: the column reason names the verdict", () => {
    const reviewed = only(
      review(
        graph(withMetadata("t", schemaEntry([col("id", "int")]), text("note", "a"))),
        graph(
          withMetadata("t", schemaEntry([col("id", "int"), col("x", "int")]), text("note", "b")),
        ),
      ),
    );
    expect(metadataVerdict(reviewed)).toEqual({
      severity: "safe",
      reason: "COLUMN_ADDED",
      message: "only columns were added to the table schema: x",
    });
  });

  test("a removal among safe changes makes the verdict breaking, naming every removed column", () => {
    const reviewed = reviewSchema(
      [
        col("a", "int"),
        col("b", "int"),
        col("c", "int"),
        col("d", "int"),
        col("e", "int"),
        col("f", "int"),
      ],
      [col("f", "int", { description: "kept" }), col("z", "int")],
    );
    expect(reviewed.columns?.map((c) => c.severity)).toEqual([
      "breaking",
      "breaking",
      "breaking",
      "breaking",
      "breaking",
      "safe",
      "safe",
    ]);
    expect(metadataVerdict(reviewed)).toEqual({
      severity: "breaking",
      reason: "COLUMN_REMOVED",
      message: "a column was removed from the table schema: a, b, c and 2 more",
    });
  });

  test("the refined verdict keeps the severity policy's id", () => {
    const base = graph(withMetadata("t", schemaEntry([col("id", "int"), col("x", "int")])));
    const branch = graph(withMetadata("t", schemaEntry([col("id", "int")])));
    const idOf = (c: ChangeSet) => only(c).reasons?.find((r) => r.changeType === "METADATA")?.id;
    expect(idOf(review(base, branch))).toBe(idOf(severityOnly(base, branch)));
    expect(idOf(review(base, branch))).toEqual(expect.any(String));
  });

  test("a configured verdict is never replaced; the columns are still listed", () => {
    const reviewed = only(
      review(
        graph(withMetadata("t", schemaEntry([col("id", "int"), col("x", "int")]))),
        graph(withMetadata("t", schemaEntry([col("id", "int")]))),
        [{ changeTypes: ["METADATA"], severity: "safe", reason: "the table is rebuilt nightly" }],
      ),
    );
    expect(metadataVerdict(reviewed)).toEqual({
      severity: "safe",
      reason: "CONFIGURED",
      message: "the table is rebuilt nightly",
    });
    expect(reviewed.severity).toBe("safe");
    expect(reviewed.columns).toEqual([
      change("x", "removed", "int", null, "breaking", "COLUMN_REMOVED"),
    ]);
  });

  test("the asset's severity is recomputed from every verdict", () => {
    const reviewed = only(
      review(
        graph(asset("t", { codeVersion: "1", metadata: [schemaEntry([col("id", "int")])] })),
        graph(asset("t", { codeVersion: "2", metadata: [schemaEntry([col("id", "INT")])] })),
      ),
    );
    expect(reviewed.severity).toBe("risky");
  });
});

describe("columnRules: what it leaves alone", () => {
  test.each<[string, MetadataEntry[], MetadataEntry[]]>([
    ["a whole column_schema entry added", [], [schemaEntry([col("id", "int")])]],
    ["a whole column_schema entry removed", [schemaEntry([col("id", "int")])], []],
    ["a whole column_lineage entry added", [], [lineageEntry({ id: ["raw.id"] })]],
    ["other metadata only", [text("note", "a")], [text("note", "b")]],
    [
      "a schema replaced by another kind of value",
      [schemaEntry([col("id", "int")])],
      [text("dagster/column_schema", "id int")],
    ],
  ])("%s: exactly what the severity policy decided", (_name, before, after) => {
    const base = graph(asset("t", { metadata: before }));
    const branch = graph(asset("t", { metadata: after }));
    const reviewed = review(base, branch);
    expect(reviewed).toEqual(severityOnly(base, branch));
    expect(only(reviewed)).not.toHaveProperty("columns");
  });

  test("unchanged assets and assets without a METADATA change are untouched", () => {
    const schema = schemaEntry([col("id", "int")]);
    const base = graph(
      withMetadata("same", schema),
      asset("t", { codeVersion: "1", metadata: [schema] }),
    );
    const branch = graph(
      withMetadata("same", schema),
      asset("t", { codeVersion: "2", metadata: [schema] }),
    );
    const options = { includeUnchanged: true };
    expect(review(base, branch, [], options)).toEqual(severityOnly(base, branch, options));
  });

  test("the input change set is left untouched", () => {
    const base = graph(withMetadata("t", schemaEntry([col("id", "int"), col("x", "int")])));
    const branch = graph(withMetadata("t", schemaEntry([col("id", "int")])));
    const reviewed = severityOnly(base, branch);
    const copy = structuredClone(reviewed);
    columnRules()(reviewed, createPolicyContext({ base, branch }));
    expect(reviewed).toEqual(copy);
  });

  test("without the severity policy, columns are listed and no verdict is made up", () => {
    const base = graph(withMetadata("t", schemaEntry([col("id", "int"), col("x", "int")])));
    const branch = graph(withMetadata("t", schemaEntry([col("id", "int")])));
    const reviewed = only(
      applyPolicies(
        diffAssetGraphs(base, branch),
        [columnRules()],
        createPolicyContext({ base, branch }),
      ),
    );
    expect(reviewed.columns).toHaveLength(1);
    expect(reviewed).not.toHaveProperty("reasons");
    expect(reviewed).not.toHaveProperty("severity");
  });
});

describe("columnRules: column lineage", () => {
  test("one risky change per column whose upstream columns changed", () => {
    const reviewed = only(
      review(
        graph(
          withMetadata(
            "t",
            lineageEntry({
              email: ["raw/customers.email"],
              id: ["raw/customers.id", "raw/orders.customer_id"],
              gone: ["raw/customers.x"],
            }),
          ),
        ),
        graph(
          withMetadata(
            "t",
            lineageEntry({
              email: ["raw/customers.email_address"],
              id: ["raw/orders.customer_id", "raw/customers.id"],
              fresh: ["raw/customers.y"],
            }),
          ),
        ),
      ),
    );
    expect(reviewed.columns).toEqual([
      change(
        "email",
        "lineage",
        ["raw/customers/email"],
        ["raw/customers/email_address"],
        "risky",
        "COLUMN_LINEAGE_CHANGED",
      ),
      change("fresh", "lineage", [], ["raw/customers/y"], "risky", "COLUMN_LINEAGE_CHANGED"),
      change("gone", "lineage", ["raw/customers/x"], [], "risky", "COLUMN_LINEAGE_CHANGED"),
    ]);
    expect(metadataVerdict(reviewed)).toEqual({
      severity: "risky",
      reason: "COLUMN_LINEAGE_CHANGED",
      message: "the column lineage changed: email, fresh and gone",
    });
  });

  test("lineage and schema changes of one column sort together, by kind", () => {
    const reviewed = only(
      review(
        graph(withMetadata("t", schemaEntry([col("id", "int")]), lineageEntry({ id: ["a.id"] }))),
        graph(
          withMetadata(
            "t",
            schemaEntry([col("id", "int", { description: "d" })]),
            lineageEntry({ id: ["b.id"] }),
          ),
        ),
      ),
    );
    expect(reviewed.columns?.map((c) => c.change)).toEqual(["description", "lineage"]);
    expect(metadataVerdict(reviewed)).toMatchObject({
      severity: "risky",
      reason: "COLUMN_LINEAGE_CHANGED",
    });
  });
});

/** A change set whose one METADATA change holds the given (possibly ill-formed) values. */
function hostile(key: string, old: unknown, next: unknown): ChangeSet {
  const base = graph(asset("t"));
  const changeSet = severityOnly(base, graph(asset("t", { codeVersion: "x" })));
  const [first] = changeSet.assets as [AssetChange];
  const odd = {
    ...first,
    changeTypes: ["METADATA"],
    details: {
      metadata: {
        addedKeys: [],
        changedKeys: [key],
        removedKeys: [],
        values: [{ key, old, new: next }, null],
      },
    },
  } as unknown as AssetChange;
  return columnRules()(
    { ...changeSet, assets: [odd] },
    createPolicyContext({ base, branch: base }),
  );
}

describe("columnRules: odd input never crashes", () => {
  const schema = (columns: unknown, constraints: unknown = null) => ({
    type: "tableSchema",
    schema: { columns, constraints },
  });
  const odd = (old: unknown, next: unknown) => hostile("dagster/column_schema", old, next);

  test("a schema without a column list is not compared", () => {
    expect(odd(schema("not a list"), schema([])).assets[0]).not.toHaveProperty("columns");
    expect(() => odd({ type: "tableSchema" }, { type: "tableSchema", schema: null })).not.toThrow();
    expect(() => odd("text", 5)).not.toThrow();
    expect(() => odd(null, undefined)).not.toThrow();
  });

  test("odd columns are read as far as they make sense, with Dagster's defaults", () => {
    const result = odd(
      schema([
        { name: "a", type: 3 },
        { name: 7 },
        null,
        "b",
        { name: "c", type: "int", constraints: "x", tags: { pii: 1 } },
        { name: "c", type: "text" },
      ]),
      schema(
        [
          { name: "a", type: "int" },
          {
            name: "c",
            type: "INT",
            constraints: { nullable: false, other: [1, "k"] },
            tags: [{ key: "pii" }, null],
          },
        ],
        { other: "nope" },
      ),
    );
    expect(result.assets[0]?.columns?.map((c) => [c.column, c.change, c.old, c.new])).toEqual([
      ["a", "retyped", null, "int"],
      ["c", "nullability", true, false],
      ["c", "constraints", [], ["k"]],
    ]);
  });

  test("odd lineage entries are skipped", () => {
    const lineage = (entries: unknown) => ({ type: "tableColumnLineage", lineage: entries });
    const result = hostile(
      "dagster/column_lineage",
      lineage([{ columnName: "a", columnDeps: [] }]),
      lineage([
        {
          columnName: "a",
          columnDeps: [
            { assetKey: { path: ["raw"] }, columnName: "a" },
            { assetKey: [], columnName: "z" },
            { assetKey: ["r"], columnName: 1 },
            { assetKey: [1], columnName: "y" },
            5,
          ],
        },
        { columnName: "b", columnDeps: "none" },
        { columnName: 3 },
        null,
      ]),
    );
    expect(result.assets[0]?.columns?.map((c) => [c.column, c.new])).toEqual([["a", ["raw/a"]]]);
    expect(() => hostile("dagster/column_lineage", lineage("x"), lineage([]))).not.toThrow();
  });
});

// --- column impact ---

/** An impacted entry for an asset of the branch, as the impact policy would write it. */
function impactedEntry(
  key: string,
  via: string,
  distance: number,
  severity: ImpactSeverity = "breaking-downstream",
  reason: ImpactReason = "UPSTREAM_BREAKING",
): ImpactedAsset {
  return {
    key,
    path: key.split("/"),
    codeLocation: "loc",
    repository: "__repository__",
    via: [via],
    distance,
    route: [via, key],
    severity,
    reason,
    message: "an upstream asset has a breaking change",
  };
}

/** A stand-in for the impact policy: sets `impacted` to the given entries. */
function impactedAs(entries: ImpactedAsset[]): Policy {
  return (changeSet) => ({ ...changeSet, impacted: entries });
}

function reviewImpact(base: AssetGraph, branch: AssetGraph, entries: ImpactedAsset[]): ChangeSet {
  return applyPolicies(
    diffAssetGraphs(base, branch),
    [severityRules([]), columnRules(), impactedAs(entries), columnImpactRules()],
    createPolicyContext({ base, branch }),
  );
}

function impactedOf(changeSet: ChangeSet, key: string): ImpactedAsset {
  const found = changeSet.impacted?.find((e) => e.key === key);
  if (found === undefined) throw new Error(`${key} is not impacted`);
  return found;
}

describe("columnImpactRules", () => {
  const customers = (columns: TableColumn[]) => withMetadata("raw/customers", schemaEntry(columns));
  const before = customers([col("id", "int"), col("email", "varchar"), col("age", "int")]);
  const after = customers([col("id", "bigint"), col("age", "int")]);
  const stg = withMetadata(
    "stg/customers",
    lineageEntry({
      customer_id: ["raw/customers.id"],
      customer_email: ["raw/customers.email"],
      age: ["raw/customers.age"],
    }),
  );
  const mart = withMetadata(
    "marts/customers",
    lineageEntry({ email: ["stg/customers.customer_email"], years: ["stg/customers.age"] }),
  );
  const report = withMetadata("marts/report", lineageEntry({ contact: ["marts/customers.email"] }));
  const plain = asset("marts/plain");
  const ageOnly = withMetadata("marts/ages", lineageEntry({ age: ["raw/customers.age"] }));
  const base = graph(before, stg, mart, report, plain, ageOnly);
  const branch = graph(after, stg, mart, report, plain, ageOnly);
  const entries = [
    impactedEntry("marts/ages", "raw/customers", 1, "risky-downstream", "UPSTREAM_RISKY"),
    impactedEntry("marts/customers", "raw/customers", 2),
    impactedEntry("marts/plain", "raw/customers", 2),
    impactedEntry("marts/report", "raw/customers", 3),
    impactedEntry("stg/customers", "raw/customers", 1),
  ];
  const reviewed = reviewImpact(base, branch, entries);

  test("columns reading a removed or retyped upstream column are impacted, sorted", () => {
    expect(impactedOf(reviewed, "stg/customers")).toEqual({
      ...impactedEntry("stg/customers", "raw/customers", 1),
      reason: "UPSTREAM_COLUMN_BROKEN",
      message:
        "a column it reads upstream was removed or retyped: customer_email reads column email of raw/customers, which was removed and 1 more",
      columns: [
        {
          column: "customer_email",
          upstream: { key: "raw/customers", column: "email", change: "removed" },
        },
        {
          column: "customer_id",
          upstream: { key: "raw/customers", column: "id", change: "retyped" },
        },
      ],
    });
  });

  test("impact follows column lineage through impacted assets, naming the original column", () => {
    expect(impactedOf(reviewed, "marts/customers")).toMatchObject({
      severity: "breaking-downstream",
      reason: "UPSTREAM_COLUMN_BROKEN",
      message:
        "a column it reads upstream was removed or retyped: email reads column email of raw/customers, which was removed",
      columns: [
        { column: "email", upstream: { key: "raw/customers", column: "email", change: "removed" } },
      ],
    });
    expect(impactedOf(reviewed, "marts/report").columns).toEqual([
      { column: "contact", upstream: { key: "raw/customers", column: "email", change: "removed" } },
    ]);
  });

  test("entries without column lineage, or reading no broken column, stay as they are", () => {
    expect(impactedOf(reviewed, "marts/plain")).toEqual(entries[2]);
    expect(impactedOf(reviewed, "marts/ages")).toEqual(entries[0]);
  });

  test("a risky-downstream entry reading a broken column becomes breaking-downstream", () => {
    const risky = impactedEntry(
      "stg/customers",
      "raw/customers",
      1,
      "risky-downstream",
      "UPSTREAM_RISKY",
    );
    const result = reviewImpact(base, branch, [risky]);
    expect(impactedOf(result, "stg/customers").severity).toBe("breaking-downstream");
    expect(result.summary.impactSeverity).toEqual({
      "breaking-downstream": 1,
      "risky-downstream": 0,
      "safe-downstream": 0,
    });
  });

  test("the order of the impacted entries does not matter", () => {
    const reversed = reviewImpact(base, branch, [...entries].reverse());
    expect([...(reversed.impacted ?? [])].reverse()).toEqual(reviewed.impacted);
  });

  test("the result validates against the change-set schema", () => {
    const result = changeSetSchema.safeParse(reviewed);
    expect(result.error).toBeUndefined();
  });

  test("without impacted entries, or without broken columns, nothing changes", () => {
    const context = createPolicyContext({ base, branch });
    const changeSet = applyPolicies(
      diffAssetGraphs(base, branch),
      [severityRules([]), columnRules()],
      context,
    );
    expect(columnImpactRules()(changeSet, context)).toBe(changeSet);
    const calm = applyPolicies(
      diffAssetGraphs(
        graph(customers([col("id", "int")]), stg),
        graph(customers([col("id", "int"), col("x", "int")]), stg),
      ),
      [
        severityRules([]),
        columnRules(),
        impactedAs([impactedEntry("stg/customers", "raw/customers", 1)]),
      ],
      context,
    );
    expect(columnImpactRules()(calm, context)).toBe(calm);
  });

  test("cycles in column lineage end", () => {
    const a = withMetadata("a", lineageEntry({ x: ["raw/customers.email", "b.y"] }));
    const b = withMetadata("b", lineageEntry({ y: ["a.x"], z: ["b.y"] }));
    const result = reviewImpact(graph(before, a, b), graph(after, a, b), [
      impactedEntry("a", "raw/customers", 1),
      impactedEntry("b", "raw/customers", 2),
    ]);
    expect(impactedOf(result, "b").columns?.map((c) => [c.column, c.upstream.column])).toEqual([
      ["y", "email"],
      ["z", "email"],
    ]);
  });

  test("a long chain of column lineage is walked iteratively", () => {
    const n = 5000;
    const chain = Array.from({ length: n }, (_, i) =>
      withMetadata(`c${i}`, lineageEntry({ v: [i === 0 ? "raw/customers.email" : `c${i - 1}.v`] })),
    );
    const result = reviewImpact(
      graph(before, ...chain),
      graph(after, ...chain),
      chain.map((c, i) => impactedEntry(c.key.join("/"), "raw/customers", i + 1)),
    );
    expect(result.impacted?.every((e) => e.reason === "UPSTREAM_COLUMN_BROKEN")).toBe(true);
    expect(impactedOf(result, `c${n - 1}`).columns).toEqual([
      { column: "v", upstream: { key: "raw/customers", column: "email", change: "removed" } },
    ]);
  });
});

describe("columnImpactRules after the real impact policy", () => {
  test("the chain severity, columns, impact, column impact", () => {
    const schema = (columns: TableColumn[]) => schemaEntry(columns);
    const raw = (columns: TableColumn[]) => asset("raw/customers", { metadata: [schema(columns)] });
    const stg = asset("stg/customers", {
      dependencies: [dep("raw/customers")],
      metadata: [lineageEntry({ email: ["raw/customers.email"], id: ["raw/customers.id"] })],
    });
    const mart = asset("marts/contacts", {
      dependencies: [dep("stg/customers")],
      metadata: [lineageEntry({ contact: ["stg/customers.email"] })],
    });
    const plain = asset("marts/plain", { dependencies: [dep("stg/customers")] });
    const base = graph(raw([col("id", "int"), col("email", "text")]), stg, mart, plain);
    const branch = graph(raw([col("id", "int", { description: "the id" })]), stg, mart, plain);
    const reviewed = applyPolicies(
      diffAssetGraphs(base, branch),
      [severityRules([]), columnRules(), impactRules(), columnImpactRules()],
      createPolicyContext({ base, branch }),
    );
    expect(reviewed.impacted?.map((e) => [e.key, e.severity, e.reason])).toEqual([
      ["marts/contacts", "breaking-downstream", "UPSTREAM_COLUMN_BROKEN"],
      ["marts/plain", "breaking-downstream", "UPSTREAM_BREAKING"],
      ["stg/customers", "breaking-downstream", "UPSTREAM_COLUMN_BROKEN"],
    ]);
    expect(impactedOf(reviewed, "marts/contacts").columns).toEqual([
      { column: "contact", upstream: { key: "raw/customers", column: "email", change: "removed" } },
    ]);
    expect(impactedOf(reviewed, "stg/customers").message).toBe(
      "a column it reads upstream was removed or retyped: email reads column email of raw/customers, which was removed",
    );
    expect(changeSetSchema.safeParse(reviewed).error).toBeUndefined();
  });

  test("a column only added upstream: the impact policy's verdict stands", () => {
    const raw = (columns: TableColumn[]) => withMetadata("raw/customers", schemaEntry(columns));
    const stg = asset("stg/customers", {
      dependencies: [dep("raw/customers")],
      metadata: [lineageEntry({ id: ["raw/customers.id"] })],
    });
    const base = graph(raw([col("id", "int")]), stg);
    const branch = graph(raw([col("id", "int"), col("email", "text")]), stg);
    const context = createPolicyContext({ base, branch });
    const withoutColumnImpact = applyPolicies(
      diffAssetGraphs(base, branch),
      [severityRules([]), columnRules(), impactRules()],
      context,
    );
    const reviewed = applyPolicies(
      diffAssetGraphs(base, branch),
      [severityRules([]), columnRules(), impactRules(), columnImpactRules()],
      context,
    );
    expect(reviewed.impacted).toEqual(withoutColumnImpact.impacted);
    expect(reviewed.impacted?.[0]?.severity).toBe("safe-downstream");
  });
});

describe("change-set schema", () => {
  test("every column change kind validates", () => {
    const reviewed = review(
      graph(
        withMetadata(
          "t",
          schemaEntry(
            [
              col("a", "int", { description: "x", tags: [{ key: "k", value: "v" }] }),
              col("b", "int", constraints(false)),
              col("gone", "int"),
            ],
            { other: ["pk"] },
          ),
          lineageEntry({ a: ["u.a"] }),
        ),
      ),
      graph(
        withMetadata(
          "t",
          schemaEntry(
            [
              col("a", "text", { description: "y", tags: [] }),
              col("b", "int", constraints(true, true, ["c"])),
              col("new", "int"),
            ],
            null,
          ),
          lineageEntry({ a: ["u.b"] }),
        ),
      ),
    );
    expect(new Set(only(reviewed).columns?.map((c) => c.change))).toEqual(
      new Set([
        "added",
        "removed",
        "retyped",
        "nullability",
        "uniqueness",
        "constraints",
        "description",
        "tags",
        "lineage",
      ]),
    );
    const result = changeSetSchema.safeParse(reviewed);
    expect(result.error).toBeUndefined();
  });
});
