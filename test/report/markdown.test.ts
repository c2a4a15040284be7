import { micromark } from "micromark";
import { gfm, gfmHtml } from "micromark-extension-gfm";
import { describe, expect, test } from "vitest";
import type { AssetChange, ChangeSet } from "../../src/diff/change-set";
import { diffAssetGraphs } from "../../src/diff/diff";
import { loadAssetGraph } from "../../src/load/index";
import { withLineage } from "../../src/policies/lineage";
import { renderMarkdown } from "../../src/report/markdown";
import { markdownMarker } from "../../src/report/marker";
import {
  AWKWARD_KEYS,
  change,
  changeSetOf,
  columnChange,
  findingsChangeSet,
  generatedChangeSet,
  impactedAsset,
  movedChange,
  notLoadedInBranch,
  rated,
  reviewedSetOf,
  staleApproval,
  suppressedChange,
  threeWaySetOf,
  verdict,
} from "./change-set-builders";

const base = await loadAssetGraph("fixtures/example/base.json");
const branch = await loadAssetGraph("fixtures/example/branch.json");
const example = withLineage(diffAssetGraphs(base, branch), { base, branch });

/** The HTML the report itself writes; anything else must be escaped or inside a code span. */
const OWN_HTML = /^(<\/?details>|<\/?summary>|<\/?sub>|<!-- asset-diff:report(:[^ ]*)? -->)/;

