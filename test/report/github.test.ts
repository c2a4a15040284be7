import { describe, expect, test } from "vitest";
import type { AssetChange } from "../../src/diff/change-set";
import { diffAssetGraphs } from "../../src/diff/diff";
import type { Severity } from "../../src/diff/verdicts";
import {
  formatGithubOutputs,
  GITHUB_OUTPUT_NAMES,
  githubOutputs,
  renderGithubAnnotations,
} from "../../src/report/github";
import { asset, graph } from "../helpers/builders";
import {
  change,
  columnChange,
  findingsChangeSet,
  impactedAsset,
  keyRange,
  NO_KEYS,
  partitionKeys,
  rated,
  reviewedSetOf,
  threeWaySetOf,
  verdict,
} from "./change-set-builders";

const refs = (...codeReferences: unknown[]) => [
  {
    key: "dagster/code_references",
    value: { type: "codeReferences" as const, codeReferences: codeReferences as never },
  },
];

describe("GitHub Actions annotations", () => {
  const base = graph(
    asset("gone", {
      metadata: refs({
        type: "localFile",
        filePath: "/home/runner/work/app/app/defs/gone.py",
        lineNumber: 7,
        label: null,
      }),
    }),
    asset("a", {
      codeVersion: "1",
      metadata: refs({ type: "localFile", filePath: "defs/a.py", lineNumber: 3, label: null }),
    }),
    asset("b", {
      codeVersion: "1",
      metadata: refs({
        type: "url",
        url: "https://github.com/acme/app/blob/main/defs/b%20c.py#L21",
        label: "GitHub",
      }),
    }),
    asset("c, d: e", { codeVersion: "1" }),
  );
  const branch = graph(
    asset("a", {
      codeVersion: "2",
      metadata: refs({ type: "localFile", filePath: "defs/a.py", lineNumber: 3, label: null }),
    }),
    asset("b", {
      codeVersion: "2",
      metadata: refs({
        type: "url",
        url: "https://github.com/acme/app/blob/main/defs/b%20c.py#L21",
        label: "GitHub",
      }),
    }),
    asset("c, d: e", { codeVersion: "2" }),
  );
  const changeSet = diffAssetGraphs(base, branch);

  test("point at the asset's definition, with escaped properties and data", () => {
    expect(
      renderGithubAnnotations(changeSet, {
        graphs: { base, branch },
        workspace: "/home/runner/work/app/app",
      }),
    ).toEqual([
      "::notice file=defs/a.py,line=3,title=asset-diff%3A a::a (loc): CODE_VERSION\n",
      "::notice file=defs/b c.py,line=21,title=asset-diff%3A b::b (loc): CODE_VERSION\n",
      "::notice title=asset-diff%3A c%2C d%3A e::c, d: e (loc): CODE_VERSION\n",
      "::warning file=defs/gone.py,line=7,title=asset-diff%3A gone::gone (loc): REMOVED\n",
    ]);
  });

  test("absolute paths outside the workspace are left out, and the count is capped", () => {
    const lines = renderGithubAnnotations(changeSet, { graphs: { base, branch }, limit: 1 });
    expect(lines).toEqual([
      "::notice file=defs/a.py,line=3,title=asset-diff%3A a::a (loc): CODE_VERSION\n",
      "::notice title=asset-diff::3 more changed assets are not annotated\n",
    ]);
    expect(renderGithubAnnotations(changeSet, { graphs: { base, branch } })[3]).toBe(
      "::warning title=asset-diff%3A gone::gone (loc): REMOVED\n",
    );
  });

  test("step outputs", () => {
    expect(githubOutputs(changeSet)).toEqual({
      "has-changes": "true",
      new: "0",
      removed: "1",
      modified: "3",
      unchanged: "0",
      "change-types": "REMOVED,CODE_VERSION",
      summary: "0 new, 1 removed, 3 modified, 0 unchanged",
      breaking: "",
      risky: "",
      "worst-severity": "",
    });
    expect(formatGithubOutputs({ a: "1", b: "two\nlines" })).toBe(
      "a=1\nb<<ASSET_DIFF_EOF\ntwo\nlines\nASSET_DIFF_EOF\n",
    );
  });
});

