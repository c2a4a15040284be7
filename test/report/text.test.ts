import { describe, expect, test } from "vitest";
import { renderText, summaryLine } from "../../src/report/text";
import {
  change,
  changeSetOf,
  notLoadedInBranch,
  rated,
  reviewedSetOf,
  staleApproval,
  suppressedChange,
  verdict,
} from "./change-set-builders";

/** The lines of a group, from its heading to the next blank line. */
function group(text: string, title: string): string[] {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.startsWith(`${title} (`));
  if (start === -1) return [];
  const end = lines.indexOf("", start);
  return lines.slice(start + 1, end === -1 ? undefined : end);
}

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

describe("renderText of a reviewed change set", () => {
  test("orders each group worst first, with a severity badge per asset", () => {
    const text = renderText(reviewed);
    expect(group(text, "Modified")).toEqual([
      "  ~ [breaking] b_breaking  [loc]  CODE_VERSION METADATA",
      "      breaking: a column was removed from the table schema",
      "      risky: the code version changed",
      "  ~ [risky]    c_risky  [loc]     CODE_VERSION",
      "      risky: the code version changed (approved by alice: planned rewrite)",
      "  ~ [safe]     a_safe  [loc]      TAGS",
    ]);
    expect(group(text, "Removed")).toEqual([
      "  - [breaking] d_gone  [loc]",
      "      breaking: removed while other assets depend on it",
    ]);
    // Safe verdicts are not listed: the badge says it all.
    expect(group(text, "New")).toEqual(["  + [safe]     e_new  [loc]"]);
  });

  test("keeps the order of the change set among equal severities", () => {
    const assets = ["z", "m", "a"].map((key) =>
      rated(key, [verdict("TAGS", "safe", "DESCRIPTIVE_CHANGE")]),
    );
    expect(group(renderText(reviewedSetOf(assets)), "Modified").map((l) => l.trim())).toEqual([
      "~ [safe]     z  [loc]  TAGS",
      "~ [safe]     m  [loc]  TAGS",
      "~ [safe]     a  [loc]  TAGS",
    ]);
  });

  test("leaves the badge column blank for an asset without a severity", () => {
    const changeSet = reviewedSetOf([
      rated("a", [verdict("TAGS", "risky", "CONFIGURED", { message: "tags are contracts here" })]),
      change("b", ["TAGS"]),
    ]);
    expect(group(renderText(changeSet), "Modified")).toEqual([
      "  ~ [risky]    a  [loc]  TAGS",
      "      risky: tags are contracts here",
      "  ~            b  [loc]  TAGS",
    ]);
  });

  test("colours badges and reasons by severity on a terminal", () => {
    const text = renderText(reviewed, { color: true });
    expect(text).toContain("\u001b[31m[breaking]\u001b[39m ");
    expect(text).toContain("\u001b[33m[risky]\u001b[39m    ");
    expect(text).toContain("\u001b[2m[safe]\u001b[22m     ");
    expect(text).toContain(
      "\u001b[31mbreaking: a column was removed from the table schema\u001b[39m",
    );
    expect(text).toContain("\u001b[32mrisky: the code version changed (approved by alice");
  });

  test("says how many changes rules suppressed", () => {
    const one = reviewedSetOf([], { suppressed: [suppressedChange("a")] });
    expect(renderText(one)).toContain(
      "\n\n1 change suppressed by rules (run with --format json to see them)\n",
    );
    const many = reviewedSetOf([change("b", ["TAGS"])], {
      suppressed: [suppressedChange("a"), suppressedChange("b"), suppressedChange("c")],
    });
    expect(renderText(many)).toContain(
      "3 changes suppressed by rules (run with --format json to see them)",
    );
    expect(renderText(changeSetOf([change("b", ["TAGS"])]))).not.toContain("suppressed");
  });

  test("lists stale approvals, with who approved them when known", () => {
    const changeSet = reviewedSetOf([], {
      staleApprovals: [
        staleApproval("raw/orders", "CODE_VERSION", { id: "3f2a", currentId: "9c1d" }),
        staleApproval("raw/users", "TAGS", { by: "sam", reason: "pii tag" }),
      ],
    });
    const text = renderText(changeSet);
    expect(text).toContain(
      "\nStale approvals (2)\n" +
        "  ! raw/orders CODE_VERSION: approved id 3f2a no longer matches (now 9c1d)\n" +
        "  ! raw/users TAGS: approved id approved-0001 no longer matches (now current-0002) — approved by sam: pii tag\n",
    );
    expect(renderText(reviewedSetOf([], { staleApprovals: [] }))).not.toContain("Stale");
  });
});

describe("summaryLine", () => {
  test("adds the breaking and risky counts once the severity policy ran", () => {
    expect(summaryLine(reviewed)).toBe(
      "1 new, 1 removed, 3 modified, 0 unchanged; 2 breaking, 1 risky",
    );
    const calm = reviewedSetOf([rated("a", [verdict("TAGS", "safe", "DESCRIPTIVE_CHANGE")])]);
    expect(summaryLine(calm)).toBe(
      "0 new, 0 removed, 1 modified, 0 unchanged; 0 breaking, 0 risky",
    );
  });

  test("is the raw form without severities, and for no changes", () => {
    expect(summaryLine(changeSetOf([change("a", ["TAGS"])]))).toBe(
      "0 new, 0 removed, 1 modified, 0 unchanged",
    );
    expect(summaryLine(reviewedSetOf([], { suppressed: [suppressedChange("a")] }))).toBe(
      "No changes (0 unchanged).",
    );
  });

  test("says how many branch locations did not load: never plain no changes then", () => {
    const unloaded = (codeLocation: string) => ({
      codeLocation,
      status: "notLoadedInBranch" as const,
      baseAssets: 3,
      branchAssets: 0,
      message: "failed to load in the branch: boom",
    });
    const notInBranch = {
      codeLocation: "old",
      status: "notInBranch" as const,
      baseAssets: 1,
      branchAssets: 0,
    };
    expect(summaryLine(changeSetOf([], { locations: [unloaded("etl"), notInBranch] }))).toBe(
      "No changes in what was compared (0 unchanged); 1 code location of the branch did not load, its assets not compared.",
    );
    expect(
      summaryLine(
        changeSetOf([change("a", ["TAGS"])], { locations: [unloaded("x"), unloaded("y")] }),
      ),
    ).toBe(
      "0 new, 0 removed, 1 modified, 0 unchanged; 2 code locations of the branch did not load, their assets not compared",
    );
    expect(summaryLine(changeSetOf([], { locations: [notInBranch] }))).toBe(
      "No changes (0 unchanged).",
    );
  });
});

test("the code locations not compared come right after the summary line, before any change", () => {
  const text = renderText(
    changeSetOf([change("a", ["TAGS"])], {
      locations: [notLoadedInBranch("etl")],
      limitations: [{ changeType: "CODE_VERSION", field: "codeVersion", side: "both", assets: 1 }],
    }),
  ).split("\n");
  expect(text.slice(2, 6)).toEqual([
    "",
    "Code locations not compared",
    "  ! etl: failed to load in the branch: boom",
    "",
  ]);
  expect(text.indexOf("Modified (1)")).toBeGreaterThan(4);
});