/** Removes code spans (CommonMark: a backtick run closed by a run of the same length). */
function withoutCodeSpans(line: string): string {
  let out = "";
  let i = 0;
  while (i < line.length) {
    if (line[i] === "\\" && i + 1 < line.length) {
      out += line.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (line[i] !== "`") {
      out += line[i];
      i++;
      continue;
    }
    let run = 0;
    while (line[i + run] === "`") run++;
    const fence = "`".repeat(run);
    let close = line.indexOf(fence, i + run);
    while (close !== -1 && (line[close + run] === "`" || line[close - 1] === "`"))
      close = line.indexOf(fence, close + 1);
    if (close === -1) {
      out += fence;
      i += run;
    } else i = close + run;
  }
  return out;
}

/** Splits a table row into cells at unescaped pipes. */
function cells(row: string): string[] {
  return row
    .slice(1, -1)
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

/**
 * Checks what GitHub needs to render the report as intended: balanced, well-placed `<details>`
 * and fences, tables with a separator row and blank lines around them, and no HTML from user
 * data outside code spans and fences.
 */
function expectWellFormed(markdown: string): void {
  expect(markdown.endsWith("\n")).toBe(true);
  const lines = markdown.slice(0, -1).split("\n");
  let depth = 0;
  // The open fence (a Mermaid block at the left, a folded diff indented into a list item).
  let fence: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const previous = lines[i - 1];
    const following = lines[i + 1];
    const opening = /^ {0,4}(`{3,})/.exec(line);
    if (fence === undefined && opening !== null) {
      fence = opening[1] as string;
      expect(previous, "blank line before a fence").toBe("");
      continue;
    }
    if (fence !== undefined) {
      if (line.trim() === fence) {
        fence = undefined;
        expect(following, "blank line after a fence").toBe("");
      } else expect(line.trimStart().startsWith(fence), `fence closed early: ${line}`).toBe(false);
      continue;
    }
    if (line === "<details>") {
      depth++;
      expect(lines[i + 1]).toMatch(/^<summary>[^<>]*<\/summary>$/);
      expect(lines[i + 2], "blank line after <summary>").toBe("");
    }
    if (line === "</details>") {
      depth--;
      expect(depth).toBeGreaterThanOrEqual(0);
      expect(previous, "blank line before </details>").toBe("");
    }
    if (line.startsWith("|")) {
      expect(line.endsWith("|")).toBe(true);
      if (!previous?.startsWith("|")) {
        expect(previous, "blank line before a table").toBe("");
        expect(lines[i + 1], "separator row").toMatch(/^\|( -+:? \|)+$/);
        expect(cells(lines[i + 1] as string)).toHaveLength(cells(line).length);
      } else expect(cells(line)).toHaveLength(cells(previous).length);
      if (!following?.startsWith("|")) expect(following ?? "", "blank line after a table").toBe("");
    }
    const text = withoutCodeSpans(line);
    for (const match of text.matchAll(/(?<!\\)</g)) {
      expect(text.slice(match.index), `raw HTML in: ${line}`).toMatch(OWN_HTML);
    }
  }
  expect(fence, "closed fences").toBeUndefined();
  expect(depth, "balanced <details>").toBe(0);
}

/** The first screen before the `<sub>` line: the verdict, the breaking assets, the counts. */
function verdictOf(markdown: string): string {
  const blocks = markdown.split("\n\n");
  const end = blocks.findIndex((b, i) => i >= 2 && b.startsWith("<sub>"));
  return blocks.slice(2, end === -1 ? undefined : end).join("\n\n");
}

/** The asset lines (`- …`) of a section, e.g. `Modified`. */
function listed(markdown: string, section: string): string[] {
  const start = markdown.indexOf(`### ${section} (`);
  if (start === -1) return [];
  const end = markdown.indexOf("\n### ", start + 1);
  return markdown
    .slice(start, end === -1 ? undefined : end)
    .split("\n")
    .filter((l) => l.startsWith("- "));
}

describe("renderMarkdown", () => {
  test("starts with the hidden marker, with an optional id", () => {
    expect(renderMarkdown(example).split("\n")[0]).toBe("<!-- asset-diff:report -->");
    expect(renderMarkdown(example, { id: "analytics" }).split("\n")[0]).toBe(
      "<!-- asset-diff:report:analytics -->",
    );
    expect(markdownMarker()).toBe("<!-- asset-diff:report -->");
    expect(markdownMarker("a b")).toBe("<!-- asset-diff:report:a%20b -->");
    // An id cannot end the comment early.
    expect(markdownMarker("x --> <b>")).toBe("<!-- asset-diff:report:x%20--%3E%20%3Cb%3E -->");
  });

  test("gives a one-line verdict", () => {
    const markdown = renderMarkdown(example);
    expect(markdown).toContain(
      "**4 new, 2 removed, 20 modified** assets across 2 code locations (15 unchanged).",
    );
    const one = changeSetOf([change("a", ["TAGS"])]);
    expect(renderMarkdown(one)).toContain("**1 modified** asset in code location `loc`.");
  });

  test("counts each change type in a table: Dagster's first, then the extra ones, no zero rows", () => {
    const markdown = renderMarkdown(example);
    const table = markdown.split("\n").filter((l) => l.startsWith("| `"));
    expect(table.map((row) => [cells(row)[0], cells(row)[2]])).toEqual([
      ["`NEW`", "4"],
      ["`REMOVED`", "2"],
      ["`CODE_VERSION`", "3"],
      ["`DEPENDENCIES`", "7"],
      ["`PARTITIONS_DEFINITION`", "4"],
      ["`TAGS`", "4"],
      ["`METADATA`", "7"],
      ["`GROUP` (extra)", "1"],
      ["`OWNERS` (extra)", "1"],
      ["`DESCRIPTION` (extra)", "1"],
      ["`KINDS` (extra)", "1"],
      ["`AUTOMATION_CONDITION` (extra)", "1"],
      ["`FRESHNESS_POLICY` (extra)", "1"],
      ["`BACKFILL_POLICY` (extra)", "1"],
      ["`EXECUTION_TYPE` (extra)", "1"],
      ["`CHECKS` (extra)", "3"],
    ]);
    const dagster = renderMarkdown(diffAssetGraphs(base, branch, { changeTypes: "dagster" }));
    expect(dagster).not.toContain("(extra)");
    expect(dagster).toContain("Dagster's change types only");
  });

  test("is well formed: balanced <details>, fences, tables with separators and blank lines", () => {
    expectWellFormed(renderMarkdown(example));
    expectWellFormed(renderMarkdown(example, { foldAfter: 0 }));
    expectWellFormed(renderMarkdown(example, { foldAfter: 100 }));
    expectWellFormed(renderMarkdown(generatedChangeSet(20_000)));
  });

  test("lists new, removed and modified assets with their location, badges and details", () => {
    const markdown = renderMarkdown(example);
    expect(listed(markdown, "New")).toEqual([
      "- `marts/core/dim_calendar` · `analytics`",
      "- `ml/features/churn_features` · `analytics` · depends on `intermediate/int_sessions`, `marts/core/dim_customers`, `marts/finance/fct_mrr`",
      "- `ml/scores/churn_risk_scores` · `analytics` · depends on `ml/features/churn_features`",
      "- `raw/stripe/subscriptions` · `ingestion`",
    ]);
    expect(listed(markdown, "Removed")).toEqual([
      "- `marts/core/dim_dates` · `analytics` · used by `marts/marketing/fct_web_traffic`",
      "- `marts/finance/fct_refunds` · `analytics` · used by `weekly_exec_report`",
    ]);
    expect(listed(markdown, "Modified")).toHaveLength(20);
    expect(markdown).toContain(
      "- **`marts/finance/fct_mrr`** · `analytics` · `CODE_VERSION` `METADATA` `TAGS` · extra: `CHECKS` `GROUP`\n" +
        '  - code version: _(none)_ → `"v1"`\n' +
        '  - tag `tier`: `"silver"` → `"gold"`\n',
    );
    expect(markdown).not.toContain("### Unchanged");
  });

  test("names the repository when it is not Dagster's default", () => {
    const changeSet = changeSetOf([change("a", ["TAGS"], { repository: "my_repo" })]);
    expect(renderMarkdown(changeSet)).toContain(
      "- **`a`** · `loc` (repository `my_repo`) · `TAGS`",
    );
  });

  test("lists unchanged assets, folded, when the change set includes them", () => {
    const changeSet = changeSetOf([change("a", ["TAGS"]), change("b"), change("c")]);
    const markdown = renderMarkdown(changeSet);
    expect(markdown).toContain(
      "### Unchanged (2)\n\n<details>\n<summary>2 unchanged assets</summary>",
    );
    expect(listed(markdown, "Unchanged")).toEqual(["- `b` · `loc`", "- `c` · `loc`"]);
  });

  test("folds sections longer than foldAfter, keeps short ones open", () => {
    const markdown = renderMarkdown(example);
    expect(markdown).toContain("### New (4)\n\n- `marts/core/dim_calendar`");
    expect(markdown).toContain(
      "### Modified (20)\n\n<details>\n<summary>20 modified assets</summary>\n\n- ",
    );
    expect(renderMarkdown(example, { foldAfter: 50 })).not.toContain("<summary>20 modified");
  });

  test("draws the lineage picture when the change set carries lineage, unless turned off", () => {
    expect(renderMarkdown(example)).toMatch(
      /```mermaid\n(---\ntitle: "[^"]*"\n---\n)?flowchart (LR|TB)\n/,
    );
    expect(renderMarkdown(example)).toContain("🟩 new (+) · 🟥 removed (−, dashed)");
    expect(renderMarkdown(example, { lineage: false })).not.toContain("```mermaid");
    expect(renderMarkdown(diffAssetGraphs(base, branch))).not.toContain("```mermaid");
    const small = renderMarkdown(example, { lineage: { maxNodes: 5, neighbours: false } });
    expect(small).toContain("### Lineage\n\n```mermaid");
    expect(small).toContain("… 21 more changed assets");
  });

  test("renders a change set without changes as a short body", () => {
    const markdown = renderMarkdown(changeSetOf([]));
    expect(markdown).toBe(
      "<!-- asset-diff:report -->\n\n## Asset changes\n\nNo asset changes (no assets compared).\n\n" +
        "<sub>Base `base.json` (0 assets) → branch `branch.json` (0 assets)</sub>\n",
    );
    const same = diffAssetGraphs(base, base);
    expect(renderMarkdown(same)).toContain("No asset changes (37 unchanged assets compared).");
    expect(renderMarkdown(same)).not.toContain("|");
  });

  test("a branch location that did not load leads the verdict, and its table comes first", () => {
    const changeSet = withLineage(
      changeSetOf([change("a", ["TAGS"])], {
        locations: [notLoadedInBranch("etl")],
      }),
      { base: { assets: [] }, branch: { assets: [] } },
    );
    const markdown = renderMarkdown(changeSet);
    expect(markdown.split("\n\n")[2]).toMatch(
      /^⚠️ \*\*A code location of the branch did not load\*\* \(`etl`\): its assets are unknown, not unchanged\. \*\*1 modified\*\* asset/,
    );
    const table = markdown.indexOf("### Code locations not compared (1)");
    expect(table).toBeGreaterThan(-1);
    expect(markdown.indexOf("### Modified")).toBeGreaterThan(table);
    expectWellFormed(markdown);
    const calm = renderMarkdown(changeSetOf([change("a", ["TAGS"])]));
    expect(calm).not.toContain("⚠️");
  });

  test("shows code locations not compared and fields that could not be compared", () => {
    const changeSet = changeSetOf([change("a", ["TAGS"])], {
      locations: [
        { codeLocation: "loc", status: "compared", baseAssets: 1, branchAssets: 1 },
        {
          codeLocation: "two|<b>x</b>",
          status: "notLoadedInBranch",
          baseAssets: 4,
          branchAssets: 0,
          message: "failed:\nTraceback | <module> `x`",
        },
        { codeLocation: null, status: "notInBranch", baseAssets: 2, branchAssets: 0 },
      ],
      limitations: [{ changeType: "CODE_VERSION", field: "codeVersion", side: "both", assets: 8 }],
    });
    const markdown = renderMarkdown(changeSet);
    expect(markdown).toContain(
      "**1 modified** asset in code location `loc`. 2 code locations were not compared. Some fields could not be compared (see below).",
    );
    expect(markdown).toContain("### Code locations not compared (2)");
    expect(markdown).toContain(
      "| two\\|\\<b\\>x\\</b\\> | not loaded in the branch | 4 | 0 | failed:↵Traceback \\| \\<module\\> \\`x\\` |",
    );
    expect(markdown).toContain("| _(unknown)_ | not in the branch | 2 | 0 |  |");
    expect(markdown).toContain("### Could not compare");
    expect(markdown).toContain("| `CODE_VERSION` | codeVersion | both inputs | 8 |");
    expectWellFormed(markdown);
    expect(renderMarkdown(changeSetOf([], { limitations: changeSet.limitations }))).toContain(
      "No asset changes (no assets compared). Some fields could not be compared (see below).",
    );
  });

  test("escapes hostile keys, values and names: shown, never interpreted", () => {
    const keys = [...AWKWARD_KEYS].sort();
    const assets = keys.map((key, i): AssetChange => {
      const hostile = keys[(i + 1) % keys.length] as string;
      return change(
        key,
        i % 4 === 0 ? ["NEW"] : i % 4 === 1 ? ["REMOVED"] : ["DEPENDENCIES", "METADATA", "TAGS"],
        {
          codeLocation: hostile,
          repository: hostile,
          lineage: { upstream: [hostile], downstream: [hostile] },
        },
        {
          dependencies: {
            addedKeys: [hostile],
            changedKeys: [],
            removedKeys: [],
            partitionMappings: [],
          },
          tags: {
            addedKeys: [hostile],
            changedKeys: [],
            removedKeys: [],
            values: [{ key: hostile, old: null, new: `${hostile}\n<script>x</script>` }],
          },
          metadata: {
            addedKeys: [],
            changedKeys: [hostile],
            removedKeys: [],
            values: [
              {
                key: hostile,
                old: { type: "json", value: { [hostile]: 1 } },
                new: { type: "json", value: { [hostile]: 2 } },
                changes: [
                  { type: "CHANGE", path: [hostile, "<i>"], oldValue: 1, value: "<b>2</b>" },
                ],
              },
              {
                key: "md",
                old: { type: "markdown", markdown: "**x** | y" },
                new: { type: "markdown", markdown: "</details>\n\n<script>alert(1)</script>" },
              },
            ],
          },
        },
      );
    });
    const markdown = renderMarkdown(changeSetOf(assets), { title: "<h1>*Title*</h1>" });
    expectWellFormed(markdown);
    expect(markdown).toContain("## \\<h1\\>\\*Title\\*\\</h1\\>");
    // Every line of an asset list is an item: a line break in user data never starts a new block.
    for (const section of ["New", "Removed", "Modified"]) {
      const start = markdown.indexOf(`### ${section} (`);
      const body = markdown.slice(start, markdown.indexOf("\n### ", start + 1));
      for (const line of body.split("\n").slice(1)) {
        expect(line).toMatch(
          /^(|- .*| {2}- .*| {4}- .*|<details>|<summary>.*|<\/details>| {4}<details><summary>[^<>]*<\/summary>| {4}`{3,}(diff)?| {4}[-+ ] .*| {4}<\/details>)$/,
        );
      }
    }
    expect(markdown).toContain("- `<img src=x onerror=alert(1)>` · `<script>alert(1)</script>`");
    // Paths inside values are labels, not values: escaped rather than code.
    expect(markdown).toContain(
      '    - \\<script\\>alert(1)\\</script\\>.\\<i\\>: `1` → `"<b>2</b>"`',
    );
    // A multi-line value is a folded diff: its lines are code, never markup.
    expect(markdown).toContain(
      "  - metadata `md` (markdown): 1 line → 3 lines (−1 +3)\n    <details><summary>the changed lines</summary>\n\n    ```diff\n    - **x** | y\n    + </details>\n    + \n    + <script>alert(1)</script>\n    ```\n\n    </details>",
    );
    const html = micromark(markdown, {
      allowDangerousHtml: true,
      extensions: [gfm()],
      htmlExtensions: [gfmHtml()],
    });
    expect(html).not.toContain("<script>");
    expect(html).toContain("+ &lt;/details&gt;");
    expect(markdown).toContain("`` `tick` ``");
    expect(markdown).toContain("```` ```fence ````");
    expect(markdown).toContain("`line↵break`");
  });

  test("stays under GitHub's comment limit on 100,000 assets, saying exactly what was left out", () => {
    const changeSet = generatedChangeSet(100_000);
    const markdown = renderMarkdown(changeSet);
    expect(markdown.length).toBeLessThanOrEqual(60_000);
    expect(markdown.length).toBeLessThan(65_536);
    expectWellFormed(markdown);
    const { summary } = changeSet;
    let omittedTotal = 0;
    for (const [section, total] of [
      ["Removed", summary.assets.removed],
      ["New", summary.assets.new],
      ["Modified", summary.assets.modified],
    ] as const) {
      const shown = listed(markdown, section).length;
      const omitted = total - shown;
      omittedTotal += omitted;
      const noun = `${section.toLowerCase()} asset${omitted === 1 ? "" : "s"}`;
      const count = omitted.toLocaleString("en-US");
      if (omitted === 0) continue;
      expect(markdown).toContain(
        shown === 0
          ? `_${count} ${noun} not shown to keep this comment within GitHub's size limit; run \`asset-diff diff\` with \`--format json\` for the full change set._`
          : `_… and ${count} more ${noun} not shown`,
      );
    }
    // Removed first, then new: the higher-priority section is filled first.
    expect(listed(markdown, "Removed").length).toBeGreaterThan(0);
    expect(omittedTotal).toBeGreaterThan(99_000);
    expect(markdown).toContain(
      `> [!NOTE]\n> This report is shortened to fit in a comment: ${omittedTotal.toLocaleString("en-US")} assets not listed.`,
    );
  });

  test("respects a smaller maxLength, down to its floor", () => {
    for (const maxLength of [1, 6_000, 8_000, 20_000]) {
      const markdown = renderMarkdown(example, { maxLength });
      expect(markdown.length).toBeLessThanOrEqual(Math.max(maxLength, 6_000));
      expectWellFormed(markdown);
    }
    const tight = renderMarkdown(example, { maxLength: 6_000 });
    expect(tight).toContain("> This report is shortened to fit in a comment:");
    expect(tight).toContain(
      "### Removed (2)\n\n- `marts/core/dim_dates` · `analytics` · used by `marts/marketing/fct_web_traffic`\n" +
        "- `marts/finance/fct_refunds`",
    );
  });

  test("draws a smaller lineage picture, or none, when it does not fit its share", () => {
    const keys = Array.from(
      { length: 30 },
      (_, i) => `${"#".repeat(300)}${String(i).padStart(2, "0")}`,
    );
    const assets = keys.map((key, i) =>
      change(key, ["TAGS"], {
        lineage: { upstream: i > 0 ? [keys[i - 1] as string] : [], downstream: [] },
      }),
    );
    const roomy = renderMarkdown(changeSetOf(assets), { maxLength: 60_000 });
    // At most 20 of the 30 by default (what reads at 780 px), the rest counted in its title.
    expect(roomy).toContain("```mermaid");
    expect(roomy).toMatch(/title: "[^"]*more changed assets? not drawn"/);
    const tight = renderMarkdown(changeSetOf(assets), { maxLength: 6_000 });
    expect(tight).not.toContain("```mermaid");
    expect(tight).toContain("> This report is shortened to fit in a comment: ");
    expect(tight).toContain("; the lineage picture left out.");
    expect(tight.length).toBeLessThanOrEqual(6_000);
    expectWellFormed(tight);
  });

  test("caps the detail lines of one asset", () => {
    const values = Array.from({ length: 50 }, (_, i) => ({ key: `t${i}`, old: null, new: "x" }));
    const changeSet = changeSetOf([
      change(
        "a",
        ["TAGS"],
        {},
        { tags: { addedKeys: [], changedKeys: [], removedKeys: [], values } },
      ),
    ]);
    const markdown = renderMarkdown(changeSet, { maxDetailsPerAsset: 3 });
    expect(markdown).toContain("  - tag added: `t2=x`\n  - … and 47 more\n");
  });

  test("shortens very long keys and values", () => {
    const long = "k".repeat(10_000);
    const changeSet: ChangeSet = changeSetOf([
      change(long, ["CODE_VERSION"], {}, { codeVersion: { old: long, new: `${long}!` } }),
    ]);
    const markdown = renderMarkdown(changeSet);
    expect(markdown.length).toBeLessThan(3_000);
    expectWellFormed(markdown);
  });
});

describe("renderMarkdown of a reviewed change set", () => {
  const reviewed = reviewedSetOf([
    rated("a_safe", [verdict("TAGS", "safe", "DESCRIPTIVE_CHANGE")]),
    rated("b_breaking", [
      verdict("CODE_VERSION", "risky", "CODE_VERSION_CHANGED"),
      verdict("METADATA", "breaking", "COLUMN_REMOVED"),
    ]),
    rated("c_risky", [
      verdict("CODE_VERSION", "risky", "CODE_VERSION_CHANGED", {
        approved: { by: "alice", reason: "planned rewrite" },
      }),
    ]),
    rated("d_gone", [verdict("REMOVED", "breaking", "REMOVED_WITH_DEPENDENTS")]),
    rated("e_new", [verdict("NEW", "safe", "NEW_ASSET")]),
  ]);

  test("the verdict counts each severity, names the breaking assets and why, then the counts in one line", () => {
    const blocks = renderMarkdown(reviewed).split("\n\n");
    expect(blocks[2]).toBe("🔴 **2 breaking** · 🟠 1 risky · ⚪ 2 safe");
    expect(blocks[3]).toBe(
      "- 🔴 `b_breaking`: a column was removed from the table schema\n" +
        "- 🔴 `d_gone`: removed while other assets depend on it",
    );
    expect(blocks[4]).toBe("**1 new · 1 removed · 3 modified** assets in code location `loc`.");
    const calm = reviewedSetOf([
      rated("a", [verdict("TAGS", "safe", "DESCRIPTIVE_CHANGE")]),
      rated("b", [verdict("CODE_VERSION", "risky", "CODE_VERSION_CHANGED")]),
    ]);
    const quiet = renderMarkdown(calm).split("\n\n");
    expect(quiet[2]).toBe("**No breaking changes** · 🟠 1 risky · ⚪ 1 safe");
    expect(quiet[3]).toBe("**2 modified** assets in code location `loc`.");
  });

  test("the verdict names a few breaking assets, marks approved ones and counts the rest", () => {
    const keys = ["a", "b", "c", "d", "e", "f", "g"];
    const assets = keys.map((key) =>
      rated(key, [
        verdict("METADATA", "breaking", "COLUMN_REMOVED"),
        verdict("DEPENDENCIES", "breaking", "DEPENDENCY_REMOVED", {
          ...(key === "a" ? { approved: { by: null, reason: null } } : {}),
        }),
      ]),
    );
    const blocks = renderMarkdown(reviewedSetOf(assets)).split("\n\n");
    expect(blocks[2]).toBe("🔴 **7 breaking** · 🟠 0 risky · ⚪ 0 safe");
    const why = "a column was removed from the table schema; an upstream dependency was removed";
    expect(blocks[3]).toBe(
      [
        ...["a", "b", "c", "d", "e"].map((k) => `- 🔴 \`${k}\`: ${why}`),
        "- … and 2 more breaking, listed below",
      ].join("\n"),
    );
    const approved = reviewedSetOf([
      rated("a", [
        verdict("METADATA", "breaking", "COLUMN_REMOVED", { approved: { by: "x", reason: null } }),
      ]),
    ]);
    expect(renderMarkdown(approved).split("\n\n")[3]).toBe(
      "- ✅ `a`: a column was removed from the table schema, ✅ approved",
    );
  });

  test("with the Dagster UI known, every key links to its page: the branch deployment, production for removed ones", () => {
    const links = {
      base: "https://acme.dagster.cloud/prod",
      branch: "https://acme.dagster.cloud/pr-42",
    };
    const markdown = renderMarkdown(reviewed, { links });
    expect(markdown).toContain(
      "- 🔴 [`d_gone`](<https://acme.dagster.cloud/prod/assets/d_gone>): removed while other assets depend on it",
    );
    expect(markdown).toContain(
      "**[`b_breaking`](<https://acme.dagster.cloud/pr-42/assets/b_breaking>)**",
    );
    expect(markdown).toContain("[`e_new`](<https://acme.dagster.cloud/pr-42/assets/e_new>)");
    const html = micromark(markdown, { extensions: [gfm()], htmlExtensions: [gfmHtml()] });
    expect(html).toContain(
      '<a href="https://acme.dagster.cloud/prod/assets/d_gone"><code>d_gone</code></a>',
    );
    // The lineage picture's boxes link too, with the full key as their tooltip.
    const picture = renderMarkdown(findingsChangeSet(), { links });
    expect(picture).toMatch(
      /\n {2}click n\d+ href "https:\/\/acme\.dagster\.cloud\/pr-42\/assets\/marts\/finance\/fct_revenue" "marts\/finance\/fct_revenue"\n/,
    );
    expect(picture).toContain("click a box for its page in Dagster");
    expect(renderMarkdown(findingsChangeSet())).not.toContain(" href ");
    // Without a base UI, removed assets are not linked (never to a page that cannot exist).
    expect(renderMarkdown(reviewed, { links: { branch: links.branch } })).toContain(
      "- 🔴 `d_gone`: removed",
    );
  });

  test("says which commit, run and time the report reflects", () => {
    const markdown = renderMarkdown(reviewed, {
      context: {
        commit: "9603b6c0a1b2c3d4e5f60718293a4b5c6d7e8f90",
        commitUrl: "https://github.com/acme/data/commit/9603b6c0a1b2c3d4e5f60718293a4b5c6d7e8f90",
        runUrl: "https://github.com/acme/data/actions/runs/77",
        generatedAt: "2026-12-01T16:52:35.123Z",
      },
    });
    expect(markdown).toContain(
      "<sub>Commit [`9603b6c`](<https://github.com/acme/data/commit/9603b6c0a1b2c3d4e5f60718293a4b5c6d7e8f90>) · [CI run](<https://github.com/acme/data/actions/runs/77>) · 2026-12-01 16:52 UTC · Base ",
    );
    // A link that is not http(s) is not shown; a bad time is left out.
    const odd = renderMarkdown(reviewed, {
      context: { commit: "abc", runUrl: "javascript:alert(1)", generatedAt: "yesterday" },
    });
    expect(odd).toContain("<sub>Commit `abc` · Base ");
    expect(odd).not.toContain("javascript");
  });

  test("sections are read worst first: removed breaking assets before new safe ones", () => {
    const markdown = renderMarkdown(reviewed);
    expect(markdown.indexOf("### Removed (1)")).toBeLessThan(markdown.indexOf("### Modified (3)"));
    expect(markdown.indexOf("### Modified (3)")).toBeLessThan(markdown.indexOf("### New (1)"));
  });

  test("lists assets worst first with a severity marker, the reasons and the approvals", () => {
    const markdown = renderMarkdown(reviewed);
    expect(listed(markdown, "Modified")).toEqual([
      "- 🔴 breaking · **`b_breaking`** · `loc` · `CODE_VERSION` `METADATA`",
      "- 🟠 risky · **`c_risky`** · `loc` · `CODE_VERSION`",
      "- ⚪ safe · **`a_safe`** · `loc` · `TAGS`",
    ]);
    expect(markdown).toContain(
      "- 🔴 breaking · **`b_breaking`** · `loc` · `CODE_VERSION` `METADATA`\n" +
        "  - 🔴 breaking: a column was removed from the table schema\n" +
        "  - 🟠 risky: the code version changed\n" +
        "- 🟠 risky · **`c_risky`** · `loc` · `CODE_VERSION`\n" +
        "  - ✅ risky: the code version changed (approved by `alice`: planned rewrite)\n" +
        "- ⚪ safe · **`a_safe`** · `loc` · `TAGS`\n",
    );
    expect(markdown).toContain(
      "### Removed (1)\n\n- 🔴 breaking · `d_gone` · `loc`\n  - 🔴 breaking: removed while other assets depend on it",
    );
    expect(markdown).toContain("### New (1)\n\n- ⚪ safe · `e_new` · `loc`\n");
    expect(markdown).toContain(
      "\n\n<sub>🔴 breaking: consumers can fail or read wrong data · 🟠 risky: behaviour may change · ⚪ safe: descriptive only · ✅ approved</sub>\n\n",
    );
    expectWellFormed(markdown);
    // Without the policies' fields, none of this.
    const raw = renderMarkdown(changeSetOf([change("a", ["TAGS"])]));
    for (const marker of ["🔴", "🟠", "⚪", "✅", "breaking", "Suppressed", "Stale"])
      expect(raw).not.toContain(marker);
  });

  test("folds the suppressed changes: asset, change type, keys, rule and reason", () => {
    const keys = Array.from({ length: 7 }, (_, i) => `k${i}`);
    const changeSet = reviewedSetOf([], {
      suppressed: [
        suppressedChange("raw/orders"),
        suppressedChange("raw/users", {
          changeType: "CODE_VERSION",
          keys: [],
          rule: "ignore[0]",
          reason: "",
        }),
        suppressedChange("raw/wide", { keys, rule: "wide", reason: "many keys" }),
      ],
    });
    const markdown = renderMarkdown(changeSet);
    expect(markdown).toContain(
      "### Suppressed by rules (3)\n\n<details>\n<summary>3 changes suppressed by rules</summary>\n\n" +
        "- `raw/orders` · `loc` · `METADATA` `dagster/table_name` · rule `environment-table-name`: " +
        "dagster/table\\_name or dagster/relation\\_identifier names the same table in another database or schema\n" +
        "- `raw/users` · `loc` · `CODE_VERSION` · rule `ignore[0]`\n" +
        "- `raw/wide` · `loc` · `METADATA` `k0` `k1` `k2` `k3` `k4` and 2 more · rule `wide`: many keys\n\n" +
        "</details>",
    );
    expectWellFormed(markdown);
  });

  test("folds the stale approvals", () => {
    const changeSet = reviewedSetOf([], {
      staleApprovals: [
        staleApproval("raw/orders", "CODE_VERSION", { id: "3f2a", currentId: "9c1d" }),
        staleApproval("raw/users", "TAGS", { by: "@sam", reason: "pii *tag*" }),
      ],
    });
    const markdown = renderMarkdown(changeSet);
    expect(markdown).toContain(
      "### Stale approvals (2)\n\n<details>\n<summary>2 approvals no longer match their change</summary>\n\n" +
        "- `raw/orders` `CODE_VERSION`: approved id `3f2a` no longer matches (now `9c1d`)\n" +
        "- `raw/users` `TAGS`: approved id `approved-0001` no longer matches (now `current-0002`) — approved by `@sam`: pii \\*tag\\*\n\n" +
        "</details>",
    );
    expect(
      renderMarkdown(reviewedSetOf([], { staleApprovals: [staleApproval("a", "TAGS")] })),
    ).toContain("<summary>1 approval no longer matches its change</summary>");
    expectWellFormed(markdown);
  });

  test("stays within maxLength with 10,000 suppressed changes, saying how many are not shown", () => {
    const suppressed = Array.from({ length: 10_000 }, (_, i) =>
      suppressedChange(`group/asset_${String(i).padStart(5, "0")}`),
    );
    for (const maxLength of [6_000, 20_000, 60_000]) {
      const markdown = renderMarkdown(reviewedSetOf([], { suppressed }), { maxLength });
      expect(markdown.length).toBeLessThanOrEqual(maxLength);
      expectWellFormed(markdown);
      const shown = listed(markdown, "Suppressed by rules").length;
      expect(shown).toBeGreaterThan(0);
      const omitted = (10_000 - shown).toLocaleString("en-US");
      expect(markdown).toContain(
        `_… and ${omitted} more suppressed changes not shown to keep this comment within GitHub's size limit;`,
      );
      expect(markdown).toContain(
        `> This report is shortened to fit in a comment: ${omitted} suppressed changes not listed.`,
      );
    }
  });

  test("keeps every section's frame when assets, suppressed changes and stale approvals all flood", () => {
    const flood = generatedChangeSet(20_000);
    const assets = flood.assets.map((a, i) =>
      rated(a.key, [verdict("CODE_VERSION", i % 3 === 0 ? "breaking" : "safe", "CONFIGURED")], {
        lineage: a.lineage ?? { upstream: [], downstream: [] },
      }),
    );
    const changeSet = reviewedSetOf(assets, {
      suppressed: Array.from({ length: 10_000 }, (_, i) => suppressedChange(`s${i}`)),
      staleApprovals: Array.from({ length: 5_000 }, (_, i) => staleApproval(`t${i}`, "TAGS")),
    });
    for (const maxLength of [6_000, 60_000]) {
      const markdown = renderMarkdown(changeSet, { maxLength });
      expect(markdown.length).toBeLessThanOrEqual(maxLength);
      expectWellFormed(markdown);
      for (const heading of [
        "### Modified (",
        "### Stale approvals (5,000)",
        "### Suppressed by rules (10,000)",
      ])
        expect(markdown).toContain(heading);
      expect(markdown).toMatch(/stale approvals? not listed/);
      expect(markdown).toMatch(/suppressed changes? not listed/);
    }
    // Worst first: the breaking assets fill the Modified section before any safe one.
    const modified = listed(renderMarkdown(changeSet), "Modified");
    expect(modified.length).toBeGreaterThan(0);
    expect(modified.every((l) => l.startsWith("- 🔴 breaking"))).toBe(true);
  });

  test("escapes hostile keys, rules, reasons and approvers: shown, never interpreted", () => {
    const keys = [...AWKWARD_KEYS].sort();
    const hostileOf = (i: number) => keys[(i + 1) % keys.length] as string;
    const assets = keys.map((key, i) =>
      rated(key, [
        verdict("METADATA", "breaking", "CONFIGURED", { message: hostileOf(i) }),
        verdict("TAGS", "risky", "CONFIGURED", {
          message: `${hostileOf(i)}\n</details>`,
          approved: { by: hostileOf(i + 1), reason: hostileOf(i + 2) },
        }),
      ]),
    );
    const changeSet = reviewedSetOf(assets, {
      suppressed: keys.map((key, i) =>
        suppressedChange(key, {
          codeLocation: hostileOf(i),
          keys: [hostileOf(i), hostileOf(i + 1)],
          rule: hostileOf(i + 2),
          reason: hostileOf(i + 3),
        }),
      ),
      staleApprovals: keys.map((key, i) =>
        staleApproval(key, "TAGS", {
          id: hostileOf(i),
          currentId: hostileOf(i + 1),
          by: hostileOf(i + 2),
          reason: hostileOf(i + 3),
        }),
      ),
    });
    const markdown = renderMarkdown(changeSet);
    expectWellFormed(markdown);
    expect(markdown.length).toBeLessThanOrEqual(60_000);
    // Every line of a list is an item: a line break in user data never starts a new block.
    for (const section of ["Modified", "Stale approvals", "Suppressed by rules"]) {
      const start = markdown.indexOf(`### ${section} (`);
      const end = markdown.indexOf("\n### ", start + 1);
      const body = markdown.slice(start, end === -1 ? undefined : end);
      for (const line of body.split("\n").slice(1)) {
        expect(line).toMatch(/^(|- .*| {2}- .*| {4}- .*|<details>|<summary>.*|<\/details>|_.*_)$/);
      }
    }
    expect(markdown).toContain("  - 🔴 breaking: \\<script\\>alert(1)\\</script\\>\n");
    expect(markdown).toContain("(approved by `@someone`: ");
    expect(markdown).toContain("↵\\</details\\>");
    expect(markdown).toContain("rule `` `tick` ``");
    expect(markdown).not.toContain("<script>alert(1)</script>\n");
  });
});

describe("renderMarkdown of the findings (impact, columns, partition keys, moves, origins)", () => {
  /** The lines of one asset's entry: its `- ` line and the nested ones under it. */
  const entryOf = (markdown: string, key: string) => {
    const lines = markdown.split("\n");
    const name = `\`${key}\``;
    // The entry's own line: its key comes first, after the severity, and in bold when modified.
    const start = lines.findIndex((l) => {
      const head = l.replace(/^- (\S+ \S+ · )?/, "").replace(/^\*\*/, "");
      return l.startsWith("- ") && head.startsWith(name);
    });
    const end = lines.findIndex((l, i) => i > start && !l.startsWith("  "));
    return lines.slice(start, end === -1 ? undefined : end);
  };

  test("the summary adds the impact and, in a three-way comparison, where the changes come from", () => {
    expect(verdictOf(renderMarkdown(findingsChangeSet()))).toBe(
      "🔴 **1 breaking** · 🟠 3 risky · ⚪ 2 safe\n\n" +
        "- 🔴 `marts/finance/fct_revenue`: a column was removed from the table schema\n\n" +
        "**1 new · 1 removed · 1 moved · 4 modified** assets in code location `loc`. " +
        "**5 impacted downstream** (2 breaking-downstream, 2 risky-downstream, 1 safe-downstream). " +
        "5 from this branch, **1 conflict** (listed first), 1 base drift (folded below).",
    );
    const calm = reviewedSetOf([change("a", ["TAGS"])], { impacted: [] });
    expect(verdictOf(renderMarkdown(calm))).toBe(
      "**1 modified** asset in code location `loc`. Nothing downstream is impacted.",
    );
    const noConflict = threeWaySetOf([change("a", ["TAGS"], { origin: "branch" })]);
    expect(verdictOf(renderMarkdown(noConflict))).toBe(
      "**1 modified** asset in code location `loc`. 1 from this branch, 0 conflicts, 0 base drift.",
    );
    expect(renderMarkdown(noConflict)).toContain(
      "<sub>Base `base.json` (1 asset) → branch `branch.json` (1 asset) · merge base `merge-base.json` (1 asset)</sub>",
    );
  });

  test("under a changed asset: what it impacts, then its column changes, worst first, and details", () => {
    expect(entryOf(renderMarkdown(findingsChangeSet()), "marts/finance/fct_revenue")).toEqual([
      "- 🔴 breaking · **`marts/finance/fct_revenue`** · `loc` · `CODE_VERSION` `METADATA`",
      "  - 🔴 breaking: a column was removed from the table schema",
      "  - 🟠 risky: the code version changed",
      "  - impacts 2 downstream assets (2 breaking-downstream): `marts/finance/rpt_monthly` (breaking-downstream, 1 hop), `weekly_exec_report` (breaking-downstream, 2 hops)",
      "    - `marts/finance/rpt_monthly` column `total` reads `marts/finance/fct_revenue.amount`, which was removed",
      "  - column `amount` removed (breaking)",
      "  - column `currency` retyped: `varchar(3)` → `char(3)` (breaking)",
      "  - column `note` made nullable (risky)",
      "  - column `amount_usd` added (safe)",
      '  - code version: `"v4"` → `"v5"`',
    ]);
  });

  test("under a changed asset: partition keys, where a conflict comes from, moves and moved dependencies", () => {
    const markdown = renderMarkdown(findingsChangeSet());
    expect(entryOf(markdown, "raw/events/page_views")).toContain(
      "  - +30 partitions (`2026-11-01` … `2026-11-30`), none removed; as of `2026-12-01`",
    );
    expect(entryOf(markdown, "raw/events/page_views")).toContain(
      "  - conflict: `CODE_VERSION`; branch: `PARTITIONS_DEFINITION`",
    );
    expect(entryOf(markdown, "staging/stg_orders")[1]).toBe(
      "  - dependency moved: `raw/orders` → `raw/shop/orders` (declared move)",
    );
    expect(markdown).toContain(
      "### Moved (1)\n\n- 🟠 risky · **`raw/shop/orders`** · `loc` · extra: `MOVED`\n" +
        "  - 🟠 risky: the asset moved to a new key or code location; whatever reads the old key must follow\n" +
        "  - moved from `raw/orders` \\[`loc`\\]\n\n",
    );
    expectWellFormed(markdown);
  });

  test("names at most five impacted assets per change, then how many more, and caps their broken columns", () => {
    const impacted = Array.from({ length: 12 }, (_, i) =>
      impactedAsset(`down/d${String(i).padStart(2, "0")}`, ["up"], "breaking-downstream", {
        columns: Array.from({ length: 3 }, (_, c) => ({
          column: `c${c}`,
          upstream: { key: "up", column: `u${c}`, change: "removed" as const },
        })),
      }),
    );
    const markdown = renderMarkdown(changeSetOf([change("up", ["TAGS"])], { impacted }));
    const entry = entryOf(markdown, "up");
    expect(entry[1]).toBe(
      "  - impacts 12 downstream assets (12 breaking-downstream): `down/d00` (breaking-downstream, 1 hop), `down/d01` (breaking-downstream, 1 hop), " +
        "`down/d02` (breaking-downstream, 1 hop), `down/d03` (breaking-downstream, 1 hop), `down/d04` (breaking-downstream, 1 hop), … and 7 more",
    );
    expect(entry.filter((l) => l.startsWith("    - `down/"))).toHaveLength(5);
    expect(entry).toContain("    - … and 10 more broken columns");
  });

  test("caps an asset's lines with 10,000 column changes, breaking ones first", () => {
    const columns = Array.from({ length: 10_000 }, (_, i) =>
      i === 9_999
        ? columnChange(`c${i}`, "removed", "int")
        : columnChange(`c${i}`, "added", null, "int"),
    );
    const markdown = renderMarkdown(changeSetOf([change("wide", ["METADATA"], { columns })]), {
      maxDetailsPerAsset: 3,
    });
    expect(entryOf(markdown, "wide")).toEqual([
      "- **`wide`** · `loc` · `METADATA`",
      "  - column `c9999` removed (breaking)",
      "  - column `c0` added (safe)",
      "  - column `c1` added (safe)",
      "  - … and 9,997 more",
    ]);
  });

  test("probable renames get a short section with the pair and the evidence; graph issues fold", () => {
    const markdown = renderMarkdown(findingsChangeSet());
    expect(markdown).toContain(
      "### Probably renamed (1)\n\n_A removed and a new asset whose definitions match apart from the key; both stay listed above._\n\n" +
        "- probably renamed: `ml/features/churn` → `ml/features/churn_v2` (92% alike: the same code version, the same upstream dependencies (after renames), a similar key)\n\n",
    );
    expect(markdown).toContain(
      "### Graph issues (3)\n\n<details>\n<summary>3 graph issues met while tracing the impact (1 cycle, 1 self-dependency, 1 dangling dependency)</summary>\n\n" +
        "- cycle in the branch: `loops/a`, `loops/b`\n" +
        "- self-dependency in the base: `legacy/self_ref` depends on itself\n" +
        "- dangling dependency in the branch: `raw/missing_feed` is not defined, yet `staging/stg_feed` depends on it\n\n</details>",
    );
    const many = Array.from({ length: 30 }, (_, i) => ({
      kind: "cycle" as const,
      side: "branch" as const,
      keys: [`a${i}`, `b${i}`],
    }));
    const capped = renderMarkdown(changeSetOf([change("a", ["TAGS"])], { graphIssues: many }));
    expect(listed(capped, "Graph issues")).toHaveLength(21);
    expect(capped).toContain("- … and 10 more graph issues\n");
    expect(capped).not.toContain("This report is shortened");
  });

  test("three-way: conflicts first, then the branch's changes, then the base drift folded away", () => {
    const markdown = renderMarkdown(findingsChangeSet());
    const order = [
      "### Conflicts (1)",
      // The branch's own changes, worst first: a breaking modified asset, a risky removal, …
      "### Modified (2)",
      "### Removed (1)",
      "### Moved (1)",
      "### New (1)",
      "### Base drift (1)",
    ];
    const at = order.map((heading) => markdown.indexOf(heading));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(markdown).toContain(
      "### Base drift (1)\n\n<details>\n<summary>Base drift: changed in production since the merge base, not by this branch</summary>\n\n" +
        "- **`marts/core/dim_customers`** · `loc` · `TAGS`\n" +
        '  - tag `tier`: `"silver"` → `"gold"`\n\n</details>',
    );
    // Base drift is not the branch's doing: no severity, and not named or counted in the verdict.
    expect(listed(markdown, "Modified").map((l) => l.slice(0, 40))).not.toContain(
      expect.stringContaining("dim_customers"),
    );
    const drift = threeWaySetOf([
      rated("a", [verdict("METADATA", "breaking", "COLUMN_REMOVED")], { origin: "drift" }),
      rated("b", [verdict("TAGS", "safe", "DESCRIPTIVE_CHANGE")], { origin: "branch" }),
    ]);
    expect(verdictOf(renderMarkdown(drift))).toBe(
      "**No breaking changes** · 🟠 0 risky · ⚪ 1 safe\n\n**2 modified** assets in code location `loc`. 1 from this branch, 0 conflicts, 1 base drift (folded below).",
    );
    expectWellFormed(markdown);
  });

  test("a moved asset's section, and moves in the lineage legend", () => {
    const markdown = renderMarkdown(
      changeSetOf([
        movedChange(
          "new/key",
          "old/key",
          ["CODE_VERSION"],
          {
            lineage: { upstream: ["up"], downstream: [] },
          },
          { codeVersion: { old: "1", new: "2" } },
        ),
      ]),
    );
    expect(verdictOf(markdown)).toBe("**1 moved** asset in code location `loc`.");
    expect(markdown).toContain(
      "### Moved (1)\n\n- **`new/key`** · `loc` · `CODE_VERSION` · extra: `MOVED`\n" +
        "  - moved from `old/key` \\[`loc`\\]\n" +
        '  - code version: `"1"` → `"2"`\n',
    );
    expect(markdown).toContain("🟨 modified (~) · 🟦 moved (→, with where it was) · ⬜ unchanged");
    expect(markdown).toContain("| `MOVED` (extra) | moved to a new key or code location | 1 |");
  });

  test("stays within maxLength with 100,000 impacted entries, 10,000 column changes and floods of findings", () => {
    const flood = generatedChangeSet(2_000);
    const keys = flood.assets.map((a) => a.key);
    const impacted = Array.from({ length: 100_000 }, (_, i) =>
      impactedAsset(
        `down/${i}`,
        [keys[i % 7] as string, keys[i % 11] as string],
        i % 2 === 0 ? "breaking-downstream" : "risky-downstream",
        {
          columns: [{ column: `c${i}`, upstream: { key: "x", column: "y", change: "retyped" } }],
        },
      ),
    );
    const columns = Array.from({ length: 10_000 }, (_, i) =>
      columnChange(`col_${i}`, "retyped", "int", "bigint"),
    );
    const assets = flood.assets.map((a, i) => (i < 3 ? { ...a, columns } : a));
    const changeSet = reviewedSetOf(assets, {
      impacted,
      graphIssues: Array.from({ length: 20_000 }, (_, i) => ({
        kind: "dangling-dependency" as const,
        side: "branch" as const,
        keys: [`missing/${"m".repeat(300)}${i}`, ...keys.slice(0, 50)],
      })),
      probableMoves: Array.from({ length: 20_000 }, (_, i) => ({
        from: { key: `old/${i}`, path: ["old", `${i}`], codeLocation: "loc", repository: null },
        to: { key: `new/${i}`, path: ["new", `${i}`], codeLocation: "other", repository: null },
        evidence: ["SAME_CODE_VERSION", "SAME_TAGS", "SIMILAR_KEY"],
        similarity: 0.8,
      })),
    });
    for (const maxLength of [6_000, 20_000, 60_000]) {
      const markdown = renderMarkdown(changeSet, { maxLength });
      expect(markdown.length).toBeLessThanOrEqual(maxLength);
      expectWellFormed(markdown);
      for (const heading of [
        "### Modified (",
        "### Probably renamed (20,000)",
        "### Graph issues (20,000)",
      ])
        expect(markdown).toContain(heading);
      expect(markdown).toContain(
        "**100,000 impacted downstream** (50,000 breaking-downstream, 50,000 risky-downstream).",
      );
      expect(markdown).toMatch(/probable renames? not listed/);
    }
    const full = renderMarkdown(changeSet);
    expect(full).toMatch(
      /impacts [\d,]+ downstream assets \([\d,]+ breaking-downstream, [\d,]+ risky-downstream\): /,
    );
  });

  test("three-way floods keep every section's frame: conflicts, branch changes and base drift", () => {
    const flood = generatedChangeSet(30_000);
    const origin = (i: number): "conflict" | "branch" | "drift" =>
      i % 3 === 0 ? "conflict" : i % 3 === 1 ? "branch" : "drift";
    const assets = flood.assets.map((a, i) => ({ ...a, origin: origin(i) }));
    for (const maxLength of [6_000, 60_000]) {
      const markdown = renderMarkdown(threeWaySetOf(assets), { maxLength });
      expect(markdown.length).toBeLessThanOrEqual(maxLength);
      expectWellFormed(markdown);
      for (const heading of ["### Conflicts (10,000)", "### Base drift (10,000)", "### Modified ("])
        expect(markdown).toContain(heading);
      expect(listed(markdown, "Conflicts").length).toBeGreaterThan(0);
    }
  });

  test("escapes hostile keys in every finding: shown, never interpreted", () => {
    const keys = [...AWKWARD_KEYS].sort();
    const hostileOf = (i: number) => keys[(i + 1) % keys.length] as string;
    const assets = keys.map((key, i) =>
      i % 3 === 0
        ? movedChange(key, hostileOf(i), [], {
            movedDependencies: [{ from: hostileOf(i + 1), to: hostileOf(i + 2), declared: false }],
          })
        : change(key, ["METADATA", "PARTITIONS_DEFINITION"], {
            origin: i % 2 === 0 ? "conflict" : "drift",
            origins: [{ changeType: "METADATA", origin: "conflict" }],
            columns: [
              columnChange(
                hostileOf(i),
                "retyped",
                hostileOf(i + 1),
                `${hostileOf(i + 2)}\n</details>`,
              ),
            ],
            partitionKeys: {
              enumerable: true,
              note: hostileOf(i + 3),
              asOf: null,
              added: {
                count: 2,
                first: hostileOf(i),
                last: hostileOf(i + 1),
                keys: [hostileOf(i), hostileOf(i + 1)],
              },
              removed: { count: 0, first: null, last: null },
            },
          }),
    );
    const changeSet = threeWaySetOf(assets, {
      impacted: keys.map((key, i) =>
        impactedAsset(hostileOf(i), [key], "breaking-downstream", {
          columns: [
            {
              column: hostileOf(i + 1),
              upstream: { key, column: hostileOf(i + 2), change: "removed" },
            },
          ],
        }),
      ),
      probableMoves: keys.map((key, i) => ({
        from: { key, path: [key], codeLocation: hostileOf(i), repository: null },
        to: { key: hostileOf(i), path: [hostileOf(i)], codeLocation: "loc", repository: null },
        evidence: ["SIMILAR_KEY"],
        similarity: 0.5,
      })),
      graphIssues: keys.map((key, i) => ({
        kind: "dangling-dependency" as const,
        side: "branch" as const,
        keys: [key, hostileOf(i)],
      })),
    });
    const markdown = renderMarkdown(changeSet, { foldAfter: 1_000 });
    expectWellFormed(markdown);
    expect(markdown.length).toBeLessThanOrEqual(60_000);
    for (const section of [
      "Conflicts",
      "Moved",
      "Probably renamed",
      "Graph issues",
      "Base drift",
    ]) {
      const start = markdown.indexOf(`### ${section} (`);
      expect(start, section).toBeGreaterThan(-1);
      const end = markdown.indexOf("\n### ", start + 1);
      const body = markdown.slice(start, end === -1 ? undefined : end);
      for (const line of body.split("\n").slice(1)) {
        expect(line).toMatch(/^(|- .*| {2}- .*| {4}- .*|<details>|<summary>.*|<\/details>|_.*_)$/);
      }
    }
    expect(markdown).not.toContain("<script>alert(1)</script>\n");
    expect(markdown).not.toContain("\uE000");
  });
});