describe("GitHub Actions annotations of a reviewed change set", () => {
  const reviewed = reviewedSetOf([
    rated("a", [verdict("TAGS", "safe", "DESCRIPTIVE_CHANGE")]),
    rated("b", [
      verdict("CODE_VERSION", "risky", "CODE_VERSION_CHANGED"),
      verdict("METADATA", "breaking", "COLUMN_REMOVED"),
    ]),
    rated("c", [
      verdict("CODE_VERSION", "risky", "CODE_VERSION_CHANGED", {
        approved: { by: "alice", reason: "planned, 100%" },
      }),
    ]),
    // Without the severity policy this would be a warning (PARTITIONS_DEFINITION).
    rated("d", [verdict("PARTITIONS_DEFINITION", "safe", "CONFIGURED", { message: "test data" })]),
  ]);

  test("the level follows the severity, worst first, with the reasons in the message", () => {
    expect(renderGithubAnnotations(reviewed)).toEqual([
      "::error title=asset-diff%3A b::b (loc): CODE_VERSION, METADATA%0Abreaking: a column was removed from the table schema%0Arisky: the code version changed\n",
      "::warning title=asset-diff%3A c::c (loc): CODE_VERSION%0Arisky: the code version changed (approved by alice: planned, 100%25)\n",
      "::notice title=asset-diff%3A a::a (loc): TAGS\n",
      "::notice title=asset-diff%3A d::d (loc): PARTITIONS_DEFINITION\n",
    ]);
  });

  const many = (severity: Severity, count: number) =>
    Array.from({ length: count }, (_, i) =>
      rated(`${severity}_${String(i).padStart(2, "0")}`, [
        verdict("CODE_VERSION", severity, "CONFIGURED", { message: "rated by hand" }),
      ]),
    );
  const levels = (lines: string[]) => lines.map((l) => /^::(\w+)/.exec(l)?.[1]);
  const count = (lines: string[], level: string) => levels(lines).filter((l) => l === level).length;

  test("at most 10 per level and step, the rest counted in one closing notice", () => {
    // Keys sort safe before risky before breaking: the order comes from the severity alone.
    const changeSet = reviewedSetOf([
      ...many("safe", 15),
      ...many("risky", 15),
      ...many("breaking", 15),
    ]);
    const lines = renderGithubAnnotations(changeSet);
    expect(count(lines, "error")).toBe(10);
    expect(count(lines, "warning")).toBe(10);
    // The closing notice is a notice too: with it, ten notices.
    expect(count(lines, "notice")).toBe(10);
    expect(levels(lines)).toEqual([
      ...Array(10).fill("error"),
      ...Array(10).fill("warning"),
      ...Array(10).fill("notice"),
    ]);
    expect(lines[0]).toContain("title=asset-diff%3A breaking_00::");
    expect(lines[9]).toContain("title=asset-diff%3A breaking_09::");
    expect(lines[28]).toContain("title=asset-diff%3A safe_08::");
    expect(lines.at(-1)).toBe(
      "::notice title=asset-diff::16 more changed assets not annotated: 5 breaking, 5 risky, 6 safe\n",
    );
  });

  test("keeps ten notices when nothing is left over, and honours limit", () => {
    const changeSet = reviewedSetOf([...many("breaking", 12), ...many("safe", 10)]);
    const lines = renderGithubAnnotations(changeSet);
    expect(count(lines, "error")).toBe(10);
    expect(count(lines, "notice")).toBe(10);
    expect(lines.at(-1)).toBe(
      "::notice title=asset-diff::3 more changed assets not annotated: 2 breaking, 1 safe\n",
    );
    expect(renderGithubAnnotations(reviewedSetOf(many("safe", 10)))).toHaveLength(10);
    const limited = renderGithubAnnotations(changeSet, { limit: 3 });
    expect(levels(limited)).toEqual(["error", "error", "error", "notice"]);
    expect(limited.at(-1)).toBe(
      "::notice title=asset-diff::19 more changed assets not annotated: 9 breaking, 10 safe\n",
    );
    expect(renderGithubAnnotations(reviewedSetOf(many("risky", 11)))).toContain(
      "::notice title=asset-diff::1 more changed asset not annotated: 1 risky\n",
    );
  });

  test("step outputs keep their names; the summary and the verdict outputs give the severities", () => {
    const outputs = githubOutputs(reviewed);
    expect(Object.keys(outputs)).toEqual([...GITHUB_OUTPUT_NAMES]);
    expect(outputs.summary).toBe("0 new, 0 removed, 4 modified, 0 unchanged; 1 breaking, 1 risky");
    expect([outputs.breaking, outputs.risky, outputs["worst-severity"]]).toEqual([
      "1",
      "1",
      "breaking",
    ]);
    const raw = githubOutputs(reviewedSetOf([change("a", ["TAGS"])]));
    expect(raw.summary).toBe("0 new, 0 removed, 1 modified, 0 unchanged");
    expect([raw.breaking, raw.risky, raw["worst-severity"]]).toEqual(["", "", ""]);
  });

  test("the worst severity is risky, safe, or empty when nothing changed", () => {
    const worst = (changes: AssetChange[]) =>
      githubOutputs(reviewedSetOf(changes))["worst-severity"];
    expect(worst([...many("safe", 2), ...many("risky", 1)])).toBe("risky");
    expect(worst(many("safe", 3))).toBe("safe");
    expect(worst([])).toBe("");
  });
});

