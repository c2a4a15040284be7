import { describe, expect, test } from "vitest";
import {
  bySeverity,
  describeStaleApproval,
  describeVerdict,
  hasSeverity,
  shownVerdicts,
  suppressedText,
} from "../../src/report/verdicts";
import {
  change,
  changeSetOf,
  rated,
  reviewedSetOf,
  staleApproval,
  verdict,
} from "./change-set-builders";

describe("the words the renderers share for what the policies decided", () => {
  test("hasSeverity: only once the severity policy ran", () => {
    expect(hasSeverity(changeSetOf([change("a", ["TAGS"])]))).toBe(false);
    const reviewed = reviewedSetOf([rated("a", [verdict("TAGS", "safe", "DESCRIPTIVE_CHANGE")])]);
    expect(hasSeverity(reviewed)).toBe(true);
    // Nothing listed, but the policy ran: the summary says so.
    expect(hasSeverity({ ...reviewed, assets: [] })).toBe(true);
  });

  test("bySeverity: worst first, stable, assets without a severity last", () => {
    const assets = [
      { key: "s1", severity: "safe" as const },
      { key: "none" },
      { key: "b1", severity: "breaking" as const },
      { key: "r1", severity: "risky" as const },
      { key: "s2", severity: "safe" as const },
      { key: "b2", severity: "breaking" as const },
    ];
    expect(bySeverity(assets).map((a) => a.key)).toEqual(["b1", "b2", "r1", "s1", "s2", "none"]);
    expect(assets[0]?.key).toBe("s1");
  });

  test("shownVerdicts: the breaking and risky ones, worst first", () => {
    const asset = rated("a", [
      verdict("CODE_VERSION", "risky", "CODE_VERSION_CHANGED"),
      verdict("TAGS", "safe", "DESCRIPTIVE_CHANGE"),
      verdict("METADATA", "breaking", "COLUMN_REMOVED"),
    ]);
    expect(shownVerdicts(asset).map((v) => v.changeType)).toEqual(["METADATA", "CODE_VERSION"]);
    expect(shownVerdicts(change("b", ["TAGS"]))).toEqual([]);
  });

  test.each([
    [undefined, "risky: the code version changed"],
    [
      { by: "alice", reason: "planned" },
      "risky: the code version changed (approved by alice: planned)",
    ],
    [{ by: "alice", reason: null }, "risky: the code version changed (approved by alice)"],
    [{ by: null, reason: "planned" }, "risky: the code version changed (approved: planned)"],
    [{ by: null, reason: null }, "risky: the code version changed (approved)"],
  ])("describeVerdict with approval %o", (approved, text) => {
    const v = verdict(
      "CODE_VERSION",
      "risky",
      "CODE_VERSION_CHANGED",
      approved ? { approved } : {},
    );
    expect(describeVerdict(v)).toBe(text);
  });

  test("describeVerdict and describeStaleApproval mark values and text as asked", () => {
    const v = verdict("TAGS", "risky", "CONFIGURED", {
      message: "m",
      approved: { by: "@bo", reason: "r" },
    });
    expect(
      describeVerdict(
        v,
        (x) => `<${x}>`,
        (x) => x.toUpperCase(),
      ),
    ).toBe("RISKY: M (approved by <@bo>: R)");
    const stale = staleApproval("a/b", "TAGS", { id: "1", currentId: "2", by: "bo", reason: "r" });
    expect(
      describeStaleApproval(
        stale,
        (x) => `<${x}>`,
        (x) => x.toUpperCase(),
      ),
    ).toBe("<a/b> <TAGS>: approved id <1> no longer matches (now <2>) — approved by <bo>: R");
  });

  test("suppressedText", () => {
    expect(suppressedText(1)).toBe("1 change suppressed by rules");
    expect(suppressedText(10_000)).toBe("10,000 changes suppressed by rules");
  });
});
