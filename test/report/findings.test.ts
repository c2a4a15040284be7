import { describe, expect, test } from "vitest";
import { assetChangeKind } from "../../src/diff/change-set";
import { renderCodeQuality } from "../../src/report/codequality";
import type { DetailStyle } from "../../src/report/details";
import { renderExplanation } from "../../src/report/explain";
import {
  byImpact,
  columnLines,
  graphIssueLines,
  impactByChange,
  impactLines,
  impactSummaryText,
  isDriftOnly,
  movedDependencyLines,
  moveLine,
  ORIGIN_TITLES,
  originLine,
  originSummaryText,
  partitionKeyLines,
  probableMoveLines,
} from "../../src/report/findings";
import {
  formatGithubOutputs,
  githubOutputs,
  renderGithubAnnotations,
} from "../../src/report/github";
import { renderText } from "../../src/report/text";
import { isControl } from "../../src/text";
import { asset } from "../helpers/builders";
import {
  change,
  columnChange,
  findingsChangeSet,
  identity,
  impactedAsset,
  keyRange,
  NO_KEYS,
  partitionKeys,
  probableMove,
  threeWaySetOf,
} from "./change-set-builders";
import { codeQualityReportSchema } from "./codequality-schema";

const plain: DetailStyle = { value: (text) => text, maxValueLength: 60 };
/** Marks values, to show which parts of a line went through the style. */
const marked: DetailStyle = { value: (text) => `<${text}>`, maxValueLength: 60 };

describe("columnLines", () => {
  test.each([
    [
      columnChange("customer_email", "removed", "varchar", null),
      "column customer_email removed (breaking)",
    ],
    [
      columnChange("amount", "retyped", "number(38,2)", "float"),
      "column amount retyped: number(38,2) → float (breaking)",
    ],
    [columnChange("note", "nullability", false, true), "column note made nullable (risky)"],
    [columnChange("id", "nullability", true, false), "column id made not nullable (risky)"],
    [columnChange("id", "uniqueness", false, true), "column id made unique (risky)"],
    [columnChange("id", "uniqueness", true, false), "column id no longer unique (risky)"],
    [columnChange("net_amount_usd", "added", null, "float"), "column net_amount_usd added (safe)"],
    [
      columnChange(null, "constraints", ["pk(id)"], ["pk(id)", "unique(email)"]),
      "table constraints: pk(id) → pk(id), unique(email) (risky)",
    ],
    [
      columnChange("note", "description", null, "free text"),
      "column note description: (none) → free text (safe)",
    ],
    [columnChange("note", "tags", { pii: "" }, {}), 'column note tags: {"pii":""} → {} (safe)'],
    [
      columnChange("total", "lineage", ["raw/a.x"], ["raw/a.x", "raw/b.y"]),
      "column total lineage: raw/a.x → raw/a.x, raw/b.y (risky)",
    ],
  ])("%#: %s", (column, line) => {
    expect(columnLines([column], plain)).toEqual([line]);
  });

  test("values and names go through the style; labels do not", () => {
    expect(columnLines([columnChange("amount", "retyped", "int", "float")], marked)).toEqual([
      "column <amount> retyped: <int> → <float> (breaking)",
    ]);
  });

  test("long types are shortened together, where they differ", () => {
    const old = `struct<${"a int, ".repeat(30)}b int>`;
    const next = `struct<${"a int, ".repeat(30)}b bigint>`;
    const [line] = columnLines([columnChange("s", "retyped", old, next)], plain);
    expect(line).toMatch(/^column s retyped: …/);
    expect(line).toContain("b int> → …");
    expect(line?.length).toBeLessThan(160);
  });
});