describe("GitHub Actions annotations of the findings", () => {
  test("the message gives the column changes, partition keys, move and impact", () => {
    const lines = renderGithubAnnotations(findingsChangeSet());
    expect(lines[0]).toBe(
      "::error title=asset-diff%3A marts/finance/fct_revenue::marts/finance/fct_revenue (loc): CODE_VERSION, METADATA" +
        "%0Abreaking: a column was removed from the table schema%0Arisky: the code version changed" +
        "%0Acolumn amount_usd added (safe)%0Acolumn amount removed (breaking)" +
        "%0Acolumn currency retyped: varchar(3) → char(3) (breaking)%0Acolumn note made nullable (risky)" +
        "%0Aimpacts 2 downstream assets (2 breaking-downstream): marts/finance/rpt_monthly (breaking-downstream, 1 hop), weekly_exec_report (breaking-downstream, 2 hops)\n",
    );
    expect(lines.find((l) => l.includes("raw/events/page_views::"))).toContain(
      "%0Aconflict: CODE_VERSION; branch: PARTITIONS_DEFINITION%0A",
    );
    expect(lines.find((l) => l.includes("raw/events/page_views::"))).toContain(
      "%0A+30 partitions (2026-11-01 … 2026-11-30), none removed; as of 2026-12-01%0A",
    );
    expect(lines.find((l) => l.includes("raw/shop/orders::"))).toContain(
      "%0Amoved from raw/orders [loc]\n",
    );
  });

  test("drift-only assets get no annotation, only one notice naming them", () => {
    const lines = renderGithubAnnotations(findingsChangeSet());
    expect(lines.filter((l) => l.includes("dim_customers"))).toEqual([
      "::notice title=asset-diff%3A base drift::1 asset changed in production since the merge base, not by this branch (base drift): marts/core/dim_customers\n",
    ]);
    const drift = Array.from({ length: 7 }, (_, i) =>
      rated(`d${i}`, [verdict("TAGS", "safe", "DESCRIPTIVE_CHANGE")], { origin: "drift" }),
    );
    expect(renderGithubAnnotations(threeWaySetOf(drift))).toEqual([
      "::notice title=asset-diff%3A base drift::7 assets changed in production since the merge base, not by this branch (base drift): d0, d1, d2, d3, d4 and 2 more\n",
    ]);
  });

  test("the drift notice takes a notice's place within GitHub's ten per step", () => {
    const safe = Array.from({ length: 12 }, (_, i) =>
      rated(`s${String(i).padStart(2, "0")}`, [verdict("TAGS", "safe", "DESCRIPTIVE_CHANGE")], {
        origin: "branch",
      }),
    );
    const drift = rated("z", [verdict("TAGS", "safe", "DESCRIPTIVE_CHANGE")], { origin: "drift" });
    const lines = renderGithubAnnotations(threeWaySetOf([...safe, drift]));
    expect(lines.filter((l) => l.startsWith("::notice"))).toHaveLength(10);
    expect(lines.at(-2)).toMatch(/^::notice title=asset-diff%3A base drift::1 asset changed/);
    expect(lines.at(-1)).toBe(
      "::notice title=asset-diff::4 more changed assets not annotated: 4 safe\n",
    );
  });

  test("findings are capped in one annotation", () => {
    const columns = Array.from({ length: 12 }, (_, i) => columnChange(`c${i}`, "removed"));
    const [line] = renderGithubAnnotations(
      reviewedSetOf([
        rated("t", [verdict("METADATA", "breaking", "COLUMN_REMOVED")], {
          columns,
          partitionKeys: partitionKeys(NO_KEYS, keyRange(["a"])),
        }),
      ]),
    );
    const parts = line?.split("%0A") ?? [];
    expect(parts.filter((p) => p.startsWith("column "))).toHaveLength(7);
    expect(parts.at(-1)).toBe("… and 6 more\n");
  });

  test("the step summary counts the impact", () => {
    const changeSet = reviewedSetOf([rated("a", [verdict("TAGS", "safe", "DESCRIPTIVE_CHANGE")])], {
      impacted: [impactedAsset("b", ["a"], "safe-downstream")],
    });
    expect(githubOutputs(changeSet).summary).toBe(
      "0 new, 0 removed, 1 modified, 0 unchanged; 0 breaking, 0 risky; 1 impacted downstream (1 safe-downstream)",
    );
  });

  test("a change set without the new fields is annotated as before", () => {
    const plain = reviewedSetOf([
      rated("a", [verdict("CODE_VERSION", "risky", "CODE_VERSION_CHANGED")]),
    ]);
    expect(renderGithubAnnotations(plain)).toEqual([
      "::warning title=asset-diff%3A a::a (loc): CODE_VERSION%0Arisky: the code version changed\n",
    ]);
    expect(renderGithubAnnotations(changeSetOfOne())).toEqual([
      "::notice title=asset-diff%3A a::a (loc): TAGS\n",
    ]);
  });
});

function changeSetOfOne() {
  return reviewedSetOf([change("a", ["TAGS"])]);
}