describe("partitionKeyLines", () => {
  test("a time window: a range, with the reference time", () => {
    const keys = partitionKeys(
      keyRange({ count: 30, first: "2022-01-01", last: "2022-01-30" }),
      NO_KEYS,
      { asOf: "2026-12-01T00:00:00Z" },
    );
    expect(partitionKeyLines(keys, plain)).toEqual([
      "+30 partitions (2022-01-01 … 2022-01-30), none removed; as of 2026-12-01",
    ]);
    // Any time of the day reads as its date (UTC), so that a report is the same all day long.
    const afternoon = { ...keys, asOf: "2026-12-01T23:04:05.678-01:00" };
    expect(partitionKeyLines(afternoon, plain)).toEqual([
      "+30 partitions (2022-01-01 … 2022-01-30), none removed; as of 2026-12-02",
    ]);
  });

  test("static keys: listed, quoted, capped with how many more", () => {
    const removed = [
      "latam",
      "apac",
      "emea",
      "na",
      "anz",
      "uk",
      "de",
      "fr",
      "it",
      "es",
      "pt",
      "nl",
    ];
    const keys = partitionKeys(keyRange(["mx"]), keyRange(removed));
    expect(partitionKeyLines(keys, plain)).toEqual([
      '+1 partition ("mx"); −12 partitions ("latam", "apac", "emea", "na", "anz", … 7 more)',
    ]);
    expect(partitionKeyLines(partitionKeys(NO_KEYS, keyRange(["x"])), marked)).toEqual([
      '−1 partition (<"x">), none added',
    ]);
  });

  test("neither added nor removed", () => {
    expect(partitionKeyLines(partitionKeys(NO_KEYS, NO_KEYS), plain)).toEqual([
      "no partitions added or removed",
    ]);
  });

  test("not enumerable: the note says why", () => {
    const keys = partitionKeys(NO_KEYS, NO_KEYS, { enumerable: false, note: "dynamic partitions" });
    expect(partitionKeyLines(keys, plain)).toEqual([
      "partition keys cannot be listed: dynamic partitions",
    ]);
    expect(partitionKeyLines({ ...keys, note: undefined } as never, plain)).toEqual([
      "partition keys cannot be listed",
    ]);
  });

  test("a note may run to three values before it is shortened", () => {
    const note = "n".repeat(150);
    const keys = partitionKeys(NO_KEYS, NO_KEYS, { enumerable: false, note });
    expect(partitionKeyLines(keys, plain)).toEqual([`partition keys cannot be listed: ${note}`]);
    const [line] = partitionKeyLines({ ...keys, note: note.repeat(2) }, plain);
    expect(line).toBe(`partition keys cannot be listed: ${"n".repeat(179)}…`);
  });

  test("multi-partitions: a line per dimension, then the reference time", () => {
    const keys = partitionKeys(NO_KEYS, NO_KEYS, {
      asOf: "2026-12-01T00:00:00Z",
      dimensions: [
        {
          name: "date",
          enumerable: true,
          added: keyRange({ count: 7, first: "2026-11-24", last: "2026-11-30" }),
          removed: NO_KEYS,
        },
        { name: "region", enumerable: false, note: "dynamic", added: NO_KEYS, removed: NO_KEYS },
      ],
    });
    expect(partitionKeyLines(keys, plain)).toEqual([
      "dimension date: +7 partitions (2026-11-24 … 2026-11-30), none removed",
      "dimension region: partition keys cannot be listed: dynamic",
      "partition keys as of 2026-12-01",
    ]);
  });

  test("one key shows once", () => {
    const keys = partitionKeys(
      keyRange({ count: 1, first: "2026-12-01", last: "2026-12-01" }),
      NO_KEYS,
    );
    expect(partitionKeyLines(keys, plain)).toEqual(["+1 partition (2026-12-01), none removed"]);
  });
});

describe("moves", () => {
  test("where a moved asset was, with its location", () => {
    expect(moveLine({ movedFrom: identity("raw/orders", "ingestion") }, plain)).toBe(
      "moved from raw/orders [ingestion]",
    );
    expect(moveLine({ movedFrom: identity("raw/orders", null) }, marked)).toBe(
      "moved from <raw/orders>",
    );
    expect(moveLine({}, plain)).toBeUndefined();
  });

  test("dependencies that follow a move", () => {
    expect(
      movedDependencyLines(
        {
          movedDependencies: [
            { from: "raw/orders", to: "raw/shop/orders", declared: true },
            { from: "raw/a", to: "raw/b", declared: false },
          ],
        },
        plain,
      ),
    ).toEqual([
      "dependency moved: raw/orders → raw/shop/orders (declared move)",
      "dependency moved: raw/a → raw/b (probable move)",
    ]);
    expect(movedDependencyLines({}, plain)).toEqual([]);
  });

  test("a probable move: renamed, moved, or both, with how alike and why", () => {
    expect(probableMoveLines(probableMove("raw/orders", "raw/shop/orders"), plain)).toEqual([
      "probably renamed: raw/orders → raw/shop/orders (92% alike: the same code version, the same upstream dependencies (after renames))",
    ]);
    expect(
      probableMoveLines(
        { from: identity("a", "x"), to: identity("a", "y"), evidence: [], similarity: 1 },
        plain,
      ),
    ).toEqual(["probably moved: a [x] → a [y] (100% alike)"]);
    expect(
      probableMoveLines(
        {
          from: identity("a", "x"),
          to: identity("b", "y"),
          evidence: ["SIMILAR_KEY"],
          similarity: Number.NaN,
        },
        plain,
      ),
    ).toEqual(["probably moved and renamed: a [x] → b [y] (?% alike: a similar key)"]);
  });
});

describe("impact", () => {
  const impacted = [
    impactedAsset("m/safe", ["raw/o"], "safe-downstream"),
    impactedAsset("m/far", ["raw/o", "raw/p"], "breaking-downstream", { distance: 3 }),
    impactedAsset("m/near_b", ["raw/o"], "breaking-downstream"),
    impactedAsset("m/near_a", ["raw/o"], "breaking-downstream"),
    impactedAsset("m/risky", ["raw/p", "raw/p"], "risky-downstream"),
  ];

  test("groups by changed ancestor, worst first, then nearest, then key", () => {
    const groups = impactByChange({ impacted });
    expect(groups.get("raw/o")?.map((i) => i.key)).toEqual([
      "m/near_a",
      "m/near_b",
      "m/far",
      "m/safe",
    ]);
    // An entry naming the same ancestor twice is listed once.
    expect(groups.get("raw/p")?.map((i) => i.key)).toEqual(["m/far", "m/risky"]);
    expect(impactByChange({}).size).toBe(0);
    expect(byImpact(impacted).map((i) => i.key)[0]).toBe("m/near_a");
  });

  test("a line with counts, capped with how many more", () => {
    const group = impactByChange({ impacted }).get("raw/o") ?? [];
    expect(impactLines(group, plain, 2)).toEqual([
      "impacts 4 downstream assets (3 breaking-downstream, 1 safe-downstream): m/near_a (breaking-downstream, 1 hop), m/near_b (breaking-downstream, 1 hop), … and 2 more",
    ]);
    expect(impactLines(group, plain, 0)).toEqual([
      "impacts 4 downstream assets (3 breaking-downstream, 1 safe-downstream)",
    ]);
    expect(impactLines(group.slice(2, 3), marked, 5)).toEqual([
      "impacts 1 downstream asset (1 breaking-downstream): <m/far> (breaking-downstream, 3 hops)",
    ]);
    expect(impactLines([], plain, 5)).toEqual([]);
  });

  test("the broken columns of the named ones, indented", () => {
    const broken = impactedAsset("m/a", ["raw/o"], "breaking-downstream", {
      reason: "UPSTREAM_COLUMN_BROKEN",
      columns: [
        {
          column: "email",
          upstream: { key: "raw/o", column: "customer_email", change: "removed" },
        },
      ],
    });
    expect(impactLines([broken], plain, 5)).toEqual([
      "impacts 1 downstream asset (1 breaking-downstream): m/a (breaking-downstream, 1 hop)",
      "  m/a column email reads raw/o.customer_email, which was removed",
    ]);
    expect(impactLines([broken], plain, 0)).toHaveLength(1);
  });

  test("in the summary: from the summary's counts, or counted", () => {
    const changeSet = threeWaySetOf([change("raw/o", ["CODE_VERSION"])], { impacted });
    expect(impactSummaryText(changeSet)).toBe(
      "5 impacted downstream (3 breaking-downstream, 1 risky-downstream, 1 safe-downstream)",
    );
    expect(impactSummaryText({ summary: {} as never, impacted: [] })).toBe("0 impacted downstream");
    expect(impactSummaryText({ summary: {} as never })).toBeUndefined();
  });
});

describe("graphIssueLines", () => {
  const issues = [
    { kind: "cycle" as const, side: "branch" as const, keys: ["a", "b", "c"] },
    { kind: "self-dependency" as const, side: "base" as const, keys: ["s"] },
    { kind: "dangling-dependency" as const, side: "branch" as const, keys: ["gone", "x"] },
    {
      kind: "dangling-dependency" as const,
      side: "base" as const,
      keys: ["gone", "a", "b", "c", "d", "e", "f"],
    },
    { kind: "dangling-dependency" as const, side: "base" as const, keys: ["lonely"] },
  ];

  test("a line each, capped", () => {
    expect(graphIssueLines(issues, plain, 10)).toEqual([
      "cycle in the branch: a, b, c",
      "self-dependency in the base: s depends on itself",
      "dangling dependency in the branch: gone is not defined, yet x depends on it",
      "dangling dependency in the base: gone is not defined, yet a, b, c, d, e and 1 more depend on it",
      "dangling dependency in the base: lonely is not defined",
    ]);
    expect(graphIssueLines(issues, marked, 1)).toEqual([
      "cycle in the branch: <a>, <b>, <c>",
      "… and 4 more graph issues",
    ]);
  });
});

describe("origins", () => {
  test("titles for every origin, drift told apart", () => {
    expect(ORIGIN_TITLES.drift).toBe("Base drift (not from this branch)");
    expect(Object.keys(ORIGIN_TITLES).sort()).toEqual(["branch", "conflict", "drift"]);
    expect(isDriftOnly({ origin: "drift" })).toBe(true);
    expect(isDriftOnly({ origin: "conflict" })).toBe(false);
    expect(isDriftOnly({})).toBe(false);
  });

  test("an asset's line names the change types not all from the branch", () => {
    expect(
      originLine(
        {
          origin: "conflict",
          origins: [
            { changeType: "CODE_VERSION", origin: "conflict" },
            { changeType: "TAGS", origin: "branch" },
            { changeType: "OWNERS", origin: "drift" },
          ],
        },
        marked,
      ),
    ).toBe("conflict: <CODE_VERSION>; branch: <TAGS>; drift: <OWNERS>");
    expect(
      originLine({ origin: "branch", origins: [{ changeType: "TAGS", origin: "branch" }] }, plain),
    ).toBeUndefined();
    expect(originLine({}, plain)).toBeUndefined();
    expect(originLine({ origin: "drift" }, plain)).toBe("origin: drift");
  });

  test("the summary counts them", () => {
    const changeSet = threeWaySetOf([
      change("a", ["TAGS"], { origin: "conflict" }),
      change("b", ["TAGS"], { origin: "drift" }),
      change("c", ["TAGS"], { origin: "branch" }),
      change("d", ["TAGS"], { origin: "branch" }),
    ]);
    expect(originSummaryText(changeSet)).toBe(
      "origins: 1 conflict, 2 from the branch, 1 base drift",
    );
    expect(originSummaryText({ summary: {} as never })).toBeUndefined();
  });
});

test("no line carries a control character of an input's making", () => {
  const evil = "a\u001b[31m\u202eb\nc";
  const lines = [
    ...columnLines([columnChange(evil, "retyped", evil, `${evil}!`)], plain),
    ...partitionKeyLines(
      partitionKeys(keyRange([evil]), keyRange({ count: 2, first: evil, last: evil }), {
        note: evil,
        asOf: evil,
      }),
      plain,
    ),
    ...partitionKeyLines(partitionKeys(NO_KEYS, NO_KEYS, { enumerable: false, note: evil }), plain),
    moveLine({ movedFrom: identity(evil, evil) }, plain) ?? "",
    ...movedDependencyLines(
      { movedDependencies: [{ from: evil, to: evil, declared: true }] },
      plain,
    ),
    ...probableMoveLines(probableMove(evil, `${evil}2`), plain),
    ...impactLines(
      [
        impactedAsset(evil, [evil], "risky-downstream", {
          columns: [{ column: evil, upstream: { key: evil, column: evil, change: "retyped" } }],
        }),
      ],
      plain,
      5,
    ),
    ...graphIssueLines([{ kind: "cycle", side: "base", keys: [evil] }], plain, 5),
  ];
  for (const line of lines) {
    expect(
      [...line].some((ch) => isControl(ch.codePointAt(0) as number)),
      line,
    ).toBe(false);
  }
  expect(lines[0]).toContain("a\\u001b[31m\\u202eb\\nc");
});

describe("golden reports of a change set with every finding", () => {
  const set = findingsChangeSet();
  // The builders count compared assets as listed ones; a real comparison has unchanged ones too.
  set.summary.assets.unchanged = 12;
  // The builders' ids are per change type; real ones are per asset too (Code Quality needs them unique).
  for (const a of set.assets)
    a.reasons = (a.reasons ?? []).map((r) => ({ ...r, id: `${a.key}:${r.changeType}` }));

  test("text", async () => {
    await expect(renderText(set)).toMatchFileSnapshot("../golden/findings.txt");
  });

  test("GitHub annotations and step outputs", async () => {
    const annotations = renderGithubAnnotations(set);
    const outputs = formatGithubOutputs(githubOutputs(set));
    await expect(`${annotations.join("")}\n${outputs}`).toMatchFileSnapshot(
      "../golden/findings.github.txt",
    );
  });

  test("GitLab Code Quality", async () => {
    const text = renderCodeQuality(set);
    codeQualityReportSchema.parse(JSON.parse(text));
    await expect(text).toMatchFileSnapshot("../golden/findings.codequality.json");
  });

  test("explain, for a changed asset and an impacted one", async () => {
    const explain = (key: string) => {
      const reviewed = set.assets.find((a) => a.key === key);
      const kind = reviewed === undefined ? "unchanged" : assetChangeKind(reviewed);
      return renderExplanation({
        // Definitions only to place the findings among the sections; the change set is hand-built.
        base: kind === "new" ? undefined : asset(key, { codeVersion: "v4" }),
        branch: kind === "removed" ? undefined : asset(key, { codeVersion: "v5" }),
        raw: reviewed ?? change(key),
        reviewed,
        suppressed: [],
        staleApprovals: [],
        impacted: set.impacted,
        probableMoves: set.probableMoves,
      });
    };
    await expect(
      [
        "marts/finance/fct_revenue",
        "raw/events/page_views",
        "ml/features/churn",
        "marts/finance/rpt_monthly",
      ]
        .map(explain)
        .join("\n----\n\n"),
    ).toMatchFileSnapshot("../golden/findings.explain.txt");
  });
});
